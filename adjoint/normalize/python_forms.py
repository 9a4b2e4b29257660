"""Forms of Python rewritten first into the constructs the rest of normalization knows:
a loop's `else` block (normalize/loop_else.py), `del` of dead names (normalize/deletions.py),
`map` and `filter` consumed at once or looped over (normalize/map_filter.py), `sorted`, `max`
and `min` with a key (normalize/keyed.py), and NamedTuples
and dataclasses built in the function (normalize/records.py), and `super().method(...)` of a
known object (normalize/super_calls.py), and methods of records whose class is known
(normalize/record_methods.py)."""
from __future__ import annotations

from typing import Callable, List

import gast

from adjoint import nodes
from adjoint.frontend.parse import ParsedFunction
from adjoint.normalize.deletions import drop_dead_deletions
from adjoint.normalize.loop_else import lower_loop_else
from adjoint.normalize.keyed import lower_keyed
from adjoint.normalize.map_filter import lower_map_filter
from adjoint.normalize.record_methods import call_record_methods
from adjoint.normalize.records import build_records
from adjoint.normalize.super_calls import bind_super_calls


def lower_python_forms(parsed: ParsedFunction, fresh: Callable[[str], str]) -> None:
    """Rewrite these forms in parsed.node; the calls they look at are found in one walk."""
    lower_loop_else(parsed.node, fresh)
    drop_dead_deletions(parsed.node)
    calls = _calls(parsed.node)
    if lower_map_filter(parsed, fresh, calls):
        calls = _calls(parsed.node)  # the calls a mapped function gets
    lower_keyed(parsed, fresh, calls)
    build_records(parsed, fresh, calls)
    bind_super_calls(parsed, fresh, calls)
    call_record_methods(parsed, fresh, calls)


def _calls(node: gast.AST) -> List[gast.Call]:
    return [inner for inner in nodes.walk(node) if isinstance(inner, gast.Call)]
