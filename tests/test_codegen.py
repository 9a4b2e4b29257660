"""Generated code as a product: golden sources, byte for byte, and determinism across processes.

Set ADJOINT_UPDATE_GOLDEN=1 to rewrite the golden files after an intended change, then
read the diff: every change to them is a change to what users read.
"""
from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import adjoint
import golden_functions as fns

GOLDEN = pathlib.Path(__file__).parent / "golden"

CASES = [
    ("mission", fns.mission, "reverse", (0, 1), (2.0, 3.0)),
    ("mission", fns.mission, "forward", 0, (2.0, 3.0)),
    ("branch", fns.branch, "reverse", 0, (0.5,)),
    ("polynomial", fns.polynomial, "reverse", 0, (0.5, [1.0, 2.0, 3.0])),
    ("logistic_map", fns.logistic_map, "reverse", (0, 1), (0.3, 3.2)),
    ("logistic_map", fns.logistic_map, "forward", 1, (0.3, 3.2)),
    ("halving", fns.halving, "reverse", 0, (7.0,)),
    ("first_large", fns.first_large, "reverse", 0, (0.45,)),
    ("call_and_combine", fns.call_and_combine, "reverse", (0, 1), (1.0, 2.0)),
    ("early_exit", fns.early_exit, "reverse", 0, (4.0,)),
    ("built_list", fns.built_list, "reverse", 0, (1.5, 4)),
    ("layer", fns.layer, "reverse", (0, 1), (np.ones((3, 2)), np.ones(2), np.ones((4, 3)))),
    ("clipped", fns.clipped, "reverse", 0, (0.2,)),
    ("overwrite", fns.overwrite, "reverse", 0, (0.5, 5)),
    ("mission", fns.mission, "value_and_grad", 0, (2.0, 3.0)),
    ("mission", fns.mission, "vjp", (0, 1), (2.0, 3.0)),
]
IDS = [f"{name}.{mode}" for name, _, mode, _, _ in CASES]


@pytest.mark.parametrize("name, fn, mode, wrt, args", CASES, ids=IDS)
def test_generated_source_matches_golden_file(name, fn, mode, wrt, args):
    generated = adjoint.source(fn, mode=mode, wrt=wrt, args=args)
    path = GOLDEN / f"{name}.{mode}.py"
    if os.environ.get("ADJOINT_UPDATE_GOLDEN"):
        path.write_text(generated)
    assert generated == path.read_text()


def test_second_order_source_matches_golden_file():
    generated = adjoint.source(adjoint.grad(fns.mission), mode="forward", args=(2.0, 3.0))
    path = GOLDEN / "mission.forward_over_reverse.py"
    if os.environ.get("ADJOINT_UPDATE_GOLDEN"):
        path.write_text(generated)
    assert generated == path.read_text()


def test_the_mission_example_reads_like_the_specification():
    generated = adjoint.source(fns.mission, wrt=(0, 1), args=(2.0, 3.0))
    body = [line.strip() for line in generated.splitlines()[1:] if line.strip() and not line.strip().startswith("#")]
    assert body == [
        "dz = 1.0",
        "da = dz",
        "db = dz",
        "dx = db * math.cos(x) + y * da",
        "dy = x * da",
        "return dx, dy",
    ]


SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
import numpy as np
import adjoint
import golden_functions as fns
for fn, args in [(fns.logistic_map, (0.3, 3.2)), (fns.layer, (np.ones((3, 2)), np.ones(2), np.ones((4, 3)))),
                 (fns.built_list, (1.5, 4)), (fns.overwrite, (0.5, 5))]:
    print(adjoint.source(fn, wrt=0, args=args))
    print(adjoint.source(fn, wrt=0))
"""


def test_generation_is_deterministic_across_processes_and_hash_seeds():
    outputs = []
    for seed in ("0", "1", "12345"):
        environment = dict(os.environ, PYTHONHASHSEED=seed, ADJOINT_CACHE="0")
        result = subprocess.run(
            [sys.executable, "-c", SCRIPT.format(tests=str(pathlib.Path(__file__).parent))],
            capture_output=True, text=True, env=environment, check=True,
        )
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    assert "def grad_logistic_map" in outputs[0]


CHECKED = [(n, f, m, w, a) for n, f, m, w, a in CASES if m in ("reverse", "forward") and n != "clipped"]


@pytest.mark.parametrize("name, fn, mode, wrt, args", CHECKED, ids=[f"{c[0]}.{c[2]}" for c in CHECKED])
def test_golden_derivatives_are_right(name, fn, mode, wrt, args):
    """The golden code is not only stable but correct: reverse mode against finite
    differences, forward mode against reverse mode. (value_and_grad and vjp share the reverse
    code of `mission`; `clipped` changes its gradient on purpose and is checked below.)"""
    positions = wrt if isinstance(wrt, tuple) else (wrt,)
    if mode == "forward":
        for position in positions:
            tangents = [1.0 if p == position else 0.0 for p in positions]
            _, tangent = adjoint.jvp(fn, wrt=wrt)(*args, *tangents)
            assert tangent == pytest.approx(adjoint.grad(fn, wrt=position)(*args), rel=1e-10)
        return
    for position in positions:
        adjoint.check_grad(fn, *args, wrt=position, rtol=1e-5, atol=1e-7)


def test_insert_grad_of_clips_the_adjoint():
    # d/dx 3 tanh(x) = 3 (1 - tanh^2 x); the block caps d(h) = 3 at 0.5 before it flows on.
    x = 0.2
    assert adjoint.grad(fns.clipped)(x) == pytest.approx(0.5 * (1 - np.tanh(x) ** 2), rel=1e-12)
