"""Binomial checkpointing of loops marked `adjoint.checkpointed` (Griewank's Revolve)."""
from __future__ import annotations

import array
import math

import numpy as np

from adjoint.runtime.adjoints import add_adjoints
from adjoint.runtime.refusals import Refused


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
    is refused with adjoint.UnsupportedSyntaxError. Steps that, run again from a stored state,
    reach another state than they did (a random draw) are refused when the derivative runs,
    where the backward pass runs them again before their own adjoint: not a step whose
    adjoint starts from the state stored right before it (every step, with as many snapshots
    as steps), which its vjp runs again unchecked.

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


def checkpointed_forward(step, steps, state, invariants, snapshots, printed=()):
    """Run `for t in steps: state = step(t, *state, *invariants)`, keeping the states the reversal
    restarts from first. Returns the final state's values followed by the checkpoints.

    `step` returns the new state: one value when the loop carries one name, else a tuple. The
    fingerprint of the state's values at the positions `printed` (those whose cotangents the
    step's vjp computes) after each step is kept too: the vjp, running the step again, must
    reach them again.
    """
    if isinstance(snapshots, bool) or not isinstance(snapshots, (int, np.integer)) or snapshots < 0:
        raise ValueError(f"adjoint.checkpointed: snapshots must be a non-negative integer, not {snapshots!r}")
    single = len(state) == 1
    prints = _StepPrints(tuple(printed))
    checkpoints = [(0, tuple(state), int(snapshots) + 1, prints)]
    end = len(steps)
    while True:
        start, values, slots = checkpoints[-1][:3]
        if slots == 1 or end - start <= 1:
            break
        split = _checkpoint_split(start, end, slots)
        checkpoints.append((split, _steps(step, steps, values, invariants, start, split, single, prints), slots - 1))
    final = _steps(step, steps, values, invariants, start, end, single, prints)
    return final + (checkpoints,)


class _StepPrints:
    """The fingerprint of the state each step of the primal sweep left (at the printed positions),
    in one float array: three numbers a part (weighted sum, sum of squares, size; NaN for another value),
    a step's parts from where the one before ended (a state may change its structure)."""

    def __init__(self, printed: tuple):
        self.printed, self.numbers, self.ends = printed, array.array("d"), array.array("q")

    def add(self, values: tuple) -> None:
        if not self.printed:
            return
        parts = _fingerprint(values[self.printed[0]] if len(self.printed) == 1 else [values[i] for i in self.printed])
        for part in parts:
            self.numbers.extend(part if part is not None else (math.nan,) * 3)
        self.ends.append(len(self.numbers))

    def of_step(self, position: int):
        """The fingerprint the step at `position` left (None where none is kept)."""
        if not self.printed:
            return None
        row = self.numbers[self.ends[position - 1] if position else 0:self.ends[position]]
        parts = [tuple(row[i:i + 3]) for i in range(0, len(row), 3)]
        return [None if math.isnan(part[2]) else part for part in parts]


def _steps(step, steps, values, invariants, start, stop, single, prints=None):
    """The state (a tuple) after steps [start, stop) from the state `values` (each step's
    fingerprint added to `prints`, in the primal sweep)."""
    for position in range(start, stop):
        values = step(steps[position], *values, *invariants)
        if single:
            values = (values,)
        if prints is not None:
            prints.add(values)
    return tuple(values)


def checkpointed_adjoint(step, step_vjp, steps, invariants, checkpoints, dstate, dinvariants):
    """The cotangents of a checkpointed loop's initial state, then its invariants' adjoints.

    `checkpoints` come from checkpointed_forward, and are used up: each stored state is let go
    of as soon as the steps after it are reversed. `step_vjp(seed, t, *state, *invariants)`
    returns the cotangents of the state's names in `dstate`, then of the invariants in
    `dinvariants`, given the seed of the step's outputs for those state names (one value or
    a tuple); given the fingerprint the step left in the primal sweep (`_recomputed_print`),
    it refuses a step that, run again, leaves another state (check_recomputed_step). `dstate`
    holds the cotangents of the final state, `dinvariants` the invariants' adjoints so far.
    step_vjp runs once per step, last step first.
    """
    single = len(checkpoints[0][1]) == 1
    prints = checkpoints[0][3]
    dstate, dinvariants = tuple(dstate), list(dinvariants)
    many = len(dstate) + len(dinvariants) > 1
    end = len(steps)
    while end > 0:
        start, values, slots = checkpoints[-1][:3]
        if start == end:
            checkpoints.pop()
        elif slots == 1 or end - start == 1:
            values = _steps(step, steps, values, invariants, start, end - 1, single)
            seed = dstate if len(dstate) > 1 else dstate[0]
            printed = prints.of_step(end - 1)
            if printed is None:
                grads = step_vjp(seed, steps[end - 1], *values, *invariants)
            else:  # (the keyword markers.RECOMPUTED)
                grads = step_vjp(seed, steps[end - 1], *values, *invariants, _recomputed_print=printed)
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


