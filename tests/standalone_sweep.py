"""`adjoint gen` over a file of programs: every top-level function its test tables differentiate,
written in each mode, run in one process that cannot import adjoint, compared with adjoint's own
derivative in this process (test_standalone_programs.py)."""
from __future__ import annotations

import contextlib
import copy
import dataclasses
import inspect
import io
import os
import pickle
import subprocess
import sys
import types
import warnings
from pathlib import Path
from typing import Dict, List, NamedTuple, Tuple

import numpy as np

import adjoint
from adjoint.cli import main as command_line
from soundness import flat, with_flat

MODES = {"reverse": "grad", "value_and_grad": "value_and_grad", "vjp": "vjp", "forward": "jvp"}
TABLES = {  # a file of programs: the test module whose tables give the arguments
    "probe30_programs": "test_probe30_models", "probe34_programs": "test_probe34_programs",
    "probe35_programs": "test_probe35_programs", "probe36_programs": "test_probe36_programs",
    "probe37_programs": "test_probe37_programs", "probe38_programs": "test_probe38_programs",
    "probe39_programs": "test_probe39_programs", "probe40_programs": "test_probe40_programs",
    "second37_programs": "test_second37_programs", "surface37_programs": "test_surface37",
    "compose36_programs": "test_compose36_programs", "forward38_programs": "test_forward38_programs",
    "record_chains_programs": "test_record_chains", "container_programs": "test_containers",
    "scientific_programs": "test_scientific_programs", "function_programs": "test_function_programs",
    "scipy_programs": "soundness_scipy",
}


class Case(NamedTuple):
    """One function of a program file, the arguments a test calls it with and the positions it
    differentiates."""

    name: str
    args: tuple
    positions: Tuple[int, ...]


def cases_from_tables(programs: types.ModuleType, tests: types.ModuleType) -> List[Case]:
    """The (function, arguments, positions) rows of the test module's tables that name a top-level
    function of `programs`: a row names it (or is it), then holds its arguments (a tuple, or a
    function of an rng making them), then the positions (a number or a tuple of numbers; the first
    parameter where the row has none). A dict's items are rows (name, *value)."""
    found: Dict[Tuple[str, Tuple[int, ...]], Case] = {}
    for table in list(vars(tests).values()):
        if isinstance(table, dict):
            rows = [(key, *value) if isinstance(value, tuple) else (key, value) for key, value in table.items()]
        else:
            rows = table if isinstance(table, list) else ()
        for row in rows:
            row = getattr(row, "values", row)  # a pytest.param
            if dataclasses.is_dataclass(row) and hasattr(row, "make_args"):  # soundness.Exact
                row = (row.fn, row.make_args, row.wrt)
            case = _case_of_row(programs, row)
            if case is not None:
                found.setdefault((case.name, case.positions), case)
    return list(found.values())


def _case_of_row(programs, row):
    if not isinstance(row, tuple):
        return None
    for index, item in enumerate(row):
        name = _top_level_name(programs, item)
        if name is not None:
            break
    else:
        return None
    args = positions = None
    for item in row[index + 1:]:
        if args is None and isinstance(item, tuple):
            args = item
        elif args is None and _makes_args(programs, item):
            args = item(np.random.default_rng(7))
        elif args is not None and positions is None:
            if isinstance(item, int) and not isinstance(item, bool):
                positions = (item,)
            elif isinstance(item, tuple) and item and all(isinstance(p, int) for p in item):
                positions = item
            else:
                break
    if args is None or not isinstance(args, tuple):
        return None
    return Case(name, args, positions or (0,))


def _makes_args(programs, item) -> bool:
    """Whether item is a function of an rng making the arguments (not a function to differentiate)."""
    if not inspect.isfunction(item) or _top_level_name(programs, item) is not None:
        return False
    return len(inspect.signature(item).parameters) == 1


def _top_level_name(programs, item):
    if isinstance(item, str) and inspect.isfunction(getattr(programs, item, None)):
        func = getattr(programs, item)
    elif inspect.isfunction(item):
        func = item
    else:
        return None
    name = func.__name__
    if getattr(programs, name, None) is not func or func.__qualname__ != name or func.__module__ != programs.__name__:
        return None
    return name


# ----- in this process --------------------------------------------------------------------

def cotangent_like(value):
    """A cotangent of value's structure with leaves that are not all ones."""
    size = flat(value).size
    return with_flat(value, np.linspace(0.5, 1.5, size) if size > 1 else np.array([0.7]))


def tangents_like(args, positions):
    return tuple(with_flat(args[p], np.linspace(-0.8, 1.3, flat(args[p]).size) if flat(args[p]).size > 1
                           else np.array([0.6])) for p in positions)


