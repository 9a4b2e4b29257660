"""Whole NumPy models: an MLP, softmax cross-entropy, a 50-step RNN and the usual activations.

Each is checked with `grad` over all its parameters against central differences along a
random direction (and jvp along the same direction), and against autograd running the
same source on autograd.numpy. A NumPy function without a rule is refused by name.
"""
from __future__ import annotations

import copy
import inspect
import types

import numpy as np
import pytest

import adjoint
import numpy_models as models

EPS = 1e-6


def along(fn, args, wrt, directions, eps):
    varied = list(copy.deepcopy(args))
    for position, step in zip(wrt, directions):
        varied[position] = varied[position] + eps * step
    return float(np.sum(fn(*varied)))


def check_projection(fn, args, wrt, rng, rtol=1e-6):
    """<grad f, v> and jvp(f)(v) both equal (f(x + eps v) - f(x - eps v)) / 2 eps."""
    gradients = adjoint.grad(fn, wrt=wrt)(*copy.deepcopy(args))
    directions = [rng.normal(size=np.shape(args[p])) for p in wrt]
    for position, gradient in zip(wrt, gradients):
        assert np.shape(gradient) == np.shape(args[position])
    expected = (along(fn, args, wrt, directions, EPS) - along(fn, args, wrt, directions, -EPS)) / (2 * EPS)
    projected = sum(float(np.sum(g * v)) for g, v in zip(gradients, directions))
    assert projected == pytest.approx(expected, rel=rtol, abs=rtol)
    value, tangent = adjoint.jvp(fn, wrt=wrt)(*copy.deepcopy(args), *directions)
    assert float(tangent) == pytest.approx(expected, rel=rtol, abs=rtol)
    return gradients


# ----- the models and their arguments ---------------------------------------------------------

def mlp_args(rng):
    x = rng.normal(size=(64, 100))
    w1 = rng.normal(size=(100, 64)) / 10.0
    w2 = rng.normal(size=(64, 10)) / 8.0
    return (w1, rng.normal(size=64) * 0.1, w2, rng.normal(size=10) * 0.1, x, rng.normal(size=(64, 10)))


def cross_entropy_args(rng):
    labels = np.eye(5)[rng.integers(0, 5, size=32)]
    return (rng.normal(size=(20, 5)) * 0.3, rng.normal(size=5) * 0.1, rng.normal(size=(32, 20)), labels)


def rnn_args(rng):
    return (rng.normal(size=(16, 16)) * 0.25, rng.normal(size=(16, 8)) * 0.25, rng.normal(size=(50, 8)),
            rng.normal(size=16) * 0.5)


MODELS = [
    pytest.param(models.mlp_loss, mlp_args, (0, 1, 2, 3), id="mlp"),
    pytest.param(models.softmax_cross_entropy, cross_entropy_args, (0, 1), id="softmax_cross_entropy"),
    pytest.param(models.rnn_loss, rnn_args, (0, 1), id="rnn"),
    pytest.param(models.activations_loss, lambda rng: (away_from_zero(rng, (4, 6)), rng.uniform(0.5, 1.5, size=6)),
                 (0, 1), id="activations"),
]


def away_from_zero(rng, shape):
    return rng.uniform(0.2, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)


@pytest.mark.parametrize("fn, make_args, wrt", MODELS)
def test_model_gradient_matches_central_differences(fn, make_args, wrt, rng) -> None:
    check_projection(fn, make_args(rng), wrt, rng)


def test_mlp_gradients_have_the_parameter_shapes(rng) -> None:
    args = mlp_args(rng)
    gradients = adjoint.grad(models.mlp_loss, wrt=(0, 1, 2, 3))(*args)
    assert [g.shape for g in gradients] == [(100, 64), (64,), (64, 10), (10,)]


def test_rnn_gradient_elementwise(rng) -> None:
    w_h, w_x, xs, target = rnn_args(rng)
    short = (w_h[:4, :4], w_x[:4, :3], xs[:50, :3], target[:4])
    adjoint.check_grad(models.rnn_loss, *short, wrt=(0, 1), rtol=1e-5, atol=1e-8)


VECTOR_FUNCTIONS = [models.relu, models.leaky_relu, models.sigmoid, models.softmax, models.log_softmax,
                    models.logsumexp]


