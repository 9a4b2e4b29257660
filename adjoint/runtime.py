"""Helpers that generated derivative code calls. Imports only numpy and math, never adjoint.

An adjoint starts as the float `0.0` (a symbolic zero that broadcasts to any shape); the
helpers below turn it into an array or a list only when an element has to be written.
"""
from __future__ import annotations

import copy
import dataclasses
import math

import numpy as np


def _is_container(x) -> bool:
    return (isinstance(x, (list, tuple, dict)) or (isinstance(x, np.ndarray) and x.ndim > 0)
            or _is_record(x))


# ----- Dicts and dataclasses: their adjoints are dicts keyed like them --------------------------


def _is_record(x) -> bool:
    """A dataclass instance (its adjoint is a dict from field names to the fields' adjoints)."""
    return hasattr(type(x), "__dataclass_fields__") and not isinstance(x, type)


def _record_fields(x) -> list:
    return [f.name for f in dataclasses.fields(x)]


def _entries(x) -> dict:
    """The keyed parts of a dict or dataclass x, as a dict."""
    if isinstance(x, dict):
        return x
    return {name: getattr(x, name) for name in _record_fields(x)}


def _record_like(items: dict, x):
    """x's dataclass (or dict type) holding `items`: a copy of x with its fields replaced."""
    if isinstance(x, dict):
        out = x.copy()
        out.update(items)
        return out
    out = copy.copy(x)
    for name, value in items.items():
        object.__setattr__(out, name, value)  # frozen dataclasses too
    return out


def _is_symbolic_zero(dx, x) -> bool:
    return not _is_container(dx) and _is_container(x)


def zeros_like(x):
    """A zero adjoint with the structure of x: arrays of x's shape, lists of zeros for lists."""
    if isinstance(x, (list, tuple)):
        return [zeros_like(item) for item in x]
    if isinstance(x, dict) or _is_record(x):
        return {key: zeros_like(item) for key, item in _entries(x).items()}
    if isinstance(x, np.ndarray):
        return np.zeros(x.shape, dtype=_float_dtype(x.dtype))
    return 0.0


def _float_dtype(dtype):
    return dtype if dtype.kind in "fc" else np.float64


class Refused(ValueError):
    """A derived function met, at run time, a value adjoint does not differentiate."""


class ContainerArithmeticError(Refused, TypeError):
    """Derivative code that took `+` or `*` for arithmetic met lists or tuples joined or repeated."""


def dict_keys(x) -> list:
    """The keys of dict x, listed once when a loop starts (`for k, v in x.items()` reads x[k])."""
    if not isinstance(x, dict):
        raise Refused(f"`.keys()`, `.values()` or `.items()` of a {type(x).__name__}: adjoint differentiates "
                      "these methods of dicts only")
    return list(x)


class IterationError(Refused):
    """A `for` met a dict where the derivative code reads the sequence by position; `filename`
    and `lineno` say where the loop is."""

    def __init__(self, message, filename, lineno):
        super().__init__(message)
        self.filename = filename
        self.lineno = lineno


def sequence_or_refuse(value, message, filename, lineno):
    """Raise IterationError if `value`, which a loop reads by position, is a dict after all."""
    if isinstance(value, dict):
        raise IterationError(message, filename, lineno)


def _short_derivative(dx, x) -> ContainerArithmeticError:
    return ContainerArithmeticError(
        f"the derivative of a list of {len(x)} items has {len(dx)}: lists were joined by `+` in derivative "
        "code that took them for numbers (code generated without example arguments, or the derivative of "
        "a derivative that saves and restores lists); generate it for example arguments (adjoint.source(f, args=...))")


def unbroadcast(g, x):
    """Sum g over the axes along which x was broadcast, so the result has x's shape."""
    if type(g) is np.ndarray and type(x) is np.ndarray:  # the common cases, without np.shape's dispatch
        if g.shape == x.shape:
            return g
        extra = g.ndim - x.ndim
        if extra > 0 and g.shape[extra:] == x.shape:  # only leading axes were added
            return g.sum(axis=0 if extra == 1 else tuple(range(extra)))
    if isinstance(g, (list, tuple)) and isinstance(x, (list, tuple)) and len(g) != len(x):
        raise ContainerArithmeticError(
            "`+` or `*` joined or repeated lists or tuples that the derivative code took for numbers (code "
            "generated without example arguments, items of a list argument, or the derivative of a derivative "
            "that saves and restores lists): generate it for example arguments (adjoint.source(f, args=...)), "
            "or build the joined list with a loop and `append`"
        )
    if isinstance(g, (list, tuple)) and isinstance(x, (list, tuple)):  # an adjoint item by item: nothing broadcast
        return g
    if isinstance(g, dict) and (isinstance(x, dict) or _is_record(x)):
        return g
    x_shape = np.shape(x)
    g_shape = np.shape(g)
    if g_shape == x_shape:
        return g
    if not x_shape:
        total = np.sum(g)
        if isinstance(total, np.complexfloating):  # float() would drop the imaginary part
            raise ComplexValue("a gradient is complex")
        return float(total) if isinstance(x, (float, int)) else total
    extra = len(g_shape) - len(x_shape)
    if extra > 0:
        g = np.sum(g, axis=tuple(range(extra)))
    axes = tuple(i for i, size in enumerate(x_shape) if size == 1 and np.shape(g)[i] != 1)
    if axes:
        g = np.sum(g, axis=axes, keepdims=True)
    return np.broadcast_to(g, x_shape) if np.shape(g) != x_shape else g


def unreduce(g, x, axis=None, keepdims=False):
    """Broadcast the adjoint of a reduction of x over `axis` back to x's shape."""
    if isinstance(x, (float, int)):
        return float(np.reshape(g, ()))
    if axis is None and type(x) is np.ndarray and isinstance(g, float):
        return np.full(x.shape, g)  # a full reduction: cheaper than broadcast_to, and writeable
    shape = np.shape(x)
    if axis is not None and not keepdims and np.ndim(g) > 0:
        axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
        g = np.expand_dims(g, tuple(a % len(shape) for a in axes))
    return np.broadcast_to(g, shape)


def _absolute(index, x):
    """A negative integer index counted from the end of x as it is now (a dict's key is a key)."""
    if isinstance(index, int) and index < 0 and not isinstance(x, dict):
        return index + len(x)
    return index


def add_at(dx, x, index, value):
    """dx with `value` added at x[index]; dx is not modified (it may be shared)."""
    index = _absolute(index, x)
    if _is_symbolic_zero(dx, x):
        out = zeros_like(x)
    elif isinstance(dx, np.ndarray):
        out = dx.copy()
    else:
        out = dict(dx) if isinstance(dx, dict) else list(dx)
    if isinstance(out, np.ndarray):
        np.add.at(out, index, value)
    elif isinstance(index, slice):
        positions = range(len(x))[index]
        for position, item in zip(positions, value):
            out[position] = add_adjoints(out[position], item)
    else:
        out[index] = add_adjoints(out[index], value)
    return out


def _refuse_list_slice_store(x, index):
    if isinstance(x, list) and isinstance(index, slice):
        raise ListSliceStoreError(
            "assigning to a slice of a list (`xs[i:j] = ...`) is not differentiated: it may change the "
            "list's length; build a new list with `+` and slices instead"
        )


class ListSliceStoreError(Refused, TypeError):
    """`xs[i:j] = v` on a list, met by derivative code generated without argument kinds."""


