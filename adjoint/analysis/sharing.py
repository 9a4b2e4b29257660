"""Which names may share memory: a flow-sensitive may-share analysis over the normalized function.

Each name maps to abstract memory roots: `own[n]`, the memory n's object may be, and
`held[n]`, the memory of the objects it may hold (a list's elements). Arguments start with
roots of their own; `d = c`, basic-slice views (`c[1:]`), the NumPy functions that may return a
view (analysis/views.py), items of lists and the results of callees that may return an argument
share their operand's roots; anything else is new memory. Memory the function neither made nor
was given has the root OUTSIDE_MEMORY: the objects of its globals and closure cells (and what a
module holds), a parameter's default object, and all they hold; a called user function's facts
(`returns`) say whether its result may be or hold its arguments or such memory, so that a name
bound to a getter's result, a view of a global or an item of a tuple holding one reaches it too.
A result that is a tuple of objects apart (NumPy's `np.linalg.eigh(S)`: views.results_apart; a
user function's: analysis/positions.py) holds one root per position (Position), and `t[k]` or
`t.field` of it reaches the root of that position alone. analysis/aliases.py decides from these
facts which in-place writes are exact.
"""
from __future__ import annotations

import inspect
from typing import Dict, FrozenSet, List, NamedTuple, Optional, Set, Tuple

import gast
import numpy as np

from adjoint import nodes, runtime
from adjoint.analysis.augmented import operation_of
from adjoint.analysis.calls import CallClassifier, Callee
from adjoint.analysis.kinds import CONTAINER, MAPPING, SCALAR, is_array, rank_of
from adjoint.analysis.ranks import array_ranks
from adjoint.analysis.stacks import PUSHED, Popped, compiler_stacks
from adjoint.analysis.views import (ARRAY_VIEWS, CONTAINER_BUILTINS, COPYING_METHODS, SHARING_BUILTINS,
                                    VALUE_BUILTINS, VIEW_FUNCTIONS, VIEWS_OF_ANY_ARGUMENT, computes_numbers,
                                    contraction, fancy_index, makes_new_object, may_not_copy, results_apart,
                                    selects_element)
from adjoint.analysis.reach import (NOT_HOLDING, class_reaches_outside, defaulted_to_objects, holds_memory, is_inert,
                                    is_dunder, is_library, is_reflection, outside_objects)
from adjoint.frontend.values import resolve_value
from adjoint.nodes import is_append, is_pop
from adjoint.frontend.names import module_of

# The root of the object `name = value` makes: FRESH + the statement's id.
FRESH = "new "
# The root of memory the function neither made nor was given as an argument: the objects of its
# globals and closure cells, and all they hold.
OUTSIDE_MEMORY = "outside memory"
# What a called user function's result may be or hold of memory it did not make (its `returns`
# facts): objects it was given, or from outside it (OUTSIDE_MEMORY), or only items from outside
# (a new list of global arrays).
ARGUMENTS = "arguments"
OUTSIDE_ITEMS = "items from outside"
RETURNS_ANYTHING = frozenset({ARGUMENTS, OUTSIDE_MEMORY})


State = Tuple[Dict[str, FrozenSet[str]], Dict[str, FrozenSet[str]]]


class Position(NamedTuple):
    """A position of a call's result that is a tuple of objects apart: its index, the tuple's
    length, the root of the tuple, and the name of its field (a NamedTuple's; None in a plain tuple)."""

    index: int
    length: int
    result: str
    field: Optional[str]

    def selected_by(self, selector) -> bool:
        """Whether `t[selector]` (selector an int) or `t.selector` (a name) may be this position."""
        if isinstance(selector, str):
            return self.field in (selector, None)
        return self.index == selector % self.length


