"""A-normal form: one operation per assignment, names or constants as its operands.

Conditions (comparisons, `and`/`or`/`not`) are not differentiable and stay whole (but an `and`/`or`
whose later operands read an array method's receiver, normalize/receivers.py). An `and`/`or`
used as a value, whose operands may be other than truth values (`y = scale or x`), is the operand
Python returns: it becomes `if` statements choosing it, each operand evaluated only where Python
evaluates it. A walrus `(n := value)` becomes `n = value` where Python always evaluates it, in order.
A chain of attributes on a local name (`osc.params.m`, fields of nested records) reads one
attribute at a time (`_t = osc.params`, then `_t.m`), each read differentiated on its own.

Before::

    z = x * y + math.sin(x)
    return z if z > 0 else -z

After::

    _t1 = x * y
    _t2 = math.sin(x)
    z = _t1 + _t2
    _cond1 = z > 0
    if _cond1:
        _t3 = z
    else:
        _t3 = -z
    return _t3
"""
from __future__ import annotations

from typing import Callable, FrozenSet, List, Tuple

import gast

from adjoint import nodes
from adjoint.errors import UnsupportedSyntaxError
from adjoint.normalize.receivers import check_of, checks_of_whole, checks_receiver

Prelude = List[gast.stmt]
CONDITIONS = (gast.Compare, gast.BoolOp)