def zero_at(dx, x, index):
    """dx with the adjoint at x[index] reset to zero (x[index] was overwritten)."""
    _refuse_list_slice_store(x, index)
    index = _absolute(index, x)
    if _is_symbolic_zero(dx, x):
        return dx
    out = dx.copy() if isinstance(dx, np.ndarray) else dict(dx) if isinstance(dx, dict) else list(dx)
    if isinstance(out, np.ndarray):
        out[index] = 0.0
    elif isinstance(index, slice):
        for position in range(len(x))[index]:
            out[position] = 0.0
    else:
        out[index] = 0.0
    return out


def set_at(dx, x, index, value):
    """The tangent of x after `x[index] = v`: dx with value written at index; dx is not modified
    (it may be shared: the tangent of `y = x * 1.0` is dx itself)."""
    _refuse_list_slice_store(x, index)
    index = _absolute(index, x)
    if _is_symbolic_zero(dx, x):
        out = zeros_like(x)
    else:
        out = dx.copy() if isinstance(dx, np.ndarray) else dict(dx) if isinstance(dx, dict) else list(dx)
    out[index] = value
    return out


def append_tangent(dx, x, value):
    """The tangent of list x after `x.append(v)` (x already holds v): position by position; dx
    is not modified (it may be shared)."""
    out = list(dx) if _is_container(dx) else []
    del out[len(x) - 1:]
    out.extend([0.0] * (len(x) - 1 - len(out)))
    out.append(value)
    return out


def pop_adjoint(dx, x, value):
    """The adjoint of list x before `v = x.pop()` (x is still short by v): value at len(x).

    Entries of dx from len(x) on belong to items appended after the pop, whose adjoints were
    already taken: they are dropped, not added to v's.
    """
    position = len(x)
    out = list(dx[:position]) if _is_container(dx) else []
    out.extend([0.0] * (position - len(out)))
    out.append(value)
    return out


def pop_tangent(dx, x):
    """The tangent of `v = x.pop()` (x no longer holds v): the tangent at position len(x)."""
    if not isinstance(dx, list) or len(dx) <= len(x):
        return 0.0
    value = dx[len(x)]
    del dx[len(x):]
    return value


def item_adjoint(dx, index, x=None):
    """The adjoint of x[index] given x's adjoint dx (maybe the symbolic zero); a dataclass's
    tangent (a dataclass, as the caller gave it) is read at the field's name."""
    if not _is_container(dx):
        return 0.0
    if _is_record(dx):
        return getattr(dx, index)
    if isinstance(x, (list, tuple)) and isinstance(dx, (list, tuple)) and len(dx) < len(x):
        raise _short_derivative(dx, x)
    return dx[_absolute(index, x) if x is not None else index]


def written_adjoint(dx, index, x):
    """The adjoint of v in `x[index] = v` given x's adjoint dx: dx[index] where v's item was the
    one NumPy kept, zero where a later item of v wrote the same position (repeated fancy indices)."""
    _refuse_list_slice_store(x, index)
    if not _is_container(dx):
        return 0.0
    if not isinstance(x, np.ndarray) or not _may_repeat(index):
        return dx[_absolute(index, x)]
    return np.where(_kept(x, index), dx[index], 0.0)


def written_adjoint_backward(d_container, container, index, x, g):
    """The adjoint of `container` in written_adjoint(container, index, x), given g = the result's adjoint."""
    if not _is_container(container):
        return d_container
    if isinstance(x, np.ndarray) and _may_repeat(index):
        g = np.where(_kept(x, index), g, 0.0)
    return add_at(d_container, container, _absolute(index, x), g)


def _kept(x, index):
    """For each item of x[index]: whether `x[index] = v` leaves v's item there (NumPy keeps one
    write per position; asking NumPy itself gives its own choice)."""
    shape = np.shape(x[index])
    order = np.arange(int(np.prod(shape))).reshape(shape)
    writers = np.full(np.shape(x), -1, dtype=np.intp)
    writers[index] = order
    return writers[index] == order


def _may_repeat(index) -> bool:
    """Whether an index may name one position twice: integer arrays and lists may, basic indices may not."""
    if isinstance(index, tuple):
        return any(_may_repeat(part) for part in index)
    if isinstance(index, (list, np.ndarray)):
        return np.asarray(index).dtype.kind != "b"
    return False


def scatter_add(x, index, value):
    """`np.add.at(x, index, value)` without changing x: a copy of x with value added at every
    occurrence of a position in index (repeated positions accumulate)."""
    out = x.copy()
    np.add.at(out, index, value)
    return out


# ----- Lists and tuples joined by `+` and repeated by `*` --------------------------------------


def list_concat(x, y):
    """`x + y` of two lists (or two tuples): the rules of this function are those of concatenation."""
    return x + y


def list_repeat(x, y):
    """`x * y` of a list (or tuple) and a count, in either order."""
    return x * y


def _tangent_items(dx, x) -> list:
    """The tangent of list x as a list of its items' tangents (a symbolic zero becomes zeros)."""
    return list(dx) if _is_container(dx) else zeros_like(list(x))


def list_concat_tangent(dx, dy, x, y):
    """The tangent of x + y (lists or tuples) given those of x and y."""
    return _tangent_items(dx, x) + _tangent_items(dy, y)


def list_repeat_tangent(dx, dy, x, y):
    """The tangent of x * y (a list or tuple and a count, in either order)."""
    if isinstance(x, (list, tuple)):
        return _tangent_items(dx, x) * y
    return _tangent_items(dy, y) * x


def list_repeat_adjoint(g, part, other):
    """The adjoint of `part` in part * other or other * part: the adjoints of part's copies summed
    (zero when part is the count)."""
    if not isinstance(part, (list, tuple)) or not _is_container(g) or not part:
        return 0.0
    total = 0.0
    for start in range(0, len(g), len(part)):
        total = add_adjoints(total, list(g[start:start + len(part)]))
    return total


def field_index(x, name):
    """The position of NamedTuple x's field `name` (`p.a` is differentiated as `p[field_index(p, "a")]`);
    for a dataclass, the name itself (its adjoint is a dict of field adjoints)."""
    if _is_record(x) and name in _record_fields(x):
        return name
    fields = getattr(type(x), "_fields", ())
    if name not in fields:
        raise Refused(f"`{name}` is not a field of the {type(x).__name__} (its fields are {fields}); adjoint "
                      "differentiates the fields of NamedTuples and dataclasses, not properties, methods or "
                      "attributes of other objects")
    return fields.index(name)


def add_adjoints(a, b):
    """a + b for adjoints that may be lists or dicts (of adjoints) or symbolic zeros."""
    if isinstance(a, dict) or isinstance(b, dict):
        return _add_keyed(a, b)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return [add_adjoints(x, y) for x, y in zip(a, b)]
    if isinstance(a, (list, tuple)):
        return a if _is_zero_scalar(b) else [add_adjoints(x, y) for x, y in zip(a, b)]
    if isinstance(b, (list, tuple)):
        return b if _is_zero_scalar(a) else [add_adjoints(x, y) for x, y in zip(a, b)]
    return a + b


def _add_keyed(a, b):
    """a + b where one of them is a dict of adjoints and the other a dict or a symbolic zero."""
    if not isinstance(a, dict):
        return b if _is_zero_scalar(a) else {key: add_adjoints(a, item) for key, item in b.items()}
    if not isinstance(b, dict):
        return a if _is_zero_scalar(b) else {key: add_adjoints(item, b) for key, item in a.items()}
    out = dict(a)
    for key, item in b.items():
        out[key] = add_adjoints(out[key], item) if key in out else item
    return out


