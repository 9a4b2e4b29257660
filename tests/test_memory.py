"""What the derivative keeps for its adjoint sweep: rows of inputs are read again instead of
saved, values read only for their shape are saved as shared shape-only stand-ins, and the
2,000-step RNN's gradient holds at most 1.5 times the memory of the hand-written one."""
from __future__ import annotations

import importlib.util
import inspect

import numpy as np
import pytest

import adjoint
from adjoint import cli, runtime
from benchmarks.__main__ import main
from benchmarks.cases import with_numpy
from benchmarks.memory import LONG_RNN, long_rnn, measure, target_line


def test_the_long_rnn_gradient_keeps_at_most_one_and_a_half_times_the_hand_written_memory():
    line = target_line({LONG_RNN.name: measure(LONG_RNN, None)})  # autograd's peak is the table's, not the target's
    assert "[met ] rnn-2000" in line, line


def test_the_memory_table_and_target_print(capsys):
    status = main(["--memory", "--cases", "energy"])  # the smallest case: the table's rows, not the memory they report
    out = capsys.readouterr().out
    assert "\nenergy " in out and "autograd" in out and "rnn-2000: not measured" in out, out
    assert status == 0


def test_the_rnn_saves_its_state_and_the_shapes_of_its_products_only():
    source = adjoint.source(long_rnn, wrt=(0, 1), args=LONG_RNN.args())
    pushes = sorted(line.strip() for line in source.splitlines() if ".append(" in line)
    assert pushes == ["_stack.append(h)", "_stack.append(shape_only(_t3))", "_stack.append(shape_only(_t4))"]
    assert source.count("_t2 = xs[t]") == 2  # read in the primal sweep, read again in the adjoint sweep


def test_shape_only_shares_one_read_only_stand_in_per_shape_and_dtype():
    first, second = np.arange(6.0).reshape(2, 3), np.ones((2, 3))
    stand_in = runtime.shape_only(first)
    assert stand_in is runtime.shape_only(second)
    assert type(stand_in) is np.ndarray and stand_in.shape == (2, 3) and stand_in.dtype == first.dtype
    assert not stand_in.flags.writeable
    assert runtime.shape_only(np.ones((2, 3), dtype=np.float32)) is not stand_in
    assert runtime.unbroadcast(np.ones((4, 2, 3)), stand_in).tolist() == runtime.unbroadcast(
        np.ones((4, 2, 3)), first).tolist()


@pytest.mark.parametrize("value", [1.5, 3, [1.0, 2.0], np.float64(2.0), np.ma.masked_array([1.0, 2.0]), None])
def test_shape_only_gives_anything_but_a_plain_array_back_unchanged(value):
    assert runtime.shape_only(value) is value


def test_hessian_vector_product_through_shape_only_saves_matches_autograd():
    autograd = pytest.importorskip("autograd")
    rng = np.random.default_rng(3)
    Wx, Wh, xs, h = LONG_RNN.make_args(rng)
    xs = xs[:5]
    direction = rng.normal(size=Wx.shape)
    expected = autograd.hessian_vector_product(with_numpy(long_rnn, autograd.numpy))(Wx, Wh, xs, h, direction)
    product = adjoint.hvp(long_rnn, wrt=0)(Wx, Wh, xs, h, direction)
    np.testing.assert_allclose(product, expected, rtol=1e-10, atol=1e-12)


def test_adjoint_gen_writes_shape_only_into_the_standalone_module(tmp_path):
    model = tmp_path / "recurrent.py"
    model.write_text(inspect.getsource(long_rnn).join(["import numpy as np\n\n\n", ""]))
    written = tmp_path / "grad_recurrent.py"
    assert cli.main(["gen", f"{model}:long_rnn", "--wrt", "Wx,Wh", "-o", str(written)]) == 0
    assert "_stack.append(shape_only(_t3))" in written.read_text()
    spec = importlib.util.spec_from_file_location("grad_recurrent", written)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    args = LONG_RNN.make_args(np.random.default_rng(4))
    for standalone, expected in zip(module.grad_long_rnn(*args), adjoint.grad(long_rnn, wrt=(0, 1))(*args)):
        np.testing.assert_allclose(standalone, expected, rtol=1e-12)
