"""Methods called for their effect on a local name, as statements (`xs.extend(v)`, `y.sort()`),
and `np.add.at`: each lowered to an assignment or a write in place, or refused (a mixin of
normalize/desugar.py's Desugar, which gives it `parsed`, `fresh`, `numpy_name`, `local_names`
and `_bound_name`).

Before::

    xs.extend(ys)
    y.sort()
    z.fill(v)
    np.add.at(w, idx, v)

After::

    xs = xs + list(ys)
    array_or_refuse(y, 'sort', ...)
    y[...] = np.sort(y)
    array_or_refuse(z, 'fill', ...)
    z[...] = v
    w = scatter_add(w, idx, v)
"""
from __future__ import annotations

from typing import List, Optional

import gast
import numpy as np

from adjoint import nodes, runtime
from adjoint.errors import UnsupportedSyntaxError
from adjoint.frontend.resolve import resolve


class MethodStatements:
    """The lowering of a method's call made a statement of its own."""

    def _method_statement(self, node, owner: str, call: gast.Call):
        """`xs.append(v)` stays; `xs.extend(v)` becomes `xs = xs + list(v)`, `xs.pop()` an
        assignment of the popped value, and an array's `sort` and `fill` writes into it; other
        methods called for their effect are refused."""
        method = call.func.attr
        if method == "append":
            return node
        if method == "extend" and len(call.args) == 1 and not call.keywords:
            self.parsed.in_place.append((owner, node))
            items = nodes.call(nodes.name(self._bound_name("list", list)), [call.args[0]])
            return nodes.copy_location(nodes.assign(owner, nodes.add(nodes.name(owner), items)), node)
        if method == "pop" and not call.args and not call.keywords:
            return nodes.copy_location(nodes.assign(self.fresh("_popped"), call), node)
        written = self._array_write(node, owner, call) if method in ("sort", "fill") else None
        if written is not None:
            return written
        raise UnsupportedSyntaxError(
            f"{owner}.{method}", f"`{owner}.{method}(...)` changes {owner} in place, which adjoint does not "
            f"differentiate; build a new value instead (`{owner} = ...`)", self.parsed.info.location(node))

    def _array_write(self, node, owner: str, call: gast.Call) -> Optional[List[gast.stmt]]:
        """`y.sort(...)` becomes `y[...] = np.sort(y, ...)` (whose rule refuses what it does not
        take) and `y.fill(v)` `y[...] = v`, writes in place (analysis/aliases.py), after the check
        that y is an array (runtime.array_or_refuse); None for other arguments."""
        method = call.func.attr
        if method == "fill" and len(call.args) == 1 and not call.keywords:
            value = call.args[0]
        elif method == "sort":  # np.sort takes what ndarray.sort takes, after the array
            value = nodes.call(nodes.attribute(nodes.name(self.numpy_name), "sort"), [nodes.name(owner), *call.args],
                               call.keywords)
        else:
            return None
        where = self.parsed.info.location(node)
        check = nodes.call(nodes.name(self._bound_name("array_or_refuse", runtime.array_or_refuse)),
                           [nodes.name(owner), nodes.constant(method), nodes.constant(where.filename),
                            nodes.constant(where.lineno)])
        whole = gast.Subscript(value=nodes.name(owner), slice=nodes.constant(Ellipsis), ctx=gast.Store())
        write = gast.Assign(targets=[whole], value=value, type_comment=None)
        return [nodes.copy_location(gast.Expr(value=check), node), nodes.copy_location(write, node)]

    def _ufunc_at(self, node, call: gast.Call):
        """`np.add.at(y, index, v)` becomes `y = scatter_add(y, index, v)` (np.subtract.at adds -v);
        the other ufuncs' `at` are refused."""
        ufunc = resolve(call.func.value, self.parsed, self.local_names)
        target = call.args[0] if call.args else None
        supported = ufunc in (np.add, np.subtract) and len(call.args) == 3 and not call.keywords
        if not supported or not isinstance(target, gast.Name) or target.id not in self.local_names:
            raise UnsupportedSyntaxError(
                f"np.{ufunc.__name__}.at", f"`np.{ufunc.__name__}.at(...)` is not differentiated; np.add.at and "
                "np.subtract.at are, on an array held in a local name", self.parsed.info.location(node))
        self.parsed.in_place.append((target.id, node))
        value = call.args[2]
        if ufunc is np.subtract:
            value = gast.UnaryOp(op=gast.USub(), operand=value)
        helper = nodes.name(self._bound_name("scatter_add", runtime.scatter_add))
        update = nodes.call(helper, [nodes.name(target.id), call.args[1], value])
        return nodes.copy_location(nodes.assign(target.id, update), node)
