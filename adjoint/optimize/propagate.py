"""Propagation: known-zero adjoints, merged accumulations and single-use temporaries.

Before::

    da = 0.0
    dx = 0.0
    da = da + dz
    dx = dx + db * math.cos(x)
    dx = dx + y * da
    _t1 = x * y
    z = _t1 + b
    return dx, z

After (with dce)::

    da = dz
    dx = db * math.cos(x) + y * da
    z = x * y + b
    return dx, z
"""
from __future__ import annotations

from collections import Counter
from typing import List, Set

import gast

from adjoint import nodes
from adjoint.optimize.dce import is_pure
from adjoint.optimize.facts import Facts

# ----- Known zeros -------------------------------------------------------------------


class _Substitute(gast.NodeTransformer):
    def __init__(self, zeros: Set[str]):
        self.zeros = zeros
        self.changed = False

    def visit_Name(self, node):
        if isinstance(node.ctx, gast.Load) and node.id in self.zeros:
            self.changed = True
            return nodes.constant(0.0)
        return node


def _is_zero(expr: gast.expr) -> bool:
    return isinstance(expr, gast.Constant) and type(expr.value) in (int, float) and expr.value == 0


class _Zeros:
    def __init__(self, facts: Facts, dry: bool = False):
        self.facts = facts
        self.dry = dry
        self.changed = False

    def substitute(self, node: gast.AST, known: Set[str]) -> None:
        if known and not self.dry:
            substitute = _Substitute(known)
            substitute.visit(node)
            self.changed = self.changed or substitute.changed

    def block(self, stmts: List[gast.stmt], known: Set[str]) -> Set[str]:
        for stmt in stmts:
            known = self.statement(stmt, known)
        return known

    def statement(self, stmt: gast.stmt, known: Set[str]) -> Set[str]:
        if isinstance(stmt, gast.Assign):
            self.substitute(stmt.value, known)
            target = stmt.targets[0]
            stored = set(nodes.names_stored(target)) | set(nodes.names_read(target))
            known = known - stored
            if isinstance(target, gast.Name) and target.id in self.facts.adjoint_names and _is_zero(stmt.value):
                known = known | {target.id}
            return known
        if isinstance(stmt, gast.If):
            self.substitute(stmt.test, known)
            return self.block(stmt.body, set(known)) & self.block(stmt.orelse, set(known))
        if isinstance(stmt, (gast.For, gast.While)):
            inside = self._loop_invariant(stmt, known)
            self.substitute(stmt.iter if isinstance(stmt, gast.For) else stmt.test, inside)
            self.block(stmt.body, set(inside))
            return inside
        if isinstance(stmt, (gast.Return, gast.Expr)) and not nodes.is_comment(stmt):
            self.substitute(stmt, known)
        return known


    def _loop_invariant(self, loop, known: Set[str]) -> Set[str]:
        """Zeros before the loop that every iteration leaves zero at its end (a fixed point)."""
        inside = set(known)
        if isinstance(loop, gast.For):
            inside -= set(nodes.names_stored(loop.target))
        while True:
            at_end = _Zeros(self.facts, dry=True).block(loop.body, set(inside))
            narrowed = inside & at_end
            if narrowed == inside:
                return inside
            inside = narrowed


def zeros(tree: gast.FunctionDef, facts: Facts) -> bool:
    """Replace reads of adjoints known to be zero by 0.0 (fold then simplifies)."""
    pass_ = _Zeros(facts)
    pass_.block(tree.body, set())
    return pass_.changed


# ----- Known numbers ----------------------------------------------------------------------


class _Numbers(gast.NodeTransformer):
    def __init__(self, numbers):
        self.numbers = numbers
        self.changed = False

    def visit_Name(self, node):
        if isinstance(node.ctx, gast.Load) and node.id in self.numbers:
            self.changed = True
            return nodes.constant(self.numbers[node.id])
        return node


def _is_number(expr: gast.expr) -> bool:
    return isinstance(expr, gast.Constant) and type(expr.value) in (int, float)


