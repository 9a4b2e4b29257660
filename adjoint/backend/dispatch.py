"""The cached call's choice of generated function: argument types -> the function to call.

`grad(f)(*args)` calls the code generated for the types of its arguments. A dict keyed by
`tuple(map(type, args))` makes a tuple on every call; `picker` writes, for the few type tuples
seen so far, a function that compares each argument's type with `is` and returns the function
for them (None for types not seen), about half the cost on a seven-argument call.

    def pick(args):
        if len(args) == 2 and type(args[0]) is _t0_0 and type(args[1]) is _t0_1:
            return _f0
        return None

`CachedCall` goes further for grad and value_and_grad: it writes their whole cached call as
one function (the types compared, the generated function called, its result looked at) and
makes it what the derived function runs, so the call costs one Python frame over calling the
generated function directly; where it can, it writes that function into a private copy of the
generated one (backend/inlined.py), which then costs no frame over it. Its parameters are
positional-only with a default, so that the arguments arrive one by one (no tuple, no `len`)
and no call fails to bind; anything else (other types, keywords, another number of
arguments) goes to the general path as it came. A copy of a generated function whose
parameters are the user's function's, each of them one a call must pass, by position or by
name, takes them as the user's function does instead (no defaults, no `*rest, **kwargs` to pack
on each call): a call binds to it as it binds to the user's function, and one that cannot
raises the TypeError a call of the user's function would.
It compares no revision of the rules on each call: a change of the rules puts the general
path back (`rules_changed`).

Neither is written before a derived function has been called WRITE_AFTER_CALLS times with the
types it has code for (api._Specializing.repick): writing them (compiling the picker and the
cached call, copying the generated function) costs about 1.5 ms, about a fifth of generating
the derivative of a small function, and each call through them saves about 1 us. Most derived
functions are called a few times (a check, a plot, a derivative taken once); one called in a loop
pays the general path on its first calls, at most a tenth of what writing costs.

    def call(a0=_missing, a1=_missing, /, *rest, **kwargs):
        if rest or kwargs:
            return _general(*_given(a0, a1), *rest, **kwargs)
        if _type(a0) is _t0 and _type(a1) is _t0:
            try:
                result = _f0(a0, a1)
            ...
        return _general(*_given(a0, a1), *rest, **kwargs)
"""
from __future__ import annotations

import functools
import inspect
import linecache
import weakref
from typing import Callable, Dict, List, Optional, Tuple

import numpy as np

from adjoint import runtime
from adjoint.analysis.class_effects import refuse_writing_properties
from adjoint.backend import inlined
from adjoint.errors import AdjointError, Location, NonScalarOutputError
from adjoint.frontend.complex_values import may_hold_complex, refuse_unsupported_arguments
from adjoint.frontend.parse import unwrap
from adjoint.generated import user_location
from adjoint.rules.table import Revision

MAX_WRITTEN = 4  # more type tuples than this: looked up in the dict
WRITE_AFTER_CALLS = 100  # calls through the general path before the picker and cached call are written
# argument types -> (function, "__code__" or "__defaults__", the object it held) for each function
# whose code or defaults an entry was generated from
Guards = Dict[tuple, Tuple[Tuple[Callable, str, object], ...]]

GRAD_TAIL = """
try:
    result = {call}
except _failures as error:
    raise _failed(error) from None
if _type(result) is _float or _type(result) is _ndarray or not _is_complex(result):
    return {returned}
raise _failed(_complex_gradient())
"""
VALUE_AND_GRAD_TAIL = """
try:
    value, result = {call}
except _failures as error:
    raise _failed(error) from None
if _type(result) is _float or _type(result) is _ndarray or not _is_complex(result):
    return value, {returned}
raise _failed(_complex_gradient())
"""


class _Missing:
    """The default of the cached call's parameters: the argument was not passed."""

    def __repr__(self) -> str:
        return "<not passed>"


