"""Names bound to a view of an array and written through in place: the view's expression in their place.

    state = x.copy()                    state = x.copy()
    pos = state[:2]                     pos = state[:2]
    vel = state[2:]          ->         vel = state[2:]
    pos += 0.1 * vel                    state[:2] += 0.1 * state[2:]
    return np.sum(state ** 2)           return np.sum(state ** 2)

A write through `pos` changes `state`, which the derivative, modelling a write as a change of the
name written alone, cannot follow (analysis/aliases.py refuses it). Written into `state[:2]`
itself, the change is one the derivative follows. Indexing the array again where the name was
read gives a view of the same memory, so every read sees the values the view would: the rewrite
changes nothing the program computes, provided the index means the same at each use. So a name
is replaced where

- it is bound once, `v = a[index]`, and used (read, or written by `v op= ...`) only after that
  statement in the same block (not before it in a loop, nor after the block), never inside a
  nested function, lambda or generator expression (which may run later);
- `a` is certainly a NumPy array: an array parameter, `.copy()` of an array, a ufunc of or
  elementwise arithmetic on arrays and numbers (not `@`, which may drop a dimension), or made by a
  NumPy function that makes one, not given `like=` or `subok=`, of arrays where it keeps their
  class; its number of dimensions known where the parameter's is or the maker shows it
  (`_made_rank`);
- `index` certainly selects a view, not a copy: it holds a slice, or fewer whole numbers than `a`
  has dimensions; its whole numbers are literals or variables of the function's own `range`
  loops (not a parameter, which a loop run no time leaves as given); it is made of literals and
  names of the function's own scope alone (not one a function defined in it binds; no call, item
  or attribute, which may change in place), each certainly a number (not a 0-d array, which
  may), see `_number`;
- nothing after the binding, in that block, rebinds `a` or a name the index reads, no `global` or
  `nonlocal` statement names them, and nothing in the function may set `a`'s shape or flags in
  place (`_reshaped`);
- something after it writes through the name (`v op= ...`) or into `a` in place: otherwise the
  name is left as it is.

Anything else is left as written (and a write through the view refused as before).
"""
from __future__ import annotations

from typing import Dict, List, Optional, Set

import gast
import numpy as np

from adjoint import nodes
from adjoint.frontend.held import let_go
from adjoint.frontend.parse import ParsedFunction
from adjoint.frontend.resolve import resolve

# NumPy functions that always return an array (analysis/kinds.py tracks the number of dimensions of a few).
ARRAY_MAKERS = (np.array, np.asarray, np.zeros, np.ones, np.empty, np.full, np.zeros_like, np.ones_like,
                np.empty_like, np.full_like, np.eye, np.identity, np.arange, np.linspace, np.stack,
                np.concatenate, np.vstack, np.hstack, np.outer, np.diag, np.tile, np.repeat)

# NumPy makers whose result is of the class of their first argument's arrays (np.tile of a subclass is one).
_CLASS_KEEPING = (np.zeros_like, np.ones_like, np.empty_like, np.full_like, np.concatenate, np.vstack, np.hstack,
                  np.diag, np.tile, np.repeat)
# What may change an array's shape in place, or make it read-only (a view taken before stays writeable).
_RESHAPERS = ("resize", "setattr", "__setattr__", "__setstate__", "flags", "setflags")
_WRITERS = ("copyto", "fill_diagonal", "put", "place", "putmask", "at", "put_along_axis")
_DISPLAYS = (gast.Tuple, gast.List)
_LATER_SCOPES = (gast.Lambda, gast.FunctionDef, gast.AsyncFunctionDef, gast.GeneratorExp, gast.ClassDef)
_INDEX_PARTS = (gast.Name, gast.Constant, gast.BinOp, gast.UnaryOp, gast.Slice, gast.Tuple, gast.Load,
                gast.operator, gast.unaryop, gast.expr_context)  # numbers and names: nothing a call may change


def substitute_views(parsed: ParsedFunction, ranks: Dict[str, Optional[int]]) -> None:
    """Replace each name bound to a view (see the module's docstring) by the view's expression;
    ranks: the parameters known to hold numbers (0: not 0-d arrays, which may change in place) or
    arrays (their number of dimensions, None where not known)."""
    if not any(_writes_in_place(node) for node in nodes.walk(parsed.node)):
        return  # (what most functions do: nothing to read through a view)
    _split_displays_of_views(parsed)
    found = _Views(parsed, ranks)
    changed = True
    while changed:  # a view replaced may write into an array another view of it is bound before
        changed = False
        for block in _own_blocks(parsed.node.body):
            for position, stmt in enumerate(block):
                if found.substitutable(stmt, block[position + 1:]):
                    let_go(parsed.node)
                    _substitute(stmt.targets[0].id, stmt.value, block[position + 1:])
                    found.done.add(id(stmt))
                    changed = True


