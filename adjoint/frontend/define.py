"""Source -> function object, under a content-hashed filename registered in linecache.

A function is compiled inside a factory whose parameters are the names it reads that are
not the user's (numpy, runtime helpers, other generated functions), so those are fast
closure cells and the user's globals stay the live module dict. Generated derivatives and
the step functions lifted out of checkpointed loops are both made here.
"""
from __future__ import annotations

import ast
import hashlib
import linecache
import textwrap
from typing import Any, Dict

import gast

from adjoint import nodes

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


def define_function(node, globals_: Dict[str, Any], bindings: Dict[str, Any], label: str = "adjoint"):
    """The function a gast FunctionDef defines, compiled from the tree (no source text: a local
    function lifted out of the user's code keeps the user's lines for its errors), with
    `bindings` as closure cells."""
    factory = gast.FunctionDef(
        name=FACTORY, args=gast.arguments(args=[gast.Name(id=p, ctx=gast.Param(), annotation=None, type_comment=None)
                                                for p in sorted(bindings)],
                                          posonlyargs=[], vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None,
                                          defaults=[]),
        body=[nodes.clone(node), gast.Return(value=gast.Name(id=node.name, ctx=gast.Load(), annotation=None,
                                                                 type_comment=None))],
        decorator_list=[], returns=None, type_comment=None, type_params=[])
    module = ast.fix_missing_locations(gast.gast_to_ast(gast.Module(body=[factory], type_ignores=[])))
    namespace: Dict[str, Any] = {}
    exec(compile(module, f"<{label} {node.name}>", "exec"), globals_, namespace)
    return namespace[FACTORY](*(bindings[p] for p in sorted(bindings)))
