"""Items written by key into a dict the function builds (normalize/dict_writes.py), and `.get` of
such a dict: exact in every mode and to second order; a write into a dict that another name may
share stays refused at its line."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode
from soundness import marked_line


def written_then_read(x):
    d = {}
    d["a"] = x * 2
    return d["a"] * x + d.get("b", 0.0)


def accumulated_in_a_loop(x):
    acc = {}
    for k, v in [("a", x), ("b", x * x), ("a", x * 3.0)]:
        acc[k] = acc.get(k, 0.0) + v
    return acc["a"] * acc["b"]


def augmented_and_iterated(x, w):
    d = {"b": w}
    d["a"] = x * w
    d["b"] = d["b"] + x * x
    d["a"] = d["a"] * d["b"]
    total = 0.0
    position = 1.0
    for key in d:
        total = total + position * d[key]
        position = position + 1.0
    return total


def arrays_by_key(x):
    d = {"h": x * 2.0}
    d["h"] = d["h"] * x + 1.0
    d["g"] = d["h"] * d["h"]
    return (d["g"] * x).sum() + len(d)


def written_in_a_branch(x):
    d = {}
    if x > 0.0:
        d["a"] = x * x
    d["b"] = d.get("a", 1.0) * x
    return d["b"] + d.get("a", x)


def keyed_by_a_call(x, names):
    d = {}
    for i in range(3):
        d[len(names[i])] = x * (i + 1.0)
    return d[1] * d[2] + d[3]


def copied_from_a_parameter(x, p):
    d = {"w": p["w"]}
    d["w"] = d["w"] * x
    d["b"] = p["b"] + d["w"]
    return d["w"] * d["b"]


def built(x):
    d = {}
    d["a"] = x
    d["b"] = x * x
    return d


def reads_what_a_callee_built(x):
    d = built(x)
    return d["a"] * d["b"] + d["b"]


def rewritten_while_iterated(x):
    d = {"a": x, "b": 2.0}
    for k in d:
        d[k] = d[k] * x
    for k, v in d.items():
        d[k] = v + x
    return d["a"] * d["b"]


CASES = [
    (rewritten_while_iterated, (0.7,), 0),
    (written_then_read, (1.5,), 0),
    (accumulated_in_a_loop, (1.5,), 0),
    (augmented_and_iterated, (0.7, 1.3), 0),
    (augmented_and_iterated, (0.7, 1.3), 1),
    (arrays_by_key, (np.array([0.3, -0.5, 1.1]),), 0),
    (written_in_a_branch, (0.8,), 0),
    (written_in_a_branch, (-0.8,), 0),
    (keyed_by_a_call, (0.9, ["a", "bb", "ccc"]), 0),
    (copied_from_a_parameter, (0.9, {"w": 1.2, "b": -0.4}), 0),
    (reads_what_a_callee_built, (0.9,), 0),
]


@pytest.mark.parametrize("func, args, wrt", CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_items_written_into_a_built_dict(func, args, wrt):
    peer = func if func is not arrays_by_key else None  # autograd has no len of a dict of boxes' sum
    check_every_mode(func, args, wrt=wrt, peer=peer)


def test_a_parameter_dict_and_its_gradient():
    p = {"w": 1.2, "b": -0.4}
    gradient = adjoint.grad(copied_from_a_parameter, wrt=1)(0.9, p)
    assert p == {"w": 1.2, "b": -0.4}
    assert set(gradient) == {"w", "b"}
    np.testing.assert_allclose([gradient["w"], gradient["b"]], [0.9 * (-0.4 + 2 * 1.2 * 0.9), 1.2 * 0.9])


def aliased(x):
    d = {}
    e = d  # <- aliased
    d["a"] = x
    return e["a"]


def stored(x):
    d = {}
    rows = [d]  # <- stored
    d["a"] = x
    return rows[0]["a"]


def read_by_a_nested_function(x):
    d = {}

    def first():
        return d["a"]  # <- nested
    d["a"] = x
    return first()


def written_parameter(x, d):
    d["a"] = x  # <- parameter
    return d["a"]


def key_added_while_iterated(x):
    d = {"a": x}
    for k in d:
        d["b"] = x  # <- added
    return d["a"]


def get_with_a_call(x):
    d = {"a": x}
    return d.get("a", np.sin(x))  # <- get


def augmented(x):
    d = {"a": x * 1.0}
    d["a"] += x  # <- augmented
    return d["a"]


@pytest.mark.parametrize("func, args, label, match", [
    (key_added_while_iterated, (1.0,), "added", "RuntimeError"),
    (aliased, (1.0,), "aliased", "used here as a value"),
    (stored, (1.0,), "stored", "used here as a value"),
    (read_by_a_nested_function, (1.0,), "nested", "used here as a value"),
    (written_parameter, (1.0, {"a": 0.0}), "parameter", "assigning an item of the dict `d`"),
    (get_with_a_call, (1.0,), "get", "`d.get"),
])
def test_writes_into_a_dict_another_name_may_share_are_refused_at_their_line(func, args, label, match):
    import inspect
    lines, first = inspect.getsourcelines(func)
    line = first + next(i for i, text in enumerate(lines) if f"# <- {label}" in text)
    with pytest.raises(adjoint.UnsupportedSyntaxError, match=match) as caught:
        adjoint.grad(func)(*args)
    assert f"test_dict_writes.py:{line}" in str(caught.value)


def test_an_array_item_updated_in_place_is_refused_at_its_line_when_the_derivative_runs():
    """(A number's `d[k] += v` is differentiated: tests/test_dict_item_updates.py.)"""
    import inspect
    lines, first = inspect.getsourcelines(augmented)
    line = first + next(i for i, text in enumerate(lines) if "# <- augmented" in text)
    with pytest.raises(adjoint.AdjointError, match="changes in place") as caught:
        adjoint.grad(augmented)(np.ones(2))
    assert f"test_dict_writes.py:{line}" in str(caught.value)


def squares_by_position(x):
    d = {i: v ** 2 for i, v in enumerate(x)}
    return d[0] + d[2] * d[1]


def scaled_by_name(x):
    names = ["a", "b", "c"]
    params = {n: x[i] * (i + 1.0) for i, n in enumerate(names) if n != "b"}
    return sum(v ** 2 for v in params.values()) + params["c"]


def waves_by_key(x):
    w = {k: np.sin(v) for k, v in zip(["p", "q"], [x[0], x[1] * x[2]])}
    total = 0.0
    for k, v in w.items():
        total += v * len(k)
    return total + w.get("p", 0.0)


@pytest.mark.parametrize("func", [squares_by_position, scaled_by_name, waves_by_key], ids=lambda f: f.__name__)
def test_dict_comprehensions(func):
    # dict comprehensions were refused: they are built item by item, as the dicts above
    check_every_mode(func, (np.array([0.3, -0.7, 1.1]),))


def passed_on(x):
    return len_of({k: x * k for k in (1.0, 2.0)})


def len_of(d):
    return d[1.0] + d[2.0]


def steps_on_a_dict(p, x):
    for _ in range(2):
        p = {name: p[name] - 0.1 * value for name, value in adjoint.grad(dict_loss)(p, x).items()}
    return dict_loss(p, x)


def dict_loss(p, x):
    return np.sum(p["a"] * x) + np.sum(p["b"] ** 2 * x)


def test_a_dict_comprehension_passed_on_is_differentiated():
    # was refused as a dict written item by item and shared: the comprehension writes all its items
    # before anything reads it, so no other name can see a write
    check_every_mode(passed_on, (0.5,))
    check_every_mode(steps_on_a_dict, ({"a": np.array([0.3, 0.5]), "b": np.array([1.0, -2.0])},
                                        np.array([1.0, 2.0])))


def read_while_built(x):
    d = {k: x * k for k in (1.0, 2.0)}
    d[3.0] = helper_of(d)  # <- read-while-built
    return d[3.0] * d[1.0]


def helper_of(d):
    return d[1.0] + d[2.0]


def test_a_comprehension_dict_written_after_it_is_passed_on_is_refused_at_its_line():
    with pytest.raises(adjoint.UnsupportedSyntaxError, match="used here as a value") as caught:
        adjoint.grad(read_while_built)(0.5)
    assert f"test_dict_writes.py:{marked_line(read_while_built, 'read-while-built')}" in str(caught.value)
