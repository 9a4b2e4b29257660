"""The benchmark runs end to end (`python -m benchmarks --quick`) and every gradient in it agrees
with the hand-written one. Speed is never asserted here: the figures are the benchmark's."""
from __future__ import annotations

import numpy as np
import pytest

from benchmarks import generation, harness
from benchmarks.cases import CASES
from benchmarks.__main__ import main


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hand_written_gradient_is_right(case):
    """The reference every peer is checked against is itself checked, by central differences."""
    args = case.args(quick=True)
    expected = harness._as_tuple(case.hand_gradient(*args))
    for position, gradient in zip(case.wrt, expected):
        value = np.array(args[position], dtype=float)
        direction = np.random.default_rng(1).normal(size=value.shape)
        step = 1e-6

        def at(t):
            moved = list(args)
            moved[position] = value + t * direction if value.shape else float(value + t * direction)
            return case.func(*moved)

        difference = (at(step) - at(-step)) / (2 * step)
        assert np.isclose(np.sum(gradient * direction), difference, rtol=1e-5, atol=1e-8), case.name


def test_seed_energy_value_and_derivative():
    """The helium energy at the seed notebook's inputs: E and dE/dalpha as the notebook prints them."""
    energy = CASES[0]
    args = energy.args()
    assert energy.func(*args) == pytest.approx(-3.715315687004636, rel=1e-12)
    assert energy.hand_gradient(*args) == pytest.approx(-0.44404586887760766, rel=1e-12)


@pytest.mark.slow
def test_quick_run_agrees_with_the_hand_written_gradients(capsys):
    status = main(["--quick", "--repeat", "1", "--budget", "0", "--peers", "autograd"])
    out = capsys.readouterr().out
    assert "MISMATCH" not in out
    assert status == 0
    table = out.split("Time per call", 1)[1]
    assert all(f"\n{case.name} " in table for case in CASES)


@pytest.mark.slow
def test_quick_generation_run_prints_every_entry(capsys, monkeypatch):
    """Every entry of the quick generation run has its row. The first entry is measured in a fresh
    process, as the benchmark measures each (`python -m benchmarks --generation-child`, which runs
    `measure_in_this_process` and prints the seconds); the others in this process, by the same
    function: thirteen fresh processes, each importing NumPy and adjoint, were most of this test's
    time and checked nothing more than the first."""
    measure_in_fresh_process, fresh = generation.measure_in_fresh_process, []

    def measure(spec, clock_name):
        if fresh:
            return generation.measure_in_this_process(spec)
        fresh.append(spec)
        return measure_in_fresh_process(spec, clock_name)

    monkeypatch.setattr(generation, "measure_in_fresh_process", measure)
    status = main(["--generation", "--quick", "--repeat", "1"])
    out = capsys.readouterr().out
    assert status == 0
    assert fresh == ["scalar:10"] and "failed:" not in out, out
    for row in ("scalar, lines", "numpy, lines", "helium energy, order", "tanh, elementwise, order",
                "wide scalar function"):
        assert row in out
