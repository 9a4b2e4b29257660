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
CATALOGUE_IDS = (
    "scalar_polynomial", "math_tanh", "math_hypot", "builtin_max_two", "builtin_abs", "if_elif_else_second",
    "if_nested_pos_neg", "for_range_horner", "for_range_negative_step", "while_newton_sqrt",
    "jump_early_return_taken", "call_helper_calls_helper", "tuple_swap_in_loop", "np_method_sum",
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


def test_vjp_is_refused_for_numba_and_runs_as_python_for_auto():
    with pytest.raises(BackendError, match="vjp is not compiled by numba"):
        adjoint.vjp(uses_cumsum, backend="numba")(np.ones(3))
    with pytest.warns(adjoint.AdjointWarning, match="vjp is not compiled by numba"):
        value, pullback = adjoint.vjp(uses_cumsum, backend="auto")(np.ones(3))
    np.testing.assert_allclose(pullback(1.0), adjoint.grad(uses_cumsum)(np.ones(3)))


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
