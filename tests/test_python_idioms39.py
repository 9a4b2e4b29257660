"""Everyday idioms over zip, enumerate and dicts, in every mode.

Each program is checked in grad, value_and_grad, vjp, jvp and hvp (and grad of grad for a number)
against central differences and, where it runs them, autograd; the values of value_and_grad, vjp
and jvp the function's own; the arguments left as they were.

- `dict(zip(keys, values))` and `dict(enumerate(xs))` are the dict comprehension of the pairs
  (`{k: v for k, v in zip(keys, values)}`); `list(...)` and `tuple(...)` of zip and enumerate
  read the items at once.
- `sorted(zip(x, ks), reverse=True)` reads the pairs at once, and sorts the list; tuples without a
  key are compared item by item, as Python compares them.
- `min(d, key=d.get)` (max, sorted) orders the keys of `list(d)` by their values.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import adjoint
from every_mode import check_program, check_refused_at
from soundness import marked_line

RNG = np.random.default_rng(39)


# ----- dicts, lists and tuples of zip and enumerate --------------------------------------------


def named_parameters(w, b):
    """A model's parameters named by zip, read by name."""
    params = dict(zip(["weight", "bias"], [w, b]))
    xs, ys = [0.5, 1.5, 2.5], [1.0, 2.2, 2.9]
    return sum((params["weight"] * x + params["bias"] - y) ** 2 for x, y in zip(xs, ys))


def named_array_entries(theta):
    """The entries of an array named by zip."""
    p = dict(zip(("scale", "shift", "rate"), theta))
    return p["scale"] * np.exp(-p["rate"] * 0.3) + p["shift"] ** 2


def numbered_terms(x):
    terms = dict(enumerate([x, x * x, math.sin(x)]))
    return terms[0] * terms[2] + terms[1] * len(terms)


def returned_dict_of_zip(a, b):
    return dict(zip("ab", [a * b, a - b]))


def listed_pairs(a, b):
    pairs = list(zip([a, b, a * b], [b, 2.0 * a, 1.0]))
    return sum(p * q for p, q in pairs) + pairs[2][0] * pairs[0][1]


def tupled_pairs(x):
    pairs = tuple(zip(x, x[::-1]))
    return pairs[0][0] * pairs[0][1] + pairs[-1][0] ** 2


def listed_numbers(x):
    numbered = list(enumerate(x))
    return sum((i + 1) * v * v for i, v in numbered) + numbered[1][1] * numbered[2][0]


def named_pairs(x):
    """A generator function of the user's yielding named values."""
    yield "square", x * x
    yield "sine", math.sin(x)


def dict_of_a_generator(x):
    table = dict(named_pairs(x))
    return table["square"] * table["sine"] + sorted(named_pairs(x), reverse=True)[0][1]


# ----- sorted, max and min of pairs, compared item by item ------------------------------------


def ranked_by_sorted_zip(x):
    """The largest scores with their positions: ranking by a sorted zip."""
    ranked = sorted(zip(x, range(len(x))), reverse=True)
    top, runner_up = ranked[0], ranked[1]
    return top[0] * (top[1] + 1.0) + runner_up[0] ** 2 - ranked[-1][0]


def sorted_zip_without_key(a, b):
    pairs = sorted(zip([a, b, 1.0], [b, a, 2.0]))
    return pairs[0][0] - 2.0 * pairs[1][1] + pairs[2][0] * pairs[2][1]


def sorted_list_of_tuples(a, b):
    pairs = [(a, 1.0), (b, 2.0), (a * b, 0.5)]
    ordered = sorted(pairs)
    return 3.0 * ordered[0][0] + ordered[1][0] * ordered[2][1] + ordered[2][0]


def sorted_tuples_tied_first(a, b):
    """Equal first items: the second ones decide."""
    ordered = sorted([(1.0, a), (1.0, b), (0.5, a * b)])
    return ordered[0][1] + 2.0 * ordered[1][1] + 3.0 * ordered[2][1]


