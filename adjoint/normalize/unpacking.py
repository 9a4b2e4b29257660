"""Tuple targets (`a, b = v`, `first, *rest = v`, `for (a, b), c in rows`) read item by item.

A display of as many values as the target has names (none of them `*rest`) is assigned name by
name; any other value is bound to a name and its items read by position (`*rest` as the list of
a slice), after `unpacked_or_raise` checks its length: a sequence of another length raises there
the ValueError Python's unpacking raises, instead of a derivative of its first items, and a dict
or a set, which Python unpacks in its iteration order, is refused at the line. Derivative code
read again unpacks only what it built, and gets no check.

Before::

    first, *mid, last = xs

After::

    unpacked_or_raise(xs, 3, True, 'model.py', 12)
    first = xs[0]
    mid = list(xs[1:len(xs) - 1])
    last = xs[-1]
"""
from __future__ import annotations

from typing import List

import gast

from adjoint import nodes, runtime
from adjoint.normalize.single_assignment import is_derivative_code


class Unpacking:
    """The tuple targets of Desugar; it gives `parsed`, `fresh` and `_bound_name`."""

    def _assign_target(self, target, value, origin) -> List[gast.stmt]:
        if not isinstance(target, (gast.Tuple, gast.List)):
            return [nodes.copy_location(nodes.assign_to(target, value), origin)]
        if isinstance(value, (gast.Tuple, gast.List)) and len(value.elts) == len(target.elts) and \
                not any(isinstance(element, gast.Starred) for element in target.elts):
            temps = [self.fresh("_t") for _ in value.elts]
            out = [nodes.copy_location(nodes.assign(t, v), origin) for t, v in zip(temps, value.elts)]
            for element, temp in zip(target.elts, temps):
                out.extend(self._assign_target(element, nodes.name(temp), origin))
            return out
        temp = value.id if isinstance(value, gast.Name) else self.fresh("_t")
        out = [] if isinstance(value, gast.Name) else [nodes.copy_location(nodes.assign(temp, value), origin)]
        starred = [position for position, element in enumerate(target.elts) if isinstance(element, gast.Starred)]
        if not is_derivative_code(self.parsed.func):  # generated code unpacks what it built
            out.append(self._unpack_check(temp, len(target.elts), bool(starred), origin))
        after = len(target.elts) - 1 - starred[0] if starred else 0
        for position, element in enumerate(target.elts):
            if isinstance(element, gast.Starred):
                item = self._starred_items(temp, position, after)
                element = element.value
            elif starred and position > starred[0]:
                item = nodes.subscript(nodes.name(temp), nodes.constant(position - len(target.elts)))
            else:
                item = nodes.subscript(nodes.name(temp), nodes.constant(position))
            out.extend(self._assign_target(element, item, origin))
        return out

    def _unpack_check(self, sequence: str, count: int, starred: bool, origin) -> gast.stmt:
        """`unpacked_or_raise(sequence, count, starred, filename, lineno)`: the items are read by
        position below, so a sequence of another length raises here what Python's unpacking raises,
        and a dict or a set (unpacked in their iteration order) is refused at the line."""
        location = self.parsed.info.location(origin)
        check = nodes.call(nodes.name(self._bound_name("unpacked_or_raise", runtime.unpacked_or_raise)),
                           [nodes.name(sequence), nodes.constant(count), nodes.constant(starred),
                            nodes.constant(location.filename), nodes.constant(location.lineno)])
        return nodes.copy_location(gast.Expr(value=check), origin)

    def _starred_items(self, sequence: str, start: int, after: int) -> gast.expr:
        """What `*rest` takes in a tuple target: `list(sequence[start:len(sequence) - after])`."""
        stop = None
        if after:
            stop = nodes.binop(nodes.call_named("len", nodes.name(sequence)), gast.Sub(), nodes.constant(after))
        part = gast.Slice(lower=nodes.constant(start), upper=stop, step=None)
        sliced = gast.Subscript(value=nodes.name(sequence), slice=part, ctx=gast.Load())
        return nodes.call(nodes.name(self._bound_name("list", list)), [sliced])
