"""Dicts and dataclasses as values (their adjoints are dicts keyed like them).

A dict's adjoint is a dict with (some of) its keys; a dataclass's adjoint a dict from field
names to the fields' adjoints. Loops over `d.items()`, `d.values()` and `d.keys()` list the
keys once (`dict_keys`) and read `d[key]`.
"""
from __future__ import annotations

import copy
import dataclasses
import heapq
import itertools
import operator
import types

import numpy as np

from adjoint.runtime.refusals import InPlaceChangeError, IterationError, JoinError, Refused


def _is_record(x) -> bool:
    """A dataclass instance (its adjoint is a dict from field names to the fields' adjoints)."""
    return hasattr(type(x), "__dataclass_fields__") and not isinstance(x, type)


def lacks_default(held, index, x) -> bool:
    """x is a dict that makes the items it lacks (a defaultdict, a Counter) and `held` (x, or its
    derivative) has no item at index: that item was x's default, a constant (a key is added to x,
    never removed)."""
    return isinstance(x, dict) and hasattr(type(x), "__missing__") and index not in held


def own_items(x):
    """A NamedTuple as the plain tuple of its fields, which its class's own `__iter__`, `__len__` or
    `__getitem__` would not give (derivatives are read by position); anything else as it is."""
    return tuple(tuple.__iter__(x)) if isinstance(x, tuple) and type(x) is not tuple else x


def _record_fields(x) -> list:
    return [f.name for f in dataclasses.fields(x)]


def _entries(x) -> dict:
    """The keyed parts of a dict or dataclass x, as a dict."""
    if isinstance(x, dict):
        return x
    return {name: getattr(x, name) for name in _record_fields(x)}


def _record_like(items: dict, x):
    """x's dataclass (or dict type) holding `items`: a copy of x with its fields replaced."""
    if isinstance(x, dict):
        out = x.copy()
        out.update(items)
        return out
    out = copy.copy(x)
    for name, value in items.items():
        object.__setattr__(out, name, value)  # frozen dataclasses too
    return out


def stores_its_fields_only(cls) -> bool:
    """A dataclass whose `__init__` is the one dataclasses writes (compiled from a string), with no
    `__post_init__`, whose fields are plain attributes: building or replacing its fields runs nothing
    else."""
    code = getattr(getattr(cls, "__init__", None), "__code__", None)
    return (dataclasses.is_dataclass(cls) and not hasattr(cls, "__post_init__") and code is not None
            and code.co_filename.startswith("<")
            and plain_attributes(cls, _record_fields(cls), written=not cls.__dataclass_params__.frozen))


def plain_attributes(cls, names, written: bool = True) -> bool:
    """Whether reading each of `names` on an object of cls gives what is stored there and, where
    `written`, storing it stores the value as it is: no class of cls's but object hooks the reads
    (`__getattribute__`) or the writes (`__setattr__`), and no name is a data descriptor of the class
    (a property with a setter, a descriptor with `__set__`)."""
    hooks = ("__getattribute__", "__setattr__") if written else ("__getattribute__",)
    if any(hook in vars(klass) for klass in cls.__mro__[:-1] for hook in hooks):
        return False
    return not any(_data_descriptor(cls, name) for name in names)


def _data_descriptor(cls, name) -> bool:
    """`name` is a data descriptor of cls other than a slot (which stores the value as it is)."""
    for klass in cls.__mro__:
        if name in vars(klass):
            kind = type(vars(klass)[name])
            return kind is not types.MemberDescriptorType and (hasattr(kind, "__set__") or hasattr(kind, "__delete__"))
    return False


def make_record(items, cls):
    """A NamedTuple (items: a tuple of its fields) or a dataclass (items: a dict of its fields)
    built in a differentiated function (normalize/records.py)."""
    return cls(**items) if isinstance(items, dict) else cls(*items)


