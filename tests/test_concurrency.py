"""Concurrency: threads share one generation, processes share the disk cache without torn entries.

Threads: 16 threads call `grad` of a function nobody has differentiated yet, all at once.
The derivative is generated once per argument kind (counted by wrapping the generator the
API calls) and every thread gets the right values.

Processes: several interpreters differentiate the same function against one
ADJOINT_CACHE_DIR, over and over, while one of them keeps deleting the entry and another
keeps truncating it (a torn write, as a crashed writer of an older version could leave).
Every result must be right, no process may see an error, and the entries left behind must
be whole.
"""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import adjoint
import adjoint.api

THREADS = 16

SOURCE = textwrap.dedent("""\
    import math

    import numpy as np


    def helper(x, k):
        return math.sin(k * x) + x * x


    def energy(x, n):
        total = 0.0
        for k in range(1, n + 1):
            total = total + helper(x, k) / k
        if total > 100.0:
            return total
        return total * math.exp(-0.1 * x)
""")


def energy_gradient(x: float, n: int) -> float:
    """d energy / dx by hand."""
    total = sum((np.sin(k * x) + x * x) / k for k in range(1, n + 1))
    d_total = sum((k * np.cos(k * x) + 2 * x) / k for k in range(1, n + 1))
    return float((d_total - 0.1 * total) * np.exp(-0.1 * x))


def load_module(directory, name: str):
    path = directory / f"{name}.py"
    path.write_text(SOURCE, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def generations(monkeypatch):
    """Counts the calls of the compiler made through the API (one per function and Options)."""
    calls = []
    lock = threading.Lock()
    original = adjoint.api.generate

    def counting(func, options):
        with lock:
            calls.append((func.__name__, options))
        return original(func, options)

    monkeypatch.setattr(adjoint.api, "generate", counting)
    monkeypatch.setenv("ADJOINT_CACHE", "0")  # every derivative is generated here, not read from disk
    return calls


# ----- threads ---------------------------------------------------------------------------------

def run_together(task, count: int = THREADS) -> list:
    """`task(i)` in `count` threads released at the same moment; results in order."""
    barrier = threading.Barrier(count)

    def start(i):
        barrier.wait()
        return task(i)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(start, range(count)))


def test_threads_sharing_one_grad_generate_once(tmp_path, generations):
    module = load_module(tmp_path, "threads_shared")
    gradient = adjoint.grad(module.energy)
    xs = [0.1 * i + 0.05 for i in range(THREADS)]
    results = run_together(lambda i: gradient(xs[i], 4))
    for x, result in zip(xs, results):
        assert result == pytest.approx(energy_gradient(x, 4), rel=1e-12)
    assert [name for name, _ in generations] == ["energy"]


def test_threads_each_calling_grad_generate_once(tmp_path, generations):
    module = load_module(tmp_path, "threads_separate")
    xs = [0.1 * i + 0.05 for i in range(THREADS)]
    results = run_together(lambda i: adjoint.grad(module.energy)(xs[i], 3))
    for x, result in zip(xs, results):
        assert result == pytest.approx(energy_gradient(x, 3), rel=1e-12)
    assert [name for name, _ in generations] == ["energy"]


def test_threads_with_different_argument_kinds_generate_once_per_kind(tmp_path, generations):
    module = load_module(tmp_path, "threads_kinds")
    gradient = adjoint.grad(module.energy)
    xs = [0.7, 2, np.float64(0.3), np.array(0.4)]  # float, int, NumPy scalar, 0-d array

    results = run_together(lambda i: gradient(xs[i % len(xs)], 2))
    for i, result in enumerate(results):
        assert float(result) == pytest.approx(energy_gradient(float(xs[i % len(xs)]), 2), rel=1e-12)
    kinds = [options.kinds for name, options in generations if name == "energy"]
    assert len(kinds) == len(set(kinds)), f"one argument kind was generated twice: {kinds}"
    assert len(kinds) <= len(xs)


def test_threads_differentiating_in_every_mode_at_once(tmp_path, generations):
    module = load_module(tmp_path, "threads_modes")
    transforms = [
        lambda: adjoint.grad(module.energy)(0.4, 3),
        lambda: adjoint.value_and_grad(module.energy)(0.4, 3)[1],
        lambda: adjoint.jvp(module.energy)(0.4, 3, 1.0)[1],
        lambda: adjoint.vjp(module.energy)(0.4, 3)[1](1.0),
    ]
    results = run_together(lambda i: transforms[i % len(transforms)]())
    for result in results:
        assert float(result) == pytest.approx(energy_gradient(0.4, 3), rel=1e-12)
    modes = [options for name, options in generations if name == "energy"]
    assert len(modes) == len(set(modes)) == len(transforms)


# ----- processes sharing the disk cache -----------------------------------------------------------

WORKER = textwrap.dedent("""\
    import json, os, sys, time
    directory, role, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    sys.path.insert(0, directory)
    import importlib
    import adjoint
    from adjoint.backend import cache
    while not os.path.exists(os.path.join(directory, "start")):
        time.sleep(0.001)
    results, errors = [], []
    for i in range(rounds):
        # A fresh function object each round (same source): the memory cache misses, the disk may hit.
        sys.modules.pop("shared_energy", None)
        module = importlib.import_module("shared_energy")
        x = 0.05 + 0.01 * i
        try:
            results.append([x, adjoint.grad(module.energy)(x, 3)])
        except BaseException as error:
            errors.append(repr(error))
        entries = [name for name in os.listdir(os.environ["ADJOINT_CACHE_DIR"]) if name.endswith(".json")]
        for name in entries:
            path = os.path.join(os.environ["ADJOINT_CACHE_DIR"], name)
            try:
                if role == "evict":
                    os.unlink(path)
                elif role == "tear":
                    with open(path, "r+b") as stream:  # not atomic on purpose: half an entry
                        stream.truncate(max(os.path.getsize(path) // 2, 1))
            except OSError:
                pass
    print(json.dumps({"results": results, "errors": errors, "statistics": cache.STATISTICS}))
""")


def test_processes_sharing_the_disk_cache_never_see_a_torn_entry(tmp_path):
    cache_module = pytest.importorskip("adjoint.backend.cache")
    if not hasattr(cache_module, "generate_cached"):
        pytest.skip("no disk cache yet")
    (tmp_path / "shared_energy.py").write_text(SOURCE, encoding="utf-8")
    cache_dir = tmp_path / "cache"
    env = dict(os.environ, ADJOINT_CACHE_DIR=str(cache_dir))
    env.pop("ADJOINT_CACHE", None)
    roles = ["read", "read", "read", "evict", "tear"]
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(tmp_path), role, "25"], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for role in roles
    ]
    (tmp_path / "start").write_text("")
    reports = []
    for role, worker in zip(roles, workers):
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, f"{role} worker failed:\n{err}"
        reports.append(json.loads(out.strip().splitlines()[-1]))
    for role, report in zip(roles, reports):
        assert report["errors"] == [], f"{role} worker saw errors: {report['errors']}"
        for x, result in report["results"]:
            assert result == pytest.approx(energy_gradient(x, 3), rel=1e-12), role
    hits = sum(report["statistics"]["hits"] for report in reports)
    assert hits > 0, f"no process read the shared cache: {[r['statistics'] for r in reports]}"
    # What is left on disk is whole: every entry parses, no temporary file remains.
    for path in cache_dir.iterdir():
        assert not path.name.endswith(".tmp"), f"temporary file left behind: {path.name}"
    for path in cache_dir.glob("*.json"):
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            # Only the tearing worker writes half entries; the last round may have torn one.
            assert "tear" in roles
