"""Inert `try` statements and `with` blocks (SPEC §9): a block that feeds nothing of the result runs
in the primal, once per call of the derived function, where it stood, and the derivative does not
enter it; an exception it does not catch propagates as in the plain function. A `try` that feeds
the result is refused with its line and the reason (normalize/inert_blocks.py)."""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
import types
import warnings

import numpy as np
import pytest

import adjoint
from adjoint.cli import main
from adjoint.errors import BackendError
from every_mode import AUTOGRAD_RUNS_NUMPY_CALLS
from soundness import central_differences

logger = logging.getLogger("tests.inert_try")
RECORDS = []  # what the functions below log or record, outside the derivative
BLOCK_RUNS = {"finally": 0, "guard": 0}


class _Collect(logging.Handler):
    def emit(self, record):
        RECORDS.append(record.getMessage())


logger.addHandler(_Collect())
logger.setLevel(logging.INFO)
logger.propagate = False


@pytest.fixture(autouse=True)
def _fresh_records():
    RECORDS.clear()
    BLOCK_RUNS.update(dict.fromkeys(BLOCK_RUNS, 0))


# ----- functions written as users write them ------------------------------------------------------

def training_loss(w, x, y):
    pred = np.tanh(x @ w)
    loss = np.mean((pred - y) ** 2)
    try:
        logger.info(f"loss {loss:.6f}")
    except Exception:
        pass
    return loss + 0.01 * np.sum(w * w)


def check_finite(values):
    if not np.all(np.isfinite(values)):
        raise ValueError("the state is not finite")
    if np.any(np.abs(values) > 10.0):
        raise ValueError("the state left its box")


def physics_step(q, dt):
    try:
        import not_an_installed_accelerator  # noqa: F401
        RECORDS.append("accelerated")
    except ImportError:
        RECORDS.append("plain numpy")
    force = -np.sin(q) - 0.1 * q ** 3
    q_next = q + dt * force
    try:
        check_finite(q_next)
    except ValueError as error:
        warnings.warn(str(error))
    return np.sum(q_next ** 2) + np.prod(np.cos(q_next))


def recorded_energy(state, steps):
    history = []
    energy = 0.0
    for k in range(steps):
        state = np.sin(state) * 1.1
        energy = energy + np.sum(state ** 2) / (k + 1)
        try:
            history.append(energy)
            RECORDS.append(len(history))
        finally:
            BLOCK_RUNS["finally"] += 1
    return energy


def guarded_by_a_finally(x):
    y = x * x * np.exp(-x)
    try:
        if y > 100.0:
            raise KeyError("not caught here")
    except ValueError:
        RECORDS.append("never")
    finally:
        BLOCK_RUNS["guard"] += 1
    return y


def two_checks_and_a_report(x):
    y = np.exp(-x * x)
    try:
        check_finite(np.array([y]))
    except ValueError as error:
        warnings.warn(str(error))
    z = y * np.cos(x)
    try:
        check_finite(np.array([z * 100.0]))
    except ValueError as error:
        RECORDS.append(f"report: {error}")
    else:
        RECORDS.append("in range")
    return z


def appends_to_a_log_file(x, path):
    y = np.sin(x) * x + x ** 3
    with open(path, "a") as handle:
        handle.write(f"{float(y)!r}\n")
    return y


def saves_the_state(state, path):
    hidden = np.tanh(state)
    try:
        with open(path, "a") as handle:
            handle.write(" ".join([f"{v:.6f}" for v in hidden]) + "\n")
    except OSError as error:
        warnings.warn(f"could not save the state: {error}")
    return np.sum(hidden ** 2) + hidden[0] * hidden[-1]


def _autograd_version(func):
    """func over autograd.numpy (where autograd can run the plain function)."""
    autograd_numpy = pytest.importorskip("autograd.numpy")
    return types.FunctionType(func.__code__, {**func.__globals__, "np": autograd_numpy})


def _data():
    rng = np.random.default_rng(7)
    return rng.normal(size=3) * 0.5, rng.normal(size=(5, 3)), rng.normal(size=5) * 0.3


# ----- reverse mode: gradients against finite differences and autograd, one run per call --------

def test_a_training_loss_that_logs_inside_try_differentiates_and_logs_once_per_call():
    w, x, y = _data()
    gradient = adjoint.grad(training_loss)(w, x, y)
    assert len(RECORDS) == 1 and RECORDS[0].startswith("loss ")
    np.testing.assert_allclose(gradient, central_differences(training_loss, (w, x, y), 0), rtol=1e-6, atol=1e-9)
    autograd = pytest.importorskip("autograd")
    np.testing.assert_allclose(gradient, autograd.grad(_autograd_version(training_loss))(w, x, y), rtol=1e-12)
    RECORDS.clear()
    value, gradient_again = adjoint.value_and_grad(training_loss)(w, x, y)
    assert len(RECORDS) == 1
    np.testing.assert_allclose(value, training_loss(w, x, y))
    np.testing.assert_allclose(gradient_again, gradient, rtol=1e-12)


