"""numba versions of the runtime helpers the generated code calls.

Each helper is a plain Python stub with a `numba.extending.overload` that picks, at typing
time, the implementation for the argument types (a float, an array of one number of
dimensions). A combination a helper has no version for fails numba's typing with a message
naming the helper, which the numba backend turns into an AdjointError.

This module imports only numpy and numba: `adjoint gen --backend numba` copies its source
into the standalone module it writes.
"""
from __future__ import annotations

import numba
import numpy as np
from numba.core import types as _types
from numba.core.errors import TypingError as _TypingError
from numba.extending import overload as _overload


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
                raise ValueError("unbroadcast: an axis of size 1 was broadcast")
            return g
        return same_rank
    if _is_array(g) and _is_array(x) and _base(g).ndim == _base(x).ndim + 1:
        def leading_axis(g, x):
            total = g.sum(axis=0)
            if total.shape != x.shape:
                raise ValueError("unbroadcast: an axis of size 1 was broadcast")
            return total
        return leading_axis
    if _is_number(g) and _is_array(x):
        return lambda g, x: np.full(x.shape, float(g))
    _refuse("unbroadcast", g, x)


def gradient_like(dx, x):
    """The gradient in x's type: a float array of x's shape, or a float."""
    raise NotImplementedError("compiled by numba only")


@_overload(gradient_like)
def _gradient_like(dx, x):
    if _is_array(x) and _is_array(dx) and _base(dx).ndim == _base(x).ndim:
        def copy(dx, x):
            if dx.shape != x.shape:
                raise ValueError("gradient_like: a gradient of another shape")
            return dx.astype(np.float64)
        return copy
    if _is_array(x) and _is_number(dx):
        return lambda dx, x: np.full(x.shape, float(dx))
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
        return lambda g, a, b: np.outer(g, b)
    if _base(a).ndim == 1 and _base(b).ndim == 2:
        return lambda g, a, b: b @ g
    if _base(a).ndim == 1 and _base(b).ndim == 1:
        return lambda g, a, b: g * b
    _refuse("dot_adjoint_a", g, a, b)


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
        return lambda g, a, b: np.outer(a, g)
    if _base(a).ndim == 2 and _base(b).ndim == 1:
        return lambda g, a, b: np.ascontiguousarray(a.T) @ g
    if _base(a).ndim == 1 and _base(b).ndim == 1:
        return lambda g, a, b: g * a
    _refuse("dot_adjoint_b", g, a, b)


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


# ----- transcendental functions of whole arrays, left to NumPy ----------------------------------
# llvmlite from the package index has no SVML: numba's own np.tanh of a 64x64 array takes 13x
# NumPy's time. Above a few dozen elements (where the ~1 us of numba.objmode pays off) a
# float64 array goes to NumPy's loop; numbers and small arrays stay in compiled code.

OBJMODE_ELEMENTS = 64
TRANSCENDENTAL = ("tanh", "exp", "log", "sin", "cos")
_UFUNCS = tuple(getattr(np, name) for name in TRANSCENDENTAL)


def _apply(which, x):
    """Run in object mode: NumPy's loop, C-contiguous."""
    return np.ascontiguousarray(_UFUNCS[which](x))


@numba.njit
def _numpy_1d(which, x):
    with numba.objmode(out="float64[::1]"):
        out = _apply(which, x)
    return out


@numba.njit
def _numpy_2d(which, x):
    with numba.objmode(out="float64[:, ::1]"):
        out = _apply(which, x)
    return out


@numba.njit
def _numpy_3d(which, x):
    with numba.objmode(out="float64[:, :, ::1]"):
        out = _apply(which, x)
    return out


_BY_RANK = {1: _numpy_1d, 2: _numpy_2d, 3: _numpy_3d}


def _left_to_numpy(which: int):
    ufunc = _UFUNCS[which]

    def stub(x):
        return ufunc(x)

    stub.__name__ = f"numpy_{TRANSCENDENTAL[which]}"

    def typer(x):
        by_numpy = _BY_RANK.get(getattr(x, "ndim", 0)) if isinstance(x, _types.Array) else None
        if by_numpy is None or x.dtype != _types.float64:
            return lambda x: ufunc(x)

        def impl(x):
            if x.size < OBJMODE_ELEMENTS:
                return np.ascontiguousarray(ufunc(x))
            return by_numpy(which, x)
        return impl

    _overload(stub)(typer)
    return stub


numpy_tanh, numpy_exp, numpy_log, numpy_sin, numpy_cos = (_left_to_numpy(i) for i in range(len(TRANSCENDENTAL)))

HELPERS = ("shape_only", "zero_like", "unbroadcast", "gradient_like", "unit_seed", "dot_adjoint_a", "dot_adjoint_b",
           "sign", *(f"numpy_{name}" for name in TRANSCENDENTAL))
NUMBA_VERSION = numba.__version__
