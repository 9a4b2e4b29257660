"""Soundness cases for `import` statements in the differentiated function's own body
(frontend/local_imports.py), read as the names they bind where Python binds the same object
on every call, and for `del name` (normalize/deletions.py), dropped where nothing after it uses
the name; both refused at their line anywhere else. `del xs[i]` of a local list is its pop,
`del xs[i:j]` the list of the items it keeps, refused where another name holds the list."""
from __future__ import annotations

import math

import numpy as np

from soundness import Exact, Refused
from adjoint import UnsupportedSyntaxError


def numpy_imported_inside(x):
    import numpy as np
    return np.sum(np.sin(x) * x)


def names_from_a_module(x):
    from math import sin, cos as cosine
    return sin(x) * cosine(x) + x


def dotted_module(x):
    import numpy.linalg
    import numpy
    return numpy.linalg.norm(x) * numpy.sum(numpy.tanh(x))


def submodule_by_from(x, w):
    import numpy as np
    from numpy import linalg
    return linalg.norm(x * w) + np.sum(w * w)


def import_after_other_statements(x):
    y = x * x
    import math
    return math.exp(-y) + y


def shadowing_a_global(x):
    import math as np  # this function's np is the math module
    return np.sin(x) * np.sqrt(x)


def in_a_branch(x):
    if x > 0.0:
        import math as m  # <- branch
    else:
        m = math
    return m.sin(x)


def read_before(x):
    y = math.sin(x)
    import math  # <- read-before
    return y * math.cos(x)


def bound_twice(x):
    sqrt = abs
    from math import sqrt  # <- bound-twice
    return sqrt(x) * x


def read_by_a_local_function(x):
    import math as m  # <- local-function
    def inner(v):
        return m.sin(v)
    return inner(x)


def imported_in_a_loop(x):
    total = 0.0
    for k in range(2):
        import math  # <- loop
        total = total + math.sin(x * k)
    return total


CASES = [
    Exact(numpy_imported_inside, lambda rng: (rng.normal(size=4),)),
    Exact(names_from_a_module, lambda rng: (0.7,)),
    Exact(dotted_module, lambda rng: (rng.normal(size=3),)),
    Exact(submodule_by_from, lambda rng: (rng.normal(size=3), rng.normal(size=3)), wrt=(0, 1)),
    Exact(import_after_other_statements, lambda rng: (0.4,)),
    Exact(shadowing_a_global, lambda rng: (0.6,)),
    Refused(in_a_branch, (0.5,), UnsupportedSyntaxError, "branch"),
    Refused(read_before, (0.5,), UnsupportedSyntaxError, "read-before"),
    Refused(bound_twice, (0.5,), UnsupportedSyntaxError, "bound-twice"),
    Refused(read_by_a_local_function, (0.5,), UnsupportedSyntaxError, "local-function"),
    Refused(imported_in_a_loop, (0.5,), UnsupportedSyntaxError, "loop"),
]


# ----- `del` (normalize/deletions.py) ------------------------------------------------------

def deleted_temporary(x):
    t = np.exp(x)
    y = np.sum(t * x)
    del t
    return y * 2.0


def deleted_parameter_copy(x, w):
    h = np.tanh(w * x)
    del w, x
    return np.sum(h * h)


def deleted_then_assigned_again(x):
    t = x * 2.0
    del t  # <- del-reassigned
    t = x * 3.0
    return t * x


def deleted_item(x):
    ys = [x * x, x + 1.0]
    del ys[0]
    return ys[0]


def deleted_slice(x):
    ys = [x * x, x + 1.0, 2.0 * x]
    del ys[:2]
    return ys[0]


def deleted_slice_of_a_shared_list(x):
    ys = [x * x, x + 1.0, 2.0 * x]
    zs = ys
    del ys[:2]  # <- del-shared-slice
    return zs[0]


def deleted_in_a_loop(x):
    total = 0.0
    for k in range(2):
        t = x * k
        total = total + t
        del t  # <- del-loop
    return total


CASES += [
    Exact(deleted_temporary, lambda rng: (rng.normal(size=3),)),
    Exact(deleted_parameter_copy, lambda rng: (rng.normal(size=3), rng.normal(size=3)), wrt=(0, 1)),
    Refused(deleted_then_assigned_again, (0.5,), UnsupportedSyntaxError, "del-reassigned"),
    Exact(deleted_item, lambda rng: (float(rng.normal()),)),
    Exact(deleted_slice, lambda rng: (float(rng.normal()),)),
    Refused(deleted_slice_of_a_shared_list, (0.5,), UnsupportedSyntaxError, "del-shared-slice"),
    Refused(deleted_in_a_loop, (0.5,), UnsupportedSyntaxError, "del-loop"),
]


def deleted_where_perhaps_unbound(x):
    if x[0] > 10.0:
        y = x * 2.0
    del y  # <- del-unbound
    return np.sum(x)


CASES += [Refused(deleted_where_perhaps_unbound, (np.array([0.5, 1.5]),), UnsupportedSyntaxError, "del-unbound")]
