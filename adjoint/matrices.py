"""Full derivative matrices assembled from vjp and jvp: jacobian and hessian (shape out.shape + in.shape).

Each runs the function once per call, as every derived function does (its random draws, prints
and counters happen once): the matrices are built row by row from one forward pass's pullback,
never column by column from one forward pass per column."""
from __future__ import annotations

import dataclasses
import inspect
from typing import Callable, List

import numpy as np

from adjoint.api import Wrt, _bound_instance, grad, transformation, jvp, resolve_wrt, vjp
from adjoint.errors import AdjointError, ArgumentError, NonScalarOutputError
from adjoint.frontend.parse import unwrap


class SeveralParametersError(AdjointError, NotImplementedError):
    """hessian or elementwise_grad asked for several parameters at once."""


def _unit(shape, index) -> object:
    if not shape:
        return 1.0
    unit = np.zeros(shape)
    unit[index] = 1.0
    return unit


def _zero(value) -> object:
    return np.zeros(np.shape(value)) if np.shape(value) else 0.0


def _finish(blocks: List[np.ndarray], many: bool):
    blocks = [block if block.shape else float(block) for block in blocks]
    return tuple(blocks) if many else blocks[0]


def _inputs(func: Callable, names, args, kwargs, matrix: str) -> list:
    """The values of the parameters `names` in a call func(*args, **kwargs); a bound method's
    instance fills its first parameter, as when Python calls it. Each must be a number, an array,
    or a list or tuple of numbers: the matrix has an axis per axis of each."""
    bound = inspect.signature(unwrap(func)).bind(*_bound_instance(func), *args, **kwargs)
    bound.apply_defaults()
    values = [bound.arguments[name] for name in names]
    for name, value in zip(names, values):
        if not _numeric(value):
            raise ArgumentError(f"{matrix} with respect to `{name}`, a {type(value).__name__}: the matrix is taken "
                                "with respect to a number or an array; pass the array (or use hvp, vjp and jvp, "
                                "which take any nesting of lists, tuples and dicts)")
    return values


def _numeric(value) -> bool:
    if isinstance(value, (dict, str)) or dataclasses.is_dataclass(value):
        return False
    try:
        return np.asarray(value).dtype.kind in "biuf"
    except ValueError:  # a ragged nesting of lists
        return False


@transformation
def jacobian(func: Callable, wrt: Wrt = 0, *, optimize: bool = True) -> Callable:
    """The Jacobian of func with respect to wrt, of shape out.shape + in.shape: row by row, the
    pullbacks of one vjp (one run of func, however tall the matrix)."""
    names, many = resolve_wrt(func, wrt)
    backward = vjp(func, wrt=names, optimize=optimize)

    def jacobian_of(*args, **kwargs):
        inputs = _inputs(func, names, args, kwargs, "jacobian")
        value, pullback = backward(*args, **kwargs)
        if not _numeric(value):  # a dict, or a tuple of a number and an array: no axes to index
            raise NonScalarOutputError(f"jacobian of {getattr(func, '__name__', 'f')}: the function returns a "
                                       f"{type(value).__name__} that is not a number or an array (nor a list or tuple "
                                       "of them of one shape); take its entries' Jacobians, or use vjp")
        return _finish(_rows(pullback, np.shape(value), [np.shape(x) for x in inputs]), many)

    jacobian_of.__name__ = f"jacobian_{getattr(func, '__name__', 'f')}"
    return jacobian_of


def _rows(pullback: Callable, out_shape, in_shapes) -> List[np.ndarray]:
    """The blocks out_shape + in_shape of a Jacobian, one row per pullback of a unit cotangent."""
    blocks = [np.zeros(out_shape + shape) for shape in in_shapes]
    for index in np.ndindex(*out_shape):
        for block, gradient in zip(blocks, pullback(_unit(out_shape, index))):
            block[index] = gradient
    return blocks


@transformation
def hessian(func: Callable, wrt: Wrt = 0, *, optimize: bool = True) -> Callable:
    """The Hessian of scalar func with respect to wrt (one parameter): the Jacobian of its gradient,
    row by row from the pullbacks of one vjp of the gradient (reverse over reverse).

    Where reverse over reverse refuses (a derivative of a derivative that saves and restores
    lists, a rule without the adjoint of its adjoint), it is built column by column with hvp's
    forward over reverse, a run of func per column: each column's gradient must then be the
    one the first column's run made, or the function's value depends on more than its arguments (a
    random draw) and the matrix would mix derivatives of different functions: refused."""
    names, many = resolve_wrt(func, wrt)
    if many and len(names) > 1:
        raise SeveralParametersError("hessian with respect to several parameters: differentiate with respect to one array")
    gradient = grad(func, wrt=names[0], optimize=optimize)
    backward = vjp(gradient, wrt=names, optimize=optimize)
    forward = jvp(gradient, wrt=names, optimize=optimize)

    def hessian_of(*args, **kwargs):
        (x,) = _inputs(func, names, args, kwargs, "hessian")
        shape = np.shape(x)
        try:
            _, pullback = backward(*args, **kwargs)
            return _finish(_rows(pullback, shape, [shape]), many)
        except AdjointError:
            pass
        first = None
        matrix = np.zeros(shape + shape)
        lead = (slice(None),) * len(shape)
        for index in np.ndindex(*shape):
            value, matrix[lead + index] = forward(*args, _unit(shape, index), **kwargs)
            if first is None:
                first = value
            elif not np.array_equal(value, first, equal_nan=True):
                raise AdjointError(f"hessian of {getattr(func, '__name__', 'f')}: its gradient differs from run to "
                                   "run (a random draw?), and this Hessian takes a run per column")
        return _finish([matrix], many)

    hessian_of.__name__ = f"hessian_{getattr(func, '__name__', 'f')}"
    return hessian_of


def _called(ufunc: np.ufunc) -> Callable:
    """A Python function calling `ufunc` on its one argument, which adjoint reads and differentiates."""
    return lambda x: ufunc(x)


@transformation
def elementwise_grad(func: Callable, wrt: Wrt = 0, *, optimize: bool = True) -> Callable:
    """The derivative of an elementwise func (output i depends on input i alone), in one forward pass.

    The diagonal of the Jacobian, shaped like the input: `elementwise_grad(np.tanh)(x)` is
    1 - tanh(x)^2, without wrapping func in np.sum. It is jvp's tangent for a tangent of ones, so
    for a func that is not elementwise it is the row sums of the Jacobian, not a gradient.
    """
    if isinstance(func, np.ufunc):  # a NumPy function has no source: differentiate a call of it
        func = _called(func)
    names, many = resolve_wrt(func, wrt)
    if many:
        raise SeveralParametersError("elementwise_grad with respect to several parameters: take one at a time")
    forward = jvp(func, wrt=names[0], optimize=optimize)

    def elementwise_gradient(*args, **kwargs):
        (x,) = _inputs(func, names, args, kwargs, "elementwise_grad")
        ones = np.ones(np.shape(x)) if np.shape(x) else 1.0
        return forward(*args, ones, **kwargs)[1]

    elementwise_gradient.__name__ = f"elementwise_grad_{getattr(func, '__name__', 'f')}"
    return elementwise_gradient
