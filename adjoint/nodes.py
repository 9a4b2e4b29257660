"""Constructors and queries over gast nodes, shared by every stage of the pipeline."""
from __future__ import annotations

import copy
from collections import deque
from typing import Callable, Iterable, Iterator, List, Optional, Sequence, Set

import gast

COMMENT_MARKER = "__adjoint_comment__"


_new = gast.AST.__new__  # a node of a class without calling its constructor (gast's takes keywords, slowly)


def _node(cls: type, **fields) -> gast.AST:
    """gast's `cls(**fields)`, the same node, made twice as fast: the compiler makes many."""
    node = _new(cls)
    node.__dict__.update(fields)
    return node


def name(identifier: str, store: bool = False) -> gast.Name:
    node = _new(gast.Name)
    node.__dict__.update(id=identifier, ctx=_new(gast.Store if store else gast.Load), annotation=None,
                         type_comment=None)
    return node


def constant(value) -> gast.Constant:
    node = _new(gast.Constant)
    node.__dict__.update(value=value, kind=None)
    return node


def assign(target: str, value: gast.expr) -> gast.Assign:
    return _node(gast.Assign, targets=[name(target, store=True)], value=value, type_comment=None)


_ATOMS = frozenset({str, int, float, bool, complex, bytes, type(None), type(Ellipsis)})
_SHARED = _ATOMS | {gast.Load, gast.Store, gast.Del}  # contexts too: no pass changes one, each sets a new one


def clone(node, copies: Optional[dict] = None):
    """A copy of a tree (a node, or a list of them): copy.deepcopy for syntax trees, several times as
    fast. Immutable values (names, numbers) and contexts are shared, without a call for each. `copies`:
    id of each node -> its copy, filled in and read, so that a node held twice is copied once."""
    if isinstance(node, list):
        return [clone(item, copies) for item in node]
    if not isinstance(node, gast.AST):
        return node if type(node) in _ATOMS else copy.deepcopy(node)
    if copies is not None and id(node) in copies:
        return copies[id(node)]
    copied = node.__class__.__new__(node.__class__)
    if copies is not None:
        copies[id(node)] = copied
    copied.__dict__.update({key: value if value.__class__ in _SHARED else clone(value, copies)
                            for key, value in node.__dict__.items()})
    return copied


def assign_to(target: gast.expr, value: gast.expr) -> gast.Assign:
    target = clone(target)
    set_store(target)
    return _node(gast.Assign, targets=[target], value=value, type_comment=None)


def call(func: gast.expr, args: Sequence[gast.expr] = (), keywords=()) -> gast.Call:
    return _node(gast.Call, func=func, args=list(args), keywords=list(keywords))


def attribute(value: gast.expr, attr: str) -> gast.Attribute:
    return _node(gast.Attribute, value=value, attr=attr, ctx=_new(gast.Load))


def dotted(path: str) -> gast.expr:
    """`np.linalg.norm` as an expression."""
    head, *rest = path.split(".")
    node: gast.expr = name(head)
    for part in rest:
        node = attribute(node, part)
    return node


def call_named(path: str, *args: gast.expr) -> gast.Call:
    return call(dotted(path), args)


def method_call(obj: str, method: str, *args: gast.expr) -> gast.Expr:
    return _node(gast.Expr, value=call(attribute(name(obj), method), args))


def subscript(value: gast.expr, index: gast.expr) -> gast.Subscript:
    return gast.Subscript(value=value, slice=index, ctx=gast.Load())


def index_value(index: gast.expr) -> gast.expr:
    """An index as a value: `1:3` becomes `slice(1, 3, None)`, tuples convert elementwise."""
    if isinstance(index, gast.Slice):
        parts = [load_copy(p) if p is not None else constant(None) for p in (index.lower, index.upper, index.step)]
        return call(name("slice"), parts)
    if isinstance(index, gast.Tuple):
        return tuple_of(index_value(element) for element in index.elts)
    return load_copy(index)


def operation_arguments(expr: gast.expr):
    """(positional arguments, keyword arguments) of an operation, as a rule template binds them:
    `a + b` -> ([a, b], {}), `-a` -> ([a], {}), `x[i]` -> ([x, i as a value], {}), calls as written."""
    if isinstance(expr, gast.BinOp):
        return [expr.left, expr.right], {}
    if isinstance(expr, gast.UnaryOp):
        return [expr.operand], {}
    if isinstance(expr, gast.Subscript):
        return [expr.value, index_value(expr.slice)], {}
    return list(expr.args), {k.arg: k.value for k in expr.keywords}


def binop(left: gast.expr, op: gast.operator, right: gast.expr) -> gast.BinOp:
    return _node(gast.BinOp, left=left, op=op, right=right)


