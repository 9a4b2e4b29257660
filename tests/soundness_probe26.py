"""Soundness: array idioms and Python idioms written as a new user writes them (float32 and 0-d
arrays, repeated and boolean indices, views, star unpacking, piecewise functions, short numerical
programs), and the shapes among them that adjoint got wrong.

What was wrong:
- a write through `.flat` (or `.T`, `.real`) of an array whose kind the analysis did not know
  (`A = x.reshape(2, 2).copy()`) was taken for a write into a new object: `A.flat[0] = v`
  changed A and its derivative was lost (grad of sum(A ** 2) was 40 where it is 0 and missed 200);
- a loop over an iterator made of constants (`for i, j in itertools.product(range(2), range(3))`,
  `itertools.combinations`, `np.ndindex(2, 2)`, also in a generator passed to sum) failed with a
  TypeError inside the derivative (the loop reads its iterable by position, `len(...)` of an
  iterator): the iterators that copy what they are given are listed in a tuple before the loop,
  and those that read it as the loop runs (itertools.count, iter(...), np.nditer, ...) are refused
  at the loop's line, as is a loop over a name bound to one (chain, islice, pairwise and accumulate
  are read as they read, tests/test_probe31_python.py);
- np.transpose with negative axes (`np.transpose(a, (-1, 0, 1))`, `a.transpose(-1, 0, 1)`) had a
  wrong gradient: the adjoint took np.argsort of the axes as given, which is not the inverse
  permutation where some are negative (forward mode was right);
- calling a lambda that takes `*args` or `**kwargs` (`weights = lambda *shape: ...`) failed with a
  SyntaxError inside adjoint: the generated code bound it under its name `<lambda>`;
- np.einsum in its operand, axes form with the differentiated operand first
  (`np.einsum(A, [0, 1], B, [1, 2], [0, 2])`) had a zero gradient (with a warning that it is zero):
  the operand sat where the rule reads the subscripts, which it does not differentiate; it is
  refused at its line (it was already where the operand comes later);
- a read through `.flat` of an array whose kind the analysis did not know (`A = x.reshape(2, 2)`;
  `A.flat[[0, 3]]`) was taken for the field of a record: with optimize=False the derivative failed
  with a TypeError inside adjoint, and otherwise it was refused only when it ran, without the line;
  it is refused at its line, as `.flat` of a known array is;
- a function decorated with a wrapper made by functools.wraps that does more than call it
  (`return 2 * fn(*args)`, `return min(fn(x), 5.0)`) was differentiated as the undecorated
  function, value and gradient (9.0 and 6.0 where they are 27.0 and 18.0): adjoint followed
  `__wrapped__` behind any wrapper. It looks behind a wrapper only where it is `return fn(*args,
  **kwargs)`; any other wrapper is differentiated as the code that runs (or refused at its line);
- a function that binds `len` (or `range`, `reversed`; `min` where it zips) to a local name and
  has a loop ran the loops adjoint writes, `for i in range(len(xs))`, through the user's name: a
  TypeError inside adjoint, or silently the wrong number of iterations (`len = lambda s: 1` made
  the sum of three values the first alone); such a name is refused at its line;
- a module bound to a local name (`xp = np`; `xp.sum(xp.sin(x))`) had `xp.sum(...)` taken for an
  array's method: a TypeError inside the derivative, after a warning that the gradient is zero;
  it is refused at its line (`import numpy as xp` in the function is read as the module).
"""
from __future__ import annotations

import functools
import itertools

import numpy as np

import adjoint
from soundness import Exact, Refused

_WEIGHTS = np.arange(4.0).reshape(2, 2)


# ----- writes through the array attributes that are views ------------------------------------

def first_element_through_flat(x):
    A = x.reshape(2, 2).copy()
    A.flat[0] = 5.0 * x[3]  # <- flat-write
    return np.sum(A ** 2)


def element_through_flat_by_name(x):
    A = x.reshape(2, 2).copy()
    f = A.flat
    f[2] = 7.0 * x[1]  # <- flat-name
    return np.sum(A * _WEIGHTS)


def element_through_flat_of_a_product(x):
    A = np.reshape(x, (2, 2)) * 1.0
    A.flat[0] = 5.0 * x[3]  # <- flat-product
    return np.sum(A ** 2)


def element_through_the_transpose(x):
    A = x.reshape(2, 2).copy()
    A.T[0, 1] = 9.0 * x[0]  # <- transpose-write
    return np.sum(A * _WEIGHTS)


def corners_through_flat(x):
    A = x.reshape(2, 2)
    return np.sum(A.flat[[0, 3]] ** 2)  # <- flat-read


def row_scaled_after_a_reshape(x):
    A = x.reshape(2, 2).copy()
    A[0] = 3.0 * A[0]
    return np.sum(A ** 2 * _WEIGHTS)


