"""itertools.combinations, combinations_with_replacement, permutations and product over lists,
tuples, arrays and ranges (normalize/combinatorics.py): the pools taken as tuples before the loop,
as the iterators take them, the items read at the positions the same iterator lists over ranges.
In a `for`, a comprehension, a generator expression, or given to sum, list, tuple, sorted, max or
min; in every mode against central differences and autograd, the values the function's own.
Refused at the user's line where the width of the items is not a literal, where the iterator is
given an iterator, and where it is bound to a name. heapq.nlargest and nsmallest (normalize/heaps.py),
chain.from_iterable (a loop over the iterables and one over each's items, normalize/running.py) and
zip_longest (normalize/iteration.py) too.

What was wrong: each was refused ("no derivative rule for `combinations`"; product's object "built
from values the derivative flows through")."""
from __future__ import annotations

import heapq
from itertools import chain, combinations, combinations_with_replacement, permutations, product, zip_longest

import numpy as np
import pytest

import adjoint
from every_mode import check_program
from soundness import marked_line

X = np.array([0.3, -1.2, 2.1, 0.5])
POINTS = np.array([[0.0, 0.1], [1.1, -0.2], [0.4, 1.3], [-0.9, 0.6]])


def pair_potential(points, epsilon):
    """A soft pair potential over the pairs of points (rows)."""
    energy = 0.0
    for p, q in combinations(points, 2):
        r2 = np.sum((p - q) ** 2)
        energy += epsilon * (1.0 / r2 ** 3 - 1.0 / r2)
    return energy


def squared_spread(x):
    return sum((a - b) ** 2 for a, b in combinations(x, 2))


def index_pairs(x, w):
    s = 0.0
    for i, j in combinations(range(len(x)), 2):
        s = s + w * x[i] * x[j] * (j - i)
    return s


def triples(x):
    total = 0.0
    for t in combinations(list(x), 3):
        total += t[0] * t[1] * t[2]
    return total


def ordered_pairs(x):
    return sum(a * b ** 2 for a, b in permutations(x, 2))


def orderings_of_three(a):
    return max(u - v * w for u, v, w in permutations([a, 2.0 * a, np.sin(a)]))


def quadratic_form(x, scale):
    return scale * sum(a * b for a, b in combinations_with_replacement(x, 2))


def gaussian_grid(x, width):
    centers = [-1.0, 0.0, 1.5]
    return sum(np.exp(-(a - c) ** 2 / width) for a, c in product(x, centers))


def grid_loop(x, width):
    total = 0.0
    for a, (b, c) in product(x, [(1.0, width), (width, 2.0)]):
        total += a * b - c * a ** 2
    return total


def squared_repeat(x, scale):
    return sum([scale * a * b for a, b in product(x, repeat=2)])


def consumed(x):
    pairs = list(combinations(x, 2))
    ranked = sorted(permutations(x, 2))
    best = max(product(x, tuple(x[:2])))
    return pairs[0][0] * pairs[-1][1] + ranked[-1][0] * ranked[0][1] + best[0] * best[1] + len(tuple(product(x, x)))


def keyed_pairs(x):
    a, b = max(combinations(x, 2), key=lambda p: p[0] * p[1])
    ranked = sorted(product(x, x[:2]), key=lambda p: p[0] - p[1])
    return a * b ** 2 + ranked[0][0] * ranked[-1][1] + min(u * v for u, v in combinations(x, 2))


def pool_taken_before_the_loop(x):
    s = 0.0
    x = list(x)
    for a, b in combinations(x, 2):
        x[0] = x[0] * 2.0  # the pool is a copy: the items stay as they were
        s += a * b
    return s + x[0]


def enumerated_pairs(x):
    s = 0.0
    for k, (a, b) in enumerate(combinations(x, 2)):
        s += k * a * b
    return s


