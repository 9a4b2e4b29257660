"""The disk cache runs only code this user generated: signed entries, private directories,
bindings limited to the modules the function uses, and a key that is always there."""
from __future__ import annotations

import json
import multiprocessing
import os
import warnings

import numpy as np
import pytest

from adjoint.backend import cache, trust
from test_cache import MODEL, OPTIONS, CountingGenerate, load

PLANTED = "_adjoint_planted_code_ran"


@pytest.fixture(autouse=True)
def fresh_key(tmp_path, monkeypatch):
    """A key file of this test's own, read anew (the process keeps keys per path)."""
    monkeypatch.setenv("ADJOINT_KEY_FILE", str(tmp_path / "config" / "key"))
    monkeypatch.setattr(trust, "_KEY", {})
    monkeypatch.setattr(trust, "_WARNED", set())
    os.environ.pop(PLANTED, None)


def _stored(tmp_path, cache_dir):
    module = load(tmp_path / "model.py", MODEL)
    counting = CountingGenerate()
    cache.generate_cached(module.loss, OPTIONS, counting)
    (path,) = cache_dir.glob("*.json")
    return module, counting, path


def _tamper(path, change) -> None:
    signed = json.loads(path.read_text())
    change(signed)
    path.write_text(json.dumps(signed))


def _plant_code(signed) -> None:
    unit = signed["entry"]["units"][0]
    unit["source"] = unit["source"].replace(":\n", f":\n    __import__('os').environ['{PLANTED}'] = '1'\n", 1)


def _plant_module(signed) -> None:
    unit = signed["entry"]["units"][0]
    name = sorted(unit["bindings"])[0]
    unit["bindings"][name] = {"module": "subprocess"}


def _forge_mac(signed) -> None:
    _plant_code(signed)
    signed["mac"] = "0" * 64


@pytest.mark.parametrize("change", [_plant_code, _plant_module, _forge_mac], ids=["source", "bindings", "mac"])
def test_a_tampered_entry_is_never_run_and_is_regenerated(change, tmp_path, cache_dir):
    module, counting, path = _stored(tmp_path, cache_dir)
    _tamper(path, change)
    with pytest.warns(RuntimeWarning, match="cannot verify"):
        generated = cache.generate_cached(module.loss, OPTIONS, counting)
    generated.function(np.array([0.1, 0.2, 0.3]), np.ones((2, 3)))
    assert PLANTED not in os.environ
    assert counting.calls == 2
    cache.generate_cached(module.loss, OPTIONS, counting)  # rewritten, and trusted again
    assert counting.calls == 2


def test_a_binding_to_a_module_the_function_does_not_use_is_refused_even_when_signed(tmp_path, cache_dir):
    module, counting, path = _stored(tmp_path, cache_dir)
    signed = json.loads(path.read_text())
    _plant_module(signed)
    signed["mac"] = trust.sign(cache._payload(signed["entry"]))
    path.write_text(json.dumps(signed))
    cache.generate_cached(module.loss, OPTIONS, counting)
    assert counting.calls == 2


def test_an_entry_signed_with_another_key_is_not_trusted(tmp_path, cache_dir, monkeypatch):
    module, counting, _ = _stored(tmp_path, cache_dir)
    monkeypatch.setenv("ADJOINT_KEY_FILE", str(tmp_path / "another" / "key"))
    with pytest.warns(RuntimeWarning, match="cannot verify"):
        cache.generate_cached(module.loss, OPTIONS, counting)
    assert counting.calls == 2


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o757])
def test_a_directory_others_may_write_is_not_used(mode, tmp_path, cache_dir):
    cache_dir.mkdir(mode=0o700)
    os.chmod(cache_dir, mode)
    module = load(tmp_path / "model.py", MODEL)
    counting = CountingGenerate()
    with pytest.warns(RuntimeWarning, match="written by other users"):
        cache.generate_cached(module.loss, OPTIONS, counting)
    cache.generate_cached(module.loss, OPTIONS, counting)
    assert counting.calls == 2
    assert not list(cache_dir.glob("*.json"))


def test_a_shared_directory_with_the_sticky_bit_is_used(tmp_path, cache_dir):
    cache_dir.mkdir(mode=0o700)
    os.chmod(cache_dir, 0o1777)
    module = load(tmp_path / "model.py", MODEL)
    counting = CountingGenerate()
    cache.generate_cached(module.loss, OPTIONS, counting)
    cache.generate_cached(module.loss, OPTIONS, counting)
    assert counting.calls == 1


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="giving a directory away needs root")
def test_a_directory_another_user_owns_is_not_used(tmp_path, cache_dir):
    cache_dir.mkdir(mode=0o700)
    os.chown(cache_dir, 4321, 4321)
    module = load(tmp_path / "model.py", MODEL)
    counting = CountingGenerate()
    with pytest.warns(RuntimeWarning, match="owned by another user"):
        cache.generate_cached(module.loss, OPTIONS, counting)
    cache.generate_cached(module.loss, OPTIONS, counting)
    assert counting.calls == 2


def test_the_cache_directory_and_key_are_private(tmp_path, cache_dir):
    _stored(tmp_path, cache_dir)
    assert cache_dir.stat().st_mode & 0o777 == 0o700
    key_file = trust.key_file()
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert len(bytes.fromhex(key_file.read_text())) == 32


@pytest.mark.parametrize("content", ["", "not a key", "ab" * 8])
def test_a_malformed_key_file_is_replaced_not_an_error(content, tmp_path, cache_dir):
    key_file = trust.key_file()
    key_file.parent.mkdir(parents=True)
    key_file.write_text(content)
    _, counting, _ = _stored(tmp_path, cache_dir)
    assert len(bytes.fromhex(key_file.read_text())) == 32


def test_an_unreadable_key_path_gives_the_process_a_key_of_its_own(tmp_path, cache_dir, monkeypatch):
    unreadable = tmp_path / "key-is-a-directory"
    (unreadable / "inside").mkdir(parents=True)
    monkeypatch.setenv("ADJOINT_KEY_FILE", str(unreadable))
    module, counting, _ = _stored(tmp_path, cache_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cache.generate_cached(module.loss, OPTIONS, counting)
    assert counting.calls == 1  # the same process still verifies its own entries


def _read_key(path: str) -> str:
    os.environ["ADJOINT_KEY_FILE"] = path
    trust._KEY.clear()
    return trust.secret_key().hex()


def test_processes_creating_the_key_at_once_agree_on_it(tmp_path):
    path = str(tmp_path / "config" / "key")
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        keys = pool.map(_read_key, [path] * 8)
    assert len(set(keys)) == 1
    assert keys[0] == (tmp_path / "config" / "key").read_text()