def updated_record(pair, cls):
    """The record of class cls a method writing fields of `self` returned first, before its own
    value (normalize/field_writes.py)."""
    return pair[0]


def with_item(mapping, key, value):
    """`mapping[key] = value` on a dict the function builds, as a new dict (normalize/dict_writes.py):
    a copy of mapping (of its type: an OrderedDict stays one) with the item set, in Python's key order
    (a new key comes last)."""
    if not isinstance(mapping, dict):
        raise Refused(f"an item written by key into a {type(mapping).__name__}: adjoint differentiates item "
                      "writes by key into dicts only")
    out = mapping.copy()
    out[key] = value
    return out


def without_key(mapping, key):
    """`del mapping[key]` (or its pop) on a dict the function builds, as a new dict (normalize/dict_writes.py):
    a copy of mapping without the item, KeyError where it lacks the key, as Python raises."""
    if not isinstance(mapping, dict):
        raise Refused(f"an item deleted by key from a {type(mapping).__name__}: adjoint differentiates deletions by "
                      "key from dicts only")
    out = mapping.copy()
    del out[key]
    return out


def key_removed(dx, key):
    """The tangent of without_key(x, key) from x's: without the item (the symbolic zero as it is)."""
    if not isinstance(dx, dict) or key not in dx:
        return dx
    out = dict(dx)
    del out[key]
    return out


def key_zeroed(g, key):
    """The adjoint of x in without_key(x, key) from the result's g: g with a zero for the item x had there."""
    if not isinstance(g, dict):
        return g
    out = dict(g)
    out[key] = 0.0
    return out


def spread_key(mapping, key, required, optional, callee):
    """`key`, once `**mapping` is known to give `callee` exactly its keyword parameters `required` and
    some of `optional` (normalize/keyword_spread.py); TypeError, as Python raises it, otherwise."""
    if not isinstance(mapping, dict):
        raise Refused(f"`**` of a {type(mapping).__name__} in a call of {callee}: adjoint differentiates `**` of dicts")
    unknown = [k for k in mapping if k not in required and k not in optional]
    if unknown:
        raise TypeError(f"{callee}() got an unexpected keyword argument {unknown[0]!r}")
    missing = [k for k in required if k not in mapping]
    if missing:
        raise TypeError(f"{callee}() missing required argument {missing[0]!r}")
    return key


def transposed(rows):
    """`zip(*rows)` (normalize/python_forms.py): the columns of a list of lists or of a 2-D array, as a
    list of tuples."""
    return list(zip(*rows))


def transposed_adjoint(g, rows):
    """The adjoint of `rows` in transposed(rows) from the columns' adjoint g (a list of tuples, any of
    them, or g itself, a symbolic zero): item [i][j] of the result is g[j][i], zero where g holds none."""
    if not isinstance(g, (list, tuple)):
        return 0.0
    def item(i, j):
        column = g[j] if j < len(g) else 0.0
        return column[i] if isinstance(column, (list, tuple)) else 0.0
    width = len(g)
    if isinstance(rows, np.ndarray):
        out = np.zeros(rows.shape, dtype=rows.dtype if rows.dtype.kind == "f" else np.float64)
        for i in range(out.shape[0]):
            for j in range(width):
                out[i, j] = item(i, j)
        return out
    return [[item(i, j) for j in range(width)] + [0.0] * (len(row) - width) for i, row in enumerate(rows)]


def transposed_tangent(d_rows, rows):
    """The tangent of transposed(rows) given that of rows (zeros for a symbolic zero)."""
    if isinstance(d_rows, np.ndarray) or isinstance(d_rows, (list, tuple)):
        return list(zip(*d_rows))
    return [tuple(0.0 for _ in column) for column in zip(*rows)]


def record_adjoint(dr):
    """The adjoint of a record's items from the record's adjoint: a dataclass (as a called function's
    gradient gives it) as the dict of its fields; a dict, a list, a tuple or a zero as it is."""
    return dict(_entries(dr)) if _is_record(dr) else dr


