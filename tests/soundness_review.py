"""Soundness cases of an adversarial review: changes in place that the adjoint sweep would not see,
and complex values times real numbers.

Complex values of np.fft scaled by a differentiated number: the number's adjoint is the real
part of a sum of complex products (it raised "a gradient is complex" at run time).

The adjoint sweep reads the values earlier statements read (a view kept by reference, a row of
an array read again): a call that changes that memory in place afterwards (np.copyto, a ufunc's
`out=`, a function that writes into its argument) must be refused at its line, even when the
changed value does not depend on the differentiated arguments and is never read again, and so
must a call of a function that changes in place (or rebinds) a global the caller reads, and a method that
changes a global object the function reads (`TABLE.update(...)`, `G.sort()`), and a write into
a global's attribute through a local name. An attribute of an argument shares its memory (a
write into it through a local name is saved and restored, a callee's write refused); a call that fills
a buffer before any read of it, and a global log only written into, stay exact. The last cases
are attacks on recomputed rows, *args and frozen distributions that found the code exact.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from adjoint import UnsupportedSyntaxError

from soundness import Exact, Refused


def _scale_first_row(a):
    a[0] = a[0] * 5.0


def rows_then_a_callee_writes_them(xs, w):
    ys = xs * 1.0
    total = 0.0
    for t in range(3):
        total = total + np.sum(np.sin(ys[t] * w))
    _scale_first_row(ys)  # <- callee after rows
    return total


def a_view_then_copyto(xs, w):
    ys = xs * 1.0
    r = ys[1]
    total = np.sum(np.sin(r * w))
    np.copyto(ys, 0.0)  # <- copyto after a view
    return total


def a_buffer_refilled_in_a_loop(x, c):
    buf = np.zeros(3)
    total = 0.0
    for k in range(3):
        np.copyto(buf, c * (k + 1.0))  # <- copyto in a loop
        total = total + np.sum(np.sin(buf * x))
    return total


def a_buffer_refilled_through_out(x, c):
    buf = np.zeros(3)
    total = 0.0
    for k in range(3):
        np.multiply(c, k + 1.0, out=buf)  # <- out in a loop
        total = total + np.sum(np.sin(buf * x))
    return total


def an_input_overwritten_after_its_rows(xs, w):
    total = 0.0
    for t in range(3):
        total = total + np.sum(np.sin(xs[t] * w))
    np.copyto(xs, 0.0)  # <- copyto into an input
    return total


def a_buffer_filled_before_it_is_read(x, c):
    buf = np.zeros(3)
    np.copyto(buf, c)
    out = np.empty(3)
    np.multiply(c, 2.0, out=out)
    return np.sum(np.sin(buf * x) * out)


def the_source_of_copyto_read_before(x, c):
    a = np.sum(np.sin(c * x))
    buf = np.zeros(3)
    np.copyto(buf, c)
    return a + np.sum(buf * x)


SCALES = np.array([0.5, -1.5, 2.0])
CALLS = []


def _triple_a_scale():
    SCALES[1] = SCALES[1] * 3.0


def _triple_through_another():
    _triple_a_scale()


def _remember(value):
    CALLS.append(value)


def a_global_changed_by_a_callee(x):
    a = np.sum(np.sin(SCALES * x))
    _triple_through_another()  # <- callee writes a global
    return a


def _double_the_scales():
    global SCALES
    SCALES = SCALES * 2.0


def a_global_rebound_by_a_callee(x):
    a = np.sum(np.sin(SCALES * x))
    _double_the_scales()  # <- callee rebinds a global
    return a


def a_global_log_a_callee_appends_to(x):
    _remember(1.0)
    return np.sum(np.sin(SCALES * x))


TABLE = {"sin": np.sin, "square": np.square}


def a_global_table_updated_in_its_loop(x):
    total = 0.0
    for name in TABLE:
        total = total + np.sum(TABLE[name](x))
        TABLE.update({"square": np.square})  # <- update of a global table
    return total


def a_global_sorted_after_it_is_read(x):
    a = np.sum(np.sin(SCALES * x))
    SCALES.sort()  # <- sort of a global
    return a


def a_global_log_extended_twice(x):
    CALLS.extend([1.0])
    CALLS.append(2.0)
    CALLS.extend([3.0])
    return np.sum(np.sin(x))


@dataclass
class _Holder:
    rows: np.ndarray


SETTINGS = _Holder(np.array([0.5, 1.5, -0.5]))


def _scale_held_rows(holder):
    holder.rows[0] = holder.rows[0] * 5.0


def rows_of_an_attribute_then_a_callee_writes_them(holder, w):
    total = 0.0
    for t in range(3):
        total = total + np.sum(np.sin(holder.rows[t] * w))
    _scale_held_rows(holder)  # <- callee writes an attribute
    return total


def rows_of_an_attribute_written_through_a_name(holder, w):
    total = 0.0
    for t in range(3):
        total = total + np.sum(np.sin(holder.rows[t] * w))
    rows = holder.rows
    rows[0] = rows[0] * 5.0
    return total


def a_global_attribute_written_through_a_name(w):
    a = SETTINGS.rows
    s = np.sum(np.sin(a * w))
    a[0] = a[0] + 1.0  # <- write into a global's attribute
    return s


def a_spectrum_scaled_by_an_item(x):
    F = np.fft.rfft(x)
    return np.sum(np.abs(F * x[0]) ** 2)


def a_number_divided_by_a_spectrum(x):
    F = np.fft.rfft(x)
    return np.sum(np.real(x[0] / (F + 3.0)))


def one_frequency_times_an_array(x):
    F = np.fft.rfft(x)
    return np.sum(np.abs(F[1] * x) ** 2) + np.abs(F[2] / x[1])


# ----- attacks that found the code exact, kept as cases ----------------------------------------

def a_row_index_rebound_before_its_adjoint(xs, w):
    total = 0.0
    k = 0
    for t in range(3):
        r = xs[k]
        total = total + np.sum(np.sin(r * w)) * (t + 1.0)
        k = int(np.argmax(r * w)) + t
        if k > 2:
            k = 0
    return total


def rows_read_after_a_break(xs, w):
    total = 0.0
    for t in range(len(xs)):
        if total > 1.0:
            break
        total = total + np.sum(np.sin(xs[t] * w))
    r = xs[t] * w
    return total + np.sum(r * r)


def _rows_sum(xs, w):
    total = 0.0
    for t in range(len(xs)):
        total = total + np.sum(np.sin(xs[t] * w))
    return total


def rows_a_callee_read_written_by_the_caller(X, w):
    buf = X * 1.0
    total = 0.0
    for k in range(2):
        total = total + _rows_sum(buf[k:k + 2], w)
        buf[k + 1] = buf[k + 1] * total
    return total


def _every_kind_of_parameter(a, b=2.0, *args, c, d=1.5, **kw):
    t = a * b * c + d
    for r in args:
        t = t + r * a
    for k in kw:
        t = t + kw[k] * kw[k]
    return t


def rest_parameters_of_every_kind(x, y):
    return (_every_kind_of_parameter(x, c=y) + _every_kind_of_parameter(x, y, x, c=y, e=x)
            + _every_kind_of_parameter(x, y, y, y, c=1.0, d=x, f=y, g=x))


def a_distribution_frozen_by_keywords_then_rebound(x, mu, s):
    d = norm(loc=mu, scale=s)
    mu = mu * 2.0
    return np.sum(d.logpdf(x)) + np.sum(d.cdf(x)) + mu


_xs = np.arange(6.0).reshape(3, 2) * 0.1
_w = np.array([0.3, -0.7])
_c = np.array([0.2, -0.4, 0.9])

CASES = [
    Refused(rows_then_a_callee_writes_them, (_xs, _w), UnsupportedSyntaxError, "callee after rows", wrt=1),
    Refused(a_view_then_copyto, (_xs, _w), UnsupportedSyntaxError, "copyto after a view", wrt=1),
    Refused(a_buffer_refilled_in_a_loop, (_c, _c), UnsupportedSyntaxError, "copyto in a loop"),
    Refused(a_buffer_refilled_through_out, (_c, _c), UnsupportedSyntaxError, "out in a loop"),
    Refused(an_input_overwritten_after_its_rows, (_xs, _w), UnsupportedSyntaxError, "copyto into an input", wrt=1),
    Exact(a_buffer_filled_before_it_is_read, lambda rng: (rng.normal(size=3), rng.normal(size=3))),
    Refused(a_global_changed_by_a_callee, (_c,), UnsupportedSyntaxError, "callee writes a global"),
    Refused(a_global_table_updated_in_its_loop, (_c,), UnsupportedSyntaxError, "update of a global table"),
    Refused(a_global_sorted_after_it_is_read, (_c,), UnsupportedSyntaxError, "sort of a global"),
    Exact(a_global_log_extended_twice, lambda rng: (rng.normal(size=3),)),
    Refused(a_global_rebound_by_a_callee, (_c,), UnsupportedSyntaxError, "callee rebinds a global"),
    Exact(a_global_log_a_callee_appends_to, lambda rng: (rng.normal(size=3),)),
    Refused(rows_of_an_attribute_then_a_callee_writes_them, (_Holder(_xs), _w), UnsupportedSyntaxError,
            "callee writes an attribute", wrt=1),
    # (jvp changes the argument's attribute in place, as the function does: snapshot copies no object)
    Exact(rows_of_an_attribute_written_through_a_name,
          lambda rng: (_Holder(rng.normal(size=(3, 2))), rng.normal(size=2)), wrt=1, jvp=False),
    Refused(a_global_attribute_written_through_a_name, (_c,), UnsupportedSyntaxError,
            "write into a global's attribute"),
    Exact(a_spectrum_scaled_by_an_item, lambda rng: (rng.normal(size=6),)),
    Exact(a_number_divided_by_a_spectrum, lambda rng: (rng.normal(size=6),)),
    Exact(one_frequency_times_an_array, lambda rng: (rng.normal(size=6),)),
    Exact(a_row_index_rebound_before_its_adjoint,
          lambda rng: (rng.normal(size=(5, 2)), rng.normal(size=2)), wrt=(0, 1)),
    Exact(rows_read_after_a_break, lambda rng: (rng.normal(size=(4, 2)), rng.normal(size=2)), wrt=(0, 1)),
    Exact(rows_a_callee_read_written_by_the_caller,
          lambda rng: (rng.normal(size=(3, 2)), rng.normal(size=2)), wrt=(0, 1)),
    Exact(rest_parameters_of_every_kind, lambda rng: (0.3, 0.7), wrt=(0, 1)),
    Exact(a_distribution_frozen_by_keywords_then_rebound,
          lambda rng: (np.abs(rng.normal(size=3)) + 0.1, 0.3, 0.8), wrt=(0, 1, 2)),
    Exact(the_source_of_copyto_read_before, lambda rng: (rng.normal(size=3), rng.normal(size=3))),
]
