"""`adjoint gen`: standalone modules, their header and --check, exit codes and messages."""
from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import adjoint
from adjoint.cli import main, parsers

REPO = Path(__file__).resolve().parent.parent

MODEL = '''\
import math

import numpy as np

import adjoint

SCALE = 2.0
SHIFT = (0.5, -0.25)


def squash(z):
    return np.tanh(z) * SCALE + SHIFT[0]


def loss(w, b, X):
    h = squash(X @ w + b)
    total = 0.0
    for i in range(2):
        total = total + np.sum(h * h) * (i + 1)
    return total + math.sin(total) + np.sum(adjoint.stop_gradient(h) * h)
'''


@pytest.fixture
def model(tmp_path: Path) -> Path:
    path = tmp_path / "model.py"
    path.write_text(MODEL)
    return path


def gen(*argv: str) -> int:
    return main(["gen", *map(str, argv)])


def import_path(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def arguments():
    rng = np.random.default_rng(0)
    return rng.normal(size=3) * 0.3, 0.1, rng.normal(size=(4, 3))


# ----- the module -------------------------------------------------------------------------

def test_writes_a_module_to_stdout_with_a_header(model, capsys):
    assert gen(f"{model}:loss", "--wrt", "w,b") == 0
    text = capsys.readouterr().out
    header = [line for line in text.splitlines() if line.startswith("# ")][:12]
    assert header[1].startswith("# command: adjoint gen ") and header[1].endswith("model.py:loss --wrt w,b")
    assert "# function: model.loss" in header
    assert "# options: mode=reverse wrt=w,b optimize=True" in header
    assert f"# adjoint: {adjoint.__version__}" in header
    assert any(line.startswith("# source model.loss: sha256 ") for line in header)
    assert any(line.startswith("# source model.squash: sha256 ") for line in header)
    assert any(line.startswith("# rules: ") for line in header)
    assert any(line.startswith("# fingerprint: sha256 ") for line in header)
    assert not re.search(r"^\s*(import|from) adjoint", text, re.MULTILINE)


def test_copies_helpers_constants_and_runtime_functions(model, capsys):
    gen(f"{model}:loss", "--wrt", "w")
    text = capsys.readouterr().out
    assert "\nSCALE = 2.0\n" in text and "\nSHIFT = (0.5, -0.25)\n" in text
    assert "\ndef fwd_squash(z):\n" in text and "\ndef bwd_squash(" in text and "\ndef grad_loss(" in text
    assert "\ndef squash(z):\n" not in text  # the user's helper runs once, as fwd_squash
    assert "\ndef unbroadcast(g, x):\n" in text  # copied from adjoint.runtime
    assert "class adjoint:" in text and "stop_gradient = staticmethod(stop_gradient)" in text
    assert "# imports: numpy (adjoint is not needed to run it)" in text


def test_output_is_byte_identical(model, tmp_path):
    first, second = tmp_path / "first.py", tmp_path / "second.py"
    assert gen(f"{model}:loss", "-o", first) == 0
    assert gen(f"{model}:loss", "-o", second) == 0
    assert first.read_bytes() == second.read_bytes().replace(b"-o second.py", b"-o first.py")


def test_output_does_not_depend_on_the_hash_seed(model, tmp_path):
    outputs = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(REPO))
        result = subprocess.run([sys.executable, "-m", "adjoint", "gen", f"{model}:loss", "--wrt", "w,b"],
                                capture_output=True, env=env, cwd=tmp_path, timeout=60)
        assert result.returncode == 0, result.stderr.decode()
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]


