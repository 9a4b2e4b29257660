"""The compiler, stage by stage: function -> derivative source -> derivative function.

    normalize      parse, check, lift checkpointed loops, desugar, lower jumps, A-normal form
    analyze        calls, activity, kinds, aliases, assignment sites      -> Analysis
    differentiate  reverse or forward transform from the rule templates   -> derivative AST
    optimize       the passes of adjoint/optimize                         -> derivative AST
    emit           source text, the bindings it reads                     -> GeneratedFunction
    compile        every unit of the generation together                  -> functions

A generation starts from one function and also generates the derivatives of the user
functions it calls (recursively); they are compiled together.
"""
from __future__ import annotations

import gc
import inspect
import threading
from contextlib import contextmanager
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

import gast
import numpy as np

from adjoint import nodes
from adjoint.ad import forward, gradient, split
from adjoint.ad.context import FunctionContext
from adjoint.ad.naming import Namer, function_namer
from adjoint.ad.rest_calls import call_origins
from adjoint.analysis import analyze
from adjoint.analysis.answers import Answers
from adjoint.analysis.argument_facts import argument_facts, unread_facts
from adjoint.analysis.calls import CallClassifier, Callee
from adjoint.analysis.derived_kinds import call_parameter_kinds, halves_shapes
from adjoint.analysis.kinds import MAPPING, UNKNOWN, infer_kinds, known_ranks
from adjoint.analysis.positions import returned_positions
from adjoint.analysis.residuals import NO_FACTS, ResidualFacts, forward_half_facts, forward_half_of
from adjoint.analysis.sharing import ARGUMENTS, RETURNS_ANYTHING
from adjoint.analysis.tripwire import unreached_parameters
from adjoint.backend import codegen
from adjoint.backend.compile import compile_all
from adjoint.errors import AdjointError, is_library_file
from adjoint.frontend.resolve import qualified_name
from adjoint.frontend.check import check_function
from adjoint.frontend.held import held_still, let_go
from adjoint.frontend.complex_values import refuse_complex_values, refuse_foreign_values_again
from adjoint.frontend.parse import MISSING, parse_function
from adjoint.generated import (PREFIXES, Generated, GeneratedFunction, Unreached, made_for, materialized,
                               refuse_in_generated_code, identifier as _identifier)
from adjoint.normalize.anf import check_walrus, refuse_conditional_walrus, to_anf
from adjoint.normalize.checkpoint import lift_checkpointed_loops, loop_of
from adjoint.normalize.single_assignment import rename_rebindings
from adjoint.normalize.derived_calls import take_derivatives_ahead
from adjoint.normalize.derived_inline import calls_derived, inline_derived_calls
from adjoint.normalize.desugar import desugar
from adjoint.normalize.frozen import unfreeze_distributions
from adjoint.normalize.comprehensions import lower_comprehensions
from adjoint.normalize.jumps import lower_jumps
from adjoint.normalize.once import normalized_once
from adjoint.normalize.factories import inline_factories
from adjoint.normalize.inert_blocks import lift_inert_blocks
from adjoint.normalize.local_functions import lift_local_functions, specialize_calls
from adjoint.normalize.function_choices import lower_function_choices
from adjoint.normalize.python_forms import lower_python_forms
from adjoint.normalize.random_draws import lower_random_draws
from adjoint.normalize.running import lower_running_iterators
from adjoint.normalize.shadowed import refuse_shadowed_builtins
from adjoint.normalize.unroll import unroll_table_loops
from adjoint.normalize.views import substitute_views
from adjoint.optimize import optimize, zero_reads
from adjoint.options import Mode, Options

def normalize(func: Callable, returns_value: bool = True, kinds: Optional[Dict[str, str]] = None):
    """Parse, check and normalize `func` (`kinds`: its parameters', where known): (parsed, namer); a
    function normalized before for the same kinds, a copy of what was kept (normalize/once.py)."""
    return normalized_once(func, returns_value, kinds, _normalized_afresh)


