"""Aliases: which names may share memory, and whether each in-place write is differentiated exactly.

Python writes in place through `c[i] = v`, `c.append(v)`, `c.pop()`, and `c += v` on an
array or list; every other name bound to the same object (`d = c`, a basic-slice view
`d = c[1:]`, `np.transpose(c)`, an element of a list, an argument) sees the change. The
derivative models a write as a change of `c` alone, which is exact when no other name that
may share c's memory is read after the write. So each write is checked:

- a name sharing c's memory that is live after the write: refused, with the line (of a tuple of
  objects apart, `w, V = np.linalg.eigh(S)`, reading `t[0]` or `t.eigenvalues` after a write
  into V reads w alone, which V does not share: analysis/sharing.py);
- a write into an argument of a called function (the caller sees it): refused where what it
  writes into is read after the call (analysis/callee_checks.py);
- `c += v` was normalized into `c = c + v`: exact under the rule above, nothing else to do;
- `c[i] = v`, append and pop stay in place in the generated code: the names sharing c's
  memory count as mutated, and a read of any of them in the adjoint sweep counts as a read
  of all (so the write saves and restores what it overwrites, in place);
- a method or NumPy function called for its effect on a value that depends on `wrt`
  (`y.sort()`, `np.copyto(y, x)`): refused, since nothing says what it changes;
- a call that changes in place (np.copyto, a ufunc's `out=`, a user function writing into its
  argument) memory that a statement which may run before it reads: refused, since the adjoint
  sweep reads what that statement read (a view kept by reference, a row read again) after it;
- a call of a function that writes in place into a global or closure object the caller reads:
  refused;
- a write through a name that may hold memory from outside the function (the root
  OUTSIDE_MEMORY of analysis/sharing.py: a global, a getter's result, a view or item of one):
  refused, since the derivative would restore or skip it; a write into a global by its own
  name (a log, a counter) is allowed where nothing differentiated flows into it and nothing
  may read it.

    >>> # y = x * 2.0; v = y[1:]; v *= 3.0; return np.sum(y)
    >>> # refused at `v *= 3.0`: `y` shares v's memory and is read afterwards
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Dict, FrozenSet, Iterable, List, Optional, Set, Tuple

import gast
import numpy as np

from adjoint import nodes
from adjoint.analysis.activity import Activity
from adjoint.analysis.callee_checks import CalleeChecks, names_read_by
from adjoint.analysis.calls import CallClassifier, Callee
from adjoint.analysis.hidden_effects import refuse_hidden_effects
from adjoint.analysis.kinds import CONTAINER, is_array
from adjoint.analysis.liveness import Liveness
from adjoint.analysis.residuals import NO_FACTS, BackwardSharing, ResidualFacts
from adjoint.analysis.sharing import OUTSIDE_MEMORY, Sharing, State, operands_of
from adjoint.analysis.writes import (WRITE_FIRST_ARGUMENT, Write, out_position, overwriting_parameter, rebound_lines,
                                     statements_of, user_call, writes_in_place, writes_its_operands)
from adjoint.errors import Location, NonDifferentiableError, UnsupportedSyntaxError
from adjoint.frontend.conversion import source_text
from adjoint.frontend.parse import ParsedFunction
from adjoint.normalize.inert_blocks import block_of
from adjoint.normalize.single_assignment import is_derivative_code
from adjoint.runtime import (broadcast_like, gradient_like, reached, reshape_like, shape_only, stored_derivative,
                             unbroadcast, unreduce, zeros_like)
from adjoint.frontend.names import module_of

# Runtime helpers -> the position of the argument they read only for its type, shape and dtype: a write
# into that argument in place leaves what they read as it was (ad/shapes.py saves a stand-in of it).
SHAPE_ARGUMENT = {unbroadcast: 1, unreduce: 1, reached: 1, broadcast_like: 1, reshape_like: 1, gradient_like: 1,
                  zeros_like: 0, stored_derivative: 2, shape_only: 0}



@dataclass
class Aliases:
    """Names that may share memory with a name written in place, every name so written, and the
    `c += v` that are exact only if c holds a number (`guards`: statement -> (name, or (container, item)
    for `c[k] += v`, message, where) to check at run time before it)."""

    sharing: Dict[str, FrozenSet[str]] = field(default_factory=dict)
    mutated: Set[str] = field(default_factory=set)
    written: Set[str] = field(default_factory=set)  # the names written through (mutated: and those sharing them)
    guards: Dict[gast.stmt, List[Tuple[str, str, Location]]] = field(default_factory=dict)
    # parameter -> the first statement that may write into its argument in place (directly,
    # through a name sharing it, or in a called function): see ad/shared_arguments.py
    written_parameters: Dict[str, gast.AST] = field(default_factory=dict)
    returned: FrozenSet[str] = frozenset()  # the names whose memory the returned value may share, at the return

    def expand(self, names: Iterable[str]) -> Set[str]:
        """`names` and every name that may share memory with one of them and is written in place."""
        out = set(names)
        for name in list(out):
            out |= self.sharing.get(name, frozenset())
        return out


class _Checker(CalleeChecks):
    def __init__(self, parsed: ParsedFunction, kinds, classifier, activity: Activity, callee_facts=None,
                 residuals: ResidualFacts = NO_FACTS):
        self.parsed = parsed
        self.callee_facts = callee_facts
        self.guards: Dict[gast.stmt, List[Tuple[str, str, Location]]] = {}
        self.func_node = parsed.node
        self.kinds = kinds
        self.classifier = classifier
        self.activity = activity
        returns, positions = [callee_facts and (lambda f, c, i=i: callee_facts(f, c, kinds)[i]) for i in (1, 5)]
        self.storage = Sharing(parsed.node, kinds, classifier, rebound_lines(parsed), returns, positions)
        self.precise = residuals.shapes and BackwardSharing(  # refusals see a backward half's residuals apart
            parsed.node, kinds, classifier, rebound_lines(parsed), returns, residuals, positions) or None
        self.live = Liveness(parsed.node)
        self.value_live = Liveness(parsed.node, self._reads_of_values)  # what later code reads beyond shapes
        self.statements = {s: s for s in nodes.statements(parsed.node)}
        self._outside_blocks: Optional[Set[str]] = None  # (_read_outside_blocks)
        self.parameters = [a.id for a in parsed.node.args.args + parsed.node.args.kwonlyargs]
        self.local_names = frozenset(nodes.names_stored(parsed.node)) | frozenset(self.parameters)
        self.rebound_names = frozenset(name for name, node in parsed.in_place if isinstance(node, gast.AugAssign))

    def run(self) -> Aliases:
        aliases = Aliases(guards=self.guards)
        for write in writes_in_place(self.func_node, self.parsed, self.kinds):
            self._check_write_into_number(write)
            if self._check_write_into_outside(write):
                continue
            sharing = self._check(write)
            for name in sorted((sharing | {write.name}) & set(self.parameters)):
                aliases.written_parameters.setdefault(name, write.node)
            if not write.rebound:
                aliases.written.add(write.name)
                aliases.mutated |= sharing | {write.name}
                for name in sharing | {write.name}:
                    aliases.sharing[name] = aliases.sharing.get(name, frozenset()) | sharing | {write.name}
        self._add_later_views(aliases)
        last = self.func_node.body[-1] if self.func_node.body else None
        if isinstance(last, gast.Return) and isinstance(last.value, gast.Name) and last in self.storage.before:
            state, reached_ = self.storage.before[last], self.storage.reaches(last.value.id, self.storage.before[last])
            aliases.returned = frozenset(m for m in state[0] if reached_ & self.storage.reaches(m, state))
        self._check_effects()
        self._check_callees(aliases.written_parameters)
        if self.callee_facts is not None:
            refuse_hidden_effects(self.parsed, self.kinds, self.classifier, self.callee_facts, self.local_names,
                                  self._refuse, self.activity.active)
        return aliases

    def _add_later_views(self, aliases: Aliases) -> None:
        """A name that comes to share the memory of a name written in place only after the write
        (`y[0] = v; z = y[:2]`) shares it too: the adjoint sweep writes it back there (restoring
        what the write overwrote), so a value reading `z` may not move past that."""
        state = self._state_at(list(self.storage.before), self.storage)
        for written in sorted(aliases.written):
            memory = state[0].get(written, frozenset())
            later = {name for name in state[0] if name != written and memory & self.storage.reaches(name, state)}
            for name in later | {written}:
                aliases.sharing[name] = aliases.sharing.get(name, frozenset()) | later | {written}

    def _check(self, write: Write) -> Set[str]:
        name = write.name
        if name not in self.local_names:
            self._check_outer_write(write)
            return set()
        statements = statements_of(write, self.storage, self.statements)
        sharing = self._sharing(name, statements, self.storage)
        after = self._read_after(name, statements, self.storage)
        precise = sharing if self.precise is None else self._sharing(name, statements, self.precise)
        if self.precise is not None:
            after |= self._read_after(name, statements, self.precise)
        for other in sorted(precise & after - {write.container}, key=lambda n: (n.startswith("_"), n)):
            self._refuse_or_guard(write, statements, self._shared_read_after(name, other))
            return set()
        return sharing

    def _shown(self, name: str) -> str:
        """`name`, or for a name the compiler made up (`_t2`) the expression of the user's it holds (`A[:, 0]`)."""
        bound = [s.value for s in self.statements if nodes.assigned_name(s) == name]
        plain = len(bound) == 1 and not any(read.startswith("_") for read in nodes.names_read(bound[0]))
        return source_text(bound[0]) if name.startswith("_") and plain else name

    def _shared_read_after(self, name: str, other: str) -> str:
        if not is_derivative_code(self.parsed.func):  # (in a derivative, what shares memory is what it saved)
            other = self._shown(other)
            return (f"this writes in place into memory that `{other}` may share, and `{other}` is read afterwards; "
                    f"adjoint cannot follow the change into `{other}`: take a copy first (`.copy()`) or assign a new "
                    "value instead")
        return (f"this line writes in place into `{name}`, and its first derivative keeps `{name}`'s memory (the "
                "array or views of it) for its backward sweep; a second derivative cannot follow the write into what "
                f"it keeps: assign a new array instead of writing into `{name}`, or copy what the line reads of it")

    def _read_after(self, name: str, statements: List[gast.stmt], storage: Sharing) -> Set[str]:
        """The names read after the statements that write into `name`: read whole, or by an item
        (`t[1]`, `t.eigenvalues`) that may share memory with name (of a tuple of results apart, the
        item alone: writing into `V` of `w, V = np.linalg.eigh(S)` leaves `t[0]` as it was)."""
        live = frozenset().union(*[self.value_live.after.get(s, frozenset()) for s in statements])
        state = self._state_at(statements, storage)
        written = state[0].get(name, frozenset())
        read = {read for read in live if isinstance(read, str)}
        for owner, selector in (read for read in live if not isinstance(read, str)):
            item = storage.item_reaches(owner, selector, state)
            if item is None or item & written:
                read.add(owner)
        return read

    def _reads_of_values(self, stmt: gast.stmt) -> List:
        """The names stmt reads, but an array given to a runtime helper that reads only its shape
        (`unbroadcast(g, x)` in derivative code): a write into the array leaves its shape as it was;
        a name read by one item (`t[1]`, `t.eigenvalues`) as (name, 1) or (name, "eigenvalues")."""
        for_shape = set()
        for call in nodes.walk(stmt):
            if isinstance(call, gast.Call) and isinstance(call.func, gast.Name):
                called = self.parsed.lookup(call.func.id)
                position = next((at for helper, at in SHAPE_ARGUMENT.items() if called is helper), len(call.args))
                argument = call.args[position] if position < len(call.args) else None
                if isinstance(argument, gast.Name) and is_array(self.kinds.get(argument.id)):
                    for_shape.add(id(argument))
        items = {**_item_reads(stmt), **self.storage.stacks.reads(stmt)}  # (a push or pop of the compiler's stack)
        return [items.get(id(node), node.id) for node in nodes.walk(stmt) if isinstance(node, gast.Name)
                and isinstance(node.ctx, gast.Load) and id(node) not in for_shape]

    def _check_write_into_number(self, write: Write) -> None:
        """`a[()] = v` where `a += u` came before and a may be a 0-d array: Python adds u in place and a
        stays an array; the derivative's `a = a + u` makes a NumPy number, which cannot be written into."""
        target = write.node.targets[0] if isinstance(write.node, gast.Assign) else None
        if write.rebound or not isinstance(target, gast.Subscript) or write.name not in self.rebound_names:
            return
        rank = self.storage.rank(write.name)
        if is_array(self.kinds.get(write.name)) and (rank is None or rank < 1):
            raise self._refuse(write.node, f"this writes into `{write.name}`, which may be a 0-d array, after "
                               f"`{write.name} += ...` (or another augmented assignment) changed it in place; the "
                               f"derivative makes a new value there, and a 0-d array's new value is a NumPy number, "
                               f"which cannot be written into: write `{write.name} = np.array({write.name} + ...)` "
                               "instead of the augmented assignment")

    def _check_write_into_outside(self, write: Write) -> bool:
        """A write in place through a local name that may hold memory from outside: a global or
        closure object, an item or attribute of one (`a = CONFIG.a; a[0] = v`), one a called function
        returns (`a = weights(); a[0] = v`), one a tuple holds (`t = (W, x); t[0][0] = v`). The
        derivative would restore or skip the change: refused (for `c += v` where c may hold a
        number, at run time if it does not); True where a guard checks it."""
        if write.name not in self.local_names:
            return False
        statements = statements_of(write, self.storage, self.statements)
        written = self._state_at(statements, self.storage)[0].get(write.name, frozenset())  # not what a list holds
        if OUTSIDE_MEMORY not in written:
            return False
        what = "an object" if write.name.startswith("_") else f"`{write.name}`, which may hold an object"
        self._refuse_or_guard(write, statements, f"this writes in place into {what} from outside "
                              f"{self.func_node.name} (a global, a closure, a parameter's default, an item or "
                              "attribute of one, or one a called function returns), and the derivative would not "
                              "make the change as Python does: change a copy (`.copy()`), or pass the object as an "
                              "argument and return the new value")
        return True

    def _refuse_or_guard(self, write: Write, statements: List[gast.stmt], message: str) -> None:
        """Refuse now, or, for `c += v` where c may hold a number (whose `+=` only rebinds c), check at
        run time that it does and refuse there otherwise."""
        kind = write.kind or self.kinds.get(write.name)
        if not write.rebound or kind == CONTAINER or is_array(kind) or not statements:
            raise self._refuse(write.node, message)
        location = self.parsed.info.location(write.node)
        checked = (write.container, write.name) if write.container else write.name  # (analysis/item_writes.py)
        self.guards.setdefault(statements[0], []).append((checked, message, location))

    def _check_outer_write(self, write: Write) -> None:
        """A write into a global or closure object (a log, a counter) is allowed when nothing differentiated
        flows into it and nothing reads the object: the function (by its name, or through a local name that
        may hold memory from outside, `a = CONFIG.w`), or user code it calls (adjoint sweeps too)."""
        stored = [n for n in nodes.names_read(write.node) if n in self.activity.varied]
        readers = [stmt for stmt in self.statements.values()
                   if not isinstance(stmt, (gast.FunctionDef, gast.If, gast.For, gast.While, gast.With))
                   and stmt is not write.node and (user_call(stmt, self.classifier) is not None or (
                       not _only_writes_into(stmt, write.name) and write.name in nodes.names_read(stmt))
                       or self._reads_outside_memory(stmt))]
        if stored or readers:
            raise self._refuse(write.node, f"this writes into `{write.name}`, which is not a variable of "
                               f"{self.func_node.name}, and the derivative would not follow it: pass it as an "
                               "argument and return the new value")

    def _reads_outside_memory(self, stmt: gast.stmt) -> bool:
        """Whether the statement reads a local name that may hold memory from outside the function."""
        return any(name in self.local_names and self._may_hold_outside_memory(name) for name in names_read_by(stmt))

    def _sharing(self, name: str, statements: List[gast.stmt], storage: Sharing) -> Set[str]:
        """The names that may share memory with `name` where the statements write into it."""
        state = self._state_at(statements, storage)
        own = set(state[0].get(name, ()))
        return {m for m in state[0] if m != name and own & storage.reaches(m, state)}

    def _state_at(self, statements: List[gast.stmt], storage: Sharing) -> State:
        own: Dict[str, FrozenSet[str]] = {}
        held: Dict[str, FrozenSet[str]] = {}
        for stmt in statements:
            before_own, before_held = storage.before[stmt]
            for facts, more in ((own, before_own), (held, before_held)):
                for key, roots in more.items():
                    facts[key] = facts.get(key, frozenset()) | roots
        return own, held

    def _check_effects(self) -> None:
        """Calls made for their effect on a value that depends on wrt: nothing says what they change."""
        for stmt in self.statements.values():  # a call made for its effect, its result kept or not
            call = stmt.value if isinstance(stmt, (gast.Expr, gast.Assign)) else None
            if not isinstance(call, gast.Call) or nodes.is_append(stmt):
                continue
            if isinstance(stmt, gast.Assign) and not writes_its_operands(call, self.classifier):
                continue
            if self.classifier.classify(stmt.value).kind == Callee.USER:
                continue
            if not self._may_change_arguments(stmt.value):
                continue
            touched = [a for a in operands_of(stmt.value) if isinstance(a, gast.Name)]
            varied = [a.id for a in touched if a.id in self.local_names and a.id in self.activity.varied]
            written = _written_operands(stmt.value, touched, self.classifier)
            if varied:  # (named by what it writes into: `out=b` names b, not the temporary of an argument)
                named = next((name for name in written if name in varied), written[0] if written else varied[0])
                raise self._overwriting(stmt) or self._refuse(stmt, self._effect_message(stmt.value, self._shown(named)))
            self._check_earlier_reads(stmt, written, "this call")

    def _check_earlier_reads(self, stmt: gast.stmt, written: List[str], what: str,
                             better_reason: Callable[[str], Optional[Exception]] = lambda name: None) -> None:
        """A call that may change in place what `written` hold, memory a statement that may run
        before it reads: the adjoint sweep reads the values that statement read (a view saved by
        reference, an item read again), which the call has overwritten by then. `better_reason(name)`
        gives the error to raise instead, where the caller knows one."""
        state = self.storage.before.get(stmt)
        reached = set().union(*[self.storage.reaches(name, state) for name in written]) if state else set()
        if not reached:
            return
        for earlier in self._may_run_before(stmt):
            if self._block_call(earlier):  # (it runs in the primal sweep only: no derivative reads what it read)
                continue
            for name in sorted(names_read_by(earlier)):
                if self.storage.ever.get(name, frozenset()) & reached:
                    line = self.parsed.info.location(earlier).lineno
                    raise better_reason(name) or self._refuse(
                        stmt, f"{what} changes in place memory that `{self._shown(name)}` holds, which line {line} reads before "
                        "the change (or, in a loop, before the next one); the derivative reads what was read there "
                        "after the change is made: assign a new value instead (`y = ...`), or change a copy "
                        "(`.copy()`)")

    def _block_call(self, stmt: gast.stmt) -> bool:
        """A call of an inert block lifted out of the function (normalize/inert_blocks.py)."""
        call = user_call(stmt, self.classifier)
        return call is not None and block_of(self.classifier.classify(call).func) is not None

    def _read_outside_blocks(self) -> Set[str]:
        """The names a statement reads that is not an inert block's call: a change in place that
        only those calls see later reaches nothing the derivative reads."""
        if self._outside_blocks is None:
            self._outside_blocks = {name for stmt in self.statements.values() if not self._block_call(stmt)
                                    for name in names_read_by(stmt)}
        return self._outside_blocks

    def _may_run_before(self, stmt: gast.stmt) -> List[gast.stmt]:
        """The statements before stmt, and those of the loops around it (which run again after it)."""
        order = list(self.statements)
        earlier = order[:order.index(stmt)]
        loops = [s for s in earlier if isinstance(s, (gast.For, gast.While)) and stmt in nodes.statements(s)]
        return earlier + [s for loop in loops for s in nodes.statements(loop) if s is not stmt]

    def _overwriting(self, stmt: gast.stmt) -> Optional[NonDifferentiableError]:
        """The refusal of a NumPy or SciPy call told it may overwrite what it is given (`overwrite_a=True`,
        `output=y`), as the call's rule refuses it where the result is differentiated; else None."""
        operation = self.classifier.classify(stmt.value)
        flag = overwriting_parameter(stmt.value, operation.func, self.classifier)
        if flag is None:
            return None
        return NonDifferentiableError(operation.label, (
            f"`{operation.label}` with `{flag}` may overwrite its argument in place, which adjoint does not "
            f"differentiate; leave it {'False (the default)' if flag.startswith('overwrite') else 'out'}"),
            self.parsed.info.location(stmt))

    def _effect_message(self, call: gast.Call, varied: str) -> str:
        operation = self.classifier.classify(call)  # (a ufunc of NumPy 2.0 has no __module__)
        if isinstance(operation.func, np.ufunc) or module_of(operation.func).startswith("numpy"):
            instead = (f"`{varied} = {operation.label}(...)` without `out=`" if any(k.arg == "out" for k in call.keywords)
                       else "`y = np.sort(y)`")
            return (f"this call is made for its effect on `{varied}`, which depends on the differentiated "
                    f"arguments; adjoint cannot tell what it changes: assign its result instead ({instead})")
        return (f"`{operation.label}` changes `{varied}` in place, and `{varied}` depends on the differentiated "
                "arguments; adjoint does not follow the change: build a new value instead (`sorted(...)`, a "
                "list built with `+`, `y = y + v`)")

    def _may_change_arguments(self, call: gast.Call) -> bool:
        """A NumPy function (`np.copyto`, `np.random.shuffle`) or one of the standard library's that
        write into their first argument (`heapq.heappush`, `operator.setitem`); not a user function
        (its own writes are checked when it is differentiated), `print` or logging. (Methods of
        local values called for their effect, `y.sort()`, are written as new values or refused when the
        function is normalized: normalize/method_statements.py.)"""
        operation = self.classifier.classify(call)
        module = module_of(operation.func)
        return (isinstance(operation.func, np.ufunc) or module.startswith("numpy")
                or any(operation.func is writer for writer in WRITE_FIRST_ARGUMENT)
                or writes_its_operands(call, self.classifier))

    def _refuse(self, node: gast.AST, message: str) -> UnsupportedSyntaxError:
        return UnsupportedSyntaxError("in-place write", message, self.parsed.info.location(node))