def test_vjp_and_jvp_of_the_training_loss_run_the_block_once_per_call():
    w, x, y = _data()
    expected = central_differences(training_loss, (w, x, y), 0)
    RECORDS.clear()
    value, pullback = adjoint.vjp(training_loss)(w, x, y)
    assert len(RECORDS) == 1
    np.testing.assert_allclose(pullback(1.0), expected, rtol=1e-6, atol=1e-9)
    assert len(RECORDS) == 1
    direction = np.array([0.3, -1.0, 0.5])
    _, tangent = adjoint.jvp(training_loss, wrt="w")(w, x, y, direction)
    assert len(RECORDS) == 2
    np.testing.assert_allclose(tangent, expected @ direction, rtol=1e-6)


def test_second_order_through_an_inert_try_matches_finite_differences_of_the_gradient():
    w, x, y = _data()
    gradient = adjoint.grad(training_loss)
    RECORDS.clear()
    hessian = adjoint.hessian(training_loss)(w, x, y)
    assert len(RECORDS) == 1
    columns = [central_differences(lambda v, i=i: gradient(v, x, y)[i], (w,), 0) for i in range(3)]
    np.testing.assert_allclose(hessian, np.array(columns), rtol=1e-5, atol=1e-8)
    RECORDS.clear()
    direction = np.array([1.0, 0.5, -0.25])
    np.testing.assert_allclose(adjoint.hvp(training_loss)(w, x, y, direction), hessian @ direction, rtol=1e-9)
    assert len(RECORDS) == 1


def test_grad_of_grad_of_a_scalar_function_with_an_inert_try():
    def scalar(t):
        y = t * t * np.exp(-t)
        try:
            logger.info(f"y {y:.4f}")
        except Exception:
            pass
        return y
    second = adjoint.grad(adjoint.grad(scalar))(0.7)
    assert len(RECORDS) == 1
    expected = (2 - 4 * 0.7 + 0.7 ** 2) * np.exp(-0.7)
    np.testing.assert_allclose(second, expected, rtol=1e-10)


def test_a_physics_step_guarding_an_optional_import_and_a_check():
    q, dt = np.array([0.4, -1.2, 2.0]), 0.05
    gradient = adjoint.grad(physics_step)(q, dt)
    assert RECORDS == ["plain numpy"]
    np.testing.assert_allclose(gradient, central_differences(physics_step, (q, dt), 0), rtol=1e-6, atol=1e-9)
    if AUTOGRAD_RUNS_NUMPY_CALLS:  # (check_finite calls NumPy's own functions on autograd's boxes)
        autograd = pytest.importorskip("autograd")
        np.testing.assert_allclose(gradient, autograd.grad(_autograd_version(physics_step))(q, dt), rtol=1e-12)
    with pytest.warns(UserWarning, match="left its box"):
        adjoint.grad(physics_step)(np.array([0.1, 30.0, 0.2]), dt)
    with pytest.warns(UserWarning, match="left its box"):
        adjoint.jvp(physics_step, wrt="q")(np.array([0.1, 30.0, 0.2]), dt, np.ones(3))


def test_a_try_recording_into_a_list_inside_a_loop_runs_once_per_step():
    state = np.array([0.3, 0.8, -0.5])
    gradient = adjoint.grad(recorded_energy)(state, 4)
    assert RECORDS == [1, 2, 3, 4] and BLOCK_RUNS["finally"] == 4
    np.testing.assert_allclose(gradient, central_differences(recorded_energy, (state, 4), 0), rtol=1e-6, atol=1e-9)
    autograd = pytest.importorskip("autograd")
    np.testing.assert_allclose(gradient, autograd.grad(_autograd_version(recorded_energy))(state, 4), rtol=1e-12)


def test_an_exception_the_try_does_not_catch_propagates_after_its_finally():
    gradient = adjoint.grad(guarded_by_a_finally)
    np.testing.assert_allclose(gradient(1.5), (2 * 1.5 - 1.5 ** 2) * np.exp(-1.5), rtol=1e-12)
    assert BLOCK_RUNS["guard"] == 1
    with pytest.raises(KeyError, match="not caught here"):
        gradient(-4.0)  # y = 16 e^4 > 100: the plain function raises KeyError too
    with pytest.raises(KeyError):
        adjoint.jvp(guarded_by_a_finally)(-4.0, 1.0)
    assert BLOCK_RUNS["guard"] == 3 and RECORDS == []


