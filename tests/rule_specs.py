"""One RuleSpec per registered NumPy function (and array operator): how to call it, on which inputs.

A spec names the function its rule is registered for, how many differentiable arguments
the call takes (`x0`, `x1`, ...), the input domain (kept away from kinks, branch points
and ties), the argument shapes to try (always a size-1 axis, and a broadcasting pair for
binary functions), keyword variants (`axis`, `keepdims`, `ord`, ...) and the tolerance.
`call` is the Python expression of the call when it is not `np.<name>(x0, ...{kw})`; a
multi-line `call` is a function body whose last line is the returned expression.

`order` is the highest derivative order the function has on its domain (2 for smooth
functions; 1 for piecewise-linear ones such as np.maximum, np.abs, np.sort); the tests
check first derivatives. `peer` is False where autograd cannot serve as a second oracle:
it lacks the function's vjp (np.cbrt, np.cumprod, np.take, ...), its array boxes lack the
method (`x.copy()`, `+x`), or its vjp does not undo broadcasting (np.where, np.full,
np.linalg.solve with a broadcast right-hand side, np.einsum over a size-1 axis, np.cross)
or handle the arguments (np.sum and np.mean with a mask `where=`, np.mean with `dtype=` before
autograd 1.9, the one Python 3.9 gets, np.diagonal with an offset,
norms with keepdims or ord=1/inf, np.einsum with a repeated index such as `ii->`). Autograd
has no vjp of qr, lstsq, pinv, matrix_power, eigvalsh, meshgrid, average, median, quantile,
cov, polyval, interp, trapezoid, convolve and the other statistics functions.

Eigenvectors and singular vectors are defined up to sign: their specs multiply each by its
own first entry, which cancels the sign.

SPECS lists the specs; CASES expands them into (spec, shapes, kwargs, wrt) cases, which
test_rules.py turns into functions in a generated module.
"""
from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from typing import Any, Callable, Dict, Sequence, Tuple, Union

import numpy as np

import adjoint.runtime

SCALAR = "scalar"  # a Python float argument rather than an array
Shape = Union[str, Tuple[int, ...]]
Domain = Callable[[np.random.Generator, Shape], Any]


# ----- domains -----------------------------------------------------------------------------

def _draw(draw: Callable[[Tuple[int, ...]], np.ndarray], shape: Shape):
    return float(draw(())) if shape == SCALAR else np.asarray(draw(shape), dtype=np.float64)


def normal(rng, shape):
    return _draw(lambda s: rng.normal(size=s), shape)


def uniform(low: float, high: float) -> Domain:
    def domain(rng, shape):
        return _draw(lambda s: rng.uniform(low, high, size=s), shape)
    domain.__name__ = f"uniform({low}, {high})"
    return domain


positive = uniform(0.5, 2.0)
unit = uniform(-0.9, 0.9)
above_one = uniform(1.2, 3.0)


def away_from_zero(rng, shape):
    """Magnitudes in [0.3, 1.5] with random signs."""
    return _draw(lambda s: rng.uniform(0.3, 1.5, size=s) * rng.choice([-1.0, 1.0], size=s), shape)


def spaced(rng, shape):
    """Distinct values at least 0.1 apart, magnitudes at least 0.15: no ties, no zero (max, sort, norms)."""
    def draw(s):
        count = int(np.prod(s))
        values = (np.arange(count) + 1.5) * 0.3 * rng.choice([-1.0, 1.0], size=count)
        return rng.permutation(values).reshape(s) + rng.uniform(-0.05, 0.05, size=s)
    return _draw(draw, shape)


def near(*centres: float, spread: float = 0.05) -> Domain:
    """Values within `spread` of one of `centres` (chosen at random per element)."""
    def domain(rng, shape):
        return _draw(lambda s: rng.choice(centres, size=s) + rng.uniform(-spread, spread, size=s), shape)
    domain.__name__ = f"near{centres}"
    return domain


def well_conditioned(rng, shape):
    """Square matrices (or stacks of them) N(0, 1) + 3 I: far from singular."""
    return rng.normal(size=shape) + 3.0 * np.eye(shape[-1])


def symmetric_spread(rng, shape):
    """Symmetric matrices (or stacks) with eigenvalues at least 1 apart: eigenvectors are smooth there."""
    size = shape[-1]
    turn = np.linalg.qr(rng.normal(size=shape))[0]
    spectrum = np.arange(size) * 1.5 - size / 2 + rng.uniform(0.0, 0.4, size=shape[:-1])
    return (turn * np.expand_dims(spectrum, -2)) @ np.swapaxes(turn, -1, -2)


def full_rank(rng, shape):
    """Matrices with the diagonal 2, 3.5, 5, ... plus N(0, 0.3^2): far from rank-deficient, singular values apart."""
    return 0.3 * rng.normal(size=shape) + np.eye(shape[-2], shape[-1]) * (2.0 + 1.5 * np.arange(shape[-1]))


def unwrappable(rng, shape):
    """Steps along the last axis of 0.1 to 0.6 or 3.4 to 4.0: away from the jumps of np.unwrap (at half a
    period, pi or 1.5 for period 3.0, and its odd multiples)."""
    steps = rng.uniform(0.1, 0.6, size=shape) + rng.choice([0.0, 3.3], size=shape)
    return np.cumsum(steps, axis=-1)


def increasing(rng, shape):
    """Increasing values with steps in [0.5, 1.5] (sample points, knots)."""
    return _draw(lambda s: np.cumsum(rng.uniform(0.5, 1.5, size=s), axis=-1), shape)


# ----- specs -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Variant:
    """Keyword arguments tried on their own shapes (when the spec's shapes do not all accept them)."""

    kwargs: Dict[str, Any]
    shapes: Tuple[Tuple[Shape, ...], ...]


@dataclass(frozen=True)
class RuleSpec:
    func: Any
    nargs: int
    domain: Union[Domain, Tuple[Domain, ...]] = normal
    shapes: Tuple[Tuple[Shape, ...], ...] = ()
    order: int = 2
    tol: float = 1e-6
    kwargs: Tuple[Union[Dict[str, Any], Variant], ...] = ({},)
    call: str = ""
    peer: bool = True
    id: str = ""

    def domains(self) -> Tuple[Domain, ...]:
        return self.domain if isinstance(self.domain, tuple) else (self.domain,) * self.nargs

    def source(self, kwargs: Dict[str, Any]) -> str:
        """The body of a function of x0, x1, ... calling the rule's function."""
        keywords = "".join(f", {key}={render(value)}" for key, value in kwargs.items())
        call = self.call or f"{dotted_name(self.func)}({', '.join(f'x{i}' for i in range(self.nargs))}{{kw}})"
        lines = call.replace("{kw}", keywords).split("\n")
        return "\n".join(lines[:-1] + [f"return {lines[-1]}"])

    def variants(self):
        for item in self.kwargs:
            if isinstance(item, Variant):
                for shapes in item.shapes:
                    yield shapes, item.kwargs
            else:
                for shapes in self.shapes:
                    yield shapes, item


def render(value: Any) -> str:
    if isinstance(value, float) and math.isinf(value):
        return "np.inf" if value > 0 else "-np.inf"
    return repr(value)


def dotted_name(func: Any) -> str:
    """How the generated test functions spell func: `np.exp`, `np.linalg.inv`."""
    module = getattr(func, "__module__", "") or "numpy"
    prefix = "np" + module[len("numpy"):] if module.startswith("numpy") else module
    return f"{prefix}.{func.__name__}"


S = SCALAR
# np.trapz is np.trapezoid's name before NumPy 2.0 (and a deprecated alias until 2.4).
INTEGRALS = tuple(f for f in (getattr(np, "trapezoid", None), getattr(np, "trapz", None)) if f is not None)
UNARY = ((S,), ((),), ((3,),), ((2, 1, 3),))
ARRAYS = (((),), ((3,),), ((2, 1, 3),))
BINARY = (
    (S, S), ((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 3)), ((2, 3), S),
)
REDUCED = (((3,),), ((2, 1, 3),), ((4, 3),))
AXES = ({}, {"axis": 0}, {"axis": -1}, {"keepdims": True}, {"axis": 0, "keepdims": True},
        {"axis": -1, "keepdims": True}, Variant({"axis": (0, 1)}, (((2, 1, 3),), ((4, 3),))),
        Variant({}, ((S,), ((),))))
CUMULATIVE = ({}, {"axis": 0}, {"axis": -1}, Variant({}, ((S,),)))
MATMUL = (
    ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((1, 3), (3, 1)),
    ((5, 2, 3), (3, 4)), ((5, 2, 3), (5, 3, 4)), ((1, 2, 3), (4, 3, 2)), ((3,), (5, 3, 4)),
    ((5, 2, 3), (3,)),
)
DOT = MATMUL[:5] + (((), (3,)), (S, (2, 3)), ((2, 2, 3), (3, 4)), ((2, 3), (2, 3, 4)), ((2, 2, 3), (4, 3, 2)))
MATRICES = (((3, 3),), ((2, 3, 3),))


def unary(func, domain: Domain = normal, order: int = 2, shapes=UNARY, **more) -> RuleSpec:
    return RuleSpec(func, 1, domain, shapes, order, **more)


def binary(func, domain=normal, order: int = 2, shapes=BINARY, **more) -> RuleSpec:
    return RuleSpec(func, 2, domain, shapes, order, **more)


def reduction(func, domain: Domain = normal, order: int = 2, kwargs=AXES, **more) -> RuleSpec:
    return RuleSpec(func, 1, domain, REDUCED, order, kwargs=kwargs, **more)


