"""The analyses of one normalized function, run as one stage: `analyze` returns an Analysis.

calls (what each operation is), activity (what the output depends on and what depends on the
inputs), kinds (numbers, arrays of known rank, lists), complex values (what np.fft makes), aliases (which names may share memory,
and where an in-place write must be refused or guarded), assignment sites, loops over
what may be a dict (guarded), `+` joining what may be lists (guarded), and `a op= b` where `a` may
hold an array (a helper computing Python's in-place value: analysis/augmented.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, FrozenSet, Optional, Tuple

from adjoint import nodes, runtime
from adjoint.analysis.activity import Activity, analyze_activity
from adjoint.analysis.aliases import Aliases, analyze_aliases
from adjoint.analysis.attributes import object_parameters, refuse_lost_attribute_reads
from adjoint.analysis.augmented import call_helpers, operations_in_place
from adjoint.analysis.calls import CallClassifier, table_for
from adjoint.analysis.complex_flow import complex_names
from adjoint.analysis.guards import absent_guards, drop_checks_of_arrays, insert_guards
from adjoint.analysis.index_values import refuse_values_in_indices
from adjoint.analysis.item_writes import item_guards
from adjoint.analysis.iterated import dict_iteration_guards, refuse_sorts_of_non_lists
from adjoint.analysis.joins import join_guards
from adjoint.analysis.record_arithmetic import arithmetic_guards
from adjoint.analysis.kinds import infer_kinds
from adjoint.analysis.residuals import NO_FACTS, ResidualFacts
from adjoint.analysis.same_shapes import group_shapes
from adjoint.analysis.sites import Sites, assignment_sites
from adjoint.analysis.undifferentiated import (bitwise_guards, copy_guards, method_guards,
                                               refuse_undifferentiated_arguments)
from adjoint.analysis.untouched import nothing_in_place
from adjoint.frontend.held import held_still
from adjoint.frontend.parse import ParsedFunction
from adjoint.normalize.single_assignment import is_derivative_code
from adjoint.options import Mode
from adjoint.rules.table import ADJOINTS


@dataclass
class Analysis:
    """What the analyses know about one normalized function."""

    classifier: CallClassifier
    activity: Activity
    kinds: Dict[str, str]
    aliases: Aliases
    sites: Sites
    local_names: FrozenSet[str]
    complex_names: FrozenSet[str] = frozenset()  # names that may hold a complex value (from np.fft)
    objects: FrozenSet[str] = frozenset()  # parameters of unknown kind that hold objects, not records


def analyze(parsed: ParsedFunction, fresh_name: Callable[[str], str], wrt: Tuple[str, ...], mode: Mode,
            kinds: Dict[str, str], callee_kind: Callable, callee_facts: Callable,
            residuals: ResidualFacts = NO_FACTS, inferred: Optional[Dict[str, str]] = None,
            kinds_of_values: bool = True, without_values: bool = False) -> Analysis:
    """Run every analysis on parsed.node (normalized). Writes that may change a shared value
    in place get a run-time guard inserted before them (see analysis/aliases.py and
    analysis/item_writes.py); `fresh_name(preferred)` names each guard helper. `inferred`: what
    infer_kinds gives for this tree and these kinds, when already known (with the adjoint rules'
    classification). `kinds_of_values`: the parameters' kinds are those of the values given (or
    no value was given), as for the function differentiated, so that a parameter of unknown kind
    holds an object whose attributes are not fields; else (a called function's) a parameter of
    unknown kind holds what its caller could not tell (an item of a list, a value of a dict), and
    its attributes are read as a local name's of unknown kind are (analysis/attributes.py).
    `without_values`: the generation was asked without example arguments (`adjoint gen`)."""
    func_node = parsed.node
    objects = object_parameters(func_node) if kinds_of_values else frozenset()
    with held_still(func_node):  # the analyses read the function; the guards inserted below change it
        locals_ = nodes.local_names(func_node)
        classifier = CallClassifier(parsed, locals_, table_for(mode))
        activity = analyze_activity(func_node, wrt, func_node.body[-1].value.id, classifier)
        refuse_sorts_of_non_lists(parsed, kinds)  # the parameters' kinds, before those of the other names join them
        reusable = inferred is not None and classifier.table is ADJOINTS
        kinds = inferred if reusable else infer_kinds(func_node, kinds, classifier, callee_kind)
        drop_checks_of_arrays(func_node, parsed.namespace, kinds, lambda call: classifier.classify(call).func)
        kinds.same_shapes = group_shapes(func_node, kinds, classifier, is_derivative_code(parsed.func),
                                         mode == Mode.FORWARD_PASS)
        complex_ = complex_names(parsed, classifier, activity)
        if nothing_in_place(parsed, classifier):
            aliases = Aliases()
        else:
            aliases = analyze_aliases(parsed, kinds, classifier, activity, callee_facts, residuals)
        apart, items = item_guards(parsed, kinds, aliases.guards)
        guarded = ((aliases.guards, runtime.number_or_refuse), (items, runtime.item_update_or_refuse),
                   (apart, runtime.items_apart_or_refuse),
                   (dict_iteration_guards(parsed, kinds), runtime.sequence_or_refuse),
                   (join_guards(parsed, kinds), runtime.joined_or_refuse),
                   (bitwise_guards(parsed, kinds, activity), runtime.bitwise_operand_or_refuse),
                   (arithmetic_guards(parsed, kinds, activity, classifier, without_values), runtime.arithmetic_operand_or_refuse),
                   (copy_guards(parsed, kinds, activity, classifier), runtime.dict_or_refuse),
                   (method_guards(parsed, kinds, activity, classifier), runtime.array_method_or_refuse),
                   (absent_guards(func_node, classifier, parsed.info), runtime.absent_or_refuse))
        in_place = operations_in_place(func_node, kinds)
        if not any(guards for guards, _ in guarded) and not in_place:  # the tree stays as it is
            return _checked(parsed, wrt, classifier, activity, kinds, aliases, locals_, complex_, objects)
    call_helpers(in_place, parsed, fresh_name)
    for guards, helper in guarded:
        if guards:
            name = fresh_name(helper.__name__)
            parsed.namespace[name] = helper
            insert_guards(func_node, guards, name)
    return _checked(parsed, wrt, classifier, activity, kinds, aliases, locals_, complex_, objects)


def _checked(parsed: ParsedFunction, wrt: Tuple[str, ...], classifier: CallClassifier, activity: Activity,
             kinds: Dict[str, str], aliases: Aliases, locals_: FrozenSet[str], complex_: FrozenSet[str],
             objects: FrozenSet[str]) -> Analysis:
    """The analysis, with the assignment sites of the function as the guards left it, once the
    refusals read from it have found nothing."""
    func_node = parsed.node
    sites = assignment_sites(func_node)
    sites.written = sites.mutated | aliases.written
    sites.mutated |= aliases.mutated
    refuse_lost_attribute_reads(func_node, activity, kinds, wrt, parsed.info, objects)
    refuse_values_in_indices(func_node, activity, kinds, classifier, parsed.info)
    refuse_undifferentiated_arguments(func_node, activity, classifier, parsed.info)
    return Analysis(classifier, activity, kinds, aliases, sites, locals_, complex_, objects)
