"""Every public NumPy function whose result may share memory with an argument is known to the
sharing analysis as such (analysis/sharing.py): called on arrays in a few common ways, a result
that np.shares_memory with an argument must come from a function of VIEW_FUNCTIONS or
VIEWS_OF_ANY_ARGUMENT, a call given its `copy` (COPY_POSITIONS), or a call given an output by
position (analysis/writes.py takes such a call for a write).
A NumPy release that adds such a function makes this test fail until the analysis knows it."""
from __future__ import annotations

import warnings

import numpy as np

from adjoint.analysis.views import COPY_POSITIONS, VIEW_FUNCTIONS, VIEWS_OF_ANY_ARGUMENT
from adjoint.analysis.writes import out_position

# Functions that write into an argument (analysis/writes.py refuses or follows them) or only test memory.
WRITERS_AND_TESTS = ("copyto", "place", "put", "putmask", "fill_diagonal", "put_along_axis", "shares_memory",
                     "may_share_memory", "save", "savez", "savez_compressed", "savetxt", "from_dlpack")


def _arrays_in(result):
    if isinstance(result, np.ndarray):
        return [result]
    if isinstance(result, (list, tuple)):
        return [array for item in result for array in _arrays_in(item)]
    return []


def _calls():
    vector, matrix, square = np.arange(4.0) + 1.0, np.arange(12.0).reshape(3, 4) + 1.0, np.eye(3) + 1.0
    cube = np.arange(24.0).reshape(2, 3, 4) + 1.0
    for array in (vector, matrix, square, cube):
        yield from [(array,), (array, 0), (array, 1), (array, 0, 1), (array, 2), (array, [1]), (array, array)]
    yield from [("ii->i", square), ("ij->ji", square), ("i->i", vector), ("...->...", matrix)]


def _public_functions():
    for module in (np, np.linalg, np.fft, np.lib.stride_tricks):
        for name in sorted(dir(module)):
            func = getattr(module, name)
            if not name.startswith("_") and callable(func) and not isinstance(func, type) \
                    and name not in WRITERS_AND_TESTS:
                yield f"{module.__name__}.{name}", func


def _known(func, args) -> bool:
    if any(func is view for view in VIEW_FUNCTIONS + VIEWS_OF_ANY_ARGUMENT):
        return True
    if isinstance(func, np.ufunc):
        return len(args) > func.nin  # an output given by position
    if len(args) > out_position(func):  # `out` by position: a write (analysis/writes.py)
        return True
    return any(func is known and len(args) > position for known, position in COPY_POSITIONS)


def test_every_numpy_function_returning_shared_memory_is_known():
    unknown = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for label, func in _public_functions():
            for args in _calls():
                try:
                    result = func(*args)
                except Exception:
                    continue
                given = [a for a in args if isinstance(a, np.ndarray)]
                if any(np.shares_memory(r, a) for r in _arrays_in(result) for a in given) and not _known(func, args):
                    unknown[label] = args
                    break
    assert not unknown, f"results sharing memory with an argument, unknown to the sharing analysis: {sorted(unknown)}"