def test_two_tries_binding_the_same_handler_name_each_run_once():
    for x, expected in ((0.5, ["report: the state left its box"]), (1.5, ["in range"])):
        RECORDS.clear()
        gradient = adjoint.grad(two_checks_and_a_report)(x)
        assert RECORDS == expected
        np.testing.assert_allclose(gradient, central_differences(two_checks_and_a_report, (x,), 0)[0], rtol=1e-6)
        RECORDS.clear()
        _, tangent = adjoint.jvp(two_checks_and_a_report)(x, 1.0)
        assert RECORDS == expected
        np.testing.assert_allclose(tangent, gradient, rtol=1e-12)


def test_a_with_block_that_writes_a_log_file(tmp_path):
    path = tmp_path / "log.txt"
    gradient = adjoint.grad(appends_to_a_log_file)(0.8, str(path))
    assert path.read_text().splitlines() == [repr(float(appends_to_a_log_file(0.8, str(tmp_path / "x"))))]
    np.testing.assert_allclose(gradient, np.sin(0.8) + 0.8 * np.cos(0.8) + 3 * 0.8 ** 2, rtol=1e-12)
    adjoint.jvp(appends_to_a_log_file)(0.8, str(path), 1.0)
    assert len(path.read_text().splitlines()) == 2


def test_a_try_saving_an_array_to_a_file_runs_once_and_warns_where_it_cannot(tmp_path):
    state, path = np.array([0.2, -0.7, 1.1]), tmp_path / "states.txt"
    gradient = adjoint.grad(saves_the_state)(state, str(path))
    assert path.read_text().splitlines() == [" ".join(f"{v:.6f}" for v in np.tanh(state))]
    plain = lambda s: saves_the_state(s, str(tmp_path / "elsewhere.txt"))  # noqa: E731
    np.testing.assert_allclose(gradient, central_differences(plain, (state,), 0), rtol=1e-6, atol=1e-9)
    adjoint.hessian(saves_the_state)(state, str(path))
    assert len(path.read_text().splitlines()) == 2
    with pytest.warns(UserWarning, match="could not save the state"):
        adjoint.grad(saves_the_state)(state, str(tmp_path / "no such directory" / "states.txt"))


def test_the_numba_backend_refuses_the_block_and_auto_runs_python():
    pytest.importorskip("numba")
    w, x, y = _data()
    with pytest.raises(BackendError):
        adjoint.grad(training_loss, backend="numba")(w, x, y)
    RECORDS.clear()
    with pytest.warns(adjoint.AdjointWarning):
        gradient = adjoint.grad(training_loss, backend="auto")(w, x, y)
    assert len(RECORDS) == 1
    np.testing.assert_allclose(gradient, adjoint.grad(training_loss)(w, x, y), rtol=1e-12)


MODEL = '''
import logging
import warnings
import numpy as np

logger = logging.getLogger("model")
CALLS = []


def loss(w, x):
    pred = np.tanh(x @ w)
    value = np.mean(pred ** 2)
    try:
        logger.info(f"loss {value:.3f}")
        CALLS.append(float(value))
    except ValueError as error:
        warnings.warn(str(error))
    return value
'''