MISSING = _Missing()


def given(*arguments) -> tuple:
    """The arguments a call passed by position: those before the first left at MISSING."""
    for position, argument in enumerate(arguments):
        if argument is MISSING:
            return arguments[:position]
    return arguments


def keyword_parameters(function: Callable) -> Optional[Tuple[str, ...]]:
    """The names of function's parameters (its signature's) when a call must pass each of them,
    by position or by name, and it has no others; None otherwise."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(parameter.kind is not inspect.Parameter.POSITIONAL_OR_KEYWORD or
           parameter.default is not inspect.Parameter.empty for parameter in parameters):
        return None
    return tuple(parameter.name for parameter in parameters)


def call_key(args: tuple, kwargs: dict) -> tuple:
    """What the code generated for a call depends on in its arguments (their kinds): the types
    of the arguments, with the keywords' names, and the number of dimensions of each array."""
    key = tuple(map(type, args))
    if kwargs:
        names = sorted(kwargs)  # keywords in one order: the types and the ranks below alike
        key = (key, tuple((name, type(kwargs[name])) for name in names))
        values = args + tuple(kwargs[name] for name in names)
    elif np.ndarray not in key:
        return key
    else:
        values = args
    ranks = tuple(value.ndim for value in values if type(value) is np.ndarray)
    return (key, ranks) if ranks else key


@functools.lru_cache(maxsize=None)
def tangent_keywords(function: Callable, count: int) -> Tuple[str, ...]:
    """The names of a generated jvp function's tangent parameters: its last keyword-only ones."""
    function = getattr(function, "func", function)  # a partial binds a method's instance
    code = getattr(function, "py_func", function).__code__  # a compiled one's Python derivative (backend/numba.py)
    end = code.co_argcount + code.co_kwonlyargcount
    return code.co_varnames[end - count:end]


def _none(args: tuple) -> None:
    return None


def is_complex(gradient) -> bool:
    """Whether a gradient (or a tuple of them) is a complex number (arrays: see runtime.gradient_like)."""
    if type(gradient) is tuple:
        return any(is_complex(g) for g in gradient)
    return isinstance(gradient, (complex, np.complexfloating))


def _written(table: Dict[tuple, Callable]) -> List[Tuple[tuple, Callable]]:
    return [(key, function) for key, function in list(table.items())  # one step: other threads may add
            if isinstance(key, tuple) and all(isinstance(item, type) for item in key)]


def _tests(entries: List[Tuple[tuple, Callable]], namespace: Dict[str, object], guards: Guards) -> List[str]:
    """For each entry, the condition that the arguments have its types (names put in namespace)."""
    conditions = []
    for number, (types, function) in enumerate(entries):
        tests = [f"len(args) == {len(types)}"]
        for position, kind in enumerate(types):
            namespace[f"_t{number}_{position}"] = kind
            tests.append(f"type(args[{position}]) is _t{number}_{position}")
        namespace[f"_f{number}"] = function
        conditions.append(" and ".join(tests + _guard_tests(number, guards.get(types, ()), namespace)))
    return conditions


def _guard_tests(number: int, guards: Tuple[Tuple[Callable, str, object], ...], namespace: Dict[str, object]) -> List[str]:
    """`_o0_0.__code__ is _d0_0`: the functions' code and defaults are those the entry was generated from."""
    tests = []
    for index, (owner, attribute, held) in enumerate(guards):
        namespace[f"_o{number}_{index}"], namespace[f"_d{number}_{index}"] = owner, held
        tests.append(f"_o{number}_{index}.{attribute} is _d{number}_{index}")
    return tests


def guard(table: Dict[tuple, Callable], guards: Guards, key: tuple, function: Callable,
          held: Optional[Tuple[Tuple[Callable, str, object], ...]]) -> None:
    """Put `function` in table under key, for the cached call to compare the code and defaults it
    holds (`held`, see Guards) on each call; None: take out what key had."""
    table.pop(key, None), guards.pop(key, None)
    if held is not None:
        table[key], guards[key] = function, held


