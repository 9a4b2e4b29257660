"""numba versions of the runtime helpers the generated code calls.

Each helper is a plain Python stub with a `numba.extending.overload` that picks, at typing
time, the implementation for the argument types (a float, an array of one number of
dimensions). A combination a helper has no version for fails numba's typing with a message
naming the helper, which the numba backend turns into an AdjointError.

This module imports only numpy, numba (with its llvmlite) and ctypes: `adjoint gen --backend
numba` copies its source into the standalone module it writes.
"""
from __future__ import annotations

import ctypes

import numba
import numpy as np
from llvmlite import binding as _llvm, ir as _ir
from numba.core import cgutils as _cgutils, types as _types
from numba.core.errors import TypingError as _TypingError
from numba.extending import intrinsic as _intrinsic, overload as _overload

from adjoint.backend.numba_domain import math_domain, math_pow_or_inf, pow_term, quotient_or_inf  # noqa: F401
from adjoint.backend.numba_domain import math_argument, math_range, nonzero_length, over_length, python_power  # noqa: F401
from adjoint.backend.numba_domain import array_method_or_refuse, slope_or_zero, slope_or_zero_like  # noqa: F401
from adjoint.backend.numba_in_place import *  # noqa: F401,F403


def _is_array(value) -> bool:
    return isinstance(_base(value), _types.Array)


def _is_number(value) -> bool:
    return isinstance(_base(value), (_types.Float, _types.Integer, _types.Boolean))


def _base(value):
    """The type of a value saved on a stack that may hold None (numba types it Optional)."""
    return value.type if isinstance(value, _types.Optional) else value


def _refuse(helper: str, *arguments) -> None:
    described = ", ".join(str(argument) for argument in arguments)
    raise _TypingError(f"the runtime helper {helper} has no numba version for arguments ({described})")


def unbroadcast(g, x):
    """g summed over the axes along which x was broadcast (see adjoint.runtime.unbroadcast)."""
    raise NotImplementedError("compiled by numba only")


@_overload(unbroadcast)
def _unbroadcast(g, x):
    if _is_number(g) and _is_number(x):
        return lambda g, x: float(g)
    if _is_array(g) and _is_number(x):
        return lambda g, x: float(np.sum(g))
    if _is_array(g) and _is_array(x) and _base(g).ndim == _base(x).ndim:
        def same_rank(g, x):
            if g.shape != x.shape:
                return summed_to(g, x)
            return g
        return same_rank
    if _is_array(g) and _is_array(x) and _base(g).ndim == _base(x).ndim + 1:
        def leading_axis(g, x):
            total = _summed_over_first_axis(g)
            if total.shape != x.shape:
                return summed_to(total, x)
            return total
        return leading_axis
    if _is_number(g) and _is_array(x):
        return lambda g, x: np.full(x.shape, float(g))
    _refuse("unbroadcast", g, x)


@numba.njit
def _summed_over_first_axis(g):
    """g.sum(axis=0) as a loop: numba's sum over an axis carries an error path (a message built
    from strings) that makes every derivative's machine code larger, and slower to load."""
    total = np.zeros(g.shape[1:], g.dtype)
    for i in range(g.shape[0]):
        total += g[i]
    return total


@numba.njit
def summed_to(g, x):
    """g (of x's rank) summed over the axes where x has size 1 and g does not: a float array
    of x's shape (NumPy's keepdims sums, walked once in C order)."""
    rank = g.ndim
    out = np.zeros(x.shape)
    strides = np.zeros(rank, np.int64)  # out's, in elements; 0 along an axis of size 1
    step = 1
    for axis in range(rank - 1, -1, -1):
        if x.shape[axis] != 1 and x.shape[axis] != g.shape[axis]:
            raise ValueError("unbroadcast: shapes that do not broadcast")
        strides[axis] = 0 if x.shape[axis] == 1 else step
        step *= x.shape[axis]
    flat_g, flat_out = np.ascontiguousarray(g).ravel(), out.ravel()
    counter = np.zeros(rank, np.int64)
    for i in range(flat_g.size):
        position = 0
        for axis in range(rank):
            position += counter[axis] * strides[axis]
        flat_out[position] += flat_g[i]
        axis = rank - 1
        while axis >= 0:
            counter[axis] += 1
            if counter[axis] < g.shape[axis]:
                break
            counter[axis] = 0
            axis -= 1
    return out