def reached(g, x):
    """Whether g, the adjoint of x, holds a value: False for the symbolic zero `0.0` of an array.

    Rules that need an array (`A @ P`, reshapes, solves) run only on reached adjoints; a
    zero adjoint contributes nothing to any rule (all are linear in it). The adjoint of a
    number is always reached: a zero there may be a value whose derivative matters (when
    the derivative code is differentiated again).
    """
    return not (type(g) is float and g == 0.0 and _is_container(x))


def _is_zero_scalar(value) -> bool:
    return not _is_container(value) and value == 0


def gradient_like(dx, x):
    """The gradient in x's type: arrays of x's shape and float dtype, floats for numbers."""
    if isinstance(x, np.ndarray):
        if type(dx) is np.ndarray and dx.shape == x.shape and dx.dtype.kind != "c":
            return np.array(dx, dtype=_float_dtype(x.dtype))  # a copy: dx may be shared
        _refuse_complex(dx)
        return np.array(np.broadcast_to(dx, x.shape), dtype=_float_dtype(x.dtype))
    if isinstance(x, (list, tuple)):
        if not _is_container(dx):
            items = [gradient_like(dx, item) for item in x]
        else:
            if len(dx) != len(x):
                raise _short_derivative(dx, x)
            items = [gradient_like(d_item, item) for d_item, item in zip(dx, x)]
        return items if isinstance(x, list) else _tuple_like(items, x)
    if isinstance(x, dict) or _is_record(x):
        return _record_like(_keyed_gradients(dx, _entries(x)), x)
    if x is None:
        return None
    _refuse_complex(dx)
    if isinstance(x, (bool, int, float)) and not isinstance(dx, np.ndarray):
        return float(dx)
    if isinstance(x, np.generic) and np.ndim(dx) == 0:
        return np.dtype(_float_dtype(x.dtype)).type(dx)
    return dx


def _keyed_gradients(dx, entries: dict) -> dict:
    if not isinstance(dx, dict):
        return {key: gradient_like(dx, item) for key, item in entries.items()}
    return {key: gradient_like(dx.get(key, 0.0), item) for key, item in entries.items()}


def _tuple_like(items, x):
    """items as a tuple of x's type (a NamedTuple stays one)."""
    return type(x)(*items) if hasattr(x, "_fields") else tuple(items)


def _refuse_complex(dx) -> None:
    if isinstance(dx, (complex, np.complexfloating)) or (isinstance(dx, np.ndarray) and dx.dtype.kind == "c"):
        raise ComplexValue("a gradient is complex")


def snapshot(x):
    """A copy of x that later writes into x, or into an array or list it holds, cannot change."""
    if isinstance(x, np.ndarray):
        return x.copy()
    if isinstance(x, list):
        return [snapshot(item) for item in x]
    if type(x) is tuple:
        return tuple(snapshot(item) for item in x)
    return x


class InPlaceChangeError(Refused):
    """`c += v` changes in place an array or list that another name, or the caller, also refers to:
    the derivative does not follow that change. `filename` and `lineno` say where c += v is."""

    def __init__(self, message, filename, lineno):
        super().__init__(message)
        self.filename = filename
        self.lineno = lineno


def number_or_refuse(value, message, filename, lineno):
    """Raise InPlaceChangeError unless `value` is immutable (then `c += v` only rebinds c)."""
    if isinstance(value, (np.ndarray, list, dict, set, bytearray)):
        raise InPlaceChangeError(message, filename, lineno)


class NonScalarOutput(ValueError):
    """A function differentiated with `grad` returned more than one number."""


class ComplexValue(Refused):
    """A complex value reached a derivative (adjoint differentiates real values only)."""

    def __init__(self, what: str):
        super().__init__(f"{what}: a complex value appeared at run time (a negative float raised to a fractional "
                         "power is complex in Python); adjoint differentiates real values only")


def unit_seed(value):
    """The seed 1 of a scalar output in its own type; refuses outputs `grad` cannot seed."""
    if isinstance(value, float):
        return 1.0
    if value is None:
        raise NonScalarOutput("the function returned None; it must return a scalar (a float or a size-1 array)")
    if isinstance(value, (list, tuple)) or np.size(value) != 1:
        raise NonScalarOutput(
            f"the function must return a scalar (a float or a size-1 array), got shape {np.shape(value)}; "
            "use adjoint.vjp or adjoint.jacobian for vector outputs"
        )
    if np.iscomplexobj(value):
        raise ComplexValue("the function returned a complex value")
    return np.ones_like(value, dtype=_float_dtype(np.result_type(value)))


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


def pow_exponent_adjoint(g, power, x):
    """g * d(x ** y)/dy = g * power * log(x) where power = x ** y, taken as 0 where x == 0."""
    if np.ndim(x) == 0 and not isinstance(x, np.ndarray):
        return 0.0 if x == 0 else g * power * (math.log(x) if x > 0 else math.nan)
    safe = np.where(x == 0, 1.0, x)
    return np.where(x == 0, 0.0, g * power * np.log(safe))


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


def np_dot_adjoint_a(g, a, b):
    """The adjoint of a in np.dot(a, b): a @ b's while b has at most 2 dimensions, else a tensordot's."""
    if np.ndim(a) == 0 or np.ndim(b) <= 2:
        return dot_adjoint_a(g, a, b)
    return tensordot_adjoint_a(g, a, b, ([np.ndim(a) - 1], [np.ndim(b) - 2]))


def np_dot_adjoint_b(g, a, b):
    """The adjoint of b in np.dot(a, b): a @ b's while b has at most 2 dimensions, else a tensordot's."""
    if np.ndim(a) == 0 or np.ndim(b) <= 2:
        return dot_adjoint_b(g, a, b)
    return tensordot_adjoint_b(g, a, b, ([np.ndim(a) - 1], [np.ndim(b) - 2]))


def broadcast_like(g, target):
    """g broadcast to target's shape (the adjoint of a sum over broadcast axes)."""
    shape = np.shape(target)
    if np.shape(g) == shape:
        return g
    return np.broadcast_to(g, shape)


def item_adjoint_backward(d_container, container, index, x, g):
    """The adjoint of `container` in item_adjoint(container, index, x), given g = the result's adjoint."""
    if not _is_container(container):
        return d_container
    return add_at(d_container, container, _absolute(index, x) if x is not None else index, g)


def transpose_adjoint(g, axes=None):
    """The adjoint of np.transpose(x, axes): transpose back with the inverse permutation."""
    if axes is None:
        return np.transpose(g)
    return np.transpose(g, np.argsort(axes))


# ----- Helpers of the NumPy rules ----------------------------------------------------------
# Each is linear in its first argument (the adjoint or tangent it carries) unless it says so.


def _tensordot_axes(axes, a_ndim, b_ndim):
    """np.tensordot's `axes` as two lists of non-negative axes (contracted pairs, in order)."""
    if np.ndim(axes) == 0:
        return list(range(a_ndim - axes, a_ndim)), list(range(axes))
    a_axes, b_axes = axes
    a_axes = [a_axes] if np.ndim(a_axes) == 0 else list(a_axes)
    b_axes = [b_axes] if np.ndim(b_axes) == 0 else list(b_axes)
    return [i % a_ndim for i in a_axes], [i % b_ndim for i in b_axes]