@pytest.mark.parametrize("func, args, positions", [
    (pair_potential, (POINTS, 0.7), (0, 1)),
    (squared_spread, (X,), (0,)),
    (squared_spread, (list(X),), (0,)),
    (index_pairs, (X, 1.3), (0, 1)),
    (triples, (X,), (0,)),
    (ordered_pairs, (X,), (0,)),
    (orderings_of_three, (0.7,), (0,)),
    (quadratic_form, (X, 0.4), (0, 1)),
    (gaussian_grid, (X, 0.8), (0, 1)),
    (grid_loop, (X, 0.8), (0, 1)),
    (squared_repeat, (list(X), 1.1), (1,)),
    (consumed, (X,), (0,)),
    (enumerated_pairs, (X,), (0,)),
    (keyed_pairs, (X,), (0,)),  # (to second order too: the list a keyed sort appends to, then popped back)
], ids=lambda value: getattr(value, "__name__", ""))
def test_combinatoric_iterators_differentiated(func, args, positions) -> None:
    check_program(func, args, positions, with_autograd=positions)


@pytest.mark.parametrize("func, args", [(pool_taken_before_the_loop, (list(X),))],
                         ids=lambda value: getattr(value, "__name__", ""))
def test_refused_to_second_order_at_the_line(func, args) -> None:
    # a write in place into the function's own list is refused to second order at its line, as anywhere
    check_program(func, args, (0,), with_autograd=(0,), first_order_only=(0,))


def top_k_loss(scores, margin):
    return margin * sum(v ** 2 for v in heapq.nlargest(3, scores))


def nearest_to_zero(x):
    near = heapq.nsmallest(2, x, key=abs)
    return near[0] * 2.0 - near[1]


def best_pairs(x, w):
    top = heapq.nlargest(2, list(zip(x, w)), key=lambda p: p[1] * p[0])
    return sum(a * b for a, b in top)