def gradient_like(dx, x):
    """The gradient in x's type: a float array of x's shape, or a float."""
    raise NotImplementedError("compiled by numba only")


@_overload(gradient_like)
def _gradient_like(dx, x):
    if _is_array(x):
        dtype = _base(x).dtype if isinstance(_base(x).dtype, _types.Float) else _types.float64  # float32 stays
    if _is_array(x) and _is_array(dx) and _base(dx).ndim == _base(x).ndim and _base(dx).dtype == dtype:
        def copy(dx, x):  # a smaller function than astype's, which converts any layout and type
            if dx.shape != x.shape:
                raise ValueError("gradient_like: a gradient of another shape")
            return dx.copy()
        return copy
    if _is_array(x) and _is_array(dx) and _base(dx).ndim == _base(x).ndim:
        def converted(dx, x):
            if dx.shape != x.shape:
                raise ValueError("gradient_like: a gradient of another shape")
            return dx.astype(dtype)
        return converted
    if _is_array(x) and _is_number(dx):
        return lambda dx, x: np.full(x.shape, dx, dtype)
    if _is_number(x) and _is_number(dx):
        return lambda dx, x: float(dx)
    if _is_number(x) and _is_array(dx) and _base(dx).ndim == 0:
        return lambda dx, x: float(dx[()])
    _refuse("gradient_like", dx, x)


def unit_seed(value):
    """The seed 1 of a scalar output, in its own type."""
    raise NotImplementedError("compiled by numba only")


@_overload(unit_seed)
def _unit_seed(value):
    if _is_number(value):
        return lambda value: 1.0
    if _is_array(value):
        def ones(value):
            if value.size != 1:
                raise ValueError("the function must return a scalar (a float or a size-1 array)")
            return np.ones(value.shape)
        return ones
    _refuse("unit_seed", value)


def dot_adjoint_a(g, a, b):
    """The adjoint of a in a @ b, for 1-d and 2-d operands."""
    raise NotImplementedError("compiled by numba only")


@_overload(dot_adjoint_a)
def _dot_adjoint_a(g, a, b):
    if not (_is_array(a) and _is_array(b)):
        _refuse("dot_adjoint_a", g, a, b)
    if _base(a).ndim == 2 and _base(b).ndim == 2:
        return lambda g, a, b: g @ np.ascontiguousarray(b.T)
    if _base(a).ndim == 2 and _base(b).ndim == 1:
        outer = _outer(g, b)
        return lambda g, a, b: outer(g, b)
    if _base(a).ndim == 1 and _base(b).ndim == 2:
        return lambda g, a, b: b @ g
    if _base(a).ndim == 1 and _base(b).ndim == 1:
        return lambda g, a, b: g * b
    _refuse("dot_adjoint_a", g, a, b)


def _outer(a, b):
    """np.outer(a, b) of two 1-d arrays: a loop where both hold floats (numba's np.outer, for
    any shapes, brings ten times the machine code into the derivative, and into its load)."""
    if _is_array(a) and _is_array(b) and _base(a).dtype == _types.float64 and _base(b).dtype == _types.float64:
        return _outer_of_floats
    return np.outer


@numba.njit
def _outer_of_floats(a, b):
    out = np.empty((a.shape[0], b.shape[0]))
    for i in range(a.shape[0]):
        for j in range(b.shape[0]):
            out[i, j] = a[i] * b[j]
    return out


def dot_adjoint_b(g, a, b):
    """The adjoint of b in a @ b, for 1-d and 2-d operands."""
    raise NotImplementedError("compiled by numba only")