@pytest.mark.parametrize("fn", VECTOR_FUNCTIONS, ids=lambda fn: fn.__name__)
def test_activation_vjp_and_jvp(fn, rng) -> None:
    x = away_from_zero(rng, (3, 5))
    value, pullback = adjoint.vjp(fn)(x)
    u = rng.normal(size=np.shape(value))
    v = rng.normal(size=x.shape)
    expected = (np.sum(u * fn(x + EPS * v)) - np.sum(u * fn(x - EPS * v))) / (2 * EPS)
    assert float(np.sum(pullback(u) * v)) == pytest.approx(expected, rel=1e-6, abs=1e-8)
    _, tangent = adjoint.jvp(fn)(x, v)
    np.testing.assert_allclose(tangent, (fn(x + EPS * v) - fn(x - EPS * v)) / (2 * EPS), rtol=1e-6, atol=1e-8)


def test_logsumexp_is_stable_and_exact(rng) -> None:
    x = rng.normal(size=(2, 4)) + np.array([[800.0], [-800.0]])
    gradient = adjoint.grad(lambda_free_logsumexp_sum)(x)
    shifted = x - x.max(axis=1, keepdims=True)
    np.testing.assert_allclose(gradient, np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True), rtol=1e-12)


def lambda_free_logsumexp_sum(x):
    return np.sum(models.logsumexp(x))


def test_constants_pass_through(rng) -> None:
    x = np.array([0.3, 1.7, -0.6, 0.9, 2.2])
    adjoint.check_grad(models.constants_pass_through, x, rtol=1e-6, atol=1e-8)


# ----- functions without a rule ---------------------------------------------------------------

def uses_fft(x):
    return np.sum(np.abs(np.fft.hfft(x)))


def cumsum_with_dtype(x):
    return np.sum(np.cumsum(x, dtype=np.float64))


def test_numpy_function_without_rule_is_named() -> None:
    with pytest.raises(adjoint.NonDifferentiableError) as info:
        adjoint.grad(uses_fft)(np.ones(4))
    message = str(info.value)
    assert "np.fft.hfft" in message and "register_adjoint" in message
    assert info.value.callee == "numpy.fft.hfft"
    assert info.value.lineno == inspect.getsourcelines(uses_fft)[1] + 1


def test_numpy_function_without_tangent_is_named() -> None:
    with pytest.raises(adjoint.NonDifferentiableError) as info:
        adjoint.jvp(uses_fft)(np.ones(4), np.ones(4))
    assert "np.fft.hfft" in str(info.value) and "register_tangent" in str(info.value)


def test_unsupported_keyword_is_named() -> None:
    with pytest.raises(adjoint.NonDifferentiableError) as info:
        adjoint.grad(cumsum_with_dtype)(np.ones(3))
    assert "np.cumsum" in str(info.value) and "it takes x, axis)" in str(info.value)


# ----- against autograd ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def autograd_models():
    anp = pytest.importorskip("autograd.numpy")
    source = inspect.getsource(models)
    copy_module = types.ModuleType("numpy_models_autograd", models.__doc__)
    copy_module.__file__ = models.__file__
    exec(compile(source, models.__file__, "exec"), copy_module.__dict__)
    copy_module.np = anp
    return copy_module


@pytest.mark.peers
@pytest.mark.parametrize("fn, make_args, wrt", MODELS)
def test_model_gradient_matches_autograd(fn, make_args, wrt, rng, autograd_models) -> None:
    autograd = pytest.importorskip("autograd")
    args = make_args(rng)
    gradients = adjoint.grad(fn, wrt=wrt)(*copy.deepcopy(args))
    peer = getattr(autograd_models, fn.__name__)
    for position, gradient in zip(wrt, gradients):
        expected = autograd.grad(peer, position)(*copy.deepcopy(args))
        np.testing.assert_allclose(gradient, expected, rtol=1e-9, atol=1e-12, err_msg=f"argument {position}")


@pytest.mark.peers
@pytest.mark.parametrize("fn", VECTOR_FUNCTIONS, ids=lambda fn: fn.__name__)
def test_activation_vjp_matches_autograd(fn, rng, autograd_models) -> None:
    autograd = pytest.importorskip("autograd")
    x = away_from_zero(rng, (3, 5))
    value, pullback = adjoint.vjp(fn)(x)
    u = rng.normal(size=np.shape(value))
    peer_vjp, _ = autograd.make_vjp(getattr(autograd_models, fn.__name__))(x)
    np.testing.assert_allclose(pullback(u), peer_vjp(u), rtol=1e-9, atol=1e-12)