def tensordot_adjoint_a(g, a, b, axes=2):
    """The adjoint of a in np.tensordot(a, b, axes): contract g with b's free axes, then reorder."""
    a_ndim, b_ndim = np.ndim(a), np.ndim(b)
    a_axes, b_axes = _tensordot_axes(axes, a_ndim, b_ndim)
    a_free = [i for i in range(a_ndim) if i not in a_axes]
    b_free = [i for i in range(b_ndim) if i not in b_axes]
    total = np.tensordot(g, b, axes=(list(range(len(a_free), np.ndim(g))), b_free))
    contracted = sorted(b_axes)
    order = [a_free.index(i) if i in a_free else len(a_free) + contracted.index(b_axes[a_axes.index(i)])
             for i in range(a_ndim)]
    return np.transpose(total, order)


def tensordot_adjoint_b(g, a, b, axes=2):
    """The adjoint of b in np.tensordot(a, b, axes): contract a's free axes with g, then reorder."""
    a_ndim, b_ndim = np.ndim(a), np.ndim(b)
    a_axes, b_axes = _tensordot_axes(axes, a_ndim, b_ndim)
    a_free = [i for i in range(a_ndim) if i not in a_axes]
    b_free = [i for i in range(b_ndim) if i not in b_axes]
    total = np.tensordot(a, g, axes=(a_free, list(range(len(a_free)))))
    contracted = sorted(a_axes)
    order = [len(a_axes) + b_free.index(i) if i in b_free else contracted.index(a_axes[b_axes.index(i)])
             for i in range(b_ndim)]
    return np.transpose(total, order)


def inner_axes(a, b):
    """np.inner(a, b) is np.tensordot(a, b, inner_axes(a, b)) (0-d operands multiply)."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return 0
    return [np.ndim(a) - 1], [np.ndim(b) - 1]


def _einsum_parts(subscripts, operands):
    """Input and output subscripts of an einsum, made explicit: `...` becomes letters of its own
    (right-aligned, as its axes broadcast), an implicit output is written out."""
    subscripts = subscripts.replace(" ", "")
    inputs, arrow, output = subscripts.partition("->")
    inputs = inputs.split(",")
    if len(inputs) != len(operands):
        raise ValueError(f"np.einsum subscripts {subscripts!r} name {len(inputs)} operands, got {len(operands)}")
    spread = ""
    if "..." in subscripts:
        free = [c for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in subscripts]
        widths = [np.ndim(x) - len(spec) + 3 if "..." in spec else 0 for spec, x in zip(inputs, operands)]
        spread = "".join(free[:max(widths)])
        inputs = [spec.replace("...", spread[len(spread) - width:]) for spec, width in zip(inputs, widths)]
        output = output.replace("...", spread)
    if not arrow:
        letters = "".join(inputs)
        output = spread + "".join(sorted(c for c in set(letters) if letters.count(c) == 1 and c not in spread))
    return inputs, output


def einsum_adjoint(g, subscripts, position, *operands):
    """The adjoint of operand `position` of np.einsum(subscripts, *operands) (None operands ignored).

    g is contracted with the other operands onto the operand's distinct letters; letters that
    appear only in that operand were summed, so the result is broadcast along them, and axes
    the operand broadcast (size 1 against a longer one) are summed back. A letter repeated in
    the operand (`ii`, a diagonal) receives the result on that diagonal, zeros elsewhere.
    """
    operands = [x for x in operands if x is not None]
    inputs, output = _einsum_parts(subscripts, operands)
    target = inputs[position]
    letters = "".join(dict.fromkeys(target))
    others = [(spec, x) for k, (spec, x) in enumerate(zip(inputs, operands)) if k != position]
    known = set(output).union(*[spec for spec, _ in others])
    kept = "".join(c for c in letters if c in known)
    specs = ",".join([output] + [spec for spec, _ in others])
    total = np.einsum(f"{specs}->{kept}", g, *[x for _, x in others])
    shape = np.shape(operands[position])
    sizes = [shape[target.index(c)] for c in letters]
    total = np.expand_dims(total, tuple(i for i, c in enumerate(letters) if c not in known))
    broadcast = tuple(i for i, size in enumerate(sizes) if size == 1 and np.shape(total)[i] != 1)
    if broadcast:
        total = np.sum(total, axis=broadcast, keepdims=True)
    total = np.broadcast_to(total, sizes)
    if letters == target:
        return total
    out = np.zeros(shape, dtype=np.result_type(total, float))
    np.einsum(f"{target}->{letters}", out)[...] = total  # a writeable view of the diagonal
    return out


def einsum_tangent(subscripts, tangents, operands):
    """The tangent of np.einsum(subscripts, *operands): one term per operand with a tangent.

    Not linear in its first argument: `tangents` lists one tangent per operand (0.0 for none).
    """
    operands = [x for x in operands if x is not None]
    total = 0.0
    for position, tangent in enumerate(tangents[:len(operands)]):
        if _is_zero_scalar(tangent) and _is_container(operands[position]):
            continue
        varied = list(operands)
        varied[position] = tangent
        total = total + np.einsum(subscripts, *varied)
    return total


def trace_adjoint(g, x, offset=0):
    """The adjoint of np.trace(x, offset): g placed on that diagonal of x's first two axes."""
    shape = np.shape(x)
    eye = np.eye(shape[0], shape[1], k=offset, dtype=_adjoint_dtype(g, x))
    return np.multiply.outer(eye, g)


def diagonal_adjoint(g, x, offset=0, axis1=0, axis2=1):
    """The adjoint of np.diagonal(x, offset, axis1, axis2): zeros with g written on the diagonal."""
    shape = np.shape(x)
    moved = np.moveaxis(np.zeros(shape, dtype=_adjoint_dtype(g, x)), (axis1, axis2), (-2, -1))
    count = np.shape(g)[-1] if np.ndim(g) else 0
    steps = np.arange(count)
    moved[..., steps + max(-offset, 0), steps + max(offset, 0)] = g
    return np.moveaxis(moved, (-2, -1), (axis1, axis2))


def diag_adjoint(g, x, k=0):
    """The adjoint of np.diag(x, k): the diagonal of g for a vector x, g on the diagonal for a matrix."""
    if np.ndim(x) == 1:
        return np.diagonal(g, k)
    return diagonal_adjoint(g, x, k)


def extremum_adjoint(g, result, x, axis=None, keepdims=False):
    """The adjoint of np.max or np.min: g shared equally by the elements that attain the extremum."""
    mask = x == unreduce(result, x, axis, keepdims)
    count = np.sum(mask, axis=axis, keepdims=True, dtype=_adjoint_dtype(g, x))
    return mask * unreduce(g, x, axis, keepdims) / count


def extremum_tangent(dx, result, x, axis=None, keepdims=False):
    """The tangent of np.max or np.min: the mean tangent of the elements that attain the extremum."""
    mask = x == unreduce(result, x, axis, keepdims)
    count = np.sum(mask, axis=axis, keepdims=keepdims, dtype=_adjoint_dtype(dx, x))
    return np.sum(dx * mask, axis=axis, keepdims=keepdims) / count


def _reduced_count(x, axis):
    """How many elements a reduction of x over axis combines into each output."""
    if axis is None:
        return np.size(x)
    axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    return int(np.prod([np.shape(x)[a] for a in axes]))


def _adjoint_dtype(g, x):
    """The float dtype of an adjoint built from g for x."""
    return _float_dtype(np.result_type(g, x))


def var_adjoint(g, x, axis=None, ddof=0, keepdims=False):
    """The adjoint of np.var(x, axis, ddof=ddof): g * 2 (x - mean) / (n - ddof)."""
    count = _reduced_count(x, axis)
    centered = x - np.mean(x, axis=axis, keepdims=True)
    return unreduce(g, x, axis, keepdims) * centered * (2.0 / (count - ddof))


