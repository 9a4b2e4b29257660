"""Keys added to dicts in place, and items deleted or popped from lists and dicts, in every mode.

Each program is checked in grad, value_and_grad, vjp, jvp and hvp (and grad of grad for a number)
against central differences and, where it runs them, autograd; the values of value_and_grad, vjp
and jvp the function's own; the arguments left as they were. Where a mode is out of reach, the
refusal names the user's line.

What was wrong:
- a new key written into a `collections.OrderedDict()` the function makes (`od["b"] = od["a"] + x`
  where od lacks "b") crashed with KeyError in the derivative: the primal sweep saved the item the
  write overwrites by reading it. A write by key into what may be a dict now saves that the key
  was absent, and the adjoint sweep takes the key away again (the dict's keys and their order as
  they were); a `defaultdict` no longer gets, in the adjoint sweep, the default item that reading
  the absent key made.
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
    ("ordered_running_table", (0.7,), True),
    ("ordered_overwrite_and_add", (0.8,), True),
    ("defaultdict_new_keys", (1.1,), False),
    ("defaultdict_keys_seen", (0.6,), False),
    ("counter_new_keys", (0.9,), True),
]


@pytest.mark.parametrize("name, args, first_order_only", PROGRAMS, ids=[p[0] for p in PROGRAMS])
def test_every_mode(name, args, first_order_only):
    func = globals()[name]
    check_program(func, args, (0,), first_order_only=(0,) if first_order_only else ())
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
