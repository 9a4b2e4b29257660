"""Binomial checkpointing of loops marked `adjoint.checkpointed` (Griewank's Revolve)."""
from __future__ import annotations

import math

import numpy as np

from adjoint.runtime.adjoints import add_adjoints


# `for t in adjoint.checkpointed(steps, snapshots=k): state = step(t, *state, *invariants)`
# keeps k + 1 states at most instead of a tape, and reverses its steps on the schedule of
# Griewank & Walther (2000), "Algorithm 799: Revolve: an implementation of checkpointing for
# the reverse or adjoint mode of computational differentiation", ACM TOMS 26(1), 19-45.
#
# To reverse steps [start, end) from the stored state at start, with `slots` states it may
# hold (that one included): with one step or one slot left, reverse the last step, recomputing
# it from start. Else, with r = checkpoint_repetitions(end - start, slots), store the state at
# `split`, where [split, end) is as long as slots - 1 states reverse with r repetitions and
# [start, split) is at least as long as slots states reverse with r - 2; reverse [split, end)
# with one slot fewer, then [start, split) with all of them. Each step is advanced at most r
# times, r * n - C(slots + r, slots + 1) advances in all (the least possible); the first
# states stored lie on the way from the start to the end, so the primal sweep stores them.
# A checkpoint is a tuple (first step, state before it, slots it may use).

def checkpointed(steps, snapshots):
    """`for t in adjoint.checkpointed(range(n), snapshots=k):` marks a loop whose reverse-mode
    derivative keeps at most k copies of the loop's state (besides the state the loop starts
    from) instead of a tape of every iteration, and recomputes the iterations in between
    (binomial checkpointing, Griewank's "Revolve").

    Memory: k + 1 states instead of everything n iterations overwrite. Time: the derivative
    advances each iteration at most r more times, r the least number with
    C(k + 1 + r, r) >= n (n = 10,000 steps: r = 4 with k = 20, r = 2 with k = 140).

    The body must be a function of its state: it may rebind names but not write into an
    array or list it did not create (`a[i] = v`, `a.append(v)`), and contain no `break`,
    `continue` or `return` of this loop; the loop must run over `range(...)`. Anything else
    is refused with adjoint.UnsupportedSyntaxError.

    Run as plain Python (not differentiated), `checkpointed(steps, snapshots)` is `steps`.
    """
    return steps


def reversible_steps(slots, repetitions):
    """How many steps `slots` held states reverse when each step may be advanced at most
    `repetitions` times: C(slots + repetitions, slots) (Griewank 1992)."""
    return math.comb(slots + repetitions, slots) if repetitions >= 0 else 0


def checkpoint_repetitions(steps, slots):
    """The least r with reversible_steps(slots, r) >= steps."""
    repetitions = 0
    while reversible_steps(slots, repetitions) < steps:
        repetitions += 1
    return repetitions


def _checkpoint_split(start, end, slots):
    """Where to store the next state to reverse steps [start, end) holding `slots` states."""
    length = end - start
    repetitions = checkpoint_repetitions(length, slots)
    right = min(length - 1, reversible_steps(slots - 1, repetitions),
                length - reversible_steps(slots, repetitions - 2))
    return end - right


def checkpointed_forward(step, steps, state, invariants, snapshots):
    """Run `for t in steps: state = step(t, *state, *invariants)`, keeping the states the reversal
    restarts from first. Returns the final state's values followed by the checkpoints.

    `step` returns the new state: one value when the loop carries one name, else a tuple.
    """
    if isinstance(snapshots, bool) or not isinstance(snapshots, (int, np.integer)) or snapshots < 0:
        raise ValueError(f"adjoint.checkpointed: snapshots must be a non-negative integer, not {snapshots!r}")
    single = len(state) == 1
    checkpoints = [(0, tuple(state), int(snapshots) + 1)]
    end = len(steps)
    while True:
        start, values, slots = checkpoints[-1]
        if slots == 1 or end - start <= 1:
            break
        split = _checkpoint_split(start, end, slots)
        checkpoints.append((split, _steps(step, steps, values, invariants, start, split, single), slots - 1))
    final = _steps(step, steps, values, invariants, start, end, single)
    return final + (checkpoints,)


def _steps(step, steps, values, invariants, start, stop, single):
    """The state (a tuple) after steps [start, stop) from the state `values`."""
    for position in range(start, stop):
        values = step(steps[position], *values, *invariants)
        if single:
            values = (values,)
    return tuple(values)


def checkpointed_adjoint(step, step_vjp, steps, invariants, checkpoints, dstate, dinvariants):
    """The cotangents of a checkpointed loop's initial state, then its invariants' adjoints.

    `checkpoints` come from checkpointed_forward, and are used up: each stored state is let go
    of as soon as the steps after it are reversed. `step_vjp(seed, t, *state, *invariants)`
    returns the cotangents of the state's names in `dstate`, then of the invariants in
    `dinvariants`, given the seed of the step's outputs for those state names (one value or
    a tuple). `dstate` holds the cotangents of the final state, `dinvariants` the invariants'
    adjoints so far. step_vjp runs once per step, last step first.
    """
    single = len(checkpoints[0][1]) == 1
    dstate, dinvariants = tuple(dstate), list(dinvariants)
    many = len(dstate) + len(dinvariants) > 1
    end = len(steps)
    while end > 0:
        start, values, slots = checkpoints[-1]
        if start == end:
            checkpoints.pop()
        elif slots == 1 or end - start == 1:
            values = _steps(step, steps, values, invariants, start, end - 1, single)
            grads = step_vjp(dstate if len(dstate) > 1 else dstate[0], steps[end - 1], *values, *invariants)
            grads = grads if many else (grads,)
            for index in range(len(dinvariants)):
                dinvariants[index] = add_adjoints(dinvariants[index], grads[len(dstate) + index])
            dstate = tuple(grads[:len(dstate)])
            end -= 1
        else:
            split = _checkpoint_split(start, end, slots)
            checkpoints.append((split, _steps(step, steps, values, invariants, start, split, single), slots - 1))
    checkpoints.clear()
    return dstate + tuple(dinvariants)
