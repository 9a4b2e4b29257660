"""How long adjoint takes to write a derivative, as functions grow and derivatives nest.

Each entry is generated in a fresh Python process with the disk cache off (`ADJOINT_CACHE=0`),
so rule templates are parsed and nothing is remembered from an earlier run. The time of an
entry is the CPU time of the first call of the derived function minus the time of the call
itself (measured right after, once the derivative is cached); the median over `repeat`
processes is reported.

The functions are synthetic but ordinary, written out as Python source by this module:

- scalar: arithmetic on floats with `math` calls, an `if` every ~18 lines and a short `for`
  loop every ~35 (`grad` with respect to all four arguments);
- numpy: a 4x8 state through matmuls, `np.tanh`, a broadcast bias, means and sums, with the
  same `if` and `for` rhythm (`grad` with respect to the weight matrix);
- nested: the helium trial energy of the benchmark cases, `grad` nested 1-4 times with respect
  to alpha; derivatives of tanh of orders 1-6, as nested scalar `grad` of `math.tanh` and
  elementwise (`grad` of `np.sum` of the previous derivative);
- wide: a 45-line scalar function with respect to all of its 13 arguments.

Per size the table gives the time per body line and the growth from the previous size: the
exponent (log of the time ratio over log of the size ratio: 1.0 is linear) for lines, the time
ratio for derivative orders.
"""
from __future__ import annotations

import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

SIZES = (10, 50, 100, 200, 400)
QUICK_SIZES = (10, 50)
HELIUM_ORDERS = (1, 2, 3, 4)
TANH_ORDERS = (1, 2, 3, 4, 5, 6)
QUICK_ORDERS = (1, 2)
WIDE_ARGUMENTS, WIDE_LINES = 13, 45
IF_EVERY, FOR_EVERY = 18, 35
GROUPS = ("scalar", "scalar-unoptimized", "numpy", "helium", "tanh-scalar", "tanh-elementwise", "wide")
TIMEOUT = 900  # seconds for one child process


# ----- synthetic functions, as source -----------------------------------------------------------

_SCALAR_STEPS = (
    "math.sin({a}) * math.cos({b})",
    "math.tanh({a} * {b} + 0.3)",
    "{a} / (1.0 + {b} * {b})",
    "math.exp(-{a} * {a}) * {b}",
    "0.5 * ({a} + {b})",
    "{a} * {b} * 0.5",
    "math.log(1.0 + {a} * {a}) - 0.25 * {b}",
)


class _Writer:
    """Body lines of one synthetic function: values stay bounded, and every value is read by a
    later one or returned, so the whole body is differentiated."""

    def __init__(self, seed: int, inputs: Sequence[str]):
        self.random = random.Random(seed)
        self.values = list(inputs)
        self.unread = list(inputs)
        self.lines: List[str] = []

    def pick(self) -> str:
        """The oldest value nobody has read yet, else one of the last few."""
        chosen = self.unread[0] if self.unread else self.random.choice(self.values[-6:])
        if chosen in self.unread:
            self.unread.remove(chosen)
        return chosen

    def made(self, value: str) -> None:
        self.values.append(value)
        self.unread.append(value)

    def returned(self) -> List[str]:
        """The values the function returns: the last one and every value still unread."""
        last = self.values[-1]
        return [v for v in self.unread if v != last] + [last]

    def fresh(self) -> str:
        return f"v{len(self.lines)}"

    def emit(self, line: str) -> None:
        self.lines.append("    " + line)

    def body(self, count: int, step: Callable[[], str], branch: Callable[[], None], loop: Callable[[], None]) -> None:
        while len(self.lines) < count - 1:
            position = len(self.lines)
            if position % FOR_EVERY == FOR_EVERY - 5 and count - position > 5:
                loop()
            elif position % IF_EVERY == IF_EVERY - 5 and count - position > 5:
                branch()
            else:
                target = self.fresh()
                self.emit(f"{target} = {step()}")
                self.made(target)