CASES = [
    Refused(first_element_through_flat, (np.arange(1.0, 5.0),), adjoint.UnsupportedSyntaxError, "flat-write"),
    Refused(element_through_flat_by_name, (np.arange(1.0, 5.0),), adjoint.UnsupportedSyntaxError, "flat-name"),
    Refused(element_through_flat_of_a_product, (np.arange(1.0, 5.0),), adjoint.UnsupportedSyntaxError,
            "flat-product"),
    Refused(element_through_the_transpose, (np.arange(1.0, 5.0),), adjoint.UnsupportedSyntaxError,
            "transpose-write"),
    Refused(corners_through_flat, (np.arange(1.0, 5.0),), adjoint.UnsupportedSyntaxError, "flat-read"),
    Exact(row_scaled_after_a_reshape, lambda rng: (rng.normal(size=4),)),
]


# ----- loops over iterators ------------------------------------------------------------------

def pairs_of_a_product(x):
    total = 0.0
    for i, j in itertools.product(range(2), range(3)):
        total += x[3 * i + j] ** 2 * (i + 1) + x[j] * x[3 + i]
    return total


def product_with_repeat(x):
    total = 0.0
    for pair in itertools.product(range(2), repeat=2):
        total += x[pair[0]] * x[2 + pair[1]] ** 2
    return total


def interaction_energy(x):
    return sum(x[i] * x[j] / (1.0 + (i - j) ** 2) for i, j in itertools.combinations(range(len(x)), 2))


def ordered_pairs(x):
    total = 0.0
    for i, j in itertools.permutations(range(3), 2):
        total += x[i] ** 2 * x[j]
    return total


def with_replacement(x):
    return sum(x[i] * np.sin(x[j]) for i, j in itertools.combinations_with_replacement(range(3), 2))


def every_cell_of_a_grid(x):
    grid = x.reshape(2, 3)
    total = 0.0
    for index in np.ndindex(2, 3):
        total += grid[index] ** 2 * (index[0] + 2 * index[1] + 1)
    return total


def cells_zipped_with_a_range(x):
    total = 0.0
    for k, index in zip(range(4), np.ndindex(2, 2)):
        total += k * x[index[0] * 2 + index[1]] ** 3
    return total


def counted_until_a_break(x):
    total = 0.0
    for k in itertools.count():  # <- count
        if k >= 3:
            break
        total += x[k] ** 2
    return total


def neighbours_in_pairs(x):
    total = 0.0
    for i, j in itertools.pairwise(range(len(x))):  # <- pairwise
        total += x[i] * x[j]
    return total


def over_an_iterator_of_a_list(x):
    total = 0.0
    for k in iter([0, 2]):  # <- iter
        total += x[k] ** 2
    return total


def chained_ranges(x):
    return sum(x[k] ** 2 for k in itertools.chain(range(2), range(3, 5)))  # <- chain


def grid_bound_to_a_name(x):
    cells = np.ndindex(2, 2)
    total = 0.0
    for index in cells:  # <- bound-iterator
        total += x[2 * index[0] + index[1]] ** 2
    return total


CASES += [
    Exact(pairs_of_a_product, lambda rng: (rng.normal(size=6),)),
    Exact(product_with_repeat, lambda rng: (rng.normal(size=4),)),
    Exact(interaction_energy, lambda rng: (rng.normal(size=5),)),
    Exact(ordered_pairs, lambda rng: (rng.normal(size=3),)),
    Exact(with_replacement, lambda rng: (rng.normal(size=3),)),
    Exact(every_cell_of_a_grid, lambda rng: (rng.normal(size=6),)),
    Exact(cells_zipped_with_a_range, lambda rng: (rng.normal(size=4),)),
    Refused(counted_until_a_break, (np.arange(1.0, 5.0),), adjoint.UnsupportedSyntaxError, "count"),
    Refused(over_an_iterator_of_a_list, (np.arange(1.0, 5.0),), adjoint.UnsupportedSyntaxError, "iter"),
    Exact(chained_ranges, lambda rng: (rng.normal(size=5),)),
    Refused(grid_bound_to_a_name, (np.arange(1.0, 5.0),), adjoint.UnsupportedSyntaxError, "bound-iterator"),
]
if hasattr(itertools, "pairwise"):
    CASES.append(Exact(neighbours_in_pairs, lambda rng: (rng.normal(size=4),)))


# ----- axes counted from the end -------------------------------------------------------------

_BOX = np.arange(24.0).reshape(4, 2, 3) / 7.0 + 0.3


def last_axis_first(x):
    return np.sum(np.transpose(x.reshape(2, 3, 4), (-1, 0, 1)) * _BOX)


def last_axis_first_by_the_method(x):
    return np.sum(x.reshape(2, 3, 4).transpose(-1, -3, 1) ** 2 * _BOX)


def axes_of_a_stack_reversed(x):
    stack = x.reshape(2, 3, 4)
    return np.sum(np.transpose(stack, [-1, -2, -3]) @ np.ones(2)) + np.sum(np.transpose(stack, (0, -1, 1)) ** 2)


# ----- a lambda that takes *args ---------------------------------------------------------------

_weights = lambda *shape: np.arange(float(np.prod(shape))).reshape(shape) / 7.0 + 0.3  # noqa: E731
_squares = lambda *values: sum(v * v for v in values)  # noqa: E731


