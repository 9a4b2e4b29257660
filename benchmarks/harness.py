"""Times every case side by side, checks every gradient against the hand-written one, prints tables.

For each case: the function, the hand-written gradient, adjoint through `adjoint.grad`
and the generated function called directly, and each installed peer. Each timing is the
median of `repeat` runs taken in turns (so a slow moment of the machine hits every
entry alike), each run calling `number` times with `number` grown as timeit's autorange
does until a run takes `budget` seconds. The clock is the process's CPU time by default,
so that other processes on a busy machine do not count (`--clock wall` for wall time).
Then generation times, the cost of a cached call and peak memory (tracemalloc) of one
gradient call.
"""
from __future__ import annotations

import contextlib
import gc
import importlib.metadata
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
import tracemalloc
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

import adjoint
from adjoint.analysis.kinds import kind_of_value
from adjoint.api import _GENERATED, derivative_of, parameter_names
from adjoint.options import Options
from benchmarks.cases import CASES, Case
from benchmarks.peers import Peer, available_peers

FUNCTION, HAND, ADJOINT, GENERATED = "function", "by hand", "adjoint", "generated"
NOT_TRACED = ("torch", "jax", "jax-jit", "numba")  # their allocators are invisible to tracemalloc
UNJITTED_PEERS = ("autograd", "torch", "jax")
RTOL, ATOL = 1e-6, 1e-9
SLOW_CALL = 0.5  # seconds: entries this slow are timed in 3 runs, not `repeat`


@dataclass
class Settings:
    repeat: int = 15
    budget: float = 0.01
    quick: bool = False
    fresh_process: bool = True
    peers: Optional[Sequence[str]] = None  # None: every installed peer
    clock: Callable[[], float] = time.process_time


@dataclass
class Result:
    case: Case
    times: Dict[str, float] = field(default_factory=dict)
    skipped: Dict[str, str] = field(default_factory=dict)
    memory: Dict[str, int] = field(default_factory=dict)
    mismatches: List[str] = field(default_factory=list)
    first_generation: Optional[float] = None
    generation: float = 0.0
    overhead: Optional[float] = None
    jit_compile: Optional[float] = None
    numba_compile: Optional[float] = None  # first call in a fresh process with empty caches
    numba_cached: Optional[float] = None  # first call in a later process with numba set up: numba's disk cache
    numba_cold: Optional[float] = None  # the same in a later process that has not imported numba


# ----- timing -------------------------------------------------------------------------------

def _number_for(call: Callable, budget: float, clock: Callable[[], float]) -> int:
    """Calls per run, grown 1, 2, 5, 10, 20, ... until a run takes `budget` (timeit's autorange)."""
    number = 1
    while True:
        for factor in (1, 2, 5):
            if timeit.Timer(call, timer=clock).timeit(number * factor) >= budget:
                return number * factor
        number *= 10


def time_side_by_side(calls: Dict[str, Callable], settings: Settings) -> Dict[str, float]:
    """Median seconds per call of each entry, runs taken in turns after a warm-up call each."""
    numbers, runs = {}, {}
    for label, call in calls.items():
        start = time.perf_counter()
        call()
        slow = time.perf_counter() - start > SLOW_CALL
        numbers[label] = 1 if slow else _number_for(call, settings.budget, settings.clock)
        runs[label] = min(settings.repeat, 3) if slow else settings.repeat
    samples: Dict[str, List[float]] = {label: [] for label in calls}
    for run in range(settings.repeat):
        for label, call in calls.items():
            if run < runs[label]:
                samples[label].append(timeit.Timer(call, timer=settings.clock).timeit(numbers[label]) / numbers[label])
    return {label: statistics.median(values) for label, values in samples.items()}


def call_overhead(wrapper: Callable, direct: Callable, settings: Settings) -> float:
    """Median extra seconds of a call through the public wrapper over the generated function."""
    number = _number_for(direct, 0.005, settings.clock)
    differences = []
    for _ in range(max(settings.repeat, 5) * 3):
        through = timeit.Timer(wrapper, timer=settings.clock).timeit(number)
        plain = timeit.Timer(direct, timer=settings.clock).timeit(number)
        differences.append((through - plain) / number)
    return statistics.median(differences)


def peak_memory(call: Callable) -> int:
    """Bytes allocated at the peak of one call, above what was allocated before it."""
    gc.collect()
    tracing = tracemalloc.is_tracing()  # someone else's tracing (python -X tracemalloc) stays on
    if not tracing:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        call()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        if not tracing:
            tracemalloc.stop()


