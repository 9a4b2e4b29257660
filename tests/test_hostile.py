"""Hostile and unsupported input: each case has one documented outcome.

The outcome is either an error (the `AdjointError` subclass, where there is a location the
file and line it names, and words its message must contain) or a result (the value the
derivative must have). Errors that are not `AdjointError`s are the ones Python itself
raises for the same mistake in plain code (USER_ERRORS): calling a function with the wrong
arguments, math domain errors, unbounded recursion. No internal exception of the compiler
(KeyError, AttributeError, IndexError, AssertionError, ...) may reach the user; the sweep
at the end checks that over every function of this catalogue and of test_errors.py in
every mode.
"""
from __future__ import annotations

import functools
import importlib.util
import inspect
import math
import re
import sys
import textwrap
import time
import types
from dataclasses import dataclass
from typing import Any, Callable, Optional, Tuple

import numpy as np
import pytest

import adjoint
import hostile_functions as hf
import unsupported_functions as uf
from adjoint.errors import ArgumentError, NonScalarOutputError, WrtError

USER_ERRORS = (TypeError, ValueError, RecursionError)
INTERNAL_ERRORS = (KeyError, AttributeError, IndexError, AssertionError, NameError, LookupError, StopIteration)


def marked_line(label: str) -> int:
    """The line of hostile_functions.py marked `# <- label`."""
    with open(inspect.getsourcefile(hf), encoding="utf-8") as file:
        hits = [n for n, text in enumerate(file, start=1) if re.search(rf"#\s*<-\s*{re.escape(label)}\s*$", text)]
    assert len(hits) == 1, f"marker {label!r} is on {len(hits)} lines"
    return hits[0]


@dataclass(frozen=True)
class Hostile:
    """One hostile input: what to run and what must come of it."""

    id: str
    run: Callable[[], Any]
    raises: Optional[type] = None  # the documented exception type
    match: str = ""  # regex its message must contain (case-insensitive)
    marker: Optional[str] = None  # the error must name this marked line of hostile_functions.py
    expect: Any = None  # the documented result when nothing is raised

    def __post_init__(self):
        assert (self.raises is None) != (self.expect is None), self.id


def rescale_closure():
    scaled, rescale = hf.make_rescalable()
    gradient = adjoint.grad(scaled)
    first = gradient(1.0)
    rescale(5.0)
    return first, gradient(1.0), scaled(1.0)


def rebind_global_helper():
    gradient = adjoint.grad(hf.calls_global_helper)
    first = gradient(1.0)
    hf.HELPER = hf.helper_five
    try:
        return first, gradient(1.0)
    finally:
        hf.HELPER = hf.helper_two


def rebind_global_activation():
    gradient = adjoint.grad(hf.calls_global_activation)
    first = gradient(0.5)
    hf.ACTIVATION = np.sin
    try:
        return first, gradient(0.5)
    finally:
        hf.ACTIVATION = np.tanh


def change_global_value():
    gradient = adjoint.grad(hf.reads_global)
    first = gradient(1.5)
    hf.SCALE = 3.0
    try:
        return first, gradient(1.5)
    finally:
        hf.SCALE = 2.0


def change_default_global():
    hf.DEFAULT = 100.0  # too late: the default was computed when `def` ran
    try:
        return adjoint.grad(hf.default_expression)(2.0)
    finally:
        hf.DEFAULT = 3.0


def argument_not_mutated():
    a = np.array([1.0, 2.0, 3.0])
    gradients = adjoint.grad(hf.writes_into_argument, wrt=(0, 1))(0.5, a)
    return gradients[0], gradients[1], a


def exec_with_a_missing_file():
    namespace: dict = {}
    exec(compile("def lost(x):\n    return x * x\n", "/nonexistent/lost_module.py", "exec"), namespace)
    return adjoint.grad(namespace["lost"])(2.0)