def in_process(func, args, positions, mode):
    """What adjoint's own derivative gives, as the written module is called."""
    wrt = positions if len(positions) > 1 else positions[0]
    args = copy.deepcopy(args)
    if mode == "reverse":
        return adjoint.grad(func, wrt=wrt)(*args)
    if mode == "value_and_grad":
        return adjoint.value_and_grad(func, wrt=wrt)(*args)
    if mode == "vjp":
        value, pullback = adjoint.vjp(func, wrt=wrt)(*args)
        return pullback(cotangent_like(value))
    return adjoint.jvp(func, wrt=wrt)(*args, *tangents_like(args, positions))


# ----- the written modules, run without adjoint ------------------------------------------------

RUNNER = '''
import importlib, inspect, pickle, sys, traceback
from soundness import flat  # the tests' folder is importable, adjoint is not

jobs = pickle.load(open(sys.argv[1], "rb"))
results = {}
for key, module_name, prefix, call in jobs:
    try:
        module = importlib.import_module(module_name)
        function = getattr(module, prefix)
        args, extra = pickle.loads(call)
        if prefix.startswith("vjp_"):
            got = function(extra, *args)
        elif prefix.startswith("jvp_"):
            keywords = [p.name for p in inspect.signature(function).parameters.values() if p.kind == p.KEYWORD_ONLY]
            got = function(*args, **dict(zip(keywords[len(keywords) - len(extra):], extra)))
        else:
            got = function(*args)
        results[key] = ("ok", flat(got).astype(float).tolist(), type(got).__name__)
    except BaseException as error:
        refused = any(cls.__name__ == "Refused" for cls in type(error).__mro__)  # adjoint.runtime's, copied
        results[key] = ("refused" if refused else "error", type(error).__name__ + ": " + str(error),
                        traceback.format_exc()[-1500:])
pickle.dump(results, open(sys.argv[2], "wb"))
'''


def run_modules(directory: Path, jobs, block_adjoint: bool, extra_path=()):
    """Run the jobs (key, module, function, pickled (args, cotangent or tangents)) in one process;
    {key: ("ok", flat values, type) or ("error", message, traceback)}."""
    blocker = directory / "blocked" / "adjoint"
    blocker.mkdir(parents=True, exist_ok=True)
    (blocker / "__init__.py").write_text("raise ImportError('adjoint is not installed here')\n")
    path = ([str(blocker.parent)] if block_adjoint else [os.environ.get("PYTHONPATH", "")])
    path += [str(directory), *map(str, extra_path)]
    (directory / "jobs.pkl").write_bytes(pickle.dumps(jobs))
    (directory / "runner.py").write_text(RUNNER)
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": os.pathsep.join(p for p in path if p)}
    result = subprocess.run([sys.executable, "-s", "runner.py", "jobs.pkl", "results.pkl"], capture_output=True,
                            text=True, env=env, cwd=directory, timeout=300)
    assert result.returncode == 0, result.stderr
    return pickle.loads((directory / "results.pkl").read_bytes())


class Outcome(NamedTuple):
    key: str
    kind: str  # same, close, different, failed, refused, refused-at-run-time, gen-crash, not-in-process, not-a-call
    detail: str


def sweep(programs: types.ModuleType, cases: List[Case], directory: Path, modes=tuple(MODES)):
    """Every case in every mode generated: (outcomes so far, the jobs to run, what adjoint gives for
    each job). A case adjoint refuses in all its positions at once is tried in each alone."""
    directory.mkdir(parents=True, exist_ok=True)
    outcomes, jobs, expected = [], [], {}
    for case in cases:
        for mode in modes:
            try:
                _one(programs, case, mode, directory, jobs, expected)
            except adjoint.AdjointError as error:
                if len(case.positions) == 1:
                    outcomes.append(Outcome(_key(case, mode), "not-in-process", str(error).splitlines()[0]))
                    continue
                for position in case.positions:
                    alone = case._replace(positions=(position,))
                    try:
                        _one(programs, alone, mode, directory, jobs, expected)
                    except adjoint.AdjointError as error:
                        outcomes.append(Outcome(_key(alone, mode), "not-in-process", str(error).splitlines()[0]))
    return outcomes + [outcome for outcome in expected.values() if isinstance(outcome, Outcome)], jobs, {
        key: want for key, want in expected.items() if not isinstance(want, Outcome)}


def _key(case: Case, mode: str) -> str:
    return f"{case.name}[{','.join(map(str, case.positions))}]:{mode}"