def scalar_source(lines: int, arguments: int = 4, name: str = "f") -> str:
    """A scalar function of `arguments` floats with `lines` body lines (the return included)."""
    inputs = [f"x{i}" for i in range(arguments)]
    writer = _Writer(lines * 1000 + arguments, inputs)

    def step() -> str:
        template = writer.random.choice(_SCALAR_STEPS)
        return template.format(a=writer.pick(), b=writer.pick())

    def branch() -> None:
        test, a, b, target = writer.pick(), writer.pick(), writer.pick(), writer.fresh()
        writer.emit(f"if {test} > 0.0:")
        writer.emit(f"    {target} = math.sin({a}) * {b}")
        writer.emit("else:")
        writer.emit(f"    {target} = {a} - 0.5 * math.tanh({b})")
        writer.made(target)

    def loop() -> None:
        a, b, target = writer.pick(), writer.pick(), writer.fresh()
        writer.emit(f"{target} = {a}")
        writer.emit("for i in range(3):")
        writer.emit(f"    {target} = math.sin({target}) * {b} + 0.1 * i")
        writer.made(target)

    writer.body(lines, step, branch, loop)
    writer.emit(f"return {' + '.join(writer.returned())}")
    header = f"def {name}({', '.join(inputs)}):"
    return "\n".join([header] + writer.lines) + "\n"


_NUMPY_STEPS = (
    "{a} @ W",
    "np.tanh({a} + b)",
    "{a} * {c}",
    "0.5 * ({a} + {c})",
    "{a} - np.mean({a}, axis=0)",
    "np.tanh({a} @ W + b)",
)


def numpy_source(lines: int, name: str = "f") -> str:
    """A function of W (8x8), b (8,) and X (4x8) with `lines` body lines, returning a float."""
    writer = _Writer(lines * 1000 + 7, ["X"])
    scalars = ["0.5"]

    def step() -> str:
        if writer.random.random() < 0.15:
            target = f"s{len(writer.lines)}"
            writer.emit(f"{target} = np.sum({writer.pick()} * {writer.pick()}) * 0.01")
            scalars.append(target)
            return f"{writer.pick()} * {target}"
        template = writer.random.choice(_NUMPY_STEPS)
        return template.format(a=writer.pick(), c=writer.pick())

    def branch() -> None:
        a, target = writer.pick(), writer.fresh()
        writer.emit(f"if {scalars[-1]} > 0.0:")
        writer.emit(f"    {target} = {a} * 0.5")
        writer.emit("else:")
        writer.emit(f"    {target} = np.tanh({a})")
        writer.made(target)

    def loop() -> None:
        a, target = writer.pick(), writer.fresh()
        writer.emit(f"{target} = {a}")
        writer.emit("for i in range(2):")
        writer.emit(f"    {target} = np.tanh({target} @ W + b)")
        writer.made(target)

    writer.emit("v0 = np.tanh(X @ W + b)")
    writer.made("v0")
    writer.body(lines, step, branch, loop)
    writer.emit("return " + " + ".join(f"np.sum({v} * {v})" for v in writer.returned()) + f" + {scalars[-1]}")
    return "\n".join([f"def {name}(W, b, X):"] + writer.lines) + "\n"


def nested_source(order: int) -> str:
    """tanh's derivatives of order 1..`order`: `t<k>` by nested scalar grad, `d<k>` elementwise."""
    lines = ["def tanh_scalar(x):", "    return math.tanh(x)", "", "", "t0 = tanh_scalar", "", "",
             "def e0(x):", "    return np.sum(np.tanh(x))", "", ""]
    for k in range(1, order + 1):
        lines += [f"t{k} = adjoint.grad(t{k - 1})", f"d{k} = adjoint.grad(e{k - 1})", "", "",
                  f"def e{k}(x):", f"    return np.sum(d{k}(x))", "", ""]
    return "\n".join(lines)


MODULE_HEADER = "import math\n\nimport numpy as np\n\nimport adjoint\n\n\n"


# ----- entries ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """One measured generation: `spec` is what the child process is told to build."""

    group: str
    label: str
    spec: str
    lines: Optional[int] = None


