"""Checks at the calls of user functions (the in-place checks of analysis/aliases.py, which
mixes them in): a called function that writes in place into what it is given changes what its
caller holds, and its derivative changes a copy (the prologue of a derivative copies the
arguments it writes into), which is exact when nothing that may share the memory passed to the
parameters it writes into is read after the call; one that writes into a global or closure
object, or rebinds a global, changes what its caller may read."""
from __future__ import annotations

from typing import Dict, FrozenSet, Set

import gast

from adjoint import nodes
from adjoint.analysis.argument_facts import written_arguments
from adjoint.analysis.kinds import SCALAR
from adjoint.analysis.residuals import stays_unseen
from adjoint.analysis.sharing import OUTSIDE_MEMORY, operands_of
from adjoint.analysis.writes import user_call
from adjoint.errors import AdjointError, Location, UnsupportedSyntaxError, is_library_file
from adjoint.frontend.resolve import qualified_name
from adjoint.normalize.inert_blocks import block_feeds, called_label

ATOMS = (str, bytes, int, float, complex, bool, type(None))


class CalleeChecks:
    """The checks of the calls of user functions, as methods of the in-place checker (they read
    its sharing of memory, liveness, kinds and callee facts)."""

    def _check_callees(self, written: Dict[str, gast.AST]) -> None:
        """A user function that changes in place what it is given: its derivative changes a copy
        (the prologue of a derivative copies the arguments it writes into), which is exact when
        nothing that may share that memory is read after the call."""
        if self.callee_facts is None:
            return
        for stmt in self.statements.values():
            call = user_call(stmt, self.classifier)
            if call is not None:
                self._check_callee(stmt, call, written)

    def _check_callee(self, stmt: gast.stmt, call: gast.Call, written: Dict[str, gast.AST]) -> None:
        func = self.classifier.classify(call).func
        where, _, unreadable, outer, unseen, _, parameters = self.callee_facts(func, call, self.kinds)
        unreadable = unreadable and self._at_call(call, func, unreadable)
        self._check_outer_reads(stmt, func, outer)
        if where is None and unseen is not None and not stays_unseen(call, self.activity, self.live.after.get(stmt)):
            where = unseen
        written_into = written_arguments(func, call, parameters)  # (None: any of them)
        passed = [a.id for a in operands_of(call) if isinstance(a, gast.Name) and self.kinds.get(a.id) != SCALAR
                  and not self._names_an_atom(a.id) and (written_into is None or a.id in written_into)]
        if not passed or where is None:
            return
        state = self.storage.before[stmt]
        label = called_label(func)
        outside = next((name for name in passed
                        if name not in self.local_names or OUTSIDE_MEMORY in self.storage.reaches(name, state)), None)
        if outside is not None:  # (what kept adjoint from reading the callee is the better reason)
            raise unreadable or self._refuse(
                stmt, f"{label} changes an argument in place ({where.filename}:{where.lineno}) and "
                f"`{outside}` may hold memory from outside this function (a global, a closure, or an object "
                "reached from one), which the change would reach; return the new value instead, or pass a copy")
        reached = set().union(*[self.storage.reaches(name, state) for name in passed])
        for param in self.parameters:
            if {"argument " + param, "contents of argument " + param} & reached:
                written.setdefault(param, stmt)
        live = self.live.after.get(stmt, frozenset())
        for other in sorted(live, key=lambda n: (n.startswith("_"), n)):
            if self.storage.reaches(other, state) & reached and other in self._read_outside_blocks():
                raise unreadable or self._refuse_derivative_call(stmt, func, where, other) or self._refuse(
                    stmt, block_feeds(func, where, other) or self._nonlocal_changed(func, label, where, passed)
                    or f"{label} changes an argument in place ({where.filename}:{where.lineno}) and "
                    f"{self._what_is_read(other, passed)} is read after the call; adjoint does not follow changes a "
                    "called function makes to its arguments: return the new value instead, or pass a copy")
        self._check_earlier_reads(stmt, passed, f"{label} ({where.filename}:{where.lineno})",
                                  lambda name: unreadable or self._refuse_derivative_call(stmt, func, where, name))

    def _nonlocal_changed(self, func, label: str, where: Location, passed) -> str:
        """The refusal of a call of a local function that changes in place (`total += v`) a variable of
        this function it declares `nonlocal` (normalize/nonlocal_writes.py passes it in, by keyword);
        '' otherwise."""
        code, called = getattr(self.parsed.func, "__code__", None), getattr(func, "__code__", None)
        keywords = called.co_varnames[called.co_argcount:called.co_argcount + called.co_kwonlyargcount] if called else ()
        name = next((name for name in passed if code is not None and name in code.co_cellvars and name in keywords),
                    None)
        return name and (f"{label} changes in place ({where.filename}:{where.lineno}) what its `nonlocal {name}` "
                         f"holds, which is read after the call; adjoint does not follow the change there: bind a new "
                         f"value instead (`{name} = {name} + ...` for `{name} += ...`)")

    def _what_is_read(self, other: str, passed) -> str:
        """`other`, read after a call that changes what it holds; where adjoint made the name up
        (`_returned1` of a function rebinding a `nonlocal` variable), what the user's name passed to
        the call holds."""
        shown = self._shown(other)
        code = getattr(self.parsed.func, "__code__", None)
        if not shown.startswith("_") or code is None or shown in code.co_varnames + code.co_cellvars:
            return f"`{shown}`"
        mine = [name for name in passed if name in code.co_varnames + code.co_cellvars]
        return f"what `{mine[0]}` holds" if mine else "what it changes"

    def _names_an_atom(self, name: str) -> bool:
        """A global or closure name holding a string, bytes or a number (`logging.getLogger(__name__)`):
        nothing can change it in place."""
        return name not in self.local_names and isinstance(self.parsed.lookup(name), ATOMS)

    def _check_outer_reads(self, stmt: gast.stmt, func, outer: FrozenSet[object]) -> None:
        """A called function that writes in place into a global or closure object this function
        reads, or rebinds a global name it reads: the derivative would read the new values (or,
        saved by reference, see them change), and would not follow the change itself. Where it
        writes through a name that may hold memory from outside (OUTSIDE_MEMORY in `outer`: which
        object, nothing tells), any other statement reading a name that may hold such memory counts."""
        if not outer:
            return
        globals_ = id(getattr(self.parsed.func, "__globals__", {}))
        for reader in self.statements.values():
            for name in sorted(names_read_by(reader)):
                line = self.parsed.info.location(reader).lineno
                changed = id(self.parsed.lookup(name)) in outer or (globals_, name) in outer
                if name not in self.local_names and changed:
                    raise self._refuse(stmt, f"{called_label(func)} changes `{name}`, which line {line} of "
                                       f"{self.func_node.name} reads; the derivative would not follow the change: "
                                       "pass it as an argument and return the new value")
                if OUTSIDE_MEMORY in outer and reader is not stmt and self._may_hold_outside_memory(name):
                    raise self._refuse(stmt, f"{called_label(func)} changes in place an object from outside it (a "
                                       f"global, or an object reached from one), which `{name}`, read at line {line} "
                                       f"of {self.func_node.name}, may hold; the derivative would not follow the "
                                       "change: pass the object as an argument and return the new value")

    def _may_hold_outside_memory(self, name: str) -> bool:
        return OUTSIDE_MEMORY in self.storage.ever.get(name, ())

    def _refuse_derivative_call(self, stmt: gast.stmt, func, where: Location, other: str):
        """The refusal of a call, in a derivative being differentiated again, of a derivative adjoint
        generated for a call in the user's code: it names that call of the user's, in plain words
        (None for any other call). What adjoint generated to undo in place, in the adjoint sweep, what
        a function overwrote or popped (its own stack included) changes values its caller keeps, and
        the caller keeps them all in one tuple whose parts adjoint cannot tell apart."""
        user_call = getattr(func, "__adjoint_user_call__", None)
        if user_call is None:
            return None
        location, callee = user_call
        inner = self.parsed.info.location(stmt)
        return UnsupportedSyntaxError("in-place write", (
            f"the derivative of `{callee}` called here cannot be differentiated again: its adjoint sweep undoes "
            "in place what its primal sweep overwrote or popped (writes of the function into its own arrays or "
            "lists, or adjoint's record of intermediate values), and adjoint cannot tell whether that change "
            f"reaches a value read afterwards (`{other}`, in the generated {inner.filename}:{inner.lineno}; the "
            f"change at {where.filename}:{where.lineno}); writing `{callee}` without in-place writes avoids this "
            "where the writes are its own, otherwise this order of derivative is not supported yet"), location)

    def _at_call(self, call: gast.Call, func, error: AdjointError) -> AdjointError:
        """A refusal met in the source of a library function (`random.gauss` writes
        `self.gauss_next`), moved to the user's call of it: the library's line is in the message."""
        at = self.parsed.info.location(call)
        if at is None or error.location is None or is_library_file(at.filename) or not is_library_file(error.location.filename):
            return error
        return error.blamed_on(at, qualified_name(func))


def names_read_by(stmt: gast.stmt) -> Set[str]:
    """The names a statement reads itself (a compound statement: its test or iterable)."""
    if isinstance(stmt, (gast.If, gast.While)):
        return set(nodes.names_read(stmt.test))
    if isinstance(stmt, gast.For):
        return set(nodes.names_read(stmt.iter))
    if isinstance(stmt, (gast.With, gast.FunctionDef)):
        return set()
    return set(nodes.names_read(stmt))