def largest_pair(a, b):
    best = max(zip([a, b], [1.0, 2.0]))
    least = min(zip([a, b], [b, a]))
    return best[0] * best[1] + least[1]


# ----- the keys of a dict ordered by their values ---------------------------------------------


def cheapest_option(x):
    """The cheapest way to go, by min over a dict of costs."""
    costs = {"rail": 2.0 * x, "road": x * x + 1.0, "air": 3.0}
    choice = min(costs, key=costs.get)
    return costs[choice] * len(choice)


def dearest_option(x):
    costs = {"rail": 2.0 * x, "road": x * x + 1.0, "air": 3.0}
    return costs[max(costs, key=costs.get)]


def ranked_keys(x):
    scores = {"a": x, "b": 1.0 - x, "c": x * x}
    order = sorted(scores, key=scores.get, reverse=True)
    return scores[order[0]] * 3.0 + scores[order[1]] * 2.0 + scores[order[2]]


def cheapest_in_parameter(prices):
    """A dict given to the function: the cheapest item's price, twice."""
    return 2.0 * prices[min(prices, key=prices.get)] + prices["b"]


# ----- np.logspace ---------------------------------------------------------------------------


def log_frequency_response(lo, hi, base):
    """A first-order filter's gain summed over a logarithmic grid of frequencies."""
    omega = np.logspace(lo, hi, 6, base=base)
    return np.sum(1.0 / (1.0 + (omega * 0.3) ** 2))


def log_grid_without_endpoint(ends):
    grid = np.logspace(ends, ends * 2.0, 4, endpoint=False, axis=-1)
    return np.sum(grid * np.arange(4.0))


def bases_in_an_array(x):
    return np.sum(np.logspace(0.0, x, 3, base=np.array([2.0, 3.0])))  # <- array of bases


# ----- np.fromiter -----------------------------------------------------------------------------


def residuals_from_generator(w, xs):
    """Residuals collected from a generator into an array."""
    r = np.fromiter((w[0] * x + w[1] - math.sin(x) for x in xs), dtype=float)
    return np.dot(r, r)


def array_from_a_list(a, b):
    values = np.fromiter([a, a * b, 2.0], float, count=-1)
    return np.sum(values ** 2) * values[1]


def array_from_an_array(x):
    return np.prod(np.fromiter(x, dtype=np.float64) + 1.0)


def first_items_counted(x):
    """The first two of a generator's items, as many as the count says."""
    head = np.fromiter((v * v for v in x), dtype=float, count=2)
    return np.sum(head) * head[1]


def first_items_of_a_zip(a, b):
    return np.fromiter([p * q for p, q in zip(a, b)], "float64", 3)


def too_few_items(x):
    head = np.fromiter((v for v in x), dtype=float, count=4)
    return np.sum(head)


def counted_inside_an_expression(x):
    return np.sum(np.fromiter((v for v in x), dtype=float, count=2))  # <- counted in an expression


def filtered_items_counted(x):
    return np.sum(np.fromiter((v for v in x if v > 0), dtype=float, count=1))  # <- counted filter


# ----- np.histogram weighted --------------------------------------------------------------------

SAMPLES = np.array([0.1, 0.5, 0.9, 1.0, 1.3, -0.2, 0.25, 0.74])


def weighted_histogram_energy(w):
    """Weights binned over a fixed range (two samples fall outside), the edges read too."""
    hist, edges = np.histogram(SAMPLES, bins=4, range=(0.0, 1.0), weights=w * w)
    centers = 0.5 * (edges[1:] + edges[:-1])
    return np.sum(hist * centers) + np.sum(hist ** 2)


def weighted_histogram_given_edges(w, scale):
    hist, _ = np.histogram(SAMPLES, np.array([-0.5, 0.3, 0.6, 1.2]), weights=np.sin(w) * scale)
    return np.dot(hist, hist) + hist[1]


def histogram_of_moving_samples(x):
    """Samples that move, weighted by themselves, over a given range: the counts are piecewise constant."""
    hist, edges = np.histogram(x * 1.5, bins=3, range=(-1.0, 2.0), weights=x * x)
    return np.sum(hist * edges[1:]) + hist[0] ** 2


