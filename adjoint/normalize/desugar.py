"""Rewrite sugar into the core subset: augmented and tuple assignment, `for` over sequences, methods
(also `norm(loc, scale).logpdf(x)`, a SciPy distribution frozen and called: `norm.logpdf(x, loc, scale)`).

Before::

    def f(xs, w):
        total = 0.0
        for i, x in enumerate(xs):
            total += (w * w).sum() * x
        return total

After::

    def f(xs, w):
        total = 0.0
        for i in range(len(xs)):
            x = xs[i]
            total = total + np.sum(w * w) * x
        return total

A method's call (`w.sum()`) is marked with the check that its receiver has it (normalize/receivers.py).
"""
from __future__ import annotations

import logging
import types
from typing import Callable, Dict, FrozenSet, List, Optional

import gast
import numpy as np

from adjoint import nodes, runtime
from adjoint.errors import UnsupportedSyntaxError
from adjoint.frontend.check import is_insert_grad_of
from adjoint.frontend.held import let_go
from adjoint.frontend.listed import LIMIT, listed_generator
from adjoint.frontend.names import is_distribution
from adjoint.frontend.parse import MISSING, ParsedFunction
from adjoint.frontend.resolve import resolve
from adjoint.normalize import bound_iterators, dict_writes, generators, iteration
from adjoint.normalize.dict_writes import is_empty_ordered_dict
from adjoint.normalize.augmented import index_once, marked_operator
from adjoint.normalize.method_statements import MethodStatements
from adjoint.normalize.receivers import ReceiverChecks
from adjoint.normalize.ufunc_methods import UfuncMethods
from adjoint.normalize.unpacking import Unpacking

ARRAY_METHODS = {
    "sum": "sum", "mean": "mean", "prod": "prod", "max": "max", "min": "min", "dot": "dot",
    "reshape": "reshape", "transpose": "transpose", "ravel": "ravel", "flatten": "ravel",
    "copy": "copy", "std": "std", "var": "var", "cumsum": "cumsum", "cumprod": "cumprod",
    "clip": "clip", "squeeze": "squeeze", "argmax": "argmax", "argmin": "argmin",
    "trace": "trace", "conj": "conj", "swapaxes": "swapaxes", "repeat": "repeat",
    "round": "round", "any": "any", "all": "all", "diagonal": "diagonal",
    "conjugate": "conjugate", "take": "take", "argsort": "argsort", "nonzero": "nonzero",
}
# `x.copy()` is a list's, a dict's or a set's own copy too, not np.copy's array (np.copy where x is
# known to be an array: an item of a global array).
RUNTIME_METHODS = {"astype": runtime.astype, "item": runtime.item, "copy": runtime.copied, "tolist": runtime.listed}
ARRAY_ATTRIBUTES = {"T": "transpose", "real": "real", "imag": "imag"}
CLIP_BOUNDS = (("min", "a_min"), ("max", "a_max"))
SEQUENCE_EXTREMA = {max: runtime.largest, min: runtime.smallest}  # max(xs), min(xs) of one sequence
# Reductions given a `dtype`, a mask `where=` or a start `initial=` (as NumPy takes them), and whether
# their third positional argument is the dtype (np.max's is `out`).
OPTIONED = {np.sum: runtime.summed, np.mean: runtime.averaged, np.prod: runtime.multiplied, np.max: runtime.highest,
            np.amax: runtime.highest, np.min: runtime.lowest, np.amin: runtime.lowest}
OPTIONS = ("dtype", "where", "initial")
DTYPE_THIRD = (np.sum, np.mean, np.prod)
# A logger's methods that write a message (normalize/desugar.py: a logger the function fetches).
LOGGER_METHODS = ("debug", "info", "warning", "error", "critical", "exception", "log")
# Methods that change their object in place, for the objects a function may reach from outside
# (`append` is a write of its own everywhere).
CHANGES_IN_PLACE = {
    list: ("extend", "insert", "remove", "pop", "clear", "sort", "reverse"),
    dict: ("update", "pop", "popitem", "clear", "setdefault"),
    set: ("add", "discard", "remove", "pop", "clear", "update", "difference_update", "intersection_update",
          "symmetric_difference_update"),
    np.ndarray: ("fill", "sort", "put", "itemset", "resize", "partition", "byteswap", "setfield"),
}
# Methods of a SciPy distribution that take the values first and the distribution's parameters after.
DISTRIBUTION_METHODS = {"logpdf", "pdf", "logcdf", "cdf", "logsf", "sf", "logpmf", "pmf", "ppf", "isf"}


