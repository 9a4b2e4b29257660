"""Views and new objects: which calls, attributes and indexes give a view of (or an object held by)
what they are given, which make a new object, and which a tuple of new arrays apart.

analysis/sharing.py gives a name bound to a view the memory roots of what it views, a new
object a root of its own, and each array of a tuple of new arrays apart (`w, V = np.linalg.eigh(S)`)
a root of its own too, from these tables and predicates.
"""
from __future__ import annotations

import inspect
import statistics
from typing import Dict, Optional, Tuple

import gast
import numpy as np

from adjoint import runtime
from adjoint.analysis.calls import CallClassifier, Callee
from adjoint.analysis.kinds import CONTAINER, SCALAR, is_array
from adjoint.frontend.names import module_of

# NumPy functions whose result may be (a view of) their first argument.
VIEW_FUNCTIONS = (
    np.transpose, np.reshape, np.ravel, np.squeeze, np.expand_dims, np.swapaxes, np.moveaxis,
    np.diagonal, np.asarray, np.asanyarray, np.ascontiguousarray, np.atleast_1d, np.atleast_2d,
    np.atleast_3d, np.broadcast_to, np.real, np.imag, np.flip, np.fliplr, np.flipud, np.rot90,
    np.split, np.array_split, np.hsplit, np.vsplit, np.dsplit, np.require, np.trim_zeros,
    np.asarray_chkfinite, np.lib.stride_tricks.as_strided, np.lib.stride_tricks.sliding_window_view,
    np.asfortranarray, np.asmatrix, np.frombuffer, np.diag, np.diff, np.rollaxis,
    np.real_if_close, np.polyder, np.polyint, np.linalg.matrix_power,
    *(getattr(module, name) for module, name in ((np, "matrix_transpose"), (np, "permute_dims"), (np, "unstack"),
                                                 (np, "from_dlpack"), (np.linalg, "matrix_transpose"),
                                                 (np.linalg, "diagonal"))
      if hasattr(module, name)),  # NumPy 2 only
)
# NumPy functions whose result may be a view of any of their array arguments (not the first
# only: `np.einsum("ii->i", a)` is a view of a's diagonal, np.histogram's edges may be `bins`).
VIEWS_OF_ANY_ARGUMENT = (np.einsum, np.broadcast_arrays, np.ix_, np.histogram, np.histogram_bin_edges,
                         np.histogramdd, np.meshgrid)
# Attributes of an array that are views of it.
ARRAY_VIEWS = ("T", "mT", "real", "imag", "flat", "base")
# Methods of an array that return a new array (given no `copy=False`).
COPYING_METHODS = ("copy", "astype", "flatten", "tolist", "round", "clip", "cumsum", "cumprod", "sum", "prod",
                   "mean", "std", "var", "min", "max", "dot", "argsort", "argmax", "argmin", "repeat", "take", "trace")
# Builtins that make a new container holding their argument's items (`x.copy()` too), and builtins that may
# return one of their arguments or of its items.
CONTAINER_BUILTINS = (list, tuple, sorted, reversed, zip, enumerate, dict, set, frozenset, runtime.copied)
SHARING_BUILTINS = (max, min, iter, next)
# Builtins whose result holds nothing of their arguments (numbers, strings, a range); `sum` holds
# what the lists it joins hold; any other builtin (getattr, vars, map) may return what it is given.
VALUE_BUILTINS = (abs, float, int, complex, bool, len, round, pow, divmod, str, repr, isinstance, hash, id, range,
                  any, all, print, format, ord, chr, callable)
NEW_VALUES = (gast.List, gast.Tuple, gast.Dict, gast.BinOp, gast.UnaryOp)
# statistics' functions that may return items of their data (median of an odd count); its others compute
# new numbers (a NamedTuple of them).
STATISTICS_ITEMS = (statistics.median, statistics.median_low, statistics.median_high, statistics.mode,
                    statistics.multimode)
# Callables besides NumPy's that make a new object (whose items may be shared).
MAKERS = (list, tuple, dict, sorted, reversed, zip, enumerate, runtime.snapshot, runtime.saved_item, runtime.kept_value,
          runtime.copied, runtime.listed)


def computes_numbers(func, module: str) -> bool:
    """A function of math's, or of statistics' but those that return items of their data: new numbers."""
    return module == "math" or module == "statistics" and not any(func is f for f in STATISTICS_ITEMS)


def contraction(func, call: gast.Call) -> bool:
    """`np.einsum(spec, a, b, ...)` of two operands or more: a new array (one operand may give a view)."""
    return func is np.einsum and len(call.args) > 2 and not any(isinstance(a, gast.Starred) for a in call.args)


