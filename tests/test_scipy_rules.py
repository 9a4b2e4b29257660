"""Every SciPy rule (scipy_specs.py), in both modes and at second order, against central
differences; and against autograd.scipy where it has the function.

The checks are test_rules.py's (a projection of the pullback, the tangent element by element)
and test_second_order_rules.py's (hvp and reverse over reverse of sum(w * y * y), and hvp of
sum(y), against the central difference of its gradient). The helpers of the SciPy rules have their own rules
checked on the helpers called directly.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest

import adjoint
from rule_specs import RuleSpec, expand, normal, positive, well_conditioned
from test_rules import assert_like_input, assert_same_structure, central_difference, direction_like, flat, inner
from test_second_order_rules import calls_a_helper, largest_per_variant, load, params, scalarized_module, summed

pytest.importorskip("scipy")
from scipy_specs import CASES, module_source  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::adjoint.AdjointWarning")
RTOL = ATOL = 1e-5
PARAMS = [pytest.param(case, id=case.id) for case in CASES]


@pytest.fixture(scope="module")
def functions(tmp_path_factory):
    return load(tmp_path_factory.mktemp("scipy") / "scipy_rule_functions.py", module_source(CASES))


@pytest.mark.parametrize("case", PARAMS)
def test_adjoint_matches_central_differences(case, functions, rng) -> None:
    fn = getattr(functions, case.name)
    args = case.make_args(rng)
    value, pullback = adjoint.vjp(fn, wrt=case.wrt)(*copy.deepcopy(args))
    np.testing.assert_array_equal(flat(value), flat(fn(*copy.deepcopy(args))))
    u = direction_like(value, rng)
    gradients = pullback(u)
    for position, gradient in zip(case.wrt, gradients):
        assert_like_input(gradient, args[position], f"gradient of x{position}")
    v = [direction_like(args[p], rng) for p in case.wrt]
    projected = sum(inner(g, step) for g, step in zip(gradients, v))
    expected = inner(u, central_difference(fn, args, case.wrt, v))
    assert projected == pytest.approx(expected, rel=case.spec.tol, abs=case.spec.tol)


@pytest.mark.parametrize("case", PARAMS)
def test_tangent_matches_central_differences(case, functions, rng) -> None:
    fn = getattr(functions, case.name)
    args = case.make_args(rng)
    v = [direction_like(args[p], rng) for p in case.wrt]
    value, tangent = adjoint.jvp(fn, wrt=case.wrt)(*copy.deepcopy(args), *v)
    np.testing.assert_array_equal(flat(value), flat(fn(*copy.deepcopy(args))))
    assert_same_structure(tangent, value)
    np.testing.assert_allclose(flat(tangent), central_difference(fn, args, case.wrt, v),
                               rtol=case.spec.tol, atol=case.spec.tol)


# ----- second order ----------------------------------------------------------------------------------

VARIANTS = largest_per_variant(CASES)
HELPER_VARIANTS = [case for case in VARIANTS if calls_a_helper(case.spec.func)]


@pytest.fixture(scope="module")
def scalarized(functions, tmp_path_factory):
    """`scipy_<n>(x0, ..., w)`: sum(w * y * y) of the spec's call y."""
    return scalarized_module(tmp_path_factory.mktemp("scipy") / "scipy_scalarized.py", functions, VARIANTS,
                             module_source([]))


def setup(case, functions, scalarized, rng):
    args = case.make_args(rng)
    output = getattr(functions, case.name)(*copy.deepcopy(args))
    weight = rng.normal(size=flat(output).size) if isinstance(output, (list, tuple)) else direction_like(output, rng)
    return getattr(scalarized, case.name), args + (weight,), [direction_like(args[p], rng) for p in case.wrt]


def gradient_difference(fn, args, wrt, directions) -> np.ndarray:
    return central_difference(adjoint.grad(fn, wrt=tuple(wrt)), args, wrt, directions)


def one_or_many(wrt: tuple):
    return wrt if len(wrt) > 1 else wrt[0]


