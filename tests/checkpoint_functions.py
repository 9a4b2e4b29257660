"""Checkpointed loops for tests/test_checkpoint.py.

The first functions are the `for` cases of catalogue_functions.py with their loop marked
`adjoint.checkpointed(..., snapshots=k)` (k is their last parameter); the test compares
their gradients with those of the catalogue originals. Then more loops (NumPy state,
calls in the body, several loops, nesting) each with a plain twin `<name>_plain`, and at
the end the loops adjoint must refuse, each marked `# <- refuse` on the offending line.
"""
import math

import numpy as np

import adjoint
from catalogue_functions import helper_scaled


# ----- the catalogue's `for` cases, checkpointed ---------------------------------------------

def for_range_horner(x, n, k):
    s = 0.0
    for i in adjoint.checkpointed(range(n), snapshots=k):
        s = s * x + 1.0
    return s


def for_range_start_stop(x, n, k):
    s = x
    for i in adjoint.checkpointed(range(1, n), snapshots=k):
        s = s + x ** i / i
    return s


def for_range_step(x, k):
    s = 0.0
    for i in adjoint.checkpointed(range(0, 10, 3), snapshots=k):
        s = s + i * x * x
    return s


def for_range_negative_step(x, n, k):
    s = 1.0
    for k_ in adjoint.checkpointed(range(n, 0, -1), snapshots=k):
        s = s * x + k_
    return s


def for_nested(x, n, m, k):
    s = 0.0
    for i in adjoint.checkpointed(range(n), snapshots=k):
        for j in range(m):
            s = s + x ** (i + j) / (j + 1)
    return s


def for_triangular(x, n, k):
    s = 0.0
    for i in adjoint.checkpointed(range(n), snapshots=k):
        for j in range(i):
            s = s + x * i - j * x * x
    return s


def for_overwrite_carried(x, n, k):
    for i in adjoint.checkpointed(range(n), snapshots=k):
        x = math.sin(x) + x * 0.5
    return x


def for_overwrite_carried_array(x, n, k):
    for i in adjoint.checkpointed(range(n), snapshots=k):
        x = np.tanh(x) * 1.5 + 0.1
    return np.sum(x)


def for_rows_of_matrix(m, w, k):
    s = 0.0
    for i in adjoint.checkpointed(range(len(m)), snapshots=k):
        row = m[i]
        s = s + np.dot(row, w) ** 2
    return s


def for_reversed_index(x, y, k):
    s = 0.0
    for i in adjoint.checkpointed(range(len(x)), snapshots=k):
        s = s + x[i] * y[len(y) - 1 - i]
    return s


def for_zero_iterations(x, n, k):
    s = x * 2.0
    for i in adjoint.checkpointed(range(n), snapshots=k):
        s = s * s
    return s


def for_inner_if(x, k):
    s = 0.0
    for i in adjoint.checkpointed(range(len(x)), snapshots=k):
        v = x[i]
        if v > 0.0:
            s = s + v * v
        else:
            s = s - v
    return s


def for_variable_after_loop(x, n, k):
    y = x
    for i in adjoint.checkpointed(range(n), snapshots=k):
        y = x * i
    return y * x


def for_accumulate_array(x, n, k):
    acc = np.zeros_like(x)
    for i in adjoint.checkpointed(range(n), snapshots=k):
        acc = acc + x ** (i + 1)
    return np.sum(acc)


def for_two_carried(x, y, n, k):
    a = x
    b = y
    for i in adjoint.checkpointed(range(n), snapshots=k):
        c = a * b
        a = b + 0.5 * c
        b = c - a * 0.1
    return a + b


def while_in_for(x, m, k):
    s = 0.0
    for i in adjoint.checkpointed(range(m), snapshots=k):
        j = 0
        while j < i:
            s = s + x * j
            j += 1
    return s * x


def jump_continue(x, n, k):
    s = 0.0
    for i in adjoint.checkpointed(range(n), snapshots=k):
        if i % 2 != 0:
            s = s + x ** i
    return s


def call_in_loop(x, n, k):
    s = 0.0
    for i in adjoint.checkpointed(range(n), snapshots=k):
        s = s + helper_scaled(x, k=i)
    return s


def tuple_swap_in_loop(x, y, n, k):
    for i in adjoint.checkpointed(range(n), snapshots=k):
        x, y = y, x * y + 0.1
    return x + y


def stop_in_loop(x, n, k):
    s = x
    for i in adjoint.checkpointed(range(n), snapshots=k):
        s = s * adjoint.stop_gradient(s) + x
    return s