def histogram_spread_over_the_samples(x):
    """Without a range the edges are spread between the samples' extremes, and move with them."""
    hist, edges = np.histogram(x, bins=3, weights=np.exp(x))
    return np.dot(hist, hist) + np.sum(edges ** 2) * hist[1]


def histogram_edges_from_a_rule(x):
    hist, edges = np.histogram(x * x, bins="sturges")
    return np.sum(hist * edges[1:]) + edges[-1]


def histogram_density(w):
    hist, _ = np.histogram(SAMPLES, bins=3, range=(0.0, 1.0), weights=w, density=True)  # <- density
    return np.sum(hist * hist)


# (name, args, positions)
PROGRAMS = [
    ("named_parameters", (0.8, -0.3), (0, 1)),
    ("named_array_entries", (np.array([1.2, 0.4, 0.7]),), (0,)),
    ("numbered_terms", (0.9,), (0,)),
    ("listed_pairs", (0.7, 1.3), (0, 1)),
    ("tupled_pairs", ([0.5, 1.5, -0.4],), (0,)),
    ("listed_numbers", (np.array([0.3, -1.2, 0.8]),), (0,)),
    ("dict_of_a_generator", (0.7,), (0,)),
    ("ranked_by_sorted_zip", (np.array([0.3, 1.9, -0.7, 1.1]),), (0,)),
    ("ranked_by_sorted_zip", ([0.3, 1.9, -0.7, 1.1],), (0,)),
    ("sorted_zip_without_key", (1.5, 0.7), (0, 1)),
    ("sorted_list_of_tuples", (1.5, 0.7), (0, 1)),
    ("sorted_tuples_tied_first", (1.5, 0.7), (0, 1)),
    ("largest_pair", (1.5, 0.7), (0, 1)),
    ("cheapest_option", (0.8,), (0,)),
    ("cheapest_option", (1.8,), (0,)),
    ("dearest_option", (0.8,), (0,)),
    ("ranked_keys", (0.3,), (0,)),
    ("cheapest_in_parameter", ({"a": 1.5, "b": 0.7, "c": 2.0},), (0,)),
    ("log_frequency_response", (-0.4, 0.6, 10.0), (0, 1, 2)),
    ("log_frequency_response", (0.2, 1.5, 2.0), (0, 1, 2)),
    ("log_grid_without_endpoint", (np.array([0.3, -0.2, 0.5]),), (0,)),
    ("residuals_from_generator", (np.array([0.8, -0.1]), np.array([0.1, 0.7, 1.3])), (0, 1)),
    ("array_from_a_list", (0.7, 1.3), (0, 1)),
    ("array_from_an_array", (np.array([0.3, -0.2, 0.5]),), (0,)),
    ("first_items_counted", (np.array([0.3, -0.2, 0.5]),), (0,)),
    ("weighted_histogram_energy", (np.linspace(0.3, 1.1, 8),), (0,)),
    ("weighted_histogram_given_edges", (np.linspace(0.3, 1.1, 8), 1.7), (0, 1)),
    ("histogram_of_moving_samples", (np.array([0.3, -0.4, 1.1, 0.5, 0.9]),), (0,)),
    ("histogram_spread_over_the_samples", (np.array([0.3, -0.4, 1.1, 0.5, 0.9]),), (0,)),
    ("histogram_spread_over_the_samples", (np.array([[0.3, -0.4], [1.1, 0.5]]),), (0,)),
    ("histogram_edges_from_a_rule", (np.array([0.3, -0.4, 1.1, 0.5, 0.9, -1.3]),), (0,)),
]

# The programs autograd runs as they are (arithmetic on its boxes, no `math` function).
AUTOGRAD_RUNS = {"named_parameters", "listed_pairs", "tupled_pairs", "ranked_by_sorted_zip", "sorted_zip_without_key",
                 "sorted_list_of_tuples", "sorted_tuples_tied_first", "largest_pair", "cheapest_option",
                 "dearest_option", "ranked_keys"}