@pytest.mark.parametrize("case", params(VARIANTS))
def test_hvp_matches_differences_of_the_gradient(case, functions, scalarized, rng) -> None:
    fn, args, directions = setup(case, functions, scalarized, rng)
    product = adjoint.hvp(fn, wrt=one_or_many(case.wrt))(*copy.deepcopy(args), *directions)
    np.testing.assert_allclose(flat(product), gradient_difference(fn, args, case.wrt, directions),
                               rtol=RTOL, atol=ATOL)


@pytest.fixture(scope="module")
def sums(functions, tmp_path_factory):
    return summed(tmp_path_factory.mktemp("scipy_sums"), functions, VARIANTS, module_source([]))


@pytest.mark.parametrize("case", params(VARIANTS))
def test_hvp_of_a_sum_of_the_output(case, functions, scalarized, sums, rng) -> None:
    _, args, directions = setup(case, functions, scalarized, rng)
    fn = getattr(sums, case.name)
    product = adjoint.hvp(fn, wrt=one_or_many(case.wrt))(*copy.deepcopy(args), *directions)
    np.testing.assert_allclose(flat(product), gradient_difference(fn, args, case.wrt, directions),
                               rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("case", params(HELPER_VARIANTS))
def test_reverse_over_reverse_matches_differences_of_the_gradient(case, functions, scalarized, rng) -> None:
    fn, args, directions = setup(case, functions, scalarized, rng)
    wrt = one_or_many(case.wrt)
    _, pullback = adjoint.vjp(adjoint.grad(fn, wrt=wrt), wrt=wrt)(*copy.deepcopy(args))
    product = pullback(tuple(directions) if len(case.wrt) > 1 else directions[0])
    np.testing.assert_allclose(flat(product), gradient_difference(fn, args, case.wrt, directions),
                               rtol=RTOL, atol=ATOL)


# ----- against autograd.scipy -------------------------------------------------------------------------

PEER_CASES = [case for case in CASES if case.spec.peer]


@pytest.fixture(scope="module")
def autograd_functions(tmp_path_factory):
    pytest.importorskip("autograd")
    source = module_source(PEER_CASES, "autograd.numpy", "autograd.scipy")
    return load(tmp_path_factory.mktemp("scipy") / "scipy_rule_functions_autograd.py", source)


@pytest.mark.peers
@pytest.mark.parametrize("case", [pytest.param(case, id=case.id) for case in PEER_CASES])
def test_adjoint_matches_autograd(case, functions, autograd_functions, rng) -> None:
    autograd = pytest.importorskip("autograd")
    fn = getattr(functions, case.name)
    args = case.make_args(rng)
    value, pullback = adjoint.vjp(fn, wrt=case.wrt)(*copy.deepcopy(args))
    u = direction_like(value, rng)
    peer = getattr(autograd_functions, case.name)
    for position, gradient in zip(case.wrt, pullback(u)):
        peer_vjp, peer_value = autograd.make_vjp(peer, position)(*copy.deepcopy(args))
        np.testing.assert_allclose(flat(peer_value), flat(value), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(flat(gradient), flat(peer_vjp(u)), rtol=1e-8, atol=1e-10,
                                   err_msg=f"gradient of x{position}")


# ----- the helpers of the SciPy rules, called directly --------------------------------------------------


def helper(call: str, shapes: tuple, domain=normal) -> RuleSpec:
    name = call[len("runtime."):call.index("(")]
    return RuleSpec(getattr(adjoint.runtime, name), len(shapes), domain, (shapes,), call=call, peer=False, id=name)


HELPERS = [
    helper("runtime.logsumexp_weights(x0, x1)", ((2, 3), (3,)), (normal, positive)),
    helper("runtime.multigamma_polygamma(2, x0, 3)", ((3,),), positive),
    helper("runtime.mvn_precision(x0, np.ones(3))", ((3, 3),), well_conditioned),
    helper("runtime.dirichlet_points(x0, np.ones(3))", ((3, 2),), positive),
    helper("runtime.points_outer(x0, x1)", ((4, 3), (4, 3))),
    helper("runtime.points_outer(x0, x1)", ((3,), (3,))),
    helper("runtime.standardized(x0, x1, x2)", ((2, 3), (3,), ()), (normal, normal, positive)),
    helper("runtime.triangle(x0, False)", ((3, 3),)),
    helper("runtime.transpose_if(x0, 'T')", ((2, 3),)),
    helper("runtime.frechet_block(x0, x1)", ((2, 2), (2, 2))),
    helper("runtime.frechet_corner(x0)", ((4, 4),)),
    helper("runtime.pair_differences(x0, x1)", ((3, 2), (4, 2))),
    helper("runtime.distance_scale('euclidean', x0)", ((3, 4),), positive),
    helper("runtime.initial_dropped(x0, 0, 0)", ((3, 2),)),
    helper("runtime.initial_inserted(x0, -1, 0)", ((3, 2),)),
    helper("runtime.centered(x0, (2, 1))", ((4, 3),)),
    helper("runtime.centered_padded(x0, (4, 5))", ((2, 2),)),
    helper("runtime.unit_lower(x0)", ((3, 3),)),
]
HELPER_CASES = [case for case in expand(HELPERS, "helper_") if len(case.wrt) == case.spec.nargs]


@pytest.fixture(scope="module")
def helper_functions(tmp_path_factory):
    source = "from adjoint import runtime\n" + module_source(HELPER_CASES)
    return load(tmp_path_factory.mktemp("scipy") / "scipy_helper_functions.py", source)


@pytest.mark.parametrize("case", [pytest.param(case, id=case.spec.id) for case in HELPER_CASES])
def test_helper_rules_match_central_differences(case, helper_functions, rng) -> None:
    fn = getattr(helper_functions, case.name)
    args = case.make_args(rng)
    value, pullback = adjoint.vjp(fn, wrt=case.wrt)(*copy.deepcopy(args))
    u = direction_like(value, rng)
    v = [direction_like(args[p], rng) for p in case.wrt]
    expected = central_difference(fn, args, case.wrt, v)
    assert sum(inner(g, step) for g, step in zip(pullback(u), v)) == pytest.approx(inner(u, expected), rel=RTOL,
                                                                                 abs=ATOL)
    _, tangent = adjoint.jvp(fn, wrt=case.wrt)(*copy.deepcopy(args), *v)
    np.testing.assert_allclose(flat(tangent), expected, rtol=RTOL, atol=ATOL)


# ----- every SciPy rule has a spec and a row in docs/numpy.md ---------------------------------------------

SCIPY_RULE_FILES = ("adjoint.rules.scipy_special", "adjoint.rules.scipy_special_elementary",
                    "adjoint.rules.scipy_special_bessel", "adjoint.rules.scipy_stats",
                    "adjoint.rules.scipy_stats_families", "adjoint.rules.scipy_stats_cdfs",
                    "adjoint.rules.scipy_linalg", "adjoint.rules.scipy_linalg_decompositions",
                    "adjoint.rules.scipy_spatial", "adjoint.rules.scipy_integrate", "adjoint.rules.scipy_signal",
                    "adjoint.rules.scipy_linalg_structured", "adjoint.rules.scipy_linalg_lu",
                    "adjoint.rules.scipy_fft")


@pytest.mark.parametrize("module", SCIPY_RULE_FILES)
def test_every_scipy_rule_has_a_spec_and_a_coverage_row(module) -> None:
    from adjoint.coverage import coverage_table, library_functions, library_spelling
    from scipy_specs import SPECS
    specified = {spec.func for spec in SPECS}
    functions = library_functions(module)
    assert functions
    missing = [library_spelling(func) for func in functions if func not in specified]
    assert not missing, f"SciPy rules without a RuleSpec in tests/scipy_specs.py: {missing}"
    table = coverage_table()
    for func in functions:
        assert f"| `{library_spelling(func)}` | yes | yes |" in table