def var_tangent(dx, x, axis=None, ddof=0, keepdims=False):
    """The tangent of np.var(x, axis, ddof=ddof): the sum of 2 (x - mean) dx / (n - ddof)."""
    count = _reduced_count(x, axis)
    centered = x - np.mean(x, axis=axis, keepdims=True)
    return np.sum(centered * dx, axis=axis, keepdims=keepdims) * (2.0 / (count - ddof))


def cumsum_adjoint(g, x, axis=None):
    """The adjoint of np.cumsum(x, axis): the cumulative sum of g taken from the end."""
    if axis is None:
        return reshape_like(np.flip(np.cumsum(np.flip(np.ravel(g)))), x)
    return np.flip(np.cumsum(np.flip(g, axis), axis), axis)


def sort_adjoint(g, x, axis=-1):
    """The adjoint of np.sort(x, axis): g sent back to the positions the elements came from."""
    if axis is None:
        return np.reshape(sort_adjoint(g, np.ravel(x), 0), np.shape(x))
    order = np.argsort(x, axis=axis, kind="stable")
    out = np.zeros(np.shape(x), dtype=_adjoint_dtype(g, x))
    np.put_along_axis(out, order, g, axis=axis)
    return out


def sort_tangent(dx, x, axis=-1):
    """The tangent of np.sort(x, axis): dx in the sorted order of x."""
    if axis is None:
        return sort_tangent(np.ravel(dx), np.ravel(x), 0)
    return np.take_along_axis(dx, np.argsort(x, axis=axis, kind="stable"), axis=axis)


def sum_adjoint(g, x):
    """The adjoint of the items of x in builtin sum(x, start): every item (a number, an array, or
    a row of an array x) gets g, summed over the axes along which it was broadcast."""
    if isinstance(x, np.ndarray):
        if len(x) == 0:
            return zeros_like(x)
        share = unbroadcast(g, x[0])
        return np.array(np.broadcast_to(share, x.shape), dtype=_adjoint_dtype(share, x))
    _refuse_concatenation(x)
    return [unbroadcast(g, item) for item in x]


def _refuse_concatenation(x):
    if any(isinstance(item, (list, tuple)) for item in x):
        raise Refused("the derivative of sum(lists, start), which concatenates lists, is not supported; join them with `+`")


def sum_tangent(dx, x, dstart):
    """The tangent of builtin sum(x, start): start's tangent plus the tangent of every item of x."""
    if not isinstance(x, np.ndarray):
        _refuse_concatenation(x)
    return sum(tangent_like(dx, x), dstart)


def _sorted_order(x, reverse):
    """The positions of x's items in the order sorted(x, reverse=reverse) lists them.

    sorted is stable, also with reverse=True: equal items keep their order. Sorting the
    reversed keys stably and reading the result backwards keeps that order too.
    """
    keys = np.asarray(x)
    if not reverse:
        return np.argsort(keys, kind="stable")
    backwards = np.argsort(keys[::-1], kind="stable")
    return (len(keys) - 1 - backwards)[::-1]


def sorted_adjoint(g, x, reverse=False):
    """The adjoint of x in sorted(x, reverse=reverse): each item of g goes back to the position
    its item came from (a list for a list or tuple x, an array for an array x)."""
    if not _is_container(g):
        return 0.0
    out = [0.0] * len(x)
    for position, source in enumerate(_sorted_order(x, reverse)):
        out[source] = g[position]
    if isinstance(x, np.ndarray):
        return np.array(out, dtype=_adjoint_dtype(np.asarray(out), x))
    return out


def sorted_tangent(dx, x, reverse=False):
    """The tangent of sorted(x, reverse=reverse): the list of x's tangents in sorted order."""
    items = tangent_like(dx, x)
    return [items[source] for source in _sorted_order(x, reverse)]


def clip_mask(x, low, high):
    """1.0 where low <= x <= high (None means no bound), else 0.0: where np.clip passes x through."""
    mask = np.ones(np.shape(x))
    if low is not None:
        mask = mask * (x >= low)
    if high is not None:
        mask = mask * (x <= high)
    return mask


def sinc_slope(x):
    """d/dx np.sinc(x) = (cos(pi x) - sinc(x)) / x, and 0 at x = 0. Not linear: a factor."""
    safe = np.where(x == 0, 1.0, x)
    return np.where(x == 0, 0.0, (np.cos(np.pi * x) - np.sinc(x)) / safe)


def float_cast(g, dtype, like):
    """g as like's float dtype when `dtype` is a float type, else 0.0 (an integer cast has no derivative)."""
    if not np.issubdtype(np.dtype(dtype), np.inexact):
        return 0.0
    return np.asarray(g, dtype=_float_dtype(np.result_type(like)))


def astype(x, dtype, copy=True):
    """x.astype(dtype, copy=copy): the function array `.astype` calls are rewritten to."""
    return np.asarray(x).astype(dtype, copy=copy)


def _pieces(g, shapes, axis):
    """g split along axis into pieces of the given shapes' sizes."""
    sizes = [shape[axis] for shape in shapes]
    return np.split(g, np.cumsum(sizes)[:-1], axis=axis)


def concatenate_adjoint(g, xs, axis=0):
    """The adjoint of each array in np.concatenate(xs, axis): the slices of g they became."""
    if axis is None:
        return [np.reshape(p, np.shape(x)) for p, x in zip(_pieces(g, [(np.size(x),) for x in xs], 0), xs)]
    return _pieces(g, [np.shape(x) for x in xs], axis)


def stack_adjoint(g, xs, axis=0):
    """The adjoint of each array in np.stack(xs, axis): g indexed along the new axis."""
    return [np.reshape(p, np.shape(x)) for p, x in zip(np.moveaxis(g, axis, 0), xs)]


def joined_adjoint(g, xs, promote, axis):
    """The adjoint of vstack/hstack/dstack/column_stack: each x was `promote(x)` joined along axis."""
    promoted = [promote(x) for x in xs]
    return [np.reshape(p, np.shape(x)) for p, x in zip(_pieces(g, [np.shape(p) for p in promoted], axis), xs)]


def column(x):
    """x as np.column_stack uses it: a vector becomes a column."""
    return np.reshape(x, (-1, 1)) if np.ndim(x) < 2 else x


def split_adjoint(g, pieces, axis=0):
    """The adjoint of x in `pieces = np.split(x, ..., axis)`: the pieces' adjoints joined again."""
    if not _is_container(g):
        g = [0.0] * len(pieces)
    parts = [np.broadcast_to(item, np.shape(piece)) for item, piece in zip(g, pieces)]
    return np.concatenate(parts, axis=axis)


def tile_adjoint(g, x, reps):
    """The adjoint of np.tile(x, reps): g summed over the copies."""
    shape = np.shape(x)
    reps = (reps,) if np.ndim(reps) == 0 else tuple(reps)
    ndim = max(len(shape), len(reps))
    shape_full = (1,) * (ndim - len(shape)) + shape
    reps_full = (1,) * (ndim - len(reps)) + reps
    split = [size for pair in zip(reps_full, shape_full) for size in pair]
    total = np.sum(np.reshape(g, split), axis=tuple(range(0, 2 * ndim, 2)))
    return np.reshape(total, shape)


def repeat_adjoint(g, x, repeats, axis=None):
    """The adjoint of np.repeat(x, repeats, axis): g summed over the copies of each element."""
    if axis is None:
        return reshape_like(repeat_adjoint(g, np.ravel(x), repeats, 0), x)
    moved = np.moveaxis(np.zeros(np.shape(x), dtype=_adjoint_dtype(g, x)), axis, 0)
    owners = np.repeat(np.arange(np.shape(moved)[0]), repeats)
    np.add.at(moved, owners, np.moveaxis(g, axis, 0))
    return np.moveaxis(moved, 0, axis)