HOSTILE = [
    # ----- syntax outside the subset (test_errors.py has the others)
    Hostile("set-comprehension", lambda: adjoint.grad(hf.set_comprehension)(1.0),
            adjoint.NonDifferentiableError, "a set's order", "set-comprehension"),
    Hostile("set-comprehension-counted", lambda: adjoint.grad(hf.set_comprehension_counted)(1.0), expect=3.0),
    Hostile("nested-def", lambda: adjoint.grad(hf.nested_def)(1.5), expect=3.0),
    Hostile("star-call", lambda: adjoint.grad(hf.star_call)(1.0, (3.0, 4.0)),
            adjoint.UnsupportedSyntaxError, r"starred|\*", "star-call"),
    Hostile("double-star-call", lambda: adjoint.grad(hf.double_star_call)(2.0, {"base": 10.0}),
            adjoint.UnsupportedSyntaxError, r"\*\*", "double-star-call"),
    Hostile("yield-from", lambda: adjoint.grad(hf.yield_from)(1.0),
            adjoint.UnsupportedSyntaxError, "yield", "yield-from"),
    Hostile("generator-function", lambda: adjoint.jvp(hf.generator_in_loop)(1.0, 1.0),
            adjoint.UnsupportedSyntaxError, "yield", "generator-loop"),
    # ----- accepted constructs and their outcome
    Hostile("with-open-feeding-nothing", lambda: adjoint.grad(hf.with_open)(1.0), expect=1.0),
    Hostile("assert-is-not-part-of-the-derivative", lambda: adjoint.grad(hf.with_assert)(2.0), expect=4.0),
    Hostile("annotations", lambda: adjoint.grad(hf.annotated)(2.0), expect=12.0),
    Hostile("print-call", lambda: adjoint.grad(hf.prints)(3.0), expect=6.0),
    Hostile("docstring-semicolons-continuations", lambda: adjoint.grad(hf.odd_layout, wrt=(0, 1))(2.0, 3.0),
            expect=(2 * 3.0 * 3.0 * 2.0 + 3.0 * 2.0 + 3.0 * 2.0, 2 * 2.0 * 2.0 * 3.0 + 2.0 * 2.0)),
    Hostile("unicode-names", lambda: adjoint.grad(hf.unicode_names, wrt=(0, 1))(2.0, 3.0), expect=(7.0, 2.0)),
    Hostile("floor-division-is-flat", lambda: adjoint.grad(hf.floor_division)(2.5), expect=5.0),
    # ----- functions without source
    Hostile("builtin-function", lambda: adjoint.grad(math.sin),
            adjoint.AdjointError, r"not a Python function"),
    Hostile("numpy-ufunc", lambda: adjoint.grad(np.tanh), adjoint.AdjointError, r"not a Python function"),
    Hostile("lambda-from-a-string", lambda: adjoint.grad(eval("lambda x: x * x"))(1.0),
            adjoint.AdjointError, r"source .*not available"),
    Hostile("exec-with-a-missing-file", exec_with_a_missing_file, adjoint.AdjointError,
            r"lost.*source .*not available"),
    Hostile("functools-partial", lambda: adjoint.grad(functools.partial(hf.two_parameters, y=2.0))(3.0),
            expect=4.0),
    Hostile("not-callable", lambda: adjoint.grad(42), adjoint.AdjointError, "not callable"),
    # ----- C functions without rules
    Hostile("math-frexp-on-an-argument", lambda: adjoint.grad(hf.mantissa_of_argument)(2.5),
            adjoint.NonDifferentiableError, r"math\.frexp.*register_adjoint", "frexp"),
    Hostile("np-poly-on-an-argument",
            lambda: adjoint.grad(hf.polynomial_of_roots)(np.array([1.0, 3.0, 2.0])),
            adjoint.NonDifferentiableError, r"np\.poly\b.*register_adjoint", "poly"),
    Hostile("math-frexp-of-a-constant", lambda: adjoint.grad(hf.mantissa_of_constant)(2.5), expect=0.75),
    # ----- wrt
    Hostile("wrt-float", lambda: adjoint.grad(hf.two_parameters, wrt=1.5), WrtError, "1.5"),
    Hostile("wrt-bool", lambda: adjoint.grad(hf.two_parameters, wrt=True), WrtError, "True"),
    Hostile("wrt-none", lambda: adjoint.grad(hf.two_parameters, wrt=None), WrtError, "None"),
    Hostile("wrt-empty", lambda: adjoint.grad(hf.two_parameters, wrt=()), WrtError, "at least one"),
    Hostile("wrt-negative-out-of-range", lambda: adjoint.grad(hf.two_parameters, wrt=-3), WrtError, "out of range"),
    Hostile("wrt-negative-in-range", lambda: adjoint.grad(hf.two_parameters, wrt=-1)(2.0, 3.0), expect=12.0),
    Hostile("wrt-repeated", lambda: adjoint.grad(hf.two_parameters, wrt=(0, "x"))(2.0, 3.0), expect=(9.0, 9.0)),
    Hostile("wrt-keyword-only", lambda: adjoint.grad(hf.keyword_only, wrt="k")(2.0, k=3.0), expect=4.0),
    # ----- outputs grad cannot seed
    Hostile("array-output", lambda: adjoint.grad(hf.array_output)(1.0), NonScalarOutputError, r"shape \(3,\)"),
    Hostile("tuple-output", lambda: adjoint.grad(hf.tuple_output)(1.0, 2.0), NonScalarOutputError, "scalar"),
    Hostile("list-output", lambda: adjoint.grad(hf.list_output)(1.0), NonScalarOutputError, "scalar"),
    Hostile("no-return", lambda: adjoint.grad(hf.no_return)(1.0), NonScalarOutputError, "returns None",
            "no-return"),
    Hostile("hvp-of-an-array-output", lambda: adjoint.hvp(hf.array_output)(1.0, 1.0), NonScalarOutputError,
            r"shape \(3,\)"),
    Hostile("jvp-of-grad-of-an-array-output", lambda: adjoint.jvp(adjoint.grad(hf.array_output))(1.0, 1.0),
            NonScalarOutputError, r"shape \(3,\)"),
    Hostile("vjp-of-grad-of-an-array-output", lambda: adjoint.vjp(adjoint.grad(hf.array_output))(1.0),
            NonScalarOutputError, r"shape \(3,\)"),
    Hostile("grad-of-grad-of-an-array-output", lambda: adjoint.grad(adjoint.grad(hf.array_output))(1.0),
            NonScalarOutputError, r"shape \(3,\)"),
    Hostile("hessian-of-an-array-output", lambda: adjoint.hessian(hf.array_output)(1.0), NonScalarOutputError,
            r"shape \(3,\)"),
    Hostile("size-one-array-output", lambda: adjoint.grad(hf.size_one_output)(3.0), expect=6.0),
    Hostile("int-output", lambda: adjoint.grad(hf.int_output)(3.0), expect=0.0),
    # ----- jvp tangents
    Hostile("jvp-missing-tangent", lambda: adjoint.jvp(hf.two_parameters, wrt=(0, 1))(2.0, 3.0, 1.0),
            ArgumentError, "tangent"),
    Hostile("jvp-extra-tangent", lambda: adjoint.jvp(hf.two_parameters)(2.0, 3.0, 1.0, 1.0),
            ArgumentError, "tangent"),
    Hostile("jvp-nothing", lambda: adjoint.jvp(hf.two_parameters)(), ArgumentError, "tangent"),
    Hostile("vjp-cotangent-of-the-wrong-shape", lambda: adjoint.vjp(hf.array_output)(1.0)[1](1.0),
            ArgumentError, r"cotangent has shape \(\).*\(3,\)"),
    # ----- calls with the wrong arguments: Python's own TypeError
    Hostile("grad-missing-argument", lambda: adjoint.grad(hf.two_parameters)(2.0), TypeError, "'y'"),
    Hostile("grad-unknown-keyword", lambda: adjoint.grad(hf.two_parameters)(2.0, 3.0, z=1.0), TypeError, "'z'"),
    # ----- special values
    Hostile("nan-input", lambda: adjoint.grad(hf.smooth, wrt=(0, 1))(math.nan, 2.0), expect=(math.nan, math.nan)),
    Hostile("inf-input", lambda: adjoint.grad(hf.smooth, wrt=(0, 1))(0.5, math.inf), expect=(math.inf, math.sin(0.5))),
    Hostile("inf-gradient", lambda: adjoint.grad(hf.np_log_of)(np.float64(0.0)), expect=math.inf),
    # A NumPy function of a Python float at a pole: NumPy's inf, as for a NumPy scalar (was ZeroDivisionError).
    Hostile("numpy-function-of-a-python-float-at-a-pole", lambda: adjoint.grad(hf.np_log_of)(0.0), expect=math.inf),
    Hostile("inf-into-math-sin", lambda: adjoint.grad(hf.smooth)(math.inf, 2.0), ValueError, "math domain error"),
    # The derivative code computes only what the derivative needs, but math.log(-1.0) raises as the
    # function does: a derivative where the function has no value would be a wrong answer.
    Hostile("unused-value-outside-the-domain", lambda: adjoint.grad(hf.log_of)(-1.0), ValueError, "math domain error"),
    # ----- recursion
    Hostile("recursion-200-deep", lambda: adjoint.grad(hf.compound)(1.0, 200), expect=1.001 ** 200),
    Hostile("unbounded-recursion", lambda: adjoint.grad(hf.forever)(1.0), RecursionError, "recursion"),
    # ----- names that clash with generated names
    Hostile("locals-named-like-generated-code", lambda: adjoint.grad(hf.clashing_locals)(2.0),
            expect=0.5 * (2 * (((2 * 2.0 + 1.0) * 2.0 - 2.0) * 0.5 + 2.0)
                          * ((4 * 2.0 + 1.0 - 1.0) * 0.5 + 1.0) * 2.0
                          + ((((2 * 2.0 + 1.0) * 2.0 - 2.0) * 0.5 + 2.0) ** 2 + 1.0))),
    Hostile("parameters-x-and-dx", lambda: adjoint.grad(hf.parameter_and_its_adjoint_name, wrt=(0, 1))(2.0, 3.0),
            expect=(3.0 + 4.0, 2.0)),
    Hostile("locals-shadowing-builtins", lambda: adjoint.grad(hf.shadowed_builtins)(2.0), expect=4 * 3.0),
    Hostile("parameter-named-np", lambda: adjoint.grad(hf.module_named_parameter, wrt=(0, 1))(2.0, 3.0),
            expect=(12.0, 4.0)),
    Hostile("user-function-named-unbroadcast", lambda: adjoint.grad(hf.calls_unbroadcast)(2.0), expect=8.0),
    Hostile("user-function-named-grad-of-caller", lambda: adjoint.grad(hf.calls_grad_named_helper)(2.0),
            expect=8.0),
    # ----- globals, closures, defaults
    Hostile("global-value-changed-after", change_global_value, expect=(6.0, 9.0)),
    Hostile("global-helper-rebound-after", rebind_global_helper, expect=(2.0, 5.0)),
    Hostile("global-rule-function-rebound-after", rebind_global_activation,
            expect=(2.0 * (1.0 - math.tanh(0.5) ** 2), 2.0 * math.cos(0.5))),
    Hostile("closure", lambda: adjoint.grad(hf.make_scaled(3.0))(2.0), expect=12.0),
    Hostile("default-is-computed-once", change_default_global, expect=6.0),
    Hostile("keyword-only-default", lambda: adjoint.grad(hf.keyword_only)(2.0), expect=8.0),
    Hostile("keyword-only-passed", lambda: adjoint.grad(hf.keyword_only)(2.0, k=3.0), expect=12.0),
    # ----- methods, decorators, callable objects
    Hostile("bound-method", lambda: adjoint.grad(hf.Model(3.0).loss)(2.0), expect=12.0),
    Hostile("bound-method-jvp", lambda: adjoint.jvp(hf.Model(3.0).loss)(2.0, 0.5), expect=(12.0, 6.0)),
    Hostile("bound-method-vjp", lambda: adjoint.vjp(hf.Model(3.0).loss)(2.0)[1](2.0), expect=24.0),
    Hostile("bound-method-second-order", lambda: adjoint.grad(adjoint.grad(hf.Model(3.0).loss))(2.0), expect=6.0),
    Hostile("bound-method-hvp", lambda: adjoint.hvp(hf.Model(3.0).loss)(2.0, 0.5), expect=3.0),
    Hostile("bound-method-third-order",
            lambda: adjoint.grad(adjoint.grad(adjoint.grad(hf.Model(3.0).loss)))(2.0), expect=0.0),
    Hostile("staticmethod", lambda: adjoint.grad(hf.Model.square)(3.0), expect=6.0),
    Hostile("classmethod", lambda: adjoint.grad(hf.Model.doubled_square)(3.0), expect=12.0),
    Hostile("callable-instance", lambda: adjoint.grad(hf.Model(2.0))(0.5), expect=2.0 * math.cos(0.5)),
    Hostile("functools-wraps-decorator", lambda: adjoint.grad(hf.decorated)(2.0), expect=12.0),
    Hostile("argument-written-into", argument_not_mutated, expect=(1.0, np.array([0.0, 4.0, 6.0]),
                                                                   np.array([1.0, 2.0, 3.0]))),
    Hostile("nested-parentheses", lambda: adjoint.grad(hf.nested_expression)(2.0), expect=0.5 ** 5),
    Hostile("closure-cell-changed-after", rescale_closure, expect=(2.0, 5.0, 5.0)),
]