def _normalized_afresh(parsed, returns_value: bool, kinds: Optional[Dict[str, str]]):
    """normalize's work on a function just parsed."""
    with held_still(parsed.node):  # (frontend/held.py: the passes up to desugar let go of the tree to change it)
        namer = function_namer(parsed.node)
        refuse_shadowed_builtins(parsed)  # before local functions are lifted out
        walrus = check_walrus(parsed)  # (no pass makes one)
        lift_inert_blocks(parsed, namer.fresh)  # (before any pass reads what runs inside them)
        substitute_views(parsed, known_ranks(kinds or {}))
        lower_python_forms(parsed, namer.fresh)
        with held_still(parsed.node):  # the same walk, unless a form was lowered
            take_derivatives_ahead(parsed, namer.fresh, nodes.local_names(parsed.node))
            inline_factories(parsed, namer)
            lift_local_functions(parsed, namer.fresh)
            lower_comprehensions(parsed, namer.fresh)
            lower_running_iterators(parsed, namer.fresh)
            locals_ = nodes.local_names(parsed.node)
            if unroll_table_loops(parsed, locals_):  # (which walks only the loops it unrolls)
                let_go(parsed.node)
                locals_ = nodes.local_names(parsed.node)
            check_function(parsed.node, parsed.info, returns_value)  # these three change no name the function
            refuse_complex_values(parsed, locals_)  # assigns (tests/test_local_names.py)
            specialize_calls(parsed, namer.fresh, locals_)
            if lift_checkpointed_loops(parsed, namer.fresh, locals_):
                locals_ = nodes.local_names(parsed.node)
            numpy_name = _numpy_name(parsed, namer, locals_)  # _numpy_name changes no statement
            mappings = frozenset(name for name, kind in (kinds or {}).items() if kind == MAPPING)
            unfreeze_distributions(parsed, namer.fresh, locals_)
            desugar(parsed, namer.fresh, numpy_name, mappings)  # (which lets go once it has read the function)
    lower_jumps(parsed.node, namer.fresh)
    to_anf(parsed.node, namer.fresh)
    rename_rebindings(parsed, namer.fresh)
    lower_random_draws(parsed, namer.fresh)
    lower_function_choices(parsed, namer.fresh)
    if walrus:
        refuse_conditional_walrus(parsed)
    return parsed, namer


def _numpy_name(parsed, namer: Namer, local_names: frozenset) -> str:
    if parsed.lookup("np") is np and "np" not in local_names:
        return "np"
    name = "np" if parsed.lookup("np") is MISSING and "np" not in namer.taken else namer.exact("np")
    parsed.namespace[name] = np
    return name