def einsum(subscripts: str, *shapes: Tuple[int, ...], peer: bool = True) -> RuleSpec:
    args = ", ".join(f"x{i}" for i in range(len(shapes)))
    return RuleSpec(np.einsum, len(shapes), normal, (shapes,), call=f"np.einsum({subscripts!r}, {args})",
                    peer=peer, id=f"einsum[{subscripts}]")


def call(func, source: str, shapes, nargs: int = 1, domain=normal, order: int = 2, **more) -> RuleSpec:
    return RuleSpec(func, nargs, domain, shapes, order, call=source, **more)


ELEMENTWISE = [
    unary(np.exp), unary(np.exp2), unary(np.expm1), unary(np.log, positive), unary(np.log2, positive),
    unary(np.log10, positive), unary(np.log1p, positive), unary(np.sqrt, positive),
    unary(np.cbrt, away_from_zero, peer=False), unary(np.square), unary(np.reciprocal, away_from_zero),
    unary(np.sin), unary(np.cos), unary(np.tan, unit), unary(np.arcsin, unit), unary(np.arccos, unit),
    unary(np.arctan), unary(np.deg2rad), unary(np.radians), unary(np.rad2deg), unary(np.degrees),
    unary(np.sinc, peer=False), unary(np.sinh), unary(np.cosh), unary(np.tanh), unary(np.arcsinh),
    unary(np.arccosh, above_one), unary(np.arctanh, unit), unary(np.abs, away_from_zero, order=1),
    unary(np.fabs, away_from_zero, order=1, peer=False),
    unary(np.negative), unary(np.positive, peer=False), unary(np.conj), unary(np.real),
    call(np.conj, "x0.conjugate()", ARRAYS, peer=False), call(np.real, "x0.real", ARRAYS, peer=False),
    call(adjoint.runtime.astype, "x0.astype(np.float64)", ARRAYS, peer=False, id="astype[float64]"),
    call(np.float64, "np.float64(x0) * x0", ARRAYS, peer=False),
    # float32 rounds x to 2^-24 of itself, which central differences (eps 1e-6, 1e-5 for the
    # second derivatives) see as an error of up to 0.06 |x| in the slope: the domain keeps |x| below
    # 2e-4 (an error below 1.2e-5) and the tolerance at 1e-4.
    call(np.float32, "np.float32(x0) * x0", ARRAYS, domain=uniform(1e-4, 2e-4), peer=False, tol=1e-4),
    call(adjoint.runtime.astype, "x0 * x0.astype(int)", ARRAYS, domain=near(1.5, -2.5, spread=0.2),
         peer=False, id="astype[int]"),
    binary(np.add), binary(np.subtract), binary(np.multiply), binary(np.divide, (normal, away_from_zero)),
    binary(np.power, (positive, normal)),
    binary(np.float_power, (positive, normal), peer=False),
    binary(np.mod, (uniform(2.2, 2.6), uniform(1.5, 1.6)), order=1),
    binary(np.fmod, (uniform(2.2, 2.6), uniform(1.5, 1.6)), order=1, peer=False),
    call(np.divmod, "np.divmod(x0, x1)[1] * np.divmod(x0, x1)[0] + np.divmod(x0, x1)[1] ** 2", BINARY, nargs=2,
         domain=(uniform(3.3, 3.5), uniform(1.5, 1.6)), order=1, peer=False),
    call(divmod, "divmod(x0, x1)[1] * divmod(x0, x1)[0] + divmod(x0, x1)[1] ** 2", BINARY, nargs=2,
         domain=(uniform(3.3, 3.5), uniform(1.5, 1.6)), order=1, peer=False),
    binary(np.arctan2, (normal, away_from_zero)), binary(np.hypot, (away_from_zero, away_from_zero)),
    binary(np.logaddexp), binary(np.logaddexp2),
    binary(np.maximum, (away_from_zero, uniform(-0.1, 0.1)), order=1),
    binary(np.minimum, (away_from_zero, uniform(-0.1, 0.1)), order=1),
    binary(np.fmax, (away_from_zero, uniform(-0.1, 0.1)), order=1, peer=False),
    binary(np.fmin, (away_from_zero, uniform(-0.1, 0.1)), order=1, peer=False),
    # Where one argument is NaN, fmax and fmin return the other, and its derivative.
    call(np.fmax, "np.fmax(x0, np.where(x1 > 0.0, np.nan, x1)) + np.fmax(np.where(x0 > 0.0, np.nan, x0), x1)", BINARY,
         nargs=2, domain=(away_from_zero, away_from_zero), order=1, peer=False, id="fmax[nan]"),
    call(np.fmin, "np.fmin(x0, np.where(x1 > 0.0, np.nan, x1)) + np.fmin(np.where(x0 > 0.0, np.nan, x0), x1)", BINARY,
         nargs=2, domain=(away_from_zero, away_from_zero), order=1, peer=False, id="fmin[nan]"),
    call(np.where, "np.where(x0 > 0.0, x0 * x1, x1)", BINARY[:2], nargs=2, domain=(away_from_zero, normal), order=1),
    call(np.where, "np.where(x0 > 0.0, x0 * x1, x1)", BINARY[2:], nargs=2, domain=(away_from_zero, normal), order=1,
         peer=False),
    # np.select: the first choice whose condition holds, else the default (all three broadcast).
    call(np.select, "np.select([x0 > 0.5, x0 < -0.5], [x0 * x1, x1 ** 2], x0 - x1)", BINARY, nargs=2,
         domain=(near(-1.0, 0.0, 1.0, spread=0.3), normal), peer=False),
    call(np.select, "np.select([x0 > 0.0], [x0 ** 2])", UNARY[1:], domain=away_from_zero, peer=False,
         id="select[default]"),
    call(np.clip, "np.clip(x0, -0.5, 0.5)", UNARY, domain=near(-1.0, 0.0, 1.0, spread=0.3), order=1),
    call(np.clip, "np.clip(x0, x1, x2)", (((3,), (3,), (3,)), ((2, 3), (3,), S), ((2, 3), (2, 1), (1, 3))),
         nargs=3, domain=(near(-1.0, 0.0, 1.0, spread=0.3), uniform(-0.6, -0.4), uniform(0.4, 0.6)), order=1,
         peer=False, id="clip[bounds]"),
    call(np.clip, "np.clip(x0, None, x1)", (((3,), ()), ((2, 3), (3,))), nargs=2,
         domain=(near(-1.0, 1.0, spread=0.3), uniform(-0.1, 0.1)), order=1, peer=False, id="clip[None]"),
    call(np.clip, "x0.clip(-0.5, 0.5)", ARRAYS, domain=near(-1.0, 0.0, 1.0, spread=0.3), order=1),
    RuleSpec(np.copysign, 2, (away_from_zero, away_from_zero), BINARY, order=1, peer=False),
    call(np.ldexp, "np.ldexp(x0, 3)", UNARY, peer=False),
    call(np.ldexp, "np.ldexp(x0, np.array([1, -2, 0]))", (((3,),), ((2, 3),)), peer=False, id="ldexp[array]"),
]

# NumPy 2.1's cumulative_sum and cumulative_prod, when NumPy has them.
CUMULATIVE_API = tuple((getattr(np, name), domain) for name, domain in
                       (("cumulative_sum", normal), ("cumulative_prod", away_from_zero)) if hasattr(np, name))