@_overload(dot_adjoint_b)
def _dot_adjoint_b(g, a, b):
    if not (_is_array(a) and _is_array(b)):
        _refuse("dot_adjoint_b", g, a, b)
    if _base(a).ndim == 2 and _base(b).ndim == 2:
        return lambda g, a, b: np.ascontiguousarray(a.T) @ g
    if _base(a).ndim == 1 and _base(b).ndim == 2:
        outer = _outer(a, g)
        return lambda g, a, b: outer(a, g)
    if _base(a).ndim == 2 and _base(b).ndim == 1:
        return lambda g, a, b: np.ascontiguousarray(a.T) @ g
    if _base(a).ndim == 1 and _base(b).ndim == 1:
        return lambda g, a, b: g * a
    _refuse("dot_adjoint_b", g, a, b)


def item_adjoint(dx, index, x=None):
    """The adjoint of x[index] given x's adjoint dx: dx[index], or 0.0 for the symbolic zero."""
    raise NotImplementedError("compiled by numba only")


@_overload(item_adjoint)
def _item_adjoint(dx, index, x=None):
    if _is_number(dx):
        return lambda dx, index, x=None: 0.0
    if _is_array(dx) or isinstance(_base(dx), _types.UniTuple):
        return lambda dx, index, x=None: dx[index]
    _refuse("item_adjoint", dx, index, x)


def stop_gradient(x):
    """x (its derivative is zero: the generated code knows, this is the value)."""
    raise NotImplementedError("compiled by numba only")


@_overload(stop_gradient)
def _stop_gradient(x):
    return lambda x: x


def shape_only(x):
    """x itself: the stand-in the Python backend saves for a value read only for its shape would
    be an array of another layout, and a compiled stack costs no Python object per step."""
    raise NotImplementedError("compiled by numba only")


@_overload(shape_only)
def _shape_only(x):
    return lambda x: x


def zero_like(x):
    """The zero adjoint of x: a float array of x's shape, or 0.0 for a number."""
    raise NotImplementedError("compiled by numba only")


@_overload(zero_like)
def _zero_like(x):
    if _is_array(x):
        return lambda x: np.zeros(x.shape)
    if _is_number(x):
        return lambda x: 0.0
    _refuse("zero_like", x)


def sign(x):
    """-1.0, 0.0 or 1.0 (elementwise for arrays)."""
    raise NotImplementedError("compiled by numba only")


@_overload(sign)
def _sign(x):
    if _is_number(x):
        return lambda x: 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)
    if _is_array(x):
        return lambda x: np.sign(x)
    _refuse("sign", x)


def unreduce(g, x, axis=None, keepdims=False):
    """The adjoint of a reduction of x over `axis` (None: all of it), in x's shape."""
    raise NotImplementedError("compiled by numba only")


@_overload(unreduce)
def _unreduce(g, x, axis=None, keepdims=False):
    if _is_number(x) and _is_number(g):
        return lambda g, x, axis=None, keepdims=False: float(g)
    if _is_number(x) and _is_array(g):
        return lambda g, x, axis=None, keepdims=False: float(g.ravel()[0])
    if not _is_array(x):
        _refuse("unreduce", g, x, axis, keepdims)
    if _is_number(g):
        return lambda g, x, axis=None, keepdims=False: np.full(x.shape, float(g))
    if not (_is_array(g) and (_is_none(axis) or isinstance(_base(axis), _types.Integer))):
        _refuse("unreduce", g, x, axis, keepdims)
    if _base(g).ndim == _base(x).ndim:  # keepdims, or nothing reduced
        return lambda g, x, axis=None, keepdims=False: np.broadcast_to(g, x.shape) * 1.0  # a new float array
    if _base(g).ndim == 0:
        return lambda g, x, axis=None, keepdims=False: np.full(x.shape, float(g[()]))
    if _base(g).ndim == _base(x).ndim - 1 and not _is_none(axis):
        def expanded(g, x, axis=None, keepdims=False):
            return np.broadcast_to(np.expand_dims(g, axis % x.ndim), x.shape) * 1.0
        return expanded
    _refuse("unreduce", g, x, axis, keepdims)