def _define(lines: List[str], namespace: Dict[str, object], name: str) -> Callable:
    exec(compile("\n".join(lines) + "\n", "<adjoint dispatch>", "exec"), namespace)
    return namespace[name]


def picker(table: Dict[tuple, Callable], guards: Optional[Guards] = None) -> Callable[[tuple], Optional[Callable]]:
    """A function of the arguments giving table[tuple(map(type, args))], or None when absent (or
    when the code or defaults an entry holds, `guards`, have changed)."""
    entries = _written(table)
    if not entries:
        return _none
    if len(entries) > MAX_WRITTEN and not guards:
        return lambda args: table.get(tuple(map(type, args)))
    namespace: Dict[str, object] = {}
    lines = ["def pick(args):"]
    for number, condition in enumerate(_tests(entries, namespace, guards or {})):
        lines += [f"    if {condition}:", f"        return _f{number}"]
    lines.append("    return None")
    return _define(lines, namespace, "pick")


class CachedCall:
    """What a derived function (grad or value_and_grad) runs: `general` (*args, **kwargs), or
    for the few type tuples of a table with nothing to check per call, a function written with
    `tail` (source calling `{call}`, see GRAD_TAIL) and the names it reads."""

    def __init__(self, general: Callable, tail: str, names: Dict[str, object], revision):
        self.general, self.tail, self.names, self.revision = general, tail, names, revision
        self.derived: Optional[weakref.ref] = None  # the object whose `__call__` is set
        revision.watchers.add(self)

    def attach(self, derived) -> None:
        self.derived = weakref.ref(derived)

    def _set(self, call: Callable) -> None:
        derived = self.derived() if self.derived is not None else None
        if derived is not None:
            derived.__call__ = call

    def update(self, table: Dict[tuple, Callable], seen: int, guards: Optional[Guards] = None) -> None:
        """Write the call for table, valid while the rules' revision is `seen` (and, for an entry
        with guards, while those functions' code and defaults are the ones it holds)."""
        self._set(self.written(table, guards))
        if self.revision.value != seen:  # changed since: its rules_changed may have come before this
            self._set(self.general)

    def rules_changed(self) -> None:
        """The written call compares no revision: calls go the general way, which generates again."""
        self.unwritten()

    def unwritten(self) -> None:
        """Calls go the general way until `update` writes the call."""
        self._set(self.general)

    def written(self, table: Dict[tuple, Callable], guards: Optional[Guards] = None) -> Callable:
        entries = _written(table)
        if not entries or len(entries) > MAX_WRITTEN:
            return self.general
        cells = dict(self.names, _general=self.general, _given=given, _missing=MISSING, _type=type, _float=float,
                     _ndarray=np.ndarray, _is_complex=is_complex)
        copied = _inlined_call(entries, self.tail, cells, guards or {})
        return copied if copied is not None else _closure(_call_lines(entries, self.tail, cells, guards or {}), cells)


def _call_lines(entries: List[Tuple[tuple, Callable]], tail: str, cells: Dict[str, object],
                guards: Guards) -> List[str]:
    """The cached call for these type tuples (the functions and types put in cells).

    Its parameters are positional-only and default to MISSING, so that no call can fail to
    bind: keywords, more arguments than any entry takes, or fewer than an entry needs go to
    `_general` as they came, which raises what a call of the user's function would. Arguments
    arrive one by one (no tuple is built) and the generated function is called with them.
    """
    parameters, general, lines = _call_start(entries)
    conditions = _conditions(entries, parameters, cells, guards)
    for number, condition in enumerate(conditions):
        lines += _entry_lines(number, len(entries[number][0]), condition, parameters, tail, "    ")
    return lines + [f"    {general}"]