class Generation:
    """Generates a root derivative and, on request, the derivatives of the functions it calls."""

    def __init__(self, optimize_code: bool = True):
        self.optimize_code = optimize_code
        self.names: Dict[Tuple, str] = {}
        self.units: List[GeneratedFunction] = []
        self.pending: List[Tuple] = []
        self.taken: set = set()
        self.output_kinds: Dict[Tuple, str] = {}
        self.argument_facts: Dict[Callable, Any] = {}
        self.forward_facts: Dict[Callable, ResidualFacts] = {}
        self.dependencies: List[Tuple[Dict[str, Any], str, Any]] = []
        self.dependency_ids: set = set()  # the ids of each dependency's three objects
        self.warnings: List[Unreached] = []
        self.rules: Dict[str, str] = {}
        self.root: Optional[Tuple] = None
        self.current: Optional[Tuple] = None  # the request being transformed
        self.user_calls: Dict[Tuple, Any] = {}  # request -> the call in the user's code it comes from
        # (func, kinds) -> (parsed, namer, classifier, kinds inferred) of a called user function
        # as callee_kind normalized and read it; callee_facts reads it again, residual_facts
        # too for a forward half, and the callee's transform takes it (neither the classifier
        # nor the kinds inference changes what they read): one normalization where there were four
        self.callees_read: Dict[Tuple, Tuple] = {}
        self.answers = Answers()  # which kept answers, and readings, are final
        self.facts_being_read: Set[Tuple] = set()  # callee_facts keys whose function is being read
        self.recursive: Set[Tuple] = set()  # ... and those of them a call in their own body asked for

    def request(self, func: Callable, wrt: Tuple[str, ...], mode: str, location=None,
                kinds: Optional[Dict[str, str]] = None) -> str:
        key = (func, wrt, mode, tuple(sorted((kinds or {}).items())))
        if key not in self.names:
            label = _identifier(func.__name__)
            base = f"{PREFIXES[mode]}_{label}" if PREFIXES[mode] else label
            name, count = base, 1
            # The derivative's name must not hide a name the user's code reads (a function called grad_f).
            code = getattr(func, "__code__", None)
            globals_, free = getattr(func, "__globals__", {}), code.co_freevars if code else ()
            while name in self.taken or name in globals_ or name in free:
                count += 1
                name = f"{base}_{count}"
            self.taken.add(name)
            self.names[key] = name
            if mode != Mode.BACKWARD_PASS:  # generated with its forward_pass (see ad/split.py)
                self.pending.append((key, location))
            in_user_code = location is not None and not is_library_file(location.filename)
            self.user_calls[key] = location if in_user_code else self.user_calls.get(self.current)
        return self.names[key]

    def run(self, func: Callable, options: Options) -> Generated:
        root = self.request(func, options.wrt, options.mode, kinds=dict(options.kinds or ()))
        self.root = self.pending[0][0]
        while self.pending:
            key, location = self.pending.pop(0)
            target, wrt, mode, kinds = key
            self.current = key
            try:
                self.units.extend(self.transform(target, wrt, mode, dict(kinds), self.names[key]))
            except RecursionError:
                raise AdjointError(f"the function {target.__qualname__} is too deeply nested to differentiate", location)
            except AdjointError as error:
                generated = error.location is not None and error.location.filename.startswith("<adjoint ")
                if generated:
                    refuse_in_generated_code(error, target)  # met in a derivative adjoint wrote
                user_call = self.user_calls.get(key)  # else moved to the user's call, as a library's
                if user_call is None or not (generated or error.location and is_library_file(error.location.filename)):
                    raise
                raise error.blamed_on(made_for(user_call), f"the derivative `{target.__name__}`" if generated
                                      else qualified_name(target)) from None
        self._note_user_calls()
        functions = compile_all(self.units)
        root_kinds = tuple(sorted(dict(options.kinds or ()).items()))
        backward = self.names.get((func, options.wrt, Mode.BACKWARD_PASS, root_kinds))
        return Generated(functions[root], self.units, self.dependencies, functions.get(backward), self.warnings,
                         sorted(self.rules.items()))

    def _note_user_calls(self) -> None:
        """Each generated function made for a call in the user's code keeps that call (see
        GeneratedFunction.user_call)."""
        calls = {self.names[key]: (location, getattr(key[0], "__name__", "the function"))
                 for key, location in self.user_calls.items() if location is not None}
        for unit in self.units:
            unit.user_call = calls.get(unit.name, unit.user_call)

    def materialize(self, func: Callable, kinds: Dict[str, str]) -> Callable:
        """The code a derived function stands for (generated.materialize). What its generation
        depends on, this one does: a derivative of a derivative is generated from code that is
        stale once a name the inner derivative was generated for is bound to something else."""
        code, dependencies = materialized(func, kinds)
        self.depend_on(dependencies)
        return code

    def depend_on(self, dependencies: List[Tuple[Dict[str, Any], str, Any]]) -> None:
        """Keep each (namespace, name, value) once: the same three objects (namespaces that
        compare equal may still be two)."""
        for dependency in dependencies:
            identity = tuple(map(id, dependency))
            if identity not in self.dependency_ids:
                self.dependency_ids.add(identity)
                self.dependencies.append(dependency)

    def callee_kind(self, func: Callable, positional, keywords) -> str:
        """The kind of what user function `func` returns for arguments of these kinds."""
        try:
            bound = inspect.signature(func).bind(*positional, **dict(keywords))
        except (TypeError, ValueError):
            return UNKNOWN
        kinds = {name: kind for name, kind in bound.arguments.items() if isinstance(kind, str)}
        key = (func, tuple(sorted(kinds.items())))
        if key in self.output_kinds:
            self.answers.asked(("kind", key))
            return self.output_kinds[key]
        self.output_kinds[key] = UNKNOWN
        with self.answers.answering(("kind", key)):
            try:
                parsed, namer = normalize(self.materialize(func, kinds), kinds=kinds)
            except AdjointError as error:  # refused where its derivative is generated, if it is needed
                refuse_foreign_values_again(error)  # (but a foreign array it makes enters the caller's rules)
                return UNKNOWN
            classifier = CallClassifier(parsed, nodes.local_names(parsed.node))
            inferred = infer_kinds(parsed.node, kinds, classifier, self.callee_kind)
            self.callees_read[key] = (parsed, namer, classifier, inferred)
            self.output_kinds[key] = inferred.get(parsed.node.body[-1].value.id, UNKNOWN)
        return self.output_kinds[key]

    def callee_facts(self, func: Callable, call: gast.Call, kinds: Dict[str, str]):
        """Where user function `func` writes into its arguments in place (None: nowhere), what
        its result may be of memory it did not make (its arguments, objects from outside: see
        analysis/sharing.py), given the kinds of the call's arguments, the error that kept adjoint
        from reading it (None if it could), the ids of the global or closure objects it writes
        into in place, the first write no caller sees
        (analysis/residuals.py), the length of the tuple of objects apart it returns
        (analysis/positions.py; None if it does not), and the parameters it may write into (None:
        unknown; analysis/argument_facts.py)."""
        parameter_kinds = call_parameter_kinds(func, call, kinds)
        key = (func, tuple(sorted(parameter_kinds.items())))
        if key in self.facts_being_read:
            self.recursive.add(key)
        if key in self.argument_facts:
            self.answers.asked(("facts", key))
            return self.argument_facts[key]
        # while a recursive function is read:
        self.argument_facts[key] = (None, RETURNS_ANYTHING, None, frozenset(), None, None, None)
        with self.answers.answering(("facts", key)):
            read = self.callees_read.get(key)  # a function that returns a value: as callee_kind read it
            if read and ("kind", key) not in self.answers.final:
                self.answers.unsettle(("facts", key))  # its kinds may be inferred from a placeholder
            try:
                parsed, _ = read[:2] if read else normalize(self.materialize(func, parameter_kinds),
                                                            returns_value=False, kinds=parameter_kinds)
            except AdjointError as error:  # what adjoint cannot read, it cannot vouch for
                self.argument_facts[key] = unread_facts(func, error)
                return self.argument_facts[key]
            classifier = read[2] if read else CallClassifier(parsed, nodes.local_names(parsed.node))
            parsed_kinds = read[3] if read else infer_kinds(parsed.node, parameter_kinds, classifier, self.callee_kind)
            self.facts_being_read.add(key)
            try:
                self.argument_facts[key] = self._recursive_facts(key, parsed, parsed_kinds, classifier)
            finally:
                self.facts_being_read.discard(key)
        return self.argument_facts[key]

    def _recursive_facts(self, key: Tuple, parsed, kinds: Dict[str, str], classifier: CallClassifier) -> Tuple:
        """The facts of a function whose calls of itself (directly or through other functions) are
        taken to return what `assumed` says, from its arguments at first: where it is found to return
        more, the assumption grows and the facts read under it (its callees' too) are read again."""
        assumed = frozenset({ARGUMENTS})
        while True:
            self.argument_facts[key] = (None, assumed, None, frozenset(), None, None, None)
            known = (len(self.argument_facts), len(self.forward_facts))  # dicts keep insertion order
            self.recursive.discard(key)
            facts = self._read_facts(parsed, kinds, classifier)
            if key not in self.recursive or facts[1] <= assumed:
                return facts
            assumed |= facts[1]
            for before, table in zip(known, (self.argument_facts, self.forward_facts)):
                for stale in list(table)[before:]:  # all of them, final or not: read under `assumed`
                    del table[stale]

    def _read_facts(self, parsed, kinds: Dict[str, str], classifier: CallClassifier) -> Tuple:
        """callee_facts of a function read and normalized (but for the error that kept it unread)."""
        facts = argument_facts(parsed, kinds, classifier, self.callee_facts, self.residual_facts)
        where, returns, outer, unseen, written = facts
        positions = returned_positions(parsed, kinds, classifier, lambda f, call: self.callee_facts(f, call, kinds)[1])
        return where, returns, None, outer, unseen, positions, written

    def residual_facts(self, func: Callable) -> ResidualFacts:
        """What backward half `func` may change of its residuals without a caller seeing it
        (see analysis/residuals.py); NO_FACTS for any other function."""
        forward, kinds = forward_half_of(func)
        if forward is None:
            return NO_FACTS
        if forward in self.forward_facts:
            self.answers.asked(("residuals", forward))
            return self.forward_facts[forward]
        self.forward_facts[forward] = NO_FACTS  # while a recursive function is read
        with self.answers.answering(("residuals", forward)):
            key = (forward, tuple(sorted(kinds.items())))
            read = self._final_reading(key)
            if read is not None:
                parsed, _, classifier, kinds = read
            else:
                try:
                    parsed, _ = normalize(forward, kinds=kinds)
                except AdjointError:
                    return NO_FACTS
                classifier = CallClassifier(parsed, nodes.local_names(parsed.node))
                kinds = infer_kinds(parsed.node, kinds, classifier, self.callee_kind)
            facts = self.argument_facts.get(key) if read and ("facts", key) in self.answers.final else None
            if facts is None:
                where, _, outer, unseen, _ = argument_facts(parsed, kinds, classifier, self.callee_facts,
                                                         self.residual_facts)
            else:  # what callee_facts found reading the same code for the same kinds
                where, outer, unseen = facts[0], facts[3], facts[4]
            if where is None and unseen is None and not outer:
                returns = lambda f, call: self.callee_facts(f, call, kinds)[1]  # noqa: E731
                self.forward_facts[forward] = forward_half_facts(parsed, kinds, classifier, returns)
        return self.forward_facts[forward]

    def _inline(self, parsed, namer: Namer, kinds: Dict[str, str], inferred: Optional[Tuple]) -> bool:
        """The calls of derived functions the function makes, written into it where their code is
        known for the kinds of their arguments (normalize/derived_inline.py); whether any was."""
        classifier = CallClassifier(parsed, nodes.local_names(parsed.node))
        known = inferred[3] if inferred else infer_kinds(parsed.node, kinds, classifier, self.callee_kind)

        def reading(call: gast.Call):  # the callee's code as callee_kind reads it
            operation = classifier.classify(call)
            if operation.kind != Callee.USER:
                return None
            func, kinds_in = operation.func, call_parameter_kinds(operation.func, call, known)
            read = self._final_reading((func, tuple(sorted(kinds_in.items()))))
            try:
                return read[0] if read else normalize(self.materialize(func, kinds_in), kinds=kinds_in)[0]
            except AdjointError:  # refused where the call is differentiated
                return None
        return inline_derived_calls(parsed, namer, reading)

    def _final_reading(self, key: Tuple) -> Optional[Tuple]:
        """The reading callee_kind made of a function for these kinds, if its transform has not
        taken it and its kinds are final (see Answers): what reading it again would give."""
        read = self.callees_read.get(key)
        return read if read is not None and ("kind", key) in self.answers.final else None

    def transform(self, func: Callable, wrt: Tuple[str, ...], mode: Mode, kinds: Dict[str, str],
                  name: str) -> List[GeneratedFunction]:
        """The generated function(s) for one request: two for a forward_pass, the forward and
        the backward half."""
        if mode == Mode.PRIMAL:
            return [_primal_step(func, name)]
        backward_name = self.request(func, wrt, Mode.BACKWARD_PASS, kinds=kinds) if mode == Mode.FORWARD_PASS else ""
        is_root = (func, wrt, mode, tuple(sorted(kinds.items()))) == self.root
        user_code = getattr(func, "__adjoint_generated__", None) is None  # not a derivative adjoint wrote
        key = (func, tuple(sorted(kinds.items())))
        inferred = self._final_reading(key)  # its kinds, as the analysis would infer them again
        read = self.callees_read.pop(key, None)  # the transform changes it
        func = self.materialize(func, kinds)
        parsed, namer = read[:2] if read else normalize(func, kinds=kinds)
        if mode not in (Mode.FORWARD, Mode.PRIMAL) and calls_derived(parsed):
            inferred = None if self._inline(parsed, namer, kinds, inferred) else inferred
        analysis = analyze(parsed, namer.exact, wrt, mode, kinds, self.callee_kind, self.callee_facts,
                           self.residual_facts(func), inferred[3] if inferred else None,
                           kinds_of_values=key == (self.root[0], self.root[3]), without_values=not self.root[3])
        ctx = FunctionContext(parsed, namer, analysis, self.request)
        if is_root and user_code:  # a zero second derivative is no slip of the user's
            self.warnings = unreached_parameters(parsed.node, wrt, analysis.activity, analysis.classifier,
                                                 parsed.info.location)
        tree = differentiate(ctx, mode, wrt, name)
        self.depend_on(analysis.classifier.dependencies)
        self.rules.update(analysis.classifier.rules_used)
        if self.optimize_code:
            tree = optimize(tree, ctx, forward=mode == Mode.FORWARD, arguments=kinds)
        return emit(tree, ctx, mode, backward_name)


