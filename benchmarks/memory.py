"""`python -m benchmarks --memory [--cases rnn-2000,mlp]`: peak memory of one gradient call.

For every benchmark case and a 2,000-step RNN, the peak of the memory one gradient call
allocates (tracemalloc, above what was allocated before the call) for the gradient written
by hand, adjoint (through `adjoint.grad`) and autograd where it is installed, and each as a
ratio to the hand-written gradient's. A hand-written reverse sweep keeps what its adjoint
reads (the RNN's states); the derivative adjoint writes should keep little more: the
target is at most 1.5 times the hand-written gradient's memory on the 2,000-step RNN.
torch and JAX allocate outside Python's allocator, where tracemalloc cannot see.
"""
from __future__ import annotations

import statistics
from typing import Dict, List, Optional, Sequence

import numpy as np

import adjoint
from benchmarks.cases import CASES, Case
from benchmarks.harness import _agrees, _as_tuple, _table, peak_memory
from benchmarks.peers import Autograd

HAND, ADJOINT, AUTOGRAD = "by hand", "adjoint", "autograd"
TARGET_CASE, TARGET_RATIO = "rnn-2000", 1.5
RUNS = 3  # tracemalloc's peak barely varies; the median of a few runs drops a stray collection


def long_rnn(Wx, Wh, xs, h):
    for t in range(len(xs)):
        h = np.tanh(xs[t] @ Wx + h @ Wh)
    return np.sum(h * h)


def long_rnn_gradient(Wx, Wh, xs, h):
    hs = [h]
    for t in range(len(xs)):
        h = np.tanh(xs[t] @ Wx + h @ Wh)
        hs.append(h)
    dWx, dWh = np.zeros_like(Wx), np.zeros_like(Wh)
    dh = 2.0 * h
    for t in reversed(range(len(xs))):
        da = dh * (1.0 - hs[t + 1] * hs[t + 1])
        dWx += np.outer(xs[t], da)
        dWh += np.outer(hs[t], da)
        dh = Wh @ da
    return dWx, dWh


def long_rnn_args(rng, steps=2000):
    return rng.normal(size=(8, 16)) * 0.3, rng.normal(size=(16, 16)) * 0.3, rng.normal(size=(steps, 8)), np.zeros(16)


LONG_RNN = Case(TARGET_CASE, "RNN 2,000 steps x 16 units, Wx Wh", long_rnn, long_rnn_gradient, long_rnn_args,
                wrt=(0, 1), jit=False)
MEMORY_CASES = CASES + (LONG_RNN,)


def measure(case: Case, autograd: Optional[Autograd]) -> Dict[str, int]:
    """Bytes at the peak of one call of each gradient (the median of RUNS calls)."""
    args = case.args()
    gradient = adjoint.grad(case.func, wrt=case.wrt if len(case.wrt) > 1 else case.wrt[0])
    calls = {HAND: lambda: case.hand_gradient(*args), ADJOINT: lambda: gradient(*args)}
    expected = _as_tuple(calls[HAND]())
    if not _agrees(_as_tuple(calls[ADJOINT]()), expected):  # the first call generates, outside the measure
        raise AssertionError(f"{case.name}: adjoint's gradient disagrees with the hand-written one")
    if autograd is not None and case.peers:
        call, convert = autograd.prepare(case, args)
        if not _agrees(convert(call()), expected):
            raise AssertionError(f"{case.name}: autograd's gradient disagrees with the hand-written one")
        calls[AUTOGRAD] = call
    return {label: int(statistics.median(peak_memory(call) for _ in range(RUNS))) for label, call in calls.items()}


def memory_table(results: Dict[str, Dict[str, int]]) -> str:
    header = ["case", f"{HAND} (KiB)", f"{ADJOINT} (KiB)", f"{AUTOGRAD} (KiB)", "adjoint/hand", "autograd/hand"]
    rows = []
    for name, peaks in results.items():
        hand = peaks[HAND]
        rows.append([name] + [_kibibytes(peaks.get(label)) for label in (HAND, ADJOINT, AUTOGRAD)]
                    + [_ratio(peaks.get(label), hand) for label in (ADJOINT, AUTOGRAD)])
    return _table("Peak memory of one gradient call (tracemalloc)", header, rows)


def _kibibytes(size: Optional[int]) -> str:
    return "-" if size is None else f"{size / 1024:,.0f}"


def _ratio(size: Optional[int], hand: int) -> str:
    return "-" if size is None or hand == 0 else f"{size / hand:.2f}x"


def target_line(results: Dict[str, Dict[str, int]]) -> str:
    peaks = results.get(TARGET_CASE)
    if peaks is None:
        return f"  [----] {TARGET_CASE}: not measured"
    ratio = peaks[ADJOINT] / peaks[HAND]
    met = "met " if ratio <= TARGET_RATIO else "MISS"
    return (f"  [{met}] {TARGET_CASE}: adjoint within {TARGET_RATIO}x of the hand-written gradient's memory: "
            f"{ratio:.2f}x")


def run(names: Optional[Sequence[str]] = None) -> int:
    """Measure the cases, print the table and the target; 1 when the target is missed."""
    cases: List[Case] = [c for c in MEMORY_CASES if names is None or c.name in names]
    autograd = Autograd()
    if autograd.missing:
        print(f"note: autograd skipped: {autograd.missing}")
    results = {case.name: measure(case, None if autograd.missing else autograd) for case in cases}
    print(memory_table(results))
    print()
    print("Target:")
    line = target_line(results)
    print(line)
    return 1 if "[MISS]" in line else 0