REDUCTIONS = [
    reduction(np.sum), reduction(np.mean), reduction(np.prod, away_from_zero),
    reduction(np.nansum, peer=False),
    # NaNs made by np.where, squared: their tangents are NaN too, and must not reach the sum.
    call(np.nansum, "np.nansum(np.where(x0 > 0.5, np.nan, x0) ** 2{kw})", REDUCED, kwargs=AXES[:-2], peer=False,
         id="nansum[nan]"),
    reduction(np.max, spaced, order=1), reduction(np.amax, spaced, order=1),
    reduction(np.min, spaced, order=1), reduction(np.amin, spaced, order=1),
    reduction(np.var, kwargs=AXES + ({"ddof": 1},)), reduction(np.std, kwargs=AXES[:-1] + ({"ddof": 1},)),
    reduction(np.cumsum, kwargs=CUMULATIVE[:-1]), reduction(np.cumsum, kwargs=CUMULATIVE[-1:], peer=False),
    reduction(np.cumprod, away_from_zero, kwargs=CUMULATIVE, peer=False),
    RuleSpec(np.diff, 1, normal, (((4,),), ((2, 5),)), kwargs=({}, {"n": 2}, {"axis": 0})),
    call(np.diff, "np.diff(x0, prepend=x1)", (((4,), ()), ((4,), (1,))), nargs=2, id="diff[prepend]",
         peer=False),
    call(np.diff, "np.diff(x0, axis=0, append=x1)", (((3, 2), ()), ((3, 2), (1, 2))), nargs=2, id="diff[append]",
         peer=False),
    call(np.diff, "np.diff(x0, n=2, prepend=x1, append=x2)", (((4,), (), (2,)),), nargs=3,
         id="diff[both ends]", peer=False),
    RuleSpec(np.ediff1d, 1, normal, (((4,),), ((2, 3),)), peer=False),
    RuleSpec(np.gradient, 1, normal, (((5,),), ((3,),)), peer=False, kwargs=(
        {}, {"edge_order": 2}, Variant({"axis": 1}, (((3, 4),),)), Variant({"axis": 0, "edge_order": 2}, (((4, 2),),)),
        Variant({"axis": -1}, (((2, 1, 3),),)))),
    RuleSpec(np.gradient, 2, (normal, positive), (((5,), SCALAR),), peer=False, call="np.gradient(x0, x1{kw})",
             kwargs=({}, {"edge_order": 2}), id="gradient[spacing]"),
    RuleSpec(np.gradient, 1, normal, (((5,),), ((4, 5),)), peer=False, kwargs=({"axis": -1}, {"axis": -1, "edge_order": 2}),
             call="np.gradient(x0, np.array([0.0, 0.5, 1.5, 1.75, 3.0]){kw})", id="gradient[coordinates]"),
    *(RuleSpec(f, 1, domain, (((4,),),), kwargs=({}, {"axis": 0}), peer=False) for f, domain in CUMULATIVE_API),
    *(RuleSpec(f, 1, domain, (((4, 3),),), kwargs=({"axis": 0}, {"axis": -1}), peer=False)
      for f, domain in CUMULATIVE_API),
    reduction(np.nancumsum, kwargs=CUMULATIVE[:-1], peer=False),
    call(np.nancumsum, "np.nancumsum(np.log(x0), axis=-1)", (((4, 3),),), domain=uniform(-0.5, 3.0), peer=False,
         id="nancumsum[nan]"),
    reduction(np.nanprod, away_from_zero, kwargs=AXES[:-1], peer=False),
    call(np.nanprod, "np.nanprod(np.log(x0), axis=0)", (((4, 3),),), domain=near(-0.5, 2.0, 3.0, spread=0.2),
         peer=False, id="nanprod[nan]"),
    reduction(np.nanvar, kwargs=AXES[:-1] + ({"ddof": 1},), peer=False),
    reduction(np.nanstd, kwargs=AXES[:-1] + ({"ddof": 1},), peer=False),
    *(call(f, f"np.{f.__name__}(np.log(x0), axis=-1{{kw}})", (((4, 5),),), domain=uniform(-0.3, 3.0),
           kwargs=({}, {"ddof": 1}, {"keepdims": True}), peer=False, id=f"{f.__name__}[nan]")
      for f in (np.nanvar, np.nanstd)),
    call(np.sum, "x0.sum(axis=0)", REDUCED[:2]), call(np.sum, "x0.sum()", ARRAYS),
    call(adjoint.runtime.summed, "np.sum(x0 * x0, axis=-1, where=x0 > 0.0)", REDUCED, domain=away_from_zero,
         peer=False, id="sum[where]"),
    call(adjoint.runtime.summed, "np.sum(x0, dtype=np.float64, keepdims=True) * x0", ARRAYS, id="sum[dtype]"),
    call(adjoint.runtime.averaged, "np.mean(x0 * x0, axis=0, where=np.arange(x0.size).reshape(x0.shape) % 2 == 0)",
         REDUCED, peer=False, id="mean[where]"),
    call(adjoint.runtime.averaged, "x0.mean(dtype=np.float64) * x0", ARRAYS, peer=False, id="mean[dtype]"),
    call(adjoint.runtime.summed, "np.sum(x0 * x0, axis=-1, where=x0 > 0.0, initial=x1)", (((3,), S), ((3,), ()),
         ((4, 3), S)), nargs=2, domain=(away_from_zero, normal), peer=False, id="sum[initial]"),
    call(adjoint.runtime.multiplied, "np.prod(x0, axis=0, where=x0 > 0.0, initial=x1)", (((3,), S), ((4, 3), S)),
         nargs=2, domain=(away_from_zero, normal), peer=False, id="prod[where,initial]"),
    call(adjoint.runtime.multiplied, "x0.prod(dtype=np.float64, initial=2.5) * x0", ARRAYS, domain=away_from_zero,
         peer=False, id="prod[dtype,initial]"),
    # Starts away from the entries (0.4 to 0.5, 0.7 to 0.8, ... in magnitude): no tie.
    call(adjoint.runtime.highest, "np.max(x0, axis=-1, where=x0 > 0.0, initial=x1)", (((4, 3), S), ((3,), S)),
         nargs=2, domain=(spaced, uniform(0.55, 0.65)), order=1, peer=False, id="max[where,initial]"),
    call(adjoint.runtime.highest, "x0.max(initial=x1, keepdims=True)", (((2, 3), S),), nargs=2,
         domain=(spaced, uniform(-0.1, 0.1)), order=1, peer=False, id="max[initial]"),
    call(adjoint.runtime.lowest, "np.amin(x0, axis=0, where=x0 < 0.0, initial=x1)", (((4, 3), S),), nargs=2,
         domain=(spaced, uniform(-0.65, -0.55)), order=1, peer=False, id="amin[where,initial]"),
    call(adjoint.runtime.log_sum_exp, "np.logaddexp.reduce(x0{kw})", REDUCED, peer=False,
         kwargs=({}, {"axis": -1}, {"axis": None}, {"axis": 0, "keepdims": True}), id="logaddexp.reduce"),
    call(np.mean, "x0.mean(keepdims=True)", ARRAYS), call(np.max, "x0.max(axis=-1)", REDUCED, domain=spaced, order=1),
    call(np.min, "x0.min()", REDUCED, domain=spaced, order=1),
    call(np.prod, "x0.prod()", REDUCED, domain=away_from_zero),
    call(np.var, "x0.var(axis=0)", REDUCED), call(np.std, "x0.std()", REDUCED),
    call(np.cumsum, "x0.cumsum(axis=0)", REDUCED),
    call(adjoint.runtime.running_max, "np.maximum.accumulate(x0) * x0", REDUCED, domain=spaced, peer=False,
         id="maximum.accumulate"),
    call(adjoint.runtime.running_max, "np.maximum.accumulate(x0, axis=-1) ** 2", REDUCED, domain=spaced, peer=False,
         id="maximum.accumulate[-1]"),
    call(adjoint.runtime.running_min, "np.minimum.accumulate(x0, -1) * x0", REDUCED, domain=spaced, peer=False,
         id="minimum.accumulate[-1]"),
]