def weighted_by_a_lambda(x):
    return np.sum(x.reshape(2, 3) * _weights(2, 3)) + _squares(x[0], 2.0 * x[1], 3.0)


CASES += [
    Exact(last_axis_first, lambda rng: (rng.normal(size=24),)),
    Exact(last_axis_first_by_the_method, lambda rng: (rng.normal(size=24),)),
    Exact(axes_of_a_stack_reversed, lambda rng: (rng.normal(size=24),)),
    Exact(weighted_by_a_lambda, lambda rng: (rng.normal(size=6),)),
]


# ----- np.einsum's operand, axes form ----------------------------------------------------------

_RIGHT = np.arange(12.0).reshape(6, 2)


def contraction_by_axis_lists(x):
    return np.sum(np.einsum(x.reshape(4, 6), [0, 1], _RIGHT, [1, 2], [0, 2]) ** 2)  # <- einsum-first


def diagonal_by_axis_lists(x):
    square = x.reshape(2, 2)
    return np.sum(np.einsum(square, [0, 0], [0]) * np.array([1.0, 3.0]))  # <- einsum-one


def contraction_by_axis_lists_second(x):
    return np.sum(np.einsum(_RIGHT, [1, 2], x.reshape(4, 6), [0, 1], [0, 2]))  # <- einsum-second


CASES += [
    Refused(contraction_by_axis_lists, (np.arange(24.0),), adjoint.NonDifferentiableError, "einsum-first"),
    Refused(diagonal_by_axis_lists, (np.arange(4.0),), adjoint.NonDifferentiableError, "einsum-one"),
    Refused(contraction_by_axis_lists_second, (np.arange(24.0),), adjoint.NonDifferentiableError, "einsum-second"),
]


# ----- decorators ------------------------------------------------------------------------------

def _tripled(fn):
    @functools.wraps(fn)
    def wrapper(*args):
        return 3.0 * fn(*args)  # <- tripled
    return wrapper


def _capped(fn):
    @functools.wraps(fn)
    def wrapper(x):
        return min(fn(x), 5.0)
    return wrapper


def _passed_through(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        """Calls fn as it is."""
        return fn(*args, **kwargs)
    return wrapper


@_tripled
def tripled_square(x):
    return x ** 2


@_capped
def capped_square(x):
    return x ** 2


@_passed_through
def passed_square(x, scale=1.0):
    return scale * x ** 2


def calls_a_tripled_function(x):
    return tripled_square(x) + x


def calls_a_capped_function(x):
    return capped_square(x) * x


def calls_a_passed_function(x):
    return passed_square(x, scale=2.0) + passed_square(x)


CASES += [
    Exact(calls_a_tripled_function, lambda rng: (1.3,)),
    Exact(calls_a_capped_function, lambda rng: (1.3,), id="calls_a_capped_function_below"),
    Exact(calls_a_capped_function, lambda rng: (3.1,), id="calls_a_capped_function_above"),
    Exact(capped_square, lambda rng: (3.1,), id="capped_square_above"),
    Exact(capped_square, lambda rng: (1.3,), id="capped_square_below"),
    Exact(passed_square, lambda rng: (1.3,)),
    Exact(calls_a_passed_function, lambda rng: (1.3,)),
    Refused(tripled_square, (1.3,), adjoint.UnsupportedSyntaxError, "tripled"),
]


# ----- names the generated loops need ------------------------------------------------------------

def counted_by_a_local_len(xs):
    len = lambda sequence: 1  # noqa: E731  # <- local-len
    total = 0.0
    for value in xs:
        total += value ** 2
    return total * len(xs)


def over_a_local_range(x):
    range = [0, 2]  # <- local-range
    total = 0.0
    for i in range:
        total += x[i] ** 2
    return total


def zipped_with_a_min_parameter(x, min=0.5):  # <- min-parameter
    total = 0.0
    for a, b in zip(x, x[1:]):
        total += a * b
    return total + min


def looped_with_a_min_parameter(x, min=0.5):
    total = 0.0
    for a in x:
        total += np.minimum(a, min) ** 2
    return total


def through_a_module_alias(x):
    xp = np  # <- module-alias
    return xp.sum(xp.sin(x))


def through_a_module_imported_here(x):
    import numpy as xp
    return xp.sum(xp.sin(x) ** 2)


CASES += [
    Refused(counted_by_a_local_len, (np.arange(1.0, 4.0),), adjoint.UnsupportedSyntaxError, "local-len"),
    Refused(over_a_local_range, (np.arange(1.0, 4.0),), adjoint.UnsupportedSyntaxError, "local-range"),
    Refused(zipped_with_a_min_parameter, (np.arange(1.0, 4.0),), adjoint.UnsupportedSyntaxError, "min-parameter"),
    Exact(looped_with_a_min_parameter, lambda rng: (rng.normal(size=4),)),
    Refused(through_a_module_alias, (np.arange(1.0, 4.0),), adjoint.UnsupportedSyntaxError, "module-alias"),
    Exact(through_a_module_imported_here, lambda rng: (rng.normal(size=4),)),
]
