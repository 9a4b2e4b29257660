"""`and`/`or` used as values, bitwise operators of dicts, and min/max of tuples: short programs in
every mode.

What was wrong:
- `a or b` and `a and b` whose value is used (`scale = scale or 1.0`, `y = x > 1.0 or x * s`,
  `return 0.0 or x * x`) were kept whole as if they were conditions, whose value carries no
  derivative: the derivative through the operand Python returns was silently lost (the gradient
  of `_maybe(x) + _maybe(x, x)` with `scale = scale or 3.0` was 4.2 where it is 5.4; most shapes
  warned that the gradient is zero, some did not). Such an `and`/`or` becomes `if` statements
  choosing the operand, each operand computed only where Python computes it; one whose operands
  are all comparisons (`ok = x > 0 and x < 1`) stays a condition;
- `p | {"y": 1.0}` (and `|=`) merging a differentiated dict was taken for a bitwise operator, which
  has no derivative: the gradient of `q["x"] * q["y"]` lost the `x` part without a word of warning.
  A bitwise operator of a value that depends on the differentiated inputs is refused at its line
  where the operand is known to be a container, and checked when the derivative runs where its
  kind is not known (an array of truth values passes);
- `dict(p)`, the copy of a differentiated dict, was refused as a call without a rule: it is
  differentiated as a copy (in every mode), items written into it by key (`q = dict(p);
  q["y"] = 1.0`, which was refused as a write into a dict other names may hold), and
  `dict(pairs)` of another kind is refused at its line;
- min or max of tuples (`min((abs(v - c), v) for v in x)[1]`) failed with an IndexError inside
  adjoint: the rule multiplied the tuple's adjoint by a truth value, and `[...] * False` is `[]`.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode

X4 = np.array([0.5, -0.4, 1.1, 0.2])


def _maybe_scaled(v, scale=None):
    scale = scale or 3.0
    return v * scale


def default_by_or_in_a_callee(x):
    return _maybe_scaled(x) + _maybe_scaled(x, x)


def comparison_or_value(x):
    y = x > 1.0 or x * 2.0
    return y * 3.0 + x


def and_chain(x):
    y = x and x * 2.0 and x ** 3
    return y + 1.0


def or_in_a_call_and_a_return(x):
    return math.sin(None or x) + (0.0 or x) ** 2


def or_in_each_branch(x):
    y = (x or 1.0) if x > 0 else (0.0 or -x)
    return y * y


def or_in_a_list(x):
    values = [x or 1.0, 0.0 or x * 3.0]
    return sum(values)


def or_carried_by_a_loop(x):
    total = 0.0
    for k in range(3):
        total = total or x * k
    return total


def and_inside_or(x):
    return (x > 1.0 and x) or (x * 2.0 and x ** 2)


def array_or_default(x, weights=None):
    w = weights or 2.0
    return np.sum(np.sin(x) * w)


def all_comparisons_stay_a_condition(x):
    ok = x > 0.0 and x < 1.0
    return x * 3.0 if ok else x


SCALAR_PROGRAMS = [default_by_or_in_a_callee, comparison_or_value, and_chain, or_in_a_call_and_a_return,
                   or_in_each_branch, or_in_a_list, or_carried_by_a_loop, and_inside_or,
                   all_comparisons_stay_a_condition]


@pytest.mark.parametrize("func", SCALAR_PROGRAMS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("x", [0.7, 1.3, -0.4])
def test_and_or_as_values_in_every_mode(func, x):
    check_every_mode(func, (x,), peer=None if func is or_in_a_call_and_a_return else func)


def test_and_or_of_an_array_in_every_mode():
    check_every_mode(array_or_default, (X4,), peer=array_or_default)


def logarithm_unless_given(x, given):
    return given or math.log(x - 1.0)  # a ValueError where x < 1, if Python computed it


@pytest.mark.parametrize("transform", [adjoint.value_and_grad, adjoint.vjp])
def test_the_chosen_operand_is_computed_only_where_python_computes_it(transform):
    derived = transform(logarithm_unless_given, wrt=(0, 1))
    assert derived(0.5, 2.0)[0] == 2.0
    with pytest.raises(ValueError):
        derived(0.5, 0.0)
    assert adjoint.grad(logarithm_unless_given, wrt=(0, 1))(0.5, 2.0) == (0.0, 1.0)
    value, tangent = adjoint.jvp(logarithm_unless_given, wrt=(0, 1))(0.5, 2.0, 1.0, 1.0)
    assert (value, tangent) == (2.0, 1.0)


def test_a_condition_of_comparisons_stays_whole():
    code = adjoint.source(all_comparisons_stay_a_condition, args=(0.5,))
    assert "x > 0.0 and x < 1.0" in code


def merged_with_a_literal(p):
    q = p | {"y": 1.0}  # <- merge-literal
    return q["x"] * q["y"] + p["y"]


def literal_merged_with(p):
    q = {"y": 1.0} | p
    return q["x"] * q["y"]


def merged_in_place(p):
    q = dict(p)
    q |= {"z": 2.0}
    return q["x"] * q["z"] + q["y"]


def _merge(a, b):
    return a | b  # <- merge-callee


def merged_by_a_callee(p):
    q = _merge(p, {"y": 1.0})
    return q["x"] * q["y"]


def merged_item_of_a_list(ps):
    q = ps[0] | {"y": 1.0}  # <- merge-item
    return q["x"] * q["y"]


def _line(marker: str) -> int:
    with open(__file__, encoding="utf-8") as source:
        return next(n for n, line in enumerate(source, 1) if line.rstrip().endswith(f"# <- {marker}"))


@pytest.mark.parametrize("func, marker", [(merged_with_a_literal, "merge-literal"),
                                          (literal_merged_with, None), (merged_in_place, None),
                                          (merged_by_a_callee, "merge-callee")])
@pytest.mark.parametrize("transform", [adjoint.grad, adjoint.value_and_grad, adjoint.vjp])
def test_a_merge_of_a_differentiated_dict_is_refused_at_its_line(func, marker, transform):
    with pytest.raises(adjoint.AdjointError, match="bitwise operator") as info:
        transform(func)({"x": 0.4, "y": -0.2})
    assert info.value.filename == __file__
    if marker is not None:
        assert info.value.lineno == _line(marker)


def test_a_merge_of_a_differentiated_dict_is_refused_in_forward_mode():
    with pytest.raises(adjoint.AdjointError, match="bitwise operator"):
        adjoint.jvp(merged_with_a_literal)({"x": 0.4, "y": -0.2}, {"x": 1.0, "y": 0.0})


def test_a_merge_of_an_item_of_unknown_kind_is_refused_when_it_runs():
    with pytest.raises(adjoint.AdjointError, match="bitwise operator") as info:
        adjoint.grad(merged_item_of_a_list)([{"x": 0.4, "y": -0.2}])
    assert (info.value.filename, info.value.lineno) == (__file__, _line("merge-item"))


def masks_combined(x):
    m = (x > 1.0) | (x < -0.3)
    keep = (x > 0.0) & ~(x > 1.0)
    return np.sum(np.where(m, x ** 2, x)) + np.sum(x[keep] ** 3)


def test_masks_combined_by_bitwise_operators_are_differentiated():
    check_every_mode(masks_combined, (X4,))


def nearest_to_a_centre(x):
    return min((abs(v - 0.3), v) for v in x)[1] ** 2


def larger_pair(xs):
    return max((xs[0], xs[1]), (xs[1], xs[0]))[0] * 2.0 + min([(xs[0], 1.0), (xs[1], 2.0)])[1] * xs[0]


def test_min_of_tuples_in_every_mode():
    check_every_mode(nearest_to_a_centre, (X4,))


@pytest.mark.parametrize("xs", [[0.3, 0.5], [0.5, 0.3]])
def test_max_and_min_of_tuples_of_a_list(xs):
    a, b = xs
    want = [0.0, 2.0] if b > a else [2.0, 0.0]
    want[0] += 1.0 if a < b else 2.0
    np.testing.assert_allclose(adjoint.grad(larger_pair)(list(xs)), want)
    value, tangent = adjoint.jvp(larger_pair)(list(xs), [1.0, 0.0])
    assert value == larger_pair(list(xs)) and tangent == pytest.approx(want[0])


def copied(p):
    q = dict(p)
    total = 0.0
    for key, value in q.items():
        total = total * 2.0 + value * value * len(key)
    return total


def copied_arrays(p):
    q = dict(p)
    return np.sum(q["w"] ** 2 * q["b"]) + q["b"] ** 3


def copied_item_of_a_list(ps):
    q = dict(ps[0])  # <- copy-item
    return q["x"] * 2.0


def copied_pairs(x):
    q = dict([("a", x), ("b", 2.0)])  # <- copy-pairs
    return q["a"] * q["b"]


def test_the_copy_of_a_dict_in_every_mode():
    check_every_mode(copied, ({"x": 0.4, "yy": -0.2},), peer=copied)
    check_every_mode(copied_arrays, ({"w": np.array([0.3, 0.4]), "b": 1.5},), peer=copied_arrays)


def test_a_copy_of_what_is_not_a_dict_is_refused_at_its_line():
    assert adjoint.grad(copied_item_of_a_list)([{"x": 0.5}]) == [{"x": 2.0}]
    with pytest.raises(adjoint.AdjointError, match="copy of a dict") as info:
        adjoint.grad(copied_item_of_a_list)([[("x", 0.5)]])
    assert (info.value.filename, info.value.lineno) == (__file__, _line("copy-item"))
    with pytest.raises(adjoint.AdjointError, match="copy of a dict") as info:
        adjoint.grad(copied_pairs)(0.5)
    assert (info.value.filename, info.value.lineno) == (__file__, _line("copy-pairs"))


def copied_then_written(p):
    q = dict(p)
    q["y"] = q["x"] * 3.0
    q["z"] = p["y"] ** 2
    return q["x"] * q["y"] + q["z"] + sum((k + 1) * v for k, v in enumerate(q.values()))


def copied_arrays_written(p):
    q = dict(p)
    q["W"] = q["W"] * 2.0
    return np.sum(q["W"] ** 2 * p["W"]) + q["b"]


def test_items_written_into_the_copy_of_a_dict_in_every_mode():
    check_every_mode(copied_then_written, ({"x": 0.4, "y": -0.2},), peer=copied_then_written)
    check_every_mode(copied_arrays_written, ({"W": np.array([0.3, 0.4]), "b": 0.5},), peer=copied_arrays_written)
