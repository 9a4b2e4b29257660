"""Forms of Python rewritten first into the constructs the rest of normalization knows:
`setattr(obj, "name", v)` (normalize/reflective_writes.py, which refuses exec, eval, delattr),
calls of a functools.partial of a library's function (normalize/library_partials.py), np.piecewise
and np.apply_along_axis of the user's functions (normalize/piecewise.py, normalize/along_axis.py),
`*` of a sequence of fixed length in a call or display (normalize/starred.py), a loop's `else` block (normalize/loop_else.py), `del` of dead names (normalize/deletions.py),
items written into a dict the function builds (normalize/dict_writes.py), `**` of a dict in a call
(normalize/keyword_spread.py), `zip(*rows)` (runtime.transposed), `np.fromiter(items, dtype=float)` (the array of the floats of the
items, the first n with a literal count=n), math.hypot
of n numbers and math.prod (normalize/math_forms.py), `xs.sort()` (as `xs = sorted(xs)`, a write in place),
`map` and `filter` consumed at once or looped over (normalize/map_filter.py), iterators consumed
at once (`sum(accumulate(xs))`, `list(zip(xs, ys))`, normalize/running.py), `sorted`, `max`
and `min` with a key (normalize/keyed.py), heapq.nlargest and nsmallest (normalize/heaps.py), and NamedTuples
and dataclasses built in the function (normalize/records.py), fields written on them
(normalize/field_writes.py), and `super().method(...)` of a
known object (normalize/super_calls.py), and methods of records whose class is known
(normalize/record_methods.py)."""
from __future__ import annotations

import itertools
from typing import Callable, List, Optional

import gast
import numpy as np

from adjoint import nodes, runtime
from adjoint.frontend.held import let_go
from adjoint.frontend.parse import ParsedFunction
from adjoint.frontend.resolve import resolve
from adjoint.normalize.along_axis import lower_apply_along_axis
from adjoint.normalize.dict_writes import lower_dict_writes
from adjoint.normalize.field_writes import lower_field_writes
from adjoint.normalize.deletions import drop_dead_deletions
from adjoint.normalize.loop_else import lower_loop_else
from adjoint.normalize.heaps import lower_heap_selections
from adjoint.normalize.keyed import lower_keyed
from adjoint.normalize.keyword_spread import lower_keyword_spreads
from adjoint.normalize.library_partials import lower_library_partials
from adjoint.normalize.map_filter import lower_map_filter
from adjoint.normalize.method_statements import names_bound_to_lists
from adjoint.normalize.math_forms import lower_math_forms
from adjoint.normalize.record_methods import call_record_methods
from adjoint.normalize.piecewise import lower_piecewise
from adjoint.normalize.records import build_records
from adjoint.normalize.reflective_writes import lower_reflective_writes
from adjoint.normalize.running import consume_iterators
from adjoint.normalize.starred import spread_known_lengths
from adjoint.normalize.super_calls import bind_super_calls


def lower_python_forms(parsed: ParsedFunction, fresh: Callable[[str], str]) -> None:
    """Rewrite these forms in parsed.node; the calls they look at are found in one walk."""
    lower_reflective_writes(parsed)
    lower_library_partials(parsed, fresh)
    lower_loop_else(parsed.node, fresh)
    drop_dead_deletions(parsed, fresh)
    spread_known_lengths(parsed.node)
    lower_dict_writes(parsed, fresh)
    calls = _calls(parsed.node)
    if any(isinstance(call.func, gast.Attribute) and call.func.attr == "sort" for call in calls):
        let_go(parsed.node)
        _sorts_in_place(parsed, fresh)
        calls = _calls(parsed.node)
    if lower_map_filter(parsed, fresh, calls):
        calls = _calls(parsed.node)  # the calls a mapped function gets
    lower_piecewise(parsed, fresh, calls)
    lower_apply_along_axis(parsed, fresh, calls)
    consume_iterators(parsed, fresh, calls)
    lower_keyed(parsed, fresh, calls)
    lower_heap_selections(parsed, fresh, calls)
    lower_keyword_spreads(parsed, fresh, calls)
    _transpose_zips(parsed, fresh, calls)
    _arrays_from_iterables(parsed, fresh, calls)
    _fill_diagonals(parsed, fresh, calls)
    lower_math_forms(parsed, fresh, calls)
    build_records(parsed, fresh, calls)
    lower_field_writes(parsed, fresh, calls)
    bind_super_calls(parsed, fresh, calls)
    call_record_methods(parsed, fresh, calls)


def _transpose_zips(parsed: ParsedFunction, fresh: Callable[[str], str], calls: List[gast.Call]) -> None:
    """`zip(*rows)` (the columns of a list of lists or of a 2-D array) -> `transposed(rows)`."""
    local_names = None
    for call in calls:
        if len(call.args) != 1 or call.keywords or not isinstance(call.args[0], gast.Starred):
            continue
        local_names = local_names or frozenset(nodes.names_stored(parsed.node)) | set(nodes.parameters(parsed.node))
        if resolve(call.func, parsed, local_names) is zip:
            let_go(parsed.node)
            helper = parsed.bind("transposed", runtime.transposed, fresh, local_names)
            call.func, call.args = nodes.name(helper), [call.args[0].value]


