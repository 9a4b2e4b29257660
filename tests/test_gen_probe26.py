"""`adjoint gen` on ordinary programs: the written module runs where adjoint cannot be imported
and gives what adjoint gives in the process, checked against central differences."""
from __future__ import annotations

import ast
import importlib.util
import json
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import adjoint
from adjoint.cli import main


def gen(*argv) -> int:
    return main(["gen", *map(str, argv)])


def write(tmp_path: Path, name: str, source: str) -> Path:
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    return path


def load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_without_adjoint(tmp_path: Path, directory: Path, script: str):
    """Run `script` with `directory` importable and `import adjoint` failing; its JSON output."""
    blocker = tmp_path / "blocked" / "adjoint"
    blocker.mkdir(parents=True, exist_ok=True)
    (blocker / "__init__.py").write_text("raise ImportError('adjoint is not installed here')\n")
    prelude = "try:\n    import adjoint\nexcept ImportError:\n    pass\nelse:\n    raise SystemExit('adjoint imported')\n"
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": os.pathsep.join([str(blocker.parent), str(directory)])}
    result = subprocess.run([sys.executable, "-s", "-c", prelude + textwrap.dedent(script)], capture_output=True,
                            text=True, env=env, cwd=directory, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def central_difference(f, x, h=1e-6):
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step.flat[i] = h
        grad.flat[i] = (f(x + step) - f(x - step)) / (2 * h)
    return grad


# ----- helpers the derivative reads, copied from adjoint.runtime -------------------------------

PROD = '''
import numpy as np

def f(x):
    return np.prod(x[:3]) + np.sum(np.prod(x.reshape(2, 2), axis=0) ** 2)
'''

CHECKPOINTED = '''
import numpy as np
import adjoint

def f(x, n):
    for t in adjoint.checkpointed(range(n), snapshots=2):
        x = x + 0.1 * np.tanh(x)
    return np.sum(x * x)
'''


@pytest.mark.parametrize("name, source, x, extra", [
    ("prod_model", PROD, [0.5, -1.5, 0.0, 0.3], ""),  # a zero factor: prod_others, not prod / x
    ("checkpointed_model", CHECKPOINTED, [0.2, -0.5], ", 7"),
])
def test_runtime_helpers_of_every_module_are_copied(name, source, x, extra, tmp_path):
    path = write(tmp_path, name, source)
    out = tmp_path / "out"
    out.mkdir()
    assert gen(f"{path}:f", "-o", out / f"grad_{name}.py") == 0
    assert gen(f"{path}:f", "--mode", "value_and_grad", "-o", out / f"vg_{name}.py") == 0
    got = run_without_adjoint(tmp_path, out, f'''
        import json
        import numpy as np
        from grad_{name} import grad_f
        from vg_{name} import value_and_grad_f
        x = np.array({x!r})
        value, gradient = value_and_grad_f(x{extra})
        print(json.dumps([grad_f(x{extra}).tolist(), value, gradient.tolist()]))
    ''')
    user = load(path, f"{name}_reference")
    n = (7,) if extra else ()
    x = np.array(x)
    expected = adjoint.grad(user.f)(x, *n)
    np.testing.assert_allclose(got[0], expected, rtol=1e-12)
    np.testing.assert_allclose(got[2], expected, rtol=1e-12)
    assert got[1] == pytest.approx(user.f(x, *n), rel=1e-12)
    np.testing.assert_allclose(got[0], central_difference(lambda v: user.f(v, *n), x), rtol=1e-6, atol=1e-8)


def test_runtime_helpers_have_one_name_each():
    """A helper is known by its name alone (in generated code and in the modules gen writes):
    every module of adjoint/runtime is listed, and no two define the same name."""
    from adjoint import runtime

    listed = {module.__name__.rsplit(".", 1)[1] for module in runtime.MODULES}
    files = {p.stem for p in Path(runtime.__file__).parent.glob("*.py") if p.stem != "__init__"}
    assert files == listed
    names = [node.name for module in runtime.MODULES for node in ast.parse(Path(module.__file__).read_text()).body
             if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
    assert sorted(name for name in set(names) if names.count(name) > 1) == []


# ----- --mode forward_pass ----------------------------------------------------------------------

SCALAR = '''
import math

def f(x, y):
    return math.sin(x) * y + x * x
'''


def test_forward_pass_writes_both_halves(tmp_path):
    """It failed with a KeyError from inside the writer (a traceback, exit status 1)."""
    path = write(tmp_path, "scalar_model", SCALAR)
    out = tmp_path / "out"
    out.mkdir()
    assert gen(f"{path}:f", "--wrt", "x,y", "--mode", "forward_pass", "-o", out / "split_f.py") == 0
    got = run_without_adjoint(tmp_path, out, '''
        import json
        import split_f
        value, residuals = split_f.fwd_f(0.7, 1.3)
        print(json.dumps([split_f.__all__, value, list(split_f.bwd_f(2.0, residuals))]))
    ''')
    user = load(path, "scalar_reference")
    value, pullback = adjoint.vjp(user.f, wrt=("x", "y"))(0.7, 1.3)
    assert got[0] == ["fwd_f", "bwd_f"]
    assert got[1] == pytest.approx(value, rel=1e-15)
    np.testing.assert_allclose(got[2], pullback(2.0), rtol=1e-15)
    np.testing.assert_allclose(got[2], [2.0 * (math.cos(0.7) * 1.3 + 1.4), 2.0 * math.sin(0.7)], rtol=1e-14)


# ----- constants of adjoint.runtime, the names the module exports --------------------------------

RUNTIME_CONSTANTS = '''
import math
import numpy as np
import scipy.linalg
from scipy import special

def f(x, A, b):
    y = x
    y += 1.0  # a number here: += rebinds y (an array would be refused where it runs)
    return y * x + math.lgamma(x) + np.sum(scipy.linalg.solve(A * x, b))
'''


def test_literal_constants_of_the_runtime_are_copied(tmp_path):
    """number_or_refuse, scalar_polygamma (math.lgamma's derivative) and general_or_refuse read tuples of adjoint.runtime:
    gen refused them as objects it could neither write nor import."""
    path = write(tmp_path, "constants_model", RUNTIME_CONSTANTS)
    out = tmp_path / "out"
    out.mkdir()
    assert gen(f"{path}:f", "-o", out / "grad_constants.py") == 0
    assert gen(f"{path}:f", "--mode", "forward", "-o", out / "jvp_constants.py") == 0
    text = (out / "grad_constants.py").read_text()
    assert "\nIN_PLACE_OPERATORS = (" in text and "\nBERNOULLI = (" in text and "\n_GENERAL = (" in text
    A, b = [[2.0, 0.3], [0.1, 1.5]], [0.4, -0.7]
    got = run_without_adjoint(tmp_path, out, f'''
        import json
        import numpy as np
        from grad_constants import grad_f, InPlaceChangeError
        from jvp_constants import jvp_f
        A, b = np.array({A}), np.array({b})
        try:
            grad_f(np.array([0.5]), A, b)
        except InPlaceChangeError as error:
            refused = str(error)
        print(json.dumps([grad_f(0.7, A, b), list(jvp_f(0.7, A, b, dx=1.0)), refused]))
    ''')
    user = load(path, "constants_reference")
    A, b = np.array(A), np.array(b)
    expected = adjoint.grad(user.f)(0.7, A, b)
    assert got[0] == pytest.approx(expected, rel=1e-12)
    assert got[1] == pytest.approx([user.f(0.7, A, b), expected], rel=1e-12)
    h = 1e-6
    assert got[0] == pytest.approx((user.f(0.7 + h, A, b) - user.f(0.7 - h, A, b)) / (2 * h), rel=1e-6)
    # where the refusal is, the file relative to the module's directory (it said only what)
    assert got[2].startswith("../constants_model.py:9: this writes in place into memory that `x` may share")


HAND_WRITTEN = '''
import math

def grad_f(x):  # the user's own, to compare with
    return math.cos(x) + 2.0 * x

def bwd_f(x):
    return -x

def f(x):
    return math.sin(x) + x * x
'''


@pytest.mark.parametrize("mode, names", [("reverse", ["grad_f"]), ("forward_pass", ["fwd_f", "bwd_f"])])
def test_the_module_exports_its_documented_names(mode, names, tmp_path):
    """With a grad_f of the user's in the file, the derivative was generated as grad_f_2 and the
    module had no grad_f."""
    path = write(tmp_path, "hand_model", HAND_WRITTEN)
    out = tmp_path / "out"
    out.mkdir()
    assert gen(f"{path}:f", "--mode", mode, "-o", out / "derived.py") == 0
    got = run_without_adjoint(tmp_path, out, '''
        import json
        import derived
        if derived.__all__ == ["grad_f"]:
            result = derived.grad_f(0.7)
        else:
            value, residuals = derived.fwd_f(0.7)
            result = derived.bwd_f(1.0, residuals)
        print(json.dumps([derived.__all__, derived.__doc__, result]))
    ''')
    assert got[0] == names
    assert got[1].startswith(f"{names[0]}(x)")
    assert got[2] == pytest.approx(math.cos(0.7) + 1.4, rel=1e-14)


def test_numba_module_of_scalar_code_imports(tmp_path):
    """The copied numba helpers read `np` (an annotation `-> np.ndarray` evaluated at their def),
    but numpy was imported only when the derivative itself used it: a derivative of math alone
    failed at import with a NameError."""
    pytest.importorskip("numba")
    path = write(tmp_path, "scalar_model", SCALAR)
    out = tmp_path / "out"
    out.mkdir()
    assert gen(f"{path}:f", "--wrt", "x,y", "--backend", "numba", "-o", out / "grad_numba.py") == 0
    got = run_without_adjoint(tmp_path, out, '''
        import json
        from grad_numba import grad_f
        print(json.dumps(list(grad_f(0.7, 1.3))))
    ''')
    np.testing.assert_allclose(got, [math.cos(0.7) * 1.3 + 1.4, math.sin(0.7)], rtol=1e-14)


# ----- the same module wherever the command runs ------------------------------------------------

IN_PLACE = '''
import numpy as np

def f(x):
    y = x
    y += 1.0
    return np.sum(y * x)
'''


def test_file_names_in_the_module_are_relative_to_it(tmp_path, monkeypatch, capsys):
    """A run-time refusal carries the file and line of the user's code: the name was the path as
    typed on the command line, so the module depended on the directory gen ran in, and `--check`
    from any other directory said it was stale."""
    texts = []
    for where in ("one", "two/deeper"):
        root = tmp_path / where
        (root / "src").mkdir(parents=True)
        (root / "out").mkdir()
        write(root / "src", "inplace_model", IN_PLACE)
        monkeypatch.chdir(root if where == "one" else root / "out")
        source = "src/inplace_model.py" if where == "one" else "../src/inplace_model.py"
        target = "out/grad_inplace.py" if where == "one" else "grad_inplace.py"
        assert gen(f"{source}:f", "-o", target) == 0
        texts.append((root / "out" / "grad_inplace.py").read_text())
    assert texts[0] == texts[1]
    assert "'../src/inplace_model.py', 6)" in texts[0] and str(tmp_path) not in texts[0]
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert gen("--check", tmp_path / "one" / "out" / "grad_inplace.py") == 0, capsys.readouterr().err


# ----- functions marked for the derivative ------------------------------------------------------

MARKED = '''
import numpy as np
import adjoint
from adjoint import checkpoint

@adjoint.checkpoint
def block(x, W):
    return np.tanh(W @ x)

@checkpoint
def scale(x):
    return 1.5 * x

def f(x, W):
    for _ in range(3):
        x = scale(block(x, W))
    return np.sum(x * x)
'''


def test_a_function_marked_checkpoint_is_copied_without_its_marker(tmp_path):
    """It was imported from the user's file (a decorated function), which imports adjoint: the
    module failed to import where adjoint is not installed."""
    path = write(tmp_path, "marked_model", MARKED)
    out = tmp_path / "out"
    out.mkdir()
    assert gen(f"{path}:f", "--wrt", "x,W", "-o", out / "grad_marked.py") == 0
    text = (out / "grad_marked.py").read_text()
    assert "\ndef block(x, W):\n" in text and "marked_model" not in text.split('"""')[1]
    x, W = [0.1, 0.2], [[0.5, 0.1], [-0.2, 0.9]]
    got = run_without_adjoint(tmp_path, out, f'''
        import json
        import numpy as np
        from grad_marked import grad_f
        dx, dW = grad_f(np.array({x}), np.array({W}))
        print(json.dumps([dx.tolist(), dW.tolist()]))
    ''')
    user = load(path, "marked_reference")
    x, W = np.array(x), np.array(W)
    expected = adjoint.grad(user.f, wrt=("x", "W"))(x, W)
    np.testing.assert_allclose(got[0], expected[0], rtol=1e-12)
    np.testing.assert_allclose(got[1], expected[1], rtol=1e-12)
    np.testing.assert_allclose(got[0], central_difference(lambda v: user.f(v, W), x), rtol=1e-6)


# ----- what gen says besides the module ---------------------------------------------------------

ZERO_GRADIENT = '''
def f(x, n):
    if n > 2.0:
        return x * 2.0
    return x
'''

IMPORTS_ADJOINT = '''
import numpy as np
import adjoint

W = np.array([0.5, -0.5])

def f(x):
    return np.sum(adjoint.stop_gradient(W) * x * x)
'''


def test_gen_gives_the_warnings_of_the_generation(tmp_path, capsys):
    """The AdjointWarning of a parameter whose gradient is zero by construction was not shown."""
    path = write(tmp_path, "zero_model", ZERO_GRADIENT)
    assert gen(f"{path}:f", "--wrt", "x,n", "-o", tmp_path / "grad_zero.py") == 0
    err = capsys.readouterr().err
    assert f"adjoint gen: warning: {path}:3: the derivative of f with respect to `n` is zero" in err


def test_a_module_needing_adjoint_through_the_users_file_says_so(tmp_path, capsys):
    """The header said `adjoint is not needed to run it` of a module importing W from a file
    that imports adjoint."""
    path = write(tmp_path, "importing_model", IMPORTS_ADJOINT)
    assert gen(f"{path}:f", "-o", tmp_path / "grad_importing.py") == 0
    text = (tmp_path / "grad_importing.py").read_text()
    assert "# imports: importing_model, numpy (importing_model imports adjoint, which is then needed to run it)" in text
    assert "adjoint is not needed" not in text
    err = capsys.readouterr().err
    assert "warning: the module imports W from importing_model, which imports adjoint" in err


RECORD_PARAMETER = '''
from typing import NamedTuple
import numpy as np

class Layer(NamedTuple):
    W: np.ndarray
    b: float

def f(layer: Layer, x):
    return np.sum(np.tanh(layer.W @ x + layer.b))
'''


def test_a_record_parameter_is_refused_saying_why_in_code_without_arguments(tmp_path, capsys):
    """The refusal said adjoint differentiates the fields of NamedTuples, of a parameter that is one."""
    path = write(tmp_path, "record_model", RECORD_PARAMETER)
    assert gen(f"{path}:f") == 1
    err = capsys.readouterr().err
    assert f"{path}:10: reading attribute `W` of the differentiated parameter `layer`" in err
    assert "what `layer` holds is not known: code generated without example arguments" in err


def test_a_parameter_named_twice_in_forward_mode_is_refused(tmp_path, capsys):
    """--mode forward with --wrt x,x failed with a traceback (a SyntaxError inside the generator:
    jvp_f(x, *, dx, dx)), and so did adjoint.jvp(f, wrt=("x", "x")); reverse mode gives the
    gradient once for each time wrt names the parameter, as before."""
    path = write(tmp_path, "twice_model", SCALAR)
    assert gen(f"{path}:f", "--wrt", "x,0", "--mode", "forward") == 1
    assert "names the parameter 'x' twice: forward mode takes one tangent for each parameter" in capsys.readouterr().err
    assert gen(f"{path}:f", "--wrt", "x,0", "-o", tmp_path / "grad_twice.py") == 0
    assert load(tmp_path / "grad_twice.py", "grad_twice").grad_f(0.7, 1.3) == pytest.approx(
        (math.cos(0.7) * 1.3 + 1.4,) * 2, rel=1e-15)
    user = load(path, "twice_reference")
    with pytest.raises(adjoint.AdjointError, match="names the parameter 'y' twice"):
        adjoint.jvp(user.f, wrt=("y", "x", 1))(0.7, 1.3, 1.0, 1.0, 1.0)


# ----- what gen writes, and where ---------------------------------------------------------------

WEIGHTS = '''
import numpy as np

W = np.array([1.0, 2.0])

def f(x):
    return np.sum(W * x * x)
'''


def test_gen_does_not_write_over_a_file_it_did_not_write(tmp_path, capsys):
    """-o naming the user's source (or any file not written by gen) replaced it with the module."""
    path = write(tmp_path, "weights_model", WEIGHTS)
    helper = write(tmp_path, "notes", "# the user's own file\n")
    before = path.read_bytes(), helper.read_bytes()
    for target in (path, helper):
        assert gen(f"{path}:f", "-o", target) == 1
        assert "exists and was not written by `adjoint gen`" in capsys.readouterr().err
    assert (path.read_bytes(), helper.read_bytes()) == before
    out = tmp_path / "grad_weights.py"
    assert gen(f"{path}:f", "-o", out) == 0
    assert gen(f"{path}:f", "--mode", "forward", "-o", out) == 0  # its own module it replaces
    assert "def jvp_f(" in out.read_text() and path.read_bytes() == before[0]


def test_a_module_named_like_a_module_it_imports_is_refused(tmp_path, capsys):
    """-o out/weights_model.py wrote `from weights_model import W` into weights_model.py, which
    then imported itself (ImportError: partially initialized module)."""
    path = write(tmp_path, "weights_model", WEIGHTS)
    (tmp_path / "out").mkdir()
    assert gen(f"{path}:f", "-o", tmp_path / "out" / "weights_model.py") == 1
    assert "would import itself" in capsys.readouterr().err
    assert not (tmp_path / "out" / "weights_model.py").exists()


INFINITE_CONSTANT = '''
import numpy as np

LIMIT = float("inf")

def f(x):
    return np.sum(np.minimum(x, LIMIT) * x)
'''

KEYWORD_ONLY = '''
def f(x, y=2.0, *, z=3.0):
    return x * y + z * x * x
'''


def test_numba_writes_infinite_constants_and_refuses_keyword_only_parameters(tmp_path, capsys):
    """The numba module wrote `LIMIT = inf` (a NameError at import, in-process with backend='auto'
    too), and compiled jvp/grad functions with keyword-only parameters that numba then called
    without their defaults (TypeError: not enough arguments) instead of refusing them."""
    pytest.importorskip("numba")
    path = write(tmp_path, "limit_model", INFINITE_CONSTANT)
    out = tmp_path / "out"
    out.mkdir()
    assert gen(f"{path}:f", "--backend", "numba", "-o", out / "grad_limit.py") == 0
    assert "\nLIMIT = float('inf')\n" in (out / "grad_limit.py").read_text()
    got = run_without_adjoint(tmp_path, out, '''
        import json
        import numpy as np
        from grad_limit import grad_f
        print(json.dumps(grad_f(np.array([0.5, -1.5])).tolist()))
    ''')
    assert got == [1.0, -3.0]
    keyword = write(tmp_path, "keyword_model", KEYWORD_ONLY)
    assert gen(f"{keyword}:f", "--backend", "numba") == 1
    assert f"{keyword}:2: the numba backend cannot compile the derivative grad_f: numba takes neither " \
           "keyword-only parameters with defaults nor *args or **kwargs: z=3.0" in capsys.readouterr().err
    user = load(keyword, "keyword_reference")
    with pytest.warns(adjoint.AdjointWarning, match="keyword-only parameters with defaults"):
        assert adjoint.grad(user.f, backend="auto")(0.4) == pytest.approx(2.0 + 6.0 * 0.4)


def test_an_infinite_constant_is_written_into_the_python_module(tmp_path):
    """It was imported from the user's file (repr gives `inf`, no literal), which must then be importable."""
    path = write(tmp_path, "limit_model", INFINITE_CONSTANT)
    out = tmp_path / "out"
    out.mkdir()
    assert gen(f"{path}:f", "--mode", "value_and_grad", "-o", out / "vg_limit.py") == 0
    text = (out / "vg_limit.py").read_text()
    assert "\nLIMIT = float('inf')\n" in text and "limit_model" not in text.split('"""')[1]
    got = run_without_adjoint(tmp_path, out, '''
        import json
        import numpy as np
        from vg_limit import value_and_grad_f
        value, gradient = value_and_grad_f(np.array([0.5, -1.5]))
        print(json.dumps([value, gradient.tolist()]))
    ''')
    assert got == [0.25 + 2.25, [1.0, -3.0]]


PARTIAL = '''
import functools
import numpy as np

def scaled(x, k):
    return k * x ** 2

half = functools.partial(scaled, k=0.5)

def f(x):
    return np.sum(half(x) * x)
'''


def test_a_partial_of_the_users_module_is_followed(tmp_path, capsys):
    """Writing the header failed with `cannot differentiate functools.partial object
    functools.partial(<function scaled at 0x...>, k=0.5)`, no line, exit 1; adjoint.grad takes it."""
    path = write(tmp_path, "partial_model", PARTIAL)
    out = tmp_path / "out"
    out.mkdir()
    assert gen(f"{path}:f", "-o", out / "grad_partial.py") == 0, capsys.readouterr().err
    text = (out / "grad_partial.py").read_text()
    assert "# source partial_model.scaled: sha256 " in text and "\nk = 0.5\n" in text
    got = run_without_adjoint(tmp_path, out, '''
        import json
        import numpy as np
        from grad_partial import grad_f
        print(json.dumps(grad_f(np.array([0.5, -1.5])).tolist()))
    ''')
    np.testing.assert_allclose(got, 1.5 * np.array([0.5, -1.5]) ** 2, rtol=1e-15)
    user = load(path, "partial_reference")
    np.testing.assert_allclose(got, adjoint.grad(user.f)(np.array([0.5, -1.5])), rtol=1e-15)


DERIVATIVE_INSIDE = '''
import math
import adjoint

def g(x, y):
    return math.sin(x) * y * y

def f(x, y):
    return adjoint.grad(g)(x, y) * y
'''


def test_a_derivative_taken_inside_is_refused_at_its_line(tmp_path, capsys):
    """gen writes no derivative taken inside the function (README); the refusal named no line."""
    path = write(tmp_path, "inside_model", DERIVATIVE_INSIDE)
    assert gen(f"{path}:f") == 1
    err = capsys.readouterr().err
    assert "takes a derivative inside it (`adjoint.grad`, at " in err
    assert f"{path}:9\n    return adjoint.grad(g)(x, y) * y\n           ^^^^^^^^^^^^" in err


FROM_IMPORTS = '''
import numpy as np
import adjoint
from scipy.stats import norm
from scipy.special import logsumexp, xlogy

def f(mu, x):
    return np.sum(norm.logpdf(x, loc=mu, scale=2.0)) + logsumexp(x * mu) + np.sum(xlogy(x, x + mu))
'''


def test_objects_the_user_imports_by_name_are_imported_as_the_user_does(tmp_path):
    """norm and xlogy were imported from the user's file (`from stats_model import norm`), which
    imports adjoint, and logsumexp from SciPy's private scipy.special._logsumexp."""
    path = write(tmp_path, "stats_model", FROM_IMPORTS)
    out = tmp_path / "out"
    out.mkdir()
    assert gen(f"{path}:f", "--wrt", "mu,x", "-o", out / "grad_stats.py") == 0
    text = (out / "grad_stats.py").read_text()
    assert "\nfrom scipy.stats import norm\n" in text and "\nfrom scipy.special import logsumexp\n" in text
    assert "\nfrom scipy.special import xlogy\n" in text and "stats_model" not in text.split('"""')[1]
    assert "# imports: numpy, scipy (adjoint is not needed to run it)" in text
    x = [0.5, 1.5, 2.0]
    got = run_without_adjoint(tmp_path, out, f'''
        import json
        import numpy as np
        from grad_stats import grad_f
        dmu, dx = grad_f(0.3, np.array({x}))
        print(json.dumps([dmu, dx.tolist()]))
    ''')
    user = load(path, "stats_reference")
    x = np.array(x)
    dmu, dx = adjoint.grad(user.f, wrt=("mu", "x"))(0.3, x)
    assert got[0] == pytest.approx(dmu, rel=1e-12)
    np.testing.assert_allclose(got[1], dx, rtol=1e-12)
    assert got[0] == pytest.approx((user.f(0.3 + 1e-6, x) - user.f(0.3 - 1e-6, x)) / 2e-6, rel=1e-6)


def test_the_users_imports_are_read_from_the_file_as_it_is_now(tmp_path):
    """The `from M import n as name` statements of the user's file are parsed once for each text of
    the file (a module asks them of every object it imports): a file changed since is parsed anew.
    A ufunc has no module of its own to be imported from but the user's import."""
    for function in ("ndtr", "expit"):
        path = write(tmp_path, "special_model", f"""
            from scipy.special import {function} as phi

            def f(x):
                return phi(x) * x
            """)
        assert gen(f"{path}:f", "-o", tmp_path / f"grad_{function}.py") == 0
        text = (tmp_path / f"grad_{function}.py").read_text()
        assert f"\nfrom scipy.special import {function} as phi\n" in text, text


def test_check_of_a_module_redirected_elsewhere_says_what_to_do(tmp_path, monkeypatch, capsys):
    """A module written to standard output into another directory records its source relative to
    where gen ran: --check said only `no such file`."""
    write(tmp_path, "scalar_model", SCALAR)
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path)
    assert gen("scalar_model.py:f") == 0
    (tmp_path / "out" / "grad_scalar.py").write_text(capsys.readouterr().out)
    assert gen("--check", "out/grad_scalar.py") == 1
    err = capsys.readouterr().err
    assert "the module was written to standard output, from another directory; regenerate it with -o" in err


# ----- found while probing: np.linalg.eigh at a repeated eigenvalue ------------------------------

REPEATED_EIGENVALUES = '''
import numpy as np

def f(x):
    M = np.outer(x, x) + np.eye(3)  # eigenvalues 1, 1, 1 + |x|^2
    w, V = np.linalg.eigh(M)
    return np.sum(w ** 2)
'''


def test_eigh_eigenvalues_alone_at_a_repeated_eigenvalue(tmp_path):
    """sum(w ** 2) is |M|_F^2, smooth, but its gradient was NaN: the adjoint of the unread
    eigenvectors (zero) times 1 / (w_j - w_i) = inf at the repeated eigenvalue."""
    path = write(tmp_path, "eigen_model", REPEATED_EIGENVALUES)
    out = tmp_path / "out"
    out.mkdir()
    assert gen(f"{path}:f", "-o", out / "grad_eigen.py") == 0
    x = [0.1, 0.2, -0.3]
    got = run_without_adjoint(tmp_path, out, f'''
        import json
        import numpy as np
        from grad_eigen import grad_f
        print(json.dumps(grad_f(np.array({x})).tolist()))
    ''')
    user = load(path, "eigen_reference")
    x = np.array(x)
    expected = 4 * (np.dot(x, x) + 1) * x  # d/dx |x x^T + I|_F^2
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    np.testing.assert_allclose(adjoint.grad(user.f)(x), expected, rtol=1e-12)
    np.testing.assert_allclose(central_difference(user.f, x), expected, rtol=1e-6)


LAMBDA_TARGET = '''
import numpy as np

energy = lambda x: np.sum(x * x * x)
'''


def test_a_lambda_given_by_its_name_exports_grad_of_that_name(tmp_path):
    """gen PATH.py:energy for `energy = lambda x: ...` wrote grad_lambda_ and no grad_energy."""
    path = write(tmp_path, "lambda_model", LAMBDA_TARGET)
    out = tmp_path / "out"
    out.mkdir()
    assert gen(f"{path}:energy", "-o", out / "grad_lambda.py") == 0
    got = run_without_adjoint(tmp_path, out, '''
        import json
        import numpy as np
        import grad_lambda
        print(json.dumps([grad_lambda.__all__, grad_lambda.__doc__, grad_lambda.grad_energy(np.array([1.0, -2.0])).tolist()]))
    ''')
    assert got == [["grad_energy"], "grad_energy(x): the gradient of energy with respect to x.", [3.0, 12.0]]


# ----- containers in code generated without example arguments -----------------------------------

KEYED_PARAMETERS = '''
import numpy as np

def profile(params, x):
    centre, width = params["bump"]
    return np.exp(-((x - centre) / width) ** 2)

def f(params, x):
    return np.sum(profile(params, x)) * np.exp(params["rate"])
'''

ITEMS_OF_A_LIST = '''
def penalty(config):
    total = 0.0
    for v in config:
        total = total + v * v
    return total

def f(configs):
    cost = 0.0
    for i in range(len(configs)):
        config = configs[i]
        cost = cost + penalty(config) + config[0] * config[1]
    return cost
'''

TWO_CALLS = '''
import numpy as np

def net(params, x):
    for W, b in params:
        x = np.tanh(x @ W + b)
    return x

def f(params, x):
    return np.sum(net(params, x)) + np.sum(net(params, -x) ** 2)
'''


def _flat(tree):
    if isinstance(tree, dict):
        return [v for key in sorted(tree) for v in _flat(tree[key])]
    if isinstance(tree, (list, tuple)):
        return [v for item in tree for v in _flat(item)]
    return list(np.ravel(tree))


def _rebuild(tree, values):
    if isinstance(tree, dict):
        return {key: _rebuild(tree[key], values) for key in sorted(tree)}
    if isinstance(tree, (list, tuple)):
        return type(tree)(_rebuild(item, values) for item in tree)
    if isinstance(tree, np.ndarray):
        return np.array([values.pop(0) for _ in range(tree.size)]).reshape(tree.shape)
    return values.pop(0)


@pytest.mark.parametrize("name, source, make", [
    # dparams = add_at(0.0, params, 'rate', ...) + dparams_1: TypeError, dict + dict
    ("keyed_model", KEYED_PARAMETERS, lambda: ({"bump": np.array([0.4, 0.3]), "rate": -0.2}, np.linspace(0, 1, 5))),
    # dconfig = dconfig + dconfig_2: TypeError, float + list (or two lists joined)
    ("items_model", ITEMS_OF_A_LIST, lambda: ([[0.5, -1.0, 0.25], [1.5, 0.5, -0.3]],)),
    # dparams = dparams_2 + dparams_1 joined two lists: ContainerArithmeticError at run time
    ("calls_model", TWO_CALLS, lambda: ([(np.eye(2) * 0.5, np.array([0.1, -0.2])), (np.ones((2, 2)) * 0.3, np.zeros(2))],
                                        np.array([[1.0, -0.5], [0.2, 0.3]]))),
], ids=["dict", "list-items", "two-calls"])
def test_gradients_of_containers_add_entry_by_entry(name, source, make, tmp_path):
    """The first parameter's gradient, in code generated without example arguments (gen): it was
    added with `+`, which failed on dicts or joined lists; adjoint.grad, which knows the kinds, was right."""
    path = write(tmp_path, name, source)
    out = tmp_path / f"grad_{name}.py"
    assert gen(f"{path}:f", "-o", out) == 0
    written, user = load(out, f"written_{name}"), load(path, f"reference_{name}")
    args = make()
    got = written.grad_f(*args)
    expected = adjoint.grad(user.f)(*args)
    np.testing.assert_allclose(_flat(got), _flat(expected), rtol=1e-12)
    first = _flat(args[0])
    differences = []
    for i in range(len(first)):
        up, down = list(first), list(first)
        up[i] += 1e-6
        down[i] -= 1e-6
        differences.append((user.f(_rebuild(args[0], up), *args[1:]) - user.f(_rebuild(args[0], down), *args[1:])) / 2e-6)
    np.testing.assert_allclose(_flat(got), differences, rtol=1e-6, atol=1e-8)


RECORD_IN_A_LIST = '''
from dataclasses import dataclass

@dataclass
class Point:
    a: float
    b: float

def f(p):
    points = [p, p]
    first = points[0]
    return first.a * 2.0 + points[1].a * first.b
'''


def test_the_items_of_a_list_display_add_their_gradients_entry_by_entry(tmp_path):
    """dp = item_adjoint(dpoints, 0) + item_adjoint(dpoints, 1) failed (TypeError: dict + dict)
    for a dataclass p in code generated without example arguments."""
    path = write(tmp_path, "points_model", RECORD_IN_A_LIST)
    out = tmp_path / "grad_points.py"
    assert gen(f"{path}:f", "-o", out) == 0
    written, user = load(out, "written_points"), load(path, "reference_points")
    got = written.grad_f(user.Point(1.0, 2.0))
    assert isinstance(got, user.Point) and (got.a, got.b) == (2.0 + 2.0, 1.0)
    assert adjoint.grad(user.f)(user.Point(1.0, 2.0)) == got
