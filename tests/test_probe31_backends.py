"""The numba backend and `adjoint gen` against the Python derivative and finite differences, on
programs as numba users write them: a gradient through an index with repeated integers (numba's
`+=` adds once where np.add.at adds twice) is refused, an integer to a negative integer power
(numba's gives 0) is refused, math.sqrt and its kin refuse what Python's refuse (numba's give
nan), a vjp or jvp of a function with defaults runs, float32 arrays get float32 gradients, the
compiled module is another file when the numba helpers change, and a function calling
`x.copy()` is written by `adjoint gen` and runs without adjoint; `adjoint gen --backend numba`
writes a module whose __all__ names its derivative (not the copied helpers')."""
from __future__ import annotations

import math
import os
import subprocess
import sys

import numpy as np
import pytest

import adjoint
from adjoint.checking import numerical_gradient
from adjoint.cli import main
from adjoint.errors import BackendError

RTOL, ATOL = 1e-10, 1e-12


def finite_differences(f, args, position):
    (_, expected), = numerical_gradient(f, tuple(args), position, 1e-6)
    return expected


# ----- the numba backend ---------------------------------------------------------------------------

def rows_picked(x, idx):
    return np.sum(x[idx, 0] ** 2)  # <- rows


def columns_picked(x, idx):
    return np.sum(x[:, idx] ** 2)  # <- columns


def scaled_by_power(x, k):
    return x * 2 ** k + x ** 2  # <- power


def with_defaults(x, scale=None, k=3.0):
    if scale is None:
        scale = 2.0
    return scale * k * x * x


def scaled(a, b=2.0):
    return a * b * a


def calls_with_a_default(x, y):
    return scaled(x) + scaled(x, y)


def roots(x):
    return math.sqrt(x) + math.acos(x / 4.0) + math.log1p(x) + math.atanh(x / 8.0)


def sum_of_squares(x):
    return np.sum(x * x * 1.5 + np.tanh(x))


def loop_of_squares(x):
    s = 0.0
    for i in range(len(x)):
        s = s + x[i] * x[i]
    return s


@pytest.fixture(scope="module")
def numba():
    return pytest.importorskip("numba")


@pytest.mark.parametrize("f, args, line", [
    (rows_picked, (np.arange(8.0).reshape(4, 2) / 7.0, np.array([0, 0, 1, 3])), "# <- rows"),
    (columns_picked, (np.arange(8.0).reshape(2, 4) / 7.0, np.array([1, 1, 2])), "# <- columns"),
], ids=["rows", "columns"])
def test_a_repeated_integer_index_is_refused_not_added_once(numba, f, args, line):
    expected = adjoint.grad(f)(*args)
    np.testing.assert_allclose(expected, finite_differences(f, args, 0), rtol=1e-6, atol=1e-8)
    with pytest.raises(BackendError, match="add_at") as caught:
        adjoint.grad(f, backend="numba")(*args)
    assert caught.value.location is not None and caught.value.location.line.endswith(line)
    with pytest.warns(adjoint.AdjointWarning, match="running the Python derivative"):
        np.testing.assert_allclose(adjoint.grad(f, backend="auto")(*args), expected, rtol=RTOL, atol=ATOL)
    unique = (args[0], np.array(sorted(set(args[1].tolist()))))  # no repeats: still refused, never wrong
    with pytest.raises(BackendError):
        adjoint.grad(f, backend="numba")(*unique)


def test_an_integer_to_a_negative_integer_power_is_refused_not_zero(numba):
    gradient = adjoint.grad(scaled_by_power, backend="numba")
    assert gradient(0.3, 3) == pytest.approx(8.0 + 0.6, rel=RTOL)  # a power that is an integer compiles
    with pytest.raises(BackendError, match="negative integer power") as caught:
        gradient(0.3, -2)
    assert caught.value.location is not None and "def scaled_by_power" in caught.value.location.line
    with pytest.warns(adjoint.AdjointWarning, match="negative integer power"):
        assert adjoint.grad(scaled_by_power, backend="auto")(0.3, -2) == pytest.approx(0.25 + 0.6, rel=RTOL)
    value, tangent = adjoint.jvp(scaled_by_power, backend="auto")(0.3, 3, 1.0)
    assert (value, tangent) == pytest.approx((0.3 * 8 + 0.09, 8.6), rel=RTOL)


def test_a_vjp_of_a_function_with_defaults(numba):
    for args in ((0.4,), (0.4, 1.5), (0.4, None, 2.0)):
        value, pullback = adjoint.vjp(with_defaults, backend="numba")(*args)
        expected_value, expected_pullback = adjoint.vjp(with_defaults)(*args)
        assert value == pytest.approx(expected_value, rel=RTOL)
        for _ in range(2):
            assert pullback(0.7) == pytest.approx(expected_pullback(0.7), rel=RTOL)
    assert expected_pullback(1.0) == pytest.approx(finite_differences(with_defaults, [0.4, None, 2.0], 0), rel=1e-7)


def test_a_jvp_through_a_call_that_leaves_a_default(numba):
    value, tangent = adjoint.jvp(calls_with_a_default, wrt=(0, 1), backend="numba")(0.5, 3.0, 0.37, -0.2)
    expected = adjoint.jvp(calls_with_a_default, wrt=(0, 1))(0.5, 3.0, 0.37, -0.2)
    assert (value, tangent) == pytest.approx(expected, rel=RTOL)
    slope = [finite_differences(calls_with_a_default, [0.5, 3.0], i) for i in (0, 1)]
    assert tangent == pytest.approx(0.37 * slope[0] - 0.2 * slope[1], rel=1e-7)