KNOWN_LIMITATIONS = []  # (pytest.param of a Hostile with an xfail mark: a limitation still open)


def _check(case: Hostile) -> None:
    if case.raises is not None:
        with pytest.raises(case.raises) as info:
            case.run()
        error = info.value
        assert re.search(case.match, str(error), re.IGNORECASE | re.DOTALL), str(error)
        assert isinstance(error, adjoint.AdjointError) or isinstance(error, USER_ERRORS), type(error)
        if case.marker is not None:
            assert error.filename.endswith("hostile_functions.py"), str(error)
            assert error.lineno == marked_line(case.marker), str(error)
            assert f"hostile_functions.py:{error.lineno}" in str(error)
        return
    result = case.run()
    assert_same(result, case.expect)


def assert_same(result: Any, expect: Any) -> None:
    if isinstance(expect, tuple):
        assert isinstance(result, tuple) and len(result) == len(expect), result
        for got, want in zip(result, expect):
            assert_same(got, want)
        return
    np.testing.assert_allclose(np.asarray(result, dtype=np.float64), np.asarray(expect, dtype=np.float64),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in HOSTILE]
                         + [pytest.param(*p.values, marks=p.marks, id=p.values[0].id) for p in KNOWN_LIMITATIONS])
def test_hostile_input_has_its_documented_outcome(case):
    with np.errstate(divide="ignore", invalid="ignore"):
        _check(case)