def upper_half(x):
    return sum(np.exp(v) for v in heapq.nlargest(len(x) // 2, x))


def lowest_of_each(rows):
    return sum(np.sum(row) for row in heapq.nsmallest(2, list(rows), key=lambda r: r[0]))


TIED = np.array([0.3, 1.2, 0.9, 1.4, 0.6, 1.1])


def ties_as_heapq_breaks_them(x, n):
    """round makes ties of the items from 0.6 up: heapq keeps the earliest of equal keys."""
    largest = heapq.nlargest(n, x, key=round)
    smallest = heapq.nsmallest(n, list(x), key=round)
    weights = [7.0, 5.0, 3.0, 2.0, 1.5, 1.25]
    return sum(w * v for w, v in zip(weights, largest)) + sum(w * v * v for w, v in zip(weights, smallest))


@pytest.mark.parametrize("func, args, positions", [
    (top_k_loss, (X, 0.6), (0, 1)),
    (top_k_loss, (list(X), 0.6), (0, 1)),
    (nearest_to_zero, (X,), (0,)),
    (best_pairs, (X, X[::-1].copy()), (0, 1)),
    (upper_half, (X,), (0,)),
    (lowest_of_each, (POINTS,), (0,)),
], ids=lambda value: getattr(value, "__name__", ""))
def test_heap_selections_differentiated(func, args, positions) -> None:
    check_program(func, args, positions, with_autograd=positions)


@pytest.mark.parametrize("n", [1, 3, 6])  # max and min in heapq, heapq's heap, sorted in heapq
def test_ties_differentiated(n) -> None:
    check_program(ties_as_heapq_breaks_them, (TIED, n), (0,))  # (autograd does not round its arrays)


def test_ties_pick_the_items_heapq_picks() -> None:
    items = [2.0, 1.0, 2.0, 1.0, 2.0]
    for n in range(-1, 7):
        gradient = adjoint.grad(lambda x: sum(w * v for w, v in zip([1.0, 10.0, 100.0], heapq.nlargest(n, x))))(items)
        picked = heapq.nlargest(n, range(len(items)), key=items.__getitem__)
        assert gradient == [([1.0, 10.0, 100.0] + [0.0] * 5)[picked.index(i)] if i in picked else 0.0
                            for i in range(len(items))]


def flattened_energy(x, scale):
    blocks = [x[:2], [scale * x[2], 1.0], (x[3] ** 2,)]
    return sum(v ** 2 for v in chain.from_iterable(blocks))


def flattened_loop(rows):
    total, k = 0.0, 0
    for v in chain.from_iterable(rows):
        k += 1
        if v < 0.0:
            continue
        total = total * 0.5 + np.sin(v) * k
    return total


def flattened_list(x):
    pairs = [[a, a * b] for a, b in zip(x, x[1:])]
    flat_items = list(chain.from_iterable(pairs))
    return flat_items[0] * flat_items[-1] + max(chain.from_iterable(pairs))


def padded_products(x, fill):
    return sum(a * b for a, b in zip_longest(x, x[:2], fillvalue=fill * 2.0))


def padded_loop(x, fill):
    total = 0.0
    for i, (a, b, c) in enumerate(zip_longest(x[1:], x, [fill], fillvalue=fill)):
        total += (i + 1) * a * b - c
    return total


def padded_listed(x):
    rows = list(zip_longest(x, [1.0, 2.0]))
    return rows[0][0] * rows[1][1] + rows[-1][0]


@pytest.mark.parametrize("func, args, positions", [
    (flattened_energy, (X, 0.4), (0, 1)),
    (flattened_loop, (POINTS + 0.05,), (0,)),  # (off the kink of `v < 0.0`)
    (flattened_loop, ([list(X), [0.7]],), (0,)),
    (flattened_list, (X,), (0,)),
    (padded_products, (X, 0.3), (0, 1)),
    (padded_loop, (X, 0.3), (0, 1)),
    (padded_listed, (X,), (0,)),
], ids=lambda value: getattr(value, "__name__", ""))
def test_flattened_and_padded(func, args, positions) -> None:
    check_program(func, args, positions, with_autograd=positions)


def flattened_until(x):
    total = 0.0
    for v in chain.from_iterable([x, x]):
        if v > 1.0:
            break  # <- break
        total += v
    return total


def flattened_and_numbered(x):
    return sum(k * v for k, v in enumerate(chain.from_iterable([x, x])))  # <- nested


def closure_key(x):
    c = 0.5
    return sum(heapq.nlargest(2, x, key=lambda v: abs(v - c)))  # <- closure-key


def unpacked_by_position(x):
    ps = [a - b for a, b in product(x, repeat=2)]
    return ps


def test_a_list_result_in_every_item():
    x = [0.3, -1.2, 2.1]
    value, pullback = adjoint.vjp(unpacked_by_position)(list(x))
    assert value == unpacked_by_position(list(x))
    weights = [float(k + 1) for k in range(len(value))]
    want = [sum(w * ((a == i) - (b == i)) for w, (a, b) in zip(weights, product(range(3), repeat=2)))
            for i in range(3)]
    np.testing.assert_allclose(pullback(weights), want)


def of_any_width(x, r):
    return sum(sum(t) for t in combinations(x, r))  # <- width


def over_a_zip(x):
    return sum(a[0] * b[1] for a, b in combinations(zip(x, x), 2))  # <- zip


def bound_to_a_name(x):
    pairs = combinations(x, 2)
    s = 0.0
    for a, b in pairs:  # <- bound
        s += a * b
    return s


@pytest.mark.parametrize("func, args, marker", [(of_any_width, (X, 2), "width"), (over_a_zip, (X,), "zip"),
                                                (bound_to_a_name, (X,), "bound"), (closure_key, (X,), "closure-key"),
                                                (flattened_until, (X,), "break"),
                                                (flattened_and_numbered, (X,), "nested")])
def test_refused_at_the_line(func, args, marker) -> None:
    with pytest.raises(adjoint.AdjointError) as refused:
        adjoint.grad(func)(*args)
    assert f"test_itertools39.py:{marked_line(func, marker)}:" in str(refused.value), str(refused.value)
