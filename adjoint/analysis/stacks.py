"""The compiler's own stack in a first derivative differentiated again: what its pops give back.

A first derivative saves what its primal sweep overwrites, `_stack.append(x)`, and its adjoint
sweep puts it back, `x = _stack.pop()` (ad/saved_values.py, ad/control.py, ad/checkpoint.py):
the pop gives x a value x held before, or the stand-in of one (runtime.shape_only: that value
itself, or a read-only zero). Read as any list, the stack holds whatever was ever pushed on it,
and a pop may give any of it; so a second derivative took a list the adjoint sweep had popped back
(`flows = _stack.pop()`) for memory the stack still held, and each later pop (`x = _stack.pop()`
in a loop) for a name that may share it, and refused the write that undoes the primal sweep's
append (`flows.pop()`), which no name read afterwards sees.

Each name restored from such a stack belongs to a *family*: the name, the names
normalize/single_assignment.py gave its rebindings (`flows_2` of `flows`), and the temporaries
holding the stand-in of one (`_t = shape_only(x)`). At each push onto the stack,
analysis/sharing.py adds to the family's keys what its names hold then: the value a pop into x
gives back is the one a name of x's family held at the push that saved it, whatever name that
push read (an optimized push may read a copy). A pop gives back what the keys reach, and
analysis/aliases.py counts a later pop as a read of the stack only where they reach the memory
written (what the stack holds at a write was pushed before it). Only for a stack the derivative
makes itself (`_stack = []`), that it pushes names (or their stand-ins) onto and pops into names
from and uses no other way, every family popped into being pushed too and bound only by `name =
value` (which analysis/sharing.py follows): each item a pop gives back was pushed by this function.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, List, NamedTuple, Optional, Tuple

import gast

from adjoint import nodes, runtime
from adjoint.normalize.single_assignment import is_derivative_code

_STACK = re.compile(r"_stack(_[0-9]+)?$")  # how ad/context.py names a derivative's stack


class Family(NamedTuple):
    """The keys under which analysis/sharing.py keeps the memory of the objects a family's names have
    held (`objects`) and of what those objects have held (`items`): no name of a function's is either."""

    objects: str
    items: str


class Popped(NamedTuple):
    """The read of a stack by a pop giving back a value of `family`."""

    family: Family


PUSHED = "pushed"  # the read of a stack by a push, which reads none of its items


@dataclass(frozen=True)
class CompilerStacks:
    """The stacks read as above; `family`: each name of a family popped into -> the family."""

    stacks: FrozenSet[str] = frozenset()
    family: Dict[str, Family] = field(default_factory=dict)

    def restored(self, stmt: gast.stmt) -> Optional[Family]:
        """The family of `x = S.pop()` from such a stack S, else None."""
        stack = _popped_stack(stmt)
        return self.family[stmt.targets[0].id] if stack in self.stacks else None

    def pushes(self, stmt: gast.stmt) -> bool:
        """Whether stmt is `S.append(v)` onto such a stack S."""
        return _pushed_stack(stmt) in self.stacks

    def reads(self, stmt: gast.stmt) -> Dict[int, Tuple[str, object]]:
        """id of the name of such a stack that stmt reads by a push or a pop -> (stack, PUSHED or Popped)."""
        stack = _pushed_stack(stmt)
        if stack in self.stacks:
            return {id(stmt.value.func.value): (stack, PUSHED)}
        family = self.restored(stmt)
        return {id(stmt.value.func.value): (stmt.value.func.value.id, Popped(family))} if family else {}


