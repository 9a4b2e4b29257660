"""Second derivatives through a list built by appends and then rebound, against central differences
of the first derivative and autograd.

What was wrong: a first derivative saves the list on its stack before the rebinding
(`_stack.append(flows); flows = np.array(flows)`), pops it back in its adjoint sweep and undoes
the appends in place (`flows.pop()`). Differentiating that code again, the may-share analysis read
its stack as any list: holding whatever was ever pushed, each pop giving any of it. So the list
popped back stayed held by the stack, every later pop (`x = _stack.pop()` of a loop's saved
values) was taken for a name that may share it, and the write undoing an append was refused ("this
line writes in place, and its first derivative keeps values that may share the memory it writes"):
hvp and grad of grad of GARCH recursions, adstock, runoff and filter cascades written with lists.
A pop of the compiler's own stack gives back now what the names it restores held where values were
pushed, and a later pop reads the stack only where that may be the memory written
(analysis/stacks.py). Lifted with them: the GJR-GARCH, adstock, bucket runoff and equalizer programs
of tests/test_probe42_programs.py, a sorted polygon's perimeter and a list sorted in place by a key
(tests/test_probe41_programs.py), a keyed min over a filtered generator
(tests/test_container_deletions.py).

Still refused: a write into a list that is still on the stack under another name (the list pushed
twice, once popped), and a list made anew in each run of a loop and saved each time (RK4 stages
kept in a list per step, `out = []` per filter section): the analysis names all earlier runs' lists
alike, so it cannot tell the one popped from those the stack still holds.
"""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode
from soundness import central_differences

SPEND = np.array([1.0, 0.5, 2.0, 0.0])
TIMES = np.array([0.5, 1.0, 2.0])


def flows_sum(x):
    flows = []
    for t in TIMES:
        flows.append(x * t)
    flows = np.array(flows)
    return np.sum(flows ** 2)


def adstock_fit(decay, spend):
    """Each append reads the carry the loop saves, and the last item (`h[-1]`)."""
    stock = [0.1]
    carry = 0.0
    for x in spend:
        carry = x + decay * carry
        stock.append(carry + 0.5 * stock[-1])
    stock = np.array(stock)
    return np.sum(np.log(1.0 + stock ** 2)) + decay * np.sum(stock)


def pushed_twice(x):
    a = [x]
    b = a
    b = np.array(b) * 2.0
    a.append(3.0 * x)  # <- written while the stack still holds the list as b's
    a = np.array(a)
    return np.sum(a ** 2) + np.sum(b ** 3)


@pytest.mark.parametrize("func, args, wrt", [
    (flows_sum, (0.7,), 0),
    (flows_sum, (np.array([0.7, -0.2]),), 0),
    (adstock_fit, (0.6, SPEND), 0),
    (adstock_fit, (0.6, SPEND), 1),
], ids=["flows-number", "flows-array", "adstock-decay", "adstock-spend"])
def test_second_derivatives_of_a_list_appended_then_rebound(func, args, wrt):
    check_every_mode(func, args, wrt, peer=func)


def test_a_list_still_on_the_stack_under_another_name_is_refused_at_second_order():
    check_every_mode(pushed_twice, (0.7,), 0, second_order=False)
    with pytest.raises(adjoint.AdjointError) as refused:
        adjoint.hvp(pushed_twice)(0.7, 1.0)
    line = pushed_twice.__code__.co_firstlineno + 4
    assert f"test_stack_pops.py:{line}:" in str(refused.value) and "second derivative" in str(refused.value)


def gradient_of_flows(x):
    return adjoint.grad(flows_sum)(x)


def gradient_of_adstock(decay, spend):
    return adjoint.grad(adstock_fit)(decay, spend)


@pytest.mark.parametrize("func, args, second", [
    (gradient_of_flows, (0.7,), flows_sum),
    (gradient_of_adstock, (0.6, SPEND), adstock_fit),
], ids=["flows", "adstock"])
def test_the_gradient_of_a_function_calling_a_derivative_of_such_a_list(func, args, second):
    """A function calling grad of such a function is differentiated through the derivative's halves:
    the backward half popped the forward half's list, emptied (IndexError: pop from empty list), where
    it reached it as an item popped off the stack (`flows_2 = _stack.pop()`, ad/split.py): it pops a
    copy now, and leaves the list as it was."""
    want = central_differences(func, args, 0)
    np.testing.assert_allclose(np.ravel(adjoint.grad(func)(*args)), want, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(adjoint.grad(func)(*args), adjoint.grad(adjoint.grad(second))(*args),
                               rtol=1e-12)
