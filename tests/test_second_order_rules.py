"""Second derivatives through every NumPy rule, and the rules of the runtime helpers that make them work.

A derivative of a derivative differentiates generated code, which calls the helpers of
adjoint.runtime; adjoint/rules/runtime_helpers.py gives each of them rules of its own.

Each spec of rule_specs.py is tried once per keyword variant, on its largest shapes, made
scalar as f(x0, ..., w) = sum(w * y * y), where y is the call's output (flattened when it is
a list) and w a fixed random weight. The Hessian of f, J^T 2W J + sum(2 w y y''), involves
the rule's first derivative through adjoint seeds that depend on x, and its second. With a
random direction v, in float64:

- forward over reverse: adjoint.hvp(f)(x, w, v) equals the central difference of adjoint.grad(f) along v;
  so does it for sum(y), whose output adjoint does not vary (the rules' adjoints get the tangent
  0.0 for it: SciPy's expm built a block matrix of the wrong shape from it);
- reverse over reverse: the pullback of vjp(grad(f)) applied to v (H is symmetric) equals it too,
  once per spec whose adjoint rule calls a runtime helper;
- grad(grad(f)) equals it where the argument is a single Python float and the rule calls a helper.

Piecewise-linear functions (abs, max, sort, clip, where, ...) are checked as well: their specs
keep inputs away from the kinks, so f is quadratic near them. Then every helper's own rules
are checked on the helper called directly (HELPERS), so that rules no NumPy spec reaches (the
tangents of forward-mode helpers, the rules used at third order) are checked too; and every
helper a rule file imports or the compiler emits has both rules or is declared constant.
"""
from __future__ import annotations

import ast
import copy
import importlib.util
import inspect
from pathlib import Path
from typing import Any, Dict, List, Sequence

import numpy as np
import pytest

import adjoint
from adjoint import AdjointError, runtime
from adjoint.rules import HAS_SCIPY
from adjoint.rules.table import ADJOINTS, NON_DIFFERENTIABLE, TANGENTS
from rule_specs import (
    CASES, SCALAR, Case, RuleSpec, expand, module_source, normal, positive, spaced, uniform,
    well_conditioned,
)
from test_rules import central_difference, direction_like, flat, inner

# Each helper is differentiated with respect to every argument, also those (a selection,
# an index) whose derivative is zero by construction: that is the point, not a mistake.
pytestmark = pytest.mark.filterwarnings("ignore::adjoint.AdjointWarning")

RULES = Path(adjoint.__file__).resolve().parent / "rules"
COMPILER = Path(adjoint.__file__).resolve().parent / "ad"
RTOL = ATOL = 1e-5


def load(path: Path, source: str):
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ----- second derivatives of the NumPy rules -------------------------------------------------------


def size(case: Case) -> int:
    return sum(1 if shape == SCALAR else int(np.prod(shape)) for shape in case.shapes)


def largest_per_variant(cases: Sequence[Case]) -> List[Case]:
    """One case per (spec, keywords): the one with every argument differentiated and the most elements."""
    chosen: Dict[tuple, Case] = {}
    for case in cases:
        key = (id(case.spec), repr(case.kwargs))
        if len(case.wrt) == case.spec.nargs and (key not in chosen or size(case) > size(chosen[key])):
            chosen[key] = case
    return list(chosen.values())


def calls_a_helper(func: Any) -> bool:
    """The adjoint rule of func calls a runtime helper (so generated code does, too)."""
    template = ADJOINTS.template(func)
    return any(getattr(value, "__module__", None) == runtime.__name__ for value in template.globals_used.values())


def first_per_spec(cases: Sequence[Case]) -> List[Case]:
    """The first case of each spec."""
    chosen: Dict[int, Case] = {}
    for case in cases:
        chosen.setdefault(id(case.spec), case)
    return list(chosen.values())


VARIANTS = largest_per_variant(CASES)
# Reverse over reverse runs the helpers' adjoint rules: one case per spec whose rule calls a helper.
HELPER_VARIANTS = first_per_spec([case for case in VARIANTS if calls_a_helper(case.spec.func)])
SCALAR_CASES = [case for case in CASES if len(case.wrt) == 1 and set(case.shapes) == {SCALAR}
                and calls_a_helper(case.spec.func)]