class Sharing:
    """May-share facts, flow-sensitive: at each statement `own[n]` is the memory n's object may
    be and `held[n]` the memory of the objects it may hold (a list's elements), as abstract roots.
    `before[stmt]` is the state just before each statement the checks read (see _watched)."""

    def __init__(self, func_node: gast.FunctionDef, kinds: Dict[str, str], classifier: CallClassifier,
                 rebound_lines: FrozenSet[int] = frozenset(), returns=None, result_positions=None):
        self.rebound_lines = rebound_lines
        self.result_positions = result_positions
        self.positions: Dict[str, Position] = {}  # the root of a position of a call's result -> that position
        self.tuples: Set[str] = set()  # the roots of the results made of such positions
        self.kinds = kinds
        self.classifier = classifier
        self.returns = returns  # (user function, call) -> what its result may be of memory it did not make
        self.own: Dict[str, FrozenSet[str]] = {}
        self.held: Dict[str, FrozenSet[str]] = {}
        self.argument_roots: Set[str] = set()
        self.ever: Dict[str, FrozenSet[str]] = {}  # every root a name may reach at some statement
        outside = frozenset({OUTSIDE_MEMORY})
        for name in outside_objects(func_node, classifier):
            self.own[name], self.held[name], self.ever[name] = outside, outside, outside
        for arg in func_node.args.args + func_node.args.kwonlyargs:
            if kinds.get(arg.id) != SCALAR:
                self._bind_parameter(arg.id, frozenset({"argument " + arg.id}),
                                     frozenset({"contents of argument " + arg.id}))
            if arg.id in classifier.parsed.fixed and kinds.get(arg.id) != SCALAR:  # a bound method's `self`
                self.own[arg.id], self.held[arg.id] = self.own[arg.id] | outside, self.held[arg.id] | outside
                self.ever[arg.id] = self.ever[arg.id] | outside
        for name in defaulted_to_objects(func_node.args) - {name for name, kind in kinds.items() if kind == SCALAR}:
            self.own[name], self.held[name], self.ever[name] = [
                facts.get(name, frozenset()) | outside for facts in (self.own, self.held, self.ever)]
        self.ndim = array_ranks(func_node, kinds, classifier)
        self.before: Dict[gast.stmt, State] = {}
        self.made: Set[str] = set()  # the roots of the statements that have run
        self.stacks = compiler_stacks(func_node, getattr(classifier, "parsed", None))
        self._block(func_node.body)

    def _bind_parameter(self, name: str, own: FrozenSet[str], held: FrozenSet[str]) -> None:
        self.own[name], self.held[name] = own, held
        self.argument_roots |= own | held
        self.ever[name] = own | held

    def reaches(self, name: str, state: Optional[State] = None) -> Set[str]:
        own, held = state or (self.own, self.held)
        return set(own.get(name, ())) | set(held.get(name, ()))

    def _atom(self, node: gast.expr) -> Set[str]:
        return self.reaches(node.id) if isinstance(node, gast.Name) else set()

    # ----- the walk over the structured body -----------------------------------------

    def _block(self, stmts) -> None:
        for stmt in stmts:
            if isinstance(stmt, gast.If):
                entry = self._state()
                self._block(stmt.body)
                after_body = self._state()
                self.own, self.held = dict(entry[0]), dict(entry[1])
                self._block(stmt.orelse)
                self._join(after_body)
            elif isinstance(stmt, (gast.For, gast.While)):
                while True:
                    entry = self._state()
                    self._block(stmt.body)
                    self._join(entry)
                    if self._state() == entry:
                        break
            elif not isinstance(stmt, gast.With):
                if self._watched(stmt):
                    self.before[stmt] = self._state()
                self._flow(stmt)

    def _watched(self, stmt: gast.stmt) -> bool:
        """A statement whose state the checks read: a write in place (or a line normalized from
        one), a call of a user function (which may write into what it is given), a call made for
        its effect, and the return."""
        if isinstance(stmt, gast.Return) or is_append(stmt) or getattr(stmt, "lineno", None) in self.rebound_lines:
            return True
        value = getattr(stmt, "value", None)
        if isinstance(stmt, gast.Expr) and isinstance(value, gast.Call):
            return True
        if isinstance(stmt, (gast.Assign, gast.Expr)) and isinstance(value, gast.Call):
            if self.classifier.classify(value).kind == Callee.USER:
                return True
        return isinstance(stmt, gast.Assign) and (isinstance(stmt.targets[0], gast.Subscript) or is_pop(stmt.value))

    def _state(self) -> State:
        return dict(self.own), dict(self.held)

    def _join(self, other: State) -> None:
        for facts, more in ((self.own, other[0]), (self.held, other[1])):
            for name, roots in more.items():
                facts[name] = facts.get(name, frozenset()) | roots

    def _set(self, name: str, own: Set[str], held: Set[str], replace: bool) -> None:
        if self.kinds.get(name) == SCALAR:
            return
        if not replace:
            own, held = own | self.own.get(name, frozenset()), held | self.held.get(name, frozenset())
        self.own[name], self.held[name] = frozenset(own), frozenset(held)
        self.ever[name] = self.ever.get(name, frozenset()) | self.own[name] | self.held[name]

    def _keep_families(self) -> None:
        """At a push on the compiler's stack, what the names of each family it restores hold: what a
        pop gives back (analysis/stacks.py), kept under keys no name has."""
        for name, family in self.stacks.family.items():
            for key, roots in ((family.objects, self.own.get(name)), (family.items, self.held.get(name))):
                self.held[key] = self.held.get(key, frozenset()) | (roots or frozenset())

    def _flow(self, stmt: gast.stmt) -> None:
        if is_append(stmt):
            self._set(stmt.value.func.value.id, set(), self._atom(stmt.value.args[0]), replace=False)
            if self.stacks.pushes(stmt):
                self._keep_families()
            return
        if not isinstance(stmt, gast.Assign):
            return
        target, value = stmt.targets[0], stmt.value
        if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
            if self.kinds.get(target.value.id) in (CONTAINER, MAPPING):  # an array copies what is stored in it
                self._set(target.value.id, set(), self._atom(value), replace=False)
        elif isinstance(target, gast.Name):
            fresh = f"{FRESH}{id(stmt)}"
            self._age(fresh)  # before the value is read: what it reads of an earlier run is older
            restored = self.stacks.restored(stmt)
            own, held = self._value(value, fresh) if restored is None else [self.held.get(k, set()) for k in restored]
            self._set(target.id, own, held, replace=True)

    def _age(self, fresh: str) -> None:
        """The objects an earlier run of a statement made (in a loop) become `older(fresh)`, so that
        `fresh` stands for the object it makes now, which nothing holds yet (`zs = [f(z) for z in zs]`
        writes into a new list, not into the one zs holds)."""
        if fresh not in self.made:
            self.made.add(fresh)
            return
        aged = frozenset({older(fresh)})
        for facts in (self.own, self.held, self.ever):
            for name, roots in facts.items():
                if fresh in roots:
                    facts[name] = roots - {fresh} | aged

    def _value(self, value: gast.expr, fresh: str) -> Tuple[Set[str], Set[str]]:
        if isinstance(value, gast.Name):
            return set(self.own.get(value.id, ())), set(self.held.get(value.id, ()))
        if isinstance(value, (gast.List, gast.Tuple, gast.Dict)):
            elements = value.values if isinstance(value, gast.Dict) else value.elts
            return {fresh}, set().union(*[self._atom(e) for e in elements])
        if isinstance(value, gast.Attribute) and (is_dunder(value.attr) or self._outside_attribute(value)):
            return {OUTSIDE_MEMORY}, {OUTSIDE_MEMORY}  # `f.__defaults__`, `m.__dict__`, `self.__class__` too
        if isinstance(value, gast.Attribute) and isinstance(value.value, gast.Name):
            return self._attribute(value.value.id, value.attr, fresh)
        if isinstance(value, gast.Attribute):  # `p.inner.w`: an object of what p.inner holds
            held = self._value(value.value, fresh)[1]
            return held, held
        if isinstance(value, gast.Subscript) or is_pop(value):
            owner = value.value if isinstance(value, gast.Subscript) else value.func.value
            if not isinstance(owner, gast.Name):
                return {fresh}, set()
            item = self.item_reaches(owner.id, _constant_index(value))
            if item is not None:
                return item, item  # an item of a tuple of objects apart
            held = set(self.held.get(owner.id, ()))
            if isinstance(value, gast.Subscript) and selects_element(value.slice, self.rank(owner.id), self.kinds):
                return set(), set()  # a number, not a view
            fancy = isinstance(value, gast.Subscript) and fancy_index(value.slice, self.kinds)
            if fancy and self.kinds.get(owner.id) != CONTAINER:
                return {fresh}, set()  # an array indexed by a list or an array of indices is a copy
            if self.kinds.get(owner.id) == CONTAINER and isinstance(getattr(value, "slice", None), gast.Slice):
                return {fresh}, held  # a slice of a list is a new list of its items
            if self.kinds.get(owner.id) == CONTAINER or is_pop(value):  # only a list has pop()
                return held, held
            return self.reaches(owner.id), held  # a basic index of an array is a view
        operands = [a for a in operands_of(value) if isinstance(a, gast.Name)]
        shared = set().union(*[self._atom(a) for a in operands]) if operands else set()
        if isinstance(value, gast.Call):
            return self._call(value, fresh, shared | self._through_holders(value))
        return {fresh}, self._joined_elements(value, operands)

    def _through_holders(self, call: gast.Call) -> Set[str]:
        """OUTSIDE_MEMORY where the call is given a module or a class of the user's (`get(config)`;
        for a callee known only at run time, any object from outside, a function too), or a dunder
        method of one is called (`config.__getattribute__("W")`): what they hold is memory from outside."""
        unknown = self.classifier.classify(call).func is None
        given = list(call.args) + [k.value for k in call.keywords]
        if isinstance(call.func, gast.Attribute) and is_dunder(call.func.attr):
            given.append(call.func.value)
        for operand in given:
            if not isinstance(operand, gast.Name) or operand.id in self.classifier.local_names:
                continue
            value = resolve_value(operand, self.classifier.parsed, self.classifier.local_names)
            if holds_memory(value) or unknown and not isinstance(value, NOT_HOLDING):
                return {OUTSIDE_MEMORY}
        return set()

    def _made_items(self, fresh: str, operation, call: gast.Call) -> Set[str]:
        """The memory of the new objects a called function's result may hold (the lists of a tuple
        it returns): roots of their own, so that a name bound to one of them (`a = t[0]`) shares
        memory with the result; one root per position when the result is a tuple of objects apart
        (a user function's: result_positions; NumPy's: views.results_apart). A forward half's
        result is described by its residual facts."""
        if operation.kind == Callee.USER and is_forward_half(operation.func):
            return set()
        if operation.kind == Callee.USER:
            length = self.result_positions and self.result_positions(operation.func, call)
            fields = (None,) * length if length else None
        else:
            fields = results_apart(operation.func, call)
        if not fields:
            return {"items of " + fresh}
        roots = {position_root(index, fresh): Position(index, len(fields), fresh, field)
                 for index, field in enumerate(fields)}
        self.positions.update(roots)
        self.tuples.add(fresh)
        return set(roots)

    def item_reaches(self, owner: str, selector, state: Optional[State] = None) -> Optional[Set[str]]:
        """What `t[k]` (selector k, an int) or `t.field` (selector the field's name) may reach where t
        may only be results made of positions (self.tuples) and the selector picks one: of their
        positions, those it picks (and what else they may hold); None otherwise (t may be another
        object, a list holding positions at other places too). Of the compiler's stack read by a push
        (PUSHED), nothing; by a pop (Popped), what the family it restores may be given back."""
        own, held = state or (self.own, self.held)
        if isinstance(selector, Popped):
            return set().union(*[held.get(key, ()) for key in selector.family])
        if selector is PUSHED:
            return set()
        results = own.get(owner, frozenset())
        if selector is None or not results or not results <= self.tuples:
            return None
        items = {root for root in held.get(owner, ()) if root not in self.positions
                 or self.positions[root].selected_by(selector)}
        return items if any(root in self.positions for root in items) else None

    def _outside_attribute(self, value: gast.Attribute) -> bool:
        """`config.W`, `pkg.sub.W`: an object held by a module (or a class) the function reads
        from outside."""
        root = value.value
        while isinstance(root, gast.Attribute):
            root = root.value
        if not isinstance(root, gast.Name):
            return False
        owner = root.id
        if owner in self.classifier.local_names or owner in self.own:
            return False
        return not is_inert(resolve_value(value, self.classifier.parsed, self.classifier.local_names))

    def _attribute(self, owner: str, attribute: str, fresh: str) -> Tuple[Set[str], Set[str]]:
        """`h.a`: an object of what h holds (as an item of a list), or for an array a view of it
        (`x.T`, `x.flat`) or a new value (`x.shape`)."""
        held = set(self.held.get(owner, ()))
        if not is_array(self.kinds.get(owner)):  # of a name not known for an array, `.flat` may be a view too
            item = None if attribute in ARRAY_VIEWS else self.item_reaches(owner, attribute)
            if item is not None:
                return item, item  # a field of a NamedTuple of objects apart (`res.eigenvectors`)
            return (held | self.reaches(owner), held) if attribute in ARRAY_VIEWS else (held, held)
        return (self.reaches(owner), held) if attribute in ARRAY_VIEWS else ({fresh}, set())

    def _joined_elements(self, value: gast.expr, operands: List[gast.Name]) -> Set[str]:
        """What `a + b` or `a * n` holds when it joins or repeats lists: their elements."""
        if not isinstance(value, gast.BinOp):
            return set()
        kinds = [SCALAR if isinstance(a, gast.Constant) else self.kinds.get(a.id) for a in (value.left, value.right)]
        joins = isinstance(value.op, gast.Add) and not any(k == SCALAR or is_array(k) for k in kinds)
        repeats = isinstance(value.op, gast.Mult) and SCALAR in kinds and not any(is_array(k) for k in kinds)
        if not (joins or repeats):
            return set()
        return set().union(*[self.held.get(a.id, set()) for a in operands])

    def _items(self, name: gast.Name, copy: bool = False) -> Set[str]:
        """What iterating over `name` may give, or its `.copy()` hold: a list's items; an array's rows (views of it)."""
        if copy or self.kinds.get(name.id) == CONTAINER:  # (an array's copy holds numbers, not views of it)
            return set(self.held.get(name.id, ()))
        return self.reaches(name.id)

    def rank(self, name: str) -> Optional[int]:
        rank = self.ndim.get(name)
        return rank if rank is not None else rank_of(self.kinds.get(name))

    def _call(self, call: gast.Call, fresh: str, shared: Set[str]) -> Tuple[Set[str], Set[str]]:
        operation = self.classifier.classify(call)
        func = operation.func
        if any(func is view for view in VIEW_FUNCTIONS):
            first = call.args[0] if call.args else None
            return self._atom(first) if first is not None else set(), shared
        if any(func is view for view in VIEWS_OF_ANY_ARGUMENT) and not contraction(func, call):
            arguments = call.args + [keyword.value for keyword in call.keywords]
            roots = set().union(*[self._atom(a) for a in arguments])  # the result, or its items (a list of views)
            return {fresh} | roots, shared | roots
        copied = self._outside_copy(call, fresh) if operation.kind == Callee.UNKNOWN else None
        if copied is not None:
            return copied
        reached = self._reflected(call, func, fresh)
        if reached is not None:
            return reached
        made = self._made_items(fresh, operation, call)
        if operation.kind == Callee.USER:
            return self._user_result(operation.func, call, fresh, shared, made)
        if fresh in self.tuples:  # (views.results_apart: np.linalg.eigh(S), np.modf(x))
            return {fresh}, made
        if (func is runtime.copied or func is runtime.shape_only) and call.args and isinstance(call.args[0], gast.Name) \
                and (is_array(self.kinds.get(call.args[0].id)) or self.rank(call.args[0].id) is not None):
            return {fresh}, set()  # an array's copy holds numbers, not the rows of the array; shape_only: a stand-in
        if func is runtime.astype and not may_not_copy(call, func):
            return {fresh}, set()  # x.astype(dtype): a new array, or a NumPy number
        if any(func is b for b in CONTAINER_BUILTINS):
            items = [self._items(a, func is runtime.copied) for a in call.args if isinstance(a, gast.Name)]
            return {fresh}, set().union(*items) if items else set()
        if func is None or any(func is b for b in SHARING_BUILTINS):
            return {fresh} | shared, shared | made
        computed = operation_of(func, call)
        if computed is not None:  # `a op= b` (analysis/augmented.py): a new object, joining lists as `a + b` does
            return {fresh}, self._joined_elements(computed, [a for a in call.args if isinstance(a, gast.Name)])
        module = module_of(func)
        if any(func is f for f in (runtime.snapshot, runtime.saved_item, runtime.kept_value, runtime.listed,
                                   runtime.diagonal_positions, runtime.lists_apart, runtime.list_apart,
                                   runtime.items_scaled, runtime.along_axis_count,
                                   runtime.along_axis_placement)):  # new numbers, or copies (ad/split.py)
            return {fresh}, set()
        if module.startswith("adjoint"):  # helpers of generated code may return their first argument
            if not call.args or not isinstance(first := call.args[0], gast.Name):
                return {fresh}, set()
            written = self._atom(call.args[2]) if func is runtime.with_item else set()  # d[k] = v: a new dict holding v
            return {fresh} | self.own.get(first.id, set()), set(self.held.get(first.id, ())) | written
        if may_not_copy(call, func):  # np.array(a, copy=False), np.nan_to_num(a, copy=False): maybe a itself
            return {fresh} | shared, shared
        if isinstance(func, np.ufunc) or computes_numbers(func, module) or module.startswith("numpy"):
            return {fresh}, set()
        if module == "builtins" and any(func is b for b in VALUE_BUILTINS):
            return {fresh}, set()
        if func is sum:
            return {fresh}, set().union(*[self.held.get(a.id, set()) for a in call.args if isinstance(a, gast.Name)])
        return {fresh} | shared, shared

    def _reflected(self, call: gast.Call, func, fresh: str) -> Optional[Tuple[Set[str], Set[str]]]:
        """What reflection gives: `getattr(h, "a")` is `h.a`; getattr with another name, vars,
        globals, type, ... (analysis/reach.py) may give any memory from outside; an object made by
        a user class whose attributes or code may reach such memory may be or hold it. None for
        any other call."""
        if func is getattr and len(call.args) == 2 and isinstance(call.args[0], gast.Name):
            name = call.args[1]
            if isinstance(name, gast.Constant) and isinstance(name.value, str):
                return self._value(gast.Attribute(call.args[0], name.value, gast.Load()), fresh)
        if func is getattr or is_reflection(func):
            return {fresh, OUTSIDE_MEMORY}, {OUTSIDE_MEMORY}
        if isinstance(func, type) and not is_library(func):  # its attributes are objects of their own
            shared = set().union(*[self._atom(a) for a in operands_of(call) if isinstance(a, gast.Name)])
            outside = {OUTSIDE_MEMORY} if class_reaches_outside(func) else set()
            return {fresh} | outside | shared, {"items of " + fresh} | outside | shared
        return None

    def _outside_copy(self, call: gast.Call, fresh: str) -> Optional[Tuple[Set[str], Set[str]]]:
        """`W.copy()`, `W.astype(float)`, `W.sum()` of a global array: a new array (a method of a local
        array is a NumPy function once normalized). None for any other call."""
        method = call.func
        if not (isinstance(method, gast.Attribute) and isinstance(method.value, gast.Name)):
            return None
        if may_not_copy(call) or any(k.arg == "out" for k in call.keywords):
            return None
        owner = resolve_value(method.value, self.classifier.parsed, self.classifier.local_names)
        if isinstance(owner, np.ndarray) and method.attr in COPYING_METHODS:
            return {fresh}, set()
        return None

    def _user_result(self, func, call: gast.Call, fresh: str, shared: Set[str], made: Set[str]):
        """The roots of what a user function returns: a new object, what it holds (`made`), and
        what its `returns` facts say it may hand out of its arguments (the call's operands) or of
        memory from outside (a bound method's object is such memory, given as an argument)."""
        returned = RETURNS_ANYTHING if self.returns is None else self.returns(func, call)
        own, held = {fresh}, set(made)
        if ARGUMENTS in returned:
            own, held = own | shared, held | shared
        if OUTSIDE_MEMORY in returned or ARGUMENTS in returned and inspect.ismethod(func):
            own, held = own | {OUTSIDE_MEMORY}, held | {OUTSIDE_MEMORY}
        if OUTSIDE_ITEMS in returned:
            held = held | {OUTSIDE_MEMORY}
        return own, held


