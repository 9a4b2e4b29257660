"""`python -m benchmarks [--quick] [--cases energy,mlp] [--peers autograd,torch]`: see harness.py;
`python -m benchmarks --generation [--quick]`: see generation.py;
`python -m benchmarks --memory [--cases rnn-2000]`: see memory.py."""
from __future__ import annotations

import argparse
import os
import time
from typing import Optional, Sequence

if __name__ == "__main__":
    # One thread per library, set before NumPy, torch or JAX load: the benchmark compares the
    # work each one does, not how each spreads over cores that other processes may be using.
    for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_variable, "1")
    os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

from benchmarks import generation, harness, memory  # noqa: E402  (after the thread settings)
from benchmarks.cases import CASES  # noqa: E402


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time adjoint against hand-written gradients and other AD libraries, side by side.",
        epilog="example: python -m benchmarks --quick --cases energy,logistic",
    )
    parser.add_argument("--quick", action="store_true",
                        help="a fast smoke run: 3 short runs per entry, a 100-step long loop, no fresh-process timing")
    parser.add_argument("--repeat", type=int, help="runs per entry; the median is reported (default 15, quick 3)")
    parser.add_argument("--budget", type=float, help="seconds per run (default 0.01, quick 0.002)")
    parser.add_argument("--cases", help=f"comma-separated subset of: {', '.join(c.name for c in CASES)}")
    parser.add_argument("--peers", help="comma-separated subset of: autograd, torch, jax, jax-jit, numba; 'none' for none")
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                        help="time.process_time (default: other processes do not count) or time.perf_counter")
    parser.add_argument("--generation", action="store_true",
                        help="time generation instead: synthetic functions of 10-400 lines and nested derivatives")
    parser.add_argument("--memory", action="store_true",
                        help="peak memory of one gradient call instead, as ratios to the hand-written gradient's")
    parser.add_argument("--groups", help="with --generation, a comma-separated subset of: "
                        + ", ".join(generation.GROUPS))
    parser.add_argument("--first-generation", metavar="CASE", help=argparse.SUPPRESS)
    parser.add_argument("--numba-first-call", metavar="CASE", help=argparse.SUPPRESS)
    parser.add_argument("--numba-cold", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--generation-child", metavar="ENTRY", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    clock = time.process_time if options.clock == "cpu" else time.perf_counter
    if options.numba_first_call:
        return harness.print_numba_first_call(options.numba_first_call, clock, options.numba_cold)
    if options.first_generation:
        return harness.print_first_generation(options.first_generation, clock)
    if options.generation_child:
        return generation.print_child(options.generation_child, clock)
    if options.generation:
        groups = None if options.groups is None else options.groups.split(",")
        unknown = set(groups or ()) - set(generation.GROUPS)
        if unknown:
            parser.error(f"unknown group(s): {', '.join(sorted(unknown))}")
        return generation.run(options.quick, options.repeat, options.clock, groups)
    if options.memory:
        names = None if options.cases is None else options.cases.split(",")
        unknown = set(names or ()) - {c.name for c in memory.MEMORY_CASES}
        if unknown:
            parser.error(f"unknown case(s): {', '.join(sorted(unknown))}")
        return memory.run(names)
    settings = harness.Settings(
        repeat=options.repeat or (3 if options.quick else 15),
        budget=options.budget if options.budget is not None else (0.002 if options.quick else 0.01),
        quick=options.quick,
        fresh_process=not options.quick,
        peers=None if options.peers is None else [p for p in options.peers.split(",") if p != "none"],
        clock=clock,
    )
    names = None if options.cases is None else options.cases.split(",")
    unknown = set(names or ()) - {c.name for c in CASES}
    if unknown:
        parser.error(f"unknown case(s): {', '.join(sorted(unknown))}")
    return harness.run(settings, names)


if __name__ == "__main__":
    raise SystemExit(main())