def _call_start(entries: List[Tuple[tuple, Callable]], named: bool = False) -> Tuple[List[str], str, List[str]]:
    """The cached call's parameters, its return by the general path, and its first lines;
    `named`: parameters a call may pass by name (see the module's docstring)."""
    width = max(len(types) for types, _ in entries)
    parameters = [f"a{position}" for position in range(width)]
    if named:
        return parameters, f"return _general({', '.join(parameters)})", [f"def call({', '.join(parameters)}):"]
    signature = [f"{name}=_missing" for name in parameters] + (["/"] if parameters else []) + ["*rest", "**kwargs"]
    general = f"return _general(*_given({', '.join(parameters)}), *rest, **kwargs)"
    return parameters, general, [f"def call({', '.join(signature)}):", "    if rest or kwargs:", f"        {general}"]


def _conditions(entries: List[Tuple[tuple, Callable]], parameters: List[str], cells: Dict[str, object],
                guards: Guards) -> List[str]:
    """For each entry, the test that the arguments are of its types (and its guards hold)."""
    type_names: Dict[int, str] = {}
    conditions = []
    for number, (types, function) in enumerate(entries):
        cells[f"_f{number}"] = function
        tests = []
        for name, kind in zip(parameters, types):
            type_name = type_names.setdefault(id(kind), f"_t{len(type_names)}")
            cells[type_name] = kind
            tests.append(f"_type({name}) is {type_name}")
        if len(types) < len(parameters):
            tests.append(f"{parameters[len(types)]} is _missing")
        tests += _guard_tests(number, guards.get(types, ()), cells)
        conditions.append(" and ".join(tests) or "True")
    return conditions


def _entry_lines(number: int, width: int, condition: str, parameters: List[str], tail: str, indent: str) -> List[str]:
    call = f"_f{number}({', '.join(parameters[:width])})"
    body = [indent + "    " + line for line in tail.format(call=call).strip("\n").splitlines()]
    return [f"{indent}if {condition}:"] + body


def _inlined_call(entries: List[Tuple[tuple, Callable]], tail: str, cells: Dict[str, object],
                  guards: Guards) -> Optional[Callable]:
    """The cached call written into a copy of the first entry's generated function (see
    backend/inlined.py), or None where that function cannot be copied so."""
    width = len(entries[0][0])
    text = inlined.generated_text(entries[0][1], width)
    if text is None or any(len(types) != width for types, _ in entries):
        return None
    named = keyword_parameters(cells["_general"]) == inlined.parameters_of(entries[0][1])
    parameters, general, lines = _call_start(entries, named)
    conditions = _conditions(entries, parameters, cells, guards)
    lines.append(f"    if not ({conditions[0]}):")
    for number in range(1, len(entries)):
        lines += _entry_lines(number, width, conditions[number], parameters, tail, "        ")
    lines += [f"        {general}", "    try:", "        pass",
              "    except _failures as error:", "        raise _failed(error) from None"]
    return inlined.inlined(entries[0][1], text, lines, tail, cells)


def _closure(lines: List[str], cells: Dict[str, object]) -> Callable:
    """The function `lines` define, reading `cells` as closure variables (no global look-ups)."""
    source = "\n".join([f"def make({', '.join(cells)}):"] + ["    " + line for line in lines] + ["    return call"])
    namespace: Dict[str, object] = {}
    exec(compile(source + "\n", "<adjoint dispatch>", "exec"), namespace)
    return namespace["make"](**cells)


def failure(transform: str, func: Callable) -> Callable[[Exception], AdjointError]:
    """What a derived function raises for an error of its generated code (`runtime.Refused`,
    `runtime.NonScalarOutput`)."""
    def failed(error: Exception) -> AdjointError:
        if isinstance(error, runtime.NonScalarOutput):
            return NonScalarOutputError(f"{transform} of {describe(func)}: {error}")
        return refused_at_run_time(transform, func, error)
    return failed


