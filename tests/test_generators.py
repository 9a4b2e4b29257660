"""A `for` or a comprehension over a call of the user's generator function (index pairs, grid
neighbours, the positions a mask selects), whose items are listed before the loop: in every mode
against central differences and autograd. Where listing the items first could change what the
function computes (the loop may stop early, writes in place what the generator reads, or the
generator draws, prints or assigns a global) it is refused at the line.

What was wrong: a loop over a generator function's call, or over a name bound to a generator
object, crashed in the derivative with `TypeError: object of type 'generator' has no len()`.
Generators whose items carry a derivative: tests/test_yielded_derivatives.py.
"""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from every_mode import AUTOGRAD_RUNS_NUMPY_CALLS, check_every_mode

RNG = np.random.default_rng(38)


def pairs(n):
    for i in range(n):
        for j in range(i + 1, n):
            yield i, j


def neighbours(rows, columns):
    """The right and lower neighbour of each cell of a grid."""
    for r in range(rows):
        for c in range(columns):
            if c + 1 < columns:
                yield (r, c), (r, c + 1)
            if r + 1 < rows:
                yield (r, c), (r + 1, c)


def selected(mask):
    for position, chosen in enumerate(mask):
        if chosen:
            yield position


def coulomb_energy(points):
    return sum(1.0 / np.sqrt(np.sum((points[i] - points[j]) ** 2)) for i, j in pairs(len(points)))


def smoothness(image):
    rows, columns = image.shape
    total = 0.0
    for first, second in neighbours(rows, columns):
        total = total + (image[first] - image[second]) ** 2
    return total


def masked_loss(x, mask):
    return sum(np.tanh(x[i]) ** 2 for i in selected(mask))


def weighted_pairs(x, weights):
    total = 0.0
    for (i, j), w in zip(pairs(len(x)), weights):
        total += w * np.cos(x[i] - x[j])
    return total


CASES = [
    (coulomb_energy, (RNG.normal(size=(4, 2)),)),
    (smoothness, (RNG.normal(size=(3, 3)),)),
    (masked_loss, (RNG.normal(size=5), np.array([True, False, True, True, False]))),
    (weighted_pairs, (RNG.normal(size=4), RNG.normal(size=6))),
]


@pytest.mark.parametrize("func, args", CASES, ids=lambda value: getattr(value, "__name__", ""))
def test_a_loop_over_a_generator_in_every_mode(func, args) -> None:
    check_every_mode(func, args, peer=func if AUTOGRAD_RUNS_NUMPY_CALLS else None)


def bound_first(x):
    g = pairs(len(x))
    return sum(x[i] * x[j] for i, j in g)


def stops_early(x):
    total = 0.0
    for i, j in pairs(len(x)):
        if i > 1:
            break  # refused
        total = total + x[i] * x[j]
    return total


def returns_early(x):
    for i, j in pairs(len(x)):
        if x[i] > x[j]:
            return x[i] - x[j]  # refused
    return 0.0


def picks(order):
    for k in range(len(order)):
        yield order[k]


def writes_what_it_reads(x):
    order = [0, 1, 2]
    total = 0.0
    for i in picks(order):
        order[0] = 2  # refused
        total = total + x[i]
    return total


def noisy(n):
    for i in range(n):
        print(i)
        yield i


def prints(x):
    return sum(x[i] ** 2 for i in noisy(len(x)))  # refused


def shuffled(n):
    for i in np.random.permutation(n):
        yield i


def draws(x):
    np.random.seed(0)
    total = 0.0
    for i in shuffled(len(x)):  # refused
        total = total + x[i] * np.random.normal()
    return total


def draw_index(n):
    return int(np.random.randint(n))


def through_a_helper(n):
    for _ in range(n):
        yield draw_index(n)


def draws_in_a_helper(x):
    return sum(x[i] for i in through_a_helper(len(x)))  # refused


@pytest.mark.parametrize("func", [stops_early, returns_early, writes_what_it_reads, prints, draws,
                                  draws_in_a_helper], ids=lambda f: f.__name__)
def test_listing_that_could_change_the_function_is_refused_at_the_line(func) -> None:
    x = np.array([0.5, -1.0, 2.0])
    with pytest.raises(adjoint.AdjointError) as refused:
        adjoint.grad(func)(x)
    assert refused.value.location.lineno == _marked_line(func)