def _one(programs, case: Case, mode: str, directory: Path, jobs: list, expected: dict) -> None:
    """In process (AdjointError where adjoint refuses), then generated: a job, or an Outcome in `expected`."""
    func, key = getattr(programs, case.name), _key(case, mode)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            want = in_process(func, case.args, case.positions, mode)
    except (TypeError, IndexError) as error:  # a row of a table not of arguments for this function
        expected[key] = Outcome(key, "not-a-call", f"{type(error).__name__}: {error}")
        return
    module_name = f"m{len(expected)}_{mode}"
    argv = ["gen", f"{programs.__file__}:{case.name}", "--wrt", ",".join(map(str, case.positions)), "--mode", mode,
            "-o", str(directory / f"{module_name}.py")]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            status = _quiet_main(argv)
    except Exception as error:  # noqa: BLE001 - what the sweep looks for
        expected[key] = Outcome(key, "gen-crash", f"{type(error).__name__}: {error}")
        return
    if status != 0:
        expected[key] = Outcome(key, "refused", status)
        return
    args = copy.deepcopy(case.args)
    if mode == "vjp":
        extra = cotangent_like(func(*copy.deepcopy(case.args)))
    elif mode == "forward":
        extra = tangents_like(args, case.positions)
    else:
        extra = None
    expected[key] = want
    jobs.append((key, module_name, f"{MODES[mode]}_{case.name}", pickle.dumps((args, extra))))


def _quiet_main(argv):
    """`adjoint gen`'s exit status, 0, or what it wrote on stderr where it refused."""
    stream = io.StringIO()
    with contextlib.redirect_stderr(stream):
        status = command_line(argv)
    return 0 if status == 0 else stream.getvalue().strip() or status


def compare(results, expected) -> List[Outcome]:
    outcomes = []
    for key, want in expected.items():
        result = results[key]
        if result[0] != "ok":
            kind = "refused-at-run-time" if result[0] == "refused" else "failed"
            outcomes.append(Outcome(key, kind, f"{result[1]}\n{result[2]}"))
            continue
        got, want = np.asarray(result[1]), flat(want).astype(float)
        if got.shape != want.shape:
            outcomes.append(Outcome(key, "different", f"shape {got.shape} != {want.shape}"))
        elif np.array_equal(got, want, equal_nan=True):
            outcomes.append(Outcome(key, "same", ""))
        elif np.allclose(got, want, rtol=1e-12, atol=1e-14, equal_nan=True):
            outcomes.append(Outcome(key, "close", f"{np.max(np.abs(got - want))}"))
        else:
            outcomes.append(Outcome(key, "different", f"got {got[:6]} want {want[:6]}"))
    return outcomes


def run_all(programs: types.ModuleType, cases: List[Case], directory: Path, modes=tuple(MODES)) -> List[Outcome]:
    """sweep, then the modules run in one process without adjoint; those that import a program
    file that imports adjoint itself (the header says so, and gen warns) in one process with it.
    A module whose header says it runs without adjoint and does not fails."""
    outcomes, jobs, expected = sweep(programs, cases, directory, modes)
    tests = Path(programs.__file__).parent
    needing = [job for job in jobs if needs_adjoint(directory / f"{job[1]}.py")]
    results = {}
    for without_adjoint, group in ((True, [job for job in jobs if job not in needing]), (False, needing)):
        if group:
            results.update(run_modules(directory, group, without_adjoint, [tests]))
    return outcomes + compare(results, expected)


def needs_adjoint(module: Path) -> bool:
    """Whether the header of a module gen wrote says it imports adjoint (through the user's file)."""
    imports = next((line for line in module.read_text(encoding="utf-8").splitlines() if line.startswith("# imports: ")),
                   "")
    return imports.endswith(", which is then needed to run it)")


def main(files: List[str]) -> int:
    """Every function of the test tables of `files` (all of TABLES if none), in every mode; prints
    what differs from adjoint's own derivative, and exits 1 if a module differs, fails or gen crashed."""
    import collections
    import importlib
    import tempfile

    bad = 0
    with tempfile.TemporaryDirectory() as directory:
        for file in files or sorted(TABLES):
            programs = importlib.import_module(file)
            cases = cases_from_tables(programs, importlib.import_module(TABLES[file]))
            outcomes = run_all(programs, cases, Path(directory) / file)
            print(f"{file}: {len(cases)} functions, {dict(collections.Counter(o.kind for o in outcomes))}", flush=True)
            for outcome in outcomes:
                if outcome.kind in ("different", "failed", "gen-crash", "close", "refused-at-run-time", "refused"):
                    lines = str(outcome.detail).splitlines() or [""]
                    print(f"    {outcome.kind} {outcome.key}: {lines[0 if outcome.kind == 'refused' else -1][:300]}")
                bad += outcome.kind in ("different", "failed", "gen-crash")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main(sys.argv[1:]))
