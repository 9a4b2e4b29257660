"""Helpers of the rules of Python's builtins sum and sorted (adjoint/rules/), and the tangents of
sequences and records: dx given the structure and shapes of x.

Each is linear in its first argument (the adjoint or tangent it carries).
"""
from __future__ import annotations

import numpy as np

from adjoint.runtime.adjoints import unbroadcast, zeros_like, _is_container
from adjoint.runtime.containers import _entries, _is_record, own_items
from adjoint.runtime.numpy_rules import _adjoint_dtype
from adjoint.runtime.refusals import Refused, defines_arithmetic


def sum_adjoint(g, x):
    """The adjoint of the items of x in builtin sum(x, start): every item (a number, an array, or
    a row of an array x) gets g, summed over the axes along which it was broadcast. The items of a
    dict are its keys, which carry no derivative: its adjoint is zero."""
    if isinstance(x, dict):
        return 0.0
    if isinstance(x, np.ndarray):
        if len(x) == 0:
            return zeros_like(x)
        share = unbroadcast(g, x[0])
        return np.array(np.broadcast_to(share, x.shape), dtype=_adjoint_dtype(share, x))
    _refuse_concatenation(x)
    return [unbroadcast(g, item) for item in x]


def _refuse_concatenation(x):
    _refuse_own_iteration(x, "sum")
    if any(isinstance(item, (list, tuple)) for item in x):
        raise Refused("the derivative of sum(lists, start), which concatenates lists, is not supported; join them with `+`")
    if any(defines_arithmetic(item, "add") for item in x):
        raise Refused("sum(...) adds objects whose class defines `__add__` in Python, which the derivative does not follow")


def sum_tangent(dx, x, dstart):
    """The tangent of builtin sum(x, start): start's tangent plus the tangent of every item of x
    (none for a dict's, its keys)."""
    if isinstance(x, dict):
        return dstart
    if not isinstance(x, np.ndarray):
        _refuse_concatenation(x)
    return sum(tangent_like(dx, x), dstart)


def _refuse_own_iteration(x, name):
    """Python iterates x with its class's own `__iter__` (a record's generator), the derivative by its items."""
    if defines_arithmetic(x, "iter"):
        raise Refused(f"{name}(...) iterates an object whose class defines `__iter__` in Python, which the derivative "
                      "does not follow; list the values it yields by name")


def _sorted_order(x, reverse):
    """The positions of x's items in the order sorted(x, reverse=reverse) lists them.

    sorted is stable, also with reverse=True: equal items keep their order. Sorting the
    reversed keys stably and reading the result backwards keeps that order too. Items that are
    no numbers (tuples, as of sorted(d.items())) are ordered as sorted orders them.
    """
    _refuse_own_iteration(x, "sorted")
    if not isinstance(x, np.ndarray) and not all(isinstance(item, (int, float, np.number)) for item in x):
        return sorted(range(len(x)), key=x.__getitem__, reverse=reverse)
    keys = np.asarray(x)
    if not reverse:
        return np.argsort(keys, kind="stable")
    backwards = np.argsort(keys[::-1], kind="stable")
    return (len(keys) - 1 - backwards)[::-1]


def sorted_adjoint(g, x, reverse=False):
    """The adjoint of x in sorted(x, reverse=reverse): each item of g goes back to the position
    its item came from (a list for a list or tuple x, an array for an array x). sorted(d) of a
    dict lists its keys, which carry no derivative."""
    if not _is_container(g) or isinstance(x, dict):
        return 0.0
    out = [0.0] * len(x)
    for position, source in enumerate(_sorted_order(x, reverse)):
        out[source] = g[position]
    if isinstance(x, np.ndarray):
        return np.array(out, dtype=_adjoint_dtype(np.asarray(out), x))
    return out


def sorted_tangent(dx, x, reverse=False):
    """The tangent of sorted(x, reverse=reverse): the list of x's tangents in sorted order (zeros
    for a dict's keys)."""
    if isinstance(x, dict):
        return [0.0] * len(x)
    items = tangent_like(dx, x)
    return [items[source] for source in _sorted_order(x, reverse)]


def tangent_like(dx, x):
    """dx with the structure and shapes of x: symbolic zeros (0.0) become zeros, in (nested) lists too, and
    a dataclass's symbolic zero the dict of its fields' zeros (`layer.W @ x` reads a field of the item of
    a list of records that carries no tangent)."""
    if isinstance(x, (list, tuple)):
        items = own_items(dx) if _is_container(dx) else [0.0] * len(own_items(x))
        return [tangent_like(item, part) for item, part in zip(items, own_items(x))]
    if _is_record(x):  # (its shape is no NumPy's, whatever `__array__` or `__len__` its class defines)
        return dx if _is_container(dx) else record_tangent({}, _entries(x))
    if type(x) is float and x == 0.0 and (_is_container(dx) or np.ndim(dx) > 0):
        return dx  # x: an adjoint's symbolic zero (of items or an array, which dx holds)
    return dx if np.shape(dx) == np.shape(x) else np.broadcast_to(dx, np.shape(x))


def record_tangent(d_items, items):
    """The tangent of make_record(items, cls) (the dict or tuple of its fields): each field's tangent
    of the field's shape, zeros for a field that carries none, as a called function reading the
    field computes with it (`layer.W @ x`), where the symbolic zero 0.0 would not do."""
    if isinstance(items, dict):
        entries = d_items if isinstance(d_items, dict) else {}
        return {key: tangent_like(entries.get(key, 0.0), value) for key, value in items.items()}
    return tangent_like(d_items, items)


def record_tangent_adjoint(g, d_items):
    """The adjoint of d_items in record_tangent(d_items, items): each field's adjoint summed back to
    its tangent's shape."""
    if isinstance(d_items, dict):
        entries = g if isinstance(g, dict) else {}
        return {key: unbroadcast(entries.get(key, 0.0), value) for key, value in d_items.items()}
    return g