# ----- more loops, each with a plain twin ------------------------------------------------------

def helper_drift(A, y, rate):
    return rate * np.tanh(A @ y)


def helper_energy(y):
    return 0.5 * np.sum(y * y)


def ode(y0, A, n, k):
    """Explicit Euler on NumPy state, the body calling user functions (nested calls)."""
    y = y0 * 1.0
    for t in adjoint.checkpointed(range(n), snapshots=k):
        y = y + helper_drift(A, y, 0.1)
    return helper_energy(y)


def ode_plain(y0, A, n, k):
    y = y0 * 1.0
    for t in range(n):
        y = y + helper_drift(A, y, 0.1)
    return helper_energy(y)


def leapfrog(q, p, w, n, k):
    """Two NumPy arrays carried, a scalar invariant, an array invariant, a temporary."""
    dt = 0.05
    for t in adjoint.checkpointed(range(n), snapshots=k):
        force = -w * np.sin(q)
        p = p + dt * force
        q = q + dt * p
    return np.sum(q * q) + np.sum(p) * 0.5


def leapfrog_plain(q, p, w, n, k):
    dt = 0.05
    for t in range(n):
        force = -w * np.sin(q)
        p = p + dt * force
        q = q + dt * p
    return np.sum(q * q) + np.sum(p) * 0.5


def mixed_state(x, n, k):
    """A carried counter that is not differentiated, next to an active scalar."""
    s = x
    count = 0
    for t in adjoint.checkpointed(range(n), snapshots=k):
        count = count + 1
        s = s * math.cos(s * 0.1) + count * x
    return s


def mixed_state_plain(x, n, k):
    s = x
    count = 0
    for t in range(n):
        count = count + 1
        s = s * math.cos(s * 0.1) + count * x
    return s


def two_loops(x, n, k):
    """Two checkpointed loops in a row; the second reads what the first carried."""
    y = x
    for t in adjoint.checkpointed(range(n), snapshots=k):
        y = np.sin(y) + 0.3 * x
    z = y * 2.0
    for t in adjoint.checkpointed(range(n + 1), snapshots=1):
        z = z * 0.9 + y * np.cos(z)
    return np.sum(z) + np.sum(x * y)


def two_loops_plain(x, n, k):
    y = x
    for t in range(n):
        y = np.sin(y) + 0.3 * x
    z = y * 2.0
    for t in range(n + 1):
        z = z * 0.9 + y * np.cos(z)
    return np.sum(z) + np.sum(x * y)


def inside_plain_loop(x, m, k):
    """A checkpointed loop run again by an enclosing ordinary loop (its checkpoints go on the stack)."""
    s = 0.0
    for j in range(m):
        for i in adjoint.checkpointed(range(j + 1), snapshots=k):
            s = s * math.sin(x) + x * i
        s = s * 0.5
    return s


def inside_plain_loop_plain(x, m, k):
    s = 0.0
    for j in range(m):
        for i in range(j + 1):
            s = s * math.sin(x) + x * i
        s = s * 0.5
    return s


def nested_checkpointed(x, n, k):
    """A checkpointed loop inside a checkpointed loop."""
    for i in adjoint.checkpointed(range(n), snapshots=k):
        for j in adjoint.checkpointed(range(3), snapshots=1):
            x = np.sin(x) * 1.1 + 0.1 * j
        x = x * 0.9
    return np.sum(x)


def nested_checkpointed_plain(x, n, k):
    for i in range(n):
        for j in range(3):
            x = np.sin(x) * 1.1 + 0.1 * j
        x = x * 0.9
    return np.sum(x)


def in_branch(x, n, k):
    """A checkpointed loop in one branch of an `if`; state read before the loop too."""
    y = x * x
    w = np.sum(y)
    if w > 0.0:
        for t in adjoint.checkpointed(range(n), snapshots=k):
            y = y * 0.5 + np.exp(-y) * w
    return np.sum(y) * w


def in_branch_plain(x, n, k):
    y = x * x
    w = np.sum(y)
    if w > 0.0:
        for t in range(n):
            y = y * 0.5 + np.exp(-y) * w
    return np.sum(y) * w


def overwritten_after(x, n, k):
    """State and invariant overwritten after the loop: the adjoint sweep restores both."""
    a = x * 1.5
    y = x
    for t in adjoint.checkpointed(range(n), snapshots=k):
        y = y * a + np.sin(y)
    a = a * y
    y = y * y
    return np.sum(a + y)