def _is_none(value) -> bool:
    return value is None or isinstance(value, (_types.NoneType, _types.Omitted))


def add_at(dx, x, index, value):
    """dx (0.0: zeros) with `value` added at x[index], as a new array."""
    raise NotImplementedError("compiled by numba only")


def _may_repeat(index) -> bool:
    """Whether an index may name one element twice (an integer array or a list, alone or in a tuple):
    `out[index] += value` adds once to a repeated element, np.add.at as often as it is named."""
    parts = index.types if isinstance(index, _types.BaseTuple) else (index,)
    return any(isinstance(part, (_types.List, _types.ListType))
               or (isinstance(part, _types.Array) and not isinstance(part.dtype, _types.Boolean)) for part in parts)


@_overload(add_at)
def _add_at(dx, x, index, value):
    if not _is_array(x) or _may_repeat(index):
        _refuse("add_at", dx, x, index, value)  # np.add.at, not +=
    if _is_number(dx):
        def from_zeros(dx, x, index, value):
            out = np.zeros(x.shape)
            out[index] += value
            return out
        return from_zeros
    if _is_array(dx) and _base(dx).ndim == _base(x).ndim:
        def onto_a_copy(dx, x, index, value):
            out = dx.astype(np.float64)
            out[index] += value
            return out
        return onto_a_copy
    _refuse("add_at", dx, x, index, value)


def add_adjoints(a, b):
    """a + b of two adjoints (numbers or arrays)."""
    raise NotImplementedError("compiled by numba only")


@_overload(add_adjoints)
def _add_adjoints(a, b):
    if (_is_number(a) or _is_array(a)) and (_is_number(b) or _is_array(b)):
        return lambda a, b: a + b
    _refuse("add_adjoints", a, b)


def pow_exponent_adjoint(g, power, x, exponent):
    """g * power * log(x), the adjoint of y in x ** y (power = x ** y), 0 where x == 0 or where
    g * power == 0 (the exponent does not change the value)."""
    raise NotImplementedError("compiled by numba only")


@_overload(pow_exponent_adjoint)
def _pow_exponent_adjoint(g, power, x, exponent):
    if _is_number(x) and (_is_array(g) or _is_array(power)):
        def number_to_array_power(g, power, x, exponent):
            scaled = g * power
            if x == 0:
                return np.zeros_like(scaled)
            return np.where(scaled == 0, 0.0, scaled * (np.log(x) if x > 0 else np.nan))
        return number_to_array_power
    if _is_number(x):
        def of_number(g, power, x, exponent):
            scaled = g * power
            if x == 0 or scaled == 0:
                return 0.0
            return scaled * (np.log(x) if x > 0 else np.nan)
        return of_number
    if _is_array(x):
        def of_array(g, power, x, exponent):
            safe = np.where(x == 0, 1.0, x)
            scaled = g * power
            return np.where((x == 0) | (scaled == 0), 0.0, scaled * np.log(safe))
        return of_array
    _refuse("pow_exponent_adjoint", g, power, x, exponent)


def np_dot_adjoint_a(g, a, b):
    """The adjoint of a in np.dot(a, b), for 1-d and 2-d operands (as a @ b)."""
    raise NotImplementedError("compiled by numba only")


@_overload(np_dot_adjoint_a)
def _np_dot_adjoint_a(g, a, b):
    return lambda g, a, b: dot_adjoint_a(g, a, b)


def np_dot_adjoint_b(g, a, b):
    """The adjoint of b in np.dot(a, b), for 1-d and 2-d operands (as a @ b)."""
    raise NotImplementedError("compiled by numba only")


@_overload(np_dot_adjoint_b)
def _np_dot_adjoint_b(g, a, b):
    return lambda g, a, b: dot_adjoint_b(g, a, b)