def add(left: gast.expr, right: gast.expr) -> gast.BinOp:
    return binop(left, _new(gast.Add), right)


def tuple_of(elements: Iterable[gast.expr]) -> gast.Tuple:
    return gast.Tuple(elts=list(elements), ctx=gast.Load())


def if_(test: gast.expr, body: List[gast.stmt], orelse: Optional[List[gast.stmt]] = None) -> gast.If:
    return gast.If(test=test, body=body or [gast.Pass()], orelse=orelse or [])


def not_(operand: gast.expr) -> gast.UnaryOp:
    return gast.UnaryOp(op=gast.Not(), operand=operand)


def comment(text: str) -> gast.Expr:
    """A statement that codegen prints as `# text`."""
    return _node(gast.Expr, value=call(name(COMMENT_MARKER), [constant(text)]))


def is_comment(stmt: gast.stmt) -> bool:
    return (isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) and isinstance(stmt.value.func, gast.Name)
            and stmt.value.func.id == COMMENT_MARKER)


def set_store(target: gast.expr) -> None:
    target.ctx = _new(gast.Store)


def load_copy(node: gast.expr) -> gast.expr:
    """A copy of `node` usable as an expression (Load context throughout)."""
    node = clone(node)
    for sub in every_node(node):
        if hasattr(sub, "ctx"):
            sub.ctx = _new(gast.Load)
    return node


def is_atom(node: gast.expr) -> bool:
    return isinstance(node, (gast.Name, gast.Constant))


HELD_STILL: dict = {}  # id(tree) -> (tree, every_node(tree), {}) while a stage holds tree unchanged (frontend/held.py)
_NOT_CHILDREN = frozenset({"ctx", "id", "attr", "kind", "type_comment"})  # contexts, and fields holding text
_CHILD_FIELDS: dict = {gast.Constant: ()}  # a constant's value is a Python value, not a node


def child_fields(cls: type) -> tuple:
    fields = _CHILD_FIELDS.get(cls)
    if fields is None:
        fields = _CHILD_FIELDS[cls] = tuple(f for f in cls._fields if f not in _NOT_CHILDREN)
    return fields


def walk(node: gast.AST) -> Iterator[gast.AST]:
    """Every node under node, in the order of gast.walk (breadth first), except the expression
    contexts (`Load`, `Store`: read them as `name.ctx`), several times as fast: the passes walk
    the derivative tree many times. A node's children are found when it is yielded."""
    held = HELD_STILL.get(id(node)) if HELD_STILL else None
    if held is not None and held[0] is node:
        yield from held[1]
        return
    todo = [node]
    append, known, ast_node = todo.append, _CHILD_FIELDS.get, gast.AST
    for node in todo:  # grows as it goes: a queue that is never emptied
        fields = known(node.__class__)
        for field in child_fields(node.__class__) if fields is None else fields:
            value = getattr(node, field, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, ast_node):
                        append(item)
            elif isinstance(value, ast_node):
                append(value)
        yield node


def children(node: gast.AST) -> List[gast.AST]:
    """The nodes directly under node, in the order of gast.iter_child_nodes, except the
    expression contexts (as `walk`)."""
    found: List[gast.AST] = []
    append, ast_node = found.append, gast.AST
    fields = _CHILD_FIELDS.get(node.__class__)
    for field in child_fields(node.__class__) if fields is None else fields:
        value = getattr(node, field, None)
        if value.__class__ is list:
            for item in value:
                if isinstance(item, ast_node):
                    append(item)
        elif isinstance(value, ast_node):
            append(value)
    return found


_NO_METHOD = object()
_METHODS: dict = {}  # (transformer class, node class) -> its visit_ method, or None


class Transformer:
    """The contract of gast.NodeTransformer (a `visit_<Class>` method returns what takes the
    place of the node it visits: the node, another, None to remove it from its list, or a list
    to put several there), several times as fast: contexts and the fields holding text are not
    visited, and the method for each class of node is looked up once."""

    def visit(self, node: gast.AST):
        key = (self.__class__, node.__class__)
        method = _METHODS.get(key, _NO_METHOD)
        if method is _NO_METHOD:
            method = _METHODS[key] = getattr(self.__class__, "visit_" + node.__class__.__name__, None)
        if method is None:
            return self.generic_visit(node)
        return method(self, node)

    def generic_visit(self, node: gast.AST) -> gast.AST:
        ast_node = gast.AST
        fields = _CHILD_FIELDS.get(node.__class__)
        for field in child_fields(node.__class__) if fields is None else fields:
            old = getattr(node, field, None)
            if old.__class__ is list:
                new = []
                for item in old:
                    if isinstance(item, ast_node):
                        item = self.visit(item)
                        if item is None:
                            continue
                        if not isinstance(item, ast_node):
                            new.extend(item)
                            continue
                    new.append(item)
                old[:] = new
            elif isinstance(old, ast_node):
                replacement = self.visit(old)
                if replacement is None:
                    delattr(node, field)
                else:
                    setattr(node, field, replacement)
        return node