def take_adjoint(g, x, indices, axis=None):
    """The adjoint of np.take(x, indices, axis): g added back at the taken positions."""
    out = np.zeros(np.size(x) if axis is None else np.shape(x), dtype=_adjoint_dtype(g, x))
    where = indices if axis is None else (slice(None),) * (axis % np.ndim(x)) + (indices,)
    np.add.at(out, where, g)
    return np.reshape(out, np.shape(x))


def _solve_operands(g, b):
    """g with a trailing axis when np.linalg.solve's b is a vector, so the matrix formulas apply."""
    return np.expand_dims(g, -1) if np.ndim(b) == 1 else g


def solve_adjoint_b(g, a, b):
    """The adjoint of b in np.linalg.solve(a, b): solve(a^T, g)."""
    adjoint = np.linalg.solve(np.swapaxes(a, -1, -2), _solve_operands(g, b))
    return unbroadcast(adjoint[..., 0] if np.ndim(b) == 1 else adjoint, b)


def solve_adjoint_a(g, a, b, result):
    """The adjoint of a in x = np.linalg.solve(a, b): -solve(a^T, g) x^T."""
    adjoint = np.linalg.solve(np.swapaxes(a, -1, -2), _solve_operands(g, b))
    return unbroadcast(-np.matmul(adjoint, np.swapaxes(_solve_operands(result, b), -1, -2)), a)


def solve_tangent(da, db, a, b, result):
    """The tangent of x = np.linalg.solve(a, b): solve(a, db - da x). Linear in (da, db) together."""
    solution = _solve_operands(result, b)
    rhs = _solve_operands(db, b)
    if not _is_zero_scalar(da):
        rhs = rhs - np.matmul(da, solution)
    tangent = np.linalg.solve(a, np.broadcast_to(rhs, np.shape(solution)))
    return tangent[..., 0] if np.ndim(b) == 1 else tangent


def _lower_half(x):
    """The lower triangle of x with its diagonal halved (Murray's Phi)."""
    return np.tril(x) - 0.5 * np.eye(np.shape(x)[-1]) * x


def cholesky_adjoint(g, low):
    """The adjoint of A in L = np.linalg.cholesky(A), symmetrized (Murray 2016, arXiv:1602.07527)."""
    phi = _lower_half(np.matmul(np.swapaxes(low, -1, -2), g))
    inverse = np.linalg.inv(low)
    inner = np.matmul(np.swapaxes(inverse, -1, -2), np.matmul(phi, inverse))
    return 0.5 * (inner + np.swapaxes(inner, -1, -2))


def cholesky_tangent(da, low):
    """The tangent of L = np.linalg.cholesky(A): L Phi(L^-1 dA L^-T)."""
    inverse = np.linalg.inv(low)
    return np.matmul(low, _lower_half(np.matmul(inverse, np.matmul(da, np.swapaxes(inverse, -1, -2)))))


def _norm_kind(x, ord, axis):
    """("vector", axes) or ("matrix", axes) as np.linalg.norm decides for these arguments."""
    ndim = np.ndim(x)
    if axis is None:
        if ord is None or ndim == 1:
            return "vector", tuple(range(ndim))
        return "matrix", (0, 1)
    axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    return ("vector" if len(axes) == 1 else "matrix"), tuple(a % max(ndim, 1) for a in axes)


def _norm_slope(result, x, ord, axis):
    """d norm / d x for the norms with a derivative: 2-, p- and max-norms of vectors, Frobenius,
    nuclear and spectral norms of matrices."""
    kind, axes = _norm_kind(x, ord, axis)
    r = np.expand_dims(result, axes) if np.ndim(result) else result
    if kind == "vector" and ord in (None, 2) or kind == "matrix" and ord in (None, "fro"):
        return x / r
    if kind == "vector" and ord in (np.inf, -np.inf):
        mask = np.abs(x) == r
        return mask * np.sign(x) / np.sum(mask, axis=axes, keepdims=True)
    if kind == "vector" and np.ndim(ord) == 0 and ord not in (0,) and not isinstance(ord, str):
        return np.sign(x) * np.abs(x) ** (ord - 1) / r ** (ord - 1)
    if kind == "vector" and ord == 0:
        return np.zeros(np.shape(x))  # a count of the non-zero entries: constant almost everywhere
    if kind == "matrix" and ord in (1, -1, np.inf, -np.inf):
        return _induced_norm_slope(x, ord, axes)
    if kind == "matrix" and ord in ("nuc", 2, -2):
        moved = np.moveaxis(x, axes, (-2, -1))
        u, s, vt = np.linalg.svd(moved, full_matrices=False)
        if ord != "nuc":
            pick = 0 if ord == 2 else -1
            u, vt = u[..., :, pick:pick + 1 or None], vt[..., pick:pick + 1 or None, :]
        return np.moveaxis(np.matmul(u, vt), (-2, -1), axes)
    raise NotImplementedError(f"the derivative of np.linalg.norm with ord={ord!r} is not supported")


def _induced_norm_slope(x, ord, axes):
    """The slope of the largest (ord 1, inf) or smallest (-1, -inf) absolute column (ord +-1) or
    row (+-inf) sum: the signs of x on that column or row, shared evenly between tied ones."""
    moved = np.moveaxis(x, axes, (-2, -1))
    summed, across = (-2, -1) if ord in (1, -1) else (-1, -2)
    sums = np.sum(np.abs(moved), axis=summed, keepdims=True)
    chosen = sums == (np.max if ord > 0 else np.min)(sums, axis=across, keepdims=True)
    slope = np.sign(moved) * chosen / np.sum(chosen, axis=across, keepdims=True)
    return np.moveaxis(slope, (-2, -1), axes)


def norm_adjoint(g, result, x, ord=None, axis=None, keepdims=False):
    """The adjoint of np.linalg.norm(x, ord, axis, keepdims)."""
    kind, axes = _norm_kind(x, ord, axis)
    reduced = np.squeeze(result, axes) if keepdims and np.ndim(result) else result
    spread = np.expand_dims(g, axes) if not keepdims and np.ndim(result) else g
    return spread * _norm_slope(reduced, x, ord, axis)


def norm_tangent(dx, result, x, ord=None, axis=None, keepdims=False):
    """The tangent of np.linalg.norm(x, ord, axis, keepdims)."""
    kind, axes = _norm_kind(x, ord, axis)
    slope = _norm_slope(np.squeeze(result, axes) if keepdims and np.ndim(result) else result, x, ord, axis)
    return np.sum(slope * dx, axis=axes, keepdims=keepdims)


def tangent_like(dx, x):
    """dx with the structure and shapes of x: symbolic zeros (0.0) become zeros, in (nested) lists too."""
    if isinstance(x, (list, tuple)):
        items = dx if _is_container(dx) else [0.0] * len(x)
        return [tangent_like(item, part) for item, part in zip(items, x)]
    return dx if np.shape(dx) == np.shape(x) else np.broadcast_to(dx, np.shape(x))


