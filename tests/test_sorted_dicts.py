"""sorted over a dict lists its keys (which carry no derivative), and sorted over its items
orders them by key: both were differentiated as if the dict's values were sorted (an internal
TypeError or KeyError, in every mode or in forward mode and hvp)."""
from __future__ import annotations

import numpy as np
import pytest

from every_mode import check_every_mode

X = np.array([0.3, -0.7, 1.1])


def weighted_by_key(x):
    d = {0: x[0] * 2.0, 1: x[1] ** 2}
    out = 0.0
    for k in sorted(d):
        out += (k + 1.0) * d[k]
    return out


def keys_as_numbers(x):
    d = {2: x[0], 1: x[1]}
    ks = sorted(d)
    return ks[0] * x[0] + d[ks[1]]


def by_name(x):
    params = {"w": x[0], "b": x[1]}
    out = 0.0
    for k in sorted(params):
        out += params[k] ** 2 * len(k)
    return out


def items_in_key_order(x):
    d = {"b": x[0] * 2.0, "a": x[1] ** 2, "c": x[2]}
    out = 0.0
    for i, (k, v) in enumerate(sorted(d.items(), reverse=True)):
        out += (i + 1.0) * v
    return out


@pytest.mark.parametrize("func", [weighted_by_key, keys_as_numbers, by_name, items_in_key_order],
                         ids=lambda f: f.__name__)
def test_sorted_keys_and_items_of_a_dict(func):
    check_every_mode(func, (X,))
