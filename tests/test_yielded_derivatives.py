"""Generator functions of the user's whose items carry a derivative (frontend/listed.py): a loop,
a comprehension, `sum`, `list` or `sorted` over a call reads the list of what the generator's code
appends where it yields, run to its end before the loop (normalize/generators.py says when that
is what Python computes). In every mode against central differences and autograd: sliding
windows, neighbouring pairs of a chain, a generator looping over another one, a recursive one,
one that returns early; refused at the line where a `try` in the generator feeds its items, where
the loop may stop early, where a yield is used as a value, or where the loop appends to the list the
generator reads (Python's generator sees the new items; listed first, it would not).

What was wrong: each was refused at its `yield` ("generators are not differentiable")."""
from __future__ import annotations

import math

import numpy as np
import pytest

import adjoint
from every_mode import check_program
from soundness import marked_line

X = np.array([0.3, -1.2, 2.1, 0.5, -0.4])


def windows(x, k):
    for start in range(len(x) - k + 1):
        yield x[start:start + k]


def moving_average_energy(x):
    return sum(np.mean(w) ** 2 for w in windows(x, 2))


def bonds(positions):
    for i in range(len(positions) - 1):
        yield positions[i], positions[i + 1]


def chain_energy(positions, stiffness):
    energy = 0.0
    for a, b in bonds(positions):
        energy += 0.5 * stiffness * (b - a - 1.0) ** 2
    return energy


def scaled_products(x):
    for a, b in bonds(x):
        yield 2.0 * a * b


def products_summed(x):
    return sum(scaled_products(x)) + max(scaled_products(x))


def below(x, limit):
    for v in x:
        if v > limit:
            return
        yield math.sin(v) * v


def prefix_until_large(x):
    total = 0.0
    for v in below(x, 1.5):
        total += v
    return total + len(list(below(x, 1.5)))


def halvings(x, depth):
    if depth == 0:
        yield x[0]
        return
    for v in halvings(x * 0.5, depth - 1):
        yield v + x[-1]


def recursive_terms(x):
    return sum(v * v for v in halvings(x, 2))


def listed_and_sorted(x):
    pairs = list(bonds(x))
    ordered = sorted(scaled_products(x))
    return pairs[0][0] * pairs[-1][1] + ordered[0] * ordered[-1]


@pytest.mark.parametrize("func, args, positions", [
    (moving_average_energy, (X,), (0,)),
    (chain_energy, (X, 1.3), (0, 1)),
    (products_summed, (X,), (0,)),
    (prefix_until_large, (X,), (0,)),
    (recursive_terms, (X,), (0,)),
    (listed_and_sorted, (X,), (0,)),
], ids=lambda value: getattr(value, "__name__", ""))
def test_what_a_generator_yields_carries_its_derivative(func, args, positions) -> None:
    check_program(func, args, positions)


def guarded(x):
    try:  # <- try-feeds
        for v in x:
            yield v * v
    finally:
        pass


def through_a_try(x):
    return sum(guarded(x))


def sent(x):
    for v in x:
        received = yield v * 2.0  # <- yield-value
        if received is not None:
            break


def through_a_sent_value(x):
    return sum(sent(x))


def first_large(x):
    for v in windows(x, 2):
        if np.sum(v) > 1.0:
            break  # <- stops-early
    return np.sum(v)


def walks(xs):
    for v in xs:
        if len(xs) > 6:
            return
        yield v


def feeds_back(x):
    xs = [x, 2.0 * x]
    for v in walks(xs):
        xs.append(v * x)  # <- appends-to-what-it-reads
    return sum(xs)


@pytest.mark.parametrize("func, marker", [(through_a_try, "try-feeds"), (through_a_sent_value, "yield-value"),
                                          (first_large, "stops-early"), (feeds_back, "appends-to-what-it-reads")])
def test_refused_at_the_line(func, marker) -> None:
    with pytest.raises(adjoint.AdjointError) as refused:
        adjoint.grad(func)(X)
    assert f"test_yielded_derivatives.py:{marked_line(func, marker)}:" in str(refused.value), str(refused.value)