def kron_adjoint(g, a, b, position):
    """The adjoint of operand `position` (0 for a, 1 for b) of np.kron(a, b): g seen as blocks
    result[(i, k), (j, l)] = a[i, j] b[k, l], contracted with the other operand."""
    ndim = max(np.ndim(a), np.ndim(b))
    a_shape = (1,) * (ndim - np.ndim(a)) + np.shape(a)
    b_shape = (1,) * (ndim - np.ndim(b)) + np.shape(b)
    blocks = np.reshape(g, [size for pair in zip(a_shape, b_shape) for size in pair])
    other, shape = (np.reshape(b, b_shape), np.shape(a)) if position == 0 else (np.reshape(a, a_shape), np.shape(b))
    contracted = list(range(1 - position, 2 * ndim, 2))
    return np.reshape(np.tensordot(blocks, other, axes=(contracted, list(range(ndim)))), shape)


def diff_adjoint(g, n=1, axis=-1):
    """The adjoint of np.diff(x, n, axis): n times, minus the difference of g padded with a zero each side."""
    for _ in range(n):
        g = -np.diff(g, 1, axis, prepend=0.0, append=0.0)
    return g


def reshape_like(g, x):
    """g in x's shape (the adjoint of a reshape of x); a float when x is a Python number."""
    if isinstance(x, (float, int)):
        return float(np.reshape(g, ()))
    return np.reshape(g, np.shape(x))


# ----- Helpers of the second-order rules (adjoint/rules/runtime_helpers.py) ---------------------
# Derivatives of the helpers above, where a rule would need more than a few lines.


