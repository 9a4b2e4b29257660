"""A generator of the user's given to zip beside shorter sequences, or to itertools.islice, is
listed only as far as Python takes it: zip and islice stop pulling items, and the generator stays
suspended, its later code never run. The listing ran the generator to its end: an endless generator
(a learning-rate schedule zipped with the batches) hung the derivative, and a later item that
raises (a log of a negative number) crashed it, where the function returned a value.

zip takes from a generator as many items as its shortest other argument has, and one more where
every argument before the generator has more (runtime.zip_pulls); islice(gen, [start,] stop[, step])
takes `stop`. The listing is given that count and returns right after it (frontend/listed.py).

Each program is checked in every mode (tests/every_mode.py) against central differences and autograd
where it runs it; the values are the function's own bit for bit.
"""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import adjoint
from every_mode import check_program, check_refused_at
from soundness import marked_line


def schedule(rate):
    while True:
        yield rate
        rate = rate * 0.9


def logs(x):
    for k in range(4):
        yield math.log(x - k)  # raises at the third item for x < 2, at the fourth for x < 3


def descend(x, rate, gradients):
    for step, g in zip(schedule(rate), gradients):
        x = x - step * g * x
    return x * x


def short_zip_of_logs(x):
    return sum(v * w for v, w in zip(logs(x), [1.0, 2.0]))  # zip takes three items from logs


def in_the_middle(x):
    total = 0.0
    for a, v, b in zip([1.0, 2.0], logs(x), [3.0, 4.0, 5.0]):  # the list before it runs out first
        total += a * v * b
    return total


def islice_of_logs(x):
    return sum(itertools.islice(logs(x), 2)) + sum(v for v in itertools.islice(logs(x), 0, 2, 1))


def counted_and_zipped(x):
    total = 0.0
    for i, (v, w) in enumerate(zip(logs(x), np.array([0.5, 1.5]))):
        total += (i + 1) * v * w
    return total


def named_items(x):
    d = dict(zip(["a", "b"], logs(x)))
    return d["a"] * d["b"]


def pairs_listed(x, ys):
    return [v * y for v, y in zip(logs(x), ys)]


def arguments_computed_first(x):
    return sum(v for v, _ in zip(logs(math.exp(x)), range(2)))


def taken_whole_by_a_longer_zip(x):
    return sum(v * w for v, w in zip(logs(x + 4.0), [1.0, 2.0, 3.0, 4.0, 5.0]))


CASES = [
    (descend, (1.0, 0.1, [0.5, -0.3, 0.2]), (0, 1)),
    (short_zip_of_logs, (2.5,), (0,)),
    (in_the_middle, (1.7,), (0,)),
    (islice_of_logs, (1.7,), (0,)),
    (counted_and_zipped, (2.5,), (0,)),
    (named_items, (1.7,), (0,)),
    (arguments_computed_first, (0.95,), (0,)),
    (taken_whole_by_a_longer_zip, (1.7,), (0,)),
]


@pytest.mark.parametrize("func, args, positions", CASES, ids=[case[0].__name__ for case in CASES])
def test_a_generator_is_listed_as_far_as_python_takes_it(func, args, positions) -> None:
    check_program(func, args, positions)


def test_a_list_of_pairs_from_a_short_zip() -> None:
    ys = [0.5, -1.5]
    value, pullback = adjoint.vjp(pairs_listed)(2.5, ys)
    assert value == pairs_listed(2.5, ys)
    np.testing.assert_allclose(pullback([1.0, 1.0]), 0.5 / 2.5 - 1.5 / 1.5, rtol=1e-12)


def one_more_than_the_shortest(x):
    for a, v, b in zip([1.0, 2.0, 3.0], logs(x), [3.0, 4.0]):  # zip takes a third item from logs
        x = x + a * v * b
    return x


def test_zip_takes_the_item_python_takes_where_it_raises() -> None:
    with pytest.raises(ValueError, match="math domain error"):
        one_more_than_the_shortest(1.7)
    with pytest.raises(ValueError, match="math domain error"):
        adjoint.grad(one_more_than_the_shortest)(1.7)


def two_generators(x):
    return sum(a * b for a, b in zip(logs(x), logs(2.0 * x)))  # <- two


def reversed_generator(x):
    return sum(reversed(logs(x)))  # <- reversed


def doubled(x):
    for v in logs(x):
        yield 2.0 * v


def a_generator_over_a_generator(x):
    return sum(v for v, _ in zip(doubled(x), range(2)))  # <- over


@pytest.mark.parametrize("func, marker", [(two_generators, "two"), (reversed_generator, "reversed"),
                                          (a_generator_over_a_generator, "over")])
def test_what_python_or_the_listing_cannot_take_is_refused_at_its_line(func, marker) -> None:
    where = f"{__file__}:{marked_line(func, marker)}:"
    check_refused_at(func, (4.5,), (0,), where, np.random.default_rng(0))