def dict_keys(x) -> list:
    """The keys of dict x, listed once when a loop starts (`for k, v in x.items()` reads x[k])."""
    if not isinstance(x, dict):
        raise Refused(f"`.keys()`, `.values()` or `.items()` of a {type(x).__name__}: adjoint differentiates "
                      "these methods of dicts only")
    return list(x)


def logged(logger, method, *args, **kwargs):
    """`logger.<method>(...)` of a logger the function fetches (`logging.getLogger(name)`): a
    message, called for its effect in the primal sweep, which carries no derivative."""
    return getattr(logger, method)(*args, **kwargs)


def sequence_or_refuse(value, message, filename, lineno):
    """Raise IterationError if `value`, which a loop reads by position, is a dict, a set or an
    iterator (a generator object) after all."""
    if isinstance(value, dict):
        raise IterationError(message, filename, lineno)
    if not hasattr(value, "__getitem__") and hasattr(value, "__next__"):
        raise IterationError(f"the loop iterates over a {type(value).__name__} object, an iterator, whose items have no "
                             "positions to read them by: iterate over the call that makes it, or over a list of its items",
                             filename, lineno)
    if isinstance(value, (set, frozenset)):
        raise IterationError("the loop iterates over a set, whose elements have no positions to read them by: "
                             "iterate over `sorted(s)` or pass a tuple", filename, lineno)


def unpacked_or_raise(value, count, starred, filename, lineno):
    """Raise what Python raises unpacking `value` into `count` targets (one of them `*rest` when
    `starred`), whose items the derivative code reads by position: ValueError for a sequence of
    another length, TypeError for a value that cannot be iterated; a dict or a set, unpacked in
    its iteration order, is refused (IterationError)."""
    if isinstance(value, (dict, set, frozenset)) or not hasattr(value, "__getitem__") and hasattr(value, "__iter__"):
        raise IterationError(f"unpacking a {type(value).__name__} into names: the derivative reads the items by "
                             "position, which it has none of; unpack a list or a tuple of its items", filename, lineno)
    if not hasattr(value, "__iter__") and not hasattr(value, "__getitem__"):
        raise TypeError(f"cannot unpack non-iterable {type(value).__name__} object")
    length = len(value)
    if starred and length < count - 1:
        raise ValueError(f"not enough values to unpack (expected at least {count - 1}, got {length})")
    if not starred and length < count:
        raise ValueError(f"not enough values to unpack (expected {count}, got {length})")
    if not starred and length > count:
        raise ValueError(f"too many values to unpack (expected {count})")


def counted_or_raise(items, count):
    """np.fromiter(..., count=count)'s ValueError where fewer than `count` items were read."""
    if len(items) < count:
        raise ValueError(f"iterator too short: Expected {count} but iterator had only {len(items)} items.")


def list_or_refuse(value, filename, lineno):
    """Raise InPlaceChangeError unless value is a list, whose `.sort()` is differentiated as
    `value = sorted(value)` (an array's sort is np.sort's)."""
    if not isinstance(value, list):
        raise InPlaceChangeError(f"`.sort()` of a {type(value).__name__} is differentiated for lists only; "
                                 "use `np.sort` for an array (x = np.sort(x))", filename, lineno)


def list_method_or_refuse(value, method, filename, lineno):
    """Raise InPlaceChangeError unless value is a list, whose `.insert`, `.reverse` and `.clear`
    are differentiated as the new list assigned to its name (normalize/method_statements.py)."""
    if not isinstance(value, list):
        raise InPlaceChangeError(f"`.{method}(...)` changes in place a value of type {type(value).__name__}, which "
                                 "adjoint differentiates for lists only; build a new value instead", filename, lineno)