def check_recomputed_step(stored, value) -> None:
    """Refuse a loop whose step, run again by its vjp from the state the backward pass gives it,
    leaves another state than it did in the primal sweep (a random draw, a counter, anything a
    step reads besides its state and the loop's invariants): the adjoint would be that of other
    steps than the ones that ran."""
    if not _same_prints(_fingerprint(value), stored):
        raise Refused("adjoint.checkpointed: the steps of this loop, run again in the backward pass from a stored "
                      "state, reach another state than the primal sweep did: they depend on more than the loop's "
                      "state and the names they read (a random draw, a counter), and the gradient would be that "
                      "of other steps. Draw the random numbers before the loop (or do not checkpoint it)")


def with_fingerprint(value):
    """(value, its fingerprint): the value a function marked `adjoint.checkpoint` returned in the
    primal sweep, and what its vjp, running it again, must find again."""
    return value, _fingerprint(value)


def check_recomputed_value(stored, value) -> None:
    """Refuse the second run of a function marked `adjoint.checkpoint` that returned another value
    than the first (a random draw, a counter): its adjoint would be that of another run."""
    if not _same_prints(_fingerprint(value), stored):
        raise Refused("this function is marked adjoint.checkpoint, and its second run, in the backward pass, "
                      "returned another value than the first: it depends on more than its arguments (a random "
                      "draw, a counter), and its adjoint would be that of another run. Draw the random numbers "
                      "outside it and pass them in (or do not mark it)")


def _fingerprint(value) -> list:
    """(weighted sum, sum of squares, size) of each array and number in a state, None for other
    values. The weights differ from position to position (_weights): a step that permutes its state
    at random (`x[rng.permutation(n)]`), run again, reaches another weighted sum."""
    if type(value) is np.ndarray and value.dtype == np.float64 and value.ndim == 1:  # the common state, fast
        return [(float(value @ _weights(value.size)), float(value @ value), value.size)]
    if type(value) is tuple and len(value) == 1:
        return _fingerprint(value[0])
    if isinstance(value, (tuple, list)):
        return [part for item in value for part in _fingerprint(item)]
    if isinstance(value, dict):
        return [part for key in value for part in _fingerprint(value[key])]
    if isinstance(value, (np.ndarray, np.number, float, int)) and not isinstance(value, bool):
        array = np.asarray(value)
        if array.dtype.kind in "iuf":
            array = array.astype(float, copy=False).ravel()
            return [(float(np.dot(array, _weights(array.size))), float(np.dot(array, array)), array.size)]
    return [None]


def _weights(size: int) -> np.ndarray:
    """The weights of a fingerprint's sum, in [0.5, 1.5): 0.5 plus the fractional parts of the
    multiples of the golden ratio (no two positions alike, and no pattern a permutation keeps),
    kept on the function for the sizes it met (`adjoint gen` copies the function alone)."""
    kept = _weights.__dict__.setdefault("kept", {})
    weights = kept.get(size)
    if weights is None:
        weights = 0.5 + np.arange(1, size + 1) * 0.6180339887498949 % 1.0
        if len(kept) < 64:
            kept[size] = weights
    return weights


def _same_prints(recomputed: list, stored: list) -> bool:
    """Whether two states' fingerprints agree part by part, to rounding (and have as many parts)."""
    return len(recomputed) == len(stored) and all(_close(a, b) for a, b in zip(recomputed, stored))


def _close(recomputed, stored) -> bool:
    """Whether two fingerprints agree, to rounding."""
    if recomputed is None or stored is None:
        return recomputed is stored
    (total, squares, size), (stored_total, stored_squares, stored_size) = recomputed, stored
    scale = max(squares, stored_squares)
    return size == stored_size and _agree(squares, stored_squares, 1e-9 * scale) \
        and _agree(total, stored_total, 1e-9 * math.sqrt(size * scale))


def _agree(value, stored, tolerance) -> bool:
    """Equal, both NaN (a state holding NaN or infinity runs again to the same), or within tolerance."""
    return value == stored or (math.isnan(value) and math.isnan(stored)) or abs(value - stored) <= tolerance