class Desugar(MethodStatements, ReceiverChecks, Unpacking, UfuncMethods, nodes.Transformer):
    """One pass over the function body; `fresh` makes collision-free temporary names."""

    def __init__(self, parsed: ParsedFunction, fresh: Callable[[str], str], numpy_name: str,
                 mappings: FrozenSet[str] = frozenset()):
        self.parsed = parsed
        self.fresh = fresh
        self.numpy_name = numpy_name
        self.local_names = frozenset(nodes.names_stored(parsed.node)) | frozenset(nodes.parameters(parsed.node))
        self.dict_parameters = mappings - frozenset(nodes.names_stored(parsed.node))  # `.get` reads them
        mappings = mappings | _bound_to_dicts(parsed) | bound_iterators.iterated_free_dicts(parsed, self.local_names)
        self.describer = iteration.Describer(self._iterator_of, fresh, self._refuse, self._keys_name, mappings,
                                             self._callee_of, self._bound_name)
        self.bound = bound_iterators.find_bound_iterators(parsed.node, self._iterator_of, self._refuse)
        self.describer.iterator_names = frozenset(
            stmt.targets[0].id for stmt in nodes.statements(parsed.node) if isinstance(stmt, gast.Assign)
            and isinstance(stmt.targets[0], gast.Name) and self.describer.is_iterator_call(stmt.value))
        self.waiting: Dict[str, tuple] = {}  # bound iterator name -> (description, names it iterates)

    # ----- statements ---------------------------------------------------------

    def visit_Expr(self, node):
        if isinstance(node.value, gast.Constant):
            return None
        self.generic_visit(node)
        call = node.value
        if not isinstance(call, gast.Call) or not isinstance(call.func, gast.Attribute):
            return node
        owner = call.func.value
        if call.func.attr in LOGGER_METHODS and self._is_fetched_logger(owner):
            logged = nodes.name(self._bound_name("logged", runtime.logged))
            node.value = nodes.copy_location(gast.Call(func=logged, args=[owner, nodes.constant(call.func.attr)] +
                                                       call.args, keywords=call.keywords), call)
            return node
        if isinstance(owner, gast.Name) and owner.id in self.local_names:
            return self._method_statement(node, owner.id, call)
        found = resolve(owner, self.parsed, self.local_names)
        if isinstance(owner, gast.Name) and call.func.attr in CHANGES_IN_PLACE.get(type(found), ()):
            self.parsed.in_place.append((owner.id, node))  # a global's or closure's object (analysis/aliases.py)
        if call.func.attr == "at" and isinstance(found, np.ufunc):
            return self._ufunc_at(node, call)
        if found is np and call.func.attr == "put_along_axis":
            return self._put_along_axis(node, call)
        if found is MISSING:  # a method of a value the function computes, e.g. `rows[0].append(v)`
            raise UnsupportedSyntaxError(
                call.func.attr, f"`.{call.func.attr}(...)` called for its effect on a value that is not a name "
                "of its own is not differentiated; write a new value instead (`rows[0] = rows[0] + [v]`)",
                self.parsed.info.location(node))
        return node

    def _is_fetched_logger(self, owner: gast.expr) -> bool:
        """`logging.getLogger(...)`, or a local name every assignment of which is one."""
        def fetches(value) -> bool:
            return isinstance(value, gast.Call) and resolve(value.func, self.parsed, self.local_names) is logging.getLogger
        if fetches(owner):
            return True
        if not isinstance(owner, gast.Name) or owner.id not in self.local_names:
            return False
        stores = [stmt for stmt in nodes.statements(self.parsed.node) if owner.id in nodes.names_stored(stmt)]
        return bool(stores) and all(isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(
            stmt.targets[0], gast.Name) and fetches(stmt.value) for stmt in stores)

    def visit_With(self, node):
        """`with m as v: body` (m not insert_grad_of) becomes `_ctx = m; v = enter_context(_ctx);
        body; exit_context(_ctx)`: the block runs in the manager's context in the primal sweep
        (np.errstate, timers), the adjoint sweep outside it. If the block raises, the manager's
        __exit__ is not called."""
        self.generic_visit(node)
        if is_insert_grad_of(node):
            return node
        entered, exits = [], []
        for item in node.items:
            manager = self.fresh("_ctx")
            entered.append(nodes.copy_location(nodes.assign(manager, item.context_expr), node))
            enter = nodes.call(nodes.name(self._bound_name("enter_context", runtime.enter_context)),
                               [nodes.name(manager)])
            if item.optional_vars is not None:
                entered.append(nodes.copy_location(nodes.assign(item.optional_vars.id, enter), node))
            else:
                entered.append(nodes.copy_location(gast.Expr(value=enter), node))
            leave = nodes.call(nodes.name(self._bound_name("exit_context", runtime.exit_context)),
                               [nodes.name(manager)])
            exits.insert(0, nodes.copy_location(gast.Expr(value=leave), node))
        return entered + list(node.body) + exits

    def visit_Assert(self, node):
        """An assert stays as written: it runs in the primal sweep (its message only if it fails)."""
        self.generic_visit(node)
        return node

    def visit_AnnAssign(self, node):
        if node.value is None:
            return None
        return self.visit(nodes.copy_location(gast.Assign(targets=[node.target], value=node.value, type_comment=None), node))

    def visit_AugAssign(self, node):
        self.generic_visit(node)
        if isinstance(node.target, gast.Name):
            self.parsed.in_place.append((node.target.id, node))
        elif isinstance(node.target, gast.Subscript):
            self.parsed.item_updates.append(node)
        prelude = index_once(node.target, self.fresh, node)  # (normalize/augmented.py)
        value = gast.BinOp(left=nodes.load_copy(node.target), op=marked_operator(node.op), right=node.value)
        return prelude + self._assign_target(node.target, value, node)

    def visit_Assign(self, node):
        if isinstance(node.value, gast.Name) and isinstance(resolve(node.value, self.parsed, self.local_names),
                                                            types.ModuleType):
            raise self._refuse(node, f"`{node.value.id}`, a module, is bound to a local name, through which adjoint "
                                     f"does not follow its functions; call them as `{node.value.id}.f(...)`")
        self.generic_visit(node)
        if node in self.bound.assignments:
            return self._bind_iterator(node)
        popped = self._pop_assigned(node)
        if popped is not None:
            return popped
        if len(node.targets) == 1:
            return self._assign_target(node.targets[0], node.value, node)
        temp = self.fresh("_t")
        out = [nodes.copy_location(nodes.assign(temp, node.value), node)]
        for target in node.targets:
            out.extend(self._assign_target(target, nodes.name(temp), node))
        return out

    def visit_For(self, node):
        self.generic_visit(node)
        if self._is_call_to(node.iter, range) and isinstance(node.target, gast.Name):
            return node
        if isinstance(node.iter, gast.Set):  # a set has no positions: its elements are listed in its order
            node.iter = nodes.call(nodes.name(self._bound_name("list", list)), [node.iter])
        setup: List[gast.stmt] = []
        if node in self.bound.loops:
            description, iterated = self.waiting.pop(self.bound.loops[node])
        else:
            rebound = set(nodes.names_stored(node.target)) | {n for s in node.body for n in nodes.names_stored(s)}
            description = self.describer.describe(node.iter, setup, lambda name: name in rebound)
            iterated = bound_iterators.sequence_names(node.iter, self._iterator_of)
            self._check_generators(node)
        resizing = bound_iterators.resizing_call(node.body, iterated)
        if resizing is not None:
            raise self._refuse(resizing, "the loop grows or shrinks the list it iterates over")
        checks, self.describer.after_loop = self.describer.after_loop, []
        stop = bound_iterators.breaks(node.body) if checks else None
        if stop is not None:
            raise self._refuse(stop, "a loop over `zip(..., strict=True)` that may leave by `break`: Python checks the "
                                     "lengths only where the loop takes every item; iterate over `zip(...)`")
        loop = nodes.copy_location(self._indexed_loop(description, node), node)
        self.parsed.iterated.extend((name, loop) for name in iteration.indexed_sequences(description))
        return setup + [loop] + checks

    def _check_generators(self, loop: Optional[gast.For]) -> None:
        """Refuse the listing of the generators the describer just listed where it could change what
        the function computes (normalize/generators.py); `loop` None: no loop reads them here."""
        listed, self.describer.generators = self.describer.generators, []
        for call, generator in listed:
            why = ((call, "a generator read by an iterator bound to a name: adjoint lists a generator's items before "
                          "the loop that reads them; iterate over the call itself in the `for`")
                   if loop is None else generators.refusal(loop, call, generator, self.parsed.node,
                                                          lambda expr: resolve(expr, self.parsed, self.local_names)))
            if why is not None:
                raise self._refuse(*why)
            listing = listed_generator(generator, limited=any(k.arg == LIMIT for k in call.keywords))
            call.func = nodes.name(self._bound_name(f"listed_{generator.__name__}", listing))

    def _indexed_loop(self, description, node) -> gast.For:
        """`for <index> in range(...)`, the target assigned its item first."""
        target = node.target
        if isinstance(description, iteration.Backwards):  # the index itself runs backwards
            index = self.fresh("_i")
            last = nodes.binop(iteration.length(description), gast.Sub(), nodes.constant(1))
            bounds = [last, nodes.constant(-1), nodes.constant(-1)]
            element = nodes.subscript(nodes.name(description.sequence), nodes.name(index))
            body = self._assign_target(target, element, node)
        else:
            index = self._counter_name(description, target) or self.fresh("_i")
            bounds = [iteration.length(description)]
            body = self._assign_items(description, target, index, node)
        return gast.For(target=nodes.name(index, store=True), iter=nodes.call_named("range", *bounds),
                        body=body + node.body, orelse=[], type_comment=None)

    def _counter_name(self, description, target) -> Optional[str]:
        """The name of an enumerate's counter that can itself be the loop's index."""
        if isinstance(description, iteration.Numbered) and description.start is None and _tuple_of(target, 2):
            counter = target.elts[0]
            return counter.id if isinstance(counter, gast.Name) else None
        return None

    def _assign_items(self, description, target, index: str, node) -> List[gast.stmt]:
        parts = iteration.parts(description)
        if not parts or not isinstance(target, (gast.Tuple, gast.List)):
            value = iteration.item(description, index)
            if isinstance(target, gast.Name) and isinstance(value, gast.Name) and value.id == target.id:
                return []  # the counter is the loop's index
            return self._assign_target(target, value, node)
        if len(target.elts) != len(parts):
            count = len(target.elts)
            raise self._refuse(node.target, f"the loop unpacks {count} names from items of {len(parts)} values")
        out: List[gast.stmt] = []
        for element, part in zip(target.elts, parts):
            out.extend(self._assign_items(part, element, index, node))
        return out

    def _bind_iterator(self, node) -> List[gast.stmt]:
        """`pairs = zip(xs, ys)`: the sequences are copied now, the loop over `pairs` reads them."""
        setup: List[gast.stmt] = []
        description = self.describer.describe(node.value, setup, lambda name: True)
        iterated = bound_iterators.sequence_names(node.value, self._iterator_of)
        self._check_generators(None)
        if self.describer.after_loop:
            raise self._refuse(node, "`zip(..., strict=True)` bound to a name: iterate over the call itself in the `for`")
        self.waiting[self.bound.assignments[node]] = (description, iterated)
        return setup

    def _keys_name(self) -> str:
        return self._bound_name("dict_keys", runtime.dict_keys)

    def _refuse(self, node, message: str) -> UnsupportedSyntaxError:
        return UnsupportedSyntaxError("iteration", message, self.parsed.info.location(node))

    def _callee_of(self, call: gast.Call):
        return resolve(call.func, self.parsed, self.local_names)

    def _iterator_of(self, node):
        """zip, enumerate or reversed when node calls one of them, else None."""
        if not isinstance(node, gast.Call):
            return None
        func = resolve(node.func, self.parsed, self.local_names)
        return next((known for known in iteration.ITERATORS if func is known), None)

    # ----- expressions --------------------------------------------------------

    def visit_Call(self, node):
        self.generic_visit(node)
        iterator = self._iterator_of(node)
        if iterator is not None and node not in self.bound.calls:
            raise self._refuse(node, f"a {iterator.__name__} object is supported only as what a `for` loop "
                                     "iterates over (directly, or bound to a name the loop iterates over)")
        func = node.func
        if self._is_frozen_distribution_call(node):
            return self._unfrozen(node)
        callee = resolve(func, self.parsed, self.local_names)
        if callee is np.clip:
            return _positional_clip_bounds(node)
        if callee is np.array:  # `copy=True`, np.array's default, says what the rule does
            node.keywords = [k for k in node.keywords if not (k.arg == "copy" and _is_true(k.value))]
        if callee is dict and not node.args and all(k.arg is not None for k in node.keywords):
            return _dict_literal(node)
        if isinstance(func, gast.Attribute) and func.attr in ("reduce", "accumulate"):
            return self._ufunc_fold(node)
        if isinstance(func, gast.Attribute) and func.attr == "outer":
            return self._ufunc_outer(node)
        if isinstance(func, gast.Attribute) and func.attr == "get" and isinstance(func.value, gast.Name) \
                and func.value.id in self.dict_parameters:
            return dict_writes.read_by_get(node, self.parsed.info)
        if (callee is max or callee is min) and len(node.args) == 1 and not node.keywords:
            extremum = SEQUENCE_EXTREMA[callee]
            node.func = nodes.name(self._bound_name(extremum.__name__, extremum))
            return node
        if any(callee is reduction for reduction in OPTIONED):  # callee may be unhashable (a dataclass object)
            return self._optioned(node, callee)
        if not isinstance(func, gast.Attribute) or func.attr not in {**ARRAY_METHODS, **RUNTIME_METHODS}:
            return node
        if resolve(func.value, self.parsed, self.local_names) is not MISSING or self._of_a_fixed_object(func.value):
            return node
        if func.attr == "copy" and self._of_an_outside_array(func.value):
            target = nodes.attribute(nodes.name(self.numpy_name), "copy")
        elif func.attr in RUNTIME_METHODS:
            target = nodes.name(self._runtime_name(func.attr))
        else:
            target = nodes.attribute(nodes.name(self.numpy_name), ARRAY_METHODS[func.attr])
        args = [func.value] + node.args
        if func.attr in ("reshape", "transpose") and len(node.args) > 1:
            args = [func.value, nodes.tuple_of(node.args)]
        call = nodes.copy_location(gast.Call(func=target, args=args, keywords=node.keywords), node)
        if getattr(np, ARRAY_METHODS.get(func.attr, ""), None) in OPTIONED:
            call = self._optioned(call, getattr(np, ARRAY_METHODS[func.attr]))
        return self._check_receiver(_positional_clip_bounds(call) if func.attr == "clip" else call, func.attr, node)

    def _optioned(self, call: gast.Call, reduction) -> gast.Call:
        """`np.sum(x, dtype=..., where=..., initial=...)` (and np.mean, np.prod, np.max, np.min) ->
        runtime.summed (averaged, ...), whose rule takes these keywords; np.sum's own rule, for the
        plain call, does not."""
        if any(isinstance(a, gast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
            return call
        if len(call.args) == 3 and reduction in DTYPE_THIRD or \
                len(call.args) < 3 and any(k.arg in OPTIONS for k in call.keywords):
            call.func = nodes.name(self._bound_name(OPTIONED[reduction].__name__, OPTIONED[reduction]))
        return call

    def _of_an_outside_array(self, value: gast.expr) -> bool:
        """`M[0]`, `M.T[1:]` of a global array M: an array (its `.copy()` is np.copy's)."""
        while isinstance(value, (gast.Subscript, gast.Attribute)) and \
                resolve(value, self.parsed, self.local_names) is MISSING:
            value = value.value
        return isinstance(resolve(value, self.parsed, self.local_names), np.ndarray)

    def _is_frozen_distribution_call(self, node: gast.Call) -> bool:
        """`norm(loc, scale).logpdf(x)`: a method of a SciPy distribution frozen in the same expression."""
        func = node.func
        if not (isinstance(func, gast.Attribute) and func.attr in DISTRIBUTION_METHODS
                and isinstance(func.value, gast.Call)):
            return False
        distribution = resolve(func.value.func, self.parsed, self.local_names)
        return is_distribution(distribution) and hasattr(distribution, func.attr)

    def _unfrozen(self, node: gast.Call) -> gast.Call:
        """`norm(loc, scale).logpdf(x)` -> `norm.logpdf(x, loc, scale)`, what the frozen method calls."""
        freeze = node.func.value
        method = nodes.attribute(freeze.func, node.func.attr)
        unfrozen = gast.Call(func=method, args=node.args + freeze.args, keywords=freeze.keywords + node.keywords)
        return nodes.copy_location(unfrozen, node)

    def _runtime_name(self, method: str) -> str:
        """The name under which the function replacing `x.<method>(...)` is reached: its own
        (`astype`, `copied`; `copy` would be the module a written module imports by that name)."""
        return self._bound_name(RUNTIME_METHODS[method].__name__, RUNTIME_METHODS[method])

    def _bound_name(self, preferred: str, obj) -> str:
        return self.parsed.bind(preferred, obj, self.fresh, self.local_names)

    def visit_Attribute(self, node):
        self.generic_visit(node)
        if node.attr not in ARRAY_ATTRIBUTES or not isinstance(node.ctx, gast.Load):
            return node
        if resolve(node.value, self.parsed, self.local_names) is not MISSING or self._of_a_fixed_object(node.value):
            return node
        target = nodes.attribute(nodes.name(self.numpy_name), ARRAY_ATTRIBUTES[node.attr])
        return self._check_receiver(nodes.copy_location(nodes.call(target, [node.value]), node), node.attr, node)

    def _is_call_to(self, node, func) -> bool:
        return (
            isinstance(node, gast.Call)
            and not node.keywords
            and resolve(node.func, self.parsed, self.local_names) is func
        )


def _bound_to_dicts(parsed: ParsedFunction) -> FrozenSet[str]:
    """Names every assignment of which is a dict literal, a call of `dict` (`p = dict(params)`) or of
    `OrderedDict()`, or one with an item written or taken out (normalize/dict_writes.py): a `for` over
    them iterates their keys."""
    dicts, others = set(), set()
    local_names = frozenset(nodes.names_stored(parsed.node)) | frozenset(nodes.parameters(parsed.node))
    made_by_helpers = (runtime.with_item, runtime.without_key)
    for stmt in nodes.statements(parsed.node):
        value = getattr(stmt, "value", None)
        built = isinstance(value, gast.Dict) or (isinstance(value, gast.Call) and isinstance(value.func, gast.Name)
                                                 and (parsed.namespace.get(value.func.id) in made_by_helpers
                                                      or resolve(value.func, parsed, local_names) is dict)
                                                 or is_empty_ordered_dict(value, parsed))
        for target in getattr(stmt, "targets", None) or [getattr(stmt, "target", None)]:
            if isinstance(target, gast.Name):
                (dicts if built else others).add(target.id)
    return frozenset(dicts - others)


def _tuple_of(target, size: int) -> bool:
    return isinstance(target, (gast.Tuple, gast.List)) and len(target.elts) == size


def desugar(parsed: ParsedFunction, fresh: Callable[[str], str], numpy_name: str = "np",
            mappings: FrozenSet[str] = frozenset()) -> gast.FunctionDef:
    """Rewrite parsed.node in place into the core subset and return it (`mappings`: the
    parameters known to hold dicts, which a `for` iterates by key)."""
    node = parsed.node
    desugarer = Desugar(parsed, fresh, numpy_name, mappings)  # once: its constructor walks the whole function
    let_go(node)
    node.body = _flatten([desugarer.visit(stmt) for stmt in node.body])
    todo = [node]
    for sub in todo:  # each holder of a block, as nodes.walk(node) finds it (no expression holds one)
        todo += [item for field in ("body", "orelse", "finalbody", "handlers", "cases")
                 if isinstance(getattr(sub, field, None), list)
                 for item in getattr(sub, field) if isinstance(item, gast.AST)]
        for field in ("body", "orelse"):
            block = getattr(sub, field, None)
            if isinstance(block, list) and sub is not node:
                setattr(sub, field, _flatten(block))
    if not node.body:
        node.body = [gast.Pass()]
    return node


def _flatten(items) -> list:
    out = []
    for item in items:
        if item is None:
            continue
        if isinstance(item, list):
            out.extend(_flatten(item))
        else:
            out.append(item)
    return out


def _is_true(value: gast.expr) -> bool:
    return isinstance(value, gast.Constant) and value.value is True


def _dict_literal(call: gast.Call) -> gast.Dict:
    """`dict(a=x, b=y)` -> `{"a": x, "b": y}`, the literal the pytree code knows."""
    keys = [gast.Constant(value=keyword.arg, kind=None) for keyword in call.keywords]
    return nodes.copy_location(gast.Dict(keys=keys, values=[k.value for k in call.keywords]), call)


def _positional_clip_bounds(call: gast.Call) -> gast.Call:
    """`np.clip(x, min=a)` (and `x.clip(max=b)`, `a_min=`, `a_max=`) as np.clip(x, a, None): the
    bounds are positional, which every NumPy version accepts and the rule of np.clip reads."""
    keywords = {k.arg: k.value for k in call.keywords}
    names = [name for pair in CLIP_BOUNDS for name in pair]
    if not any(name in keywords for name in names) or len(call.args) > 1:
        return call
    bounds = [next((keywords[name] for name in pair if name in keywords), None) for pair in CLIP_BOUNDS]
    call.args = call.args[:1] + [bound if bound is not None else nodes.constant(None) for bound in bounds]
    call.keywords = [k for k in call.keywords if k.arg not in names]
    return call
