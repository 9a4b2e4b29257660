"""Every derived function runs a called function's statements as often as the plain function does.

SPEC §8: a callee that prints, counts or draws random numbers behaves under grad,
value_and_grad, vjp, jvp, hvp, grad of grad, jacobian and hessian as in one plain call.
The callees are those of soundness_callees.py; `counted` appends to RUNS on each run.
"""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
import soundness_callees as sc


def runs_of(derived, *args) -> int:
    """How many times `counted` runs during one call of `derived`."""
    del sc.RUNS[:]
    derived(*args)
    return len(sc.RUNS)


def counter_in_loop(x):
    total = 0.0
    for i in range(4):
        total = total + sc.counted(x) * (i + 1.0)
    return total


def counter_in_branch(x):
    if x > 0:
        y = sc.counted(x)
    else:
        y = x * 2.0
    return y


def counter_nested(x):
    return sc.counted(sc.counted(x) + 1.0)


def counter_in_recursion(x, n):
    if n == 0:
        return x
    return counter_in_recursion(sc.counted(x) * 0.5, n - 1)


def counter_vector(x):
    return np.sum(sc.counted(x) * x)


PROGRAMS = [
    (sc.counter_in_callee, (1.3,)),
    (counter_in_loop, (1.3,)),
    (counter_in_branch, (1.3,)),
    (counter_in_branch, (-1.3,)),
    (counter_nested, (0.7,)),
    (counter_in_recursion, (0.9, 3)),
]
IDS = [f"{fn.__name__}{args}" for fn, args in PROGRAMS]


@pytest.mark.parametrize("fn, args", PROGRAMS, ids=IDS)
@pytest.mark.parametrize("transform", [adjoint.grad, adjoint.value_and_grad, adjoint.hvp, adjoint.hessian,
                                       lambda f: adjoint.grad(adjoint.grad(f))],
                         ids=["grad", "value_and_grad", "hvp", "hessian", "grad_of_grad"])
def test_scalar_programs_run_each_callee_as_often_as_a_plain_call(transform, fn, args):
    plain = runs_of(fn, *args)
    extra = (1.0,) if transform is adjoint.hvp else ()
    assert runs_of(transform(fn), *args, *extra) == plain


@pytest.mark.parametrize("fn, args", PROGRAMS, ids=IDS)
def test_jvp_and_vjp_run_each_callee_as_often_as_a_plain_call(fn, args):
    plain = runs_of(fn, *args)
    assert runs_of(adjoint.jvp(fn), *args, 1.0) == plain
    del sc.RUNS[:]
    _, pullback = adjoint.vjp(fn)(*args)
    pullback(1.0)
    assert len(sc.RUNS) == plain


def test_jacobian_of_a_vector_function_runs_the_callee_once():
    x = np.array([0.3, -1.2, 2.0])
    assert runs_of(adjoint.jacobian(elementwise_counted), x) == runs_of(elementwise_counted, x)


def elementwise_counted(x):
    return sc.counted(x) * x


def test_the_gradient_uses_the_draw_that_made_the_value():
    w = np.ones(3)
    sc.DRAWS.seed(1)
    gradient = adjoint.grad(noisy_loss)(w)
    sc.DRAWS.seed(1)
    np.testing.assert_array_equal(gradient, sc.DRAWS.randn(3))


def noisy_loss(w):
    return sc.noisy(w) * 1.0


def tall_output(x):
    return sc.counted(x) * np.array([1.0, 2.0, 3.0])


@pytest.mark.parametrize("matrix, args", [(adjoint.hessian, (np.array([0.3, -1.2, 2.0]),)),
                                          (adjoint.jacobian, (0.3,))], ids=["hessian", "tall_jacobian"])
def test_matrices_run_the_callee_once(matrix, args):
    # hessian ran one hvp per column and a Jacobian taller than wide one jvp per column: a random
    # draw differed from column to column; both are rows of the pullbacks of one forward pass now
    fn = counter_vector if matrix is adjoint.hessian else tall_output
    assert runs_of(matrix(fn), *args) == runs_of(fn, *args)


def test_a_callee_marked_checkpoint_runs_again_in_the_backward_pass():
    x, w = np.array([0.3, -1.2, 2.0]), np.array([0.5, 1.5, -0.7])
    del sc.RECOMPUTED_RUNS[:]
    sc.checkpointed_callee_in_loop(x, w)
    assert len(sc.RECOMPUTED_RUNS) == 3
    del sc.RECOMPUTED_RUNS[:]
    adjoint.grad(sc.checkpointed_callee_in_loop)(x, w)
    assert len(sc.RECOMPUTED_RUNS) == 6
    source = adjoint.source(sc.checkpointed_callee_in_loop, wrt=(0, 1), args=(x, w))
    assert "vjp_recomputed_block(" in source and "fwd_recomputed_block" not in source