def test_math_refuses_outside_its_domain_as_in_python(numba):
    for backend in ("python", "numba"):
        gradient = adjoint.grad(roots, backend=backend)
        assert gradient(2.0) == pytest.approx(finite_differences(roots, (2.0,), 0), rel=1e-7)
        for outside in (-0.5, 5.0, 8.0):  # sqrt, acos, atanh
            with pytest.raises(ValueError, match="math domain error"):
                gradient(outside)
        with pytest.raises(ValueError, match="math domain error"):
            adjoint.value_and_grad(roots, backend=backend)(-1.0)
    assert adjoint.grad(roots, backend="numba")(2.0) == pytest.approx(adjoint.grad(roots)(2.0), rel=RTOL)


@pytest.mark.parametrize("f", [sum_of_squares, loop_of_squares])
def test_a_float32_array_gets_a_float32_gradient(numba, f):
    x = np.linspace(-1.0, 1.0, 5, dtype=np.float32)
    expected = adjoint.grad(f)(x)
    assert expected.dtype == np.float32
    for mode in ("grad", "value_and_grad"):
        gradient = adjoint.grad(f, backend="numba")(x) if mode == "grad" else \
            adjoint.value_and_grad(f, backend="numba")(x)[1]
        assert gradient.dtype == np.float32 and gradient.shape == x.shape
        np.testing.assert_allclose(gradient, expected, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(expected, finite_differences(f, (x.astype(np.float64),), 0), rtol=1e-5, atol=1e-5)


def test_the_module_is_another_file_when_the_numba_helpers_change(numba, monkeypatch):
    """numba's disk cache checks only the module's own file, not the helpers compiled into it."""
    from adjoint.backend import numba as backend
    before = backend.helpers_import()
    assert backend.helpers_fingerprint() in before
    sources = backend._helpers_sources()
    monkeypatch.setattr(backend, "_helpers_sources", lambda: sources + "\n# a helper changed\n")
    backend.helpers_fingerprint.cache_clear()
    try:
        assert backend.helpers_import() != before
    finally:
        backend.helpers_fingerprint.cache_clear()


# ----- adjoint gen ---------------------------------------------------------------------------------

HEAT = '''\
import numpy as np


def heat(u0, k):
    u = u0.copy()
    for _ in range(6):
        un = u.copy()
        for i in range(1, len(u) - 1):
            un[i] = u[i] + k * (u[i + 1] - 2 * u[i] + u[i - 1])
        u = un
    return np.sum(u ** 2)
'''

RUN_WITHOUT_ADJOINT = '''\
import sys
sys.modules["adjoint"] = None
import numpy as np
import {module}
u0 = np.linspace(-1.0, 1.0, 6) ** 2
print(repr(np.concatenate([np.ravel(g) for g in {module}.{name}(*{args})]).tolist()))
'''


@pytest.mark.parametrize("mode, name, args", [
    ("reverse", "grad_heat", "(u0, 0.1)"),
    ("vjp", "vjp_heat", "(0.7, u0, 0.1)"),
])
def test_gen_writes_a_function_that_copies_an_array(tmp_path, monkeypatch, mode, name, args):
    (tmp_path / "heat.py").write_text(HEAT)
    monkeypatch.chdir(tmp_path)
    assert main(["gen", "heat.py:heat", "--wrt", "u0,k", "--mode", mode, "-o", f"{name}.py"]) == 0
    (tmp_path / "run.py").write_text(RUN_WITHOUT_ADJOINT.format(module=name, name=name, args=args))
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    output = subprocess.run([sys.executable, "run.py"], cwd=tmp_path, env=environment, capture_output=True,
                            text=True, timeout=300)
    assert output.returncode == 0, output.stderr
    got = np.array(eval(output.stdout))
    sys.path.insert(0, str(tmp_path))
    try:
        import heat
        u0 = np.linspace(-1.0, 1.0, 6) ** 2
        expected = adjoint.grad(heat.heat, wrt=(0, 1))(u0, 0.1)
        scale = 0.7 if mode == "vjp" else 1.0
        np.testing.assert_allclose(got, scale * np.concatenate([np.ravel(g) for g in expected]), rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(expected[0], finite_differences(heat.heat, (u0, 0.1), 0), rtol=1e-6, atol=1e-8)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("heat", None)


POWER = '''\
import math


def f(x, k):
    return x * 2 ** k + math.sqrt(x)
'''

RUN_COMPILED = '''\
import sys
sys.modules["adjoint"] = None
from grad_power import *  # noqa: F403: what __all__ names
print(grad_f(0.5, 3))  # noqa: F405
try:
    grad_f(0.5, -2)
except ValueError as error:
    print("refused:", error)
'''


def test_gen_numba_writes_its_derivative_in_all(numba, tmp_path, monkeypatch):
    (tmp_path / "power.py").write_text(POWER)
    monkeypatch.chdir(tmp_path)
    assert main(["gen", "power.py:f", "--backend", "numba", "-o", "grad_power.py"]) == 0
    text = (tmp_path / "grad_power.py").read_text()
    assert text.count("\n__all__ = ") == 1 and '__all__ = ["grad_f"]' in text
    (tmp_path / "run.py").write_text(RUN_COMPILED)
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    environment["NUMBA_CACHE_DIR"] = str(tmp_path / "numba")
    output = subprocess.run([sys.executable, "run.py"], cwd=tmp_path, env=environment, capture_output=True,
                            text=True, timeout=300)
    assert output.returncode == 0, output.stderr
    first, second = output.stdout.splitlines()
    sys.path.insert(0, str(tmp_path))
    try:
        import power
        expected = adjoint.grad(power.f)(0.5, 3)
        assert float(first.split()[-1]) == pytest.approx(expected, rel=RTOL)
        assert expected == pytest.approx(finite_differences(power.f, (0.5, 3), 0), rel=1e-7)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("power", None)
    assert "negative integer power" in second