def rewrite(node: gast.AST, replace: Callable[[gast.AST], gast.AST]) -> gast.AST:
    """Bottom up, each node with its children rewritten is put where it stands as
    replace(node) gives it (the node itself, or another one): what a Transformer whose
    visit methods return a node each does, without its dispatch."""
    fields = _CHILD_FIELDS.get(node.__class__)
    attributes = node.__dict__
    for field in child_fields(node.__class__) if fields is None else fields:
        value = attributes.get(field)
        if value.__class__ is list:
            for index, item in enumerate(value):
                if isinstance(item, gast.AST):
                    value[index] = rewrite(item, replace)
        elif isinstance(value, gast.AST):
            setattr(node, field, rewrite(value, replace))
    return replace(node)


def statements(node: gast.AST) -> List[gast.stmt]:
    """Every statement inside a function or compound statement, in source order (bodies of
    `if`, loops and `with` included), without walking into expressions; listed once while a
    stage holds the tree still (HELD_STILL), as the analyses each ask for them."""
    held = HELD_STILL.get(id(node)) if HELD_STILL else None
    kept = held[2] if held is not None and held[0] is node else {}
    if "statements" not in kept:
        kept["statements"] = statements_in(s for field in ("body", "orelse") for s in getattr(node, field, None) or ())
    return list(kept["statements"])


def statements_in(body: Iterable[gast.stmt]) -> List[gast.stmt]:
    """The statements of a statement list and every statement inside them, in source order."""
    found: List[gast.stmt] = []
    _add_statements(body, found)
    return found


def _add_statements(body: Iterable[gast.stmt], found: List[gast.stmt]) -> None:
    """(The passes list statements often: a list, with no generator made per statement.)"""
    for stmt in body:
        found.append(stmt)
        for field in ("body", "orelse"):
            _add_statements(getattr(stmt, field, None) or (), found)


def parameters(func_node: gast.FunctionDef) -> List[str]:
    """The names of a function's parameters, positional then keyword-only."""
    return [arg.id for arg in func_node.args.args + func_node.args.kwonlyargs]


def dotted_name(node: gast.expr) -> Optional[str]:
    """`np.linalg.norm` for that expression; None for anything but a name and attributes of it."""
    if isinstance(node, gast.Name):
        return node.id
    if isinstance(node, gast.Attribute):
        owner = dotted_name(node.value)
        return None if owner is None else f"{owner}.{node.attr}"
    return None


def replace_node(tree: gast.AST, old: gast.AST, new: gast.AST) -> None:
    """Put `new` where `old` stands in tree (the first place found, as a field or a list item)."""
    for node in walk(tree):
        for field in node._fields:
            value = getattr(node, field, None)
            if value is old:
                setattr(node, field, new)
                return
            if isinstance(value, list):
                for index, item in enumerate(value):
                    if item is old:
                        value[index] = new
                        return


def local_names(func_node: gast.FunctionDef) -> frozenset:
    """The names a function binds: its parameters and every name it assigns."""
    return frozenset(names_stored(func_node)) | frozenset(parameters(func_node))


def assigned_name(stmt: gast.stmt) -> Optional[str]:
    """x for `x = ...`, else None (a write into an item, a tuple target, any other statement)."""
    if stmt.__class__ is gast.Assign:  # the classes themselves: the compiler makes many asks
        target = stmt.targets[0]
        if target.__class__ is gast.Name:
            return target.id
    return None


def names_changed(stmt: gast.stmt) -> Set[str]:
    """The names a statement rebinds or changes in place (by item, or by a method: `xs.append(v)`)."""
    changed = set(names_stored(stmt))
    for node in walk(stmt):
        if isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Store):
            changed.update(names_read(node.value))
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute):
            changed.update(names_read(node.func.value))
    return changed


def exposed_reads(code: Iterable[gast.stmt]) -> Set[str]:
    """The names statements read before they assign them: what they need from before them."""
    exposed: Set[str] = set()
    assigned: Set[str] = set()
    name, load, store = gast.Name, gast.Load, gast.Store
    for stmt in code:
        stored = []
        for sub in every_node(stmt):
            if sub.__class__ is name:
                if sub.ctx.__class__ is load:
                    if sub.id not in assigned:
                        exposed.add(sub.id)
                elif sub.ctx.__class__ is store:
                    stored.append(sub.id)
        assigned.update(stored)
    return exposed