def test_catalogue_is_large_and_ids_are_unique():
    ids = [case.id for case in HOSTILE]
    assert len(ids) >= 30
    assert len(ids) == len(set(ids))


def test_every_documented_error_is_an_adjoint_error_or_a_python_one():
    for case in HOSTILE:
        if case.raises is not None:
            assert issubclass(case.raises, adjoint.AdjointError) or case.raises in USER_ERRORS, case.id


# ----- match statements: only where Python has them -----------------------------------------

MATCH_SOURCE = textwrap.dedent("""\
    def classify(x, n):
        match n:  # <- match
            case 0:
                return x
            case _:
                return x * x
""")


@pytest.mark.skipif(sys.version_info < (3, 10), reason="`match` is Python 3.10+")
def test_match_statement_is_refused_with_its_line(tmp_path):
    path = tmp_path / "matching.py"
    path.write_text(MATCH_SOURCE, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("matching", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with pytest.raises(adjoint.UnsupportedSyntaxError) as info:
        adjoint.grad(module.classify)(2.0, 1)
    assert info.value.filename == str(path)
    assert info.value.lineno == 2
    assert "match" in info.value.message


# ----- size -----------------------------------------------------------------------------------

HUGE_LINES = 2000


def _straight_line_module(path, pairs: int):
    lines = ["import math", "", "", "def unrolled(x, y):", "    a = x", "    b = y"]
    for i in range(pairs):
        lines.append(f"    a = a + 0.001 * math.sin(b * {1 + i % 7})")
        lines.append(f"    b = b - 0.001 * a * {0.5 + (i % 5) / 10}")
    lines.append("    return a * b")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.unrolled


def _central(f, args, position, eps=1e-6):
    plus, minus = list(args), list(args)
    plus[position] += eps
    minus[position] -= eps
    return (f(*plus) - f(*minus)) / (2 * eps)


def test_huge_unrolled_function_is_generated_in_bounded_time(tmp_path, monkeypatch):
    monkeypatch.setenv("ADJOINT_CACHE", "0")
    unrolled = _straight_line_module(tmp_path / "unrolled_huge.py", HUGE_LINES // 2)
    start = time.perf_counter()
    gradient = adjoint.grad(unrolled, wrt=(0, 1), optimize=False)(0.3, 0.7)
    elapsed = time.perf_counter() - start
    assert elapsed < 120, f"{HUGE_LINES} lines took {elapsed:.1f} s"
    for position, got in enumerate(gradient):
        assert got == pytest.approx(_central(unrolled, (0.3, 0.7), position), rel=1e-6)


def test_long_unrolled_function_is_optimized(tmp_path, monkeypatch):
    monkeypatch.setenv("ADJOINT_CACHE", "0")
    unrolled = _straight_line_module(tmp_path / "unrolled_long.py", 50)
    value, gradient = adjoint.value_and_grad(unrolled, wrt=(0, 1))(0.3, 0.7)
    assert value == pytest.approx(unrolled(0.3, 0.7), rel=1e-12)
    for position, got in enumerate(gradient):
        assert got == pytest.approx(_central(unrolled, (0.3, 0.7), position), rel=1e-6)


# ----- no internal exception reaches the user --------------------------------------------------

FACTORIES = ("logged", "make_scaled", "make_rescalable")  # they return functions; their products are tested


def _functions(module: types.ModuleType):
    """The module's own functions that return a value when called (no generators, coroutines, factories)."""
    return [value for name, value in sorted(vars(module).items())
            if inspect.isfunction(value) and value.__module__ == module.__name__ and not name.startswith("_")
            and not inspect.isgeneratorfunction(value) and not inspect.iscoroutinefunction(value)
            and name not in FACTORIES]


def _arguments(func: Callable) -> Tuple[Any, ...]:
    names = list(inspect.signature(func).parameters)
    values = {"a": np.array([1.0, 2.0, 3.0]), "pair": (3.0, 4.0),
              "box": types.SimpleNamespace(), "n": 2, "flag": True, "np": 1.5, "scale": 2.0}
    parameters = inspect.signature(func).parameters
    return tuple(values.get(name, 0.7) for name in names
                 if parameters[name].default is inspect.Parameter.empty
                 and parameters[name].kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD))


SWEPT = [hf.forever]  # runs out of stack in every mode; checked once above


@pytest.mark.parametrize("func", [pytest.param(f, id=f"{f.__module__}.{f.__name__}")
                                  for f in _functions(hf) + _functions(uf) if f not in SWEPT])
def test_no_internal_exception_escapes(func):
    args = _arguments(func)
    calls = {
        "grad": lambda: adjoint.grad(func)(*args),
        "value_and_grad": lambda: adjoint.value_and_grad(func)(*args),
        "vjp": lambda: adjoint.vjp(func)(*args)[1](1.0),
        "jvp": lambda: adjoint.jvp(func)(*args, 1.0),
        "source": lambda: adjoint.source(func),
    }
    for mode, call in calls.items():
        try:
            with np.errstate(all="ignore"):
                call()
        except adjoint.AdjointError:
            pass
        except INTERNAL_ERRORS as error:
            pytest.fail(f"{mode}: internal {type(error).__name__} escaped: {error}")
        except USER_ERRORS as error:
            # Only where Python raises it too: the function itself fails with these arguments.
            with pytest.raises(type(error)), np.errstate(all="ignore"):
                func(*args)