def differentiate(ctx: FunctionContext, mode: Mode, wrt: Tuple[str, ...], name: str) -> gast.FunctionDef:
    """The derivative of ctx's function: forward mode from tangent rules, else reverse mode."""
    if mode == Mode.FORWARD:
        return forward.build_forward(ctx, wrt, name)
    return gradient.build_reverse(ctx, mode, wrt, name)


def emit(tree: gast.FunctionDef, ctx: FunctionContext, mode: Mode, backward_name: str) -> List[GeneratedFunction]:
    """The source of the derivative (cut into its forward and backward halves for a
    forward_pass) with the globals and bindings it runs with."""
    if mode == Mode.FORWARD:
        tree = forward.materialize_zero_tangents(tree, ctx)
    else:
        tree = zero_reads.shape_zero_reads(tree, ctx)
    call_origins(tree, ctx)
    residuals = split.residual_names(tree) if mode == Mode.FORWARD_PASS else None
    trees = split.split(tree, tree.name, backward_name, ctx.namer, residuals, ctx.bind_global) if residuals is not None else (tree,)
    bindings = dict(ctx.parsed.namespace)
    bindings.update(ctx.bindings)
    units = []
    for tree in trees:
        source, identifiers = codegen.render(tree)
        units.append(GeneratedFunction(tree.name, source, ctx.parsed.func.__globals__, _used(bindings, identifiers),
                                       positions=(ctx.parsed.info, codegen.statement_positions(tree))))
    if len(units) == 2:
        params = nodes.parameters(ctx.func_node)
        units[1].forward_half = (units[0].name, {p: ctx.kinds[p] for p in params if p in ctx.kinds})
        units[0].shapes, units[1].shapes = halves_shapes(ctx.kinds, ctx.func_node, ctx.sites.mutated, residuals, trees[1])
    return units