def makes_new_object(value: gast.expr, classifier: CallClassifier) -> bool:
    """Whether value is a new object: a literal, arithmetic, the result of NumPy or of MAKERS; not
    that of a called user function (which may be an object from anywhere), of a view, or of a call
    given an output (a ufunc returns its `out=`) or `copy=` (np.array(w, copy=False) may be w)."""
    if isinstance(value, NEW_VALUES):
        return True
    if not isinstance(value, gast.Call) or any(k.arg == "out" for k in value.keywords):
        return False
    operation = classifier.classify(value)
    func = operation.func
    if may_not_copy(value, func):
        return False
    if operation.kind == Callee.USER or func is None:
        return False
    if any(func is view for view in VIEW_FUNCTIONS + VIEWS_OF_ANY_ARGUMENT) and not contraction(func, value):
        return False
    if isinstance(func, np.ufunc):
        return len(value.args) <= func.nin
    module = module_of(func)
    return module.startswith("numpy") or any(func is maker for maker in MAKERS)


# Functions taking `copy` by position too, and where: np.nan_to_num(a, False) is a itself.
COPY_POSITIONS = ((np.nan_to_num, 1), (runtime.astype, 2))


def may_not_copy(call: gast.Call, func=None) -> bool:
    """Whether the call is given `copy` other than True: what it returns may be its argument."""
    given = [k.value for k in call.keywords if k.arg == "copy"]
    given += [call.args[position] for known, position in COPY_POSITIONS if func is known and len(call.args) > position]
    return any(not (isinstance(value, gast.Constant) and value.value is True) for value in given)


def fancy_index(index: gast.expr, kinds: Dict[str, str]) -> bool:
    """An index holding a list or an array of indices: NumPy copies what it selects."""
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    return any(isinstance(p, gast.Name) and (kinds.get(p.id) == CONTAINER or is_array(kinds.get(p.id)))
               for p in parts)


def selects_element(index: gast.expr, rank: Optional[int], kinds: Dict[str, str]) -> bool:
    """`a[i]` or `a[i, j]` with one number per dimension of `a`."""
    if rank is None:
        return False
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    numbers = [p for p in parts if (isinstance(p, gast.Constant) and isinstance(p.value, int))
               or (isinstance(p, gast.Name) and kinds.get(p.id) == SCALAR)]
    return len(numbers) == len(parts) == rank


# Functions whose result is a tuple of new arrays, apart from one another and from what they are
# given, by (module, name) (SciPy is not imported here): the fields of the NamedTuple NumPy 2
# returns (None for a plain tuple's positions), and the constants the parameters that decide that
# must be, where given (np.linalg.svd(a, compute_uv=False) returns one array; cho_factor(a,
# overwrite_a=True) may return a's memory).
RESULTS_APART = {
    ("numpy.linalg", "eigh"): (("eigenvalues", "eigenvectors"), {}),
    ("numpy.linalg", "eig"): (("eigenvalues", "eigenvectors"), {}),
    ("numpy.linalg", "svd"): (("U", "S", "Vh"), {"compute_uv": (True,)}),
    ("numpy.linalg", "qr"): (("Q", "R"), {"mode": ("reduced", "complete", "raw")}),
    ("numpy.linalg", "slogdet"): (("sign", "logabsdet"), {}),
    ("numpy.linalg", "lstsq"): ((None, None, None, None), {}),
    ("scipy.linalg", "cho_factor"): ((None, None), {"overwrite_a": (False,)}),
}


def results_apart(func, call: gast.Call) -> Optional[Tuple[Optional[str], ...]]:
    """The fields of the tuple of new arrays apart (RESULTS_APART) the call returns, one a position:
    a ufunc of several outputs given none (`np.modf(x)`), or a function of RESULTS_APART given what
    keeps it one; None for any other call."""
    if any(isinstance(a, gast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return None
    if isinstance(func, np.ufunc):
        given_none = len(call.args) <= func.nin and not any(k.arg == "out" for k in call.keywords)
        return (None,) * func.nout if func.nout > 1 and given_none else None
    module, name = getattr(func, "__module__", None), getattr(func, "__name__", None)
    if not (isinstance(module, str) and isinstance(name, str)):
        return None
    entry = RESULTS_APART.get((module, name)) or RESULTS_APART.get((module.rpartition(".")[0], name))
    if entry is None:
        return None
    fields, constants = entry
    try:
        given = inspect.signature(func).bind_partial(*call.args, **{k.arg: k.value for k in call.keywords}).arguments
    except (TypeError, ValueError):
        return None
    for parameter, allowed in constants.items():
        value = given.get(parameter)
        if value is not None and not (isinstance(value, gast.Constant) and value.value in allowed):
            return None
    return fields
