"""Adjoint values as generated code builds them.

An adjoint starts as the float `0.0` (a symbolic zero that broadcasts to any shape); the
helpers below turn it into an array or a list only when an element has to be written. Here
too: broadcasting undone (`unbroadcast`, `unreduce`), writes into items of arrays and lists
and their adjoints, and lists joined by `+` and repeated by `*`.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from adjoint.runtime.containers import (_entries, _is_record, _record_fields, is_class_constant, lacks_default,
                                       own_items, stores_its_fields_only)
from adjoint.runtime.refusals import ComplexValue, ContainerArithmeticError, ListSliceStoreError, Refused


def _is_container(x) -> bool:
    return (isinstance(x, (list, tuple, dict)) or (isinstance(x, np.ndarray) and x.ndim > 0)
            or _is_record(x))


def _is_symbolic_zero(dx, x) -> bool:
    return not _is_container(dx) and _is_container(x)


def _as_items(dx, x):
    """A number other than 0 standing for an array's derivative (each item's: `y = a + 0.0`, then
    `y - x0`, has the tangent -dx0) as an array of x's shape; a NamedTuple (a gradient or a tangent of
    the user's class) as the plain tuple of its items, which its class's own `__getitem__` would not
    give; anything else (0.0 too) as it is."""
    if (type(dx) in (float, int) or isinstance(dx, np.number)) and dx != 0 and isinstance(x, np.ndarray) and x.ndim:
        return np.full(x.shape, dx, dtype=np.result_type(dx, 1.0))
    return own_items(dx)


def _is_zero_d(x) -> bool:
    """A 0-d array or a NumPy number: indexed (`a[()]`, `a[...]`, `a[None]`) like any array (and
    an array written into), but not a container of items; its adjoint is a number or a 0-d array,
    never the symbolic zero."""
    return isinstance(x, (np.ndarray, np.generic)) and x.ndim == 0


def _zero_d_copy(dx, x) -> np.ndarray:
    """The adjoint dx of a 0-d array x as a new 0-d array of x's float dtype, to write into."""
    return np.array(dx, dtype=_float_dtype(x.dtype))


def zeros_like(x):
    """A zero adjoint with the structure of x: arrays of x's shape, lists of zeros for lists."""
    if isinstance(x, (list, tuple)):
        return [zeros_like(item) for item in x]
    if isinstance(x, dict) or _is_record(x):
        return {key: zeros_like(item) for key, item in _entries(x).items()}
    if isinstance(x, np.ndarray):
        return np.zeros(x.shape, dtype=_float_dtype(x.dtype))
    return 0.0


def _zero_items(x):
    """A zero adjoint of container x to add into: for a list, tuple, dict or record, its items are
    symbolic zeros (0.0; gradient_like gives them x's shapes), which costs no array per item."""
    if isinstance(x, np.ndarray):
        return np.zeros(x.shape, dtype=_float_dtype(x.dtype))
    if isinstance(x, (list, tuple)):
        return [0.0] * _length(x)
    return dict.fromkeys(_entries(x), 0.0)


def _float_dtype(dtype):
    return dtype if dtype.kind in "fc" else np.float64