def _primal_step(func: Callable, name: str) -> GeneratedFunction:
    """The step function of a checkpointed loop, run as written (Mode.PRIMAL)."""
    source = loop_of(func).primal_source(name)
    identifiers = nodes.all_identifiers(gast.parse(source))
    return GeneratedFunction(name, source, func.__globals__, _used(parse_function(func).namespace, identifiers))


def _used(bindings: Dict[str, Any], identifiers: set) -> Dict[str, Any]:
    """The bindings the generated code reads (identifiers: every name in its tree)."""
    return {name: value for name, value in bindings.items() if name in identifiers}


def generate(func: Callable, options: Options) -> Generated:
    """Run the whole compiler on `func`."""
    with collector_paused():
        return Generation(options.optimize).run(func, options)


_PAUSE = {"depth": 0, "was_enabled": False}
_PAUSE_LOCK = threading.Lock()


@contextmanager
def collector_paused():
    """The cyclic garbage collector held off while a generation runs: the trees it builds are
    freed by reference counting, and a full collection in the middle of a generation walks every
    object of the process (NumPy's, SciPy's, the user's) for nothing, a fifth of the time of a
    50-line function. Generations nest (a derivative of a derivative): the outermost restores."""
    with _PAUSE_LOCK:
        if _PAUSE["depth"] == 0:
            _PAUSE["was_enabled"] = gc.isenabled()
            gc.disable()
        _PAUSE["depth"] += 1
    try:
        yield
    finally:
        with _PAUSE_LOCK:
            _PAUSE["depth"] -= 1
            if _PAUSE["depth"] == 0 and _PAUSE["was_enabled"]:
                gc.enable()