def test_a_generator_object_bound_to_a_name_is_refused_where_it_is_iterated() -> None:
    with pytest.raises(adjoint.AdjointError, match="generator object, an iterator") as refused:
        adjoint.grad(bound_first)(np.array([0.5, -1.0, 2.0]))
    assert refused.value.location.lineno == bound_first.__code__.co_firstlineno + 2


def _marked_line(func) -> int:
    """The line of `func` or of the function it names whose comment says `refused`."""
    import inspect
    for candidate in (func, *(value for value in func.__globals__.values() if inspect.isfunction(value))):
        lines, start = inspect.getsourcelines(candidate)
        for offset, line in enumerate(lines):
            if "# refused" in line and (candidate is func or candidate.__name__ in inspect.getsource(func)):
                return start + offset
    raise AssertionError(f"no line of {func.__name__} is marked")


def consumes(order):
    while order:
        yield order.pop()


def changes_what_it_is_given(x):
    return sum(x[i] for i in consumes([0, 2]))  # refused


def test_a_generator_changing_a_value_it_did_not_make_is_refused() -> None:
    with pytest.raises(adjoint.AdjointError, match="calls `order.pop`") as refused:
        adjoint.grad(changes_what_it_is_given)(np.array([0.5, -1.0, 2.0]))
    assert refused.value.location.lineno == _marked_line(changes_what_it_is_given)


def writes_through_an_alias(x):
    order = [0, 1, 2]
    alias = order
    total = 0.0
    for i in picks(order):
        alias[0] = 2  # refused
        total = total + x[i]
    return total


CACHE = [0, 1, 2]


def global_positions():
    for k in range(3):
        yield CACHE[k]


def appends_to_a_global(x):
    total = 0.0
    for i in global_positions():
        CACHE.append(i)  # refused
        total = total + x[i]
    return total


def assembles_a_matrix(x):
    """Writes into an array of its own while the loop runs: listed."""
    n = len(x)
    K = np.zeros((n, n))
    for i, j in pairs(n):
        K[i, j] = x[i] * x[j]
        K[j, i] = K[i, j]
    return np.sum(K * K)


def test_a_write_through_a_name_sharing_what_the_generator_reads_is_refused() -> None:
    for func in (writes_through_an_alias, appends_to_a_global):
        with pytest.raises(adjoint.AdjointError, match="writes into, calls a method of") as refused:
            adjoint.grad(func)(np.array([0.5, -1.0, 2.0]))
        assert refused.value.location.lineno == _marked_line(func)
    assert CACHE == [0, 1, 2]


def test_a_loop_writing_into_an_array_of_its_own_in_every_mode() -> None:
    """(Its second derivative is refused, as that of any loop writing into an array the first keeps.)"""
    check_every_mode(assembles_a_matrix, (np.array([0.5, -1.0, 2.0]),), second_order=False)


def shuffle_first(order):
    order[0], order[-1] = order[-1], order[0]


def passes_what_it_reads_to_a_helper(x):
    order = [0, 1, 2]
    total = 0.0
    for i in picks(order):
        shuffle_first(order)  # refused
        total = total + x[i]
    return total


DRAW = np.random.lognormal  # a draw under a name of its own


def lognormal_positions(n):
    for _ in range(n):
        yield int(DRAW() * 0) % n


def draws_of_any_name(x):
    return sum(x[i] for i in lognormal_positions(len(x)))  # refused


WEIGHTS = [0, 1, 2]


def from_a_global():
    for k in range(3):
        yield WEIGHTS[k]


def bump():
    WEIGHTS.reverse()


def calls_code_changing_a_global(x):
    total = 0.0
    for i in from_a_global():
        bump()  # refused
        total = total + x[i]
    return total


def test_what_may_change_the_generator_s_reads_or_draw_is_refused_at_the_line() -> None:
    for func, message in ((passes_what_it_reads_to_a_helper, "passes to code that may change it"),
                          (draws_of_any_name, "cannot tell has no effect"),
                          (calls_code_changing_a_global, "global list, dict, set or array")):
        with pytest.raises(adjoint.AdjointError, match=message) as refused:
            adjoint.grad(func)(np.array([0.5, -1.0, 2.0]))
        assert refused.value.location.lineno == _marked_line(func), func.__name__
    assert WEIGHTS == [0, 1, 2]
