"""Derivatives of derivatives are generated alike in every process, whatever the hash seed: the
names a transform makes up do not follow the order of a set of strings."""
from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

SCRIPT = """
import adjoint
from benchmarks.cases import energy
derivative = energy
for _ in range(3):
    derivative = adjoint.grad(derivative, wrt=6)
print(adjoint.source(derivative, wrt=6, args=(2.0, 3.0, 2.0, 5.0, 3.0, -3.0, 0.3)))
"""


@pytest.mark.slow
def test_a_fourth_derivative_is_the_same_code_in_every_process():
    root = pathlib.Path(__file__).resolve().parents[1]
    outputs = []
    for seed in ("1", "2", "7"):
        environment = dict(os.environ, PYTHONHASHSEED=seed, ADJOINT_CACHE="0")
        result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=root, capture_output=True, text=True,
                                env=environment, check=True)
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    assert "def grad_grad_grad_grad_energy" in outputs[0]