def test_generated_module_runs_where_adjoint_cannot_be_imported(model, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    assert gen(f"{model}:loss", "--wrt", "w,b", "-o", out / "grad_model.py") == 0
    fake = tmp_path / "fake" / "adjoint"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('adjoint must not be imported here')\n")
    script = textwrap.dedent('''
        import json, sys
        import numpy as np
        try:
            import adjoint
        except ImportError:
            pass
        else:
            raise SystemExit("adjoint was importable")
        import grad_model
        rng = np.random.default_rng(0)
        w, b, X = rng.normal(size=3) * 0.3, 0.1, rng.normal(size=(4, 3))
        dw, db = grad_model.grad_loss(w, b, X)
        assert "model" not in sys.modules
        print(json.dumps([list(dw), float(db)]))
    ''')
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": os.pathsep.join([str(fake.parent), str(out)])}
    result = subprocess.run([sys.executable, "-s", "-c", script], capture_output=True, env=env, cwd=out,
                            timeout=60, text=True)
    assert result.returncode == 0, result.stderr
    dw, db = json.loads(result.stdout)
    module = import_path(model, "model_for_reference")
    expected_dw, expected_db = adjoint.grad(module.loss, wrt=("w", "b"))(*arguments())
    np.testing.assert_allclose(dw, expected_dw, rtol=1e-12)
    np.testing.assert_allclose(db, expected_db, rtol=1e-12)


@pytest.mark.parametrize("mode", ["reverse", "value_and_grad", "vjp", "forward"])
def test_every_mode_matches_the_api(mode, model, tmp_path):
    out = tmp_path / f"{mode}_model.py"
    assert gen(f"{model}:loss", "--wrt", "w", "--mode", mode, "-o", out) == 0
    written = import_path(out, f"written_{mode}")
    reference = import_path(model, f"reference_{mode}")
    w, b, X = arguments()
    if mode == "reverse":
        np.testing.assert_allclose(written.grad_loss(w, b, X), adjoint.grad(reference.loss)(w, b, X))
    elif mode == "value_and_grad":
        value, gradient = written.value_and_grad_loss(w, b, X)
        expected_value, expected_gradient = adjoint.value_and_grad(reference.loss)(w, b, X)
        assert value == pytest.approx(expected_value)
        np.testing.assert_allclose(gradient, expected_gradient)
    elif mode == "vjp":
        np.testing.assert_allclose(written.vjp_loss(2.0, w, b, X), 2.0 * adjoint.grad(reference.loss)(w, b, X))
    else:
        tangent = np.array([1.0, -1.0, 0.5])
        value, derivative = written.jvp_loss(w, b, X, dw=tangent)
        expected = adjoint.jvp(reference.loss)(w, b, X, tangent)
        assert value == pytest.approx(expected[0]) and derivative == pytest.approx(expected[1])


def test_no_optimize_writes_the_unoptimized_derivative(model, capsys):
    gen(f"{model}:loss", "--no-optimize")
    unoptimized = capsys.readouterr().out
    gen(f"{model}:loss")
    optimized = capsys.readouterr().out
    assert "# options: mode=reverse wrt=w optimize=False" in unoptimized
    assert "--no-optimize" in unoptimized.splitlines()[1]
    assert len(unoptimized) > len(optimized)


def test_module_level_objects_that_cannot_be_copied_are_imported_by_name(tmp_path, capsys):
    (tmp_path / "weights.py").write_text(textwrap.dedent('''
        import numpy as np
        from numpy import tanh as th
        W = np.array([1.0, 2.0, 3.0])

        def f(x):
            return np.sum(th(x * W))
    '''))
    assert gen(f"{tmp_path / 'weights.py'}:f") == 0
    text = capsys.readouterr().out
    assert "\nfrom weights import W\n" in text and "\nfrom numpy import tanh as th\n" in text
    assert "# imports: numpy, weights (adjoint is not needed to run it)" in text


def test_a_name_meaning_two_things_is_refused(tmp_path, capsys):
    (tmp_path / "clash.py").write_text(textwrap.dedent('''
        import numpy as np

        def unbroadcast(x):
            return x * 1.0

        def helper(x):
            return unbroadcast(x) * x

        def f(x, y):
            return np.sum(helper(x) + y) + helper(2.0)  # the primal sweep calls helper itself
    '''))
    assert gen(f"{tmp_path / 'clash.py'}:f", "--wrt", "x,y") == 1
    err = capsys.readouterr().err
    assert "the name `unbroadcast` means function clash.unbroadcast" in err and "adjoint.runtime" in err


def test_a_closure_over_an_array_is_refused(tmp_path, capsys):
    (tmp_path / "closed.py").write_text(textwrap.dedent('''
        import numpy as np

        def make():
            w = np.ones(3)
            def inner(x):
                return np.sum(x * w)
            return inner

        inner = make()

        def f(x):
            return inner(x)
    '''))
    assert gen(f"{tmp_path / 'closed.py'}:f") == 1
    assert "reads `w` (ndarray)" in capsys.readouterr().err


# ----- --check ------------------------------------------------------------------------------

def test_check_passes_on_a_current_module_from_any_directory(model, tmp_path, monkeypatch, capsys):
    out = tmp_path / "generated" / "grad_model.py"
    out.parent.mkdir()
    assert gen(f"{model}:loss", "--wrt", "w", "-o", out) == 0
    assert "command: adjoint gen ../model.py:loss --wrt w -o grad_model.py" in out.read_text()
    monkeypatch.chdir(REPO)
    assert gen("--check", out) == 0
    assert "up to date" in capsys.readouterr().err


@pytest.mark.parametrize("edit, reason", [
    (("return np.tanh(z) * SCALE", "return np.tanh(z) * SCALE * 1.5"), "source model.squash changed"),
    (("total = 0.0", "total = 1.0"), "source model.loss changed"),
    (("SCALE = 2.0", "SCALE = 3.0"), "the generated code differs"),
])
def test_check_fails_on_a_stale_module_and_says_why(edit, reason, model, tmp_path, capsys):
    out = tmp_path / "grad_model.py"
    assert gen(f"{model}:loss", "-o", out) == 0
    model.write_text(MODEL.replace(*edit))
    assert gen("--check", out) == 1
    err = capsys.readouterr().err
    assert f"stale ({reason}" in err
    assert "adjoint gen model.py:loss --wrt w -o grad_model.py" in err


def test_check_refuses_a_file_adjoint_did_not_write(model, capsys):
    assert gen("--check", model) == 1
    assert "was not written by `adjoint gen`" in capsys.readouterr().err


# ----- errors and usage ---------------------------------------------------------------------

def test_missing_file(tmp_path, capsys):
    assert gen(f"{tmp_path / 'nothere.py'}:f") == 1
    assert "no such file" in capsys.readouterr().err


def test_missing_function_lists_the_functions_defined(model, capsys):
    assert gen(f"{model}:nope") == 1
    err = capsys.readouterr().err
    assert "has no function 'nope'" in err and "loss, squash" in err


def test_not_a_function(model, capsys):
    assert gen(f"{model}:SCALE") == 1
    assert "not a function" in capsys.readouterr().err


def test_syntax_error_in_the_file(tmp_path, capsys):
    path = tmp_path / "broken.py"
    path.write_text("def f(x):\n    return x +\n")
    assert gen(f"{path}:f") == 1
    err = capsys.readouterr().err
    assert f"{path}:2: syntax error" in err and "return x +" in err and "^" in err


def test_unsupported_construct_names_file_and_line(tmp_path, capsys):
    path = tmp_path / "gen_fn.py"
    path.write_text("def f(x):\n    y = x * 2\n    yield y\n")
    assert gen(f"{path}:f") == 1
    err = capsys.readouterr().err
    assert f"{path}:3:" in err and "yield y" in err and "^" in err


def test_error_while_importing_the_file(tmp_path, capsys):
    path = tmp_path / "fails.py"
    path.write_text("import not_a_module_anywhere\n\ndef f(x):\n    return x\n")
    assert gen(f"{path}:f") == 1
    assert "importing" in capsys.readouterr().err


def test_bad_wrt_is_bad_input(model, capsys):
    assert gen(f"{model}:loss", "--wrt", "zz") == 1
    assert "'zz' is not a parameter" in capsys.readouterr().err


def test_the_file_prints_go_to_stderr_not_into_the_module(tmp_path, capsys):
    path = tmp_path / "noisy.py"
    path.write_text("print('hello from the module')\n\ndef f(x):\n    return x * x\n")
    assert gen(f"{path}:f") == 0
    captured = capsys.readouterr()
    assert "hello" not in captured.out and "hello from the module" in captured.err


@pytest.mark.parametrize("argv", [
    [], ["gen"], ["gen", "model.py"], ["gen", "model.py:loss", "--mode", "sideways"],
    ["gen", "--check", "out.py", "--wrt", "x"], ["frobnicate"],
])
def test_usage_errors_exit_2(argv, capsys):
    assert main(argv) == 2
    assert capsys.readouterr().err


def test_help_gives_an_example_for_every_option(capsys):
    assert main(["--help"]) == 0
    assert "adjoint gen" in capsys.readouterr().out
    assert main(["gen", "--help"]) == 0
    assert "--check" in capsys.readouterr().out
    _, gen_parser = parsers()
    for action in gen_parser._actions:
        if action.dest != "help":
            assert "e.g." in action.help, action.dest


def test_python_dash_m_adjoint():
    result = subprocess.run([sys.executable, "-m", "adjoint", "gen", "--help"], capture_output=True, text=True,
                            env=dict(os.environ, PYTHONPATH=str(REPO)), timeout=60)
    assert result.returncode == 0 and "PATH.py:FUNC" in result.stdout
