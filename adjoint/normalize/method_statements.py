"""Methods called for their effect on a local name, as statements (`xs.extend(v)`, `y.sort()`),
`np.add.at`, `np.multiply.at` and `np.put_along_axis`: each lowered to an assignment or a write in place, or refused (a mixin of
normalize/desugar.py's Desugar, which gives it `parsed`, `fresh`, `numpy_name`, `local_names`
and `_bound_name`).

Before::

    xs.extend(ys)
    xs.insert(0, v)
    xs.remove(v)
    y.sort()
    z.fill(v)
    np.add.at(w, idx, v)
    np.put_along_axis(u, idx, v, 1)

After::

    xs = xs + list(ys)
    list_method_or_refuse(xs, 'insert', ...)
    xs = list(xs[:0]) + [v] + list(xs[0:])
    list_method_or_refuse(xs, 'remove', ...)
    _at1 = removed_position(xs, 'remove', v)
    xs = list(xs[:_at1]) + list(xs[_at1 + 1:])
    array_or_refuse(y, 'sort', ...)
    y[...] = np.sort(y)
    array_or_refuse(z, 'fill', ..., v)
    z[...] = v
    w = scatter_add(w, idx, v)
    u[along_axis_index(u, idx, 1)] = v
"""
from __future__ import annotations

import functools
import inspect
from typing import List, Optional, Tuple

import gast
import numpy as np

from adjoint import nodes, runtime
from adjoint.errors import UnsupportedSyntaxError
from adjoint.frontend.resolve import resolve


IN_PLACE_METHODS = ("extend", "insert", "remove", "reverse", "clear", "sort", "fill")  # written as new values: see below