class ANF:
    def __init__(self, fresh: Callable[[str], str], local_names: FrozenSet[str] = frozenset()):
        self.fresh = fresh
        self.local_names = local_names
        self.origin: gast.stmt = None

    # ----- statements ---------------------------------------------------------

    def block(self, stmts: List[gast.stmt]) -> List[gast.stmt]:
        out: List[gast.stmt] = []
        for stmt in stmts:
            self.origin = stmt
            out.extend(nodes.copy_location(new, stmt) for new in self.statement(stmt))
        return out

    def statement(self, stmt: gast.stmt) -> List[gast.stmt]:
        method = getattr(self, "_" + type(stmt).__name__.lower(), None)
        if method is None:
            return [stmt]
        return method(stmt)

    def _assign(self, stmt: gast.Assign) -> List[gast.stmt]:
        target = stmt.targets[0]
        if isinstance(target, gast.Subscript):
            prelude, container = self.atom(target.value)
            more, index = self.index(target.slice)
            last, value = self.atom(stmt.value)
            store = gast.Subscript(value=container, slice=index, ctx=gast.Store())
            return prelude + more + last + [gast.Assign(targets=[store], value=value, type_comment=None)]
        prelude, value = self.value(stmt.value)
        if isinstance(value, gast.Name) and value.id == target.id:
            return prelude
        if not nodes.is_atom(value) and target.id in set(nodes.names_read(value)):
            temp = self.fresh("_t")
            return prelude + [nodes.assign(temp, value), nodes.assign(target.id, nodes.name(temp))]
        return prelude + [nodes.assign(target.id, value)]

    def _expr(self, stmt: gast.Expr) -> List[gast.stmt]:
        prelude, value = self.simple(stmt.value)
        if nodes.is_atom(value):
            return prelude
        if nodes.is_pop(value):
            return prelude + [nodes.assign(self.fresh("_popped"), value)]
        return prelude + [gast.Expr(value=value)]

    def _assert(self, stmt: gast.Assert) -> List[gast.stmt]:
        return checks_of_whole(stmt.test) + [stmt]

    def _return(self, stmt: gast.Return) -> List[gast.stmt]:
        value = stmt.value if stmt.value is not None else nodes.constant(None)
        prelude, atom = self.atom(value)
        if isinstance(atom, gast.Constant):
            temp = self.fresh("_t")
            prelude.append(nodes.assign(temp, atom))
            atom = nodes.name(temp)
        return prelude + [gast.Return(value=atom)]

    def _if(self, stmt: gast.If) -> List[gast.stmt]:
        prelude, test = self.condition(stmt.test, stmt.body + stmt.orelse)
        stmt.test = test
        stmt.body = self.block(stmt.body) or [gast.Pass()]
        stmt.orelse = self.block(stmt.orelse)
        return prelude + [stmt]

    def _for(self, stmt: gast.For) -> List[gast.stmt]:
        prelude, iterator = self.simple(stmt.iter)
        range_name = self.fresh("_range")
        prelude.append(nodes.assign(range_name, iterator))
        stmt.iter = nodes.name(range_name)
        stmt.body = self.block(stmt.body) or [gast.Pass()]
        return prelude + [stmt]

    def _while(self, stmt: gast.While) -> List[gast.stmt]:
        original_test = nodes.clone(stmt.test)
        prelude, test = self.condition(stmt.test, stmt.body, always_fresh=True)
        origin = self.origin
        body = self.block(stmt.body) or [gast.Pass()]
        recompute, value = self.simple(nodes.clone(original_test))
        recompute = [nodes.copy_location(s, origin) for s in recompute + [nodes.assign(test.id, value)]]
        stmt.test = test
        stmt.body = body + recompute
        return prelude + [stmt]

    def _with(self, stmt: gast.With) -> List[gast.stmt]:
        stmt.body = self.block(stmt.body) or [gast.Pass()]
        return [stmt]

    # ----- expressions --------------------------------------------------------

    def condition(self, test: gast.expr, body, always_fresh=False) -> Tuple[Prelude, gast.Name]:
        assigned = {n for stmt in body for n in nodes.names_stored(stmt)}
        if isinstance(test, gast.Name) and test.id not in assigned and not always_fresh:
            return [], test
        prelude, value = self.simple(test)
        temp = self.fresh("_cond")
        return prelude + [nodes.assign(temp, value)], nodes.name(temp)

    def atom(self, expr: gast.expr) -> Tuple[Prelude, gast.expr]:
        prelude, value = self.value(expr)
        if nodes.is_atom(value):
            return prelude, value
        temp = self.fresh("_t")
        return prelude + [nodes.assign(temp, value)], nodes.name(temp)

    def atoms(self, exprs) -> Tuple[Prelude, List[gast.expr]]:
        prelude: Prelude = []
        out = []
        for expr in exprs:
            more, atom = self.atom(expr)
            prelude.extend(more)
            out.append(atom)
        return prelude, out

    def index(self, index: gast.expr) -> Tuple[Prelude, gast.expr]:
        if isinstance(index, gast.Slice):
            prelude: Prelude = []
            for field in ("lower", "upper", "step"):
                part = getattr(index, field)
                if part is not None:
                    more, atom = self.atom(part)
                    prelude.extend(more)
                    setattr(index, field, atom)
            return prelude, index
        if isinstance(index, gast.Tuple):
            prelude = []
            elements = []
            for element in index.elts:
                more, simple = self.index(element)
                prelude.extend(more)
                elements.append(simple)
            return prelude, nodes.tuple_of(elements)
        return self.atom(index)

    def value(self, expr: gast.expr) -> Tuple[Prelude, gast.expr]:
        """As `simple`, where the expression's value is used, not only its truth: `a or b` whose
        operands may be other than truth values becomes the operand Python returns."""
        if isinstance(expr, gast.BoolOp) and not _is_truth_value(expr):
            return self._chosen_operand(expr)
        return self.simple(expr)

    def _chosen_operand(self, expr: gast.BoolOp):
        """`t = a or b`: t = a; if not t: t = b (`and`: if t: t = b); b's operands computed there."""
        temp = self.fresh("_t")
        prelude, first = self.value(expr.values[0])
        prelude = prelude + [nodes.assign(temp, first)]
        block = prelude
        for operand in expr.values[1:]:
            test = self.fresh("_cond")
            block.append(nodes.assign(test, gast.UnaryOp(op=gast.Not(), operand=nodes.name(temp))))
            more, value = self.value(operand)
            chosen = more + [nodes.assign(temp, value)]
            block.append(nodes.if_(nodes.name(test), chosen, []) if isinstance(expr.op, gast.Or)
                         else nodes.if_(nodes.name(test), [gast.Pass()], chosen))
            block = chosen
        return prelude, nodes.name(temp)

    def simple(self, expr: gast.expr) -> Tuple[Prelude, gast.expr]:
        """Statements computing the operands, and one operation over atoms."""
        if isinstance(expr, CONDITIONS) and _has_walrus(_first_operand(expr)):
            return self._condition_with_walrus(expr)
        if isinstance(expr, gast.BoolOp) and any(checks_receiver(value) for value in expr.values[1:]):
            return self._chosen_operand(expr)  # the receivers of its later operands checked where Python reads them
        if nodes.is_atom(expr):
            return [], expr
        if isinstance(expr, CONDITIONS) or isinstance(expr, gast.UnaryOp) and isinstance(expr.op, gast.Not):
            return checks_of_whole(expr), expr  # (normalize/receivers.py)
        method = getattr(self, "_simple_" + type(expr).__name__.lower(), None)
        if method is None:
            return [], expr
        prelude, value = method(expr)
        return prelude, nodes.copy_location(value, expr)  # errors point at the expression

    def _simple_binop(self, expr):
        prelude, (left, right) = self.atoms([expr.left, expr.right])
        return prelude, gast.BinOp(left=left, op=expr.op, right=right)

    def _simple_unaryop(self, expr):
        if isinstance(expr.op, gast.USub) and isinstance(expr.operand, gast.Constant):
            return [], nodes.constant(-expr.operand.value)
        prelude, operand = self.atom(expr.operand)
        return prelude, gast.UnaryOp(op=expr.op, operand=operand)

    def _simple_call(self, expr):
        prelude: Prelude = []
        func = expr.func
        if isinstance(func, gast.Attribute) and not _is_dotted(func):
            prelude, base = self.atom(func.value)
            func = nodes.attribute(base, func.attr)
        more, args = self.atoms(expr.args[:1])
        prelude.extend(more + check_of(expr, args[0]) if args else more)  # the receiver's (normalize/receivers.py)
        more, rest = self.atoms(expr.args[1:])
        prelude.extend(more)
        args.extend(rest)
        keywords = []
        for keyword in expr.keywords:
            more, value = self.atom(keyword.value)
            prelude.extend(more)
            keywords.append(gast.keyword(arg=keyword.arg, value=value))
        return prelude, gast.Call(func=func, args=args, keywords=keywords)

    def _simple_subscript(self, expr):
        prelude, container = self.atom(expr.value)
        more, index = self.index(expr.slice)
        return prelude + more, gast.Subscript(value=container, slice=index, ctx=gast.Load())

    def is_kept_whole(self, expr: gast.Attribute) -> bool:
        """A chain of attributes read as a value stays whole on a global name (`np.linalg.norm`,
        resolved later, never evaluated here); on a local name (`osc.params.m`) it reads one
        attribute at a time, each a field read of its own: `_t = osc.params; _t.m`. (A called
        chain, `xp.linalg.norm(x)`, stays whole: the call is resolved by its name.)"""
        return _is_dotted(expr) and not (isinstance(expr.value, gast.Attribute)
                                         and _chain_root(expr) in self.local_names)

    def _simple_attribute(self, expr):
        if self.is_kept_whole(expr):
            return [], expr
        prelude, base = self.atom(expr.value)
        return prelude, nodes.attribute(base, expr.attr)

    def _simple_tuple(self, expr):
        prelude, elements = self.atoms(expr.elts)
        return prelude, gast.Tuple(elts=elements, ctx=gast.Load())

    def _simple_list(self, expr):
        prelude, elements = self.atoms(expr.elts)
        return prelude, gast.List(elts=elements, ctx=gast.Load())

    def _simple_dict(self, expr):
        prelude, keys = self.atoms(expr.keys)
        more, values = self.atoms(expr.values)
        return prelude + more, gast.Dict(keys=keys, values=values)

    def _simple_namedexpr(self, expr):
        """`(n := value)`: n is assigned first, and the expression is n."""
        prelude, value = self.simple(expr.value)
        target = expr.target.id
        if not nodes.is_atom(value) and target in set(nodes.names_read(value)):  # as in _assign
            temp = self.fresh("_t")
            prelude.append(nodes.assign(temp, value))
            value = nodes.name(temp)
        return prelude + [nodes.assign(target, value)], nodes.name(target)

    def _condition_with_walrus(self, expr):
        """A comparison or `and`/`or` whose first operand (always evaluated, first) holds a walrus:
        that operand is computed before; the rest stays a condition."""
        prelude, first = self.atom(_first_operand(expr))
        if isinstance(expr, gast.Compare):
            return prelude, gast.Compare(left=first, ops=expr.ops, comparators=expr.comparators)
        return prelude, gast.BoolOp(op=expr.op, values=[first] + expr.values[1:])

    def _simple_ifexp(self, expr):
        prelude, test = self.condition(expr.test, [])
        temp = self.fresh("_t")
        then_prelude, then_value = self.value(expr.body)
        else_prelude, else_value = self.value(expr.orelse)
        branch = nodes.if_(
            test,
            then_prelude + [nodes.assign(temp, then_value)],
            else_prelude + [nodes.assign(temp, else_value)],
        )
        return prelude + [branch], nodes.name(temp)


