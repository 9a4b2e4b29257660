"""`python -m benchmarks.checkpoint [--quick]`: a checkpointed loop's gradient against the taped loop's.

The loop: 10,000 steps of x = x + 0.01 * np.tanh(A @ x) on a 100-element state with a
fixed 100x100 matrix A, and the gradient of sum(x ** 2) at the end with respect to the
initial state and A (`--wrt x`: the state alone); once with
`adjoint.checkpointed(range(n), snapshots=20)`, once as a plain loop (the derivative then
saves what each step overwrites). Reported: the peak memory (tracemalloc) of one gradient
call, and the median CPU time of `--repeat` calls.
Targets (issue 6): memory at most 5% of the taped loop's, time at most 3 times.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
import tracemalloc
from typing import Callable, Optional, Sequence

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy as np  # noqa: E402  (after the thread settings)

import adjoint  # noqa: E402

MEMORY_TARGET, TIME_TARGET = 0.05, 3.0


def dynamics_checkpointed(x, A, n, snapshots):
    for t in adjoint.checkpointed(range(n), snapshots=snapshots):
        x = x + 0.01 * np.tanh(A @ x)
    return np.sum(x * x)


def dynamics_taped(x, A, n, snapshots):
    for t in range(n):
        x = x + 0.01 * np.tanh(A @ x)
    return np.sum(x * x)


def peak_memory(call: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def median_time(call: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        call()
        times.append(time.process_time() - start)
    return statistics.median(times)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.checkpoint",
        description="Peak memory and time of a checkpointed loop's gradient against the taped loop's.",
        epilog="example: python -m benchmarks.checkpoint --steps 2000 --snapshots 10",
    )
    parser.add_argument("--steps", type=int, default=10_000, help="loop iterations (default 10000)")
    parser.add_argument("--size", type=int, default=100, help="elements of the state (default 100)")
    parser.add_argument("--snapshots", type=int, default=20, help="states checkpointing keeps (default 20)")
    parser.add_argument("--repeat", type=int, default=5, help="timed calls; the median is reported (default 5)")
    parser.add_argument("--wrt", choices=("x,A", "x"), default="x,A",
                        help="differentiate with respect to the initial state and the matrix (default), or the state")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 500 steps, 1 timed call")
    options = parser.parse_args(argv)
    steps, repeat = (500, 1) if options.quick else (options.steps, options.repeat)

    rng = np.random.default_rng(0)
    x = rng.normal(size=options.size)
    A = rng.normal(size=(options.size, options.size)) / np.sqrt(options.size)
    args = (x, A, steps, options.snapshots)
    wrt = (0, 1) if options.wrt == "x,A" else (0,)
    gradients = {
        "taped loop": adjoint.grad(dynamics_taped, wrt=wrt),
        "checkpointed": adjoint.grad(dynamics_checkpointed, wrt=wrt),
    }
    results = {name: gradient(*args) for name, gradient in gradients.items()}  # generates, outside the measurements
    memory = {name: peak_memory(lambda g=gradient: g(*args)) for name, gradient in gradients.items()}
    seconds = {name: median_time(lambda g=gradient: g(*args), repeat) for name, gradient in gradients.items()}

    taped, checkpointed = results["taped loop"], results["checkpointed"]
    agree = all(np.allclose(c, t, rtol=1e-10, atol=1e-12) for c, t in zip(checkpointed, taped))
    memory_ratio = memory["checkpointed"] / memory["taped loop"]
    time_ratio = seconds["checkpointed"] / seconds["taped loop"]
    print(f"gradient of a {steps}-step loop over a {options.size}-element state, "
          f"x = x + 0.01 * np.tanh(A @ x), with respect to {options.wrt}; {options.snapshots} snapshots")
    print(f"{'':16}{'peak memory':>14}{'time (CPU)':>14}")
    for name in gradients:
        print(f"{name:16}{memory[name] / 1e6:>11.2f} MB{seconds[name]:>12.3f} s")
    print(f"checkpointed / taped: memory {memory_ratio:.1%} (target <= {MEMORY_TARGET:.0%}), "
          f"time {time_ratio:.2f}x (target <= {TIME_TARGET:.0f}x)")
    print("gradients agree" if agree else "GRADIENTS DIFFER")
    return 0 if agree else 1


if __name__ == "__main__":
    raise SystemExit(main())
