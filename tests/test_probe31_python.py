"""The Python people write in numeric functions: `min`/`max` with a key, `divmod`, casts, the
keywords of NumPy's sums and the iterators of `itertools` (the numba backend compiles these or
refuses them).

What was wrong:
- `divmod(a, b)` and `np.divmod(a, b)` were refused (no derivative rule), though the quotient is
  piecewise constant and the remainder `a - b * floor(a / b)` is Python's `%`: they have rules now;
- `np.float32(x)` was refused (no derivative rule): the derivative of the cast is the cast of the
  derivative, and the value keeps its float32 rounding;
- `np.sum(a, dtype=...)`, `np.sum(a, where=mask)` and `np.mean(a, where=mask)` (and the methods
  `x.sum(where=...)`, `x.mean(dtype=...)`) were refused (np.sum's rule takes axis and keepdims):
  they are rewritten to runtime.summed and averaged, whose rules give no derivative where the
  mask is False and cast it back to the argument's float type (none for an integer dtype);
- `for` loops over `itertools.chain`, `islice`, `pairwise` and `accumulate` were refused ("the loop
  iterates over an iterator ... which reads what it is given while the loop runs"), and so was any
  iterator, zip, enumerate and reversed included, given whole to sum, list, tuple, sorted, max, min,
  any or all (`sum(accumulate(xs))`, `list(zip(xs, ys))`). chain and islice are read by position as
  their iterators read (islice's bounds checked as islice checks them); pairwise and accumulate are
  loops over what they are given that carry the item pairwise keeps (a write into the list during
  the loop is seen as Python's pairwise sees it) or the running total; consumed iterators are
  generator expressions over them;
- a key lambda of `min`, `max` or `sorted` that reads the function's own variables
  (`min(xs, key=lambda v: abs(v - c))`, a key reading a loop variable) was refused ("this lambda
  reads `c` ... it can be passed only to a Python function that adjoint differentiates"): its keys
  are now computed in the function, item by item in order, and order the items as before. The
  derivative flows to the chosen item alone, the first of tied items as Python picks it, in every
  mode (key functions that read no variable of the function were differentiated already).
"""
from __future__ import annotations

import itertools
import math
import operator

import numpy as np
import pytest

import adjoint
from every_mode import AUTOGRAD_RUNS_NUMPY_CALLS, check_every_mode
from soundness import flat

XS = [0.3, -1.2, 0.7, 2.0]


def _peer_grad(func, args, wrt=0):
    """autograd's gradient of func. Its boxes pass through NumPy's functions from NumPy 2.1 on, and
    the autograd of older Pythons takes no `where=` in np.sum: with NumPy before 2.1 the comparison
    is skipped (each test's own checks of adjoint have run before it)."""
    autograd = pytest.importorskip("autograd")
    if not AUTOGRAD_RUNS_NUMPY_CALLS:
        pytest.skip("autograd runs these programs from NumPy 2.1 on")
    return autograd.grad(func, wrt)(*args)


# ----- min and max with a key ------------------------------------------------------------------

def largest_square(xs):
    return max(xs, key=lambda v: v * v) * np.sin(xs[0])


def _magnitude(v):
    return abs(v)


def smallest_magnitude(xs):
    best = min(xs, key=_magnitude)
    return best * best * best + xs[1]


def farthest_row(a):
    row = max(a, key=lambda r: np.sum(r ** 2))
    return np.sum(np.sin(row)) * a[0, 0]


def in_a_loop(xs):
    total = 0.0
    for scale in (1.0, -1.0):
        total = total + min(xs, key=lambda v: scale * v) * scale
    return total * xs[2]


