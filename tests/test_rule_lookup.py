"""The rule tables remember the values found not to be SciPy's (each lookup asked again cost
microseconds): a SciPy value met after many others still registers SciPy's rules, before and
after SciPy is imported."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytest.importorskip("scipy")


def test_a_scipy_value_after_others_registers_scipys_rules(tmp_path) -> None:
    script = tmp_path / "script.py"
    script.write_text(
        f"import sys; sys.path[:0] = [{str(ROOT)!r}]\n"
        "import math, operator, numpy as np, adjoint\n"
        "from adjoint.rules import libraries\n"
        "from adjoint.rules.table import ADJOINTS\n"
        "looked_up = [f in ADJOINTS for f in (math.sin, operator.add, np.tanh, np.sum, abs) * 3]\n"
        "import scipy.special\n"
        "again = [f in ADJOINTS for f in (math.sin, np.tanh) * 2]\n"
        "print(all(looked_up), all(again), libraries._STATE['loaded'], scipy.special.erf in ADJOINTS,\n"
        "      libraries._STATE['loaded'])\n")
    done = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "False", "True", "True"]
