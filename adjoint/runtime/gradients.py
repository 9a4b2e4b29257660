"""The function's boundary and Python's operators.

The seed of a scalar output, gradients in the input's type, snapshots of arguments that are
written later, and the adjoints of `**`, `@`, `abs` and transposes.
"""
from __future__ import annotations

import math

import numpy as np

from adjoint.runtime.adjoints import (
    add_at,
    item_adjoint,
    unbroadcast,
    _absolute,
    _float_dtype,
    _is_container,
    _is_zero_d,
    _short_derivative,
)
from adjoint.runtime.containers import _entries, _is_record, _record_like, own_items
from adjoint.runtime.refusals import ComplexValue, NonScalarOutput, Refused


def gradient_like(dx, x):
    """The gradient in x's type: arrays of x's shape and float dtype, floats for numbers."""
    if isinstance(x, np.ndarray):
        if type(dx) is np.ndarray and dx.shape == x.shape and dx.dtype.kind != "c":
            return np.array(dx, dtype=_float_dtype(x.dtype))  # a copy: dx may be shared
        _refuse_complex(dx)
        return np.array(np.broadcast_to(dx, x.shape), dtype=_float_dtype(x.dtype))
    if isinstance(x, (list, tuple)):
        parts = own_items(x)
        if not _is_container(dx):
            dx = [dx] * len(parts)
        elif len(own_items(dx)) != len(parts):
            raise _short_derivative(dx, x)
        items = [None if item is None else gradient_like(d_item, item) for d_item, item in zip(own_items(dx), parts)]
        return items if isinstance(x, list) else _tuple_like(items, x)
    if isinstance(x, dict) or _is_record(x):
        return _record_like(_keyed_gradients(dx, _entries(x)), x)
    _refuse_complex(dx)
    if _is_container(dx):  # the cotangent of a number 0 that stands for a zero record, dict or list
        return dx
    if isinstance(x, (bool, int, float)) and np.ndim(dx) == 0:  # a 0-d array too (np.where gives one)
        return float(dx)
    if isinstance(x, np.generic) and np.ndim(dx) == 0:
        return np.dtype(_float_dtype(x.dtype)).type(dx)
    return dx


def _keyed_gradients(dx, entries: dict) -> dict:
    """The gradients of a dict's or dataclass's entries; an entry that is None gets None (a dict
    of parameters may hold None where a layer has no bias)."""
    if _is_record(dx):  # a called function's gradient of a dataclass
        dx = _entries(dx)
    elif not isinstance(dx, dict):
        dx = {}
    return {key: None if item is None else gradient_like(dx.get(key, 0.0), item) for key, item in entries.items()}


def _tuple_like(items, x):
    """items as a tuple of x's type (a NamedTuple stays one)."""
    return type(x)(*items) if hasattr(x, "_fields") else tuple(items)


def _refuse_complex(dx) -> None:
    if isinstance(dx, (complex, np.complexfloating)) or (isinstance(dx, np.ndarray) and dx.dtype.kind == "c"):
        raise ComplexValue("a gradient is complex")


def snapshot(x, copies=None):
    """A copy of x that later writes into x, or into an array or list it holds, cannot change.
    An object x holds at two places is copied once (`copies`: id -> copy), so the copy holds it
    twice too: the checks that items are apart (items_apart_or_refuse) see what Python sees."""
    copies = {} if copies is None else copies
    if not isinstance(x, (np.ndarray, list)) and type(x) is not tuple:
        return x
    copied = copies.get(id(x))
    if copied is None:
        if isinstance(x, np.ndarray):
            copied = x.copy()
        elif isinstance(x, list):
            copied = [snapshot(item, copies) for item in x]
        else:
            copied = tuple(snapshot(item, copies) for item in x)
        copies[id(x)] = copied
    return copied


class AbsentItem:
    """What saved_item saves for a key the dict lacks: its restore writes it back, then takes the key away."""


def saved_item(container, key):
    """What `container[key] = v` overwrites, saved for the adjoint sweep: a snapshot of the item, or
    AbsentItem where container is a dict without the key (asked with `in`, which adds nothing to a
    defaultdict or a Counter, as reading the item would)."""
    if isinstance(container, dict) and key not in container:
        return AbsentItem
    return snapshot(container[key])


def saved_item_tangent(d_container, container, key):
    """The tangent of saved_item(container, key): the item's, none (0.0) for an absent key."""
    if isinstance(container, dict) and key not in container:
        return 0.0
    return item_adjoint(d_container, key, container)


def saved_item_adjoint(d_container, container, key, g):
    """The adjoint of container in saved_item(container, key), given g, the saved value's: added at
    the item, nowhere for an absent key."""
    if isinstance(container, dict) and key not in container:
        return d_container
    return add_at(d_container, container, key, g)


def drop_if_absent(container, key):
    """After `container[key] = saved` put back what saved_item saved: where that was AbsentItem, the key
    is taken away, leaving the dict's keys, and their order, as they were before the write."""
    if isinstance(container, dict) and container.get(key, None) is AbsentItem:
        del container[key]


