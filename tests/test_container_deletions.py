"""Keys added to dicts in place, and items deleted or popped from lists and dicts, in every mode.

Each program is checked in grad, value_and_grad, vjp, jvp and hvp (and grad of grad for a number)
against central differences and, where it runs them, autograd; the values of value_and_grad, vjp
and jvp the function's own; the arguments left as they were. Where a mode is out of reach, the
refusal names the user's line.

`del xs[i]` is `xs.pop(i)`, `del xs[i:j:k]` the list of the items it keeps, `del d[k]` `d.pop(k)`.

What was wrong:
- a new key written into a `collections.OrderedDict()` the function makes (`od["b"] = od["a"] + x`
  where od lacks "b") crashed with KeyError in the derivative: the primal sweep saved the item the
  write overwrites by reading it. A write by key into what may be a dict now saves that the key
  was absent, and the adjoint sweep takes the key away again (the dict's keys and their order as
  they were); a `defaultdict` no longer gets, in the adjoint sweep, the default item that reading
  the absent key made. An empty `OrderedDict()` the function makes is now written as a dict
  literal is (new dicts, of its type, with the item written or taken out), so its second
  derivatives are taken too.
"""
from __future__ import annotations

import collections
import math
from collections import OrderedDict

import numpy as np
import pytest

import adjoint
from every_mode import check_program, check_refused_at
from soundness import marked_line

RNG = np.random.default_rng(39)


# ----- keys added in place to a dict the function makes --------------------------------------


def ordered_new_keys(x):
    od = OrderedDict()
    od["a"] = x * x
    od["b"] = od["a"] + x
    return od["b"]


def ordered_running_table(x):
    """Each step adds a key and then reads every item: the adjoint sweep must see each step's keys."""
    od = OrderedDict()
    total = 0.0
    for i in range(3):
        od[i] = x * (i + 1) + total
        for key, value in od.items():
            total = total + 0.1 * value * value
    return total + len(od)


def ordered_overwrite_and_add(x):
    od = OrderedDict()
    od["w"] = x
    od["w"] = od["w"] * x
    od["v"] = math.sin(od["w"])
    return sum(od.values()) * od["v"]


def ordered_from_pairs(x):
    """An OrderedDict made with items is written in place: a new key's save remembers it was absent."""
    od = OrderedDict(start=0.5)
    od["a"] = x + od["start"]
    od["b"] = od["a"] * x
    od["c"] = math.exp(od["b"])
    return od["c"] * len(od)


def ordered_deletions(x):
    od = OrderedDict()
    od["p"] = x
    od["q"] = x * x
    od["r"] = 2.0 * x
    del od["p"]
    first = od.pop("q")
    od["p"] = first * x
    return sum(v * k for k, v in zip((1.0, 2.0), od.values())) + len(od)


def defaultdict_new_keys(x):
    d = collections.defaultdict(float)
    d["a"] = x * x
    d["b"] = d["a"] + x
    return d["b"] * len(d)


def defaultdict_keys_seen(x):
    """The adjoint sweep counts the keys as each step saw them (`len(d)`), not the keys added later."""
    d = collections.defaultdict(float)
    total = 0.0
    for i in range(4):
        d[i % 3] = d[i % 3] + x * (i + 1)
        total = total + d[i % 3] * len(d)
    return total


def counter_new_keys(x):
    c = collections.Counter()
    c["p"] = x * 2.0
    c["q"] = c["p"] * x
    return c["q"] + c["missing"] * x


# (name, args, whether its second derivatives are refused at a line of its own)
PROGRAMS = [
    ("ordered_new_keys", (1.3,), False),
    ("ordered_running_table", (0.7,), False),
    ("ordered_overwrite_and_add", (0.8,), False),
    ("ordered_from_pairs", (0.6,), True),
    ("ordered_deletions", (0.9,), False),
    ("defaultdict_new_keys", (1.1,), False),
    ("defaultdict_keys_seen", (0.6,), False),
    ("counter_new_keys", (0.9,), True),
]


@pytest.mark.parametrize("name, args, first_order_only", PROGRAMS, ids=[p[0] for p in PROGRAMS])
def test_every_mode(name, args, first_order_only):
    func = globals()[name]
    check_program(func, args, (0,), with_autograd=_peer(name, (0,)), first_order_only=(0,) if first_order_only else ())
    if first_order_only:
        with pytest.raises(adjoint.AdjointError) as refused:
            adjoint.hvp(func)(*args, 1.0)
        assert refused.value.location.filename == __file__, str(refused.value)


