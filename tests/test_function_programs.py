"""The programs of function_programs.py, differentiated as written: against central
differences, with value_and_grad's value the program's own, and against autograd."""
from __future__ import annotations

import copy
import inspect
import types

import numpy as np
import pytest

import adjoint
import function_programs as programs
from soundness import central_differences, flat

ROOTS = programs.roots(programs)
IDS = [name for name, *_ in ROOTS]


@pytest.mark.parametrize("name, fn, make_args, wrt", ROOTS, ids=IDS)
def test_program_gradient_matches_central_differences(name, fn, make_args, wrt):
    args = make_args(np.random.default_rng(3))
    before = copy.deepcopy(args)
    value, gradients = adjoint.value_and_grad(fn, wrt=wrt)(*args)
    np.testing.assert_allclose(value, fn(*copy.deepcopy(args)), rtol=1e-12)
    for position, gradient in zip(wrt, gradients):
        assert isinstance(gradient, type(args[position]))
        expected = central_differences(fn, args, position)
        np.testing.assert_allclose(flat(gradient), expected, rtol=1e-6, atol=1e-7, err_msg=f"argument {position}")
    for old, new in zip(flat(before), flat(args)):
        assert old == new


@pytest.fixture(scope="module")
def autograd_programs():
    pytest.importorskip("autograd.numpy")
    source = inspect.getsource(programs).replace("import numpy as np", "import autograd.numpy as np")
    module = types.ModuleType("function_programs_autograd", programs.__doc__)
    module.__file__ = programs.__file__
    exec(compile(source, programs.__file__, "exec"), module.__dict__)
    return module


@pytest.mark.peers
@pytest.mark.parametrize("index", range(len(ROOTS)), ids=IDS)
def test_program_gradient_matches_autograd(index, autograd_programs):
    autograd = pytest.importorskip("autograd")
    name, fn, make_args, wrt = ROOTS[index]
    _, peer, _, _ = programs.roots(autograd_programs)[index]
    args = make_args(np.random.default_rng(3))
    gradients = adjoint.grad(fn, wrt=wrt)(*copy.deepcopy(args))
    for position, gradient in zip(wrt, gradients):
        expected = autograd.grad(peer, position)(*copy.deepcopy(args))
        np.testing.assert_allclose(flat(gradient), flat(expected), rtol=1e-9, atol=1e-12,
                                   err_msg=f"argument {position}")