@pytest.mark.parametrize("func, args", [
    (largest_square, (XS,)), (smallest_magnitude, ([0.9, -0.4, 1.5],)),
    (farthest_row, (np.array([[0.3, 0.2], [1.1, -0.7], [0.4, 0.5]]),)), (in_a_loop, (XS,)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_min_max_with_a_key_in_every_mode(func, args):
    check_every_mode(func, args)
    np.testing.assert_allclose(flat(adjoint.grad(func)(*args)), flat(_peer_grad(func, args)), rtol=1e-12)


def test_a_key_lambda_reads_the_functions_variables():
    def nearest(xs, c):
        return min(xs, key=lambda v: abs(v - c)) * c

    def ranked(xs, c):
        ordered = sorted(xs, key=lambda v: (v - c) ** 2, reverse=True)
        return ordered[0] * ordered[1] + c * ordered[-1]
    for func in (nearest, ranked):
        for wrt in (0, 1):
            check_every_mode(func, (XS, 0.6), wrt=wrt)
        np.testing.assert_allclose(flat(adjoint.grad(func, wrt=(0, 1))(XS, 0.6)),
                                   flat(_peer_grad(func, (XS, 0.6), (0, 1))), rtol=1e-12)
    with pytest.raises(adjoint.AdjointError, match="read by position; this is a dict"):
        adjoint.grad(nearest, wrt=1)({0: 1.0}, 0.6)


def test_min_max_with_a_key_as_a_scalar_function():
    def of_two(x, y):
        return max([x, y], key=lambda v: (v - 0.5) ** 2) * x
    check_every_mode(of_two, (0.3, 1.1), wrt=0, peer=of_two)
    check_every_mode(of_two, (0.3, 1.1), wrt=1, peer=of_two)


def test_ties_go_to_the_item_python_picks():
    def tied(xs):
        return max(xs, key=abs) * 3.0

    def tied_min(xs):
        return min(xs, key=lambda v: v * v) * 3.0
    xs = [-1.0, 0.5, 1.0]
    assert adjoint.grad(tied)(xs) == [3.0, 0.0, 0.0]  # max keeps the first of equal keys: -1.0
    assert adjoint.grad(tied_min)([0.5, 0.2, -0.2]) == [0.0, 3.0, 0.0]
    assert adjoint.jvp(tied)(xs, [1.0, 2.0, 4.0]) == (tied(xs), 3.0)


# ----- divmod -----------------------------------------------------------------------------------

def quotient_and_remainder(a, b):
    q, r = divmod(a, b)
    return q * a + r * r * b


def remainder_only(a, b):
    return divmod(a * a, b)[1] * math.cos(b)


def _remainder_peer(a, b):
    return (a - b * np.floor(a / b)) ** 2 * b + np.floor(a / b) * a


def array_divmod(a, b):
    q, r = np.divmod(a, b)
    return np.sum(r * q + r * r)


@pytest.mark.parametrize("args", [(7.3, 2.1), (-7.3, 2.1), (7.3, -2.1), (0.4, 2.1)])
def test_divmod_of_floats_in_every_mode(args):
    for wrt in (0, 1):
        check_every_mode(quotient_and_remainder, args, wrt=wrt)
        check_every_mode(remainder_only, args, wrt=wrt)
    assert adjoint.value_and_grad(quotient_and_remainder)(*args)[0] == quotient_and_remainder(*args)
    np.testing.assert_allclose(flat(adjoint.grad(quotient_and_remainder, wrt=(0, 1))(*args)),
                               flat(_peer_grad(_remainder_peer, args, (0, 1))), rtol=1e-12)


def test_divmod_of_arrays_in_every_mode():
    a, b = np.array([7.3, -2.2, 0.4]), np.array([2.1, 1.5, -0.9])
    check_every_mode(array_divmod, (a, b), wrt=0)
    check_every_mode(array_divmod, (a, b), wrt=1)
    check_every_mode(array_divmod, (a, 1.7), wrt=1)
    check_every_mode(array_divmod, (2.5, b), wrt=0)


def test_divmod_of_ints_carries_no_derivative():
    def counted(x, n):
        q, r = divmod(n, 3)
        return x * q + x * x * r
    assert adjoint.grad(counted)(1.5, 7) == 2.0 + 2 * 1.5


# ----- casts ------------------------------------------------------------------------------------

def single(x):
    return np.float32(x) * x + np.float32(x * 3.1) ** 2


def single_array(x):
    return np.sum(np.float32(x) * np.sin(x))


def test_float32_keeps_its_rounding_and_differentiates_as_the_identity():
    x = 1.0 / 3.0
    value, gradient = adjoint.value_and_grad(single)(x)
    assert value == single(x) and type(value) is type(single(x))
    assert gradient == pytest.approx(2 * float(np.float32(x)) + 2 * float(np.float32(x * 3.1)) * 3.1, rel=1e-6)
    assert type(gradient) is float
    xs = np.array([0.3, -1.2, 0.7])
    got = adjoint.grad(single_array)(xs)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, np.float32(xs) * np.cos(xs) + np.sin(xs), rtol=1e-7)
    _, tangent = adjoint.jvp(single_array)(xs, np.ones(3))
    assert tangent == pytest.approx(float(np.sum(np.float32(xs) * np.cos(xs) + np.sin(xs))), rel=1e-6)
    single32 = np.array([0.3, -1.2], dtype=np.float32)
    assert adjoint.grad(single_array)(single32).dtype == np.float32


def test_float_and_float64_casts():
    def casts(x):
        return float(x) * np.float64(x) + float(np.sin(x))
    check_every_mode(casts, (0.7,), peer=lambda x: x * x + np.sin(x))


# ----- np.sum and np.mean with a dtype or a mask -------------------------------------------------

MASK = np.array([[True, False, True], [False, True, True]])


def masked_sum(x):
    return np.sum(x ** 2, where=x > 0.0) + np.sum(np.sin(x), axis=0, where=MASK).dot(np.arange(3.0))


def masked_mean(x):
    return np.mean(np.exp(x), where=MASK) * np.mean(x, axis=1, keepdims=True, where=MASK)[1, 0]


def method_forms(x):
    return x.sum(where=MASK) * x.mean(axis=0, where=MASK).sum() + x.sum(1, float).prod()


def sum_in_float64(x):
    return np.sum(np.tanh(x), dtype=np.float64) * np.mean(x, 0, np.float64)[2]


def _masked_sum_peer(x):
    return np.sum(np.where(x > 0.0, x ** 2, 0.0)) + np.dot(np.sum(np.where(MASK, np.sin(x), 0.0), axis=0),
                                                           np.arange(3.0))


X23 = np.array([[0.3, -1.2, 0.7], [1.1, 0.4, -0.5]])


@pytest.mark.parametrize("func", [masked_sum, masked_mean, method_forms, sum_in_float64],
                         ids=lambda f: f.__name__)
def test_sums_and_means_with_a_mask_or_a_dtype_in_every_mode(func):
    check_every_mode(func, (X23,))


def test_a_masked_sum_against_autograd():
    np.testing.assert_allclose(adjoint.grad(masked_sum)(X23), _peer_grad(_masked_sum_peer, (X23,)), rtol=1e-12)


def test_a_sum_in_float32_keeps_its_rounding():
    def in_single(x):
        return np.sum(x * x, dtype=np.float32) * 2.0
    x = np.array([0.1, 1.0 / 3.0, 2.7])
    value, gradient = adjoint.value_and_grad(in_single)(x)
    assert value == in_single(x) and np.asarray(value).dtype == np.float32
    assert gradient.dtype == np.float64
    np.testing.assert_allclose(gradient, 4.0 * x, rtol=1e-7)
    _, tangent = adjoint.jvp(in_single)(x, np.ones(3))
    assert np.asarray(tangent).dtype == np.float32
    np.testing.assert_allclose(tangent, np.sum(4.0 * x), rtol=1e-6)


def test_a_sum_to_integers_has_no_derivative():
    def truncated(x):
        return np.sum(x * 3.0, dtype=int) + np.sum(x)
    x = np.array([0.15, 1.4, 2.25])
    assert adjoint.value_and_grad(truncated)(x)[0] == truncated(x)
    np.testing.assert_array_equal(adjoint.grad(truncated)(x), np.ones(3))


def test_a_mean_over_a_slice_the_mask_empties():
    def empty_row(x):
        means = np.mean(x * x, axis=1, where=np.array([[True, True, False], [False, False, False]]))
        return means[0]
    with np.errstate(invalid="ignore", divide="ignore"):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            np.testing.assert_allclose(adjoint.grad(empty_row)(X23), [[0.3, -1.2, 0.0], [0.0, 0.0, 0.0]])


# ----- itertools --------------------------------------------------------------------------------


HAS_PAIRWISE = hasattr(itertools, "pairwise")
needs_pairwise = pytest.mark.skipif(not HAS_PAIRWISE, reason="itertools.pairwise is Python 3.10's")


def running_sum_loop(xs):
    t = 0.0
    for v in itertools.accumulate(xs):
        t = t + v * v
    return t


def running_product(xs):
    return sum(list(itertools.accumulate(xs, operator.mul)))


def running_lambda(xs):
    return sum(itertools.accumulate(xs, lambda a, b: a * b + 1.0))


def running_with_initial(xs, c):
    t = 0.0
    for v in itertools.accumulate(xs, lambda a, b: a * np.sin(b), initial=c):
        t = t + v
    return t * v


def running_rows(x):
    t = 0.0
    for row in itertools.accumulate(x):
        t = t + np.sum(row ** 3)
    return t


def chained(xs, ys):
    t = 0.0
    for v in itertools.chain(xs, ys, [xs[0] * ys[1]]):
        t = t + v * np.cos(v)
    return t


def chained_list(xs, ys):
    return sum(w * w for w in list(itertools.chain(xs, ys))) + max(itertools.chain(ys, xs))


def chained_arrays(a, b):
    t = 0.0
    for row in itertools.chain(a, b):
        t = t + np.sum(np.tanh(row)) * row[0]
    return t


def sliced(xs, n):
    t = 0.0
    for i, v in itertools.islice(enumerate(xs), 1, n, 2):
        t = t + v * v * i
    for v in itertools.islice(xs, 2):
        t = t + np.exp(v)
    return t + sum(itertools.islice(xs, 1, None))


def paired(xs):
    t = 0.0
    for a, b in itertools.pairwise(xs):
        t = t + (b - a) ** 2 * a
    return t + sum(a * b for a, b in itertools.pairwise(xs))


def paired_rows(x):
    t = 0.0
    for a, b in itertools.pairwise(x):
        t = t + np.dot(a, b)
    return t


A32 = np.array([[0.3, -1.2], [0.7, 0.4], [1.1, -0.5]])


@pytest.mark.parametrize("func, args", [
    (running_sum_loop, (XS,)), (running_product, (XS,)), (running_lambda, (XS,)),
    (running_with_initial, (XS, 0.8)), (running_rows, (A32,)), (chained, (XS, [1.5, -0.2])),
    (chained_list, (XS, [1.5, -0.2])), (chained_arrays, (A32, A32[:2] * 0.5)), (sliced, (XS + [0.9], 4)),
    pytest.param(paired, (XS,), marks=needs_pairwise), pytest.param(paired_rows, (A32,), marks=needs_pairwise),
], ids=lambda v: getattr(v, "__name__", ""))
def test_itertools_in_every_mode(func, args):
    check_every_mode(func, args, wrt=0)
    if len(args) > 1 and not isinstance(args[1], int):
        check_every_mode(func, args, wrt=1)
    np.testing.assert_allclose(flat(adjoint.grad(func)(*args)), flat(_peer_grad(func, args)), rtol=1e-10)


def test_values_are_the_plain_functions():
    for func, args in [(running_with_initial, (XS, 0.8)), (chained, (XS, [1.5, -0.2])), (sliced, (XS, 3)),
                       (running_rows, (A32,))]:
        value, _ = adjoint.value_and_grad(func)(*args)
        np.testing.assert_array_equal(value, func(*args))


def test_islice_checks_its_bounds_as_python_does():
    def negative(xs, n):
        return sum(itertools.islice(xs, n))
    with pytest.raises(ValueError):
        negative(XS, -1)
    with pytest.raises(ValueError):
        adjoint.grad(negative)(XS, -1)
    assert adjoint.grad(negative)(XS, 9) == [1.0] * 4


@needs_pairwise
def test_pairwise_pairs_the_item_read_before_a_write():
    def rewrites(xs):
        ys = list(xs)
        t = 0.0
        i = 0
        for a, b in itertools.pairwise(ys):
            ys[i + 1] = 10.0 * b  # pairwise keeps the item it read: the next pair's `a` is the old one
            t = t + a * b
            i = i + 1
        return t
    xs = [0.5, 1.5, -2.0, 0.25]
    value, gradient = adjoint.value_and_grad(rewrites)(xs)
    assert value == rewrites(xs)
    np.testing.assert_allclose(gradient, _peer_grad(rewrites, (xs,)), rtol=1e-12)


def test_loops_keep_their_last_items():
    def last(xs):
        for v in itertools.islice(xs, 2):
            pass
        for w in itertools.accumulate(xs):
            pass
        return v * w
    np.testing.assert_allclose(adjoint.grad(last)(XS), _peer_grad(last, (XS,)), rtol=1e-12)


def test_a_break_and_a_continue_in_the_loop():
    def stops(xs):
        t = 0.0
        for v in itertools.accumulate(xs, operator.mul):
            if v < -0.5:
                continue
            t = t + v
            if t > 1.0:
                break
        return t
    check_every_mode(stops, ([0.9, 0.8, -1.5, 2.0, 0.3],))


def test_an_initial_of_none_is_refused_when_it_runs():
    def maybe(xs, c):
        return sum(itertools.accumulate(xs, initial=c))
    assert adjoint.grad(maybe)(XS, 0.5) == [4.0, 3.0, 2.0, 1.0]
    with pytest.raises(adjoint.AdjointError, match="initial"):
        adjoint.grad(maybe)(XS, None)


def test_other_iterators_consumed_at_once():
    def zipped(xs, ys):
        return sum(list(zip(xs, ys))[1]) + sum(reversed(xs)) * max(enumerate(ys))[1]
    check_every_mode(zipped, (XS, [1.5, -0.2, 0.3]), wrt=0)
    check_every_mode(zipped, (XS, [1.5, -0.2, 0.3]), wrt=1)


def test_an_iterator_kept_in_a_name_is_still_refused_at_its_line():
    def kept(xs):
        running = itertools.accumulate(xs)
        return sum(running) + sum(running)
    with pytest.raises(adjoint.AdjointError) as caught:
        adjoint.grad(kept)(XS)
    assert "test_probe31_python.py" in str(caught.value) and "running" in str(caught.value)


@pytest.mark.parametrize("func, args", [
    (running_sum_loop, (np.array(XS),)), (chained_arrays, (A32, A32[:2])), (sliced, (XS, 3)),
    (array_divmod, (np.array([7.3, -2.2]), np.array([2.1, 1.5]))), (masked_sum, (X23,)),
    pytest.param(paired, (np.array(XS),), marks=needs_pairwise),
], ids=lambda v: getattr(v, "__name__", ""))
def test_the_numba_backend_compiles_them_or_refuses(func, args):
    pytest.importorskip("numba")
    try:
        got = adjoint.grad(func, backend="numba")(*args)
    except adjoint.AdjointError:
        return
    np.testing.assert_allclose(flat(got), flat(adjoint.grad(func)(*args)), rtol=1e-12)


def test_masked_sums_of_lists_and_numbers():
    mask = np.array([True, False, True])

    def of_a_list(xs):
        return np.sum(np.asarray(xs) ** 2, where=mask) + np.mean(xs, where=mask) * np.sum(xs, dtype=np.float64)

    def of_a_number(x):
        return np.sum(x * x, dtype=np.float64) * x
    check_every_mode(of_a_list, ([0.3, -1.2, 0.7],))
    check_every_mode(of_a_number, (1.3,))