def kept_value(x, copies=None):
    """The value a derivative returns, apart from every array and list the adjoint sweep puts
    back in place: snapshot's copy, also through dicts, NamedTuples and dataclasses
    (`return loss, {"predictions": out[:2]}` of an `out` written item by item)."""
    copies = {} if copies is None else copies
    if isinstance(x, dict) or _is_record(x):
        if id(x) not in copies:
            copies[id(x)] = _record_like({k: kept_value(v, copies) for k, v in _entries(x).items()}, x)
        return copies[id(x)]
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return type(x)(*(kept_value(item, copies) for item in x))
    if isinstance(x, (list, tuple)) and any(isinstance(i, (dict, list, tuple)) or _is_record(i) for i in x):
        if id(x) not in copies:
            items = [kept_value(item, copies) for item in x]
            copies[id(x)] = items if isinstance(x, list) else tuple(items)
        return copies[id(x)]
    return snapshot(x, copies)


def unit_seed(value):
    """The seed 1 of a scalar output in its own type; refuses outputs `grad` cannot seed."""
    if isinstance(value, float):
        return 1.0
    if value is None:
        raise NonScalarOutput("the function returned None; it must return a scalar (a float or a size-1 array)")
    if isinstance(value, (list, tuple, dict)) or np.size(value) != 1:
        raise NonScalarOutput(f"the function must return a scalar (a float or a size-1 array), got {_what(value)}; "
                              "use adjoint.vjp or adjoint.jacobian for vector outputs")
    if np.iscomplexobj(value):
        raise ComplexValue("the function returned a complex value")
    return np.ones_like(value, dtype=_float_dtype(np.result_type(value)))


def _what(value) -> str:
    """An output's shape, or its type where it has none (a dict, a tuple of a number and an array)."""
    try:
        return f"shape {np.shape(value)}" if not isinstance(value, dict) else "a dict"
    except ValueError:  # a ragged nesting
        return f"a {type(value).__name__} of {len(value)} items of different shapes"


def sign(x):
    """-1.0, 0.0 or 1.0 (elementwise for arrays): the derivative of abs away from 0.

    A float for numbers, so that `d[result] * sign(x)` stays a float when d[result] folds to 1.
    """
    if isinstance(x, (int, float)):  # np.float64 too: its comparisons give np.bool_, which cannot subtract
        return float(x > 0) - float(x < 0)
    return np.sign(x)


def stop_gradient(x):
    """Identity in the forward pass; its derivative is zero."""
    return x


def pow_exponent_adjoint(g, power, x, exponent):
    """g * d(x ** y)/dy = g * power * log(x) where power = x ** y, taken as 0 where x == 0 (the limit
    of x ** y log x for y > 0). Exactly 0 where g * power is 0, as pow_term is where its factor
    is: an exponent that does not move (a constant 2 passed to a helper's `v ** p`, whose tangent
    in forward over reverse is a zero, or a jvp's zero tangent of y) adds nothing, even where
    x < 0 and log x is NaN. `exponent` (y) does not change the value: the derivative of this in x
    (pow_log_slope) needs it where x == 0."""
    scaled = g * power
    if np.ndim(x) == 0 and not isinstance(x, np.ndarray) and np.ndim(scaled) == 0:
        return 0.0 if x == 0 or scaled == 0 else scaled * (math.log(x) if x > 0 else math.nan)
    with np.errstate(invalid="ignore"):  # where x < 0, log x is NaN: read only where scaled is not 0
        log_x = np.log(np.where(x == 0, 1.0, x))
    return np.where((x == 0) | np.equal(scaled, 0), 0.0, scaled * log_x)


def pow_log_slope(g, power, x, exponent):
    """g * power / x = g * x ** (y - 1) (y the exponent), the derivative of pow_exponent_adjoint in x.
    Where x == 0 it is 0 for y > 1 (the limit of x ** (y - 1) (1 + y log x), the mixed second
    derivative of x ** y, as autograd takes it) and NaN for y <= 1, where that has no finite limit;
    exactly 0 where g is 0, as pow_exponent_adjoint is (not where power is: x ** y is 0 at x == 0)."""
    if np.ndim(x) == 0 and not isinstance(x, np.ndarray) and np.ndim(exponent) == 0 and np.ndim(g) == 0:
        if g == 0:
            return 0.0
        return (0.0 if exponent > 1 else math.nan) if x == 0 else g * power / x
    safe = np.where(x == 0, 1.0, x)
    at_zero = np.where(np.asarray(exponent) > 1, 0.0, np.nan)
    return np.where(np.equal(g, 0), 0.0, np.where(x == 0, at_zero, g * power / safe))


def slope_or_zero(g, value):
    """value, the derivative g * slope of an elementwise function, with 0 where g is 0 and value is
    not finite: np.where(x > 0, np.sqrt(x), 0.0) computes sqrt where x < 0 too, and the branch it
    does not take gets a zero adjoint (or tangent), which times sqrt's NaN slope there is NaN, not
    the 0 the value's derivative is (forward mode already gives 0). A slope that is not finite where
    g is not 0 (sqrt at 0 of a taken branch) stays as it is."""
    return slope_or_zero_like(g, value, value)