def compiler_stacks(func_node: gast.FunctionDef, parsed) -> CompilerStacks:
    """The stacks of derivative code whose pops give back only values of their families (see the module)."""
    if parsed is None or not is_derivative_code(parsed.func):
        return CompilerStacks()
    uses: Dict[str, int] = {}
    bound: Dict[str, int] = {}  # bindings other than a parameter's
    for node in nodes.every_node(func_node):
        if isinstance(node, gast.Name):
            uses[node.id] = uses.get(node.id, 0) + 1
            if isinstance(node.ctx, (gast.Store, gast.Del)):
                bound[node.id] = bound.get(node.id, 0) + 1
    assigned: Dict[str, int] = {}  # by `name = value`, which analysis/sharing.py follows
    for stmt in nodes.statements(func_node):
        name = nodes.assigned_name(stmt)
        if name is not None:
            assigned[name] = assigned.get(name, 0) + 1
    stand_ins = _stand_ins(func_node, parsed, bound)
    key_of = {name: _key(parsed.renamed.get(name, name)) for name in uses}
    key_of.update({temp: key_of[name] for temp, name in stand_ins.items()})
    followed = {key_of[name] for name in uses} - {key_of[name] for name in bound if bound[name] != assigned.get(name)}
    stacks, keys = set(), set()
    for stack in _made_stacks(func_node):
        pushed, popped = _pushes_and_pops(func_node, stack, parsed, stand_ins)
        if pushed is None or uses[stack] != 1 + len(pushed) + len(popped):
            continue
        popped_keys = {_key(name) for name in popped}
        if popped_keys <= {_key(name) for name in pushed} and popped_keys <= followed:
            stacks.add(stack)
            keys |= popped_keys
    return CompilerStacks(frozenset(stacks), {name: key for name, key in key_of.items() if key in keys})


def _made_stacks(func_node: gast.FunctionDef) -> List[str]:
    """The stacks the function's body makes, `_stack = []`."""
    return [stmt.targets[0].id for stmt in func_node.body if isinstance(stmt, gast.Assign)
            and isinstance(stmt.targets[0], gast.Name) and _STACK.match(stmt.targets[0].id)
            and isinstance(stmt.value, gast.List) and not stmt.value.elts]


def _pushes_and_pops(func_node: gast.FunctionDef, stack: str, parsed,
                     stand_ins: Dict[str, str]) -> Tuple[Optional[List[str]], List[str]]:
    """The original names of what each push of `stack` saves (None where a push saves anything
    else), and of each name a pop of it restores."""
    pushed: List[str] = []
    popped: List[str] = []
    for stmt in nodes.statements(func_node):
        if _pushed_stack(stmt) == stack:
            name = _saved_name(stmt.value.args[0], parsed, stand_ins)
            if name is None or stack in nodes.names_read(stmt.value.args[0]):
                return None, popped
            pushed.append(parsed.renamed.get(name, name))
        elif _popped_stack(stmt) == stack:
            popped.append(parsed.renamed.get(stmt.targets[0].id, stmt.targets[0].id))
    return pushed, popped


def _saved_name(value: gast.expr, parsed, stand_ins: Dict[str, str]) -> Optional[str]:
    """x of a push of `x`, of `shape_only(x)`, or of a temporary holding `shape_only(x)`."""
    if _is_stand_in(value, parsed):
        value = value.args[0]
    if not isinstance(value, gast.Name):
        return None
    return stand_ins.get(value.id, value.id)


def _stand_ins(func_node: gast.FunctionDef, parsed, bound: Dict[str, int]) -> Dict[str, str]:
    """temporary -> x, for each name bound once, by `temporary = shape_only(x)`."""
    found = {}
    for stmt in nodes.statements(func_node):
        target = nodes.assigned_name(stmt)
        if target is not None and bound.get(target) == 1 and _is_stand_in(stmt.value, parsed):
            found[target] = stmt.value.args[0].id
    return found


def _is_stand_in(value: gast.expr, parsed) -> bool:
    return (isinstance(value, gast.Call) and isinstance(value.func, gast.Name) and len(value.args) == 1
            and not value.keywords and isinstance(value.args[0], gast.Name)
            and parsed.lookup(value.func.id) is runtime.shape_only)


def _pushed_stack(stmt: gast.stmt) -> Optional[str]:
    """S of `S.append(v)`, a statement of its own."""
    call = stmt.value if isinstance(stmt, gast.Expr) else None
    if _method_of_name(call, "append") and len(call.args) == 1:
        return call.func.value.id
    return None


def _popped_stack(stmt: gast.stmt) -> Optional[str]:
    """S of `x = S.pop()`."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)):
        return None
    call = stmt.value
    return call.func.value.id if _method_of_name(call, "pop") and not call.args else None


def _method_of_name(call, method: str) -> bool:
    return (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) and call.func.attr == method
            and isinstance(call.func.value, gast.Name) and not call.keywords)


def _key(original: str) -> Family:
    return Family("objects of " + original, "items of " + original)