def _first_operand(expr: gast.expr) -> gast.expr:
    return expr.left if isinstance(expr, gast.Compare) else expr.values[0]


def _is_truth_value(expr: gast.expr) -> bool:
    """Whether expr is True or False whatever its operands: a comparison, `not`, a bool constant,
    or `and`/`or` of those (then its value is its truth, and it stays a condition)."""
    if isinstance(expr, gast.BoolOp):
        return all(_is_truth_value(value) for value in expr.values)
    if isinstance(expr, gast.UnaryOp):
        return isinstance(expr.op, gast.Not)
    return isinstance(expr, gast.Compare) or (isinstance(expr, gast.Constant) and isinstance(expr.value, bool))


def _has_walrus(expr: gast.expr) -> bool:
    return any(isinstance(node, gast.NamedExpr) for node in nodes.walk(expr))


def _is_dotted(expr: gast.expr) -> bool:
    """`np.linalg.norm`: a chain of attributes on a name (resolved later, never evaluated here)."""
    return _chain_root(expr) is not None


def _chain_root(expr: gast.expr):
    """The name a chain of attributes starts from (`np` for `np.linalg.norm`), or None."""
    while isinstance(expr, gast.Attribute):
        expr = expr.value
    return expr.id if isinstance(expr, gast.Name) else None


