"""Lower `break`, `continue` and `return` into structured control flow the reverse sweep can replay.

A jump that ends its block stays (a `break` that ends a loop body, a `return` that ends the
function); statements after an `if` that always jumps move into its other branch; any
other jump sets a flag, and the statements after it are guarded by that flag.

Before::

    for i in range(n):
        if x > 10.0:
            break
        x = x * 2.0
    return x

After::

    for i in range(n):
        if x > 10.0:
            break
        else:
            x = x * 2.0
    return x
"""
from __future__ import annotations

from typing import Callable, List, Optional

import gast

from adjoint import nodes


class _Loop:
    """Flags a loop body needs: set lazily, when a jump that does not end the body is seen."""

    def __init__(self):
        self.break_flag: Optional[str] = None
        self.continue_flag: Optional[str] = None
        self.returns = False


def _always_jumps(block: List[gast.stmt]) -> bool:
    if not block:
        return False
    last = block[-1]
    if isinstance(last, (gast.Return, gast.Break, gast.Continue)):
        return True
    if isinstance(last, gast.If):
        return _always_jumps(last.body) and _always_jumps(last.orelse)
    return False


class JumpLowering:
    def __init__(self, fresh: Callable[[str], str], keep_final_return: bool):
        self.fresh = fresh
        self.keep_final_return = keep_final_return
        self.return_var: Optional[str] = None
        self.returned_flag: Optional[str] = None

    def _return_name(self) -> str:
        if self.return_var is None:
            self.return_var = self.fresh("_return")
        return self.return_var

    def _returned_name(self) -> str:
        if self.returned_flag is None:
            self.returned_flag = self.fresh("_returned")
        return self.returned_flag

    def block(self, stmts: List[gast.stmt], tail: bool, loop: Optional[_Loop]) -> List[gast.stmt]:
        out: List[gast.stmt] = []
        stmts = list(stmts)
        for index, stmt in enumerate(stmts):
            rest = stmts[index + 1:]
            if isinstance(stmt, gast.If):
                return out + self._if(stmt, rest, tail, loop)
            if isinstance(stmt, (gast.For, gast.While)):
                lowered, returns_inside = self._loop(stmt, loop)
                out.extend(lowered)
                if returns_inside and rest:
                    guard = nodes.not_(nodes.name(self._returned_name()))
                    out.append(nodes.copy_location(nodes.if_(guard, self.block(rest, tail, loop)), rest[0]))
                    return out
                continue
            if isinstance(stmt, (gast.Break, gast.Continue, gast.Return)):
                return out + self._jump(stmt, tail, loop)
            out.append(stmt)
        return out

    def _if(self, stmt: gast.If, rest, tail, loop) -> List[gast.stmt]:
        if rest and _always_jumps(stmt.body) and not _always_jumps(stmt.orelse):
            stmt.orelse, rest = stmt.orelse + rest, []
        elif rest and stmt.orelse and _always_jumps(stmt.orelse) and not _always_jumps(stmt.body):
            stmt.body, rest = stmt.body + rest, []
        here_tail = tail and not rest
        stmt.body = self.block(stmt.body, here_tail, loop) or [gast.Pass()]
        stmt.orelse = self.block(stmt.orelse, here_tail, loop)
        out: List[gast.stmt] = [stmt]
        if rest:
            flags = self._flags_set(stmt, loop)
            if flags:
                out.append(nodes.copy_location(nodes.if_(_none_of(flags), self.block(rest, tail, loop)), rest[0]))
            else:
                out.extend(self.block(rest, tail, loop))
        return out

    def _loop(self, stmt, outer: Optional[_Loop]):
        """The lowered loop (with its flag set-up) and whether a `return` can leave it."""
        inner = _Loop()
        stmt.body = self.block(stmt.body, True, inner) or [gast.Pass()]
        out: List[gast.stmt] = []
        exits = [flag for flag in (inner.break_flag,) if flag]
        if inner.returns:
            exits.append(self._returned_name())
            if outer is not None:
                outer.returns = True
        if exits:
            stmt.body.append(nodes.if_(_any_of(exits), [gast.Break()]))
        if inner.continue_flag:
            stmt.body.insert(0, nodes.copy_location(nodes.assign(inner.continue_flag, nodes.constant(False)), stmt))
        if inner.break_flag:
            out.append(nodes.copy_location(nodes.assign(inner.break_flag, nodes.constant(False)), stmt))
        out.append(stmt)
        return out, inner.returns

    def _jump(self, stmt, tail: bool, loop: Optional[_Loop]) -> List[gast.stmt]:
        if isinstance(stmt, gast.Break):
            if tail:
                return [stmt]
            loop.break_flag = loop.break_flag or self.fresh("_break")
            return [nodes.copy_location(nodes.assign(loop.break_flag, nodes.constant(True)), stmt)]
        if isinstance(stmt, gast.Continue):
            if tail:
                return []
            loop.continue_flag = loop.continue_flag or self.fresh("_continue")
            return [nodes.copy_location(nodes.assign(loop.continue_flag, nodes.constant(True)), stmt)]
        return self._return(stmt, tail, loop)

    def _return(self, stmt: gast.Return, tail: bool, loop: Optional[_Loop]) -> List[gast.stmt]:
        if self.keep_final_return:
            return [stmt]
        value = stmt.value if stmt.value is not None else nodes.constant(None)
        out = [nodes.copy_location(nodes.assign(self._return_name(), value), stmt)]
        if loop is None and tail:
            return out
        out.append(nodes.copy_location(nodes.assign(self._returned_name(), nodes.constant(True)), stmt))
        if loop is not None:
            loop.returns = True
            if tail:
                out.append(gast.Break())
        return out

    def _flags_set(self, stmt: gast.stmt, loop: Optional[_Loop]) -> List[str]:
        """The flags `stmt` may set that the statements after it in this block must respect."""
        local = {loop.break_flag, loop.continue_flag} - {None} if loop else set()
        flags = set()
        for sub in _walk_outside_loops(stmt):
            if isinstance(sub, gast.Assign) and isinstance(sub.targets[0], gast.Name):
                if sub.targets[0].id in local:
                    flags.add(sub.targets[0].id)
        if self.returned_flag and any(
            isinstance(sub, gast.Name) and sub.id == self.returned_flag and isinstance(sub.ctx, gast.Store)
            for sub in nodes.walk(stmt)
        ):
            flags.add(self.returned_flag)
        return sorted(flags)