def _split_displays_of_views(parsed: ParsedFunction) -> None:
    """`pos, vel = state[:2], state[2:]` -> `pos = state[:2]` and `vel = state[2:]`: the same where each item
    is a name, a literal or a subscript of a name by names and literals (nothing a call may change) and
    reads no name bound before it in the assignment, so each view is bound alone."""
    for block in _own_blocks(parsed.node.body):
        for position in reversed(range(len(block))):
            parts = _display_of_views(block[position])
            if parts is not None:
                let_go(parsed.node)
                block[position:position + 1] = [nodes.copy_location(gast.Assign(targets=[target], value=value,
                                                                                 type_comment=None), block[position])
                                                for target, value in parts]


def _display_of_views(stmt: gast.stmt):
    """The (target, value) pairs of a tuple assignment split as `_split_displays_of_views` says, else None."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], _DISPLAYS)
            and isinstance(stmt.value, _DISPLAYS) and len(stmt.targets[0].elts) == len(stmt.value.elts)):
        return None
    targets, values = stmt.targets[0].elts, stmt.value.elts
    if not all(isinstance(target, gast.Name) for target in targets) or len({t.id for t in targets}) < len(targets):
        return None
    if not any(isinstance(value, gast.Subscript) for value in values) or not all(map(_plain_item, values)):
        return None
    bound: Set[str] = set()
    for target, value in zip(targets, values):
        if bound & set(nodes.names_read(value)):
            return None
        bound.add(target.id)
    return list(zip(targets, values))


def _plain_item(value: gast.expr) -> bool:
    if isinstance(value, gast.Subscript):
        return isinstance(value.value, gast.Name) and all(isinstance(n, _INDEX_PARTS) for n in nodes.walk(value.slice))
    return isinstance(value, (gast.Name, gast.Constant))


def _writes_in_place(node: gast.AST) -> bool:
    return isinstance(node, gast.AugAssign) or isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Store)


class _Views:
    def __init__(self, parsed: ParsedFunction, ranks: Dict[str, Optional[int]]):
        self.parsed, self.ranks = parsed, ranks
        self.stores = _store_counts(parsed.node)
        self.parameters = set(nodes.parameters(parsed.node))
        own = list(_own_scope(parsed.node))
        self.local_names = frozenset(_bound_names(own)) | self.parameters
        self.augmented = {node.target.id for node in nodes.walk(parsed.node)
                          if isinstance(node, gast.AugAssign) and isinstance(node.target, gast.Name)}
        loops = _range_loop_targets(parsed, own, self.stores, self.local_names)
        self.range_targets = loops - self.parameters - self.augmented
        self.bindings = {nodes.assigned_name(s): s.value for s in own
                         if isinstance(s, gast.Assign) and nodes.assigned_name(s)}
        self.reshaped = _reshaped(parsed.node)
        self.done: Set[int] = set()  # the bindings whose name was replaced
        self.declared = {name for node in nodes.walk(parsed.node) if isinstance(node, (gast.Global, gast.Nonlocal))
                         for name in node.names}

    def substitutable(self, stmt: gast.stmt, later: List[gast.stmt]) -> bool:
        name = nodes.assigned_name(stmt)
        if name is None or id(stmt) in self.done or self.stores.get(name) != 1 or name in self.parameters:
            return False
        view = stmt.value
        if not (isinstance(view, gast.Subscript) and isinstance(view.value, gast.Name)):
            return False
        base = view.value.id
        rank = self._array_rank(base, set())
        if rank is False or rank == 0 or not self._selects_a_view(view.slice, rank):  # (0: a number)
            return False
        fixed = {base} | set(nodes.names_read(view.slice))
        if not fixed <= self.local_names or fixed & self.declared:  # (a global: any call may bind it again)
            return False
        if not all(self._number(index_name, set()) for index_name in fixed - {base}):
            return False  # (a 0-d array may be changed in place, a user's object give another number)
        if _occurrences(name, [self.parsed.node]) != 1 + _occurrences(name, later):
            return False  # (read before it in a loop, or after its block: what reads it there reads the view)
        return (_used_only_in(name, later) and _written_later(name, base, later)
                and not _changed_in(fixed, later) and base not in self.reshaped)

    def _array_rank(self, name: str, seen: Set[str]):
        """The number of dimensions of the array `name` certainly holds (None: an array of unknown
        rank; 0: a number), or False where it may hold something else."""
        if name in seen:
            return False
        if name in self.parameters:
            known = self.stores.get(name, 0) == 0 and name in self.ranks
            return self.ranks[name] if known else False
        if self.stores.get(name) != 1 or name not in self.bindings:
            return False
        return self._expression_rank(self.bindings[name], seen | {name})

    def _number(self, name: str, seen: Set[str]) -> bool:
        """Whether `name` certainly holds a number, which nothing changes in place: a `range` loop's
        variable, a parameter given a number, or a name bound once to arithmetic on these, on number
        literals, `len(...)` or an array's `.size`, `.ndim` or `.shape[k]`."""
        if name in self.range_targets:
            return True
        if name in seen or name in self.augmented:
            return False
        if name in self.parameters:
            return name not in self.stores and self.ranks.get(name) == 0
        return self.stores.get(name) == 1 and name in self.bindings and self._number_expression(
            self.bindings[name], seen | {name})

    def _number_expression(self, value: gast.expr, seen: Set[str]) -> bool:
        if isinstance(value, gast.Constant):
            return type(value.value) in (int, float)
        if isinstance(value, gast.Name):
            return self._number(value.id, seen)
        if isinstance(value, gast.UnaryOp):
            return self._number_expression(value.operand, seen)
        if isinstance(value, gast.BinOp) and not isinstance(value.op, gast.MatMult):
            return self._number_expression(value.left, seen) and self._number_expression(value.right, seen)
        if isinstance(value, gast.Call):
            return resolve(value.func, self.parsed, self.local_names) is len and not value.keywords
        if isinstance(value, gast.Subscript):
            return self._whole_number(value.slice) and self._of_an_array(value.value, ("shape",))
        return self._of_an_array(value, ("size", "ndim"))

    def _of_an_array(self, value: gast.expr, attributes) -> bool:
        """Whether value is one of these attributes of a name certainly holding an array."""
        return (isinstance(value, gast.Attribute) and value.attr in attributes and isinstance(value.value, gast.Name)
                and self._array_rank(value.value.id, set()) is not False)

    def _expression_rank(self, value: gast.expr, seen: Set[str]):
        if isinstance(value, gast.Name):
            return self._array_rank(value.id, seen)
        if isinstance(value, gast.BinOp) and not isinstance(value.op, gast.MatMult):  # (`@` may drop dimensions)
            return self._broadcast_rank([value.left, value.right], seen)
        if isinstance(value, gast.UnaryOp) and isinstance(value.op, gast.USub):
            return self._broadcast_rank([value.operand], seen)
        if not isinstance(value, gast.Call):
            return False
        func = resolve(value.func, self.parsed, self.local_names)
        if isinstance(value.func, gast.Attribute) and value.func.attr == "copy" and not value.args:
            return self._expression_rank(value.func.value, seen)
        if isinstance(func, np.ufunc) and func.signature is None and func.nout == 1 and len(
                value.args) == func.nin and not value.keywords:  # (np.matmul has a signature)
            return self._broadcast_rank(value.args, seen)
        return self._made_rank(func, value, seen)

    def _made_rank(self, func, call: gast.Call, seen: Set[str]):
        """The rank of the ndarray a NumPy maker certainly makes (None: not known), else False: not
        given `like=` or `subok=` (which may make anything, or keep a subclass), and where it keeps
        the class of its first argument's arrays (np.zeros_like, np.tile), those certainly ndarrays.
        np.outer, np.eye and np.identity make matrices, np.zeros and kin given a shape written
        as a tuple or list an array of as many dimensions."""
        if func not in ARRAY_MAKERS or any(k.arg in ("like", "subok") for k in call.keywords):
            return False
        first = call.args[0] if call.args else None
        parts = first.elts if isinstance(first, (gast.List, gast.Tuple)) else [first]
        if func in _CLASS_KEEPING and any(part is None or self._expression_rank(part, seen) is False for part in parts):
            return False
        if func in (np.outer, np.eye, np.identity):
            return 2
        shaped = func in (np.zeros, np.ones, np.empty, np.full) and isinstance(first, (gast.List, gast.Tuple))
        return len(parts) if shaped and not any(isinstance(part, gast.Starred) for part in parts) else None

    def _broadcast_rank(self, operands: List[gast.expr], seen: Set[str]):
        """The rank of arithmetic on arrays and numbers (literals), at least one an array; False
        where an operand may be anything else (whose class may make the result what it likes)."""
        ranks = [0 if isinstance(operand, gast.Constant) and type(operand.value) in (int, float)
                 else self._expression_rank(operand, seen) for operand in operands]
        if any(rank is False for rank in ranks) or all(rank == 0 for rank in ranks):
            return False
        return None if None in ranks else max(ranks)

    def _selects_a_view(self, index: gast.expr, rank) -> bool:
        parts = index.elts if isinstance(index, gast.Tuple) else [index]
        if not all(isinstance(node, _INDEX_PARTS) for part in parts for node in nodes.walk(part)):
            return False
        whole = [part for part in parts if not isinstance(part, gast.Slice)
                 and not (isinstance(part, gast.Constant) and part.value in (None, Ellipsis))]
        if not all(self._whole_number(part) for part in whole):
            return False
        if any(isinstance(part, gast.Slice) for part in parts):
            return True
        return isinstance(rank, int) and len(whole) < rank and not any(
            isinstance(part, gast.Constant) and part.value is Ellipsis for part in parts)

    def _whole_number(self, part: gast.expr) -> bool:
        if isinstance(part, gast.Constant):
            return type(part.value) is int
        if isinstance(part, gast.Name):
            return part.id in self.range_targets
        if isinstance(part, gast.UnaryOp) and isinstance(part.op, gast.USub):
            return self._whole_number(part.operand)
        return isinstance(part, gast.BinOp) and isinstance(part.op, (gast.Add, gast.Sub, gast.Mult)) and all(
            self._whole_number(side) for side in (part.left, part.right))