def _arrays_from_iterables(parsed: ParsedFunction, fresh: Callable[[str], str], calls: List[gast.Call]) -> None:
    """`np.fromiter(items, dtype=float)` (count absent or -1) -> `np.array([float(_v) for _v in items])`,
    each item made a float as it is read, as fromiter makes it; a generator's items those of the list
    comprehension of its clauses. A literal count n, in a statement whose value the call is
    (`head = np.fromiter(..., count=n)`, `return ...`), reads the first n items, `islice(items, n)` (of a
    generator of one clause without `if`, its iterable's), into `_array`, and `counted_or_raise(_array, n)`
    raises fromiter's ValueError where there are fewer, before the statement reads `_array`."""
    local_names = frozenset(nodes.names_stored(parsed.node)) | set(nodes.parameters(parsed.node))
    counted = {}
    for call in calls:
        count = _float_array_count(call, parsed, local_names)
        if count is None:
            continue
        let_go(parsed.node)
        made = nodes.copy_location(_floats_array(call.args[0], count, parsed, fresh, local_names), call)
        if count < 0:
            nodes.replace_node(parsed.node, call, made)
        else:
            counted[id(call)] = (made, count)
    if counted:
        check = parsed.bind("counted_or_raise", runtime.counted_or_raise, fresh, local_names)
        for block in list(nodes.blocks(parsed.node)):
            block[:] = [made for stmt in block for made in _counted_first(stmt, counted, check, fresh)]


def _floats_array(items: gast.expr, count: int, parsed: ParsedFunction, fresh, local_names) -> gast.Call:
    """`np.array([float(_v) for _v in items])`, of `islice(items, count)` for a count of 0 or more."""
    floated = nodes.name(parsed.bind("float", float, fresh, local_names))
    if isinstance(items, gast.GeneratorExp):
        clauses, value = items.generators, items.elt
    else:
        item = fresh("_item")
        clauses = [gast.comprehension(target=nodes.name(item, store=True), iter=items, ifs=[], is_async=0)]
        value = nodes.name(item)
    if count >= 0:
        first = nodes.name(parsed.bind("islice", itertools.islice, fresh, local_names))
        clauses[0].iter = nodes.call(first, [clauses[0].iter, nodes.constant(count)])
    listed = nodes.copy_location(gast.ListComp(elt=nodes.call(floated, [value]), generators=clauses), items)
    return nodes.call(nodes.name(parsed.bind("array", np.array, fresh, local_names)), [listed])


def _counted_first(stmt: gast.stmt, counted, check: str, fresh) -> List[gast.stmt]:
    """`_array = <the array>; counted_or_raise(_array, n)` before stmt, which reads `_array`, where
    stmt is an assignment or a return of a counted np.fromiter call (any other stays, refused)."""
    if not isinstance(stmt, (gast.Assign, gast.Return)) or id(stmt.value) not in counted:
        return [stmt]
    made, count = counted[id(stmt.value)]
    array = fresh("_array")
    checked = nodes.call(nodes.name(check), [nodes.name(array), nodes.constant(count)])
    stmt.value = nodes.copy_location(nodes.name(array), stmt.value)
    return [nodes.copy_location(nodes.assign(array, made), stmt), nodes.copy_location(gast.Expr(value=checked), stmt),
            stmt]


def _float_array_count(call: gast.Call, parsed: ParsedFunction, local_names) -> Optional[int]:
    """The count of a call `np.fromiter(items, float, count)` with `dtype=float` (np.float64, "float64",
    "f8"), and a literal count or none (-1), that can be read as a list comprehension (a literal count of
    a generator of one clause without `if`); None for any other call."""
    given = dict(zip(("iter", "dtype", "count"), call.args))
    given.update((k.arg, k.value) for k in call.keywords)
    if set(given) - {"iter", "dtype", "count"} or "iter" not in given or "dtype" not in given \
            or any(isinstance(arg, gast.Starred) for arg in call.args) \
            or len(call.args) + len(call.keywords) != len(given) \
            or resolve(call.func, parsed, local_names) is not np.fromiter \
            or not _float64(given["dtype"], parsed, local_names):
        return None
    count = _literal_int(given.get("count", nodes.constant(-1)))
    items = given["iter"]
    if count is None or count < -1 or count >= 0 and isinstance(items, gast.GeneratorExp) and (
            len(items.generators) != 1 or items.generators[0].ifs):
        return None
    return count


def _literal_int(node: gast.expr) -> Optional[int]:
    """The value of an int literal, `-1` too; else None."""
    negated = isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub)
    value = getattr(node.operand if negated else node, "value", None)
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    return -value if negated else value


