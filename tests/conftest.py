"""Shared fixtures and markers of the test suite."""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import zlib
from typing import Dict, List, Optional

import numpy as np
import pytest

# Every stretch that holds a tree still checks, when it ends, that nothing changed it unannounced
# (adjoint/frontend/held.py); set before adjoint is imported, which reads it once.
os.environ.setdefault("ADJOINT_CHECK_HOLDS", "1")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--shard", metavar="K/N", default=None,
                     help="run the K-th of N parts of the suite, split by each test's id (CI runs one part "
                          "on the oldest Python and another on the newest)")


def pytest_collection_modifyitems(config: pytest.Config, items: list) -> None:
    """The files holding slow tests first; with --shard K/N, only the tests whose id hashes to K of N:
    the parts are the same on every Python version (a test's id is), and together they are the
    whole suite."""
    _slow_files_first(items)
    shard = config.getoption("--shard")
    if shard is None:
        return
    part, parts = (int(number) for number in shard.split("/"))
    if not 1 <= part <= parts:
        raise pytest.UsageError(f"--shard {shard}: K must be between 1 and N")
    kept, left = [], []
    for item in items:
        (kept if zlib.crc32(item.nodeid.encode()) % parts == part - 1 else left).append(item)
    config.hook.pytest_deselected(items=left)
    items[:] = kept


def _slow_files_first(items: list) -> None:
    """The files holding a test marked slow run first, each file's tests in their order: under
    pytest-xdist (`-n`) they start first, and no worker is left running one of them alone at the
    end while the others wait."""
    slow = {item.path for item in items if item.get_closest_marker("slow") is not None}
    items.sort(key=lambda item: item.path not in slow)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "peers: compares adjoint with other AD libraries (autograd, JAX); dev-only dependencies"
    )
    config.addinivalue_line("markers", "slow: takes more than a few seconds")


@pytest.fixture
def rng() -> np.random.Generator:
    """A fresh generator per test, so every test sees the same inputs in any order."""
    return np.random.default_rng(0)


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    """A disk cache directory of the test's own (not yet created), with the disk cache on."""
    directory = tmp_path / "cache"
    monkeypatch.setenv("ADJOINT_CACHE_DIR", str(directory))
    monkeypatch.delenv("ADJOINT_CACHE", raising=False)
    return directory


def pytest_sessionstart(session: pytest.Session) -> None:
    """Point the disk cache and its key at a fresh directory before collection, so no test (nor a
    module imported while collecting, nor a subprocess a test starts) touches the user's own; and
    turn the disk cache off. Its key and its entry cost a fifth of a small function's generation,
    and almost no test reads an entry back: the tests of the disk cache turn it on (`cache_dir`),
    and test_cache_catalogue.py writes and reads back an entry for every catalogue function."""
    session.config.stash[_SAVED] = {name: os.environ.get(name) for name in ("ADJOINT_CACHE_DIR", "ADJOINT_KEY_FILE",
                                                                            "ADJOINT_CACHE")}
    scratch = tempfile.mkdtemp(prefix="adjoint-tests-")
    os.environ["ADJOINT_CACHE_DIR"] = os.path.join(scratch, "cache")
    os.environ["ADJOINT_KEY_FILE"] = os.path.join(scratch, "key")
    os.environ["ADJOINT_CACHE"] = "0"
    session.config.stash[_SCRATCH] = scratch


def pytest_sessionfinish(session: pytest.Session) -> None:
    if hasattr(session.config, "workeroutput"):  # a pytest-xdist worker: the summary goes to the controller
        session.config.workeroutput["fuzzer"] = _fuzzer_tallies()
    shutil.rmtree(session.config.stash.get(_SCRATCH, ""), ignore_errors=True)
    for name, saved in session.config.stash.get(_SAVED, {}).items():
        if saved is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = saved


_SAVED = pytest.StashKey[Dict[str, Optional[str]]]()
_SCRATCH = pytest.StashKey[str]()


def _fuzzer_tallies() -> List[dict]:
    """The counts of each shard of the fuzzer that ran in this process (tests/fuzz_outcomes.py)."""
    fuzzer = sys.modules.get("test_fuzz")
    return list(fuzzer.TALLIES.values()) if fuzzer is not None else []


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """Under pytest-xdist (-n): the counts of the fuzzer's shards each worker ran."""
    node.config.stash.setdefault(_FUZZER_TALLIES, []).extend(getattr(node, "workeroutput", {}).get("fuzzer", []))


def pytest_terminal_summary(terminalreporter) -> None:
    """The fuzzer's outcomes per shape family, added up over its shards, when it ran: a fuzzer that
    only meets refusals shows here."""
    tallies = _fuzzer_tallies() or terminalreporter.config.stash.get(_FUZZER_TALLIES, [])
    if tallies:
        from fuzz_outcomes import summary

        terminalreporter.section("fuzzer outcomes per shape family")
        for line in summary(tallies):
            terminalreporter.write_line(line)


_FUZZER_TALLIES = pytest.StashKey[List[dict]]()