def known_failure(case: Case) -> str:
    """Why the second derivative of case is known not to be supported; "" when it is."""
    name = getattr(case.spec.func, "__name__", None)
    matrix = name == "matrix_norm" or case.shapes[0] != SCALAR and len(case.shapes[0]) == 2 and "axis" not in case.kwargs
    norm = name in ("norm", "matrix_norm")  # np.linalg.norm, scipy.linalg.norm, np.linalg.matrix_norm
    if norm and matrix and case.kwargs.get("ord") in ("nuc", 2, -2):
        return "the slope of the nuclear and spectral norms is U V^T of an SVD; its derivative is not implemented"
    return ""


def params(cases: Sequence[Case]) -> list:
    return [pytest.param(case, id=case.id, marks=[
        pytest.mark.xfail(strict=True, raises=AdjointError, reason=known_failure(case))
    ] if known_failure(case) else []) for case in cases]


def scalarized_source(cases: Sequence[Case], outputs: Dict[str, Any], header: str = "",
                      returned: str = "np.sum(w * y * y)") -> str:
    """`rule_<n>(x0, ..., w)`: sum(w * y * y) of the spec's call y (flattened when it returns a
    list), or `returned`; header: the module's imports."""
    lines = (header or "import operator\nimport numpy as np\n\n").split("\n")
    for case in cases:
        body = case.spec.source(case.kwargs).split("\n")
        call = body[-1][len("return "):]
        if isinstance(outputs[case.name], (list, tuple)):
            call = f"np.concatenate({call}, axis=None)"
        lines.append(f"def {case.name}({', '.join(f'x{i}' for i in range(case.spec.nargs))}, w):")
        lines.extend("    " + line for line in body[:-1] + [f"y = {call}", f"return {returned}"])
        lines.extend(["", ""])
    return "\n".join(lines)


@pytest.fixture(scope="module")
def functions(tmp_path_factory):
    """The specs' functions as test_rules.py has them (for the outputs' structure), and scalarized."""
    cases = VARIANTS + [case for case in SCALAR_CASES if case not in VARIANTS]  # HELPER_VARIANTS are VARIANTS
    folder = tmp_path_factory.mktemp("second_order")
    plain = load(folder / "plain_rule_functions.py", module_source(cases))
    return plain, scalarized_module(folder / "scalarized_rule_functions.py", plain, cases)


def scalarized_module(path: Path, plain, cases: Sequence[Case], header: str = "", returned: str = "np.sum(w * y * y)"):
    """The module of scalarized_source, written to path and loaded (plain: the specs' functions)."""
    outputs = {case.name: getattr(plain, case.name)(*case.make_args(np.random.default_rng(0))) for case in cases}
    return load(path, scalarized_source(cases, outputs, header, returned))


def summed(folder: Path, plain, cases: Sequence[Case], header: str = ""):
    """The specs' functions as sum(y) (w unused): the output's adjoint is the same on every call,
    so forward over reverse gives the rules' adjoints a tangent known to be zero (the number 0.0)."""
    return scalarized_module(folder / "summed_rule_functions.py", plain, cases, header, "np.sum(y)")


@pytest.fixture(scope="module")
def sums(functions, tmp_path_factory):
    return summed(tmp_path_factory.mktemp("second_order_sums"), functions[0], VARIANTS)


def setup(case: Case, functions, rng):
    """f, its arguments (the weight w last) and a direction for each differentiated argument."""
    plain, scalarized = functions
    args = case.make_args(rng)
    output = getattr(plain, case.name)(*copy.deepcopy(args))
    weight = rng.normal(size=flat(output).size) if isinstance(output, (list, tuple)) else direction_like(output, rng)
    return getattr(scalarized, case.name), args + (weight,), [direction_like(args[p], rng) for p in case.wrt]


def single_or_tuple(wrt: tuple):
    """A single position as an int: derivatives of grad(f, wrt=(0,)) do not take 1-tuples yet."""
    return wrt if len(wrt) > 1 else wrt[0]


def gradient_difference(fn, args: tuple, wrt: Sequence[int], directions) -> np.ndarray:
    """The central difference of fn's gradient along the directions."""
    return central_difference(adjoint.grad(fn, wrt=tuple(wrt)), args, wrt, directions)


