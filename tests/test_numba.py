"""The numba backend (adjoint/backend/numba.py): the derivatives numba compiles agree with the
Python backend's, what numba cannot compile is refused at its line, and `adjoint gen --backend
numba` writes a module that runs without adjoint. Skipped where numba is not installed."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

pytest.importorskip("numba")

import adjoint  # noqa: E402
from adjoint.cli import main  # noqa: E402
from adjoint.errors import BackendError  # noqa: E402
from adjoint.options import Options  # noqa: E402
from benchmarks.cases import CASES as BENCHMARKS  # noqa: E402
from catalogue import CASES as CATALOGUE  # noqa: E402

RTOL = ATOL = 1e-10


@pytest.fixture(autouse=True, scope="module")
def disk_cache_on(tmp_path_factory):
    """The disk cache on, in a directory of this module's own: numba's modules are written under it
    (and, with it off, under the system's temporary directory, which the test run must not leave
    files in)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ADJOINT_CACHE_DIR", str(tmp_path_factory.mktemp("numba-cache")))
        patch.delenv("ADJOINT_CACHE", raising=False)
        yield
CATALOGUE_IDS = (
    "scalar_polynomial", "math_tanh", "math_hypot", "builtin_max_two", "builtin_abs", "if_elif_else_second",
    "if_nested_pos_neg", "for_range_horner", "for_range_negative_step", "while_newton_sqrt",
    "jump_early_return_taken", "call_helper_calls_helper", "tuple_swap_in_loop", "np_method_sum",
    # the runtime helpers' numba versions: unreduce, add_at, item_adjoint, pow_exponent_adjoint, ...
    "jump_break", "subscript_slice", "subscript_2d", "subscript_mask", "np_sum_axis", "np_broadcast_size_one_axes",
    "for_over_array", "scalar_variable_power", "np_dot_matrix_vector", "stop_product", "stop_array",
)


def _as_tuple(gradients) -> tuple:
    return tuple(gradients) if isinstance(gradients, tuple) else (gradients,)


def assert_same_gradients(compiled, python) -> None:
    compiled, python = _as_tuple(compiled), _as_tuple(python)
    assert len(compiled) == len(python)
    for got, want in zip(compiled, python):
        assert np.shape(got) == np.shape(want)
        np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)


@pytest.mark.slow
@pytest.mark.parametrize("case", BENCHMARKS[:4], ids=lambda case: case.name)
def test_benchmark_cases_agree_with_the_python_backend(case):
    args = case.args(quick=True)
    wrt = case.wrt if len(case.wrt) > 1 else case.wrt[0]
    compiled = adjoint.grad(case.func, wrt=wrt, backend="numba")(*args)
    assert_same_gradients(compiled, adjoint.grad(case.func, wrt=wrt)(*args))
    assert_same_gradients(compiled, case.hand_gradient(*args))


@pytest.mark.parametrize("case", [c for c in CATALOGUE if c.id in CATALOGUE_IDS], ids=lambda case: case.id)
def test_catalogue_functions_agree_with_the_python_backend(case):
    args = case.make_args(np.random.default_rng(0))
    compiled = adjoint.grad(case.fn, wrt=case.wrt, backend="numba")(*args)
    assert_same_gradients(compiled, adjoint.grad(case.fn, wrt=case.wrt)(*args))


def test_the_catalogue_selection_is_all_there():
    assert {c.id for c in CATALOGUE if c.id in CATALOGUE_IDS} == set(CATALOGUE_IDS)


def root_where_positive(x):
    return np.sum(np.where(x > 0, np.sqrt(x), 0.0) * np.arange(1.0, 6.0))


def power(x, y):
    return x ** y


def test_a_zero_derivative_times_a_slope_that_is_not_finite_is_zero_compiled():
    """The branch np.where does not take (sqrt of a negative entry) and the zero tangent of an
    exponent of a negative base add nothing, as in the Python backend."""
    x = np.array([0.3, -1.1, 0.8, -0.2, 1.7])
    with np.errstate(invalid="ignore"):
        compiled = adjoint.grad(root_where_positive, backend="numba")(x)
    np.testing.assert_allclose(compiled, np.where(x > 0, np.arange(1.0, 6.0) / (2 * np.sqrt(np.abs(x))), 0.0),
                               rtol=1e-12)
    assert adjoint.jvp(power, wrt=(0, 1), backend="numba")(-1.5, 2.0, 1.0, 0.0) == (2.25, -3.0)


def test_value_and_grad_compiled():
    def f(x, r):
        for _ in range(20):
            x = r * x * (1.0 - x)
        return x

    value, gradient = adjoint.value_and_grad(f, wrt=(0, 1), backend="numba")(0.3, 3.1)
    expected_value, expected_gradient = adjoint.value_and_grad(f, wrt=(0, 1))(0.3, 3.1)
    assert value == pytest.approx(expected_value, rel=RTOL)
    assert_same_gradients(gradient, expected_gradient)