def constants(tree: gast.FunctionDef, facts: Facts) -> bool:
    """`d_t9 = 1.0; dy = d_t9 * x` -> `dy = 1.0 * x`: the adjoint of a compiler temporary that the
    function sets once, at its top level, to a number (the seed of an output that is not one of
    the user's names) is that number wherever it is read after. A user's seed (`dz = 1.0`) stays,
    as the specification shows it."""
    _, stores = _counts(tree)
    parameters = {arg.id for arg in tree.args.args + tree.args.kwonlyargs}
    numbers, changed = {}, False
    for stmt in tree.body:
        if numbers:
            replace = _Numbers(numbers)
            replace.visit(stmt)
            changed = changed or replace.changed
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) and _is_number(stmt.value):
            name = stmt.targets[0].id
            if name in facts.adjoint_names and facts.is_temporary(name) and stores[name] == 1 and name not in parameters:
                numbers[name] = stmt.value.value
    return changed


# ----- Merging accumulations --------------------------------------------------------------


def _assigned(stmt: gast.stmt) -> Set[str]:
    names = set(nodes.names_stored(stmt))
    for node in nodes.walk(stmt):
        if isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Store):
            names.update(nodes.names_read(node.value))
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute):
            names.update(nodes.names_read(node.func.value))
    return names


def _simple(stmt: gast.stmt) -> bool:
    return isinstance(stmt, (gast.Assign, gast.Expr))


def _merge_in(block: List[gast.stmt], facts: Facts, start: int = 0):
    """Merge the first accumulation at or after `start`; returns where to look next, or None."""
    for j in range(start, len(block)):
        stmt = block[j]
        target = _accumulation_target(stmt, facts)
        if target is None:
            continue
        addend = stmt.value.right
        for i in range(j - 1, -1, -1):
            earlier = block[i]
            if nodes.is_comment(earlier):
                continue
            if not _simple(earlier):
                break
            if isinstance(earlier, gast.Assign) and _names_target(earlier, target):
                between = [s for s in block[i + 1:j] if not nodes.is_comment(s)]
                if _can_move(earlier.value, between, target, facts) and is_pure(earlier.value, facts):
                    stmt.value = nodes.add(earlier.value, addend)
                    del block[i]
                    return i
                break
            if target in set(nodes.names_read(earlier)) | _assigned(earlier):
                break
    return None


def _accumulation_target(stmt: gast.stmt, facts: Facts):
    if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
        return None
    target = stmt.targets[0].id
    value = stmt.value
    if target not in facts.adjoint_names or not isinstance(value, gast.BinOp) or not isinstance(value.op, gast.Add):
        return None
    if not (isinstance(value.left, gast.Name) and value.left.id == target):
        return None
    if target in set(nodes.names_read(value.right)):
        return None
    return target


def _names_target(stmt: gast.Assign, target: str) -> bool:
    return isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id == target


def _can_move(value: gast.expr, between: List[gast.stmt], target: str, facts: Facts) -> bool:
    """Whether value, computed before `between`, may be computed after it instead: nothing in
    between writes what it reads, nor (in place) memory a name it reads may view."""
    reads = facts.sharing(nodes.names_read(value))
    for stmt in between:
        if not _simple(stmt) or _assigned(stmt) & (reads | {target}):
            return False
        if target in set(nodes.names_read(stmt)):
            return False
    return True


def merge_accumulations(tree: gast.FunctionDef, facts: Facts) -> bool:
    """`dx = e1; ...; dx = dx + e2` -> `...; dx = e1 + e2`."""
    changed = False
    for block in list(nodes.blocks(tree)):
        position = _merge_in(block, facts)
        while position is not None:
            changed = True
            position = _merge_in(block, facts, position)
    return changed


# ----- Copies of temporaries -----------------------------------------------------------------


def _propagate_copy_in(block: List[gast.stmt], facts: Facts) -> bool:
    changed = False
    assigned_at: dict = {}  # renaming loads leaves what a statement assigns as it was

    read_at: dict = {}

    def assigned(index: int) -> Set[str]:
        if index not in assigned_at:
            assigned_at[index] = _assigned(block[index])
        return assigned_at[index]

    def read(index: int) -> Set[str]:
        if index not in read_at:
            read_at[index] = set(nodes.names_read(block[index]))
        return read_at[index]

    for i, stmt in enumerate(block):
        if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
            continue
        if not isinstance(stmt.value, gast.Name) or not facts.is_temporary(stmt.targets[0].id):
            continue
        copy_name, source = stmt.targets[0].id, stmt.value.id
        for j in range(i + 1, len(block)):
            later = block[j]
            if not _simple(later) and {copy_name, source} & (read(j) | assigned(j)):
                break
            if copy_name in read(j):
                replacer = _Rename(copy_name, source)
                if isinstance(later, gast.Assign):
                    later.value = replacer.visit(later.value)
                else:
                    replacer.visit(later)
                changed = changed or replacer.changed
                read_at.pop(j, None)
            if {copy_name, source} & assigned(j):
                break
    return changed