def removed_position(items, method, argument):
    """The position of the item `items.pop(argument)` or `items.remove(argument)` takes out of the
    list `items`, raising what they raise (IndexError, TypeError for a position that is not an
    integer, ValueError for a value the list does not hold)."""
    if method == "remove":
        try:
            return items.index(argument)
        except ValueError:
            raise ValueError("list.remove(x): x not in list") from None
    position = operator.index(argument)
    if not -len(items) <= position < len(items):
        raise IndexError("pop from empty list" if not items else "pop index out of range")
    return position % len(items)


def deleted_span(items, lower, upper, filename, lineno):
    """(start, stop), the positions `del items[lower:upper]` takes out of the list items, start <= stop
    (normalize/deletions.py); InPlaceChangeError where items is no list."""
    start, stop, _ = slice(lower, upper).indices(len(_list_or_refuse_deletion(items, filename, lineno)))
    return start, max(start, stop)


def _list_or_refuse_deletion(items, filename, lineno):
    if not isinstance(items, list):
        raise InPlaceChangeError(f"`del x[i:j]` changes in place a value of type {type(items).__name__}, which "
                                 "adjoint differentiates for lists only; build a new value instead", filename, lineno)
    return items


def kept_positions(items, lower, upper, step, filename, lineno):
    """The positions of the items `del items[lower:upper:step]` leaves in the list items, in order
    (normalize/deletions.py), raising what Python raises for a step of 0 or bounds that are not
    integers; InPlaceChangeError where items is no list."""
    deleted = set(range(len(_list_or_refuse_deletion(items, filename, lineno)))[slice(lower, upper, step)])
    return [position for position in range(len(items)) if position not in deleted]


def array_or_refuse(value, method, filename, lineno, *arguments, **keywords):
    """Raise InPlaceChangeError unless value is an array of numbers, whose `.sort(...)` and `.fill(v)`
    are differentiated as writes into all of it (`value[...] = np.sort(value, ...)`, `value[...] = v`);
    then raise what `value.<method>(*arguments, **keywords)` raises for arguments it does not take
    (`sort(axis=None)`, which np.sort takes; a sequence to fill, which the write would spread over the
    array), asking an empty array of value's dtype and dimensions."""
    if not isinstance(value, np.ndarray) or value.dtype == object:
        instead = "x = sorted(x)" if isinstance(value, list) and method == "sort" else "x = ..."
        raise InPlaceChangeError(f"`.{method}(...)` changes in place a value of type {type(value).__name__}"
                                 f"{' holding objects' if isinstance(value, np.ndarray) else ''}, which adjoint "
                                 f"differentiates for arrays of numbers only here; build a new value instead "
                                 f"(`{instead}`)", filename, lineno)
    getattr(np.empty((0,) * value.ndim, value.dtype), method)(*arguments, **keywords)


def immutable_field_or_refuse(value, field, filename, lineno):
    """Raise InPlaceChangeError where `p.field op= v` would change in place the array or list the
    field holds (normalize/field_writes.py writes it as a field replaced by `p.field op v`)."""
    if not isinstance(value, (int, float, complex, str, bytes, tuple, np.generic, type(None))):
        raise InPlaceChangeError(f"`.{field} op= v` changes in place the {type(value).__name__} the field holds, which "
                                 f"other names may hold too; adjoint differentiates it for numbers: write "
                                 f"`.{field} = .{field} op v`", filename, lineno)


def record_class_or_refuse(value, cls, items, filename, lineno):
    """Raise IterationError unless `value` (with `items`: each item of the list or tuple `value`) is a
    record of exactly `cls`, as its field is annotated or as the list argument held when the
    derivative was generated: the derivative calls cls's methods (normalize/record_methods.py)."""
    for item in value if items and isinstance(value, (list, tuple)) else (value,):
        if type(item) is not cls:
            what = "an item of the list" if items else "the field"
            raise IterationError(f"{what} should be a {cls.__name__}, as the field is annotated or the list held when "
                                 f"the derivative was generated (it calls {cls.__name__}'s methods), and is a "
                                 f"{type(item).__name__}: a subclass or another class is another type", filename, lineno)