def _own_blocks(body: List[gast.stmt]):
    """The function's statement lists, those of functions and classes defined in it left out."""
    yield body
    for stmt in body:
        if isinstance(stmt, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)):
            continue
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                yield from _own_blocks(inner)
        for handler in getattr(stmt, "handlers", ()):
            yield from _own_blocks(handler.body)


def _own_scope(func: gast.FunctionDef):
    """The nodes of the function's own scope: a function, lambda or class defined in it is there
    (its name is bound in it), not what is inside it, which binds names of its own."""
    todo = list(nodes.children(func))
    for node in todo:
        yield node
        if not isinstance(node, _LATER_SCOPES) or isinstance(node, gast.GeneratorExp):
            todo.extend(nodes.children(node))


def _bound_names(found) -> List[str]:
    """The names these nodes bind: by assignment, as a function's or class's name, or by import."""
    names = [node.id for node in found if isinstance(node, gast.Name) and not isinstance(node.ctx, gast.Load)]
    names += [node.name for node in found if isinstance(node, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef))]
    return names + [(alias.asname or alias.name).partition(".")[0] for node in found
                    if isinstance(node, (gast.Import, gast.ImportFrom)) for alias in node.names]


def _store_counts(func: gast.FunctionDef) -> Dict[str, int]:
    """How many times each name is bound, in the function or any scope in it (an augmented
    assignment to a name does not count)."""
    counts: Dict[str, int] = {}
    augmented = {id(stmt.target) for stmt in nodes.walk(func) if isinstance(stmt, gast.AugAssign)}
    found = [node for node in nodes.walk(func) if id(node) not in augmented and node is not func]
    for name in _bound_names([node for node in found if not (isinstance(node, gast.Name) and isinstance(
            node.ctx, gast.Param))]):
        counts[name] = counts.get(name, 0) + 1
    for node in found:
        if isinstance(node, (gast.Global, gast.Nonlocal)):
            for name in node.names:
                counts[name] = counts.get(name, 0) + 2
    return counts


