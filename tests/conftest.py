"""Shared fixtures and markers of the test suite."""
from __future__ import annotations

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
