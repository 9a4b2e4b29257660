"""Objects a loop makes anew at each step: a write into this step's object is exact, one into an
object an earlier step made and another name still holds is refused.

The alias analysis names each object by the statement that made it. A list made by one
statement of a loop body stands for the lists of every step, so `zs = [f(z) for z in zs]`
looked like a write into the list zs held, and was refused; the statement's latest object is
now told apart from those of earlier steps."""
import math

import numpy as np

import adjoint
from soundness import Exact, Refused


def comprehension_rebound(x):
    zs = [x, 2.0 * x]
    for _ in range(3):
        zs = [z * 0.5 + math.sin(z) for z in zs]
    return zs[0] * zs[1]


def new_list_each_step(x):
    zs = [x, 2.0 * x]
    for _ in range(3):
        new = []
        for z in zs:
            new.append(z * z * 0.5 + 1.0)
        zs = new
    return zs[0] + zs[1] ** 2


def particles(v):
    ps = [v * 1.0, v * 2.0]
    for _ in range(4):
        ps = [p + 0.1 * np.tanh(p) for p in ps]
    return np.sum(ps[0] * ps[1])


def rows_kept_each_step(x):
    keep = []
    for i in range(3):
        row = [x * i, x * x]
        row.append(math.cos(x) * i)
        keep.append(row)
    return sum(r[0] * r[2] + r[1] for r in keep)


def arrays_kept_before_the_next_is_made(x):
    rows = []
    r = np.zeros(3)
    for i in range(3):
        rows.append(r)
        r = np.zeros(3)
        r[i] = x[i] ** 2
    return sum(np.sum(a ** 2) for a in rows) + np.sum(r * x)


def copies_kept_each_step(x):
    buf = np.zeros(3)
    hist = []
    for i in range(3):
        buf = buf.copy()
        buf[i] = x[i] * (i + 1.0)
        hist.append(buf)
    return np.sum(hist[0] * hist[2]) + np.sum(hist[1] ** 2)


def kept_row_written(x):
    keep = []
    for i in range(3):
        row = [x * i]
        keep.append(row)
        row.append(x)  # <- kept-row
    return sum(sum(r) for r in keep)


def previous_step_written(x):
    keep = []
    prev = [x]
    for i in range(3):
        cur = [x * i]
        prev.append(x * x)  # <- previous-step
        keep.append(cur)
        prev = cur
    return sum(sum(r) for r in keep) + sum(prev)


def previous_array_written(x):
    rows = []
    prev = np.zeros(3)
    for i in range(3):
        r = np.zeros(3)
        r[i] = x[i]
        prev[0] = x[i] * 2  # <- previous-array
        rows.append(r)
        prev = r
    return np.sum(np.stack(rows) ** 2)


CASES = [
    Exact(comprehension_rebound, lambda rng: (rng.uniform(0.2, 1.0),)),
    Exact(new_list_each_step, lambda rng: (rng.uniform(0.1, 0.5),)),
    Exact(particles, lambda rng: (rng.normal(size=3),)),
    Exact(rows_kept_each_step, lambda rng: (rng.uniform(0.2, 1.0),)),
    Exact(arrays_kept_before_the_next_is_made, lambda rng: (rng.normal(size=3),)),
    Exact(copies_kept_each_step, lambda rng: (rng.normal(size=3),)),
    Refused(previous_array_written, (np.array([0.5, -1.0, 2.0]),), adjoint.UnsupportedSyntaxError, "previous-array"),
    Refused(kept_row_written, (0.7,), adjoint.UnsupportedSyntaxError, "kept-row"),
    Refused(previous_step_written, (0.7,), adjoint.UnsupportedSyntaxError, "previous-step"),
]