def _range_loop_targets(parsed: ParsedFunction, own: List[gast.AST], stores: Dict[str, int],
                        local_names: frozenset) -> Set[str]:
    """Names bound only as the variable of the function's own `for ... in range(...)` loops: whole numbers."""
    loops = [node for node in own if isinstance(node, gast.For) and isinstance(node.target, gast.Name)]
    ranged = [isinstance(loop.iter, gast.Call) and resolve(loop.iter.func, parsed, local_names) is range
              for loop in loops]
    return {loop.target.id for loop in loops if stores.get(loop.target.id) == sum(
        is_range for other, is_range in zip(loops, ranged) if other.target.id == loop.target.id)}


def _occurrences(name: str, code: List[gast.AST]) -> int:
    return sum(1 for part in code for node in nodes.walk(part) if isinstance(node, gast.Name) and node.id == name)


def _used_only_in(name: str, later: List[gast.stmt]) -> bool:
    """Whether name is read or written by `name op= ...` in `later`, nowhere inside a scope that may
    run later, nor written into by an item (`name[0] = v`, which the derivative follows as it is)
    or a method."""
    used = False
    for stmt in later:
        for node in nodes.walk(stmt):
            if isinstance(node, _LATER_SCOPES) and name in nodes.names_read(node):
                return False
            if isinstance(node, (gast.Subscript, gast.Attribute)) and isinstance(node.value, gast.Name) and (
                    node.value.id == name and (not isinstance(node.ctx, gast.Load) or isinstance(node, gast.Attribute))):
                return False
        used = used or name in nodes.names_read(stmt) or any(
            isinstance(node, gast.AugAssign) and isinstance(node.target, gast.Name) and node.target.id == name
            for node in nodes.walk(stmt))
    return used