class MethodStatements:
    """The lowering of a method's call made a statement of its own."""

    def _method_statement(self, node, owner: str, call: gast.Call):
        """`xs.append(v)` stays; `xs.extend(v)` becomes `xs = xs + list(v)`, `xs.pop()` an
        assignment of the popped value, `insert`, `pop(i)`, `remove`, `reverse` and `clear` an
        assignment of the new list, and an array's `sort` and `fill` writes into it; other methods called for their
        effect are refused."""
        method = call.func.attr
        if method in ("append", "extend"):
            listed = self._list_or_refuse(owner, node)
        if method == "append":
            return listed + [node]
        if method == "extend" and len(call.args) == 1 and not call.keywords:
            self.parsed.in_place.append((owner, node))
            items = nodes.call(nodes.name(self._bound_name("list", list)), [call.args[0]])
            return listed + [nodes.copy_location(nodes.assign(owner, nodes.add(nodes.name(owner), items)), node)]
        if method == "pop" and not call.args and not call.keywords:
            return nodes.copy_location(nodes.assign(self.fresh("_popped"), call), node)
        rebuilt = self._list_rebuilt(owner, call)
        if rebuilt is not None:
            self.parsed.in_place.append((owner, node))
            check = self._checked(owner, "list_method_or_refuse", runtime.list_method_or_refuse, node)
            return [check] + [nodes.copy_location(stmt, node) for stmt in rebuilt]
        written = self._array_write(node, owner, call) if method in ("sort", "fill") else None
        if written is not None:
            return written
        raise UnsupportedSyntaxError(
            f"{owner}.{method}", f"`{owner}.{method}(...)` changes {owner} in place, which adjoint does not "
            f"differentiate; build a new value instead (`{owner} = ...`)", self.parsed.info.location(node))

    def _list_or_refuse(self, owner: str, node: gast.Expr) -> List[gast.stmt]:
        """The check that `owner`, whose `.append` or `.extend` is differentiated as a list's, holds a
        list (a `collections.deque(maxlen=n)` drops its first items), where a binding of the name
        may make something else or the name is a parameter."""
        if owner not in nodes.parameters(self.parsed.node) and owner in self._list_names:
            return []
        return [self._checked(owner, "list_method_or_refuse", runtime.list_method_or_refuse, node)]

    @functools.cached_property
    def _list_names(self) -> frozenset:
        return names_bound_to_lists(self.parsed)

    def _list_rebuilt(self, owner: str, call: gast.Call) -> Optional[List[gast.stmt]]:
        """The statements making the new list of `xs.insert(i, v)` (`xs = list(xs[:i]) + [v] +
        list(xs[i:])`, which clamps i as insert does, each part a list where xs is also bound to an
        array; i and v named first, as Python evaluates them before it inserts), `xs.pop(i)` and
        `xs.remove(v)` (`xs = list(xs[:k]) + list(xs[k + 1:])`, k the position they take the item
        from, runtime.removed_position, which raises what they raise), `xs.reverse()`
        (`xs = list(xs[::-1])`) and `xs.clear()` (`xs = []`); None for another call."""
        method, args = call.func.attr, call.args
        if call.keywords or any(isinstance(argument, gast.Starred) for argument in args):
            return None
        if method == "insert" and len(args) == 2:
            named, (index, item) = named_atoms([("_at", args[0]), ("_item", args[1])], self.fresh)
            listed = nodes.name(self._bound_name("list", list))
            head = nodes.call(listed, [_sliced(nodes.name(owner), upper=index)])
            tail = nodes.call(nodes.clone(listed), [_sliced(nodes.name(owner), lower=nodes.clone(index))])
            inserted = nodes.add(nodes.add(head, gast.List(elts=[item], ctx=gast.Load())), tail)
            return named + [nodes.assign(owner, inserted)]
        if method in ("pop", "remove") and len(args) == 1:  # (`xs.pop()` is a pop of the last item: above)
            found, _, rebuilt = self._taken_out(owner, method, args[0])
            return found + [rebuilt]
        if method == "reverse" and not args:
            listed = nodes.name(self._bound_name("list", list))
            return [nodes.assign(owner, nodes.call(listed, [_sliced(nodes.name(owner), step=nodes.constant(-1))]))]
        if method == "clear" and not args:
            return [nodes.assign(owner, gast.List(elts=[], ctx=gast.Load()))]
        return None

    def _taken_out(self, owner: str, method: str, argument: gast.expr) -> Tuple[List[gast.stmt], str, gast.stmt]:
        """(the statements finding the position k that `xs.pop(i)` or `xs.remove(v)` takes its item
        from, k's name, `xs = list(xs[:k]) + list(xs[k + 1:])`)."""
        named, (argument,) = named_atoms([("_argument", argument)], self.fresh)
        at = self.fresh("_at")
        found = nodes.call(nodes.name(self._bound_name("removed_position", runtime.removed_position)),
                           [nodes.name(owner), nodes.constant(method), argument])
        listed = nodes.name(self._bound_name("list", list))
        head = nodes.call(listed, [_sliced(nodes.name(owner), upper=nodes.name(at))])
        after = nodes.binop(nodes.name(at), gast.Add(), nodes.constant(1))
        tail = nodes.call(nodes.clone(listed), [_sliced(nodes.name(owner), lower=after)])
        return named + [nodes.assign(at, found)], at, nodes.assign(owner, nodes.add(head, tail))

    def _pop_assigned(self, node: gast.Assign) -> Optional[List[gast.stmt]]:
        """`v = xs.pop(i)` of a local name xs, as `xs.pop(i)` (above) with the item it takes out
        assigned to v after it (None for another assignment, and where v is, or reads, xs)."""
        call = node.value
        if not (len(node.targets) == 1 and isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)
                and call.func.attr == "pop" and isinstance(call.func.value, gast.Name)
                and call.func.value.id in self.local_names and len(call.args) == 1 and not call.keywords
                and not isinstance(call.args[0], gast.Starred)
                and call.func.value.id not in nodes.all_identifiers(node.targets[0])):
            return None
        owner = call.func.value.id
        self.parsed.in_place.append((owner, node))
        statement = nodes.copy_location(gast.Expr(value=call), node)
        check = self._checked(owner, "list_method_or_refuse", runtime.list_method_or_refuse, statement)
        found, at, rebuilt = self._taken_out(owner, "pop", call.args[0])
        popped = self.fresh("_popped")
        taken = nodes.assign(popped, nodes.subscript(nodes.name(owner), nodes.name(at)))
        statements = [check] + [nodes.copy_location(stmt, node) for stmt in found + [taken, rebuilt]]
        return statements + self._assign_target(node.targets[0], nodes.name(popped), node)

    def _array_write(self, node, owner: str, call: gast.Call) -> Optional[List[gast.stmt]]:
        """`y.sort(...)` becomes `y[...] = np.sort(y, ...)` (whose rule refuses what it does not
        take) and `y.fill(v)` `y[...] = v`, writes in place (analysis/aliases.py), after the check
        that y is an array of numbers that takes these arguments (runtime.array_or_refuse); the
        arguments named first. None for a fill of other than one value, or a spread argument."""
        method = call.func.attr
        if any(isinstance(a, gast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords) or \
                method == "fill" and (len(call.args) != 1 or call.keywords):
            return None
        named, values = named_atoms([("_argument", value) for value in call.args + [k.value for k in call.keywords]],
                                     self.fresh)
        arguments = values[:len(call.args)]
        keywords = [gast.keyword(arg=k.arg, value=value) for k, value in zip(call.keywords, values[len(call.args):])]
        if method == "fill":
            value = nodes.clone(arguments[0])
        else:
            value = nodes.call(nodes.attribute(nodes.name(self.numpy_name), "sort"),
                               [nodes.name(owner), *nodes.clone(arguments)], nodes.clone(keywords))
        whole = gast.Subscript(value=nodes.name(owner), slice=nodes.constant(Ellipsis), ctx=gast.Store())
        write = gast.Assign(targets=[whole], value=value, type_comment=None)
        check = self._checked(owner, "array_or_refuse", runtime.array_or_refuse, node, arguments, keywords)
        return [nodes.copy_location(stmt, node) for stmt in named] + [check, nodes.copy_location(write, node)]

    def _checked(self, owner: str, name: str, helper, node: gast.Expr, arguments=(), keywords=()) -> gast.Expr:
        """`helper(owner, method, file, line, *arguments, **keywords)`, the check that `owner` holds
        what the method's lowering is for (and that the method takes these arguments), at the line
        of the call `node` makes."""
        where = self.parsed.info.location(node)
        check = nodes.call(nodes.name(self._bound_name(name, helper)),
                           [nodes.name(owner), nodes.constant(node.value.func.attr), nodes.constant(where.filename),
                            nodes.constant(where.lineno), *nodes.clone(list(arguments))], nodes.clone(list(keywords)))
        return nodes.copy_location(gast.Expr(value=check), node)

    def _ufunc_at(self, node, call: gast.Call):
        """`np.add.at(y, index, v)` becomes `y = scatter_add(y, index, v)` (np.subtract.at adds -v),
        `np.multiply.at(y, index, v)` `y = scatter_multiply(y, index, v)`; the other ufuncs' `at` are
        refused."""
        ufunc = resolve(call.func.value, self.parsed, self.local_names)
        target = call.args[0] if call.args else None
        supported = ufunc in (np.add, np.subtract, np.multiply) and len(call.args) == 3 and not call.keywords
        if not supported or not isinstance(target, gast.Name) or target.id not in self.local_names:
            raise UnsupportedSyntaxError(
                f"np.{ufunc.__name__}.at", f"`np.{ufunc.__name__}.at(...)` is not differentiated; np.add.at, "
                "np.subtract.at and np.multiply.at are, on an array held in a local name",
                self.parsed.info.location(node))
        self.parsed.in_place.append((target.id, node))
        value = call.args[2]
        if ufunc is np.subtract:
            value = gast.UnaryOp(op=gast.USub(), operand=value)
        name, helper = ("scatter_multiply", runtime.scatter_multiply) if ufunc is np.multiply else (
            "scatter_add", runtime.scatter_add)
        update = nodes.call(nodes.name(self._bound_name(name, helper)), [nodes.name(target.id), call.args[1], value])
        return nodes.copy_location(nodes.assign(target.id, update), node)

    def _put_along_axis(self, node, call: gast.Call):
        """`np.put_along_axis(y, indices, v, axis)` of an array held in a local name becomes
        `y[along_axis_index(y, indices, axis)] = v`, the write NumPy makes (repeated positions: the last
        value stays); another call stays as it is (analysis/writes.py refuses a write into a value that
        depends on the differentiated arguments)."""
        try:
            bound = inspect.signature(np.put_along_axis).bind(*call.args, **{k.arg: k.value for k in call.keywords})
        except TypeError:
            return node
        target = bound.arguments["arr"]
        if any(isinstance(a, gast.Starred) for a in call.args) or not isinstance(target, gast.Name) or \
                target.id not in self.local_names:
            return node
        named, (indices, values, axis) = named_atoms(
            [("_indices", bound.arguments["indices"]), ("_values", bound.arguments["values"]),
             ("_axis", bound.arguments["axis"])], self.fresh)
        index = nodes.call(nodes.name(self._bound_name("along_axis_index", runtime.along_axis_index)),
                           [nodes.name(target.id), indices, axis])
        place = gast.Subscript(value=nodes.name(target.id), slice=index, ctx=gast.Store())
        write = gast.Assign(targets=[place], value=values, type_comment=None)
        return [nodes.copy_location(stmt, node) for stmt in named + [write]]


def named_atoms(values, fresh) -> tuple:
    """(assignments, atoms): each (name, expression) of values as an atom, the expression itself
    where it is one, else a fresh name assigned it first (in order)."""
    assignments, atoms = [], []
    for name, value in values:
        if nodes.is_atom(value):
            atoms.append(value)
        else:
            assignments.append(nodes.assign(fresh(name), value))
            atoms.append(nodes.name(assignments[-1].targets[0].id))
    return assignments, atoms


def _sliced(value: gast.expr, lower=None, upper=None, step=None) -> gast.Subscript:
    return gast.Subscript(value=value, slice=gast.Slice(lower=lower, upper=upper, step=step), ctx=gast.Load())


def names_bound_to_lists(parsed) -> frozenset:
    """The local names every binding of which makes a list: a list display or comprehension, list(...)
    or sorted(...)."""
    assigned = {id(stmt.targets[0]): stmt.value for stmt in nodes.statements(parsed.node)
                if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)}
    makes: dict = {}
    for node in nodes.walk(parsed.node):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
            makes[node.id] = makes.get(node.id, True) and id(node) in assigned and _makes_a_list(assigned[id(node)],
                                                                                                  parsed)
    return frozenset(name for name, made in makes.items() if made)


def _makes_a_list(value: gast.expr, parsed) -> bool:
    if isinstance(value, (gast.List, gast.ListComp)):
        return True
    return isinstance(value, gast.Call) and resolve(value.func, parsed, frozenset()) in (list, sorted)