def entries(quick: bool) -> List[Entry]:
    sizes = QUICK_SIZES if quick else SIZES
    orders = QUICK_ORDERS if quick else HELIUM_ORDERS
    tanh_orders = QUICK_ORDERS if quick else TANH_ORDERS
    found = []
    for kind in ("scalar", "scalar-unoptimized", "numpy"):
        found += [Entry(kind, str(n), f"{kind}:{n}", n) for n in sizes]
    found += [Entry("helium", str(k), f"helium:{k}") for k in orders]
    found += [Entry("tanh-scalar", str(k), f"tanh-scalar:{k}") for k in tanh_orders]
    found += [Entry("tanh-elementwise", str(k), f"tanh-elementwise:{k}") for k in tanh_orders]
    found.append(Entry("wide", f"{WIDE_ARGUMENTS} arguments, {WIDE_LINES} lines", "wide", WIDE_LINES))
    return found


def _module(spec: str) -> Tuple[str, str, Callable[[object], Tuple[Callable, tuple]]]:
    """The module source for `spec`, and how to get (derived function, arguments) from the module."""
    import numpy as np
    import adjoint

    kind, _, number = spec.partition(":")
    if kind in ("scalar", "scalar-unoptimized"):
        lines = int(number)
        optimize = kind == "scalar"
        return (scalar_source(lines), kind,
                lambda m: (adjoint.grad(m.f, wrt=(0, 1, 2, 3), optimize=optimize), (0.3, -0.7, 1.1, 0.5)))
    if kind == "numpy":
        rng = np.random.default_rng(0)
        args = (rng.normal(size=(8, 8)) * 0.3, rng.normal(size=8) * 0.1, rng.normal(size=(4, 8)))
        return numpy_source(int(number)), kind, lambda m: (adjoint.grad(m.f), args)
    if kind == "wide":
        args = tuple(0.1 * (i + 1) * (-1) ** i for i in range(WIDE_ARGUMENTS))
        return (scalar_source(WIDE_LINES, WIDE_ARGUMENTS), kind,
                lambda m: (adjoint.grad(m.f, wrt=tuple(range(WIDE_ARGUMENTS))), args))
    order = int(number)
    if kind == "helium":
        from benchmarks.cases import energy
        derivative = energy
        for _ in range(order):
            derivative = adjoint.grad(derivative, wrt=6)
        return "", kind, lambda m: (derivative, (2.0, 3.0, 2.0, 5.0, 3.0, -3.0, 0.3))
    if kind == "tanh-scalar":
        return nested_source(order), kind, lambda m: (getattr(m, f"t{order}"), (0.4,))
    if kind == "tanh-elementwise":
        x = np.linspace(-1.0, 1.0, 16)
        return nested_source(order), kind, lambda m: (getattr(m, f"d{order}"), (x,))
    raise ValueError(f"unknown generation entry {spec!r}")


def measure_in_this_process(spec: str, clock: Callable[[], float] = time.process_time) -> float:
    """Seconds of the first call of the entry's derived function, less the call itself."""
    import importlib.util

    source, kind, derived = _module(spec)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"synthetic_{kind.replace('-', '_')}.py"
        path.write_text(MODULE_HEADER + source)
        loaded = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(loaded)
        loaded.loader.exec_module(module)
        function, args = derived(module)
        start = clock()
        function(*args)
        first = clock() - start
        calls = []
        for _ in range(5):
            start = clock()
            function(*args)
            calls.append(clock() - start)
    return max(first - statistics.median(calls), 0.0)