def sinc_derivative(x, order):
    """The order-th derivative of np.sinc (order >= 1): from x sinc(x) = sin(pi x) / pi differentiated
    n times, x s_n + n s_(n-1) = pi^(n-1) sin(pi x + n pi / 2); its Taylor series where |x| < 1/4."""
    near = np.abs(x) < 0.25
    safe = np.where(near, 1.0, x)
    value = np.sinc(safe)
    for n in range(1, order + 1):
        value = (np.pi ** (n - 1) * np.sin(np.pi * safe + n * np.pi / 2) - n * value) / safe
    series = 0.0
    for k in range((order + 1) // 2, (order + 1) // 2 + 12):
        series = series + ((-np.pi ** 2) ** k / math.factorial(2 * k + 1) * math.factorial(2 * k)
                           / math.factorial(2 * k - order) * np.where(near, x, 0.0) ** (2 * k - order))
    return np.where(near, series, value)


def promoted_join(g, xs, promote, axis):
    """The transpose of joined_adjoint: the pieces g (shaped like xs) promoted and joined along axis."""
    return np.concatenate([promote(item) for item in tangent_like(g, xs)], axis)


def tangent_like_adjoint(g, dx):
    """The adjoint of dx in tangent_like(dx, x): g summed back to dx's shape, item by item in lists."""
    if isinstance(dx, (list, tuple)):
        items = g if _is_container(g) else [0.0] * len(dx)
        return [tangent_like_adjoint(item, part) for item, part in zip(items, dx)]
    return unbroadcast(g, dx)


def symmetrized(x):
    """(x + x^T) / 2 over the last two axes."""
    return 0.5 * (x + np.swapaxes(x, -1, -2))


def solve_adjoint_solution(h, g, a, b):
    """-h^T solve(a^T, g), shaped like a solution of np.linalg.solve(a, b) (g is one too).

    The adjoint of `solution` in solve_adjoint_a(g, a, b, solution) given h (a's shape), and the
    tangent -da^T lambda of lambda = solve(a^T, g) given h = da. Linear in h and in g.
    """
    adjoint = np.linalg.solve(np.swapaxes(a, -1, -2), _solve_operands(g, b))
    total = -np.matmul(np.swapaxes(h, -1, -2), adjoint)
    return total[..., 0] if np.ndim(b) == 1 else total


def _replaced(operands, position, value):
    """operands (None ones dropped) with the one at `position` replaced by value."""
    operands = [x for x in operands if x is not None]
    operands[position] = value
    return operands


def einsum_adjoint_backward(h, g, subscripts, position, wanted, *operands):
    """The adjoint of g (`wanted` None) or of operand `wanted` in einsum_adjoint(g, subscripts,
    position, *operands), given h, the adjoint of its result (shaped like operand `position`).

    <h, einsum_adjoint(g, ...)> is <g, einsum with operand `position` replaced by h>: that einsum
    is g's adjoint, and each other operand's is that einsum's adjoint of it.
    """
    if wanted is None:
        return np.einsum(subscripts, *_replaced(operands, position, h))
    if wanted == position or wanted >= len([x for x in operands if x is not None]):
        return 0.0
    return einsum_adjoint(g, subscripts, wanted, *_replaced(operands, position, h))


def einsum_adjoint_tangent(g, subscripts, position, tangents, operands):
    """The tangent of einsum_adjoint(g, subscripts, position, *operands) from the other operands'
    tangents (operand `position` only gives its shape): one term per other operand with a tangent."""
    tangents = tangents if _is_container(tangents) else [0.0] * len(operands)
    total = 0.0
    for k, tangent in enumerate(tangents[:len([x for x in operands if x is not None])]):
        if k != position and not _is_zero_scalar(tangent):
            total = total + einsum_adjoint(g, subscripts, position, *_replaced(operands, k, tangent))
    return total


def einsum_cross(subscripts, first, second, operands):
    """The sum over pairs k != j of np.einsum(subscripts, *operands) with operand k replaced by
    first[k] and operand j by second[j]: the tangent of einsum_tangent(subscripts, first, operands)
    from the operands' tangents `second`."""
    count = len([x for x in operands if x is not None])
    first = first if _is_container(first) else [0.0] * count
    second = second if _is_container(second) else [0.0] * count
    total = 0.0
    for k in range(count):
        for j in range(count):
            if k != j and not _is_zero_scalar(first[k]) and not _is_zero_scalar(second[j]):
                varied = _replaced(operands, k, first[k])
                varied[j] = second[j]
                total = total + np.einsum(subscripts, *varied)
    return total


def einsum_tangent_adjoint(h, subscripts, tangents, operands, of):
    """The adjoints (a list) of the `tangents` (of="tangents") or `operands` (of="operands") of
    einsum_tangent(subscripts, tangents, operands), given h, the adjoint of its result."""
    present = [x for x in operands if x is not None]
    if of == "tangents":
        return [einsum_adjoint(h, subscripts, k, *present) for k in range(len(present))] + [0.0] * (
            len(tangents) - len(present))
    adjoints = [0.0] * len(operands)
    for k, tangent in enumerate(tangents[:len(present)]):
        if not _is_zero_scalar(tangent):
            for j in range(len(present)):
                if j != k:
                    adjoints[j] = adjoints[j] + einsum_adjoint(h, subscripts, j, *_replaced(present, k, tangent))
    return adjoints


def kron_adjoint_backward(h, g, a, b, position, wanted):
    """The adjoint of g (`wanted` None) or of operand `wanted` (0: a, 1: b) in kron_adjoint(g, a, b,
    position), given h, the adjoint of its result (shaped like that operand): as for einsum_adjoint."""
    replaced = (h, b) if position == 0 else (a, h)
    if wanted is None:
        return np.kron(*replaced)
    if wanted == position:
        return 0.0
    return kron_adjoint(g, *replaced, wanted)


def _norm_curvature(v, result, x, ord, axis):
    """The Hessian of np.linalg.norm(x, ord, axis) at x applied to v, group by group (result is the
    norm without kept axes). For a p-norm, with slope s: (p - 1) (|x|^(p-2) v / r^(p-1) - s <s, v> / r)."""
    kind, axes = _norm_kind(x, ord, axis)
    if kind == "vector" and ord in (np.inf, -np.inf, 0) or kind == "matrix" and ord in (1, -1, np.inf, -np.inf):
        return 0.0 * v  # the slope is constant where the maximum (or minimum) is unique
    if kind == "matrix" and ord not in (None, "fro"):
        raise NotImplementedError(f"the second derivative of np.linalg.norm with ord={ord!r} is not supported")
    power = 2 if ord in (None, "fro") else ord
    r = np.expand_dims(result, axes) if np.ndim(result) else result
    slope = _norm_slope(result, x, ord, axis)
    return (power - 1) * (np.abs(x) ** (power - 2) * v / r ** (power - 1)
                          - slope * np.sum(slope * v, axis=axes, keepdims=True) / r)


def norm_hessian_product(g, v, result, x, ord=None, axis=None, keepdims=False):
    """g (result's shape) times the norm's Hessian applied to v (x's shape): the derivative of
    norm_adjoint(g, result, x, ...) along v, the norm `result` following x. Linear in g and in v."""
    kind, axes = _norm_kind(x, ord, axis)
    reduced = np.squeeze(result, axes) if keepdims and np.ndim(result) else result
    spread = np.expand_dims(g, axes) if not keepdims and np.ndim(result) else g
    return spread * _norm_curvature(v, reduced, x, ord, axis)


def norm_hessian_form(u, v, result, x, ord=None, axis=None, keepdims=False):
    """u^T H v group by group (result's shape), H the norm's Hessian: the derivative of
    norm_tangent(u, result, x, ...) along v. Linear in u and in v."""
    kind, axes = _norm_kind(x, ord, axis)
    reduced = np.squeeze(result, axes) if keepdims and np.ndim(result) else result
    return np.sum(u * _norm_curvature(v, reduced, x, ord, axis), axis=axes, keepdims=keepdims)


# ----- Checkpointed loops (binomial checkpointing) --------------------------------------------
#
# `for t in adjoint.checkpointed(steps, snapshots=k): state = step(t, *state, *invariants)`
# keeps k + 1 states at most instead of a tape, and reverses its steps on the schedule of
# Griewank & Walther (2000), "Algorithm 799: Revolve: an implementation of checkpointing for
# the reverse or adjoint mode of computational differentiation", ACM TOMS 26(1), 19-45.
#
# To reverse steps [start, end) from the stored state at start, with `slots` states it may
# hold (that one included): with one step or one slot left, reverse the last step, recomputing
# it from start. Else, with r = checkpoint_repetitions(end - start, slots), store the state at
# `split`, where [split, end) is as long as slots - 1 states reverse with r repetitions and
# [start, split) is at least as long as slots states reverse with r - 2; reverse [split, end)
# with one slot fewer, then [start, split) with all of them. Each step is advanced at most r
# times, r * n - C(slots + r, slots + 1) advances in all (the least possible); the first
# states stored lie on the way from the start to the end, so the primal sweep stores them.
# A checkpoint is a tuple (first step, state before it, slots it may use).

def checkpointed(steps, snapshots):
    """`for t in adjoint.checkpointed(range(n), snapshots=k):` marks a loop whose reverse-mode
    derivative keeps at most k copies of the loop's state (besides the state the loop starts
    from) instead of a tape of every iteration, and recomputes the iterations in between
    (binomial checkpointing, Griewank's "Revolve").

    Memory: k + 1 states instead of everything n iterations overwrite. Time: the derivative
    advances each iteration at most r more times, r the least number with
    C(k + 1 + r, r) >= n (n = 10,000 steps: r = 4 with k = 20, r = 2 with k = 140).

    The body must be a function of its state: it may rebind names but not write into an
    array or list it did not create (`a[i] = v`, `a.append(v)`), and contain no `break`,
    `continue` or `return` of this loop; the loop must run over `range(...)`. Anything else
    is refused with adjoint.UnsupportedSyntaxError.

    Run as plain Python (not differentiated), `checkpointed(steps, snapshots)` is `steps`.
    """
    return steps


def reversible_steps(slots, repetitions):
    """How many steps `slots` held states reverse when each step may be advanced at most
    `repetitions` times: C(slots + repetitions, slots) (Griewank 1992)."""
    return math.comb(slots + repetitions, slots) if repetitions >= 0 else 0


def checkpoint_repetitions(steps, slots):
    """The least r with reversible_steps(slots, r) >= steps."""
    repetitions = 0
    while reversible_steps(slots, repetitions) < steps:
        repetitions += 1
    return repetitions


def _checkpoint_split(start, end, slots):
    """Where to store the next state to reverse steps [start, end) holding `slots` states."""
    length = end - start
    repetitions = checkpoint_repetitions(length, slots)
    right = min(length - 1, reversible_steps(slots - 1, repetitions),
                length - reversible_steps(slots, repetitions - 2))
    return end - right


def checkpointed_forward(step, steps, state, invariants, snapshots):
    """Run `for t in steps: state = step(t, *state, *invariants)`, keeping the states the reversal
    restarts from first. Returns the final state's values followed by the checkpoints.

    `step` returns the new state: one value when the loop carries one name, else a tuple.
    """
    if isinstance(snapshots, bool) or not isinstance(snapshots, (int, np.integer)) or snapshots < 0:
        raise ValueError(f"adjoint.checkpointed: snapshots must be a non-negative integer, not {snapshots!r}")
    single = len(state) == 1
    checkpoints = [(0, tuple(state), int(snapshots) + 1)]
    end = len(steps)
    while True:
        start, values, slots = checkpoints[-1]
        if slots == 1 or end - start <= 1:
            break
        split = _checkpoint_split(start, end, slots)
        checkpoints.append((split, _steps(step, steps, values, invariants, start, split, single), slots - 1))
    final = _steps(step, steps, values, invariants, start, end, single)
    return final + (checkpoints,)


def _steps(step, steps, values, invariants, start, stop, single):
    """The state (a tuple) after steps [start, stop) from the state `values`."""
    for position in range(start, stop):
        values = step(steps[position], *values, *invariants)
        if single:
            values = (values,)
    return tuple(values)


def checkpointed_adjoint(step, step_vjp, steps, invariants, checkpoints, dstate, dinvariants):
    """The cotangents of a checkpointed loop's initial state, then its invariants' adjoints.

    `checkpoints` come from checkpointed_forward, and are used up: each stored state is let go
    of as soon as the steps after it are reversed. `step_vjp(seed, t, *state, *invariants)`
    returns the cotangents of the state's names in `dstate`, then of the invariants in
    `dinvariants`, given the seed of the step's outputs for those state names (one value or
    a tuple). `dstate` holds the cotangents of the final state, `dinvariants` the invariants'
    adjoints so far. step_vjp runs once per step, last step first.
    """
    single = len(checkpoints[0][1]) == 1
    dstate, dinvariants = tuple(dstate), list(dinvariants)
    many = len(dstate) + len(dinvariants) > 1
    end = len(steps)
    while end > 0:
        start, values, slots = checkpoints[-1]
        if start == end:
            checkpoints.pop()
        elif slots == 1 or end - start == 1:
            values = _steps(step, steps, values, invariants, start, end - 1, single)
            grads = step_vjp(dstate if len(dstate) > 1 else dstate[0], steps[end - 1], *values, *invariants)
            grads = grads if many else (grads,)
            for index in range(len(dinvariants)):
                dinvariants[index] = add_adjoints(dinvariants[index], grads[len(dstate) + index])
            dstate = tuple(grads[:len(dstate)])
            end -= 1
        else:
            split = _checkpoint_split(start, end, slots)
            checkpoints.append((split, _steps(step, steps, values, invariants, start, split, single), slots - 1))
    checkpoints.clear()
    return dstate + tuple(dinvariants)