# ----- generation --------------------------------------------------------------------------

def options_for(case: Case, args: tuple) -> Options:
    """The Options under which `adjoint.grad(case.func, wrt=...)` generates for these arguments
    (the kinds sorted by parameter name, as adjoint.grad asks)."""
    names = parameter_names(case.func)
    kinds = tuple(sorted((name, kind_of_value(value)) for name, value in zip(names, args)))
    return Options("reverse", tuple(names[i] for i in case.wrt), True, kinds)


def regeneration_seconds(case: Case, args: tuple, settings: Settings) -> float:
    """Median time to generate the derivative again with the in-memory cache cleared."""
    options = options_for(case, args)
    times = []
    for _ in range(3 if settings.quick else 7):
        _GENERATED.get(case.func, {}).clear()
        start = settings.clock()
        derivative_of(case.func, options)
        times.append(settings.clock() - start)
    return statistics.median(times)


def first_generation_seconds(case: Case, settings: Settings) -> float:
    """Time of the first generation in a fresh process (rule templates not yet parsed)."""
    root = Path(__file__).resolve().parents[1]
    environment = dict(os.environ, ADJOINT_CACHE="0")
    clock = "cpu" if settings.clock is time.process_time else "wall"
    command = [sys.executable, "-m", "benchmarks", "--clock", clock, "--first-generation", case.name]
    output = subprocess.run(command, cwd=root, env=environment, capture_output=True, text=True, check=True)
    return float(output.stdout.split()[-1])


def numba_first_calls(case: Case, settings: Settings, later: int = 3) -> Tuple[float, float, float]:
    """Seconds (of the settings' clock) of the first `grad(f, backend="numba")(*args)` call in a
    fresh process with empty caches (generation and compilation), then in later processes (loaded
    from the caches: the median of `later` processes) that imported numba and set it up, then in
    later processes that did not import numba (the call imports it and sets it up)."""
    root = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as scratch:
        environment = dict(os.environ, ADJOINT_CACHE_DIR=os.path.join(scratch, "adjoint"),
                           NUMBA_CACHE_DIR=os.path.join(scratch, "numba"),
                           PYTHONPYCACHEPREFIX=os.path.join(scratch, "bytecode"))
        environment.pop("ADJOINT_CACHE", None)
        environment.pop("PYTHONDONTWRITEBYTECODE", None)  # later processes read bytecode, as installed code does
        clock = "cpu" if settings.clock is time.process_time else "wall"
        command = [sys.executable, "-m", "benchmarks", "--clock", clock, "--numba-first-call", case.name]

        def first_call(*flags: str) -> float:
            done = subprocess.run(command + list(flags), cwd=root, env=environment, capture_output=True, text=True,
                                  check=True)
            return float(done.stdout.split()[-1])

        seconds = [first_call() for _ in range(1 + later)]
        cold = [first_call("--numba-cold") for _ in range(later)]
        return seconds[0], statistics.median(seconds[1:]), statistics.median(cold)


def print_numba_first_call(name: str, clock: Callable[[], float], cold: bool = False) -> int:
    """Child process of numba_first_calls: adjoint imported and, unless `cold`, numba imported
    and its compiler set up (by compiling a trivial function: a fixed cost of numba's, once per
    process, whatever it compiles or loads afterwards), time the first call."""
    if not cold:
        import numba

        numba.njit(lambda x: x + 1)(1)
    case = next(c for c in CASES if c.name == name)
    args = case.args()
    gradient = adjoint.grad(case.func, wrt=case.wrt if len(case.wrt) > 1 else case.wrt[0], backend="numba")
    start = clock()
    gradient(*args)
    print(clock() - start)
    return 0


def print_first_generation(name: str, clock: Callable[[], float]) -> int:
    """Child process of first_generation_seconds: generate once and print the seconds."""
    case = next(c for c in CASES if c.name == name)
    options = options_for(case, case.args())
    start = clock()
    derivative_of(case.func, options)
    print(clock() - start)
    return 0


@contextlib.contextmanager
def no_disk_cache():
    """Generation times measure generation, not a read of a disk cache entry."""
    saved = os.environ.get("ADJOINT_CACHE")
    os.environ["ADJOINT_CACHE"] = "0"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("ADJOINT_CACHE", None)
        else:
            os.environ["ADJOINT_CACHE"] = saved


# ----- one case ----------------------------------------------------------------------------