def test_the_dict_is_as_python_leaves_it():
    """The derivative's value is the function's own, and its dict holds the keys Python's would."""
    def kept(x):
        od = OrderedDict()
        od["a"] = x
        od["b"] = x * x
        return od

    value, pullback = adjoint.vjp(kept)(1.5)
    assert type(value) is OrderedDict and list(value) == ["a", "b"] and value == kept(1.5)
    assert pullback(OrderedDict([("a", 1.0), ("b", 1.0)])) == pytest.approx(1.0 + 2 * 1.5)


def new_key_into_a_parameter(x, d):
    d["c"] = d["a"] * x  # <- new-key-into-parameter
    return d["c"]


def test_a_new_key_written_into_a_parameter_is_refused_at_the_line():
    check_refused_at(new_key_into_a_parameter, (0.5, {"a": 2.0}), (0, 1),
                     f"test_container_deletions.py:{marked_line(new_key_into_a_parameter, 'new-key-into-parameter')}:",
                     RNG)


# ----- items deleted and popped from lists and dicts -----------------------------------------


def window_trimmed(xs):
    """A sliding window kept to its last three items by deleting a slice, and strided deletions (its
    second derivative is refused, as for any loop appending to a list its first derivative keeps)."""
    window, total = [], 0.0
    for x in xs:
        window.append(x * x)
        if len(window) > 3:
            del window[:-3]
        total = total + sum(window) * x
    del window[::2]
    del window[5:1]
    return total + window[0]


def list_slices_deleted(x):
    xs = [x, x * x, 3.0 * x, math.sin(x), 2.0, x ** 3]
    del xs[-2:], xs[1:4:2]
    return xs[0] * xs[1] + xs[-1] * len(xs)


def list_item_deleted(x):
    xs = [x, 2.0 * x, x * x]
    del xs[1]
    return xs[1] * xs[0] + len(xs)


def cheapest_first(costs):
    """A priority list: each step takes the smallest cost out (`del`) and pays it, discounted."""
    pending = list(costs)
    total, discount = 0.0, 1.0
    while pending:
        best = 0
        for i in range(1, len(pending)):
            if pending[i] < pending[best]:
                best = i
        total = total + discount * pending[best] ** 2
        del pending[best]
        discount = discount * 0.5
    return total


def queue_popped_by_position(xs):
    """`v = xs.pop(i)` and `del xs[-1]` in a loop: the adjoint of each item taken out goes to its input."""
    queue = [x * x for x in xs]
    out = 0.0
    for step in range(2):
        head = queue.pop(1)
        del queue[-1]
        out = out + head * (step + 1.0)
    return out + sum(queue)


def dict_key_deleted(x):
    d = {"a": x, "b": x * x, "c": 3.0 * x}
    del d["a"]
    d["c"] = d["c"] * d["b"]
    return sum(d.values()) + len(d)


def dict_key_deleted_in_a_branch(x):
    d = {"a": x, "b": x * x}
    if x > 0.5:
        del d["a"]
    return sum(d.values()) * len(d)


def pruned_below_one(x):
    """Keys whose items are small taken out, looping over a list of the keys (not the dict itself)."""
    d = {"a": x, "b": 2.0 * x, "c": x * x}
    for key in list(d):
        if d[key] < 1.0:
            del d[key]
    return (sum(d.values()) + 0.5) * len(d)


def dict_item_popped(x):
    d = {"a": math.sin(x), "b": x * x}
    v = d.pop("a")
    return v * d["b"] + len(d)


def dict_pop_with_default(x):
    d = {"a": x, "b": x * x}
    keys = ["b", "c"]
    missing = d.pop(keys[1], 1.5 * math.exp(x))
    present = d.pop(keys[0], math.log(x))  # (the default computed, as Python computes it)
    return missing * present + d["a"]


def dict_popped_in_a_loop(x):
    d = {}
    for i in range(4):
        d[i] = x * (i + 1.0)
    total = 0.0
    for i in (0, 2):
        taken = d.pop(i)
        total = total + taken ** 2
    for value in d.values():
        total = total + math.cos(value)
    return total


