"""Source -> function object, under a content-hashed filename registered in linecache.

Each generated function is compiled inside a factory whose parameters are the names it
reads that are not the user's (numpy, runtime helpers, other generated functions), so
those are fast closure cells, the user's globals stay the live module dict, and
derivatives that call each other (recursion included) are tied together afterwards.
"""
from __future__ import annotations

import hashlib
import linecache
import textwrap
from typing import Any, Dict, List

from adjoint.generated import Deferred

FACTORY = "_adjoint_factory"


def compile_function(name: str, source: str, globals_: Dict[str, Any], bindings: Dict[str, Any],
                     label: str = "adjoint"):
    """Compile `source` (one `def name`) with `bindings` as closure cells; returns the function.

    The file name is `<label name digest>`, registered in linecache so that tracebacks,
    pdb and inspect.getsource see the code.
    """
    params = sorted(bindings)
    text = f"def {FACTORY}({', '.join(params)}):\n{textwrap.indent(source, '    ')}    return {name}\n"
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    filename = f"<{label} {name} {digest}>"
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    namespace: Dict[str, Any] = {}
    exec(compile(text, filename, "exec"), globals_, namespace)
    factory = namespace[FACTORY]
    return factory(*(bindings[p] for p in params))


def link(functions: Dict[str, Any]) -> None:
    """Replace every Deferred closure cell by the generated function it names."""
    for function in functions.values():
        for cell in function.__closure__ or ():
            value = cell.cell_contents
            if isinstance(value, Deferred):
                cell.cell_contents = functions[value.generated_name]


def compile_all(units: List[Any]) -> Dict[str, Any]:
    functions = {unit.name: compile_function(unit.name, unit.source, unit.globals, unit.bindings) for unit in units}
    link(functions)
    return functions