def measure_in_fresh_process(spec: str, clock_name: str) -> Union[float, str]:
    """The child's seconds, or the last line of its error output when the generation failed."""
    root = Path(__file__).resolve().parents[1]
    environment = dict(os.environ, ADJOINT_CACHE="0")
    command = [sys.executable, "-m", "benchmarks", "--clock", clock_name, "--generation-child", spec]
    try:
        output = subprocess.run(command, cwd=root, env=environment, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return f"no result after {TIMEOUT} s"
    if output.returncode != 0:
        errors = [line for line in output.stderr.splitlines() if "Error" in line.split(":")[0]]
        return errors[-1] if errors else f"exit status {output.returncode}"
    return float(output.stdout.split()[-1])


def _median(measurements: List[Union[float, str]]) -> Union[float, str]:
    failures = [m for m in measurements if isinstance(m, str)]
    return failures[0] if failures else statistics.median(measurements)


def print_child(spec: str, clock: Callable[[], float]) -> int:
    """Child process of measure_in_fresh_process: generate once and print the seconds."""
    print(measure_in_this_process(spec, clock))
    return 0


# ----- the table ----------------------------------------------------------------------------------

def _milliseconds(seconds: float) -> str:
    value = seconds * 1e3
    return f"{value:,.1f}" if value < 1000 else f"{value:,.0f}"


def _growth(previous: Optional[Tuple[float, float]], size: float, seconds: float, by_lines: bool) -> str:
    """Against the previous size: the exponent (1.0 linear) for lines, the time ratio for orders."""
    if previous is None or not previous[1] > 0 or not seconds > 0:
        return "-"
    if not by_lines:
        return f"x{seconds / previous[1]:.1f}"
    return f"{math.log(seconds / previous[1]) / math.log(size / previous[0]):.2f}"


def table(results: Dict[Entry, Union[float, str]]) -> str:
    rows = [("entry", "size", "ms", "ms/line", "growth")]
    previous: Dict[str, Tuple[float, float]] = {}
    failures = []
    for entry, seconds in results.items():
        if isinstance(seconds, str):
            failures.append(f"{entry.spec}: {seconds}")
            seconds = math.nan
        size = entry.lines or int(entry.label.split()[0])
        per_line = _milliseconds(seconds / entry.lines) if entry.lines else "-"
        growth = "-" if entry.group == "wide" else _growth(previous.get(entry.group), size, seconds, bool(entry.lines))
        previous[entry.group] = (size, seconds)
        name = {"helium": "helium energy, order", "tanh-scalar": "tanh, nested scalar grad, order",
                "tanh-elementwise": "tanh, elementwise, order", "wide": "wide scalar function",
                "scalar": "scalar, lines", "scalar-unoptimized": "scalar optimize=False, lines",
                "numpy": "numpy, lines"}[entry.group]
        rows.append((name, entry.label, _milliseconds(seconds), per_line, growth))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        lines.append("  ".join([row[0].ljust(widths[0])] + [cell.rjust(w) for cell, w in zip(row[1:], widths[1:])]))
        if number == 0:
            lines.append("-" * len(lines[0]))
    return "\n".join(lines + [f"failed: {failure}" for failure in failures])


TARGETS = (
    ("scalar:50", 0.05, "50-line scalar function <= 50 ms"),
    ("numpy:50", 0.05, "50-line NumPy function <= 50 ms"),
    ("scalar:400", 0.5, "400-line scalar function <= 500 ms"),
    ("numpy:400", 0.5, "400-line NumPy function <= 500 ms"),
    ("helium:4", 0.3, "helium energy, 4th derivative <= 300 ms"),
    ("tanh-scalar:6", 1.0, "tanh, 6th derivative (nested scalar grad) <= 1 s"),
    ("tanh-elementwise:6", 1.0, "tanh, 6th derivative (elementwise) <= 1 s"),
)


def targets(results: Dict[Entry, Union[float, str]]) -> List[str]:
    by_spec = {entry.spec: seconds for entry, seconds in results.items() if not isinstance(seconds, str)}
    lines = []
    for spec, limit, text in TARGETS:
        if spec in by_spec:
            met = by_spec[spec] <= limit
            lines.append(f"  [{'met ' if met else 'MISS'}] {text}: {_milliseconds(by_spec[spec])} ms")
    return lines


def run(quick: bool, repeat: Optional[int], clock_name: str, only: Optional[Sequence[str]] = None) -> int:
    repeat = repeat or (1 if quick else 3)
    chosen = [e for e in entries(quick) if only is None or e.group in only]
    print(f"adjoint generation benchmark: CPU time of the first call less the call, fresh process each, "
          f"median of {repeat}" + (" (quick)" if quick else ""))
    results: Dict[Entry, Union[float, str]] = {}
    for entry in chosen:
        results[entry] = _median([measure_in_fresh_process(entry.spec, clock_name) for _ in range(repeat)])
        shown = results[entry] if isinstance(results[entry], str) else f"{_milliseconds(results[entry])} ms"
        print(f"  {entry.spec}: {shown}", file=sys.stderr)
    print()
    print(table(results))
    print()
    print("Targets:")
    print("\n".join(targets(results)))
    return 0