def _float64(dtype: gast.expr, parsed: ParsedFunction, local_names) -> bool:
    if isinstance(dtype, gast.Constant):
        return isinstance(dtype.value, str) and dtype.value in ("float", "float64", "f8", "double")
    return any(resolve(dtype, parsed, local_names) is known for known in (float, np.float64))


def _fill_diagonals(parsed: ParsedFunction, fresh: Callable[[str], str], calls: List[gast.Call]) -> None:
    """`np.fill_diagonal(a, val)` as a statement, a a name -> `a[diagonal_positions(a, val)] = val`, a write
    in place (analysis/aliases.py) of the diagonal NumPy writes (without `wrap`, and a val NumPy needs to
    repeat or cut refused when it runs)."""
    local_names = frozenset(nodes.names_stored(parsed.node)) | set(nodes.parameters(parsed.node))
    filled = {id(call) for call in calls if len(call.args) == 2 and not call.keywords
              and isinstance(call.args[0], gast.Name) and not isinstance(call.args[1], gast.Starred)
              and resolve(call.func, parsed, local_names) is np.fill_diagonal}
    if not filled:
        return
    let_go(parsed.node)
    helper = parsed.bind("diagonal_positions", runtime.diagonal_positions, fresh, local_names)
    for block in list(nodes.blocks(parsed.node)):
        block[:] = [made for stmt in block for made in _filled_diagonal(stmt, filled, helper, fresh)]


def _filled_diagonal(stmt: gast.stmt, filled, helper: str, fresh: Callable[[str], str]) -> List[gast.stmt]:
    call = stmt.value if isinstance(stmt, gast.Expr) else None
    if id(call) not in filled:
        return [stmt]
    owner, value = call.args
    made = []
    if not isinstance(value, (gast.Name, gast.Constant)):  # evaluated once, as NumPy's call does
        made.append(nodes.copy_location(nodes.assign(fresh("_val"), value), stmt))
        value = nodes.name(made[0].targets[0].id)
    index = nodes.call(nodes.name(helper), [nodes.name(owner.id), nodes.clone(value)])
    target = gast.Subscript(value=nodes.name(owner.id), slice=index, ctx=gast.Store())
    return made + [nodes.copy_location(gast.Assign(targets=[target], value=value, type_comment=None), stmt)]


def _sorts_in_place(parsed: ParsedFunction, fresh: Callable[[str], str]) -> None:
    """`xs.sort(key=..., reverse=...)` of a local list (every binding of xs makes one) or of a parameter ->
    `list_or_refuse(xs, ...)` (a list, checked when it runs; analysis/iterated.py refuses a parameter known
    to hold something else) and `xs = sorted(xs, key=..., reverse=...)`, an in-place write (parsed.in_place:
    exact where no other name holds the list, analysis/aliases.py). Any other `.sort()` stays, for
    desugar's refusal."""
    parameters = set(nodes.parameters(parsed.node))
    local_names = names_bound_to_lists(parsed)
    local_names |= parameters - set(nodes.names_stored(parsed.node))
    for block in list(nodes.blocks(parsed.node)):
        if any(_sorted_owner(stmt, local_names) for stmt in block):
            block[:] = [made for stmt in block for made in _sorted_in_place(stmt, parsed, fresh, local_names)]


def _sorted_owner(stmt: gast.stmt, local_names) -> str:
    """The local name xs of a statement `xs.sort(...)` with at most key and reverse, else ""."""
    call = stmt.value if isinstance(stmt, gast.Expr) else None
    if (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) and call.func.attr == "sort"
            and isinstance(call.func.value, gast.Name) and call.func.value.id in local_names and not call.args
            and all(k.arg in ("key", "reverse") for k in call.keywords)):
        return call.func.value.id
    return ""


def _sorted_in_place(stmt: gast.stmt, parsed: ParsedFunction, fresh, local_names) -> List[gast.stmt]:
    owner = _sorted_owner(stmt, local_names)
    if not owner:
        return [stmt]
    checker = parsed.bind("list_or_refuse", runtime.list_or_refuse, fresh, local_names)
    checked = nodes.call(nodes.name(checker), [nodes.name(owner), nodes.constant(parsed.info.filename),
                                               nodes.constant(parsed.info.location(stmt).lineno)])
    ordered = nodes.call(nodes.name(parsed.bind("sorted", sorted, fresh, local_names)), [nodes.name(owner)],
                         stmt.value.keywords)
    sort = nodes.copy_location(nodes.assign(owner, ordered), stmt)
    parsed.in_place.append((owner, sort))
    return [nodes.copy_location(gast.Expr(value=checked), stmt), sort]


def _calls(node: gast.AST) -> List[gast.Call]:
    return [inner for inner in nodes.walk(node) if isinstance(inner, gast.Call)]
