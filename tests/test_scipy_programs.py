"""SciPy as an optional dependency; statistics programs against autograd; elementwise_grad;
refusals that name SciPy's functions by their public module, at the user's line."""
from __future__ import annotations

import copy
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import adjoint

ROOT = Path(__file__).resolve().parent.parent
pytest.importorskip("scipy")
import scipy_programs as programs  # noqa: E402
from soundness_scipy import CASES  # noqa: E402
from soundness import Exact  # noqa: E402

EXACT = [pytest.param(case, id=case.name) for case in CASES if isinstance(case, Exact)]
# The programs of scipy_programs.py, which autograd runs too (the other exact cases call what it lacks).
PROGRAMS = [param for param in EXACT if param.values[0].fn.__module__ == "scipy_programs"]


def test_adjoint_imports_and_differentiates_without_scipy() -> None:
    script = (
        "import sys; sys.modules['scipy'] = None\n"
        "import adjoint, adjoint.rules, adjoint.runtime\n"
        "assert not adjoint.rules.HAS_SCIPY\n"
        "print(adjoint.grad(adjoint.runtime.standardized, wrt=0)(3.0, 1.0, 2.0))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0.5"


# ----- against autograd ---------------------------------------------------------------------------------

# autograd lacks cholesky's vjp, frozen distributions and gamma's loc and scale: the same math spelled its way.
AUTOGRAD_FORMS = {
    "return linalg.cholesky(a, lower=True)": "return np.linalg.cholesky(a)",
    "stats.norm(mean, np.exp(log_std)).logpdf(samples)": "stats.norm.logpdf(samples, mean, np.exp(log_std))",
    "stats.gamma.logpdf(rates, np.exp(log_shape), 0.0, 2.0)":
        "(stats.gamma.logpdf(rates / 2.0, np.exp(log_shape)) - np.log(2.0))",
}


@pytest.fixture(scope="module")
def autograd_programs(tmp_path_factory):
    pytest.importorskip("autograd")
    source = (ROOT / "tests" / "scipy_programs.py").read_text()
    source = source.replace("import numpy as np\nfrom scipy import linalg, special, stats",
                            "import autograd.numpy as np\nfrom autograd.scipy import linalg, special, stats")
    for scipy_form, autograd_form in AUTOGRAD_FORMS.items():
        assert scipy_form in source
        source = source.replace(scipy_form, autograd_form)
    path = tmp_path_factory.mktemp("programs") / "autograd_programs.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.peers
@pytest.mark.parametrize("case", PROGRAMS)
def test_program_gradient_matches_autograd(case, autograd_programs, rng) -> None:
    autograd = pytest.importorskip("autograd")
    args = case.make_args(rng)
    value, gradient = adjoint.value_and_grad(case.fn)(*copy.deepcopy(args))
    peer = getattr(autograd_programs, case.fn.__name__)
    peer_value, peer_gradient = autograd.value_and_grad(peer)(*copy.deepcopy(args))
    assert value == pytest.approx(peer_value, rel=1e-10)
    np.testing.assert_allclose(gradient, peer_gradient, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("case", EXACT)
def test_program_hessian_vector_product_matches_differences(case, rng) -> None:
    args = case.make_args(rng)
    v = rng.normal(size=np.shape(args[0])) if np.shape(args[0]) else 1.0
    product = adjoint.hvp(case.fn)(*copy.deepcopy(args), v)
    eps = 1e-6
    gradient = adjoint.grad(case.fn)
    plus = gradient(args[0] + eps * v, *args[1:])
    minus = gradient(args[0] - eps * v, *args[1:])
    np.testing.assert_allclose(product, (np.asarray(plus) - np.asarray(minus)) / (2 * eps), rtol=1e-5, atol=1e-6)


# ----- elementwise_grad -------------------------------------------------------------------------------------

def softplus(x):
    return np.logaddexp(0.0, x)


def scaled_expit(x, scale):
    return programs.special.expit(x) * scale


def test_elementwise_grad_is_the_derivative_of_each_element(rng) -> None:
    x = rng.normal(size=(2, 3))
    np.testing.assert_allclose(adjoint.elementwise_grad(softplus)(x), programs.special.expit(x), rtol=1e-12)
    slope = adjoint.elementwise_grad(scaled_expit)(0.3, 2.0)
    assert isinstance(slope, float)
    assert slope == pytest.approx(2.0 * programs.special.expit(0.3) * programs.special.expit(-0.3))
    np.testing.assert_allclose(adjoint.elementwise_grad(scaled_expit, wrt="scale")(x, 2.0),
                               programs.special.expit(x), rtol=1e-12)


@pytest.mark.peers
def test_elementwise_grad_matches_autograd(rng) -> None:
    autograd = pytest.importorskip("autograd")
    import autograd.numpy as anp
    x = rng.normal(size=5)
    expected = autograd.elementwise_grad(lambda v: anp.tanh(v) * v)(x)
    np.testing.assert_allclose(adjoint.elementwise_grad(tanh_times)(x), expected, rtol=1e-12)


def tanh_times(x):
    return np.tanh(x) * x


def test_elementwise_grad_pickles_like_the_other_derived_functions(rng) -> None:
    import pickle
    derived = pickle.loads(pickle.dumps(adjoint.elementwise_grad(softplus)))
    x = rng.normal(size=3)
    np.testing.assert_allclose(derived(x), programs.special.expit(x), rtol=1e-12)


# ----- refusals name SciPy's functions ------------------------------------------------------------------------

def zeta_minus_one_sum(x):
    return np.sum(programs.special.zetac(x))


def test_a_refusal_names_the_public_module_and_shows_the_rule_to_write() -> None:
    with pytest.raises(adjoint.NonDifferentiableError) as raised:
        adjoint.grad(zeta_minus_one_sum)(np.full(3, 2.0))
    message = str(raised.value)
    assert "scipy.special.zetac" in message and "numpy.zetac" not in message
    assert "@adjoint.register_adjoint(scipy.special.zetac)" in message
    assert re.search(r"def _\(result, x0?\):", message)  # x0 where SciPy's ufunc has no signature
    assert raised.value.location.filename == __file__


def test_odeint_is_refused_with_the_fixed_step_advice() -> None:
    from soundness_scipy import ode_solution
    with pytest.raises(adjoint.NonDifferentiableError, match="fixed-step loop"):
        adjoint.grad(ode_solution)(0.7)


# ----- forms a rule meets only at run time ---------------------------------------------------------------------

def diagonal_covariance(mean, variances):
    return programs.stats.multivariate_normal.logpdf(np.zeros(3), mean, variances)


def weights_wider_than_values(a, b):
    return programs.special.logsumexp(a, b=b)


def test_a_covariance_that_is_not_a_matrix_is_refused_when_the_gradient_runs() -> None:
    with pytest.raises(adjoint.AdjointError, match="2-d covariance matrix"):
        adjoint.grad(diagonal_covariance)(np.zeros(3), np.ones(3))


def test_logsumexp_weights_broadcasting_the_values_are_refused_when_the_gradient_runs() -> None:
    with pytest.raises(adjoint.AdjointError, match="more dimensions than `a`"):
        adjoint.grad(weights_wider_than_values)(np.zeros(3), np.ones((2, 3)))
