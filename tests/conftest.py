"""Shared fixtures and markers of the test suite."""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from typing import Optional

import numpy as np
import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "peers: compares adjoint with other AD libraries (autograd, JAX); dev-only dependencies"
    )
    config.addinivalue_line("markers", "slow: takes more than a few seconds")


@pytest.fixture
def rng() -> np.random.Generator:
    """A fresh generator per test, so every test sees the same inputs in any order."""
    return np.random.default_rng(0)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Point the disk cache at a fresh directory before collection, so no test (nor a module
    imported while collecting, nor a subprocess a test starts) reads or writes the user's cache."""
    session.config.stash[_SAVED_CACHE_DIR] = os.environ.get("ADJOINT_CACHE_DIR")
    os.environ["ADJOINT_CACHE_DIR"] = tempfile.mkdtemp(prefix="adjoint-cache-")


def pytest_sessionfinish(session: pytest.Session) -> None:
    shutil.rmtree(os.environ["ADJOINT_CACHE_DIR"], ignore_errors=True)
    saved = session.config.stash.get(_SAVED_CACHE_DIR, None)
    if saved is None:
        os.environ.pop("ADJOINT_CACHE_DIR", None)
    else:
        os.environ["ADJOINT_CACHE_DIR"] = saved


_SAVED_CACHE_DIR = pytest.StashKey[Optional[str]]()


def pytest_terminal_summary(terminalreporter) -> None:
    """The fuzzer's outcomes per shape family, when it ran: a fuzzer that only meets refusals shows here."""
    fuzzer = sys.modules.get("test_fuzz")
    if fuzzer is not None and fuzzer.STATISTICS:
        terminalreporter.section("fuzzer outcomes per shape family")
        for line in fuzzer.summary():
            terminalreporter.write_line(line)