def blocks(node: gast.AST) -> Iterator[List[gast.stmt]]:
    """Every statement list inside node (a function's body, the bodies of its ifs and loops), in
    the order of `walk`, visiting statements only (expressions hold no statement lists)."""
    todo = deque([node])
    statement_kinds = (gast.stmt, gast.excepthandler)
    while todo:
        owner = todo.popleft()
        for field in statement_fields(owner.__class__):
            value = getattr(owner, field, None)
            if value.__class__ is list:
                todo.extend([item for item in value if isinstance(item, statement_kinds)])
        for field in ("body", "orelse"):
            block = getattr(owner, field, None)
            if isinstance(block, list) and block and isinstance(block[0], gast.stmt):
                yield block


_HOLD_STATEMENTS = frozenset({"body", "orelse", "finalbody", "handlers"})  # the fields that may hold statements
_STATEMENT_FIELDS: dict = {}  # node class -> its fields among _HOLD_STATEMENTS, in the order of _fields


def statement_fields(cls: type) -> tuple:
    """The fields of a node class that may hold statements (or exception handlers), in order."""
    fields = _STATEMENT_FIELDS.get(cls)
    if fields is None:
        fields = _STATEMENT_FIELDS[cls] = tuple(f for f in cls._fields if f in _HOLD_STATEMENTS)
    return fields


def every_node(node: gast.AST) -> List[gast.AST]:
    """The nodes of `walk`, in its order, as a list (for a query that reads them all)."""
    held = HELD_STILL.get(id(node)) if HELD_STILL else None
    if held is not None and held[0] is node:
        return list(held[1])
    found = [node]
    append, known, ast_node = found.append, _CHILD_FIELDS.get, gast.AST
    for node in found:  # grows as it goes
        fields = known(node.__class__)
        for field in child_fields(node.__class__) if fields is None else fields:
            value = getattr(node, field, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, ast_node):
                        append(item)
            elif isinstance(value, ast_node):
                append(value)
    return found


def names_read(node: gast.AST) -> List[str]:
    """Every identifier loaded anywhere inside node."""
    name, load = gast.Name, gast.Load
    return [sub.id for sub in every_node(node) if sub.__class__ is name and sub.ctx.__class__ is load]


def names_stored(node: gast.AST) -> List[str]:
    name, store = gast.Name, gast.Store
    return [sub.id for sub in every_node(node) if sub.__class__ is name and sub.ctx.__class__ is store]


def all_identifiers(node: gast.AST) -> set:
    name = gast.Name
    return {sub.id for sub in every_node(node) if sub.__class__ is name}


def position_of(old: gast.AST) -> Optional[dict]:
    """The position copy_location gives from `old` (None when old has none), as attributes."""
    lineno = getattr(old, "lineno", None)
    if lineno is None:
        return None
    return {"lineno": lineno, "col_offset": getattr(old, "col_offset", 0),
            "end_lineno": getattr(old, "end_lineno", lineno), "end_col_offset": getattr(old, "end_col_offset", None)}


def copy_location(new: gast.AST, old: gast.AST) -> gast.AST:
    """Give `new` and its children without a position the position of `old` (one pass over
    the nodes of `walk`, as every_node finds them: it runs on every statement generated)."""
    position = position_of(old)
    if position is None:
        return new
    todo = [new]
    append, known, ast_node = todo.append, _CHILD_FIELDS.get, gast.AST
    for node in todo:  # grows as it goes
        cls = node.__class__
        attributes = node.__dict__
        if attributes.get("lineno") is None and "lineno" in cls._attributes:
            attributes.update(position)
        fields = known(cls)
        for field in child_fields(cls) if fields is None else fields:
            value = attributes.get(field)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, ast_node):
                        append(item)
            elif isinstance(value, ast_node):
                append(value)
    return new


def is_append(stmt: gast.stmt) -> bool:
    """`lst.append(v)` as a statement."""
    return (
        isinstance(stmt, gast.Expr)
        and isinstance(stmt.value, gast.Call)
        and isinstance(stmt.value.func, gast.Attribute)
        and stmt.value.func.attr == "append"
        and isinstance(stmt.value.func.value, gast.Name)
        and len(stmt.value.args) == 1
    )


def is_pop(value: gast.expr) -> bool:
    """`lst.pop()` as the value of an assignment."""
    return (
        isinstance(value, gast.Call)
        and isinstance(value.func, gast.Attribute)
        and value.func.attr == "pop"
        and isinstance(value.func.value, gast.Name)
        and not value.args
        and not value.keywords
    )

