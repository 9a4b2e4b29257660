"""The disk cache: a new process does not transform again; nothing stale, corrupt or missing is an error."""
from __future__ import annotations

import importlib.util
import json
import linecache
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import adjoint
from adjoint.templates import d
from adjoint.backend import cache
from adjoint.options import Options
from adjoint.pipeline import generate
from adjoint.rules import ADJOINTS, register_adjoint

REPO = Path(__file__).resolve().parent.parent

MODEL = '''\
import numpy as np


def helper(z):
    return np.tanh(z) * 2.0


def loss(w, x):
    return np.sum(helper(x @ w) ** 2)
'''

# Runs in a fresh process: computes a gradient and reports how many functions were transformed.
SCRIPT = '''\
import json, sys
import numpy as np
import adjoint
import adjoint.pipeline
from adjoint.templates import d
from adjoint.backend import cache

transformed = []
original = adjoint.pipeline.Generation.transform
def counting(self, func, *args, **kwargs):
    transformed.append(func.__name__)
    return original(self, func, *args, **kwargs)
adjoint.pipeline.Generation.transform = counting

import model
gradient = adjoint.grad(model.loss)(np.array([0.1, -0.2, 0.3]), np.arange(6.0).reshape(2, 3) / 10)
print(json.dumps({"transformed": transformed, "statistics": cache.STATISTICS, "gradient": list(gradient)}))
'''


def run_in_new_process(module_dir: Path, cache_dir: Path) -> dict:
    env = dict(os.environ, ADJOINT_CACHE_DIR=str(cache_dir), PYTHONPATH=os.pathsep.join([str(module_dir), str(REPO)]))
    env.pop("ADJOINT_CACHE", None)
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def load(path: Path, text: str):
    """A fresh module object from `text` written at `path` (a new name each time: no stale imports)."""
    path.write_text(text)
    name = f"{path.stem}_{abs(hash((str(path), text)))}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class CountingGenerate:
    def __init__(self):
        self.calls = 0

    def __call__(self, func, options):
        self.calls += 1
        return generate(func, options)


OPTIONS = Options("reverse", ("w",), True, None)


# ----- across processes ------------------------------------------------------------------------

def test_a_second_process_does_not_transform_and_an_edit_invalidates(tmp_path, cache_dir):
    (tmp_path / "model.py").write_text(MODEL)
    first = run_in_new_process(tmp_path, cache_dir)
    assert sorted(first["transformed"]) == ["helper", "loss"]
    assert first["statistics"]["stores"] == 1

    second = run_in_new_process(tmp_path, cache_dir)
    assert second["transformed"] == []
    assert second["statistics"]["hits"] == 1
    assert second["gradient"] == first["gradient"]

    (tmp_path / "model.py").write_text(MODEL.replace("np.tanh(z) * 2.0", "np.tanh(z) * 3.0"))  # a callee only
    third = run_in_new_process(tmp_path, cache_dir)
    assert sorted(third["transformed"]) == ["helper", "loss"]
    np.testing.assert_allclose(third["gradient"], np.array(first["gradient"]) * 2.25)


# ----- in one process ------------------------------------------------------------------------

def test_an_entry_rebuilds_the_derivative_without_transforming(tmp_path, cache_dir):
    module = load(tmp_path / "model.py", MODEL)
    counting = CountingGenerate()
    first = cache.generate_cached(module.loss, OPTIONS, counting)
    again = cache.generate_cached(module.loss, OPTIONS, counting)
    assert counting.calls == 1
    assert [unit.source for unit in again.units] == [unit.source for unit in first.units]
    w, x = np.array([0.1, -0.2, 0.3]), np.ones((2, 3))
    np.testing.assert_allclose(again.function(w, x), first.function(w, x))
    assert len(list(cache_dir.glob("*.json"))) == 1
    assert not list(cache_dir.glob(".*.tmp"))  # no temporary file left behind


REBOUND = '''\
import numpy as np


def square(x):
    return x * x


def cube(x):
    return x * x * x


ACT = square
SQUASH = np.tanh


def loss(x):
    return ACT(x) + SQUASH(x)
'''


def test_a_loaded_derivative_follows_a_later_rebinding_of_the_names_it_calls(tmp_path, cache_dir):
    module = load(tmp_path / "rebound.py", REBOUND)
    options = Options("reverse", ("x",), True, None)
    counting = CountingGenerate()
    cache.generate_cached(module.loss, options, counting)
    loaded = cache.generate_cached(module.loss, options, counting)
    assert counting.calls == 1
    assert loaded.is_current()
    module.ACT = module.cube
    assert not loaded.is_current()
    module.ACT, module.SQUASH = module.square, np.sin
    assert not loaded.is_current()
    module.SQUASH = np.tanh
    assert loaded.is_current()


@pytest.mark.parametrize("content", [b"{not json", b"", b'{"format": 1, "key": "other"}', b"\xff\xfe\x00"])
def test_a_corrupt_entry_is_ignored_and_rewritten(content, tmp_path, cache_dir):
    module = load(tmp_path / "model.py", MODEL)
    counting = CountingGenerate()
    cache.generate_cached(module.loss, OPTIONS, counting)
    (entry,) = cache_dir.glob("*.json")
    entry.write_bytes(content)
    generated = cache.generate_cached(module.loss, OPTIONS, counting)
    assert counting.calls == 2
    assert generated.function(np.array([0.1, 0.2, 0.3]), np.ones((2, 3))).shape == (3,)
    assert json.loads(entry.read_text())["entry"]["units"]  # rewritten whole
    cache.generate_cached(module.loss, OPTIONS, counting)
    assert counting.calls == 2