def slope_or_zero_like(g, value, t):
    """t with 0 where g is 0 and value or t is not finite: the derivatives of slope_or_zero (for a
    tangent, g is |g| + |dg|: a branch not taken has a zero adjoint that does not move)."""
    if isinstance(value, np.ndarray) or isinstance(g, np.ndarray) or isinstance(t, np.ndarray):
        if _all_finite(value) and (t is value or _all_finite(t)):
            return t
        unreached = np.equal(g, 0) & ~(np.isfinite(value) & np.isfinite(t))
        return np.where(unreached, 0.0, t) if np.any(unreached) else t
    return 0.0 if g == 0 and not (math.isfinite(value) and math.isfinite(t)) else t


def _all_finite(a) -> bool:
    """Whether every entry of a is finite, in one pass that makes no array: a sum of squares is
    finite where every entry is (where it overflows, the caller looks entry by entry)."""
    if isinstance(a, np.ndarray) and a.dtype.kind == "f":
        return math.isfinite(np.vdot(a, a))
    return bool(np.all(np.isfinite(a)))


def dot_adjoint_a(g, a, b):
    """The adjoint of a in a @ b (np.matmul, and np.dot up to 2-d; 0-d operands multiply).

    Stacks of matrices multiply pairwise, and their leading axes broadcast.
    """
    if _vectors_or_matrices(g, a, b):
        if b.ndim == 1:
            return np.multiply.outer(g, b) if a.ndim == 2 else g * b
        return g @ b.T if a.ndim == 2 else b @ g
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return unbroadcast(g * b, a)
    g, _, b = _as_matrices(g, a, b)
    total = np.matmul(g, np.swapaxes(b, -1, -2))
    return unbroadcast(total[..., 0, :] if np.ndim(a) == 1 else total, a)


def dot_adjoint_b(g, a, b):
    """The adjoint of b in a @ b (np.matmul, and np.dot up to 2-d; 0-d operands multiply)."""
    if _vectors_or_matrices(g, a, b):
        if a.ndim == 1:
            return np.multiply.outer(a, g) if b.ndim == 2 else g * a
        return a.T @ g
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return unbroadcast(g * a, b)
    g, a, _ = _as_matrices(g, a, b)
    total = np.matmul(np.swapaxes(a, -1, -2), g)
    return unbroadcast(total[..., 0] if np.ndim(b) == 1 else total, b)


def _vectors_or_matrices(g, a, b) -> bool:
    """a @ b of 1-d or 2-d arrays (no stacks, nothing to broadcast) with an adjoint g of its shape."""
    return (
        type(a) is np.ndarray and type(b) is np.ndarray and type(g) is np.ndarray
        and 0 < a.ndim <= 2 and 0 < b.ndim <= 2 and g.ndim == a.ndim + b.ndim - 2
    )


def _as_matrices(g, a, b):
    """g, a and b of a @ b with the axes np.matmul adds to 1-d operands (and drops from g) put back."""
    if np.ndim(b) == 1:
        g, b = np.expand_dims(g, -1), np.expand_dims(b, -1)
    if np.ndim(a) == 1:
        g, a = np.expand_dims(g, -2), np.expand_dims(a, -2)
    return g, a, b


def broadcast_like(g, target):
    """g broadcast to target's shape (the adjoint of a sum over broadcast axes). An adjoint item
    by item of a list or tuple (unbroadcast passes it through) is passed through too."""
    if isinstance(g, (list, tuple)) and isinstance(target, (list, tuple)) and len(g) == len(target):
        return g
    shape = np.shape(target)
    if np.shape(g) == shape:
        return g
    return np.broadcast_to(g, shape)


def item_adjoint_backward(d_container, container, index, x, g):
    """The adjoint of `container` in item_adjoint(container, index, x), given g = the result's adjoint."""
    if _is_zero_d(x):
        return add_at(d_container, x, index, g)
    if not _is_container(container):
        return d_container
    return add_at(d_container, container, _absolute(index, x) if x is not None else index, g)


def transpose_adjoint(g, axes=None):
    """The adjoint of np.transpose(x, axes): transpose back with the inverse permutation (of the
    axes counted from the front: (-1, 0, 1) is (2, 0, 1))."""
    if axes is None:
        return np.transpose(g)
    return np.transpose(g, np.argsort(np.asarray(axes) % max(np.ndim(g), 1)))


def memory_order(order, x):
    """The order, "C" or "F", in which np.reshape(x, ..., order) and np.ravel(x, order) read x's
    elements: "A" is "F" for an array laid out column first (and not row first), "K" (ravel) the
    order of x's memory, refused where that is neither."""
    if order in ("C", "F", None):
        return order or "C"
    flags = getattr(x, "flags", None)
    column_first = flags is not None and flags.f_contiguous and not flags.c_contiguous
    if order == "A" or (order == "K" and (flags is None or flags.c_contiguous or flags.f_contiguous)):
        return "F" if column_first else "C"
    raise Refused(f"np.ravel in order {order!r} of an array laid out in neither order is not differentiated: "
                  "give order 'C' or 'F'")