class _Rename(gast.NodeTransformer):
    def __init__(self, old: str, new: str):
        self.old = old
        self.new = new
        self.changed = False

    def visit_Name(self, node):
        if node.id == self.old and isinstance(node.ctx, gast.Load):
            self.changed = True
            return nodes.name(self.new)
        return node


def propagate_copies(tree: gast.FunctionDef, facts: Facts) -> bool:
    """`t = y; ...; z = f(t)` -> `t = y; ...; z = f(y)` for a temporary t (dce then drops t)."""
    changed = False
    for block in list(nodes.blocks(tree)):
        changed = _propagate_copy_in(block, facts) or changed
    return changed


# ----- Single-use temporaries ---------------------------------------------------------------


def _counts(tree: gast.AST):
    loads, stores = Counter(), Counter()
    for node in nodes.walk(tree):
        if isinstance(node, gast.Name):
            (stores if isinstance(node.ctx, gast.Store) else loads)[node.id] += 1
    return loads, stores


def _inline_in(block: List[gast.stmt], facts: Facts, loads: Counter, stores: Counter) -> bool:
    for i, stmt in enumerate(block):
        if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
            continue
        temp = stmt.targets[0].id
        if not facts.is_temporary(temp) or loads[temp] != 1 or stores[temp] != 1:
            continue
        use = _single_use(block, i, temp)
        if not is_pure(stmt.value, facts) and not _is_copy_right_after(block, i, use, temp):
            continue
        between = [s for s in block[i + 1:use] if not nodes.is_comment(s)] if use is not None else []
        if use is None or not _can_move(stmt.value, between, temp, facts):
            continue
        _replace_load(block[use], temp, stmt.value)
        del block[i]
        loads[temp], stores[temp] = 0, 0
        return True
    return False


def _is_copy_right_after(block: List[gast.stmt], index: int, use, temp: str) -> bool:
    """`t = f(...); y = t`: any value can move into the next statement when that only copies it."""
    if use is None or any(not nodes.is_comment(s) for s in block[index + 1:use]):
        return False
    stmt = block[use]
    return isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Name) and stmt.value.id == temp


def _single_use(block: List[gast.stmt], index: int, temp: str):
    for j in range(index + 1, len(block)):
        stmt = block[j]
        if temp in set(nodes.names_read(stmt)):
            if isinstance(stmt, (gast.Assign, gast.Expr, gast.Return)):
                return j
            header = stmt.test if isinstance(stmt, gast.If) else getattr(stmt, "iter", None)
            if isinstance(stmt, (gast.If, gast.For)) and temp in set(nodes.names_read(header)):
                return j
            return None
    return None


class _ReplaceLoad(gast.NodeTransformer):
    def __init__(self, temp: str, value: gast.expr):
        self.temp = temp
        self.value = value

    def visit_Name(self, node):
        if node.id == self.temp and isinstance(node.ctx, gast.Load):
            return self.value
        return node


def _replace_load(stmt: gast.stmt, temp: str, value: gast.expr) -> None:
    replacer = _ReplaceLoad(temp, value)
    if isinstance(stmt, gast.If):
        stmt.test = replacer.visit(stmt.test)
    elif isinstance(stmt, gast.For):
        stmt.iter = replacer.visit(stmt.iter)
    else:
        replacer.visit(stmt)


def inline_temporaries(tree: gast.FunctionDef, facts: Facts) -> bool:
    """Put a temporary's expression back at its only use: `_t1 = x * y; z = _t1 + b` -> `z = x * y + b`."""
    changed = False
    loads, stores = _counts(tree)  # inlining moves loads, so only the inlined temporary's counts change
    for block in list(nodes.blocks(tree)):
        while _inline_in(block, facts, loads, stores):
            changed = True
    return changed