def _short_derivative(dx, x) -> ContainerArithmeticError:
    return ContainerArithmeticError(
        f"the derivative of a list of {_length(x)} items has {_length(dx)}: lists were joined by `+` in derivative "
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
    if isinstance(g, (list, tuple)) and isinstance(x, (list, tuple)) and _length(g) != _length(x):
        raise ContainerArithmeticError(
            "`+` or `*` joined or repeated lists or tuples that the derivative code took for numbers (code "
            "generated without example arguments, items of a list argument, or the derivative of a derivative "
            "that saves and restores lists): generate it for example arguments (adjoint.source(f, args=...)), "
            "or build the joined list with a loop and `append`"
        )
    if isinstance(g, (list, tuple)) and isinstance(x, (list, tuple)):  # an adjoint item by item: nothing broadcast
        return g
    if (isinstance(g, (list, tuple, dict)) or _is_record(g)) and type(x) is float and x == 0.0:  # x: the zero of items
        return g
    if (isinstance(g, dict) or _is_record(g)) and (isinstance(x, dict) or _is_record(x)):
        return g
    x_shape = np.shape(x)
    g_shape = np.shape(g)
    if g_shape == x_shape:
        return g
    if not x_shape:
        total = np.sum(g)
        if isinstance(total, np.complexfloating) and not np.iscomplexobj(x):  # float() would drop the imaginary part
            raise ComplexValue("a gradient is complex")
        return float(total) if isinstance(x, (float, int)) else total
    extra = len(g_shape) - len(x_shape)
    if extra > 0:
        g = np.sum(g, axis=tuple(range(extra)))
    elif extra < 0:  # fewer dimensions than x (the symbolic zero times a smaller operand): align them
        g = np.reshape(g, (1,) * -extra + g_shape)
    axes = tuple(i for i, size in enumerate(x_shape) if size == 1 and np.shape(g)[i] != 1)
    if axes:
        g = np.sum(g, axis=axes, keepdims=True)
    return np.broadcast_to(g, x_shape) if np.shape(g) != x_shape else g


class _StandIns:
    """The arrays shape_only gives: one per shape and dtype, at most `kept` at a time."""

    kept = 256
    made: dict = {}


def shape_only(x):
    """What the adjoint sweep keeps of a NumPy array it reads only for its type, shape and dtype
    (through unbroadcast, unreduce, reached, ...): a read-only zero of x's shape and dtype, one
    object per shape and dtype shared by all, so that a loop saving it on each step holds no
    array per step. Anything but a NumPy array (a number, a list, a subclass) is x itself."""
    if type(x) is not np.ndarray:
        return x
    key = (x.shape, x.dtype)
    stand_in = _StandIns.made.get(key)
    if stand_in is None:
        if len(_StandIns.made) >= _StandIns.kept:
            _StandIns.made.clear()
        stand_in = _StandIns.made[key] = np.broadcast_to(np.zeros((), dtype=x.dtype), x.shape)
    return stand_in


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


def _length(x) -> int:
    """len(x), a NamedTuple's count of fields whatever `__len__` its class defines."""
    return tuple.__len__(x) if isinstance(x, tuple) else len(x)


def _absolute(index, x):
    """A negative integer index counted from the end of x as it is now (a dict's key is a key)."""
    if isinstance(index, int) and index < 0 and not isinstance(x, dict):
        return index + _length(x)
    return index


def add_at(dx, x, index, value):
    """dx with `value` added at x[index]; dx is not modified (it may be shared)."""
    if isinstance(x, range) or _is_class_constant_index(index) or lacks_default(x, index, x):  # moving with nothing
        return dx
    index, dx = _absolute(index, x), _as_items(dx, x)
    if _is_zero_d(x):
        out = _zero_d_copy(dx, x)
        out[index] += value
        return out
    if _is_symbolic_zero(dx, x):
        out = _zero_items(x)
    elif isinstance(dx, np.ndarray):
        out = dx.copy()
    else:
        out = _writable(dx)
    if isinstance(out, np.ndarray):
        np.add.at(out, index, value)
    elif isinstance(index, slice):
        if _is_container(value):  # else the symbolic zero: nothing to add to the slice's items
            for position, item in zip(range(_length(x))[index], value):
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


def _writable(dx):
    """A copy of an adjoint of items, to write into: a list, or a dict (a dataclass's gradient as a
    called function returns it becomes the dict of its fields, the adjoint of a dataclass)."""
    if isinstance(dx, dict):
        return dict(dx)
    if _is_record(dx):
        return dict(_entries(dx))
    return list(dx)


def zero_at(dx, x, index):
    """dx with the adjoint at x[index] reset to zero (x[index] was overwritten)."""
    _refuse_list_slice_store(x, index)
    index, dx = _absolute(index, x), _as_items(dx, x)
    if _is_symbolic_zero(dx, x):
        return dx
    if _is_zero_d(x):
        out = _zero_d_copy(dx, x)
    else:
        out = dx.copy() if isinstance(dx, np.ndarray) else _writable(dx)
    if isinstance(out, np.ndarray):
        out[index] = 0.0
    elif isinstance(index, slice):
        for position in range(_length(x))[index]:
            out[position] = 0.0
    else:
        out[index] = 0.0
    return out


def set_at(dx, x, index, value):
    """The tangent of x after `x[index] = v`: dx with value written at index; dx is not modified
    (it may be shared: the tangent of `y = x * 1.0` is dx itself)."""
    _refuse_list_slice_store(x, index)
    index, dx = _absolute(index, x), _as_items(dx, x)
    if _is_symbolic_zero(dx, x):
        out = zeros_like(x)
    elif _is_zero_d(x):
        out = _zero_d_copy(dx, x)
    else:
        out = dx.copy() if isinstance(dx, np.ndarray) else _writable(dx)
    out[index] = value
    return out


def append_tangent(dx, x, value):
    """The tangent of list x after `x.append(v)` (x already holds v): position by position; dx
    is not modified (it may be shared)."""
    out = list(dx) if _is_container(dx) else []
    del out[_length(x) - 1:]
    out.extend([0.0] * (_length(x) - 1 - len(out)))
    out.append(value)
    return out


def pop_adjoint(dx, x, value):
    """The adjoint of list x before `v = x.pop()` (x is still short by v): value at _length(x).

    Entries of dx from _length(x) on belong to items appended after the pop, whose adjoints were
    already taken: they are dropped, not added to v's.
    """
    position = _length(x)
    out = list(dx[:position]) if _is_container(dx) else []
    out.extend([0.0] * (position - len(out)))
    out.append(value)
    return out


def pop_tangent(dx, x):
    """The tangent of `v = x.pop()` (x no longer holds v): the tangent at position _length(x)."""
    if not isinstance(dx, list) or _length(dx) <= _length(x):
        return 0.0
    value = dx[_length(x)]
    del dx[_length(x):]
    return value


def item_adjoint(dx, index, x=None):
    """The adjoint of x[index] given x's adjoint dx (maybe the symbolic zero); a dataclass's
    tangent (a dataclass, as the caller gave it) is read at the field's name."""
    if _is_class_constant_index(index):
        return 0.0
    if isinstance(dx, dict):  # a dict argument's tangent, in forward mode
        return 0.0 if lacks_default(dx, index, x) else dx[index]
    if _is_zero_d(x):
        return np.asarray(dx)[index]
    if not _is_container(dx := _as_items(dx, x)):
        return 0.0
    if _is_record(dx):
        return getattr(dx, index)
    if isinstance(x, (list, tuple)) and isinstance(dx, (list, tuple)) and _length(dx) < _length(x):
        raise _short_derivative(dx, x)
    return dx[_absolute(index, x) if x is not None else index]


def written_adjoint(dx, index, x):
    """The adjoint of v in `x[index] = v` given x's adjoint dx: dx[index] where v's item was the
    one NumPy kept, zero where a later item of v wrote the same position (repeated fancy indices)."""
    _refuse_list_slice_store(x, index)
    if _is_zero_d(x):
        return np.asarray(dx)[index]
    if not _is_container(dx := _as_items(dx, x)):
        return 0.0
    if not isinstance(x, np.ndarray) or not _may_repeat(index):
        return dx[_absolute(index, x)]
    return np.where(_kept(x, index), dx[index], 0.0)


def stored_derivative(g, x, value):
    """g, the derivative of v in `x[index] = v`, as the write passes it on: zero where x is an array of
    integers or booleans and v is not, which NumPy truncates (or tests) as it stores it, a step in v."""
    if isinstance(x, np.ndarray) and x.dtype.kind in "biu" and np.asarray(value).dtype.kind not in "biu":
        return np.zeros(np.shape(g)) if isinstance(g, np.ndarray) else 0.0
    return g


def written_adjoint_backward(d_container, container, index, x, g):
    """The adjoint of `container` in written_adjoint(container, index, x), given g = the result's adjoint."""
    if _is_zero_d(x):
        return add_at(d_container, x, index, g)
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
    for start in range(0, _length(g), len(part)):
        total = add_adjoints(total, list(g[start:start + len(part)]))
    return total


# The index field_index gives for a constant of a record's class: no item of its adjoint (a string no
# field or key is, so that code `adjoint gen` writes holds it as a literal).
CLASS_CONSTANT = "\x00constant of the class"


def _is_class_constant_index(index) -> bool:
    return type(index) is str and index == CLASS_CONSTANT


def field_index(x, name):
    """The position of NamedTuple x's field `name` (`p.a` is differentiated as `p[field_index(p, "a")]`);
    for a dataclass, the name itself (its adjoint is a dict of field adjoints); CLASS_CONSTANT for a
    constant of x's class (`self.LR`), whose derivative is zero."""
    if _is_record(x) and name in _record_fields(x):
        return name
    fields = tuple(_record_fields(x)) if _is_record(x) else getattr(type(x), "_fields", ())
    if name not in fields and is_class_constant(x, name):
        return CLASS_CONSTANT
    if name not in fields:
        raise Refused(f"`{name}` is not a field of the {type(x).__name__} (its fields are {fields}); adjoint "
                      "differentiates the fields of NamedTuples and dataclasses, not properties, methods or "
                      "attributes of other objects")
    return fields.index(name)


def replaced(record, name, value):
    """`record._replace(name=value)` of a NamedTuple, or `dataclasses.replace(record, name=value)` of
    a dataclass whose constructor only stores the fields (normalize/records.py)."""
    index = field_index(record, name)  # refuses objects that are neither
    if isinstance(index, int):
        return record._replace(**{name: value})
    if not stores_its_fields_only(type(record)):
        raise Refused(f"`{type(record).__name__}` has a constructor of its own (`__init__` or `__post_init__`), "
                      "which replacing a field would run again; adjoint differentiates the replacement of fields "
                      "of NamedTuples and of dataclasses whose constructor only stores them")
    return dataclasses.replace(record, **{name: value})


def add_adjoints(a, b):
    """a + b for adjoints that may be lists or dicts (of adjoints) or symbolic zeros (also None,
    the gradient of a None leaf of a parameter container)."""
    if a is None or b is None:
        return b if a is None else a
    a = _entries(a) if _is_record(a) else a
    b = _entries(b) if _is_record(b) else b
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


def shaped_zero(g, x):
    """g, the adjoint of x, in x's shape where it is still the symbolic zero `0.0` of an array:
    for a function of NumPy (or a helper) that reads its shape (optimize/zero_reads.py)."""
    if type(g) is float and g == 0.0 and isinstance(x, np.ndarray):
        return np.zeros(x.shape, dtype=np.result_type(x.dtype, float))
    return g


def _is_zero_scalar(value) -> bool:
    return not _is_container(value) and value == 0
