"""Every tangent has its primal's shape, whichever of a rule's operands are differentiated.

test_rules.py compares each rule's tangent with differences at the function's output, where
jvp returns the tangent in the output's shape: a tangent that lacks broadcast axes (`-dm` for
`X - m`, shaped like m) is expanded there and looks right. Here each rule's output y goes
through `np.cumsum(np.transpose(y))`, which gives a different answer (or fails) for a
tangent of any other shape, and each argument is differentiated alone as well as all
together, so that the other operands' zero tangents drop out of the rule.

- forward: jvp's tangent of the probe equals its central difference;
- forward over reverse: hvp of sum(w * probe ** 2) equals the difference of its gradient.

The tangent rules of the runtime helpers (which the generated code of second derivatives
calls) are probed in forward mode too.
"""
from __future__ import annotations

import copy
import operator
from typing import Any, List, Sequence

import numpy as np
import pytest

import adjoint
from adjoint import runtime
from rule_specs import SPECS, Case, RuleSpec
from test_rules import central_difference, direction_like, flat
from test_second_order_rules import ATOL, HELPERS, RTOL, gradient_difference, load, single_or_tuple

# Helpers are differentiated with respect to every argument, some of which no derivative reaches.
pytestmark = pytest.mark.filterwarnings("ignore::adjoint.AdjointWarning")

PROBE = "np.cumsum(np.transpose({}))"


def probe_body(case: Case, wrap: str) -> List[str]:
    """The spec's function body with its returned expression y replaced by `wrap` of y."""
    lines = case.spec.source(case.kwargs).split("\n")
    call = lines[-1][len("return "):]
    return lines[:-1] + ["return " + wrap.format(call)]


def module_source(cases: Sequence[Case], wrap: str, weighted: bool = False) -> str:
    """One function per case, `probe_<n>(x0, ...)` (and a weight `w` last when weighted)."""
    lines = ["import operator", "import numpy as np", "from adjoint import runtime", "", ""]
    for case in cases:
        params = [f"x{i}" for i in range(case.spec.nargs)] + (["w"] if weighted else [])
        lines.append(f"def {case.name}({', '.join(params)}):")
        lines.extend("    " + line for line in probe_body(case, wrap))
        lines.extend(["", ""])
    return "\n".join(lines)


def plain_output(case: Case) -> Any:
    """What the spec's call returns on the case's arguments, run as plain NumPy."""
    namespace = {"np": np, "operator": operator, "runtime": runtime}
    lines = [f"def f({', '.join(f'x{i}' for i in range(case.spec.nargs))}):"]
    lines.extend("    " + line for line in case.spec.source(case.kwargs).split("\n"))
    exec("\n".join(lines), namespace)
    return namespace["f"](*case.make_args(np.random.default_rng(0)))


def probe_cases(specs: Sequence[RuleSpec], prefix: str) -> List[Case]:
    """Each variant of each spec returning an array, with respect to each argument alone and to all."""
    cases = []
    for spec in specs:
        for shapes, kwargs in spec.variants():
            every = tuple(range(spec.nargs))
            output = plain_output(Case(spec, shapes, kwargs, every))
            if not (isinstance(output, np.ndarray) and output.ndim > 0):
                continue
            for wrt in [(position,) for position in every] + ([every] if spec.nargs > 1 else []):
                cases.append(Case(spec, shapes, kwargs, wrt, f"{prefix}{len(cases)}"))
    return cases


RULE_CASES = probe_cases(SPECS, "probe_")
CASES = RULE_CASES + probe_cases(HELPERS, "helper_probe_")
PARAMS = [pytest.param(case, id=case.id) for case in CASES]
# Second order of the rules, each argument alone (all together is test_second_order_rules.py's case).
HVP_PARAMS = [pytest.param(case, id=case.id) for case in RULE_CASES
              if len(case.wrt) == 1 and case.spec.order > 1 and case.spec.nargs > 1]


@pytest.fixture(scope="module")
def probes(tmp_path_factory):
    return load(tmp_path_factory.mktemp("probes") / "tangent_probes.py", module_source(CASES, PROBE))


@pytest.fixture(scope="module")
def squared_probes(tmp_path_factory):
    source = module_source(CASES, f"np.sum(w * {PROBE} ** 2)", weighted=True)
    return load(tmp_path_factory.mktemp("probes") / "squared_tangent_probes.py", source)


@pytest.mark.parametrize("case", PARAMS)
def test_tangent_keeps_its_primal_shape(case: Case, probes, rng) -> None:
    fn = getattr(probes, case.name)
    args = case.make_args(rng)
    v = [direction_like(args[p], rng) for p in case.wrt]
    value, tangent = adjoint.jvp(fn, wrt=case.wrt)(*copy.deepcopy(args), *v)
    assert np.shape(tangent) == np.shape(value)
    tol = case.spec.tol
    np.testing.assert_allclose(flat(tangent), central_difference(fn, args, case.wrt, v), rtol=tol, atol=tol)


@pytest.mark.parametrize("case", HVP_PARAMS)
def test_hvp_of_one_argument_matches_differences_of_the_gradient(case: Case, squared_probes, probes, rng) -> None:
    fn = getattr(squared_probes, case.name)
    args = case.make_args(rng)
    weight = rng.normal(size=np.shape(getattr(probes, case.name)(*copy.deepcopy(args))))
    args = args + (weight,)
    directions = [direction_like(args[p], rng) for p in case.wrt]
    product = adjoint.hvp(fn, wrt=single_or_tuple(case.wrt))(*copy.deepcopy(args), *directions)
    expected = gradient_difference(fn, args, case.wrt, directions)
    np.testing.assert_allclose(flat(product), expected, rtol=RTOL, atol=ATOL)