def test_an_unreadable_entry_or_directory_is_not_an_error(tmp_path, cache_dir):
    module = load(tmp_path / "model.py", MODEL)
    key, _ = cache.cache_key(module.loss, OPTIONS)
    (cache_dir / f"{key}.json").mkdir(parents=True)  # neither readable as a file nor replaceable
    counting = CountingGenerate()
    cache.generate_cached(module.loss, OPTIONS, counting)
    cache.generate_cached(module.loss, OPTIONS, counting)
    assert counting.calls == 2


def test_a_failed_write_leaves_no_temporary_file(tmp_path, cache_dir, monkeypatch):
    module = load(tmp_path / "model.py", MODEL)

    def failing_replace(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(cache.os, "replace", failing_replace)
    generated = cache.generate_cached(module.loss, OPTIONS, generate)
    assert generated.function is not None
    assert list(cache_dir.iterdir()) == []


def test_adjoint_cache_0_turns_it_off(tmp_path, cache_dir, monkeypatch):
    monkeypatch.setenv("ADJOINT_CACHE", "0")
    module = load(tmp_path / "model.py", MODEL)
    assert cache.cache_directory() is None
    cache.generate_cached(module.loss, OPTIONS, generate)
    assert not cache_dir.exists()


def test_default_directory_is_under_the_user_cache_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("ADJOINT_CACHE_DIR", raising=False)
    monkeypatch.delenv("ADJOINT_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_directory() == tmp_path / "xdg" / "adjoint"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_directory() == tmp_path / "home" / ".cache" / "adjoint"


def test_the_test_suite_does_not_use_the_users_cache():
    directory = cache.cache_directory()
    assert directory is None or not str(directory).startswith(os.path.expanduser("~/.cache"))


# ----- the key ----------------------------------------------------------------------------------

def test_key_follows_function_callee_options_and_rules(tmp_path, cache_dir):
    base = load(tmp_path / "a.py", MODEL)
    key, _ = cache.cache_key(base.loss, OPTIONS)
    reloaded = load(tmp_path / "a.py", MODEL)
    assert reloaded.loss is not base.loss and cache.cache_key(reloaded.loss, OPTIONS)[0] == key
    edited_callee = load(tmp_path / "c.py", MODEL.replace("* 2.0", "* 2.5"))
    edited_root = load(tmp_path / "d.py", MODEL.replace("** 2)", "** 3)"))
    assert cache.cache_key(edited_callee.loss, OPTIONS)[0] != key
    assert cache.cache_key(edited_root.loss, OPTIONS)[0] != key
    assert cache.cache_key(base.loss, Options("reverse", ("x",), True, None))[0] != key
    assert cache.cache_key(base.loss, Options("reverse", ("w",), False, None))[0] != key
    with ADJOINTS.scoped():
        @register_adjoint(np.tanh)
        def _(result, x):
            d[x] = d[result] * (1.0 - result ** 2)

        assert cache.cache_key(base.loss, OPTIONS)[0] != key
    assert cache.cache_key(base.loss, OPTIONS)[0] == key


def test_a_global_rebound_to_another_function_changes_the_key(tmp_path):
    module = load(tmp_path / "model.py", MODEL)
    key, _ = cache.cache_key(module.loss, OPTIONS)
    module.helper = load(tmp_path / "other.py", MODEL.replace("np.tanh(z)", "np.sin(z)")).helper
    assert cache.cache_key(module.loss, OPTIONS)[0] != key


def test_closures_over_values_are_not_cached(tmp_path, cache_dir):
    module = load(tmp_path / "closure.py", textwrap.dedent('''
        import numpy as np

        def make(scale):
            def f(w):
                return np.sum(np.sin(w) * scale)
            return f
    '''))
    before = dict(cache.STATISTICS)
    counting = CountingGenerate()
    f = module.make(3.0)
    generated = cache.generate_cached(f, Options("reverse", ("w",), True, None), counting)
    np.testing.assert_allclose(generated.function(np.zeros(2)), [3.0, 3.0])
    assert cache.STATISTICS["uncacheable"] == before["uncacheable"] + 1
    assert not cache_dir.exists() or not list(cache_dir.glob("*.json"))


def test_the_api_goes_through_the_disk_cache(tmp_path, cache_dir):
    module = load(tmp_path / "model.py", MODEL)
    adjoint.grad(module.loss)(np.array([0.1, 0.2, 0.3]), np.ones((2, 3)))
    assert len(list(cache_dir.glob("*.json"))) == 1


SPACING = '''\
import numpy as np


def loss(h, t):
    return np.sum(np.gradient(h * t, t) ** 2)
'''


def test_an_entry_is_not_served_to_the_same_source_moved_down_its_file(tmp_path, cache_dir):
    """A refusal at run time names the line of the function as it is now: its file and line are
    written into the derivative (and its positions), so a function moved within its file (here as
    a new process would import it again) is generated again."""
    path = tmp_path / "spacing.py"
    for text in (SPACING, "# a comment\n\n" + SPACING):
        path.write_text(text)
        linecache.checkcache(str(path))
        spec = importlib.util.spec_from_file_location("spacing", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        with pytest.raises(adjoint.AdjointError) as refused:
            adjoint.grad(module.loss, wrt=1)(0.5, np.array([0.0, 1.0, 3.0]))
        assert str(refused.value).startswith(f"{path}:{module.loss.__code__.co_firstlineno + 1}: ")