LINALG = [
    binary(np.dot, shapes=DOT), call(np.dot, "x0.dot(x1)", MATMUL[:5], nargs=2, peer=False),
    binary(np.matmul, shapes=MATMUL), call(operator.matmul, "x0 @ x1", MATMUL, nargs=2),
    binary(np.vdot, shapes=(((3,), (3,)), ((2, 3), (3, 2))), peer=False),
    binary(np.outer, shapes=(((3,), (4,)), ((), (3,)))), binary(np.outer, shapes=(((2, 2), (3,)),), peer=False),
    binary(np.inner, shapes=(((3,), (3,)), ((2, 3), (3,)), ((2, 3), (4, 3)), ((2, 1, 3), (3,)), ((), (3,)))),
    RuleSpec(np.tensordot, 2, normal, (((2, 3, 4), (3, 4, 5)),), kwargs=(
        {}, Variant({"axes": 1}, (((2, 3), (3, 4)), ((3,), (3, 2)))), Variant({"axes": 0}, (((2,), (3,)),)),
        Variant({"axes": ([0, 2], [1, 0])}, (((3, 4, 5), (5, 3, 2)),)), Variant({"axes": (1, 0)}, (((2, 3), (3, 4)),)),
    )),
    binary(np.kron, shapes=(((2, 2), (3, 2)), ((2,), (3,)), ((2, 1), (3,)))),
    einsum("ij,jk->ik", (2, 3), (3, 4)), einsum("bij,bjk->bik", (2, 2, 3), (2, 3, 4)),
    einsum("ij,jk", (2, 3), (3, 4)), einsum("ij->j", (2, 3)), einsum("i,i->", (3,), (3,)),
    einsum("ij,ij->i", (2, 3), (2, 3)), einsum("i,j->ij", (2,), (3,)), einsum("ij,jk,kl->il", (2, 3), (3, 2), (2, 4)),
    einsum("ijk,j->i", (2, 3, 4), (3,)), einsum("ji", (2, 3)),
    einsum("ii->", (3, 3), peer=False), einsum("ii->i", (3, 3), peer=False), einsum("ii", (3, 3), peer=False),
    RuleSpec(np.einsum, 3, normal, (((2, 3), (3, 2), (2, 4)),), call="np.einsum('ij,jk,kl->il', x0, x1, x2, "
             "optimize=True)", peer=False, id="einsum[optimize]"),
    einsum("ij,jj->i", (2, 3), (3, 3), peer=False), einsum("iij->ji", (3, 3, 2), peer=False),
    einsum("iji,j->", (3, 2, 3), (2,), peer=False),
    einsum("ijk,jk->ij", (2, 4, 1), (4, 3), peer=False), einsum("ij,jk->ik", (3, 1), (2, 4), peer=False),
    einsum("...ij,jk->...ik", (2, 2, 3), (3, 4)), einsum("...i,...i", (2, 3), (3,)), einsum("i...->...", (3, 2)),
    einsum("ij...,j...->i...", (2, 3, 1), (3, 4), peer=False),
    call(np.linalg.multi_dot, "np.linalg.multi_dot([x0, x1, x2])",
         (((2, 3), (3, 4), (4, 2)), ((3,), (3, 4), (4,)), ((3,), (3, 2), (2, 2)), ((1, 3), (3, 1), (1,))), nargs=3,
         peer=False),
    call(np.linalg.multi_dot, "np.linalg.multi_dot([x0, x1])", (((2, 3), (3,)), ((3,), (3,))), nargs=2, peer=False,
         id="multi_dot[two]"),
    RuleSpec(np.trace, 1, normal, (((3, 3),), ((3, 4),), ((3, 3, 2),)), kwargs=({}, {"offset": 1})),
    call(np.trace, "x0.trace()", (((3, 3),),)),
    RuleSpec(np.trace, 1, normal, (((3, 4),),), peer=False, id="trace[axes]", kwargs=(
        {"offset": -1, "axis1": 1, "axis2": 0}, Variant({"axis1": 1, "axis2": 2}, (((2, 3, 4),),)),
        Variant({"offset": 1, "axis1": -1, "axis2": 0}, (((3, 2, 4),),)))),
    RuleSpec(np.diagonal, 1, normal, (((3, 3),), ((3, 4),)), peer=False, kwargs=(
        {}, {"offset": 1}, {"offset": -1}, Variant({"axis1": 1, "axis2": 2}, (((2, 3, 3),),)))),
    call(np.diagonal, "x0.diagonal()", (((3, 4),),), peer=False),
    RuleSpec(np.diag, 1, normal, (((3,),), ((3, 3),)), kwargs=({}, {"k": 1})),
    RuleSpec(np.diag, 1, normal, (((3, 4),),), kwargs=({}, {"k": 1}), peer=False),
    unary(np.linalg.inv, well_conditioned, shapes=MATRICES), unary(np.linalg.det, well_conditioned, shapes=MATRICES),
    call(np.linalg.slogdet, "np.linalg.slogdet(x0)[1]", MATRICES, domain=well_conditioned),
    call(np.linalg.slogdet, "x0[0, 0] * np.linalg.slogdet(x0)[0]", MATRICES[:1], domain=well_conditioned,
         id="slogdet[sign]"),
    binary(np.linalg.solve, (well_conditioned, normal),
           shapes=(((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (2, 3, 2)))),
    binary(np.linalg.solve, (well_conditioned, normal), shapes=(((2, 3, 3), (3,)), ((2, 3, 3), (3, 1))), peer=False),
    call(np.linalg.cholesky, "np.linalg.cholesky(x0 @ np.swapaxes(x0, -1, -2) + 3.0 * np.eye(3))", MATRICES),
    RuleSpec(np.linalg.norm, 1, spaced, (((3,),), ((2, 3),)), kwargs=(
        {}, {"axis": 0}, *(Variant({"ord": ord}, (((3,),),)) for ord in (2, 3)),
        *(Variant({"ord": ord}, (((3, 4),),)) for ord in ("fro", "nuc")), Variant({"axis": (0, 2)}, (((3, 2, 4),),)),
    ), order=1),
    RuleSpec(np.linalg.norm, 1, spaced, (((3,),), ((2, 3),)), kwargs=(
        {"axis": -1, "keepdims": True}, {"keepdims": True},
        *(Variant({"ord": ord}, (((3,),),)) for ord in (1, math.inf, -math.inf)),
        Variant({"ord": 1, "axis": 1}, (((2, 3),),)), Variant({"ord": math.inf, "axis": 0}, (((2, 3),),)),
        Variant({"ord": 2}, (((3, 4),),)), Variant({"ord": "fro", "axis": (1, 2), "keepdims": True}, (((2, 3, 4),),)),
        *(Variant({"ord": ord}, (((3, 4),),)) for ord in (1, -1, math.inf, -math.inf)),
        Variant({"ord": 1, "axis": (2, 0)}, (((3, 2, 4),),)), Variant({"ord": 0}, (((3,),),)),
        Variant({}, ((S,), ((),))),
    ), order=1, peer=False),
]

SHAPE = [
    RuleSpec(np.diagflat, 1, normal, (((3,),), ((2, 2),)), kwargs=({}, {"k": 1}, {"k": -2}), peer=False),
    RuleSpec(np.vander, 1, normal, (((3,),), ((1,),)), kwargs=({}, {"N": 2}, {"N": 5}, {"N": 1}, {"increasing": True},
                                                                  {"N": 4, "increasing": True}), peer=False),
    call(np.reshape, "np.reshape(x0, (3, 2))", (((6,),), ((2, 3),), ((1, 6),))),
    call(np.reshape, "x0.reshape(3, -1)", (((6,),), ((2, 3),))), call(np.reshape, "x0.reshape(-1)", (((2, 3),),)),
    unary(np.ravel), call(np.ravel, "x0.flatten()", (((2, 3),),)),
    RuleSpec(np.squeeze, 1, normal, (((2, 1, 3),), ((1,),)), kwargs=({}, Variant({"axis": 1}, (((2, 1, 3),),)))),
    call(np.squeeze, "x0.squeeze()", (((2, 1, 3),),)),
    RuleSpec(np.expand_dims, 1, normal, (((3,),), ((2, 3),)), kwargs=({"axis": 0}, {"axis": -1}, {"axis": (0, 2)})),
    unary(np.atleast_1d, shapes=((S,), ((),), ((3,),))), unary(np.atleast_2d, shapes=((S,), ((3,),), ((2, 3),))),
    unary(np.atleast_3d, shapes=(((3,),), ((2, 3),))),
    call(np.broadcast_to, "np.broadcast_to(x0, (2, 3))", ((S,), ((),), ((3,),), ((2, 1),), ((1, 3),)), peer=False),
    RuleSpec(np.transpose, 1, normal, (((2, 3),), ((3,),)), kwargs=({}, Variant({"axes": (1, 0, 2)}, (((2, 3, 4),),)))),
    call(np.transpose, "x0.T", (((2, 3),), ((2, 1, 3),))),
    call(np.transpose, "x0.transpose(2, 0, 1)", (((2, 3, 4),),), peer=False),
    call(np.swapaxes, "np.swapaxes(x0, 0, 2)", (((2, 3, 4),),)), call(np.swapaxes, "x0.swapaxes(0, 1)", (((2, 3),),)),
    call(np.moveaxis, "np.moveaxis(x0, 0, -1)", (((2, 3, 4),),)),
    call(np.moveaxis, "np.moveaxis(x0, (0, 1), (2, 0))", (((2, 3, 4),),)),
    RuleSpec(np.flip, 1, normal, (((2, 3),),), kwargs=({}, {"axis": 0}, {"axis": (0, 1)}), peer=False),
    unary(np.fliplr, shapes=(((2, 3),),)), unary(np.flipud, shapes=(((2, 3),), ((3,),))),
    RuleSpec(np.rot90, 1, normal, (((2, 3),),), kwargs=({}, {"k": 2})),
    RuleSpec(np.rot90, 1, normal, (((2, 3, 4),),), kwargs=({"k": -1, "axes": (1, 2)},), peer=False),
    call(np.roll, "np.roll(x0, 2)", (((5,),), ((2, 3),))), call(np.roll, "np.roll(x0, 1, axis=0)", (((2, 3),),)),
    call(np.roll, "np.roll(x0, (1, 2), axis=(0, 1))", (((2, 3),),), peer=False),
    RuleSpec(np.sort, 1, spaced, (((5,),),), order=1),
    RuleSpec(np.sort, 1, spaced, (((2, 3),),), order=1, kwargs=({}, {"axis": 0}, {"axis": None}), peer=False),
    call(np.partition, "np.partition(x0, 1{kw})", (((5,),), ((3, 4),)), domain=spaced,
         kwargs=({}, {"axis": 0}, {"axis": None}), peer=False),
    call(np.partition, "np.partition(x0, (0, 3))", (((5,),),), domain=spaced, id="partition[kth pair]"),
    RuleSpec(np.triu, 1, normal, (((3, 3),), ((3, 4),), ((2, 3, 3),)), kwargs=({}, {"k": 1}, {"k": -1})),
    RuleSpec(np.tril, 1, normal, (((3, 3),), ((3, 4),), ((2, 3, 3),)), kwargs=({}, {"k": 1}, {"k": -1})),
    call(np.concatenate, "np.concatenate([x0, x1]{kw})", (((2, 3), (4, 3)), ((1,), (3,))), nargs=2,
         kwargs=({}, Variant({"axis": 1}, (((2, 3), (2, 1)),)), Variant({"axis": -1}, (((2, 1, 3), (2, 1, 2)),)))),
    call(np.concatenate, "np.concatenate([x0, x1], axis=None)", (((2, 3), (4,)),), nargs=2, peer=False),
    call(np.concatenate, "np.concatenate((x0, x1, x2))", (((2,), (3,), (1,)),), nargs=3),
    call(np.concatenate, "np.concatenate([x0, np.ones(2)])", (((3,),),), id="concatenate[constant]"),
    call(np.block, "np.block([[x0, x1], [x2, x3]])", (((2, 2), (2, 3), (1, 2), (1, 3)),), nargs=4, peer=False),
    call(np.block, "np.block([x0, x1, np.ones(2)])", (((3,), (2,)), ((), (2,))), nargs=2, peer=False,
         id="block[row]"),
    call(np.block, "np.block([x0, x1])", (((2, 3), (2, 1)), ((1, 2), (3,))), nargs=2, peer=False, id="block[2-d row]"),
    call(np.block, "np.block([[x0], [x1 * 2.0]])", (((3,), (3,)), ((), (1,)), ((2, 2), (1, 2))), nargs=2,
         peer=False, id="block[column]"),
    call(np.block, "np.block([[[x0, x1]], [[x1, x0]]])", (((2, 1), (2, 2)),), nargs=2, peer=False,
         id="block[depth 3]"),
    call(np.block, "np.block(x0)", (((3,),),), peer=False, id="block[array]"),
    call(np.stack, "np.stack([x0, x1]{kw})", (((2, 3), (2, 3)), ((), ())), nargs=2,
         kwargs=({}, {"axis": -1}, Variant({"axis": 1}, (((2, 3), (2, 3)),)))),
    call(np.vstack, "np.vstack([x0, x1])", (((3,), (3,)), ((2, 3), (1, 3)), ((3,), (2, 3))), nargs=2),
    call(np.hstack, "np.hstack((x0, x1))", (((2,), (3,)), ((2, 3), (2, 1)), ((), (2,))), nargs=2),
    call(np.dstack, "np.dstack([x0, x1])", (((2, 3), (2, 3)), ((3,), (3,))), nargs=2, peer=False),
    call(np.column_stack, "np.column_stack([x0, x1])", (((3,), (3, 2)), ((3,), (3,))), nargs=2),
    call(np.split, "np.split(x0, 3)", (((6,),),)), call(np.split, "np.split(x0, [1, 3], axis=1)", (((2, 5),),)),
    call(np.split, "np.split(x0, 3)[1]", (((6,),),), id="split[one piece]"),
    call(np.array_split, "np.array_split(x0, 3)", (((7,),),)),
    call(np.vsplit, "np.vsplit(x0, 2)", (((4, 3),),)), call(np.hsplit, "np.hsplit(x0, [1])", (((2, 3),),)),
    call(np.hsplit, "np.hsplit(x0, [1])", (((4,),),), peer=False),
    call(np.tile, "np.tile(x0, 2)", (((3,),), ((),))), call(np.tile, "np.tile(x0, 2)", (((2, 3),),), peer=False),
    call(np.tile, "np.tile(x0, (2, 1, 2))", (((3,),), ((2, 3),))),
    call(np.repeat, "np.repeat(x0, 2)", (((3,),), ((2, 3),))), call(np.repeat, "np.repeat(x0, 2)", ((S,),), peer=False),
    call(np.repeat, "np.repeat(x0, 2, axis=1)", (((2, 3),),)),
    call(np.repeat, "np.repeat(x0, [1, 2, 0], axis=-1)", (((2, 3),),), peer=False),
    call(np.repeat, "x0.repeat(3)", (((2,),),)),
    call(np.take, "np.take(x0, [2, 0, 2])", (((4,),), ((2, 3),)), peer=False),
    call(np.take, "np.take(x0, [[0, 1], [1, 1]], axis=1)", (((2, 3),),), peer=False),
    call(np.take, "x0.take([1, 1], axis=0)", (((2, 3),),), peer=False),
    call(np.take, "np.take(x0, [0, 5, -6, 2], mode='wrap')", (((4,),),), peer=False),
    call(np.take, "np.take(x0, [[3, -1], [1, 0]], axis=-1, mode='clip')", (((2, 3),),), peer=False),
]

OPERATORS = [
    call(operator.add, "x0 + x1", BINARY, nargs=2), call(operator.sub, "x0 - x1", BINARY, nargs=2),
    call(operator.mul, "x0 * x1", BINARY, nargs=2),
    call(operator.truediv, "x0 / x1", BINARY, nargs=2, domain=(normal, away_from_zero)),
    call(operator.pow, "x0 ** x1", BINARY, nargs=2, domain=(positive, normal)),
    call(operator.pow, "x0 ** 3", UNARY, id="x0 ** 3 (constant exponent)"),
    call(operator.mod, "x0 % x1", BINARY, nargs=2, domain=(uniform(2.2, 2.6), uniform(1.5, 1.6)), order=1),
    call(operator.neg, "-x0", UNARY), call(operator.pos, "+x0", UNARY, peer=False),
]

INDEXING = [
    call(operator.getitem, "x0[1]", (((3,),), ((3, 2),))), call(operator.getitem, "x0[-1]", (((3,),),)),
    call(operator.getitem, "x0[1:3]", (((4,),), ((4, 2),))), call(operator.getitem, "x0[::-2]", (((5,),),)),
    call(operator.getitem, "x0[1, :]", (((3, 2),),)), call(operator.getitem, "x0[:, 0]", (((3, 2),),)),
    call(operator.getitem, "x0[..., 1]", (((2, 3, 2),),)), call(operator.getitem, "x0[None, 1:]", (((3,),),)),
    call(operator.getitem, "x0[x0 > 0.0]", (((5,),), ((2, 3),)), domain=away_from_zero),
    call(operator.getitem, "x0[[0, 2, 2]]", (((3,),), ((4, 2),))),
    call(operator.getitem, "x0[[0, 1], [1, 1]]", (((2, 3),),)),
]

CONSTRUCTION = [
    call(np.array, "np.array([x0, x1])", ((S, S), ((), ()), ((3,), (3,))), nargs=2),
    call(np.array, "np.array([[x0, 2.0], [x1, x0]])", ((S, S),), nargs=2, id="array[nested]"),
    unary(np.asarray, shapes=((S,), ((3,),)), peer=False), unary(np.copy, shapes=((S,), ((3,),)), peer=False),
    call(np.copy, "x0.copy()", (((3,),),), peer=False),
    call(np.full, "np.full((2, 3), x0)", ((S,), ((),))), call(np.full, "np.full((2, 3), x0)", (((3,),),), peer=False),
    call(np.full_like, "np.full_like(np.zeros((2, 3)), x0)", ((S,), ((),), ((3,),)), peer=False),
    call(np.linspace, "np.linspace(x0, x1, 5)", ((S, S),), nargs=2),
    call(np.linspace, "np.linspace(x0, x1, 4, endpoint=False, axis=-1)", (((3,), (3,)), ((), (3,))), nargs=2,
         peer=False, id="linspace[axis]"),
    call(np.linspace, "np.linspace(x0, x1, 6, retstep=True)[1] * x0", ((S, S),), nargs=2, peer=False,
         id="linspace[retstep]"),
    call(np.geomspace, "np.geomspace(x0, x1, 5)", ((S, S),), nargs=2, domain=(positive, positive), peer=False),
    call(np.geomspace, "np.geomspace(x0, x1, 4, endpoint=False, axis=-1)", (((3,), (3,)), ((), (3,)), ((2, 3), (3,))),
         nargs=2, domain=(positive, positive), peer=False, id="geomspace[axis]"),
    call(np.geomspace, "np.geomspace(x0, x1, 3, axis=1)", (((2, 3), (3,)),), nargs=2,
         domain=(uniform(-2.0, -0.5), uniform(-2.0, -0.5)), peer=False, id="geomspace[negative]"),
    call(np.logspace, "np.logspace(x0, x1, 5)", ((S, S),), nargs=2, domain=(uniform(-0.5, 0.5), uniform(0.5, 1.0)),
         peer=False),
    call(np.logspace, "np.logspace(x0, x1, 4, endpoint=False, base=2.0, axis=-1)", (((3,), (3,)), ((), (3,))),
         nargs=2, peer=False, id="logspace[axis]"),
    call(np.logspace, "np.logspace(x0, x1, 4, base=x2)", ((S, S, S),), nargs=3,
         domain=(normal, normal, uniform(1.5, 3.0)), peer=False, id="logspace[base]"),
    call(np.meshgrid, "np.meshgrid(x0, x1)[0] * np.meshgrid(x0, x1)[1] ** 2", (((3,), (2,)),), nargs=2, peer=False),
    call(np.meshgrid, "np.meshgrid(x0, x1, indexing='ij', sparse=True)[0] * np.meshgrid(x0, x1, indexing='ij')[1]",
         (((3,), (2,)),), nargs=2, peer=False, id="meshgrid[ij]"),
    call(np.arange, "np.arange(x0, x0 + 2.5, x1)", ((S, S),), nargs=2, domain=(normal, uniform(0.65, 0.8)),
         peer=False),
    call(np.linspace, "np.linspace(x0, x1, 5)", (((), ()), ((3,), (3,)), ((2, 3), (3,)), (S, (2, 1))), nargs=2,
         peer=False, id="linspace[broadcast]"),
    # x2 where x1 is zero: x0 * 0.0 makes zeros whose derivative is 0.
    call(np.heaviside, "np.heaviside(x0 * 0.0, x1) + np.heaviside(x0, x1)", BINARY, nargs=2,
         domain=(away_from_zero, normal), peer=False),
]

# NumPy 2 names, when NumPy has them.
SVDVALS = tuple(f for f in (getattr(np.linalg, "svdvals", None),) if f is not None)
VECDOTS = tuple(f for f in (getattr(np, "vecdot", None), getattr(np.linalg, "vecdot", None)) if f is not None)
MATRIX_TRANSPOSES = tuple(f for f in (getattr(np, "matrix_transpose", None), getattr(np.linalg, "matrix_transpose", None))
                          if f is not None)
VECTOR_NORMS = tuple(f for f in (getattr(np.linalg, "vector_norm", None),) if f is not None)
MATRIX_NORMS = tuple(f for f in (getattr(np.linalg, "matrix_norm", None),) if f is not None)
LINALG_OUTERS = tuple(f for f in (getattr(np.linalg, "outer", None),) if f is not None)
# NumPy 2's np.linalg.cross, trace and diagonal, and np.linalg.cholesky's upper=True.
NUMPY2_LINALG = hasattr(np.linalg, "cross")

ARRAY_API = [
    *(RuleSpec(f, 2, normal, (((3,), (3,)), ((2, 3), (3,)), ((2, 1, 3), (4, 3))), peer=False,
               kwargs=({}, Variant({"axis": 0}, (((3, 2), (3, 2)),)))) for f in VECDOTS),
    *(unary(f, shapes=(((2, 3),), ((2, 3, 4),)), peer=False) for f in MATRIX_TRANSPOSES),
    *(RuleSpec(f, 1, spaced, REDUCED, peer=False, kwargs=AXES[:-1]) for f in VECTOR_NORMS),
    *(RuleSpec(f, 1, spaced, (((3, 3),), ((2, 4, 3),), ((1, 2),)), peer=False, kwargs=({}, {"keepdims": True}))
      for f in MATRIX_NORMS),
    *(RuleSpec(f, 1, spaced, (((3,),), ((2, 3),)), order=1, peer=False, id="vector_norm[ord]", kwargs=(
        *({"ord": ord} for ord in (1, 3, 0.5, math.inf, -math.inf, 0)), {"ord": 3, "axis": 0, "keepdims": True},
        Variant({"ord": 1, "axis": (0, 2)}, (((3, 2, 4),),)), Variant({"ord": math.inf, "axis": (1, 0)}, (((2, 3),),)),
    )) for f in VECTOR_NORMS),
    *(RuleSpec(f, 1, spaced, (((3, 3),), ((2, 4, 3),)), order=1, peer=False, id="matrix_norm[ord]", kwargs=tuple(
        {"ord": ord} for ord in ("nuc", 1, -1, 2, -2, math.inf, -math.inf))) for f in MATRIX_NORMS),
    *(RuleSpec(f, 2, normal, (((3,), (2,)),), peer=False) for f in LINALG_OUTERS),
    *((RuleSpec(np.linalg.cross, 2, normal, (((3,), (3,)), ((2, 3), (3,)), ((2, 1, 3), (4, 3))), peer=False,
                kwargs=({}, Variant({"axis": 0}, (((3, 2), (3, 2)), ((3, 2), (3, 1)), ((3, 2), (3,)), ((3,), (3, 2, 4)))))),
       RuleSpec(np.linalg.trace, 1, normal, (((3, 3),), ((3, 4),), ((2, 3, 4),)), kwargs=({}, {"offset": 1}, {"offset": -1}),
                peer=False),
       RuleSpec(np.linalg.diagonal, 1, normal, (((3, 3),), ((3, 4),), ((2, 3, 4),)), kwargs=({}, {"offset": 1}),
                peer=False),
       call(np.linalg.cholesky, "np.linalg.cholesky(x0 @ np.swapaxes(x0, -1, -2) + 3.0 * np.eye(3) + np.tril(x0, -1), "
            "upper=True)", MATRICES, id="cholesky[upper]", peer=False)) if NUMPY2_LINALG else ()),
]
SQUARE = (((3, 3),), ((2, 3, 3),))
RECTANGULAR = (((3, 3),), ((4, 3),), ((3, 4),), ((2, 4, 3),))
EIGENVECTORS = "lam, v = np.linalg.eigh(x0{kw})\nv * v[..., :1, :] * np.expand_dims(lam, -2)"  # vectors' signs cancel
SINGULAR_VECTORS = ("u, s, vh = np.linalg.svd(x0, full_matrices=False)\n"
                    "(u * u[..., :1, :]) @ (np.expand_dims(s, -1) * vh * vh[..., :, :1])")

DECOMPOSITIONS = [
    RuleSpec(np.linalg.eigh, 1, symmetric_spread, SQUARE, call=EIGENVECTORS, kwargs=({}, {"UPLO": "U"})),
    call(np.linalg.eigh, "np.linalg.eigh(x0)[0]", SQUARE + (((1, 1),),), domain=symmetric_spread, id="eigh[values]"),
    RuleSpec(np.linalg.eigvalsh, 1, symmetric_spread, SQUARE + (((1, 1),),), kwargs=({}, {"UPLO": "U"}), peer=False),
    call(np.linalg.svd, SINGULAR_VECTORS, RECTANGULAR, domain=full_rank),
    call(np.linalg.svd, "np.linalg.svd(x0, compute_uv=False)", RECTANGULAR + (((1, 3),),), domain=full_rank,
         id="svd[values]"),
    call(np.linalg.svd, "u, s, vh = np.linalg.svd(x0)\nu * u[..., :1, :] + vh * vh[..., :, :1]", SQUARE,
         domain=full_rank, peer=False, id="svd[square,full_matrices]"),
    call(np.linalg.qr, "q, r = np.linalg.qr(x0)\n(q, r)", ((((3, 3),), ((4, 3),), ((2, 4, 3),), ((3, 1),))), domain=full_rank,
         peer=False),
    call(np.linalg.qr, "np.linalg.qr(x0)[1]", (((4, 3),),), domain=full_rank, peer=False, id="qr[r]"),
    unary(np.linalg.pinv, full_rank, shapes=RECTANGULAR, peer=False),
    call(np.linalg.lstsq, "np.linalg.lstsq(x0, x1, rcond=None)[0]", (((5, 3), (5,)), ((5, 3), (5, 2)), ((3, 3), (3,))),
         nargs=2, domain=(full_rank, normal), peer=False),
    call(np.linalg.lstsq, "x, residuals, rank, s = np.linalg.lstsq(x0, x1, rcond=None)\n(x, s)",
         (((5, 3), (5, 2)),), nargs=2, domain=(full_rank, normal), peer=False, id="lstsq[singular values]"),
    call(np.linalg.lstsq, "np.linalg.lstsq(x0, x1, rcond=None)[1] * 1.0", (((5, 3), (5, 2)), ((5, 3), (5,))), nargs=2,
         domain=(full_rank, normal), peer=False, id="lstsq[residuals]"),
    *(unary(f, full_rank, shapes=RECTANGULAR, peer=False) for f in SVDVALS),
    *(call(np.linalg.matrix_power, f"np.linalg.matrix_power(x0, {n})", SQUARE, domain=well_conditioned, peer=False,
           id=f"matrix_power[{n}]") for n in (0, 1, 3, -2)),
]

STATISTICS = [
    RuleSpec(np.average, 1, normal, REDUCED, kwargs=({}, {"axis": 0}, {"axis": -1, "keepdims": True}), peer=False),
    call(np.average, "np.average(x0, axis=0, weights=x1)", (((4, 3), (4,)), ((4, 3), (4, 3))), nargs=2,
         domain=(normal, positive), peer=False, id="average[weights]"),
    call(np.average, "np.average(x0, weights=x1)", (((4, 3), (4, 3)), ((3,), (3,))), nargs=2,
         domain=(normal, positive), peer=False, id="average[weights,all]"),
    call(np.average, "np.average(x0, axis=1, weights=x1, keepdims=True)", (((2, 3), (3,)),), nargs=2,
         domain=(normal, positive), peer=False, id="average[weights,keepdims]"),
    RuleSpec(np.median, 1, spaced, REDUCED + (((5,),),), order=1,
             kwargs=({}, {"axis": 0}, {"axis": -1, "keepdims": True}, Variant({"axis": (0, 1)}, (((2, 3, 2),),))),
             peer=False),
    *(call(f, f"np.{f.__name__}(x0, {q}{{kw}})", REDUCED + (((5,),),), domain=spaced, order=1, peer=False,
           kwargs=({}, {"axis": 0}, {"axis": -1, "keepdims": True}), id=f"{f.__name__}[{q}]")
      for f, q in ((np.quantile, 0.3), (np.percentile, 85.0))),
    call(np.quantile, "np.quantile(x0, x1, axis=-1)", (((4, 3), S),), nargs=2, domain=(spaced, uniform(0.1, 0.4)),
         order=1, peer=False, id="quantile[q]"),
    call(np.percentile, "np.percentile(x0, x1)", (((5,), S),), nargs=2, domain=(spaced, uniform(10.0, 40.0)),
         order=1, peer=False, id="percentile[q]"),
    # (entries above 0.9 NaN: spaced draws none within 0.1 of it)
    call(np.nanmedian, "np.nanmedian(np.where(x0 > 0.9, np.nan, x0){kw})", REDUCED + (((5,),), ((6, 4),)), domain=spaced,
         order=1, peer=False, kwargs=({}, {"axis": 0}, {"axis": -1, "keepdims": True},
                                      Variant({"axis": (0, 1)}, (((2, 3, 2),),)))),
    *(call(f, f"np.{f.__name__}(np.where(x0 > 0.9, np.nan, x0), {q}{{kw}})", (((2, 1, 3),), ((6, 4),)), domain=spaced,
           order=1, peer=False, kwargs=({}, {"axis": 0}, {"axis": -1, "keepdims": True}), id=f"{f.__name__}[{q}]")
      for f, q in ((np.nanquantile, 0.3), (np.nanpercentile, 85.0))),
    call(np.nanquantile, "np.nanquantile(np.where(x0 > 0.9, np.nan, x0), x1, axis=-1)", (((6, 4), S),), nargs=2,
         domain=(spaced, uniform(0.1, 0.4)), order=1, peer=False, id="nanquantile[q]"),
    call(np.nanpercentile, "np.nanpercentile(np.where(x0 > 0.9, np.nan, x0), x1)", (((5,), S),), nargs=2,
         domain=(spaced, uniform(10.0, 40.0)), order=1, peer=False, id="nanpercentile[q]"),
    *(RuleSpec(f, 1, spaced, REDUCED, order=1, kwargs=AXES[:-2], peer=False) for f in (np.nanmax, np.nanmin, np.ptp)),
    call(np.nanmax, "np.nanmax(np.log(x0), axis=0)", (((4, 3),),), domain=uniform(-1.0, 3.0), order=1, peer=False,
         id="nanmax[nan]"),
    RuleSpec(np.nanmean, 1, normal, REDUCED, kwargs=AXES[:-2], peer=False),
    call(np.nanmean, "np.nanmean(np.where(x0 > 0.5, np.nan, x0) ** 2, axis=-1)", (((4, 3),),), peer=False,
         id="nanmean[nan tangents]"),
    call(np.nanmax, "np.nanmax(np.where(x0 > 0.5, np.nan, x0) ** 3, axis=0)", (((4, 3),),), domain=spaced, order=1,
         peer=False, id="nanmax[nan tangents]"),
    call(np.nanmean, "np.nanmean(np.log(x0), axis=-1)", (((4, 3),),), domain=uniform(-0.5, 3.0), peer=False,
         id="nanmean[nan]"),
    RuleSpec(np.cov, 1, normal, (((3, 5),), ((5,),), ((1, 4),)),
             kwargs=({}, {"bias": True}, {"ddof": 2}, Variant({"rowvar": False}, (((5, 3),),))), peer=False),
    RuleSpec(np.corrcoef, 1, normal, (((3, 5),), ((5,),), ((2, 4),)),
             kwargs=({}, Variant({"rowvar": False}, (((5, 3),),))), peer=False),
    call(np.corrcoef, "np.corrcoef(x0, x1{kw})", (((2, 5), (5,)), ((5,), (2, 5)), ((4,), (4,))), nargs=2,
         kwargs=({}, Variant({"rowvar": False}, (((5, 2), (5,)), ((5, 2), (5, 3)), ((5, 2), (1, 5))))), peer=False,
         id="corrcoef[y]"),
    call(np.take_along_axis, "np.take_along_axis(x0, np.array([[0, 2], [1, 1], [2, 0]]), axis=1)", (((3, 3),),),
         peer=False),
    call(np.take_along_axis, "np.take_along_axis(x0, np.array([[0], [2]]), axis=0)", (((3, 2),),), peer=False,
         id="take_along_axis[axis=0]"),
    call(np.take_along_axis, "np.take_along_axis(x0, np.argsort(x0, axis=-1), axis=-1)", (((2, 3),), ((4,),)),
         domain=spaced, peer=False, id="take_along_axis[sorted]"),
    call(np.pad, "np.pad(x0, 1)", (((3,),), ((2, 3),)), peer=False),
    call(np.pad, "np.pad(x0, ((1, 0), (2, 1)), constant_values=x1)", (((2, 3), S),), nargs=2, peer=False,
         id="pad[constant]"),
    call(np.pad, "np.pad(x0, (0, 2), 'constant')", (((3,),),), peer=False, id="pad[mode]"),
    call(np.pad, "np.pad(x0, ((1, 2), (0, 3)), mode='reflect')", (((2, 3),),), peer=False, id="pad[reflect]"),
    call(np.pad, "np.pad(x0, 2, 'wrap')", (((3,),),), peer=False, id="pad[wrap]"),
    call(np.pad, "np.pad(x0, (1, 4), 'symmetric')", (((4,),),), peer=False, id="pad[symmetric]"),
    call(np.pad, "np.pad(x0, ((0, 1), (2, 0)), mode='edge')", (((2, 3),),), peer=False, id="pad[edge]"),
    call(np.append, "np.append(x0, x1)", (((2, 2), (3,)), ((3,), S), ((), (2,))), nargs=2),
    call(np.append, "np.append(x0, x1, axis=0)", (((2, 3), (1, 3)),), nargs=2, peer=False, id="append[axis=0]"),
    call(np.nan_to_num, "np.nan_to_num(np.log(x0)) * x0", (((5,),),), domain=uniform(-1.0, 1.0), peer=False),
    call(np.nan_to_num, "np.nan_to_num(np.where(x0 > 0.5, np.nan, x0) ** 2) * x0", (((5,),),), peer=False,
         id="nan_to_num[nan tangents]"),
    call(np.nan_to_num, "np.nan_to_num(np.log(x0), nan=x1, neginf=x1 * 2.0) * x0", (((5,), S),), nargs=2,
         domain=(near(-1.0, 0.0, 1.0, spread=0.2), normal), peer=False, id="nan_to_num[replacements]"),
    call(adjoint.runtime.item, "x0.item() * x0", (((),), ((1,),)), peer=False, id="item[]"),
    call(adjoint.runtime.item, "x0.item(1) * x0.item((0, 2))", (((2, 3),),), peer=False, id="item[index]"),
    unary(np.imag, shapes=ARRAYS, peer=False), call(np.imag, "x0.imag + x0", ARRAYS, peer=False),
    call(np.polyval, "np.polyval(x0, x1)", (((4,), (2, 3)), ((3,), S), ((1,), (3,)), ((4,), ())), nargs=2, peer=False),
    call(np.polyfit, "np.polyfit(x0, x1, 2)", (((6,), (6,)), ((6,), (6, 3)), ((3,), (3,))), nargs=2,
         domain=(increasing, normal), peer=False),
    call(np.polyfit, "np.polyfit(x0, x1, 0) + np.polyfit(x0, x1 ** 2, 3)[0]", (((5,), (5,)), ((4,), (4, 2))),
         nargs=2, domain=(increasing, normal), peer=False, id="polyfit[degrees]"),
    call(np.polyfit, "np.polyfit(np.linspace(-1.0, 1.0, 7), x0, 3)", (((7,),), ((7, 2),)), peer=False,
         id="polyfit[y]"),
    call(np.bincount, "np.bincount(np.array([0, 2, 2, 4]), weights=x0, minlength=6)", (((4,),),), peer=False),
    call(np.bincount, "np.bincount([1, 0, 1], x0 * x0)", (((3,),),), peer=False, id="bincount[list]"),
    call(np.histogram, "np.histogram(np.array([0.1, 0.5, 0.9, 1.3]), bins=3, range=(0.0, 1.0), weights=x0)[0] * x0[:3]",
         (((4,),),), peer=False),
    call(np.histogram, "np.histogram(np.array([[0.1, 0.5], [0.9, 1.0]]), np.array([0, 0.4, 1]), weights=x0 ** 2)[0]",
         (((2, 2),),), peer=False, id="histogram[edges]"),
    call(np.histogram, "np.histogram(x0, bins=4)[1] * np.histogram(x0, bins=4, weights=x0)[0][1]", (((5,),),),
         peer=False, id="histogram[samples]"),
    call(np.interp, "np.interp(x0, np.array([0.0, 1.0, 2.5, 3.0]), x1)", (((5,), (4,)), (S, (4,))), nargs=2,
         domain=(near(-0.5, 0.5, 1.5, 2.7, 3.5, spread=0.1), normal), order=1, peer=False),
    call(np.interp, "np.interp(x0, x1, np.array([1.0, -1.0, 2.0, 0.5]), left=x2, right=x2 * 3.0)",
         (((6,), (4,), S),), nargs=3, domain=(near(-1.0, 1.5, 2.0, 2.5, 5.0, spread=0.1), increasing, normal),
         order=1, peer=False, id="interp[xp,left,right]"),
    *(RuleSpec(f, 1, normal, (((5,),), ((3, 4),)), kwargs=({}, {"dx": 0.5}, Variant({"axis": 0}, (((3, 4),),))),
               peer=False) for f in INTEGRALS),
    *(call(f, f"np.{f.__name__}(x0, x1{{kw}})", (((5,), (5,)), ((3, 4), (4,))), nargs=2, domain=(normal, increasing),
           peer=False, id=f"{f.__name__}[x]") for f in INTEGRALS),
    *(call(f, f"np.{f.__name__}(x0, dx=x1, axis=0)", (((3, 2), S),), nargs=2, peer=False,
           id=f"{f.__name__}[dx]") for f in INTEGRALS),
    RuleSpec(np.convolve, 2, normal, (((5,), (3,)), ((2,), (4,)), ((1,), (3,))),
             kwargs=({}, {"mode": "same"}, {"mode": "valid"}), peer=False),
    RuleSpec(np.correlate, 2, normal, (((5,), (3,)), ((2,), (4,)), ((1,), (3,)), ((4,), (4,))),
             kwargs=({}, {"mode": "same"}, {"mode": "full"}), peer=False),
    binary(np.cross, shapes=(((3,), (3,)), ((2, 3), (2, 3)))),
    binary(np.cross, shapes=(((2, 3), (3,)), ((2, 1, 3), (4, 3))), peer=False),
    RuleSpec(np.polyder, 1, normal, (((4,),), ((1,),)), kwargs=({}, {"m": 2}, {"m": 5}), peer=False),
    RuleSpec(np.polyint, 1, normal, (((4,),), ((1,),)), kwargs=({}, {"m": 2}), peer=False),
    RuleSpec(np.unwrap, 1, unwrappable, (((5,),), ((3, 4),)), kwargs=({}, {"period": 3.0}), peer=False),
    call(np.unwrap, "np.unwrap(np.transpose(x0), axis=0)", (((3, 4),),), domain=unwrappable, peer=False,
         id="unwrap[axis=0]"),
]


# np.fft: a complex output is made real by the call (its real and imaginary parts, its magnitude),
# and ifft, irfft are also given complex inputs (a spectrum times a real signal: not Hermitian,
# so irfft's dropping of the imaginary parts at zero and Nyquist frequency is checked). Autograd
# takes no odd length in its real transforms' vjps and no `s` with repeated axes.
REAL_PARTS = "\nnp.real(F) * np.imag(F) + np.abs(F)"
ONE_D = (((8,),), ((3, 6),), ((1, 5),))
ONE_D_KWARGS = ({}, {"n": 5}, {"n": 10}, {"axis": 0}, {"norm": "ortho"}, {"norm": "forward"})
TWO_D = (((3, 4),), ((2, 3, 4),))
TWO_D_KWARGS = ({}, {"s": (2, 6)}, {"axes": (0, -1)}, {"norm": "ortho"})
N_D_KWARGS = ({}, {"s": (2, 6), "axes": (0, 1)}, {"axes": (-1,)}, {"axes": (1, 0, 1)}, {"norm": "forward"})
SPECTRAL = [
    call(np.fft.fftfreq, "np.fft.fftfreq(6, x0)", ((S,), ((),)), domain=positive, peer=False),
    call(np.fft.rfftfreq, "np.fft.rfftfreq(7, x0) * np.fft.rfftfreq(4, 2.0 * x0)[1]", ((S,), ((),)), domain=positive,
         peer=False),
    call(np.fft.fft, "F = np.fft.fft(x0{kw})" + REAL_PARTS, ONE_D, kwargs=ONE_D_KWARGS, peer=False),
    call(np.fft.fft, "F = np.fft.fft(np.fft.rfft(x0) * x0[..., :4]{kw})" + REAL_PARTS, (((6,),), ((2, 6),)),
         kwargs=({}, {"n": 3}), peer=False, id="fft[complex]"),
    call(np.fft.ifft, "F = np.fft.ifft(x0{kw})" + REAL_PARTS, ONE_D, kwargs=ONE_D_KWARGS, peer=False),
    call(np.fft.ifft, "F = np.fft.ifft(np.fft.fft(x0) * x0{kw})" + REAL_PARTS, (((6,),), ((2, 5),)),
         kwargs=({}, {"n": 7}), id="ifft[complex]", peer=False),
    call(np.fft.rfft, "F = np.fft.rfft(x0{kw})" + REAL_PARTS, ONE_D, kwargs=ONE_D_KWARGS, peer=False),
    call(np.fft.rfft, "F = np.fft.rfft(x0)" + REAL_PARTS, (((8,),), ((3, 6),)), id="rfft[even]"),
    call(np.fft.irfft, "np.fft.irfft(np.fft.fft(x0) * x0{kw})", ONE_D[:2] + (((2, 5),),), kwargs=ONE_D_KWARGS + ({"n": 7},),
         peer=False),
    call(np.fft.irfft, "np.fft.irfft(x0{kw}) * 2.0", (((5,),), ((3, 6),)), kwargs=({}, {"n": 8}), peer=False,
         id="irfft[real]"),
    call(np.fft.fft2, "F = np.fft.fft2(x0{kw})" + REAL_PARTS, TWO_D, kwargs=TWO_D_KWARGS, peer=False),
    call(np.fft.ifft2, "F = np.fft.ifft2(np.fft.fft2(x0) * x0{kw})" + REAL_PARTS, TWO_D, kwargs=TWO_D_KWARGS,
         peer=False),
    call(np.fft.rfft2, "F = np.fft.rfft2(x0{kw})" + REAL_PARTS, TWO_D, kwargs=TWO_D_KWARGS, peer=False),
    call(np.fft.irfft2, "np.fft.irfft2(np.fft.fft2(x0) * x0{kw})", TWO_D, kwargs=TWO_D_KWARGS, peer=False),
    call(np.fft.fftn, "F = np.fft.fftn(x0{kw})" + REAL_PARTS, TWO_D[1:], kwargs=N_D_KWARGS, peer=False),
    call(np.fft.ifftn, "F = np.fft.ifftn(np.fft.fftn(x0) * x0{kw})" + REAL_PARTS, TWO_D[1:], kwargs=N_D_KWARGS,
         peer=False),
    call(np.fft.rfftn, "F = np.fft.rfftn(x0{kw})" + REAL_PARTS, TWO_D[1:], kwargs=N_D_KWARGS, peer=False),
    call(np.fft.irfftn, "np.fft.irfftn(np.fft.fftn(x0) * x0{kw})", TWO_D[1:], kwargs=N_D_KWARGS, peer=False),
    RuleSpec(np.fft.fftshift, 1, normal, (((5,),), ((3, 4),)), kwargs=({}, Variant({"axes": 0}, (((3, 4),),)))),
    RuleSpec(np.fft.ifftshift, 1, normal, (((5,),), ((3, 4),)), kwargs=({}, Variant({"axes": (1,)}, (((3, 4),),)))),
    call(np.fft.fftshift, "np.real(np.fft.fftshift(np.fft.fft(x0)) * x0)", (((5,),),), id="fftshift[complex]",
         peer=False),
    unary(np.angle, away_from_zero, shapes=ARRAYS, order=1, peer=False),
    call(np.angle, "np.angle(np.fft.fft(x0) + x0)", (((6,),), ((2, 5),)), id="angle[complex]", peer=False),
]

# Elements that move (np.insert's values cast to an integer array's integers are constant there).
POSITIONS = [
    call(np.delete, "np.delete(x0, 1)", (((5,),), ((2, 3),)), peer=False),
    call(np.delete, "np.delete(x0, [0, 2], axis=1)", (((2, 3),), ((1, 4),)), peer=False, id="delete[axis]"),
    call(np.delete, "np.delete(x0, np.array([True, False, True]))", (((3,),),), peer=False, id="delete[mask]"),
    call(np.insert, "np.insert(x0, 1, x1)", (((4,), S), ((4,), (2,)), ((2, 3), ())), nargs=2, peer=False),
    call(np.insert, "np.insert(x0, [1, 3], x1, axis=1)", (((2, 4), (2, 1)), ((2, 4), S)), nargs=2, peer=False,
         id="insert[axis]"),
    call(np.insert, "np.insert(x0, 2, x1, axis=0)", (((3, 2), (2,)),), nargs=2, peer=False, id="insert[row]"),
    call(np.insert, "np.insert(np.arange(4), 1, x0) * np.sum(x0)", ((S,), ((2,),)), domain=uniform(1.2, 1.8), peer=False,
         id="insert[integers]"),
    call(np.resize, "np.resize(x0, (2, 5))", (((3,),), ((2, 3),), ((1,),)), peer=False),
    call(np.lib.stride_tricks.sliding_window_view, "np.lib.stride_tricks.sliding_window_view(x0, 3{kw})",
         (((5,),), ((3,),)), kwargs=({}, Variant({"axis": 0}, (((4, 2),),)), Variant({"axis": -1}, (((2, 5),),))),
         peer=False),
    call(np.lib.stride_tricks.sliding_window_view, "np.lib.stride_tricks.sliding_window_view(x0, (2, 3)) * x0[0, 0]",
         (((3, 4),),), peer=False, id="sliding_window_view[2-d]"),
    call(np.lib.stride_tricks.sliding_window_view,
         "np.sum(np.lib.stride_tricks.sliding_window_view(x0, 2, axis=-1), axis=-1) ** 2", (((2, 6),),), peer=False,
         id="sliding_window_view[moving sum]"),
    call(np.resize, "np.resize(x0, 2)", (((2, 3),),), peer=False, id="resize[shrink]"),
]

SPECS = (ELEMENTWISE + OPERATORS + REDUCTIONS + LINALG + ARRAY_API + DECOMPOSITIONS + STATISTICS + SHAPE
         + INDEXING + CONSTRUCTION + POSITIONS)
SPECS = SPECS + SPECTRAL

# Writes into arrays are statements, not rule calls: checked the same way, outside the rule table.
WRITES = [
    RuleSpec(operator.setitem, 2, normal, (((5,), S), ((5,), ()), ((5,), (2,)), ((2, 3), (3,))),
             call="y = x0 * 1.0\ny[1:3] = x1\ny * x0", id="write[slice]"),
    RuleSpec(operator.setitem, 2, normal, (((5,), S), ((2, 3), (3,))),
             call="y = np.zeros_like(x0)\ny[0] = x1\ny[-1] = 2.0 * x1\ny + x0", id="write[zeros]"),
    RuleSpec(operator.setitem, 2, (away_from_zero, normal), (((5,), S), ((5,), ())),
             call="y = x0.copy()\ny[x0 > 0.0] = x1\ny * y", id="write[mask]"),
    RuleSpec(operator.setitem, 2, normal, (((4,), (2,)),),
             call="y = np.zeros(6)\ny[[1, 4]] = x1\ny[2:6] = y[2:6] + x0\ny * y", id="write[fancy]"),
]


@dataclass(frozen=True)
class Case:
    spec: RuleSpec
    shapes: Tuple[Shape, ...]
    kwargs: Dict[str, Any]
    wrt: Tuple[int, ...]
    name: str = ""

    @property
    def id(self) -> str:
        label = self.spec.id or (self.spec.call.split("\n")[-1] if self.spec.call else dotted_name(self.spec.func))
        shapes = ",".join("s" if s == SCALAR else "x".join(map(str, s)) or "0d" for s in self.shapes)
        extra = ",".join(f"{k}={render(v)}" for k, v in self.kwargs.items())
        wrt = "" if len(self.wrt) == self.spec.nargs else f"|wrt={self.wrt}"
        return f"{label}|{shapes}" + (f"|{extra}" if extra else "") + wrt

    def make_args(self, rng: np.random.Generator) -> tuple:
        return tuple(domain(rng, shape) for domain, shape in zip(self.spec.domains(), self.shapes))


def expand(specs: Sequence[RuleSpec], prefix: str) -> list:
    """Every (shapes, kwargs) variant of every spec; binary calls also once with respect to x1 alone."""
    cases = []
    for spec in specs:
        for number, (shapes, kwargs) in enumerate(spec.variants()):
            every = tuple(range(spec.nargs))
            cases.append(Case(spec, shapes, kwargs, every, f"{prefix}{len(cases)}"))
            if spec.nargs > 1 and number == 0:
                cases.append(Case(spec, shapes, kwargs, (spec.nargs - 1,), f"{prefix}{len(cases)}"))
    return cases


CASES = expand(SPECS, "rule_")
WRITE_CASES = expand(WRITES, "write_")


def module_source(cases: Sequence[Case], numpy_module: str = "numpy") -> str:
    """A module defining one function per case, `rule_<n>(x0, ...)`, that reads NumPy as `np`."""
    lines = ["import operator", f"import {numpy_module} as np", "", ""]
    for case in cases:
        params = ", ".join(f"x{i}" for i in range(case.spec.nargs))
        lines.append(f"def {case.name}({params}):")
        lines.extend("    " + line for line in case.spec.source(case.kwargs).split("\n"))
        lines.extend(["", ""])
    return "\n".join(lines)