@pytest.mark.parametrize("case", params(VARIANTS))
def test_hvp_matches_differences_of_the_gradient(case: Case, functions, rng) -> None:
    fn, args, directions = setup(case, functions, rng)
    product = adjoint.hvp(fn, wrt=single_or_tuple(case.wrt))(*copy.deepcopy(args), *directions)
    expected = gradient_difference(fn, args, case.wrt, directions)
    np.testing.assert_allclose(flat(product), expected, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("case", params(VARIANTS))
def test_hvp_of_a_sum_of_the_output(case: Case, functions, sums, rng) -> None:
    _, args, directions = setup(case, functions, rng)
    fn = getattr(sums, case.name)
    product = adjoint.hvp(fn, wrt=single_or_tuple(case.wrt))(*copy.deepcopy(args), *directions)
    expected = gradient_difference(fn, args, case.wrt, directions)
    np.testing.assert_allclose(flat(product), expected, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("case", params(HELPER_VARIANTS))
def test_reverse_over_reverse_matches_differences_of_the_gradient(case: Case, functions, rng) -> None:
    fn, args, directions = setup(case, functions, rng)
    wrt = single_or_tuple(case.wrt)
    gradient = adjoint.grad(fn, wrt=wrt)
    _, pullback = adjoint.vjp(gradient, wrt=wrt)(*copy.deepcopy(args))
    product = pullback(tuple(directions) if len(case.wrt) > 1 else directions[0])
    expected = gradient_difference(fn, args, case.wrt, directions)
    np.testing.assert_allclose(flat(product), expected, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("case", params(SCALAR_CASES))
def test_grad_of_grad_of_a_float_argument(case: Case, functions, rng) -> None:
    fn, args, directions = setup(case, functions, rng)
    position = case.wrt[0]
    second = adjoint.grad(adjoint.grad(fn, wrt=position), wrt=position)(*copy.deepcopy(args))
    assert isinstance(second, float)
    expected = gradient_difference(fn, args, case.wrt, [1.0])
    assert second == pytest.approx(float(expected[0]), rel=RTOL, abs=ATOL)


# ----- the runtime helpers' own rules, on the helpers called directly ----------------------------


def helper(call: str, shapes: tuple, domain=normal, label: str = "") -> RuleSpec:
    """A spec of `runtime.<helper>(...)` (x0, x1, ... the arguments differentiated)."""
    name = call[len("runtime."):call.index("(")]
    return RuleSpec(getattr(runtime, name), len(shapes), domain, (shapes,), call=call, peer=False,
                    id=f"{name}[{label}]" if label else name)


def cholesky_of(x: str) -> str:
    return f"np.linalg.cholesky({x} @ np.swapaxes({x}, -1, -2) + 3.0 * np.eye(3))"


S = SCALAR
HELPERS = [
    # reductions
    helper("runtime.var_adjoint(x0, x1, 0)", ((3,), (4, 3)), label="axis=0"),
    helper("runtime.var_adjoint(x0, x1, 0, 1, True)", ((1, 3), (4, 3)), label="ddof=1,keepdims"),
    helper("runtime.var_tangent(x0, x1, -1)", ((4, 3), (4, 3))),
    helper("runtime.extremum_adjoint(x0, np.max(x1, axis=0), x1, 0)", ((3,), (4, 3)), (normal, spaced)),
    helper("runtime.extremum_tangent(x0, np.min(x1, axis=1, keepdims=True), x1, 1, True)", ((4, 3), (4, 3)),
           (normal, spaced)),
    helper("runtime.cumsum_adjoint(x0, np.ones((2, 3)), 1)", ((2, 3),), label="axis=1"),
    helper("runtime.cumsum_adjoint(x0, np.ones((2, 3)))", ((6,),), label="axis=None"),
    helper("runtime.diff_adjoint(x0, 2, 0)", ((2, 3),)),
    helper("runtime.sort_adjoint(x0, x1, 0)", ((3, 2), (3, 2)), (normal, spaced), label="axis=0"),
    helper("runtime.sort_adjoint(x0, x1, None)", ((6,), (3, 2)), (normal, spaced), label="axis=None"),
    helper("runtime.sort_tangent(x0, x1, -1)", ((3, 2), (3, 2)), (normal, spaced)),
    helper("runtime.sum_adjoint(x0, np.ones((4, 3)))", ((2, 3),), label="array,broadcast"),
    helper("runtime.sum_adjoint(x0, [1.0, np.ones(3)])", ((3,),), label="list"),
    helper("runtime.sum_tangent(x0, np.ones((4, 3)), x1)", ((4, 3), (2, 3)), label="array"),
    helper("runtime.sum_tangent([x0, x1], [1.0, np.ones(3)], x2)", (S, (3,), S), label="list"),
    helper("runtime.sorted_adjoint([x0, x1, x2], np.array([3.0, 1.0, 2.0]), True)", (S, S, S), label="array"),
    helper("runtime.sorted_adjoint([x0, x1], [2.0, 1.0])", (S, S), label="list"),
    helper("runtime.sorted_tangent(x0, np.array([3.0, 1.0, 2.0]), True)", ((3,),), label="array"),
    helper("runtime.sorted_tangent([x0, x1], [2.0, 1.0])", (S, S), label="list"),
    # moving elements
    helper("runtime.saved_item_tangent(x0, np.ones((3, 2)), 1)", ((3, 2),)),
    helper("runtime.saved_item_adjoint(x0, np.ones((3, 2)), 1, x1)", ((3, 2), (2,))),
    helper("runtime.saved_item_tangent({'a': x0, 'b': x1}, {'a': 1.0, 'b': 2.0}, 'b')", (S, S), label="dict"),
    helper("runtime.saved_item_adjoint(x0, {'a': 1.0}, 'b', x1) * x1", (S, S), label="absent key"),
    helper("runtime.tile_adjoint(x0, np.ones(3), (2, 2))", ((2, 6),)),
    helper("runtime.repeat_adjoint(x0, np.ones((2, 3)), 2, 1)", ((2, 6),), label="axis=1"),
    helper("runtime.repeat_adjoint(x0, np.ones((2, 3)), 2)", ((12,),), label="axis=None"),
    helper("runtime.take_adjoint(x0, np.ones((2, 3)), [2, 0, 2], 1)", ((2, 3),)),
    helper("runtime.trace_adjoint(x0, np.ones((3, 4, 2)), 1)", ((2,),)),
    helper("runtime.trace_adjoint(x0, np.ones((2, 3, 4)), -1, 2, 1)", ((2,),), label="axes"),
    helper("runtime.diagonal_adjoint(x0, np.ones((2, 3, 4)), -1, 1, 2)", ((2, 2),)),
    helper("runtime.diag_adjoint(x0, np.ones(3), 1)", ((4, 4),), label="vector"),
    helper("runtime.diag_adjoint(x0, np.ones((3, 4)), 1)", ((3,),), label="matrix"),
    # joining and splitting
    helper("runtime.concatenate_adjoint(x0, [np.ones((2, 3)), np.ones((1, 3))], 0)", ((3, 3),), label="axis=0"),
    helper("runtime.concatenate_adjoint(x0, [np.ones((2, 3)), np.ones(2)], None)", ((8,),), label="axis=None"),
    helper("runtime.stack_adjoint(x0, [np.ones(3), np.ones(3)], 1)", ((3, 2),)),
    helper("runtime.block_adjoint(x0, [[np.ones((2, 2)), np.ones((2, 1))], [np.ones(3)]])", ((3, 3),)),
    helper("runtime.joined_adjoint(x0, [np.ones(3), np.ones((3, 2))], runtime.column, 1)", ((3, 3),), label="column"),
    helper("runtime.joined_adjoint(x0, [np.ones(3), np.ones((2, 3))], np.atleast_2d, 0)", ((3, 3),), label="vstack"),
    helper("runtime.promoted_join([x0, x1], [np.ones(3), np.ones((3, 2))], runtime.column, 1)", ((3,), (3, 2))),
    helper("runtime.split_adjoint([x0, x1], [np.ones((2, 3)), np.ones((1, 3))], 0)", ((2, 3), (3,))),
    helper("runtime.tangent_like(x0, np.ones((2, 3)))", ((3,),), label="array"),
    helper("runtime.tangent_like([x0, x1], [np.ones(3), 1.0])", ((1,), S), label="list"),
    helper("runtime.tangent_like_adjoint(x0, np.ones(3))", ((2, 3),), label="array"),
    helper("runtime.tangent_like_adjoint([x0, x1], [np.ones(3), 1.0])", ((2, 3), (3,)), label="list"),
    helper("runtime.column(x0)", ((3,),)),
    helper("runtime.float_cast(x0, np.float64, np.ones(3))", ((3,),)),
    helper("runtime.sinc_slope(x0)", ((3,),)),
    helper("runtime.sinc_derivative(x0, 3)", ((5,),)),
    # products
    helper("runtime.dot_adjoint_a(x0, np.ones((1, 2, 3)), x1)", ((4, 2, 2), (4, 3, 2))),
    helper("runtime.dot_adjoint_b(x0, x1, np.ones((4, 3, 2)))", ((4, 2, 2), (1, 2, 3))),
    helper("runtime.pow_exponent_adjoint(x0, x1, x2, 2.5)", ((2, 3), (2, 3), ()), (normal, normal, positive)),
    helper("runtime.pow_log_slope(x0, x1, x2, 2.5)", ((2, 3), (2, 3), (3,)), (normal, normal, positive)),
    helper("runtime.tensordot_adjoint_a(x0, np.ones((3, 4, 5)), x1, ([0, 2], [1, 0]))", ((4, 2), (5, 3, 2))),
    helper("runtime.tensordot_adjoint_b(x0, x1, np.ones((3, 4)), 1)", ((2, 4), (2, 3))),
    helper("runtime.kron_adjoint(x0, np.ones((2, 2)), x1, 0)", ((6, 4), (3, 2)), label="a"),
    helper("runtime.kron_adjoint(x0, x1, np.ones((3, 2)), 1)", ((6, 4), (2, 2)), label="b"),
    helper("runtime.einsum_adjoint(x0, 'ij,jk->ik', 0, np.ones((2, 3)), x1)", ((2, 4), (3, 4)), label="x"),
    helper("runtime.einsum_adjoint(x0, 'ij,jk,kl->il', 1, x1, np.ones((3, 2)), x2)", ((2, 4), (2, 3), (2, 4)),
           label="y of three"),
    helper("runtime.einsum_tangent('ij,jk->ik', (x0, x1, 0.0), (x2, x3, None))", ((2, 3), (3, 4), (2, 3), (3, 4))),
    # np.linalg
    helper("runtime.solve_adjoint_a(x0, x1, np.ones(3), x2)", ((3,), (3, 3), (3,)), (normal, well_conditioned, normal),
           label="vector"),
    helper("runtime.solve_adjoint_a(x0, x1, np.ones((3, 2)), x2)", ((2, 3, 2), (2, 3, 3), (2, 3, 2)),
           (normal, well_conditioned, normal), label="stack"),
    helper("runtime.solve_adjoint_b(x0, x1, np.ones(3))", ((2, 3), (2, 3, 3)), (normal, well_conditioned),
           label="broadcast"),
    helper("runtime.solve_tangent(x0, x1, x2, np.ones(3), x3)", ((3, 3), (3,), (3, 3), (3,)),
           (normal, normal, well_conditioned, normal), label="vector"),
    helper("runtime.solve_tangent(x0, x1, x2, np.ones((3, 2)), x3)", ((2, 3, 3), (3, 2), (2, 3, 3), (2, 3, 2)),
           (normal, normal, well_conditioned, normal), label="stack"),
    helper("runtime.solve_adjoint_solution(x0, x1, x2, np.ones(3))", ((2, 3, 3), (2, 3), (2, 3, 3)),
           (normal, normal, well_conditioned)),
    helper(f"runtime.cholesky_adjoint(x0, {cholesky_of('x1')})", ((3, 3), (3, 3))),
    helper(f"runtime.cholesky_adjoint(x0, {cholesky_of('x1')})", ((2, 3, 3), (2, 3, 3)), label="stack"),
    # dA is symmetric where cholesky_tangent is called, and its adjoint is the symmetric one
    helper(f"runtime.cholesky_tangent(x0 + np.swapaxes(x0, -1, -2), {cholesky_of('x1')})", ((3, 3), (3, 3))),
    helper("runtime.symmetrized(x0)", ((2, 3, 3),)),
    helper("runtime.norm_adjoint(x0, np.linalg.norm(x1, axis=0), x1, None, 0)", ((3,), (4, 3)), (normal, spaced),
           label="axis=0"),
    helper("runtime.norm_adjoint(x0, np.linalg.norm(x1, 3, 1, True), x1, 3, 1, True)", ((4, 1), (4, 3)),
           (normal, spaced), label="ord=3,keepdims"),
    helper("runtime.norm_adjoint(x0, np.linalg.norm(x1), x1)", (S, (3, 4)), (normal, spaced), label="frobenius"),
    helper("runtime.norm_adjoint(x0, np.linalg.norm(x1, np.inf), x1, np.inf)", (S, (4,)), (normal, spaced),
           label="ord=inf"),
    helper("runtime.norm_tangent(x0, np.linalg.norm(x1, axis=-1, keepdims=True), x1, None, -1, True)",
           ((2, 3), (2, 3)), (normal, spaced), label="keepdims"),
    helper("runtime.norm_tangent(x0, np.linalg.norm(x1, 3), x1, 3)", ((4,), (4,)), (normal, spaced), label="ord=3"),
    # np.linalg.multi_dot
    helper("runtime.multi_dot_adjoint(x0, [x1, x2, x3])", ((2, 4), (2, 3), (3, 3), (3, 4)), label="matrices"),
    helper("runtime.multi_dot_adjoint(x0, [x1, x2, x3])", (S, (3,), (3, 2), (2,)), label="vectors"),
    # positions (np.delete, np.insert, np.resize)
    helper("runtime.tags_gather(x0, np.array([[2, 0], [1, 3]]))", ((3,),), label="gather"),
    helper("runtime.tags_gather(x0, np.array([0, 1, 1]))", (S,), label="one element"),
    helper("runtime.tags_scatter(x0, np.array([[2, 0], [1, 2]]), np.ones(3))", ((2, 2),), label="scatter"),
    helper("runtime.tags_scatter(x0, np.array([1, 0, 1]), 1.0)", ((3,),), label="into a float"),
    # decompositions
    helper("runtime.symmetric_from(x0, 'L')", ((2, 3, 3),), label="L"),
    helper("runtime.symmetric_from(x0, 'U')", ((3, 3),), label="U"),
    helper("runtime.triangle_adjoint(x0, 'L')", ((3, 3),), label="L"),
    helper("runtime.triangle_adjoint(x0, 'U')", ((2, 3, 3),), label="U"),
    helper("runtime.transpose_if(x0, True)", ((2, 3, 4),), label="transposed"),
    helper("runtime.transpose_if(x0, 0)", ((3, 4),), label="as it is"),
    helper("runtime.eigen_gaps(x0)", ((2, 4),), spaced),
    helper("runtime.as_columns(x0)", ((4,),)),
    helper("runtime.lstsq_residuals_adjoint(x0, x1, np.ones(2))", ((2,), (5, 2))),
    helper("runtime.lstsq_residuals_tangent(x0, x1, np.ones(1))", ((5,), (5,))),
    helper("runtime.full_rank(x0, 'f')", ((3, 3),), well_conditioned),
    helper("runtime.polyfit_points(x0, 2)", ((4,),)),
    # statistics
    helper("runtime.weights_like(x0, np.ones((4, 3)), 0)", ((4,),)),
    helper("runtime.weights_adjoint(x0, np.ones(3), np.ones((4, 3)), 1)", ((4, 3),)),
    helper("runtime.order_adjoint(x0, x1, 0)", ((3,), (4, 3)), (normal, spaced), label="median"),
    helper("runtime.order_tangent(x0, x1, -1, 0.5, True)", ((4, 3), (4, 3)), (normal, spaced), label="median"),
    helper("runtime.order_adjoint(x0, x1, 1, x2, False)", ((4,), (4, 3), S), (normal, spaced, uniform(0.1, 0.4)),
           label="quantile"),
    helper("runtime.order_tangent(x0, x1, None, x2)", ((4, 3), (4, 3), S), (normal, spaced, uniform(0.1, 0.4)),
           label="quantile"),
    helper("runtime.quantile_position(x0)", (S,)),
    helper("runtime.centered_observations(x0, False)", ((5, 3),)),
    helper("runtime.centered_adjoint(x0, np.ones(5))", ((1, 5),)),
    helper("runtime.stacked_observations(x0, x1, False)", ((5, 2), (5,))),
    helper("runtime.stacked_observations(x0)", ((2, 4),), label="alone"),
    helper("runtime.take_along_axis_adjoint(x0, np.ones((3, 3)), np.array([[0, 0], [2, 1], [1, 1]]), 1)", ((3, 2),)),
    helper("runtime.item_placed(x0, np.ones((2, 3)), 4)", (S,)),
    helper("runtime.full_convolution(x0, np.ones(5), np.ones(3), 'same')", ((5,),)),
    helper("runtime.cropped_convolution(x0, np.ones(2), np.ones(4), 'valid')", ((5,),)),
    helper("runtime.pair_means(x0, 0)", ((4, 3),)),
    helper("runtime.pair_means_adjoint(x0, np.ones((3, 4)), -1)", ((3, 3),)),
    helper("runtime.spacings(x0, np.ones((3, 4)), -1)", ((4,),)),
    helper("runtime.spacings_adjoint(x0, np.ones((4, 3)), np.ones((4, 3)), 0)", ((3, 3),)),
    helper("runtime.spacings_adjoint(x0, np.ones((4, 1)), np.ones((4, 3)), 0)", ((3, 3),), label="broadcast"),
    helper("runtime.pair_means_adjoint(x0, np.ones((1, 4)), -1)", ((3, 3),), label="broadcast"),
    helper("runtime.select_adjoint(x0, [np.array([True, False, True]), np.array([True, True, False])], "
           "[np.ones(3), np.ones((2, 1))])", ((2, 3),)),
    helper("runtime.select_tangent([np.array([True, False, True]), np.array([True, True, False])], [x0, x1], "
           "[np.ones(3), np.ones((2, 1))], x2, np.ones((2, 3)))", ((3,), (2, 1), (2, 3))),
    helper("runtime.scatter_sum(x0, np.array([2, 0, 2]), 4)", ((3,),)),
    helper("runtime.pad_adjoint(x0, np.ones((2, 3)), ((1, 0), (2, 1)))", ((3, 6),)),
    helper("runtime.padded(x0, x1, np.ones((2, 3)), 1)", ((2, 3), S)),
    # scalars
    helper("runtime.scalar_polygamma(1, x0)", (S,), positive),
    helper("runtime.chosen_adjoint(x0, [1.0, 3.0, 2.0], 3.0)", (S,)),
    helper("runtime.chosen_tangent([x0, x1], [1.0, 3.0], 3.0)", (S, S)),
]
HELPER_CASES = [case for case in expand(HELPERS, "helper_") if len(case.wrt) == case.spec.nargs]
HELPER_PARAMS = [pytest.param(case, id=case.spec.id) for case in HELPER_CASES]


@pytest.fixture(scope="module")
def helper_functions(tmp_path_factory):
    source = "from adjoint import runtime\n" + module_source(HELPER_CASES)
    return load(tmp_path_factory.mktemp("second_order") / "helper_functions.py", source)


@pytest.mark.parametrize("case", HELPER_PARAMS)
def test_helper_adjoint_rule_matches_central_differences(case: Case, helper_functions, rng) -> None:
    fn = getattr(helper_functions, case.name)
    args = case.make_args(rng)
    value, pullback = adjoint.vjp(fn, wrt=case.wrt)(*copy.deepcopy(args))
    u = direction_like(value, rng)
    v = [direction_like(args[p], rng) for p in case.wrt]
    projected = sum(inner(g, step) for g, step in zip(pullback(u), v))
    expected = inner(u, central_difference(fn, args, case.wrt, v))
    assert projected == pytest.approx(expected, rel=RTOL, abs=ATOL)


@pytest.mark.parametrize("case", HELPER_PARAMS)
def test_helper_tangent_rule_matches_central_differences(case: Case, helper_functions, rng) -> None:
    fn = getattr(helper_functions, case.name)
    args = case.make_args(rng)
    v = [direction_like(args[p], rng) for p in case.wrt]
    _, tangent = adjoint.jvp(fn, wrt=case.wrt)(*copy.deepcopy(args), *v)
    np.testing.assert_allclose(flat(tangent), central_difference(fn, args, case.wrt, v), rtol=RTOL, atol=ATOL)


# ----- every helper that generated code calls has rules -------------------------------------------


def runtime_names_in_rules() -> set:
    """Names a rule file imports from adjoint.runtime or reads as `runtime.<name>`."""
    names = set()
    for path in sorted(RULES.glob("*.py")):
        if path.name.startswith("scipy_") and not HAS_SCIPY:  # registered only when SciPy imports
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "adjoint.runtime":
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "runtime":
                names.add(node.attr)
    return names


def runtime_names_emitted() -> set:
    """Helpers the compiler itself writes into generated code: `ctx.runtime("<name>")`."""
    names = set()
    for path in sorted(COMPILER.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "runtime"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                names.add(node.args[0].value)
    return names


THIRD_ORDER = "its rules would be third-order rules of {}, which are not written"
FORWARD_ONLY = ("the helper of the forward rule of {}: reverse mode over jvp through it is not supported "
                "(forward over reverse and reverse over reverse are)")
FIRST_ORDER = "a helper of the rules of {}, whose second derivatives are refused"
CHECKPOINTED = "a checkpointed loop takes its step function as an argument: no template can differentiate it"
WITHOUT_RULES = {
    "checkpointed_forward": CHECKPOINTED,
    "checkpointed_adjoint": CHECKPOINTED,
    "einsum_adjoint_backward": THIRD_ORDER.format("np.einsum"),
    "einsum_adjoint_tangent": THIRD_ORDER.format("np.einsum"),
    "einsum_cross": THIRD_ORDER.format("np.einsum"),
    "einsum_tangent_adjoint": THIRD_ORDER.format("np.einsum"),
    "kron_adjoint_backward": THIRD_ORDER.format("np.kron"),
    "norm_hessian_product": THIRD_ORDER.format("np.linalg.norm"),
    "norm_hessian_form": THIRD_ORDER.format("np.linalg.norm"),
    "half_over_std_slope": THIRD_ORDER.format("np.std"),
    "prod_others_adjoint": THIRD_ORDER.format("np.prod"),
    "prod_others_tangent": THIRD_ORDER.format("np.prod"),
    "cofactors_adjoint_x": THIRD_ORDER.format("np.linalg.det"),
    "cofactors_adjoint_det": THIRD_ORDER.format("np.linalg.det"),
    "cofactors_tangent": THIRD_ORDER.format("np.linalg.det"),
    "eigvalsh_tangent": FORWARD_ONLY.format("np.linalg.eigvalsh"),
    "svd_tangent": FORWARD_ONLY.format("np.linalg.svd"),
    "qr_tangent": FORWARD_ONLY.format("np.linalg.qr"),
    "eigh_tangent": FORWARD_ONLY.format("scipy.linalg.eigh"),
    "insert_tangent": FORWARD_ONLY.format("np.insert"),
    "multi_dot_tangent": FORWARD_ONLY.format("np.linalg.multi_dot"),
    "multi_dot_adjoint_tangent": THIRD_ORDER.format("np.linalg.multi_dot"),
    "multi_dot_second": THIRD_ORDER.format("np.linalg.multi_dot"),
    "lstsq_tangent": FORWARD_ONLY.format("np.linalg.lstsq"),
    "matrix_power_tangent": FORWARD_ONLY.format("np.linalg.matrix_power"),
    "interp_tangent": FORWARD_ONLY.format("np.interp"),
    "block_diag_tangent_adjoint": THIRD_ORDER.format("scipy.linalg.block_diag"),
    "scatter_multiply_adjoint": FIRST_ORDER.format("np.multiply.at"),
    "scatter_multiply_tangent": FIRST_ORDER.format("np.multiply.at"),
}
CALLED = sorted(name for name in runtime_names_in_rules() | runtime_names_emitted()
                if inspect.isfunction(getattr(runtime, name)))
CALLED_PARAMS = [pytest.param(name, marks=[pytest.mark.xfail(strict=True, reason=WITHOUT_RULES[name])]
                              if name in WITHOUT_RULES else []) for name in CALLED]


@pytest.mark.parametrize("name", CALLED_PARAMS)
def test_every_helper_generated_code_calls_has_both_rules_or_is_constant(name: str) -> None:
    func = getattr(runtime, name)
    if func in NON_DIFFERENTIABLE:
        return
    assert func in ADJOINTS, f"runtime.{name} is called by generated code but has no adjoint rule"
    assert func in TANGENTS, f"runtime.{name} is called by generated code but has no tangent rule"


def test_the_helpers_are_found() -> None:
    assert {"unbroadcast", "einsum_adjoint", "solve_tangent", "gradient_like", "item_adjoint"} <= set(CALLED)
    assert len(CALLED) >= 60