def _written_later(name: str, base: str, later: List[gast.stmt]) -> bool:
    """Whether `later` writes through the view (`name op= ...`) or into its array in place (an item,
    `base op= ...`, a method, a function writing into it): otherwise the view's name, read once, stays."""
    for stmt in later:
        for node in nodes.walk(stmt):
            if isinstance(node, gast.AugAssign) and isinstance(node.target, gast.Name) and node.target.id in (name, base):
                return True
            if _writes_in_place(node) and isinstance(node, gast.Subscript) and nodes.dotted_name(node.value) == base:
                return True
            if isinstance(node, gast.AugAssign) and isinstance(node.target, gast.Subscript) and nodes.dotted_name(
                    node.target.value) == base:
                return True
            if isinstance(node, gast.Call) and _writes_into(node, base):
                return True
    return False


def _writes_into(call: gast.Call, base: str) -> bool:
    """A method of base (`base.fill(0.0)`), base given as `out=`, or to a NumPy function that writes
    into its first argument (`np.copyto(base, v)`, `np.add.at(base, i, v)`)."""
    if isinstance(call.func, gast.Attribute) and nodes.dotted_name(call.func.value) == base:
        return True
    if any(k.arg == "out" and base in nodes.names_read(k.value) for k in call.keywords):
        return True
    name = (nodes.dotted_name(call.func) or "").rpartition(".")[2]
    first = call.args[0] if call.args else None
    return name in _WRITERS and isinstance(first, gast.Name) and first.id == base


def _changed_in(names: Set[str], later: List[gast.stmt]) -> bool:
    """Whether `later` rebinds one of names."""
    for stmt in later:
        for node in nodes.walk(stmt):
            if isinstance(node, gast.Name) and node.id in names and not isinstance(node.ctx, gast.Load):
                return True
            if isinstance(node, (gast.Global, gast.Nonlocal)) and names & set(node.names):
                return True
    return False


def _reshaped(func: gast.FunctionDef) -> Set[str]:
    """The names whose object's shape or flags the function may set in place, anywhere (a local
    function it calls after a view is bound may be defined before): an attribute set, `a.flags`,
    or named in a call of `resize`, `setattr` or kin (`np.ndarray.resize(a, s)`). Reading
    `a.shape`, `a.strides` or `a.data` changes nothing: the first two are tuples, the last a
    buffer of a's memory, whose contents a view sees as its expression does."""
    found: Set[str] = set()
    for node in nodes.walk(func):
        if isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name) and (
                not isinstance(node.ctx, gast.Load) or node.attr in _RESHAPERS):
            found.add(node.value.id)
        if isinstance(node, gast.Call) and (nodes.dotted_name(node.func) or "").rpartition(".")[2] in _RESHAPERS:
            found.update(nodes.names_read(node))
    return found


def _substitute(name: str, view: gast.Subscript, later: List[gast.stmt]) -> None:
    for stmt in later:
        for node in list(nodes.walk(stmt)):
            if isinstance(node, gast.AugAssign) and isinstance(node.target, gast.Name) and node.target.id == name:
                node.target = gast.Subscript(value=nodes.clone(view.value), slice=nodes.clone(view.slice),
                                             ctx=gast.Store())
        _ReadsReplaced(name, view).visit(stmt)


class _ReadsReplaced(gast.NodeTransformer):
    def __init__(self, name: str, view: gast.Subscript):
        self.name, self.view = name, view

    def visit_Name(self, node: gast.Name):
        if node.id == self.name and isinstance(node.ctx, gast.Load):
            return gast.copy_location(nodes.clone(self.view), node)
        return node