def joined_or_refuse(value, message, filename, lineno):
    """Raise JoinError unless `value`, an operand of a `+` differentiated as joining, is a list or tuple."""
    if not isinstance(value, (list, tuple)):
        raise JoinError(message, filename, lineno)


def sorted_positions(x, key, reverse, filename, lineno):
    """The positions of x's items in the order `sorted(x, key=key, reverse=reverse)` lists them,
    key called once on each item in order, as sorted calls it (normalize/keyed.py)."""
    keys = [key(item) for item in _positional(x, filename, lineno)]
    return sorted(range(len(keys)), key=keys.__getitem__, reverse=reverse)


def extreme_position(x, key, largest, filename, lineno):
    """The position of the item `max(x, key=key)` (largest) or `min(x, key=key)` returns: the first
    of the extreme ones, key called once on each item in order."""
    keys = [key(item) for item in _positional(x, filename, lineno)]
    return (max if largest else min)(range(len(keys)), key=keys.__getitem__)


def heap_positions(x, n, key, largest, filename, lineno):
    """The positions of the items heapq.nlargest(n, x, key=key) (largest) or heapq.nsmallest gives:
    heapq itself run over x's positions, comparing the same items (or keys, key called on the items
    as heapq calls it), so that ties and unordered items come out as they would (normalize/heaps.py)."""
    items = _positional(x, filename, lineno, "heapq.nlargest and heapq.nsmallest are")
    select = heapq.nlargest if largest else heapq.nsmallest
    return select(n, range(len(items)), key=items.__getitem__ if key is None else lambda i: key(items[i]))


def zip_lengths_or_raise(*lengths):
    """Raise the ValueError `zip(..., strict=True)` of sequences of these lengths raises at its end:
    there the first argument has no item left (and another has) or one after it runs out first."""
    shortest = min(lengths)
    if lengths[0] == shortest:
        other, word = next((k for k, length in enumerate(lengths) if length > shortest), None), "longer"
    else:
        other, word = next(k for k, length in enumerate(lengths) if length == shortest), "shorter"
    if other is not None:
        before = "argument 1" if other == 1 else f"arguments 1-{other}"
        raise ValueError(f"zip() argument {other + 1} is {word} than {before}")


def zip_pulls(position, *lengths):
    """How many items zip takes from its argument at `position` (a generator) beside sequences of these
    lengths (in order, the generator's left out), if the generator has that many: zip stops at the
    first argument with no item left, so it takes one more than the shortest's length only where
    every argument before the generator has more."""
    shortest = min(lengths)
    return shortest + 1 if all(length > shortest for length in lengths[:position]) else shortest


def islice_pulls(*bounds):
    """How many items itertools.islice(generator, *bounds) takes from the generator if it has that
    many (None: all), after islice's own checks of its bounds."""
    itertools.islice((), *bounds)
    return bounds[0] if len(bounds) == 1 else bounds[1]


def islice_positions(length, *bounds):
    """The positions of `length` items that itertools.islice(items, *bounds) reads, as a range, after
    islice's own checks (a bound not None nor an int >= 0 raises its ValueError)."""
    itertools.islice((), *bounds)
    return range(length)[slice(*bounds)]


def pooled_columns(positions, width):
    """The positions an itertools combinatoric iterator run over ranges gives (normalize/combinatorics.py),
    one tuple per place of its items: tuple k holds the k-th position of every item."""
    listed = tuple(positions)
    return tuple(tuple(item[k] for item in listed) for k in range(width))


def initial_or_refuse(value, filename, lineno):
    """accumulate(xs, initial=value) is differentiated as the loop over chain([value], xs), which an
    initial value of None (none, for accumulate) is not."""
    if value is None:
        raise IterationError("accumulate's `initial=` is None here, which adjoint differentiates as a first "
                             "total; leave `initial` out where there is none", filename, lineno)