# ----- transcendental functions of whole arrays, left to NumPy ----------------------------------
# llvmlite from the package index has no SVML: numba's own np.tanh of a 64x64 array takes 13x
# NumPy's time. Above a few dozen elements a float64 array goes to NumPy's loop through a C
# callback (ctypes) that the compiled code calls by a symbol name: unlike numba.objmode, whose
# block numba compiles again in every process, this keeps the caller in numba's disk cache.
# Numbers and small arrays stay in compiled code.

CALLBACK_ELEMENTS = 64
TRANSCENDENTAL = ("tanh", "exp", "log", "sin", "cos")
_DOUBLES = {}
_CALLBACKS = []


def _doubles(address: int, size: int) -> np.ndarray:
    """The float64 array of `size` elements at `address` (memory the compiled code owns)."""
    kind = _DOUBLES.get(size)
    if kind is None:
        kind = _DOUBLES[size] = ctypes.c_double * size
    return np.frombuffer(kind.from_address(address), np.float64)


def _register_callback(name: str) -> str:
    """The symbol of a C function `int f(source, target, size)` running NumPy's `name` from
    source into target (0, or 1 when NumPy raised: np.seterr(all="raise"))."""
    symbol = f"adjoint_numpy_{name}"
    if _llvm.address_of_symbol(symbol) is None:  # a standalone module's copy of these helpers shares it
        ufunc = getattr(np, name)

        def apply(source, target, size):
            try:
                ufunc(_doubles(source, size), out=_doubles(target, size))
            except Exception:
                return 1
            return 0

        callback = ctypes.CFUNCTYPE(ctypes.c_int64, ctypes.c_uint64, ctypes.c_uint64, ctypes.c_int64)(apply)
        _CALLBACKS.append(callback)  # alive as long as the process: the machine code holds its address
        _llvm.add_symbol(symbol, ctypes.cast(callback, ctypes.c_void_p).value)
    return symbol


def _callback_caller(symbol: str):
    @_intrinsic
    def call(typingctx, source, target, size):
        def codegen(context, builder, signature, arguments):
            int64 = _ir.IntType(64)
            function = _cgutils.get_or_insert_function(builder.module, _ir.FunctionType(int64, [int64] * 3), symbol)
            return builder.call(function, list(arguments))
        return _types.int64(_types.uint64, _types.uint64, _types.int64), codegen
    return call


def _left_to_numpy(name: str):
    ufunc = getattr(np, name)
    call_numpy = _callback_caller(_register_callback(name))

    def stub(x):
        return ufunc(x)

    stub.__name__ = f"numpy_{name}"

    def typer(x):
        if not (isinstance(x, _types.Array) and x.dtype == _types.float64 and x.ndim > 0):
            return lambda x: ufunc(x)

        def impl(x):
            if x.size < CALLBACK_ELEMENTS:
                return np.ascontiguousarray(ufunc(x))
            source = np.ascontiguousarray(x)
            out = np.empty_like(source)
            if call_numpy(np.uint64(source.ctypes.data), np.uint64(out.ctypes.data), source.size) != 0:
                raise FloatingPointError("NumPy raised a floating-point error (np.seterr)")
            return out
        return impl

    _overload(stub)(typer)
    return stub


numpy_tanh, numpy_exp, numpy_log, numpy_sin, numpy_cos = (_left_to_numpy(name) for name in TRANSCENDENTAL)

HELPERS = ("shape_only", "zero_like", "unbroadcast", "gradient_like", "unit_seed", "dot_adjoint_a", "dot_adjoint_b", "sign",
           "unreduce", "add_at", "add_adjoints", "item_adjoint", "stop_gradient", "pow_exponent_adjoint",
           "pow_term", "math_pow_or_inf", "quotient_or_inf", "math_domain", "over_length", "nonzero_length",
           "np_dot_adjoint_a", "np_dot_adjoint_b", "python_power", "math_argument", "math_range", "slope_or_zero",
           "slope_or_zero_like", "array_method_or_refuse",
           *(f"numpy_{name}" for name in TRANSCENDENTAL), *IN_PLACE_HELPERS)  # noqa: F405
NUMBA_VERSION = numba.__version__
