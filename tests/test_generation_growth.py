"""Generation time grows at most as n^1.3 with the number of lines of the function.

Measured as a ratio in one fresh process (100 and 400 body lines of the generation benchmark's
synthetic scalar function, optimization on), each time the least of several generations, so
that another process taking the CPU for a moment does not make the ratio. A fresh process,
because inside the test process the heap left by thousands of earlier tests slows the larger
generation more than the smaller one.
"""
from __future__ import annotations

import gc
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from adjoint.analysis.kinds import kind_of_value
from adjoint.options import Options
from adjoint.pipeline import generate
from benchmarks.generation import MODULE_HEADER, scalar_source

SMALL, LARGE = 100, 400
LIMIT = 1.3
REPETITIONS = 5


def synthetic(directory: Path, lines: int):
    path = directory / f"synthetic_{lines}.py"
    path.write_text(MODULE_HEADER + scalar_source(lines))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.f


def generation_time(func) -> float:
    """CPU time of one generation, the cyclic garbage collector held off so that its passes,
    which come at moments of their own, fall on neither size."""
    options = Options("reverse", ("x0", "x1", "x2", "x3"), True, tuple((f"x{i}", kind_of_value(0.5)) for i in range(4)))
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        generate(func, options)
        return time.process_time() - start
    finally:
        gc.enable()


def measured_ratio() -> float:
    """The time of the larger generation over that of the smaller one, in this process."""
    with tempfile.TemporaryDirectory() as directory:
        small, large = synthetic(Path(directory), SMALL), synthetic(Path(directory), LARGE)
        generation_time(small)  # rule templates parsed, modules imported
        # Alternated, so that a stretch of a busy machine slows both sizes alike.
        pairs = [(generation_time(small), generation_time(large)) for _ in range(REPETITIONS)]
    return min(large for _, large in pairs) / min(small for small, _ in pairs)


@pytest.mark.slow
def test_generation_time_grows_at_most_as_n_to_the_1_3():
    root = Path(__file__).resolve().parents[1]
    environment = dict(os.environ, ADJOINT_CACHE="0", PYTHONPATH=os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]))
    child = subprocess.run([sys.executable, __file__], cwd=root, env=environment, capture_output=True, text=True, check=True)
    ratio = float(child.stdout.split()[-1])
    assert ratio <= (LARGE / SMALL) ** LIMIT, f"{LARGE} lines take {ratio:.1f}x the time of {SMALL} lines"


if __name__ == "__main__":
    print(measured_ratio())