def refuse_conditional_walrus(parsed) -> None:
    """Refuse a walrus A-normal form left inside a condition: one Python evaluates only sometimes
    (after `and`/`or`, in a chained comparison), so it cannot be computed on its own line."""
    for node in nodes.walk(parsed.node):
        if isinstance(node, gast.NamedExpr):
            raise UnsupportedSyntaxError(
                "walrus", "an assignment expression (`:=`) that Python evaluates only sometimes (after `and`, "
                "`or`, in a chained comparison or a conditional expression) is not supported; assign on a line "
                "of its own", parsed.info.location(node))


def check_walrus(parsed) -> bool:
    """Whether the function holds a walrus; refuses one that rebinds a name an operand evaluated
    before it reads as it is:
    `h(y, (y := 3.0 * y))` passes h the old y first, where A-normal form, which keeps a name as
    its own operand, would pass the new one (and `y.fill((y := z)[0])` fills the old array).
    Operands are taken in the order Python evaluates them: an assignment's value before its
    targets, a dict's keys and values by pairs, every operand of a conditional expression."""
    if not any(isinstance(node, gast.NamedExpr) for node in nodes.every_node(parsed.node)):
        return False
    for stmt in nodes.statements(parsed.node):
        found = _rebinding_walrus(_evaluated(stmt), set())
        if found is not None:
            raise UnsupportedSyntaxError(
                "walrus", f"this assignment expression (`:=`) rebinds `{found.target.id}`, which the same statement "
                "reads before it; Python reads the old value there, and the derivative would read the new one: "
                "assign on a line of its own", parsed.info.location(found))
    return True


def _evaluated(stmt: gast.stmt) -> List[gast.AST]:
    """The expressions of a statement (of a compound statement, its header), in the order Python
    evaluates them."""
    if isinstance(stmt, gast.Assign):
        return [stmt.value, *stmt.targets]
    if isinstance(stmt, (gast.For, gast.AsyncFor)):
        return [stmt.iter, stmt.target]
    if isinstance(stmt, (gast.If, gast.While)):
        return [stmt.test]
    return [] if nodes.statement_fields(stmt.__class__) else [stmt]


def _rebinding_walrus(parts, read: set):
    """The first walrus among parts (evaluated in order) that rebinds a name in `read` or read
    before it there, else None; `read` gathers the names read."""
    for node in parts:
        if isinstance(node, gast.NamedExpr):
            earlier = node.target.id in read  # (its own value reads the name before it is bound: as ANF does)
            found = _rebinding_walrus([node.value], read)
            if found is not None or earlier:
                return found or node
        elif isinstance(node, gast.Name):
            if not isinstance(node.ctx, gast.Store):
                read.add(node.id)
        else:
            found = _rebinding_walrus(_operands(node), read)
            if found is not None:
                return found
    return None


def _operands(node: gast.AST) -> List[gast.AST]:
    if isinstance(node, gast.Dict):
        return [part for pair in zip(node.keys, node.values) for part in pair if part is not None]
    return nodes.children(node)


def to_anf(func_node: gast.FunctionDef, fresh: Callable[[str], str]) -> gast.FunctionDef:
    """Rewrite func_node's body in place into A-normal form and return it."""
    func_node.body = ANF(fresh, nodes.local_names(func_node)).block(func_node.body)
    return func_node