def uses_cumsum(v):
    return np.sum(np.cumsum(v) ** 2)  # <- cumsum


def test_a_refusal_names_the_generated_and_the_users_line():
    with pytest.raises(BackendError) as caught:
        adjoint.grad(uses_cumsum, backend="numba")(np.ones(3))
    error = caught.value
    assert error.location is not None and error.location.line.endswith("# <- cumsum")
    assert error.location.filename == __file__
    assert "cumsum_adjoint" in str(error) and "generated code" in str(error)


def test_auto_falls_back_to_python_with_a_warning():
    with pytest.warns(adjoint.AdjointWarning, match="running the Python derivative"):
        gradient = adjoint.grad(uses_cumsum, backend="auto")(np.ones(3))
    np.testing.assert_allclose(gradient, adjoint.grad(uses_cumsum)(np.ones(3)))


def test_a_vjp_numba_cannot_compile_is_refused_and_runs_as_python_for_auto():
    with pytest.raises(BackendError, match="cumsum_adjoint has no numba version"):
        adjoint.vjp(uses_cumsum, backend="numba")(np.ones(3))
    with pytest.warns(adjoint.AdjointWarning, match="cumsum_adjoint has no numba version"):
        value, pullback = adjoint.vjp(uses_cumsum, backend="auto")(np.ones(3))
    np.testing.assert_allclose(pullback(1.0), adjoint.grad(uses_cumsum)(np.ones(3)))


def recurrent(x, W, steps):
    for t in range(steps):
        x = np.tanh(W @ x) * (1.0 + 0.1 * t)
    return x


def logistic_steps(x, r):
    for _ in range(30):
        x = r * x * (1.0 - x)
    return x


def polynomial(x):
    return 3.0 * x ** 3 - x


VJP_CASES = [
    (recurrent, lambda rng: (rng.normal(size=4), rng.normal(size=(4, 4)) * 0.5, 5), (0, 1)),
    (logistic_steps, lambda rng: (0.3, 3.1), (0, 1)),
    (polynomial, lambda rng: (1.5,), 0),
]


@pytest.mark.parametrize("fn, make_args, wrt", VJP_CASES, ids=lambda case: getattr(case, "__name__", ""))
def test_vjp_compiled(fn, make_args, wrt):
    args = make_args(np.random.default_rng(0))
    value, pullback = adjoint.vjp(fn, wrt=wrt, backend="numba")(*args)
    expected_value, expected_pullback = adjoint.vjp(fn, wrt=wrt)(*args)
    np.testing.assert_allclose(value, expected_value, rtol=RTOL, atol=ATOL)
    cotangent = np.random.default_rng(1).normal(size=np.shape(value)) if np.ndim(value) else 0.7
    for _ in range(2):  # a pullback may be called again
        assert_same_gradients(pullback(cotangent), expected_pullback(cotangent))


@pytest.mark.parametrize("fn, make_args, wrt", VJP_CASES, ids=lambda case: getattr(case, "__name__", ""))
def test_jvp_compiled(fn, make_args, wrt):
    args = make_args(np.random.default_rng(0))
    positions = wrt if isinstance(wrt, tuple) else (wrt,)
    rng = np.random.default_rng(2)
    tangents = [rng.normal(size=np.shape(args[i])) if np.ndim(args[i]) else 0.4 for i in positions]
    value, tangent = adjoint.jvp(fn, wrt=wrt, backend="numba")(*args, *tangents)
    expected_value, expected_tangent = adjoint.jvp(fn, wrt=wrt)(*args, *tangents)
    np.testing.assert_allclose(value, expected_value, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(tangent, expected_tangent, rtol=RTOL, atol=ATOL)


def test_an_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="backend must be one of"):
        Options(backend="cython")
    with pytest.raises(ValueError, match="backend must be one of"):
        adjoint.grad(uses_cumsum, backend="cython")


def square(x):
    return x * x


def test_the_python_backend_is_the_default():
    assert Options().backend == "python"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gradient = adjoint.grad(square)
        assert gradient(3.0) == 6.0 and not hasattr(gradient.__call__, "py_func")


MODEL = '''\
import numpy as np


def rnn(Wx, Wh, xs, h):
    for t in range(6):
        h = np.tanh(xs[t] @ Wx + h @ Wh)
    return np.sum(h * h)
'''

RUN_WITHOUT_ADJOINT = '''\
import sys
sys.modules["adjoint"] = None  # `import adjoint` raises ImportError
import numpy as np
import grad_model
rng = np.random.default_rng(0)
args = rng.normal(size=(3, 4)), rng.normal(size=(4, 4)), rng.normal(size=(6, 3)), np.zeros(4)
np.save("gradients.npy", np.stack([g.ravel() for g in grad_model.grad_rnn(*args)[:1]]))
try:
    import adjoint
except ImportError:
    print("adjoint imported: False")
'''


