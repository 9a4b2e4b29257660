"""Loops unrolled over a table of functions (normalize/unroll.py): what the derivative depends on.

The derivatives are checked in soundness_varargs.py; here, that a change of the table's
keys regenerates the derivative, that a change of a value is read when it runs, and that
such a derivative stays out of the disk cache.
"""
from __future__ import annotations

import textwrap

import numpy as np

import adjoint
from adjoint.backend import cache
from adjoint.options import Options
from adjoint.pipeline import generate

PENALTIES = {"square": lambda v: np.sum(v ** 2), "cube": lambda v: np.sum(v ** 3)}


def mixed(weights):
    def objective(x):
        return sum(weight * PENALTIES[name](x) for name, weight in weights.items())
    return objective


def test_the_body_is_copied_once_an_entry_in_the_tables_order():
    source = adjoint.source(mixed({"cube": 2.0, "square": 1.0}))
    assert source.index("weights['cube']") < source.index("weights['square']")
    code = [line for line in source.splitlines() if not line.strip().startswith("#")]
    assert not any("PENALTIES[" in line for line in code)


def test_a_new_key_regenerates_and_a_new_weight_is_read():
    weights = {"square": 1.0}
    gradient = adjoint.grad(mixed(weights))
    x = np.array([1.0, 2.0])
    np.testing.assert_allclose(gradient(x), 2.0 * x)
    weights["square"] = 3.0
    np.testing.assert_allclose(gradient(x), 6.0 * x)
    weights["cube"] = 1.0
    np.testing.assert_allclose(gradient(x), 6.0 * x + 3.0 * x ** 2)
    del weights["square"]
    np.testing.assert_allclose(gradient(x), 3.0 * x ** 2)


def test_a_function_of_the_table_rebound_regenerates():
    table = {"f": np.sin}

    def objective(x):
        total = 0.0
        for name in table:
            total = total + np.sum(table[name](x))
        return total

    gradient = adjoint.grad(objective)
    x = np.array([0.3, 0.4])
    np.testing.assert_allclose(gradient(x), np.cos(x))
    table["f"] = np.cos
    np.testing.assert_allclose(gradient(x), -np.sin(x))


MODEL = '''\
import numpy as np

TABLE = {"sine": np.sin, "square": np.square}


def loss(x):
    total = 0.0
    for name in TABLE:
        total = total + np.sum(TABLE[name](x))
    return total
'''


def test_an_unrolled_derivative_is_not_kept_on_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("ADJOINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ADJOINT_CACHE", raising=False)
    path = tmp_path / "unrolled_model.py"
    path.write_text(textwrap.dedent(MODEL))
    namespace: dict = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    before = cache.STATISTICS["stores"]
    generated = cache.generate_cached(namespace["loss"], Options("reverse", ("x",), True, None), generate)
    x = np.array([0.3, 0.4])
    np.testing.assert_allclose(generated.function(x), np.cos(x) + 2.0 * x)
    assert cache.STATISTICS["stores"] == before
    assert not list((tmp_path / "cache").glob("*.json"))
