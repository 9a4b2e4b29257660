"""Whether the source read for a function is the code Python runs for it.

`inspect` reads a function's source from its file as the file is now, but Python runs the code
compiled when `def` ran. A file edited after its module was imported (and not reloaded) gives
the text of another function body, or another function altogether where lines moved: its
derivative would be that of code that does not run, and its value not the function's. The
function's text is compiled in the scopes it was written in (the enclosing functions' variables
it reads, the class whose names it mangles) and its instructions compared with those of the
code that runs, ignoring only how each name is stored (fast, cell or global).

>>> import math
>>> def f(x):
...     return math.sin(x) * x
>>> import ast; module = ast.parse("def f(x):\\n    return math.sin(x) * x\\n")
>>> runs_as_written(module.body[0], f)
True
>>> runs_as_written(ast.parse("def f(x):\\n    return math.cos(x) * x\\n").body[0], f)
False
"""
from __future__ import annotations

import __future__
import ast
import copy
import dis
import inspect
from typing import Callable, List, Optional

_FUTURE_FLAGS = 0
for _feature in __future__.all_feature_names:
    _FUTURE_FLAGS |= getattr(__future__, _feature).compiler_flag

# Instructions that only set a frame or a call up, or stand for no operation, and differ with the
# scope code is compiled in rather than with what it computes (Python 3.11 calls `np.sum(x)` as a
# method, LOAD_METHOD, unless the module imports `np`: then PUSH_NULL and LOAD_ATTR).
_SCOPE_ONLY = {"RESUME", "NOP", "CACHE", "EXTENDED_ARG", "MAKE_CELL", "COPY_FREE_VARS", "GEN_START", "PUSH_NULL"}
_NAMED = ("LOAD_", "STORE_", "DELETE_")
_JUMPS = set(dis.hasjrel) | set(dis.hasjabs)


def runs_as_written(node: ast.FunctionDef, func: Callable) -> bool:
    """Whether the `def` node, compiled where func was defined, gives func's code."""
    code = func.__code__
    if _rewritten_by_pytest(code):
        return True  # its asserts run as pytest rewrote them: a test module, which pytest reads as it is now
    try:
        compiled = _compiled(node, code, getattr(code, "co_qualname", func.__qualname__), _modules_read(func))
    except (SyntaxError, ValueError, TypeError):
        return False
    return compiled is not None and (_same(compiled, code) or _instructions(compiled) == _instructions(code))


def _rewritten_by_pytest(code) -> bool:
    """Whether pytest rewrote the function's asserts (names no source can spell: `@py_assert1`,
    `@pytest_ar`); compiling its text gives other code."""
    return any(name.startswith("@py") for name in code.co_names + code.co_varnames) or any(
        _rewritten_by_pytest(const) for const in code.co_consts if inspect.iscode(const))


def _modules_read(func: Callable) -> List[str]:
    """The global names func's code reads that hold modules: Python compiles a method call on a
    name its module imports (`np.sum(x)`) otherwise than on another name."""
    names, stack = set(), [func.__code__]
    while stack:
        code = stack.pop()
        names.update(code.co_names)
        stack.extend(const for const in code.co_consts if inspect.iscode(const))
    return sorted(name for name in names if inspect.ismodule(func.__globals__.get(name)))


def _compiled(node: ast.FunctionDef, code, qualname: str, modules: List[str]):
    """The code object of `node`, compiled inside the class whose names it mangles and a function
    holding the variables it reads from enclosing functions, in a module importing the modules it
    reads (None if it is not there)."""
    body: List[ast.stmt] = [copy.copy(node)]
    path = []
    owner = enclosing_class(qualname)
    if owner is not None or "__class__" in code.co_freevars:
        path.insert(0, owner or "_")
        body = [_node(ast.ClassDef, name=owner or "_", bases=[], keywords=[], body=body, decorator_list=[])]
    free = [name for name in code.co_freevars if name != "__class__"]
    if free:
        path.insert(0, "_enclosing")
        held = _node(ast.Assign, targets=[_node(ast.Name, id=name, ctx=ast.Store()) for name in free],
                     value=_node(ast.Constant, value=None))
        arguments = _node(ast.arguments, posonlyargs=[], args=[], vararg=None, kwonlyargs=[], kw_defaults=[],
                          kwarg=None, defaults=[])
        body = [_node(ast.FunctionDef, name="_enclosing", args=arguments, body=[held] + body, decorator_list=[],
                      returns=None)]
    imports = [_node(ast.Import, names=[_node(ast.alias, name="sys", asname=name)]) for name in modules]
    module = ast.Module(body=imports + body, type_ignores=[])
    found = compile(module, code.co_filename, "exec", flags=code.co_flags & _FUTURE_FLAGS, dont_inherit=True)
    for name in path + [node.name]:
        found = _named(found, name) or _named(_named(found, f"<generic parameters of {name}>"), name)
        if found is None:  # (`def f[T](x)`, Python 3.12 on, is made by a code object of its own)
            return None
    return found


def _named(code, name: str):
    """The code object called `name` among code's constants (None if none, or code is None)."""
    consts = code.co_consts if code is not None else ()
    return next((const for const in consts if inspect.iscode(const) and const.co_name == name), None)


def _node(kind, **fields):
    """A new ast node at line 1 (ast.fix_missing_locations would walk the whole function);
    `type_params` (Python 3.12 on) given where the node has it."""
    if "type_params" in kind._fields:
        fields["type_params"] = []
    made = kind(**fields)
    for attribute in getattr(kind, "_attributes", ()):
        setattr(made, attribute, 1 if "lineno" in attribute else 0)
    return made


def _same(compiled, code) -> bool:
    """The quick comparison: the same instructions, names and constants (nested code alike)."""
    if (compiled.co_code != code.co_code or compiled.co_names != code.co_names
            or compiled.co_varnames != code.co_varnames or len(compiled.co_consts) != len(code.co_consts)):
        return False
    return all(_same(a, b) if inspect.iscode(a) and inspect.iscode(b) else type(a) is type(b) and repr(a) == repr(b)
               for a, b in zip(compiled.co_consts, code.co_consts))


def enclosing_class(qualname: str) -> Optional[str]:
    """The innermost class the function's text sits in (`Model.loss`, `f.<locals>.C.m`), whose
    name Python mangles `__private` names with; None for a function outside any class."""
    parts = qualname.split(".")
    classes = [part for part, after in zip(parts, parts[1:]) if after != "<locals>" and part != "<locals>"]
    return classes[-1] if classes else None


def _instructions(code) -> List[tuple]:
    """What code computes, instruction by instruction: names and constants loaded and stored
    (not how: fast, cell or global), operators, calls, jumps by kind, nested functions likewise."""
    out = []
    for instruction in dis.get_instructions(code):
        name = instruction.opname
        if name in _SCOPE_ONLY:
            continue
        if name.startswith(_NAMED):
            name = name.split("_")[0]
        value = instruction.argval
        if inspect.iscode(value):
            value = (value.co_name, tuple(_instructions(value)))
        elif instruction.opcode in _JUMPS:
            value = None
        elif isinstance(value, float):
            value = repr(value)  # nan and -0.0 as themselves
        if out and out[-1][0] == "LOAD" and (name == "MAKE_FUNCTION" and isinstance(out[-1][1], str)
                                             or (name, value) == ("STORE", "__firstlineno__")):
            out[-1] = ("LOAD", "<place>")  # a nested function's qualname (Python 3.9, 3.10), a class's first line (3.13)
        out.append((name, value))
    return out