def older(fresh: str) -> str:
    """The root of the objects a statement made before the last (see Sharing._age)."""
    return fresh + " before"


def position_root(index: int, fresh: str) -> str:
    """The root of the object at `index` in the result of the call whose result has root `fresh`."""
    return f"position {index} of {fresh}"


def made_roots(func_node: gast.FunctionDef, classifier: CallClassifier) -> FrozenSet[str]:
    """The roots Sharing gives the new objects the function's statements make themselves (see
    makes_new_object), and the items of the tuples of new arrays apart NumPy returns."""
    made = [stmt for stmt in nodes.statements(func_node)
            if nodes.assigned_name(stmt) is not None and makes_new_object(stmt.value, classifier)]
    fresh = [f"{FRESH}{id(stmt)}" for stmt in made]
    items = [position_root(index, f"{FRESH}{id(stmt)}") for stmt in made if isinstance(stmt.value, gast.Call)
             for index in range(len(results_apart(classifier.classify(stmt.value).func, stmt.value) or ()))]
    return frozenset(fresh + [older(root) for root in fresh] + items)


def _constant_index(value: gast.expr) -> Optional[int]:
    """k of `t[k]`, a constant int; None for any other index (and for `t.pop()`)."""
    index = value.slice if isinstance(value, gast.Subscript) else None
    return index.value if isinstance(index, gast.Constant) and type(index.value) is int else None


def is_forward_half(func) -> bool:
    return getattr(func, "__adjoint_backward_half__", None) is not None


def operands_of(value: gast.expr) -> List[gast.expr]:
    if isinstance(value, gast.BinOp):
        return [value.left, value.right]
    if isinstance(value, gast.UnaryOp):
        return [value.operand]
    if isinstance(value, gast.Call):
        operands = list(value.args) + [k.value for k in value.keywords]
        if isinstance(value.func, gast.Attribute):
            operands.append(value.func.value)
        return operands
    return []
