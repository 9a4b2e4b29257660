"""Generated units -> functions, compiled together (frontend/define.py compiles each one),
then tied together: derivatives that call each other (recursion included) reach each other
through closure cells that held a Deferred placeholder.
"""
from __future__ import annotations

from typing import Any, Dict, List

from adjoint.frontend.define import compile_function
from adjoint.generated import Deferred, register_lines


def link(functions: Dict[str, Any]) -> None:
    """Replace every Deferred closure cell by the generated function it names."""
    for function in functions.values():
        for cell in function.__closure__ or ():
            value = cell.cell_contents
            if isinstance(value, Deferred):
                cell.cell_contents = functions[value.generated_name]


def compile_all(units: List[Any]) -> Dict[str, Any]:
    functions = {unit.name: compile_function(unit.name, unit.source, unit.globals, unit.bindings) for unit in units}
    for unit in units:
        if unit.user_call is not None:
            functions[unit.name].__adjoint_user_call__ = unit.user_call
        if unit.positions is not None:  # a refusal met where it runs names the user's line
            register_lines(functions[unit.name].__code__.co_filename, unit.source, *unit.positions)
        if unit.shapes is not None:
            functions[unit.name].__adjoint_shapes__ = unit.shapes
        forward = functions.get(unit.forward_half[0]) if unit.forward_half is not None else None
        if forward is not None:  # the halves know each other (analysis/residuals.py)
            functions[unit.name].__adjoint_forward_half__ = (forward, dict(unit.forward_half[1]))
            forward.__adjoint_backward_half__ = functions[unit.name]
    link(functions)
    return functions