def overwritten_after_plain(x, n, k):
    a = x * 1.5
    y = x
    for t in range(n):
        y = y * a + np.sin(y)
    a = a * y
    y = y * y
    return np.sum(a + y)


def local_arrays(x, n, k):
    """Arrays created in the body may be written into; temporaries stay in the step."""
    s = x
    for t in adjoint.checkpointed(range(n), snapshots=k):
        buf = np.zeros(2)
        buf[0] = s * 0.5
        buf[1] = np.sin(s)
        s = s + buf[0] * buf[1] + 0.1 * t
    return s


def local_arrays_plain(x, n, k):
    s = x
    for t in range(n):
        buf = np.zeros(2)
        buf[0] = s * 0.5
        buf[1] = np.sin(s)
        s = s + buf[0] * buf[1] + 0.1 * t
    return s


def gradient_clipped(x, n, k):
    """`insert_grad_of` inside the body runs in the step's adjoint."""
    for t in adjoint.checkpointed(range(n), snapshots=k):
        with adjoint.insert_grad_of(x) as dx:
            dx = np.clip(dx, -0.5, 0.5)
        x = np.tanh(x * 1.7)
    return np.sum(x)


def gradient_clipped_plain(x, n, k):
    for t in range(n):
        with adjoint.insert_grad_of(x) as dx:
            dx = np.clip(dx, -0.5, 0.5)
        x = np.tanh(x * 1.7)
    return np.sum(x)


def helper_integrate(y, A, n):
    for t in adjoint.checkpointed(range(n), snapshots=2):
        y = y + 0.1 * np.tanh(A @ y)
    return y


def helper_integrate_plain(y, A, n):
    for t in range(n):
        y = y + 0.1 * np.tanh(A @ y)
    return y


def calls_checkpointed(y0, A, n, k):
    """A called function holding a checkpointed loop, called twice."""
    y = helper_integrate(y0, A, n)
    z = helper_integrate(y * 0.5, A, n + k)
    return np.sum(z * y)


def calls_checkpointed_plain(y0, A, n, k):
    y = helper_integrate_plain(y0, A, n)
    z = helper_integrate_plain(y * 0.5, A, n + k)
    return np.sum(z * y)


def make_closure(scale):
    """A loop inside a closure, reading the closure's variable."""
    def closure(x, n, k):
        for t in adjoint.checkpointed(range(n), snapshots=k):
            x = x * scale + np.cos(x)
        return np.sum(x)

    def closure_plain(x, n, k):
        for t in range(n):
            x = x * scale + np.cos(x)
        return np.sum(x)

    return closure, closure_plain


# ----- loops adjoint refuses ----------------------------------------------------------------------

def refuse_break(x, n):
    for t in adjoint.checkpointed(range(n), snapshots=2):
        if x > 3.0:
            break  # <- refuse
        x = x * 2.0
    return x


def refuse_return(x, n):
    for t in adjoint.checkpointed(range(n), snapshots=2):
        x = x * 2.0
        if x > 3.0:
            return x  # <- refuse
    return x


def refuse_not_range(xs):
    s = 0.0
    for v in adjoint.checkpointed(xs, snapshots=2):  # <- refuse
        s = s + v
    return s


def refuse_write_into_state(x, n):
    a = np.zeros(n)
    for t in adjoint.checkpointed(range(n), snapshots=2):
        a[t] = x ** t  # <- refuse
    return np.sum(a)


def refuse_append(x, n):
    values = []
    for t in adjoint.checkpointed(range(n), snapshots=2):
        values.append(x * t)  # <- refuse
    return values[-1]


def refuse_target_assigned(x, n):
    for t in adjoint.checkpointed(range(n), snapshots=2):
        t = t + 1  # <- refuse
        x = x * t
    return x


def refuse_target_after(x, n):
    for t in adjoint.checkpointed(range(n), snapshots=2):  # <- refuse
        x = x * 1.5
    return x * t


def refuse_unbound(x, n):
    s = x
    if n > 100:
        last = 0.0
    for t in adjoint.checkpointed(range(n), snapshots=2):  # <- refuse
        if t > 0:
            s = s + last
        last = x * t
    return s


def refuse_marker_elsewhere(x, n):
    steps = adjoint.checkpointed(range(n), snapshots=2)  # <- refuse
    for t in steps:
        x = x * 2.0
    return x


def refuse_no_rule(x, n):
    for t in adjoint.checkpointed(range(n), snapshots=2):
        x = x + np.frexp(x)[0]  # <- refuse
    return x
