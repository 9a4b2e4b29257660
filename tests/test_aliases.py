"""The alias analysis and the liveness it uses, on small functions, as short facts."""
from __future__ import annotations

import gast
import numpy as np

from adjoint import nodes
from adjoint.analysis.activity import analyze_activity
from adjoint.analysis.aliases import analyze_aliases
from adjoint.analysis.argument_facts import argument_facts
from adjoint.analysis.calls import CallClassifier
from adjoint.analysis.kinds import infer_kinds
from adjoint.analysis.liveness import Liveness
from adjoint.pipeline import normalize


def _normalized(func):
    parsed, _ = normalize(func)
    return parsed, CallClassifier(parsed, nodes.local_names(parsed.node))


def _live_after_stores(func) -> list:
    """Names live after each `c[i] = v` of the normalized function."""
    parsed, _ = _normalized(func)
    live = Liveness(parsed.node)
    stores = [s for s in gast.walk(parsed.node)
              if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Subscript)]
    return [sorted(live.after[s]) for s in stores]


def recurrence(y, x):
    for i in range(3):
        a = y[i]
        y[i] = a * x
    return y[0]


def test_a_name_assigned_again_before_its_next_read_is_not_live():
    # after `y[i] = a * x`: a and i are read again only after their next binding
    assert _live_after_stores(recurrence) == [["_range1", "x", "y"]]


def _aliases(func, kinds, wrt=("x",)):
    parsed, classifier = _normalized(func)
    output = parsed.node.body[-1].value.id
    activity = analyze_activity(parsed.node, wrt, output, classifier)
    all_kinds = infer_kinds(parsed.node, kinds, classifier)
    return analyze_aliases(parsed, all_kinds, classifier, activity)


def view_written(x):
    y = x * 2.0
    s = np.sum(y * y)
    v = y[1:]
    v[0] = 5.0
    return s + np.sum(v)


def copy_written(x):
    y = x.copy()
    y[0] = 5.0
    return np.sum(y * x)


def test_a_view_and_what_it_views_are_mutated_together():
    aliases = _aliases(view_written, {"x": "array:1"})
    assert aliases.mutated == {"v", "y"}
    assert aliases.expand({"y"}) == {"v", "y"}


def test_a_copy_shares_nothing():
    aliases = _aliases(copy_written, {"x": "array:1"})
    assert aliases.mutated == {"y"}
    assert aliases.expand({"x"}) == {"x"}


def appends_to_argument(terms, x):
    terms.append(x)
    return x


def test_a_called_function_writing_into_its_argument_says_where():
    # its own derivative copies the argument first; its callers decide whether that is exact
    assert _aliases(appends_to_argument, {"terms": "container", "x": "scalar"}).mutated == {"terms"}
    parsed, classifier = _normalized(appends_to_argument)
    kinds = infer_kinds(parsed.node, {"terms": "container", "x": "scalar"}, classifier)
    facts_of_callees = lambda *_: (None, frozenset(), None, frozenset(), None, None, frozenset())  # noqa: E731
    where, returns, outer, unseen, written = argument_facts(parsed, kinds, classifier, facts_of_callees)
    assert (where.lineno, returns, outer, unseen, written) == (appends_to_argument.__code__.co_firstlineno + 1,
                                                               frozenset(), frozenset(), None, frozenset({"terms"}))