def cached_call(general: Callable, tail: str, one_in_tuple: bool, failed: Callable) -> CachedCall:
    names = {"_failures": (runtime.NonScalarOutput, runtime.Refused), "_failed": failed,
             "_complex_gradient": lambda: runtime.ComplexValue("a gradient is complex")}
    returned = "(result,)" if one_in_tuple else "result"
    return CachedCall(general, tail.format(returned=returned, call="{call}"), names, Revision)


def refused_at_run_time(transform: str, func: Callable, reason) -> AdjointError:
    """The AdjointError for a runtime.Refused, at the user's line where the refusal knows it."""
    filename = getattr(reason, "filename", None)
    if filename is None:  # a rule's refusal: at the line its generated line was made for, where known
        return AdjointError(f"{transform} of {describe(func)}: {reason}", user_location(reason))
    line = linecache.getline(filename, reason.lineno).rstrip("\n")
    where = Location(filename, reason.lineno, len(line) - len(line.lstrip()), None, line)
    return AdjointError(f"{transform} of {describe(func)}: {reason.args[0]}", where)  # the location says where


def describe(func: Callable) -> str:
    return getattr(func, "__qualname__", repr(func))


def complex_checker(func: Callable, bound: tuple, args: tuple, kwargs: dict) -> Callable[[tuple, dict], None]:
    """A check that no argument holds complex values, for calls with arguments of these types.

    Numbers are told apart by type (the cache key); arrays, containers and objects of one type
    may hold complex values or not, so the check looks inside those on each call. With arrays
    alone (the common case) it looks at their dtypes, and its `arrays` attribute lists their
    positions (for cache_entry).
    """
    names = list(inspect.signature(unwrap(func)).parameters)[len(bound):]
    what = describe(func)
    refuse_unsupported_arguments(zip(names, args), what, func)
    refuse_unsupported_arguments(kwargs.items(), what, func)
    refuse_unsupported_arguments(zip(("self",), bound), what)
    refuse_writing_properties(list(zip(names, args)) + list(kwargs.items()), what, func)
    positions = tuple((i, names[i] if i < len(names) else f"argument {i}") for i, value in enumerate(args)
                      if may_hold_complex(value))
    keywords = tuple(name for name, value in kwargs.items() if may_hold_complex(value))
    instance = tuple(("self", value) for value in bound if may_hold_complex(value))
    if not positions and not keywords and not instance:
        return no_check

    def refuse(call_args: tuple, call_kwargs: dict) -> None:
        refuse_unsupported_arguments(((name, call_args[i]) for i, name in positions), what, func)
        refuse_unsupported_arguments(((name, call_kwargs[name]) for name in keywords), what, func)
        refuse_unsupported_arguments(instance, what)

    if keywords or instance or any(type(args[i]) is not np.ndarray for i, _ in positions):
        return refuse
    arrays = tuple(i for i, _ in positions)

    def check_arrays(call_args: tuple, call_kwargs: dict) -> None:
        for i in arrays:
            if call_args[i].dtype.kind == "c":
                refuse(call_args, call_kwargs)

    check_arrays.arrays = arrays
    return check_arrays


def no_check(args: tuple, kwargs: dict) -> None:
    """The check for arguments that are all numbers."""


def cache_entry(function: Callable, checker: Callable[[tuple, dict], None], mode: str) -> Tuple[Callable, tuple]:
    """What `by_types` holds: the function to call, and the positions of the array arguments
    whose dtypes grad's and value_and_grad's cached call looks at (inline: it runs on every
    call) before calling it. vjp and jvp check in `lookup`, where they always go."""
    arrays = getattr(checker, "arrays", None)
    if mode not in ("reverse", "value_and_grad") or checker is no_check or arrays is not None:
        return function, arrays or ()

    def checked(*args, **kwargs):
        checker(args, kwargs)
        return function(*args, **kwargs)

    return checked, ()
