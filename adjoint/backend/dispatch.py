"""The cached call's choice of generated function: argument types -> the function to call.

`grad(f)(*args)` calls the code generated for the types of its arguments. A dict keyed by
`tuple(map(type, args))` makes a tuple on every call; `picker` writes, for the few type tuples
seen so far, a function that compares each argument's type with `is` and returns the function
for them (None for types not seen), about half the cost on a seven-argument call.

    def pick(args):
        if len(args) == 2 and type(args[0]) is _t0_0 and type(args[1]) is _t0_1:
            return _f0
        return None

`CachedCall` goes one step further for grad and value_and_grad: it writes their whole cached
call as one function (the types compared, the generated function called, its result looked at)
and makes it what the derived function runs, so the call costs one Python frame over calling
the generated function directly; anything else (other types, keywords, a change of the rules)
goes to the general path it falls back on.
"""
from __future__ import annotations

import linecache
import weakref
from typing import Callable, Dict, List, Optional, Tuple

import numpy as np

from adjoint import runtime
from adjoint.errors import AdjointError, Location, NonScalarOutputError
from adjoint.rules.table import Revision

MAX_WRITTEN = 4  # more type tuples than this: looked up in the dict

GRAD_TAIL = """
    try:
        result = function(*args)
    except _failures as error:
        raise _failed(error) from None
    if type(result) is not _float and type(result) is not _ndarray and _is_complex(result):
        raise _failed(_complex_gradient())
    return {returned}
"""
VALUE_AND_GRAD_TAIL = """
    try:
        value, result = function(*args)
    except _failures as error:
        raise _failed(error) from None
    if type(result) is not _float and type(result) is not _ndarray and _is_complex(result):
        raise _failed(_complex_gradient())
    return value, {returned}
"""


def _none(args: tuple) -> None:
    return None


def is_complex(gradient) -> bool:
    """Whether a gradient (or a tuple of them) is a complex number (arrays: see runtime.gradient_like)."""
    if type(gradient) is tuple:
        return any(is_complex(g) for g in gradient)
    return isinstance(gradient, (complex, np.complexfloating))


def _written(table: Dict[tuple, Callable]) -> List[Tuple[tuple, Callable]]:
    return [(key, function) for key, function in table.items()
            if isinstance(key, tuple) and all(isinstance(item, type) for item in key)]


def _tests(entries: List[Tuple[tuple, Callable]], namespace: Dict[str, object]) -> List[str]:
    """For each entry, the condition that the arguments have its types (names put in namespace)."""
    conditions = []
    for number, (types, function) in enumerate(entries):
        tests = [f"len(args) == {len(types)}"]
        for position, kind in enumerate(types):
            namespace[f"_t{number}_{position}"] = kind
            tests.append(f"type(args[{position}]) is _t{number}_{position}")
        namespace[f"_f{number}"] = function
        conditions.append(" and ".join(tests))
    return conditions


def _define(lines: List[str], namespace: Dict[str, object], name: str) -> Callable:
    exec(compile("\n".join(lines) + "\n", "<adjoint dispatch>", "exec"), namespace)
    return namespace[name]


def picker(table: Dict[tuple, Callable]) -> Callable[[tuple], Optional[Callable]]:
    """A function of the arguments giving table[tuple(map(type, args))], or None when absent."""
    entries = _written(table)
    if not entries:
        return _none
    if len(entries) > MAX_WRITTEN:
        return lambda args: table.get(tuple(map(type, args)))
    namespace: Dict[str, object] = {}
    lines = ["def pick(args):"]
    for number, condition in enumerate(_tests(entries, namespace)):
        lines += [f"    if {condition}:", f"        return _f{number}"]
    lines.append("    return None")
    return _define(lines, namespace, "pick")


class CachedCall:
    """What a derived function (grad or value_and_grad) runs: `general` (*args, **kwargs), or
    for the few type tuples of a table with nothing to check per call, a function written with
    `tail` (source reading `function` and `args`, see GRAD_TAIL) and the names it reads."""

    def __init__(self, general: Callable, tail: str, names: Dict[str, object], revision):
        self.general, self.tail, self.names, self.revision = general, tail, names, revision
        self.derived: Optional[weakref.ref] = None  # the object whose `_call` is set

    def attach(self, derived) -> None:
        self.derived = weakref.ref(derived)

    def update(self, table: Dict[tuple, Callable], seen: int) -> None:
        """Write the call for table, valid while the rules' revision is `seen`."""
        derived = self.derived() if self.derived is not None else None
        if derived is not None:
            derived._call = self.written(table, seen)

    def written(self, table: Dict[tuple, Callable], seen: int) -> Callable:
        entries = _written(table)
        if not entries or len(entries) > MAX_WRITTEN:
            return self.general
        namespace = dict(self.names, _general=self.general, _revision=self.revision, _seen=seen,
                         _float=float, _ndarray=np.ndarray, _is_complex=is_complex)
        lines = ["def call(*args, **kwargs):",
                 "    if kwargs or _revision.value != _seen:",
                 "        return _general(*args, **kwargs)"]
        for number, condition in enumerate(_tests(entries, namespace)):
            lines += [f"    {'if' if number == 0 else 'elif'} {condition}:", f"        function = _f{number}"]
        lines += ["    else:", "        return _general(*args, **kwargs)"]
        return _define(lines + self.tail.strip("\n").splitlines(), namespace, "call")


def failure(transform: str, func: Callable) -> Callable[[Exception], AdjointError]:
    """What a derived function raises for an error of its generated code (`runtime.Refused`,
    `runtime.NonScalarOutput`)."""
    def failed(error: Exception) -> AdjointError:
        if isinstance(error, runtime.NonScalarOutput):
            return NonScalarOutputError(f"{transform} of {_describe(func)}: {error}")
        return refused_at_run_time(transform, func, error)
    return failed


def cached_call(general: Callable, tail: str, one_in_tuple: bool, failed: Callable) -> CachedCall:
    names = {"_failures": (runtime.NonScalarOutput, runtime.Refused), "_failed": failed,
             "_complex_gradient": lambda: runtime.ComplexValue("a gradient is complex")}
    return CachedCall(general, tail.format(returned="(result,)" if one_in_tuple else "result"), names, Revision)


def refused_at_run_time(transform: str, func: Callable, reason) -> AdjointError:
    """The AdjointError for a runtime.Refused, at the user's line where the refusal knows it."""
    filename = getattr(reason, "filename", None)
    if filename is None:
        return AdjointError(f"{transform} of {_describe(func)}: {reason}")
    line = linecache.getline(filename, reason.lineno).rstrip("\n")
    where = Location(filename, reason.lineno, len(line) - len(line.lstrip()), None, line)
    return AdjointError(f"{transform} of {_describe(func)}: {reason}", where)


def _describe(func: Callable) -> str:
    return getattr(func, "__qualname__", repr(func))