def _as_tuple(gradients) -> tuple:
    return tuple(gradients) if isinstance(gradients, (tuple, list)) else (gradients,)


def _agrees(gradients: tuple, expected: tuple) -> bool:
    if len(gradients) != len(expected):
        return False
    for got, want in zip(gradients, expected):
        scale = max(1.0, float(np.max(np.abs(want))))
        if np.shape(got) != np.shape(want) or not np.allclose(got, want, rtol=RTOL, atol=ATOL * scale):
            return False
    return True


def gradient_calls(case: Case, args: tuple, peers: List[Peer], result: Result):
    """The timed callables, and for each gradient a function giving its result as a tuple."""
    wrt = case.wrt if len(case.wrt) > 1 else case.wrt[0]
    public = adjoint.grad(case.func, wrt=wrt)
    public(*args)
    generated_before = len(_GENERATED.get(case.func, {}))
    generated = derivative_of(case.func, options_for(case, args)).function
    if len(_GENERATED.get(case.func, {})) != generated_before:  # not what adjoint.grad runs
        raise RuntimeError(f"{case.name}: adjoint.grad generated under other options than {options_for(case, args)}")
    calls = {FUNCTION: partial(case.func, *args), HAND: partial(case.hand_gradient, *args),
             ADJOINT: partial(public, *args), GENERATED: partial(generated, *args)}
    converters = {label: _as_tuple for label in (HAND, ADJOINT, GENERATED)}
    for peer in peers:
        reason = peer.supports(case) or (None if case.peers else "the function calls SciPy")
        if reason:
            result.skipped[peer.name] = reason
            continue
        calls[peer.name], converters[peer.name] = peer.prepare(case, args)
        result.jit_compile = getattr(peer, "compile_seconds", {}).get(case.name, result.jit_compile)
        result.numba_compile = getattr(peer, "first_call_seconds", {}).get(case.name, result.numba_compile)
    return calls, converters


def check_gradients(calls, converters, result: Result) -> None:
    expected = _as_tuple(calls[HAND]())
    for label, convert in converters.items():
        if label != HAND and not _agrees(convert(calls[label]()), expected):
            result.mismatches.append(label)


def run_case(case: Case, peers: List[Peer], settings: Settings) -> Result:
    result = Result(case)
    args = case.args(settings.quick)
    calls, converters = gradient_calls(case, args, peers, result)
    check_gradients(calls, converters, result)
    result.times = time_side_by_side(calls, settings)
    for label, call in calls.items():
        if label not in NOT_TRACED:
            result.memory[label] = peak_memory(call)
    if result.times[GENERATED] < 10e-6:  # on slower calls the difference drowns in their noise
        result.overhead = call_overhead(calls[ADJOINT], calls[GENERATED], settings)
    result.generation = regeneration_seconds(case, args, settings)
    if settings.fresh_process:
        result.first_generation = first_generation_seconds(case, settings)
        if "numba" in calls:
            result.numba_compile, result.numba_cached, result.numba_cold = numba_first_calls(case, settings)
    return result


# ----- tables ------------------------------------------------------------------------------

def _microseconds(seconds: Optional[float]) -> str:
    if seconds is None:
        return "-"
    value = seconds * 1e6
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 1000 else f"{value:,.0f}"


def _ratio(numerator: Optional[float], denominator: Optional[float]) -> str:
    if numerator is None or denominator is None:
        return "-"
    value = numerator / denominator
    return f"{value:.2f}" if value < 100 else f"{value:,.0f}"


