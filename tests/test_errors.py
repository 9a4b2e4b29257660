"""What adjoint refuses, and how: the error names the file, the line and the construct."""
from __future__ import annotations

import inspect
import re
import types
from dataclasses import dataclass
from typing import Callable

import pytest

import adjoint
import unsupported_functions as uf

# ----- Finding the offending line --------------------------------------------

MARKER = re.compile(r"#\s*<-\s*(\S+)\s*$")


def _read_markers() -> list[tuple[str, int, str]]:
    """(label, line number, line text) for every `# <- label` in unsupported_functions.py."""
    markers = []
    with open(inspect.getsourcefile(uf), encoding="utf-8") as file:
        for lineno, text in enumerate(file, start=1):
            found = MARKER.search(text)
            if found:
                markers.append((found.group(1), lineno, text.rstrip("\n")))
    return markers


MARKERS = _read_markers()


def marked_line(label: str) -> tuple[int, str]:
    """Line number and text of the one line marked `# <- label`."""
    hits = [(lineno, text) for found, lineno, text in MARKERS if found == label]
    assert len(hits) == 1, f"marker {label!r} is on {len(hits)} lines, expected 1"
    return hits[0]


def caret_column(rendered: str, line: str) -> int:
    """Column of `line` under which the first caret of the rendered error sits."""
    code = line.split("# <-")[0].strip()
    indent = len(line) - len(line.lstrip())
    rows = rendered.splitlines()
    for shown, carets in zip(rows, rows[1:]):
        start = shown.find(code)
        if start >= 0 and "^" in carets:
            return carets.index("^") - start + indent
    pytest.fail(f"no line {code!r} with a caret under it in:\n{rendered}")


# ----- The constructs --------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """One unsupported construct: where it is, where the caret goes, how it is named."""

    label: str  # marker on the offending line of unsupported_functions.py
    func: Callable
    args: tuple
    caret_at: tuple  # text the caret may start under (its first occurrence on the line)
    keyword: str  # regex searched, ignoring case, in the error's message
    runs: bool = True  # the function runs as plain Python


REFUSALS = [
    # Statements
    Refusal("try", uf.try_statement, (2.0,), ("try",), r"\btry\b"),
    Refusal("callee-try", uf.calls_an_unreadable_helper, ([2.0, 3.0],), ("try",), r"\btry\b"),
    Refusal("with", uf.with_statement, (2.0,), ("return",), r"\bwith\b"),
    Refusal("global", uf.global_statement, (2.0,), ("global",), r"\bglobal\b"),
    Refusal("nonlocal", uf.nonlocal_statement, (2.0,), ("nonlocal",), r"\bnonlocal\b"),
    Refusal("del", uf.del_statement, (2.0,), ("del",), r"\bdel\b|delet"),
    Refusal("import", uf.import_statement, (2.0,), ("import",), r"\bimport\b"),
    Refusal("import-from", uf.import_from_statement, (2.0,), ("from",), r"\bimport\b"),
    Refusal("class", uf.class_definition, (2.0,), ("class",), r"\bclass\b"),
    Refusal(
        "attribute-assignment", uf.attribute_assignment, (2.0, types.SimpleNamespace()),
        ("box.value",), r"attribute",
    ),
    # Expressions
    Refusal("yield", uf.generator_function, (2.0,), ("yield",), r"\byield\b", runs=False),
    Refusal("lambda", uf.lambda_expression, (2.0,), ("lambda",), r"\blambda\b"),
    Refusal("list-comprehension", uf.list_comprehension, (2.0,), ("[",), r"comprehension"),
    Refusal(
        "generator-expression", uf.generator_expression, (2.0,), ("(",),
        r"generator|comprehension",
    ),
    Refusal("dict-comprehension", uf.dict_comprehension, (2.0,), ("{",), r"comprehension"),
    Refusal("dict-unpacking", uf.dict_unpacking, (2.0,), ("{",), r"\*\*"),
    Refusal("set", uf.set_display, (2.0,), ("{",), r"\bsets?\b"),
    Refusal(
        "starred", uf.starred_argument, (2.0, (1.0, 2.0, 3.0)), ("*xs",),
        r"starred|\bstar\b|unpack",
    ),
    Refusal(
        "walrus", uf.assignment_expression, (2.0,), ("y :=", "(y :="),
        r"walrus|assignment expression|named expression|:=",
    ),
    # Signatures
    Refusal(
        "async", uf.coroutine_function, (2.0,), ("async",), r"\basync\b|\bcoroutine",
        runs=False,
    ),
]


def _params(refusals):
    return [pytest.param(refusal, id=refusal.label) for refusal in refusals]


def test_every_marker_belongs_to_one_case():
    labels = sorted(label for label, _, _ in MARKERS)
    assert labels == sorted([refusal.label for refusal in REFUSALS] + ["frexp", "gauss", "derived-call"])


# ----- Unsupported syntax ----------------------------------------------------


