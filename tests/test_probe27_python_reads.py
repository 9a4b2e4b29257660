"""Reads users write of dict parameters and arrays: `params.get(key, default)` and `x.tolist()`.

What was refused:
- `p.get("b", 0.0)` of a dict parameter was refused at its line as a method of a value known only
  when the function runs (`.get` of a dict the function builds was differentiated already): it
  is `p["b"] if "b" in p else 0.0`, for a parameter that is a dict and that the function does not
  bind again;
- `x.tolist()` of an array was refused the same way: it is the array's items as lists of
  Python numbers, differentiated as `list(x)` is.
"""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode

X4 = np.array([0.5, -0.4, 1.1, 0.2])


def defaults_of_a_dict(p):
    scale = p.get("scale", 2.0)
    shift = p.get("shift")
    return scale * p["w"] ** 2 + (shift if shift is not None else 0.0) * p.get("w", 1.0)


def defaults_of_arrays(p):
    bias = p.get("b", 0.0)
    return np.sum(np.tanh(p["W"] * X4 + bias) ** 2)


@pytest.mark.parametrize("p", [{"w": 0.7}, {"w": 0.7, "scale": -1.3}, {"w": 0.7, "shift": 0.4, "scale": 0.5}],
                         ids=["defaults", "one", "both"])
def test_get_of_a_dict_parameter_in_every_mode(p):
    check_every_mode(defaults_of_a_dict, (p,), peer=defaults_of_a_dict)


@pytest.mark.parametrize("p", [{"W": np.array([0.3, -0.2, 0.5, 0.1])},
                               {"W": np.array([0.3, -0.2, 0.5, 0.1]), "b": np.array([0.1, 0.0, -0.1, 0.2])}],
                         ids=["without", "with"])
def test_get_of_arrays_in_every_mode(p):
    check_every_mode(defaults_of_arrays, (p,), peer=defaults_of_arrays)


def rebound_then_read(p):
    p = {"w": p["w"] * 2.0}
    return p.get("w", 1.0) * 3.0  # <- get-rebound


def test_get_of_a_parameter_bound_again_is_refused_at_its_line():
    with pytest.raises(adjoint.AdjointError) as info:
        adjoint.grad(rebound_then_read)({"w": 0.7})
    with open(__file__, encoding="utf-8") as source:
        line = next(n for n, text in enumerate(source, 1) if text.rstrip().endswith("# <- get-rebound"))
    assert (info.value.filename, info.value.lineno) == (__file__, line)


def squares_of_items(x):
    return sum(v * v for v in x.tolist())


def largest_two(x):
    values = sorted(x.tolist(), reverse=True)
    return values[0] * 3.0 + values[1]


def items_written(x):
    values = x.tolist()
    values[1] = values[0] ** 2
    return sum(v * (i + 1) for i, v in enumerate(values))


@pytest.mark.parametrize("func", [squares_of_items, largest_two, items_written], ids=lambda f: f.__name__)
def test_tolist_in_every_mode(func):
    value, _ = adjoint.value_and_grad(func)(X4)
    assert type(value) is type(func(X4)) and value == func(X4)
    check_every_mode(func, (X4,))