@pytest.mark.slow
def test_the_standalone_module_runs_where_adjoint_is_not_importable(tmp_path):
    (tmp_path / "model.py").write_text(MODEL)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert main(["gen", "model.py:rnn", "--wrt", "Wx,Wh", "--backend", "numba", "-o", "grad_model.py"]) == 0
        assert main(["gen", "--check", "grad_model.py"]) == 0
    finally:
        os.chdir(cwd)
    text = (tmp_path / "grad_model.py").read_text()
    assert "@numba.njit(cache=True)\ndef grad_rnn(" in text and "backend=numba" in text
    assert "from adjoint" not in text and "import adjoint" not in text
    (tmp_path / "run.py").write_text(RUN_WITHOUT_ADJOINT)
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    output = subprocess.run([sys.executable, "run.py"], cwd=tmp_path, env=environment, capture_output=True,
                            text=True, timeout=600)
    assert "adjoint imported: False" in output.stdout, output.stderr
    namespace: dict = {}
    exec(compile(textwrap.dedent(MODEL), str(tmp_path / "model.py"), "exec"), namespace)
    rng = np.random.default_rng(0)
    args = rng.normal(size=(3, 4)), rng.normal(size=(4, 4)), rng.normal(size=(6, 3)), np.zeros(4)
    expected = adjoint.grad(namespace["rnn"], wrt=(0, 1))(*args)[0]
    np.testing.assert_allclose(np.load(tmp_path / "gradients.npy")[0], expected.ravel(), rtol=RTOL, atol=ATOL)


SCALED = '''\
import os

SCALE = float(os.environ["SCALE"])


def f(x):
    return SCALE * x * x
'''

LATER_PROCESS = '''\
import sys
import adjoint
import adjoint.backend.numba as backend
import scaled

if sys.argv[1] == "indexed":
    def refuse(*args, **kwargs):
        raise AssertionError("the module was written again")
    backend.module_source = refuse
print(adjoint.grad(scaled.f, backend="numba")(1.5))
'''


@pytest.mark.slow
def test_a_later_process_finds_the_compiled_module_by_the_cache_key(tmp_path, cache_dir):
    (tmp_path / "scaled.py").write_text(SCALED)
    (tmp_path / "later.py").write_text(LATER_PROCESS)
    repository = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), repository]),
                       NUMBA_CACHE_DIR=str(tmp_path / "numba"), SCALE="2.0")

    def run(*arguments, **variables):
        output = subprocess.run([sys.executable, "later.py", *arguments], cwd=tmp_path,
                                env=dict(environment, **variables), capture_output=True, text=True, timeout=600)
        assert output.returncode == 0, output.stderr
        return float(output.stdout.split()[-1])

    assert run("first") == 6.0
    assert run("indexed") == 6.0  # neither lowered nor written again: imported through the index
    assert run("first", SCALE="3.0") == 9.0  # the copied number changed: another module, not the indexed one
    assert list(cache_dir.glob("numba/index-*.json"))


SCALE = 2.0


def scaled_by_global(x):
    return SCALE * x * x


def test_a_global_number_bound_anew_is_seen_by_the_compiled_derivative(monkeypatch):
    gradient = adjoint.grad(scaled_by_global, backend="numba")
    assert gradient(1.5) == 6.0
    monkeypatch.setattr(sys.modules[__name__], "SCALE", 3.0)
    assert gradient(1.5) == 9.0
    assert adjoint.grad(scaled_by_global, backend="numba")(1.5) == 9.0


def tanh_of_matrix(W):
    return np.sum(np.tanh(W) + np.exp(W) + np.log(W * W + 1.0) + np.sin(W) * np.cos(W))


@pytest.mark.parametrize("shape", [(3, 4), (20, 30)], ids=str)
def test_transcendental_functions_of_arrays_small_and_large(shape):
    W = np.random.default_rng(1).normal(size=shape)
    # A transposed (non-contiguous) matrix too. Not at rank 3: the same code of adjoint's, whose
    # compilation by numba for that rank alone took 20 to 50 s of CI's 15 minutes.
    for argument in (W, W.T):
        compiled = adjoint.grad(tanh_of_matrix, backend="numba")(argument)
        assert_same_gradients(compiled, adjoint.grad(tanh_of_matrix)(argument))


def entropy_like(W):
    return np.sum(W * np.log(W))


def test_numpys_floating_point_errors_reach_the_caller():
    W = np.full((10, 10), 2.0)
    W[3, 4] = -1.0
    with np.errstate(invalid="raise"):
        with pytest.raises(FloatingPointError):
            adjoint.grad(entropy_like)(W)
        with pytest.raises(FloatingPointError):
            adjoint.grad(entropy_like, backend="numba")(W)
    with np.errstate(invalid="ignore"):
        assert_same_gradients(adjoint.grad(entropy_like, backend="numba")(W), adjoint.grad(entropy_like)(W))