def analyze_aliases(parsed: ParsedFunction, kinds: Dict[str, str], classifier: CallClassifier,
                    activity: Activity, callee_facts=None, residuals: ResidualFacts = NO_FACTS) -> Aliases:
    """Check every in-place write of the normalized function (refusing those adjoint cannot follow)
    and return which names share memory with a name written in place. `callee_facts(func, call,
    kinds)` is `argument_facts` (analysis/argument_facts.py) of the user function `func` for the
    kinds of the call's arguments."""
    return _Checker(parsed, kinds, classifier, activity, callee_facts, residuals).run()


def _written_operands(call: gast.Call, touched: List[gast.Name], classifier: CallClassifier) -> List[str]:
    """The names a NumPy call made for its effect may write into: its `out=` (and a ufunc's outputs
    passed by position) where it has one, the first argument of those that write into it, else
    any name it is given (a global's too)."""
    out = [k.value for k in call.keywords if k.arg == "out"]
    func = classifier.classify(call).func
    if isinstance(func, np.ufunc):
        out += call.args[func.nin:]
    elif any(func is writer for writer in WRITE_FIRST_ARGUMENT) and call.args:
        out = call.args[:1]
    elif out_position(func) < len(call.args):
        out += call.args[out_position(func):out_position(func) + 1]
    chosen = out or touched
    elements = [e for atom in chosen for e in (atom.elts if isinstance(atom, gast.Tuple) else [atom])]
    return [e.id for e in elements if isinstance(e, gast.Name)]


