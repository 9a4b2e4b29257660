"""SciPy's rules register when a lookup first meets SciPy: `import adjoint` does not import
SciPy, and a fresh process generates, refuses, keys and lists exactly what a process whose
rules were all registered does."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import adjoint

ROOT = Path(__file__).resolve().parent.parent
pytest.importorskip("scipy")
import scipy_programs as programs  # noqa: E402


def fresh(script: str, directory: Path) -> str:
    """stdout of `script`, run from a file in a new interpreter (this checkout first on the path,
    the tests next)."""
    path = directory / "script.py"
    path.write_text(f"import sys; sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'tests')!r}]\n" + script)
    done = subprocess.run([sys.executable, str(path)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_import_adjoint_does_not_import_scipy(tmp_path) -> None:
    assert fresh("import adjoint, sys\nprint('scipy' in sys.modules)", tmp_path).strip() == "False"


def test_a_call_to_scipy_registers_its_rules_first(tmp_path) -> None:
    args = (np.array([0.1, -0.3, 0.2]), np.linspace(0.0, 1.0, 8)[:, None], np.sin(np.arange(8.0)))
    output = fresh(
        "import json, numpy as np, adjoint, scipy_programs as programs\n"
        "args = (np.array([0.1, -0.3, 0.2]), np.linspace(0.0, 1.0, 8)[:, None], np.sin(np.arange(8.0)))\n"
        "print(json.dumps({'source': adjoint.source(programs.gp_cholesky, args=args),\n"
        "                  'grad': adjoint.grad(programs.gp_cholesky)(*args).tolist()}))\n", tmp_path)
    found = json.loads(output)
    assert found["source"] == adjoint.source(programs.gp_cholesky, args=args)
    assert found["grad"] == adjoint.grad(programs.gp_cholesky)(*args).tolist()


def test_a_scipy_function_without_a_rule_is_named_by_its_public_module(tmp_path) -> None:
    output = fresh(
        "import adjoint\nfrom scipy import special\n"
        "def f(x):\n    return special.ellipkinc(x, 0.5)\n"
        "try:\n    adjoint.grad(f)(0.3)\n"
        "except adjoint.NonDifferentiableError as error:\n    print(error)\n", tmp_path)
    assert "no derivative rule for `special.ellipkinc` (scipy.special.ellipkinc)" in output


def test_registering_them_changes_no_cache_key_and_makes_nothing_stale(tmp_path) -> None:
    output = fresh(
        "import numpy as np, adjoint, scipy.special\n"
        "from adjoint.backend import cache\nfrom adjoint.options import Options\n"
        "from adjoint.rules import libraries\nfrom adjoint.rules.table import Revision\n"
        "import scipy_programs as programs\n"
        "before = (cache.cache_key(programs.rbf_kernel, Options())[0], Revision.value)\n"
        "assert not libraries._STATE['loaded']\n"
        "assert scipy.special.erf in adjoint.rules.ADJOINTS\n"
        "after = (cache.cache_key(programs.rbf_kernel, Options())[0], Revision.value)\n"
        "print(libraries._STATE['loaded'], before == after)\n", tmp_path)
    assert output.split() == ["True", "True"]


def test_a_fresh_process_lists_every_rule(tmp_path) -> None:
    output = fresh("import adjoint.coverage as coverage\nprint(coverage.coverage_table(), end='')", tmp_path)
    from adjoint.coverage import coverage_table
    assert output == coverage_table()