@pytest.mark.parametrize("name, args, positions", PROGRAMS, ids=[f"{p[0]}-{i}" for i, p in enumerate(PROGRAMS)])
def test_every_mode(name, args, positions):
    check_program(globals()[name], args, positions,
                  with_autograd=positions if name in AUTOGRAD_RUNS else ())


def test_a_dict_of_zip_returned():
    """The dict the function returns is the function's own; its pullback takes a dict."""
    value, pullback = adjoint.vjp(returned_dict_of_zip)(1.5, 0.5)
    assert value == returned_dict_of_zip(1.5, 0.5) and list(value) == ["a", "b"]
    np.testing.assert_allclose(pullback({"a": 1.0, "b": 2.0}), 0.5 + 2.0)


def zip_of_three_into_a_dict(x):
    return dict(zip([1, 2], [x, x], [x, x]))[1]  # <- triples


def test_a_dict_of_triples_is_refused_at_its_line():
    """Python raises ValueError (a dict's items are pairs); the derivative refuses at the line."""
    with pytest.raises(ValueError):
        zip_of_three_into_a_dict(1.0)
    where = f"{__file__}:{marked_line(zip_of_three_into_a_dict, 'triples')}:"
    check_refused_at(zip_of_three_into_a_dict, (1.0,), (0,), where, RNG)


def other_key_over_a_dict(x):
    costs = {"rail": 2.0 * x, "road": x * x + 1.0}
    return costs[min(costs, key=lambda k: costs[k])]  # <- lambda over a dict


def test_another_key_over_a_dict_is_refused_at_its_line():
    where = f"{__file__}:{marked_line(other_key_over_a_dict, 'lambda over a dict')}:"
    check_refused_at(other_key_over_a_dict, (0.8,), (0,), where, RNG)


def test_an_array_of_bases_is_refused_at_its_line():
    where = f"{__file__}:{marked_line(bases_in_an_array, 'array of bases')}:"
    check_refused_at(bases_in_an_array, (0.8,), (0,), where, RNG)


def test_a_returned_array_of_counted_items():
    a, b = [0.3, -0.2, 0.5, 1.5], [1.1, 0.7, -0.4, 2.0]
    value, pullback = adjoint.vjp(first_items_of_a_zip, wrt=0)(a, b)
    np.testing.assert_array_equal(value, first_items_of_a_zip(a, b))
    np.testing.assert_allclose(pullback(np.array([1.0, 2.0, 3.0])), [1.1, 1.4, -1.2, 0.0])


def test_too_few_items_raise_as_numpy_does():
    with pytest.raises(ValueError, match="iterator too short") as numpy_raised:
        too_few_items(np.array([0.3, -0.2, 0.5]))
    for mode in (adjoint.grad, adjoint.value_and_grad):
        with pytest.raises(ValueError) as raised:
            mode(too_few_items)(np.array([0.3, -0.2, 0.5]))
        assert str(raised.value) == str(numpy_raised.value)


@pytest.mark.parametrize("func, marker", [(filtered_items_counted, "counted filter"),
                                          (counted_inside_an_expression, "counted in an expression")])
def test_a_count_elsewhere_is_refused_at_its_line(func, marker):
    where = f"{__file__}:{marked_line(func, marker)}:"
    check_refused_at(func, (np.array([0.3, -0.2, 0.5]),), (0,), where, RNG)


def test_a_density_is_refused_at_its_line():
    """A density (the weights over their total and the bins' widths) is refused."""
    where = f"{__file__}:{marked_line(histogram_density, 'density')}:"
    check_refused_at(histogram_density, (np.linspace(0.3, 1.1, 8),), (0,), where, RNG)


def range_moving(x):
    hist, edges = np.histogram(SAMPLES, bins=3, range=(x, 2.0), weights=SAMPLES)  # <- moving range
    return np.sum(hist) + edges[1]


def test_a_moving_range_is_refused_at_its_line():
    where = f"{__file__}:{marked_line(range_moving, 'moving range')}:"
    check_refused_at(range_moving, (-0.5,), (0,), where, RNG)
