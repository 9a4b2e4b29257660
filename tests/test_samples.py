"""Every sample runs as `python samples/NAME.py` and shows what it promises."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from adjoint.cli import main

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def run(relative: str) -> str:
    env = dict(os.environ, PYTHONPATH=str(SAMPLES.parent))
    result = subprocess.run([sys.executable, str(SAMPLES / relative)], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def numbers_after(label: str, text: str):
    return [float(match) for match in re.findall(re.escape(label) + r"\s*([-+0-9.e]+)", text)]


def test_quickstart():
    out = run("quickstart.py")
    assert "def grad_f(x, y):" in out and "grad f(2.0, 3.0) =" in out


def test_helium_reproduces_the_seed_and_lowers_the_energy():
    out = run("helium.py")
    assert "E = -3.715315687004636, dE/dalpha = -0.4440458688776" in out
    energies = numbers_after("<E> =", out)
    assert energies[-1] < -2.85 and energies[-1] < energies[0]


def test_mlp_loss_falls():
    losses = numbers_after("loss", run("mlp.py"))
    assert len(losses) >= 10 and losses[-1] < 0.5 * losses[0]


def test_rnn_clip_learns_where_unclipped_gradients_explode():
    rows = [line.split(":")[1].split() for line in run("rnn_clip.py").splitlines() if line.startswith("steps")]
    unclipped, clipped = [float(row[0]) for row in rows], [float(row[1]) for row in rows]
    assert unclipped[-1] > 1e6 and clipped[-1] < 0.5 * clipped[0]


def test_newton_converges_to_the_minimum():
    out = run("newton.py")
    assert "[[1330.  480.]" in out
    assert numbers_after("|x - 1| =", out)[-1] < 1e-10


def test_scipy_fit_converges_with_both_optimizers():
    pytest.importorskip("scipy")
    out = run("scipy_fit.py")
    assert out.count("success True") == 2
    weights = [[float(w) for w in line.split("weights [")[1].split("]")[0].split()] for line in out.splitlines()
               if "weights" in line]
    for fitted in weights:
        assert max(abs(a - b) for a, b in zip(fitted, (1.5, -2.0, 0.5))) < 0.1
    assert numbers_after("largest difference between the fits:", out)[0] < 1e-5


def test_dask_sums_shard_gradients_into_the_whole_gradient():
    pytest.importorskip("dask.distributed")
    pytest.importorskip("scipy")
    out = run("dask/train.py")
    losses = numbers_after("loss", out)
    assert len(losses) == 4 and losses[-1] < 0.6 * losses[0]
    assert numbers_after("largest difference", out)[0] < 1e-9


def test_offline_trains_without_adjoint():
    out = run("offline/train.py")
    assert "adjoint imported: False" in out
    losses = numbers_after("loss", out)
    assert losses[-1] < 0.5 * losses[0]


def test_offline_module_is_what_adjoint_gen_writes_today(capsys):
    status = main(["gen", "--check", str(SAMPLES / "offline" / "grad_model.py")])
    assert status == 0, capsys.readouterr().err


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.py")))
def test_every_sample_has_a_test(name):
    assert f'run("{name}")' in Path(__file__).read_text()
