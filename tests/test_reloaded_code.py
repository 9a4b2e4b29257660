"""A function given new code in place, as IPython's autoreload does when a module is edited
(`old.__code__ = new.__code__`): every derived function that read it, through any depth of
calls, generates again from the new source (it kept calling the derivative of the old code: a
wrong value and gradient). Also through the disk cache, whose entries describe the dependency."""
from __future__ import annotations

import importlib
import sys
import textwrap

import numpy as np
import pytest

import adjoint

FIRST = """
import numpy as np


def potential(x):
    return x * x


def energy(x):
    return potential(x) + x


def field(v):
    return np.sum(np.sin(v) * potential(v))
"""

EDITED = """
import numpy as np


def potential(x):
    return x * x * x


def energy(x):
    return potential(x) + 2.0 * x


def field(v):
    return np.sum(np.cos(v) * potential(v))
"""


@pytest.fixture
def module(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    path = tmp_path / "edited_helpers.py"
    path.write_text(textwrap.dedent(FIRST))
    module = importlib.import_module("edited_helpers")
    yield module, path
    sys.modules.pop("edited_helpers", None)


def reload_in_place(module, path) -> None:
    """What autoreload does: run the edited file, give each old function the new code."""
    path.write_text(textwrap.dedent(EDITED))
    fresh = {}
    exec(compile(path.read_text(), str(path), "exec"), fresh)
    for name in ("potential", "energy", "field"):
        getattr(module, name).__code__ = fresh[name].__code__


def differences(f, x, eps=1e-6):
    if np.ndim(x) == 0:
        return (f(x + eps) - f(x - eps)) / (2 * eps)
    return np.array([(f(x + eps * e) - f(x - eps * e)) / (2 * eps) for e in np.eye(len(x))])


@pytest.mark.parametrize("cache", ["0", "1"])
def test_derived_functions_follow_new_code(module, cache, monkeypatch, tmp_path):
    monkeypatch.setenv("ADJOINT_CACHE", cache)
    monkeypatch.setenv("ADJOINT_CACHE_DIR", str(tmp_path / "cache"))
    helpers, path = module

    def total(x):
        return helpers.energy(x) * 2.0

    derived = {"root": adjoint.grad(helpers.potential), "callee": adjoint.grad(helpers.energy),
               "two calls down": adjoint.grad(total), "value_and_grad": adjoint.value_and_grad(helpers.energy),
               "hvp": lambda x: adjoint.hvp(helpers.energy)(x, 1.0), "jvp": lambda x: adjoint.jvp(helpers.energy)(x, 1.0)}
    before = {name: f(1.5) for name, f in derived.items()}
    reload_in_place(helpers, path)
    after = {name: f(1.5) for name, f in derived.items()}
    fresh = {"root": differences(helpers.potential, 1.5), "callee": differences(helpers.energy, 1.5),
             "two calls down": differences(total, 1.5)}
    for name, expected in fresh.items():
        assert after[name] == pytest.approx(expected, rel=1e-6), name
        assert before[name] != pytest.approx(after[name]), name  # the change matters
    assert after["value_and_grad"] == pytest.approx((helpers.energy(1.5), fresh["callee"]), rel=1e-6)
    assert after["jvp"] == pytest.approx((helpers.energy(1.5), fresh["callee"]), rel=1e-6)
    assert after["hvp"] == pytest.approx(6.0 * 1.5, rel=1e-6)


def test_array_functions_follow_new_code(module):
    helpers, path = module
    x = np.array([0.2, -0.7, 1.1])
    gradient = adjoint.grad(helpers.field)
    gradient(x)
    reload_in_place(helpers, path)
    np.testing.assert_allclose(gradient(x), differences(helpers.field, x), rtol=1e-6)
