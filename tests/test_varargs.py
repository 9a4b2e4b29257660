"""Values passed through `*args` and `**kwargs`: what the generated code looks like and where it goes.

The derivatives themselves are checked in soundness_varargs.py; here, that each arity gets
a derivative of its own, that a call kept undifferentiated reads as the user wrote it, and
that such code goes into a standalone module.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import adjoint
from adjoint.cli import main
from adjoint.errors import WrtError


def scaled(x, **options):
    return x * options["k"]


def keeps_the_call(x, s):
    return scaled(x, k=2.0) * s


def total(*xs):
    return sum(xs)


def two_arities(x, y):
    return total(x) * total(x, y)


def test_an_undifferentiated_call_reads_as_written():
    source = adjoint.source(keeps_the_call, wrt=1)
    assert "scaled(x, k=2.0)" in source
    assert "options_k" not in source


def test_each_arity_has_a_derivative_of_its_own():
    source = adjoint.source(two_arities, wrt=(0, 1))
    assert "def fwd_total(xs_0):" in source
    assert "def fwd_total_2(xs_0, xs_1):" in source
    assert adjoint.grad(two_arities, wrt=(0, 1))(0.5, 2.0) == (3.0, 0.5)


MODEL = '''\
import numpy as np
import pytest


def affine(w, *inputs):
    return np.sum(np.concatenate(inputs) * w)


def loss(w, x, s):
    return affine(w, x, 2.0 * x) * s + affine(w, x, x)
'''


def test_a_standalone_module_calls_the_function_itself(tmp_path: Path):
    path = tmp_path / "rest_model.py"
    path.write_text(MODEL)
    out = tmp_path / "grad_rest_model.py"
    assert main(["gen", f"{path}:loss", "--wrt", "w,s", "-o", str(out)]) == 0
    assert "affine(w, x, x)" in out.read_text()
    spec = importlib.util.spec_from_file_location("grad_rest_model", out)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    x, w = np.arange(3.0), np.linspace(0.0, 1.0, 6)
    dw, ds = module.grad_loss(w, x, 2.0)
    np.testing.assert_allclose(dw, 2.0 * np.concatenate([x, 2.0 * x]) + np.concatenate([x, x]))
    assert ds == np.sum(np.concatenate([x, 2.0 * x]) * w)


def product(*xs):
    return xs[0] * xs[1]


def test_a_function_differentiated_with_respect_to_its_star_args_says_how_to():
    with pytest.raises(WrtError, match=r"lambda a, b: product\(a, b\)"):
        adjoint.grad(product)(1.0, 2.0)
    assert adjoint.grad(lambda a, b: product(a, b), wrt=(0, 1))(1.0, 2.0) == (2.0, 1.0)