def _walk_outside_loops(stmt: gast.stmt):
    stack = [stmt]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (gast.For, gast.While)) and node is not stmt:
            continue
        stack.extend(nodes.children(node))


def _any_of(flags: List[str]) -> gast.expr:
    if len(flags) == 1:
        return nodes.name(flags[0])
    return gast.BoolOp(op=gast.Or(), values=[nodes.name(flag) for flag in flags])


def _none_of(flags: List[str]) -> gast.expr:
    return nodes.not_(_any_of(flags))


def lower_jumps(func_node: gast.FunctionDef, fresh: Callable[[str], str]) -> gast.FunctionDef:
    """Rewrite func_node in place so that every jump ends its block; returns func_node."""
    returns = [stmt for stmt in nodes.statements(func_node) if isinstance(stmt, gast.Return)]  # (no `try` left)
    keep_final = len(returns) == 1 and func_node.body and func_node.body[-1] is returns[0]
    lowering = JumpLowering(fresh, keep_final)
    body = lowering.block(func_node.body, True, None)
    if lowering.return_var is not None:
        prefix = [nodes.assign(lowering.return_var, nodes.constant(None))]
        if lowering.returned_flag is not None:
            prefix.append(nodes.assign(lowering.returned_flag, nodes.constant(False)))
        line_of = func_node.body[0] if func_node.body else func_node
        prefix = [nodes.copy_location(stmt, line_of) for stmt in prefix]
        body = prefix + body + [gast.Return(value=nodes.name(lowering.return_var))]
    func_node.body = body or [gast.Pass()]
    return func_node
