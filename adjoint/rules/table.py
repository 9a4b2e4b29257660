"""Rule tables keyed by the function object: adjoints, tangents and non-differentiable functions."""
from __future__ import annotations

import contextlib
import hashlib
import inspect
import weakref
from typing import Any, Callable, Dict, Iterator, Optional

from adjoint.frontend.resolve import qualified_name
from adjoint.rules import libraries
from adjoint.templates import Template, parse_template, rule_definition


class Revision:
    """Counts changes to the rules: derivatives generated before a change are stale after it.

    A change also calls `rules_changed()` of each object in `watchers` (held weakly): the
    cached calls of derived functions, which compare no revision on each call but step aside.
    """

    value = 0
    watchers: "weakref.WeakSet[Any]" = weakref.WeakSet()
    _quiet = False

    @classmethod
    def bump(cls) -> None:
        cls.value += 1
        if not cls._quiet:
            for watcher in list(cls.watchers):
                watcher.rules_changed()

    @classmethod
    @contextlib.contextmanager
    def kept(cls) -> Iterator[None]:
        """Registrations inside are no change: the revision and the watchers stay as they were."""
        value, cls._quiet = cls.value, True
        try:
            yield
        finally:
            cls.value, cls._quiet = value, False


class RuleTable:
    """Derivative templates of one kind ("adjoint" or "tangent"), keyed by the function they differentiate."""

    def __init__(self, kind: str):
        self.kind = kind
        self._rules: Dict[Any, Callable] = {}
        self._parsed: Dict[Callable, Template] = {}

    def register(self, *funcs: Any) -> Callable[[Callable], Callable]:
        """Decorator: the template serves every function in `funcs` (aliases share one rule)."""
        if not funcs:
            raise TypeError(f"register_{self.kind} needs at least one function to register a rule for")

        def decorate(rule: Callable) -> Callable:
            for func in funcs:
                self._rules[func] = rule
            self._parsed.pop(rule, None)
            Revision.bump()
            return rule

        return decorate

    def __contains__(self, func: Any) -> bool:
        libraries.load_for(func)
        try:
            return func in self._rules
        except TypeError:
            return False

    def template(self, func: Any) -> Optional[Template]:
        """The parsed template for func, or None when func has no rule of this kind."""
        if func not in self:
            return None
        rule = self._rules[func]  # `func in self` registered SciPy's rules if func is SciPy's
        if rule not in self._parsed:
            self._parsed[rule] = parse_template(rule)
        return self._parsed[rule]

    def functions(self) -> list:
        """Every function with a rule, SciPy's too when SciPy is installed."""
        libraries.load()
        return list(self._rules)

    def fingerprint(self, describe: Callable[[Callable], str] = rule_definition) -> str:
        """A digest of every template's source (or of what `describe` says of it) but SciPy's
        (registered when first met: libraries.py): part of the cache key."""
        digest = hashlib.sha256()
        for source in sorted(describe(rule) for rule in self._rules.values() if not libraries.deferred(rule)):
            digest.update(source.encode())
        return digest.hexdigest()

    @contextlib.contextmanager
    def scoped(self) -> Iterator["RuleTable"]:
        """Rules registered inside the block are forgotten after it (for tests)."""
        saved = dict(self._rules)
        try:
            yield self
        finally:
            self._rules = saved
            self._parsed = {}
            Revision.bump()


class NonDifferentiable:
    """Functions whose output carries no derivative (`len`, `np.argmax`, comparisons)."""

    def __init__(self):
        self._funcs: list = []
        self._ids: set = set()  # id() of each function in _funcs, which keeps them alive

    def register(self, *funcs: Any) -> None:
        self._funcs.extend(funcs)
        self._ids.update(id(func) for func in funcs)
        Revision.bump()

    def __contains__(self, func: Any) -> bool:
        """Whether func, or the function of the bound method func (`logger.info`), is registered."""
        libraries.load_for(func)
        func = getattr(func, "__func__", func) if inspect.ismethod(func) else func
        return id(func) in self._ids

    def functions(self) -> list:
        """Every function declared non-differentiable, SciPy's too when SciPy is installed."""
        libraries.load()
        return list(self._funcs)

    def fingerprint(self) -> str:
        """A digest of the functions' names (but SciPy's, see RuleTable.fingerprint)."""
        return repr(sorted(qualified_name(f) for f in self._funcs if not libraries.deferred_function(f)))


class Undifferentiated:
    """Arguments a function's rules do not differentiate though its value moves with them (an
    order, a period, a second set of variables): {id(func): (func, parameter names)}."""

    def __init__(self):
        self._params: Dict[Any, tuple] = {}

    def register(self, func: Any, *params: str) -> None:
        self._params[_key(func)] = (func, params)
        Revision.bump()

    def of(self, func: Any) -> tuple:
        entry = self._params.get(_key(func))
        return entry[1] if entry is not None else ()


def _key(func: Any) -> Any:
    """func itself where it hashes (a bound method such as `stats.gamma.cdf` is made anew at each
    attribute read, and equals the others), else its id."""
    try:
        hash(func)
    except TypeError:
        return id(func)
    return func


ADJOINTS = RuleTable("adjoint")
TANGENTS = RuleTable("tangent")
NON_DIFFERENTIABLE = NonDifferentiable()
UNDIFFERENTIATED = Undifferentiated()


def register_adjoint(*funcs: Any) -> Callable[[Callable], Callable]:
    """Declare the reverse-mode rule of `funcs` as a template (see SPEC §3)."""
    return ADJOINTS.register(*funcs)


def register_tangent(*funcs: Any) -> Callable[[Callable], Callable]:
    """Declare the forward-mode rule of `funcs` as a template."""
    return TANGENTS.register(*funcs)


def non_differentiable(*funcs: Any):
    """Declare funcs' outputs constant; usable as a decorator on a user function too."""
    NON_DIFFERENTIABLE.register(*funcs)
    return funcs[0] if len(funcs) == 1 else funcs


def not_differentiated(func: Any, *params: str) -> None:
    """Declare that the rules of func leave `params` out though its value moves with them: a value
    that depends on the differentiated inputs, given there, is refused at its line."""
    UNDIFFERENTIATED.register(func, *params)


def rules_fingerprint(describe: Callable[[Callable], str] = rule_definition) -> str:
    digest = hashlib.sha256()
    digest.update(ADJOINTS.fingerprint(describe).encode())
    digest.update(TANGENTS.fingerprint(describe).encode())
    digest.update(NON_DIFFERENTIABLE.fingerprint().encode())
    return digest.hexdigest()