def model(x, weight, bias=0.0):
    return math.tanh(weight * x + bias)


def parameters_popped_before_a_call(params, x=0.4):
    """A dict of parameters from which a key is popped before the rest are passed on by `**`."""
    rest = dict(params)
    scale = rest.pop("scale")
    unused = rest.pop("note", 0.0)
    return scale * model(x, **rest) + unused


# (name, args, differentiated positions, positions whose second derivatives are refused)
DELETIONS = [
    ("list_item_deleted", (1.3,), (0,), ()),
    ("list_slices_deleted", (0.8,), (0,), ()),
    ("window_trimmed", (np.array([0.5, -1.2, 0.8, 1.1, 0.3]),), (0,), (0,)),
    ("cheapest_first", ([0.9, 0.3, 1.4, 0.6],), (0,), ()),
    ("queue_popped_by_position", (np.array([0.5, -1.2, 0.8, 1.1, 0.3, 0.7]),), (0,), ()),
    ("dict_key_deleted", (0.7,), (0,), ()),
    ("dict_key_deleted_in_a_branch", (0.7,), (0,), ()),
    ("dict_key_deleted_in_a_branch", (0.3,), (0,), ()),
    ("pruned_below_one", (0.7,), (0,), ()),
    ("pruned_below_one", (1.3,), (0,), ()),
    ("pruned_below_one", (0.4,), (0,), ()),
    ("dict_item_popped", (0.9,), (0,), ()),
    ("dict_pop_with_default", (1.2,), (0,), ()),
    ("dict_popped_in_a_loop", (0.8,), (0,), ()),
    ("parameters_popped_before_a_call", ({"weight": 0.8, "bias": -0.3, "scale": 1.7},), (0,), ()),
]


@pytest.mark.parametrize("name, args, positions, first_order_only", DELETIONS,
                         ids=[f"{p[0]}-{p[1]}" for p in DELETIONS])
def test_deletions_in_every_mode(name, args, positions, first_order_only):
    check_program(globals()[name], args, positions, with_autograd=_peer(name, positions),
                  first_order_only=first_order_only)


# The programs autograd runs as they are (arithmetic on its boxes, no `math` function).
AUTOGRAD_RUNS = {"ordered_new_keys", "ordered_running_table", "defaultdict_new_keys", "defaultdict_keys_seen",
                 "ordered_deletions", "list_item_deleted", "cheapest_first", "queue_popped_by_position",
                 "dict_key_deleted", "pruned_below_one", "window_trimmed", "nearest_of_three", "largest_scaled", "largest_of_nothing",
                 "square_closest_to_one", "closest_to_one"}


def _peer(name: str, positions) -> tuple:
    return tuple(positions) if name in AUTOGRAD_RUNS else ()


# ----- min and max of several arguments with a key, and of an iterable with a default ---------


def nearest_of_three(x):
    return min(x, 2.0 * x - 1.5, -3.0 * x, key=abs)


def farthest_pair_by_square(a, b):
    near = min(a, b, key=abs)
    far = max(a, b, key=lambda v: (v - near) ** 2)
    return near * far + math.sin(far)


def largest_scaled(x):
    return max((t * x for t in (1.0, 2.0, -0.5)), default=0.0)


def largest_of_nothing(x):
    return max((t * x for t in ()), default=x * x)


def square_closest_to_one(xs, fallback):
    return min((v * v for v in xs), key=lambda v: (v - 1.0) ** 2, default=fallback)


def closest_to_one(xs):
    """A filtered generator's item nearest 1, or the first item where the filter leaves none (second
    derivatives too: tests/test_stack_pops.py)."""
    first = xs[0]
    return min((v * v for v in xs if v > 0.5), key=lambda v: (v - 1.0) ** 2, default=first)


# (name, args, differentiated positions, positions whose second derivatives are refused)
EXTREMES = [
    ("nearest_of_three", (1.3,), (0,), ()),
    ("nearest_of_three", (0.4,), (0,), ()),
    ("farthest_pair_by_square", (0.7, -1.3), (0, 1), ()),
    ("largest_scaled", (1.3,), (0,), ()),
    ("largest_scaled", (-0.8,), (0,), ()),
    ("largest_of_nothing", (1.3,), (0,), ()),
    ("square_closest_to_one", ([0.2, 0.9, 1.4], 0.5), (0, 1), ()),
    ("square_closest_to_one", ([], 0.5), (1,), ()),
    ("closest_to_one", ([0.2, 0.9, 1.4],), (0,), ()),
    ("closest_to_one", ([0.2, 0.1],), (0,), ()),
]