@pytest.mark.parametrize("case", _params(REFUSALS))
def test_unsupported_construct_is_refused_with_its_location(case):
    lineno, line = marked_line(case.label)
    with pytest.raises(adjoint.UnsupportedSyntaxError) as info:
        adjoint.grad(case.func)(*case.args)
    error = info.value
    rendered = str(error)
    assert isinstance(error, adjoint.AdjointError)
    assert error.filename.endswith("unsupported_functions.py")
    assert error.lineno == lineno, rendered
    assert re.search(rf"unsupported_functions\.py:{lineno}\b", rendered), rendered
    assert re.search(case.keyword, error.message, re.IGNORECASE | re.DOTALL), rendered
    expected_columns = {line.index(text) for text in case.caret_at}
    assert caret_column(rendered, line) in expected_columns, rendered


@pytest.mark.parametrize("case", _params([refusal for refusal in REFUSALS if refusal.runs]))
def test_refused_function_is_left_untouched(case):
    func = case.func
    code, defaults, kwdefaults = func.__code__, func.__defaults__, func.__kwdefaults__
    attributes = dict(vars(func))
    expected = func(*case.args)
    with pytest.raises(adjoint.UnsupportedSyntaxError):
        adjoint.grad(case.func)(*case.args)
    assert func.__code__ is code
    assert func.__defaults__ == defaults
    assert func.__kwdefaults__ == kwdefaults
    assert vars(func) == attributes
    assert func(*case.args) == expected
    # A failed generation is not remembered as a success.
    with pytest.raises(adjoint.UnsupportedSyntaxError):
        adjoint.grad(case.func)(*case.args)


# ----- No source, no rule, no such parameter ---------------------------------


@pytest.mark.parametrize("filename", ["<string>", "<stdin>"])
def test_function_without_source_is_refused(filename):
    namespace = {}
    source = "def exec_only_square(x):\n    return x * x\n"
    exec(compile(source, filename, "exec"), namespace)
    func = namespace["exec_only_square"]
    with pytest.raises(OSError):
        inspect.getsource(func)  # the premise: Python itself has no source for it
    with pytest.raises(adjoint.AdjointError) as info:
        adjoint.grad(func)(3.0)
    message = str(info.value)
    assert "exec_only_square" in message
    assert re.search(r"source", message, re.IGNORECASE), message
    assert re.search(
        r"not available|unavailable|no source|cannot (be )?(found|read|retrieved|obtained)"
        r"|could not (be )?(found|read|retrieved|obtained)",
        message,
        re.IGNORECASE,
    ), message


def test_call_without_rule_names_the_callee_and_the_remedy():
    with pytest.raises(adjoint.NonDifferentiableError) as info:
        adjoint.grad(uf.missing_rule)(0.75)
    error = info.value
    assert isinstance(error, adjoint.AdjointError)
    assert "frexp" in error.message, str(error)
    assert "register_adjoint" in error.message, str(error)


def test_call_without_rule_points_at_the_call():
    lineno, _ = marked_line("frexp")
    with pytest.raises(adjoint.NonDifferentiableError) as info:
        adjoint.grad(uf.missing_rule)(0.75)
    assert info.value.filename.endswith("unsupported_functions.py")
    assert info.value.lineno == lineno, str(info.value)


def _fall_distance(position, mass):
    return mass * position * position


@pytest.mark.parametrize(
    "wrt",
    [
        pytest.param("velocity", id="name"),
        pytest.param(("position", "velocity"), id="name-in-tuple"),
    ],
)
def test_wrt_naming_a_missing_parameter_is_refused(wrt):
    with pytest.raises(adjoint.AdjointError) as info:
        adjoint.grad(_fall_distance, wrt=wrt)(1.5, 2.0)
    assert isinstance(info.value, ValueError)
    assert "velocity" in str(info.value)


def test_wrt_position_past_the_last_parameter_is_refused():
    with pytest.raises(adjoint.AdjointError) as info:
        adjoint.grad(_fall_distance, wrt=2)(1.5, 2.0)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("function", [uf.library_source_refused, uf.calls_library_source_refused],
                         ids=["called-here", "called-in-a-callee"])
def test_refusal_in_a_library_source_points_at_the_users_call(function):
    """random.gauss writes `self.gauss_next`: the refusal names the user's call of it, and the
    library's line in its message."""
    lineno, line = marked_line("gauss")
    with pytest.raises(adjoint.AdjointError) as info:
        adjoint.grad(function)(0.5)
    assert info.value.filename.endswith("unsupported_functions.py"), str(info.value)
    assert info.value.lineno == lineno, str(info.value)
    assert caret_column(str(info.value), line) == line.index("random.gauss"), str(info.value)
    assert "gauss" in info.value.message and "random.py" in info.value.message, str(info.value)


def test_refusal_in_a_derivative_called_by_a_differentiated_function_points_at_the_call():
    """The second derivative of a loop that builds lists is refused; met in the derivative a
    differentiated function calls, it names that call, not a line of the generated code."""
    lineno, line = marked_line("derived-call")
    with pytest.raises(adjoint.AdjointError) as info:
        adjoint.grad(uf.calls_a_derivative_of_lists_built_in_a_loop)(0.5)
    assert info.value.filename.endswith("unsupported_functions.py"), str(info.value)
    assert info.value.lineno == lineno, str(info.value)
    assert "grad_lists_built_in_a_loop" in info.value.message, str(info.value)