def test_the_generated_module_runs_the_block_without_adjoint(tmp_path):
    (tmp_path / "model.py").write_text(MODEL)
    out = tmp_path / "out"
    out.mkdir()
    assert main(["gen", f"{tmp_path / 'model.py'}:loss", "-o", str(out / "grad_model.py")]) == 0
    fake = tmp_path / "fake" / "adjoint"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('adjoint must not be imported here')\n")
    script = textwrap.dedent('''
        import json
        import numpy as np
        import grad_model, model
        w, x = np.array([0.1, -0.2, 0.3]), np.arange(6.0).reshape(2, 3) / 6
        gradient = grad_model.grad_loss(w, x)
        print(json.dumps([list(gradient), len(model.CALLS)]))
    ''')
    path = os.pathsep.join([str(fake.parent), str(out), str(tmp_path)])
    result = subprocess.run([sys.executable, "-s", "-c", script], capture_output=True, timeout=60, text=True,
                            env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": path}, cwd=out)
    assert result.returncode == 0, result.stderr
    gradient, calls = json.loads(result.stdout)
    assert calls == 1
    namespace = {}
    exec(compile(MODEL, "model_for_reference", "exec"), namespace)
    w, x = np.array([0.1, -0.2, 0.3]), np.arange(6.0).reshape(2, 3) / 6
    np.testing.assert_allclose(gradient, central_differences(namespace["loss"], (w, x), 0), rtol=1e-6, atol=1e-9)


# ----- a `try` that feeds the result stays refused, with the line and the reason ---------------------

def assigns_what_the_result_reads(x):
    try:  # <- assigns
        scale = 1.0 / x
    except ZeroDivisionError:
        scale = 0.0
    return scale * x * x


def returns_from_inside(x):
    y = x * x
    try:  # <- returns
        return np.sqrt(y)
    except FloatingPointError:
        pass
    return y


def leaves_the_loop(x):
    total = 0.0
    for k in range(3):
        total = total + x * k
        try:  # <- leaves
            if total > 5.0:
                break
        except Exception:
            pass
    return total


def counts_in_a_variable(x):
    count = 0
    try:  # <- counts
        count += 1
    except Exception:
        pass
    return x * x


def writes_into_an_array_read_after(x):
    buffer = np.zeros(3) + x
    try:  # <- writes
        buffer[0] = 7.0
    except IndexError:
        pass
    return np.sum(buffer * x)


def _line_of(func, marker):
    lines, first = __import__("inspect").getsourcelines(func)
    return first + next(i for i, line in enumerate(lines) if f"# <- {marker}" in line)


@pytest.mark.parametrize("func, marker, reason", [
    (assigns_what_the_result_reads, "assigns", "assigns `scale`"),
    (returns_from_inside, "returns", "returns from inside"),
    (leaves_the_loop, "leaves", "`break`"),
    (counts_in_a_variable, "counts", "`count`"),
    (writes_into_an_array_read_after, "writes", "`buffer`"),
])
def test_a_try_that_feeds_the_result_is_refused_with_its_line(func, marker, reason):
    with pytest.raises(adjoint.UnsupportedSyntaxError) as refused:
        adjoint.grad(func)(1.5)
    message = str(refused.value)
    assert f"{__file__}:{_line_of(func, marker)}" in message
    assert "feeds the result" in message and reason in message


def reads_a_name_not_yet_assigned(x, verbose):
    if verbose:
        note = "verbose"
    try:  # <- unassigned
        RECORDS.append(note)
    except NameError:
        RECORDS.append("no note")
    return x * x


def test_a_try_reading_a_name_that_may_not_be_assigned_yet_is_refused_with_its_line():
    """Lifted out, the block would get the name as it stands before the block runs, and the
    UnboundLocalError its handler catches in the plain function would leave the call instead."""
    with pytest.raises(adjoint.UnsupportedSyntaxError) as refused:
        adjoint.grad(reads_a_name_not_yet_assigned)(1.5, False)
    message = str(refused.value)
    assert f"{__file__}:{_line_of(reads_a_name_not_yet_assigned, 'unassigned')}" in message
    assert "`note`" in message and "may not be assigned" in message


SEEN = []
WEIGHTS = np.ones(3)


def counts_what_it_logged(x):
    try:  # <- global-list
        SEEN.append(float(x))
    except TypeError:
        pass
    return x * len(SEEN)


def resets_a_global_weight(x):
    try:  # <- global-array
        WEIGHTS[0] = 2.0
    except IndexError:
        pass
    return np.sum(x * WEIGHTS)


@pytest.mark.parametrize("func, marker, changed, argument", [
    (counts_what_it_logged, "global-list", "`SEEN`", 2.0),
    (resets_a_global_weight, "global-array", "`WEIGHTS`", np.ones(3)),
])
def test_a_try_changing_a_global_the_result_reads_is_refused_with_its_line(func, marker, changed, argument):
    with pytest.raises(adjoint.UnsupportedSyntaxError) as refused:
        adjoint.grad(func)(argument)
    message = str(refused.value)
    assert f"{__file__}:{_line_of(func, marker)}" in message
    assert f"this `try` block changes {changed}" in message


def writes_through_an_alias_left_by_an_exception(x, buffer):
    y = np.sum(x ** 2)
    try:  # <- alias
        target = buffer
        check_finite(np.array([y]))  # raises where y > 10, leaving `target` the caller's buffer
        target = np.zeros(2)
    except KeyError:
        target = np.zeros(2)
    except ValueError:
        target[0] = y
    return y * np.sum(buffer)


def test_a_try_whose_handler_may_write_into_an_argument_read_after_is_refused():
    """Where the exception stops the body, `target` is still the caller's buffer, which the second
    handler writes into and the result reads: the block is read as stopping at any statement and
    running any of its handlers, so the write is seen (running the clauses one after another, the
    first handler's `target = np.zeros(2)` would hide it)."""
    with pytest.raises(adjoint.UnsupportedSyntaxError) as refused:
        adjoint.grad(writes_through_an_alias_left_by_an_exception)(np.array([3.0, 2.0]), np.ones(2))
    message = str(refused.value)
    assert f"{__file__}:{_line_of(writes_through_an_alias_left_by_an_exception, 'alias')}" in message
    assert "`buffer`" in message