def keyed_positions(x, keys, reverse, filename, lineno):
    """sorted_positions of x, given the keys of its items, computed in order by the function (a key
    lambda that reads the function's variables, normalize/keyed.py)."""
    _positional(x, filename, lineno)
    return sorted(range(len(keys)), key=keys.__getitem__, reverse=reverse)


def keyed_extreme(x, keys, largest, filename, lineno):
    """extreme_position of x, given the keys of its items (as keyed_positions)."""
    _positional(x, filename, lineno)
    return (max if largest else min)(range(len(keys)), key=keys.__getitem__)


def _positional(x, filename, lineno, what="a `key=` of sorted, max or min is"):
    if not isinstance(x, (list, tuple)) and not hasattr(x, "__getitem__") or isinstance(x, (dict, str)):
        raise IterationError(f"{what} differentiated over a list, a tuple or an array, "
                             f"whose items are read by position; this is a {type(x).__name__}", filename, lineno)
    return x


def _copied_dict(x):
    if not isinstance(x, dict):
        raise Refused(f"dict(...) is differentiated as the copy of a dict; this is a {type(x).__name__} (build the "
                      "dict as a literal, `{key: value, ...}`, or with items written, `d[key] = value`)")


def copied_dict_adjoint(g, x):
    """The adjoint of the dict x in `dict(x)`: the copy's, at x's keys (a key written into the copy
    later is not x's)."""
    _copied_dict(x)
    return {key: item for key, item in g.items() if key in x} if isinstance(g, dict) else g


def copied_dict_tangent(dx, x):
    """The tangent of `dict(x)` of the dict x: a copy of x's (or its symbolic zero)."""
    _copied_dict(x)
    return dict(dx) if isinstance(dx, dict) else dx


def lists_apart(popped: tuple) -> dict:
    """Copies of the lists a backward half pops and appends to (`popped`), by their id, made before
    it runs (ad/split.py), with the lists and tuples that hold one of them (`_seq = [_list]`, a
    stack holding it) copied once each as they are met (list_apart): so that the backward half
    leaves its residuals as they were (it runs once per cotangent, and a second derivative
    differentiates it as a function that changes nothing it is given), and reads the list it puts
    back wherever it reads it from, by its own name, another name, an item of a list or a stack."""
    copies = {id(x): [] for x in popped if type(x) is list}
    for original in {id(x): x for x in popped if type(x) is list}.values():
        copies[id(original)].extend(list_apart(item, copies) for item in original)
    return copies


def list_apart(x, copies: dict):
    """x as the backward half reads it: lists_apart's copy of a list it pops, a copy of a list or
    tuple that holds one, else x itself."""
    found = copies.get(id(x))
    if found is not None:
        return found
    if type(x) is not list and type(x) is not tuple:
        return x
    items = [list_apart(item, copies) for item in x]
    found = (items if type(x) is list else tuple(items)) if any(a is not b for a, b in zip(items, x)) else x
    copies[id(x)] = found
    return found


def is_class_constant(x, name) -> bool:
    """Whether `x.name` of a NamedTuple or dataclass x reads a number, string or array its class
    holds (`LR = 0.5` in the class body, not a field), or a tuple, list or dict of them (a table,
    `COEFFS = {"a": 1.0}`), the same for every instance."""
    if not (_is_record(x) or hasattr(type(x), "_fields")) or name in getattr(x, "__dict__", {}):
        return False
    owner = next((cls for cls in type(x).__mro__ if name in vars(cls)), None)
    return owner is not None and owner is not object and _is_constant_value(vars(owner)[name])


def _is_constant_value(value) -> bool:
    if type(value) in (dict, tuple, list):
        return all(map(_is_constant_value, [*value, *value.values()] if type(value) is dict else value))
    return isinstance(value, (int, float, complex, str, bytes, bool, type(None), np.ndarray, np.generic))