def _table(title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(cells):
        first = str(cells[0]).ljust(widths[0])
        return "  ".join([first] + [str(c).rjust(w) for c, w in zip(cells[1:], widths[1:])])

    rule = "-" * len(line(header))
    return "\n".join([title, line(header), rule] + [line(row) for row in rows])


def time_table(results: List[Result], labels: List[str]) -> str:
    rows = [[r.case.name] + [_microseconds(r.times.get(label)) for label in labels] for r in results]
    return _table("Time per call (microseconds, median)", ["case"] + labels, rows)


def ratio_table(results: List[Result], peer_labels: List[str]) -> str:
    header = ["case", "hand/f", "adjoint/f", "adjoint/hand", "generated/hand"] + [f"{p}/adjoint" for p in peer_labels]
    rows = []
    for r in results:
        t = r.times
        rows.append([r.case.name, _ratio(t[HAND], t[FUNCTION]), _ratio(t[ADJOINT], t[FUNCTION]),
                     _ratio(t[ADJOINT], t[HAND]), _ratio(t[GENERATED], t[HAND])]
                    + [_ratio(t.get(p), t[ADJOINT]) for p in peer_labels])
    return _table("Ratios (gradient/forward, adjoint/hand-written, peer/adjoint)", header, rows)


def generation_table(results: List[Result], tiny_overhead: float) -> str:
    header = ["case", "first generation, fresh process (ms)", "again, cache cleared (ms)",
              "jax-jit compile (ms)", "numba first compile (ms)", "numba cached load (ms)*",
              "the same, numba not imported (ms)**", "cached-call overhead (us)", "adjoint.grad/generated"]
    rows = [[r.case.name, _milliseconds(r.first_generation), _milliseconds(r.generation),
             _milliseconds(r.jit_compile), _milliseconds(r.numba_compile), _milliseconds(r.numba_cached),
             _milliseconds(r.numba_cold), _microseconds(r.overhead), _ratio(r.times[ADJOINT], r.times[GENERATED])]
            for r in results]
    rows.append(["f(x) = x * x", "-", "-", "-", "-", "-", "-", _microseconds(tiny_overhead), "-"])
    return _table("Generation and call path", header, rows)


def _milliseconds(seconds: Optional[float]) -> str:
    return "-" if seconds is None else f"{seconds * 1e3:.1f}"


def memory_table(results: List[Result], labels: List[str]) -> str:
    rows = [[r.case.name] + [_kibibytes(r.memory.get(label), label, r) for label in labels] for r in results]
    return _table("Peak memory of one call (KiB, tracemalloc)", ["case"] + labels, rows)


def _kibibytes(size: Optional[int], label: str, result: Result) -> str:
    if label in NOT_TRACED:
        return "n/a" if label in result.times else "-"
    return "-" if size is None else f"{size / 1024:,.0f}"


# ----- the run -----------------------------------------------------------------------------

def _tiny(x):
    return x * x


def tiny_overhead(settings: Settings) -> float:
    """The call-path cost on a function that does almost nothing: one float argument."""
    public = adjoint.grad(_tiny)
    public(3.0)
    tiny = Case("tiny", "", _tiny, _tiny, lambda rng: (3.0,), (0,))
    direct = derivative_of(_tiny, options_for(tiny, (3.0,))).function
    return call_overhead(partial(public, 3.0), partial(direct, 3.0), settings)


def environment_line(peers: List[Peer]) -> str:
    versions = [f"Python {platform.python_version()}", f"NumPy {np.__version__}"]
    for module in dict.fromkeys(peer.module for peer in peers if peer.missing is None):  # jax and jax-jit: once
        versions.append(f"{module} {_version(module)}")
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs ({_cpu_model()}); " + ", ".join(versions)


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            return next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "(version unknown)"


def summary(results: List[Result], tiny: float) -> List[str]:
    lines = []
    for label, how in ((ADJOINT, "through adjoint.grad"), (GENERATED, "the generated function")):
        worst = max(results, key=lambda r: r.times[label] / r.times[HAND])
        ratio = worst.times[label] / worst.times[HAND]
        lines.append(_target(f"within 1.3x of the hand-written gradient, {how}", ratio <= 1.3,
                             f"worst {ratio:.2f}x on {worst.case.name}"))
    for peer in UNJITTED_PEERS:
        ratios = [(r.times[peer] / r.times[ADJOINT], r.case.name) for r in results if peer in r.times]
        if ratios:
            lowest = min(ratios)
            lines.append(_target(f"faster than {peer}", lowest[0] > 1, f"closest {lowest[0]:.1f}x on {lowest[1]}"))
        else:
            lines.append(f"  [----] faster than {peer}: not measured")
    lines += numba_summary(results)
    slowest = max(results, key=lambda r: r.first_generation or r.generation)
    seconds = slowest.first_generation or slowest.generation
    lines.append(_target("generation <= 50 ms", seconds <= 0.05,
                         f"slowest {seconds * 1e3:.1f} ms on {slowest.case.name}"))
    overheads = [r.overhead for r in results if r.overhead is not None] + [tiny]
    lines.append(_target("a cached call adds < 1 us", max(overheads) < 1e-6, f"largest {max(overheads) * 1e6:.2f} us"))
    lines.append(_target("a cached call adds <= 0.15 us", max(overheads) <= 0.15e-6,
                         f"largest {max(overheads) * 1e6:.2f} us"))
    return lines


def numba_summary(results: List[Result]) -> List[str]:
    """The numba backend against the hand-written gradient and jax.jit, and its cached load."""
    compiled = [r for r in results if "numba" in r.times]
    if not compiled:
        return ["  [----] numba backend: not measured"]
    ratios = ", ".join(f"{r.case.name} {r.times['numba'] / r.times[HAND]:.2f}x" for r in compiled)
    lines = [f"  [info] numba backend / hand-written: {ratios}"]
    against_jit = [(r.times["jax-jit"] / r.times["numba"], r.case.name) for r in compiled if "jax-jit" in r.times]
    if against_jit:
        lowest = min(against_jit)
        lines.append(_target("numba faster than jax-jit", lowest[0] > 1, f"closest {lowest[0]:.2f}x on {lowest[1]}"))
    else:
        lines.append("  [----] numba faster than jax-jit: jax-jit not measured")
    loads = [(r.numba_cached, r.case.name) for r in compiled if r.numba_cached is not None]
    if loads:
        slowest = max(loads)
        lines.append(_target("a later process loads a numba derivative in <= 30 ms", slowest[0] <= 0.03,
                             f"slowest {slowest[0] * 1e3:.1f} ms on {slowest[1]} (numba set up*)"))
    cold = [(r.numba_cold, r.case.name) for r in compiled if r.numba_cold is not None]
    if cold:
        slowest = max(cold)
        lines.append(f"  [info] the same first call importing numba and setting it up: slowest "
                     f"{slowest[0] * 1e3:.0f} ms on {slowest[1]}**")
    return lines


def _target(text: str, met: bool, detail: str) -> str:
    return f"  [{'met ' if met else 'MISS'}] {text}: {detail}"


def run(settings: Settings, names: Optional[Sequence[str]] = None) -> int:
    """Measure the cases, print the tables; 1 when a gradient disagrees with the hand-written one."""
    cases = [c for c in CASES if names is None or c.name in names]
    peers = [p for p in available_peers() if settings.peers is None or p.name in settings.peers]
    print_header(settings, peers)
    results = []
    with no_disk_cache():
        for case in cases:
            results.append(run_case(case, peers, settings))
            print(f"  {case.name}: {case.title} ... done", file=sys.stderr)
        tiny = tiny_overhead(settings)
    print_tables(results, peers, tiny)
    mismatches = [f"{label} on {r.case.name}" for r in results for label in r.mismatches]
    if mismatches:
        print(f"\n!!! GRADIENT MISMATCH against the hand-written gradient: {', '.join(mismatches)}")
        return 1
    print(f"\nGradients: every one agrees with the hand-written gradient (rtol {RTOL:g}).")
    return 0


def print_header(settings: Settings, peers: List[Peer]) -> None:
    print(f"adjoint benchmark: {environment_line(peers)}")
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    clock = "CPU time" if settings.clock is time.process_time else "wall time"
    print(f"median of {settings.repeat} runs of >= {settings.budget * 1e3:g} ms {clock} each, BLAS threads: {threads}"
          + (" (quick)" if settings.quick else ""))
    for peer in peers:
        if peer.missing:
            print(f"note: {peer.name} skipped: {peer.missing}")


def print_tables(results: List[Result], peers: List[Peer], tiny: float) -> None:
    peer_labels = [p.name for p in peers if any(p.name in r.times for r in results)]
    for table in (time_table(results, [FUNCTION, HAND, ADJOINT, GENERATED] + peer_labels),
                  ratio_table(results, peer_labels), generation_table(results, tiny),
                  memory_table(results, [FUNCTION, HAND, ADJOINT] + peer_labels)):
        print()
        print(table)
    for r in results:
        for label, reason in r.skipped.items():
            if reason != next((p.missing for p in peers if p.name == label), None):
                print(f"note: {label} on {r.case.name}: {reason}")
    if "numba" in peer_labels:
        print("* the first call adjoint.grad(f, backend=\"numba\")(*args) (adjoint's lookup of its disk cache, then "
              "numba's load of the machine code) in a later process that imported adjoint and numba and set numba up "
              "(numba's own set-up, 0.1-1 s, comes once per process, whatever it compiles or loads); the median of "
              "three processes, on the clock of the other timings\n"
              "** the same first call in a later process that imported adjoint but not numba: it imports numba and "
              "sets it up")
    if any(label in NOT_TRACED for label in peer_labels):
        print("note: torch, jax and numba allocate outside Python's allocator; tracemalloc cannot see their memory")
    print()
    print("Targets:")
    print("\n".join(summary(results, tiny)))