@pytest.mark.parametrize("name, args, positions, first_order_only", EXTREMES,
                         ids=[f"{p[0]}-{p[1]}" for p in EXTREMES])
def test_extremes_in_every_mode(name, args, positions, first_order_only):
    check_program(globals()[name], args, positions, with_autograd=_peer(name, positions),
                  first_order_only=first_order_only)


def default_that_calls(x, ys):
    return max(ys, default=math.exp(x))  # <- default-that-calls


# ----- what stays refused, at the user's line --------------------------------------------------


def pop_from_a_dict_parameter(x, p):
    p.pop("a")  # <- pop-from-parameter
    return x * p["b"]


def del_from_a_dict_parameter(x, p):
    del p["a"]  # <- del-from-parameter
    return x * p["b"]


def pop_while_looping_over_the_dict(x):
    d = {"a": x, "b": x * x}
    for key in d:
        d.pop("a")  # <- pop-in-loop-over-dict
    return d["b"]


def pop_inside_an_expression(x):
    d = {"a": x, "b": x * x}
    d["c"] = x
    y = 2.0 * d.pop("a")  # <- pop-in-expression
    return y + d["b"]


def pop_in_a_local_function(x):
    d = {"a": x, "b": x * x}

    def take():
        d.pop("a")  # <- pop-in-local-function
    take()
    return d["b"] * len(d)


def pop_from_a_defaultdict(x):
    totals = collections.defaultdict(float)
    totals["a"] = totals["a"] + x
    totals["b"] = x * x
    first = totals.pop("a")  # <- pop-from-defaultdict
    return first * totals["b"]


def slice_deleted_from_a_shared_list(x):
    xs = [x, x * x, 3.0 * x]
    ys = xs
    del xs[0:2]  # <- shared-slice-deleted
    return ys[0]


def slice_deleted_from_a_dict(x):
    d = {"a": x}
    d["b"] = x * x
    del d[0:1]  # <- slice-of-dict
    return d["a"]


REFUSED = [
    (pop_from_a_dict_parameter, (0.5, {"a": 1.0, "b": 2.0}), (0, 1), "pop-from-parameter"),
    (del_from_a_dict_parameter, (0.5, {"a": 1.0, "b": 2.0}), (0, 1), "del-from-parameter"),
    (pop_while_looping_over_the_dict, (0.5,), (0,), "pop-in-loop-over-dict"),
    (pop_inside_an_expression, (0.5,), (0,), "pop-in-expression"),
    (slice_deleted_from_a_shared_list, (0.5,), (0,), "shared-slice-deleted"),
    (slice_deleted_from_a_dict, (0.5,), (0,), "slice-of-dict"),
    (pop_in_a_local_function, (0.5,), (0,), "pop-in-local-function"),
    (pop_from_a_defaultdict, (0.5,), (0,), "pop-from-defaultdict"),
    (default_that_calls, (0.5, []), (0,), "default-that-calls"),
]


@pytest.mark.parametrize("func, args, positions, marker", REFUSED, ids=[r[3] for r in REFUSED])
def test_refused_naming_the_users_line(func, args, positions, marker):
    check_refused_at(func, args, positions, f"test_container_deletions.py:{marked_line(func, marker)}:", RNG)


def test_errors_are_pythons():
    """A key or position that is not there raises what Python raises, in the derivative too."""
    def missing_key(x):
        d = {"a": x}
        del d["b"]
        return d["a"]

    def missing_position(x):
        xs = [x, x]
        v = xs.pop(2)
        return v

    def default_raises(x):
        d = {"a": x}
        v = d.pop("a", math.log(-x))  # Python computes the default though the key is there
        return v

    for func, error in ((missing_key, KeyError), (missing_position, IndexError), (default_raises, ValueError)):
        with pytest.raises(error):
            func(1.0)
        with pytest.raises(error):
            adjoint.grad(func)(1.0)
        with pytest.raises(error):
            adjoint.jvp(func)(1.0, 1.0)