def _item_reads(stmt: gast.stmt) -> Dict[int, Tuple[str, object]]:
    """id of each name stmt reads by one item, `t[k]` (k a constant int) or `t.a` (not called: a
    method may read every item) -> (t, k) or (t, "a")."""
    called, items, attributes = set(), {}, []
    for node in nodes.walk(stmt):
        if isinstance(node, gast.Call):
            called.add(id(node.func))
        owner = getattr(node, "value", None)
        if not isinstance(owner, gast.Name) or not isinstance(getattr(node, "ctx", None), gast.Load):
            continue
        if isinstance(node, gast.Subscript) and isinstance(node.slice, gast.Constant) \
                and type(node.slice.value) is int:
            items[id(owner)] = (owner.id, node.slice.value)
        elif isinstance(node, gast.Attribute):
            attributes.append((node, owner))
    items.update((id(owner), (owner.id, node.attr)) for node, owner in attributes if id(node) not in called)
    return items


def _only_writes_into(stmt: gast.stmt, name: str) -> bool:
    """`name.append(v)`, `name.extend(v)`, `name[k] = v` (v not read out of name): statements that
    change the object name holds without reading it."""
    call = stmt.value if isinstance(stmt, gast.Expr) else None
    if isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute):
        return (isinstance(call.func.value, gast.Name) and call.func.value.id == name
                and not any(name in nodes.names_read(a) for a in operands_of(call)[:-1]))
    if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript):
        target = stmt.targets[0]
        return (isinstance(target.value, gast.Name) and target.value.id == name
                and name not in nodes.names_read(stmt.value) and name not in nodes.names_read(target.slice))
    return False
