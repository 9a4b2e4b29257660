"""One check of a function in every mode: grad, value_and_grad, vjp, jvp and hvp (forward over
reverse) and grad of grad against central differences, against autograd where it runs the function
(`peer`), and the arguments left as they were."""
from __future__ import annotations

import copy
import importlib.util
import inspect
import types

import numpy as np
import pytest

import adjoint
from soundness import central_differences, directional_difference, flat, with_flat
from test_catalogue_fd import assert_unchanged

RTOL, ATOL = 1e-6, 1e-7
HAS_SCIPY = importlib.util.find_spec("scipy") is not None


def skip_without_scipy(func) -> None:
    """The programs that import SciPy run where it is installed."""
    if not HAS_SCIPY and "scipy" in inspect.getsource(func):
        pytest.skip("SciPy is not installed")

SECOND_RTOL, SECOND_ATOL = 1e-5, 1e-6


def check_every_mode(func, args: tuple, wrt: int = 0, peer=None, rng=None, second_order: bool = True) -> None:
    """func's derivatives in its argument `wrt` (a number or an array), at args, in every mode;
    with second_order=False, the second derivatives are refused with an AdjointError."""
    rng = rng or np.random.default_rng(0)
    before = copy.deepcopy(args)
    value = func(*copy.deepcopy(args))
    expected = central_differences(func, args, wrt)
    gradient = adjoint.grad(func, wrt=wrt)(*args)
    np.testing.assert_allclose(flat(gradient), expected, rtol=RTOL, atol=ATOL, err_msg="grad")
    got, gradient_too = adjoint.value_and_grad(func, wrt=wrt)(*args)
    np.testing.assert_allclose(flat(got), flat(value), rtol=1e-12, err_msg="value_and_grad's value")
    np.testing.assert_allclose(flat(gradient_too), expected, rtol=RTOL, atol=ATOL, err_msg="value_and_grad")
    got, pullback = adjoint.vjp(func, wrt=wrt)(*args)
    np.testing.assert_allclose(flat(pullback(1.0)), expected, rtol=RTOL, atol=ATOL, err_msg="vjp")
    tangent = with_flat(args[wrt], rng.normal(size=flat(args[wrt]).size))
    got, derivative = adjoint.jvp(func, wrt=wrt)(*args, tangent)
    np.testing.assert_allclose(flat(got), flat(value), rtol=1e-12, err_msg="jvp's value")
    want = directional_difference(func, args, (wrt,), (tangent,))
    np.testing.assert_allclose(flat(derivative), want, rtol=RTOL, atol=ATOL, err_msg="jvp")
    if second_order:
        _check_second_order(func, args, wrt, tangent)
    else:
        with pytest.raises(adjoint.AdjointError):
            adjoint.hvp(func, wrt=wrt)(*args, tangent)
    if peer is not None:
        _check_against_autograd(func, peer, args, wrt, gradient, tangent if second_order else None)
    assert_unchanged(before, args)


def check_every_position(func, args: tuple, positions, with_autograd=(), first_order_only=()) -> None:
    """check_every_mode in each differentiated position, against autograd in `with_autograd` (where
    it runs NumPy's calls), its second derivatives refused in `first_order_only`."""
    for position in positions:
        peer = func if position in with_autograd and AUTOGRAD_RUNS_NUMPY_CALLS else None
        check_every_mode(func, copy.deepcopy(args), wrt=position, peer=peer,
                         second_order=position not in first_order_only)


def check_program(func, args: tuple, positions, with_autograd=(), first_order_only=()) -> None:
    """check_every_position, and the values value_and_grad, vjp and jvp give func's own."""
    check_every_position(func, args, positions, with_autograd, first_order_only)
    for position in positions:
        assert_values_are_the_functions_own(func, args, position)


def assert_values_are_the_functions_own(func, args, position) -> None:
    """value_and_grad's, vjp's and jvp's values are func's own value, bit for bit and of its type."""
    own = func(*copy.deepcopy(args))
    tangent = with_flat(args[position], np.ones(flat(args[position]).size))
    values = {"value_and_grad": adjoint.value_and_grad(func, wrt=position)(*copy.deepcopy(args))[0],
              "vjp": adjoint.vjp(func, wrt=position)(*copy.deepcopy(args))[0],
              "jvp": adjoint.jvp(func, wrt=position)(*copy.deepcopy(args), tangent)[0]}
    for mode, value in values.items():
        assert type(value) is type(own) and value == own, f"{mode}'s value {value!r} is not {own!r}"


def check_refused_at(func, args, positions, where: str, rng) -> None:
    """Reverse modes refuse naming `where` ("file.py:line:"), vjp's pullback run too (a refusal
    checked when the derivative runs may come from the backward sweep); forward mode refuses there
    too, or is exact; the arguments are left as they were."""
    for position in positions:
        before = copy.deepcopy(args)
        for mode in (adjoint.grad, adjoint.value_and_grad, _pulled_back):
            with pytest.raises(adjoint.AdjointError) as refused:
                mode(func, wrt=position)(*args)
            assert where in str(refused.value), str(refused.value)
        tangent = with_flat(args[position], rng.normal(size=flat(args[position]).size))
        try:
            value, derivative = adjoint.jvp(func, wrt=position)(*args, tangent)
        except adjoint.AdjointError as error:
            assert where in str(error), str(error)
        else:
            own = func(*copy.deepcopy(args))
            assert type(value) is type(own) and value == own
            np.testing.assert_allclose(flat(derivative), directional_difference(func, args, (position,), (tangent,)),
                                       rtol=RTOL, atol=ATOL)
        assert_unchanged(before, args)


def _pulled_back(func, wrt):
    return lambda *args: adjoint.vjp(func, wrt=wrt)(*args)[1](1.0)


def gradient_along(func, args, wrt, tangent, eps: float = 1e-5):
    """The central difference of func's gradient in args[wrt] along tangent: H @ tangent, flattened."""
    gradient = adjoint.grad(func, wrt=wrt)

    def moved(step):
        varied = list(copy.deepcopy(args))
        varied[wrt] = with_flat(args[wrt], flat(args[wrt]) + step * flat(tangent))
        return flat(gradient(*varied))

    return (moved(eps) - moved(-eps)) / (2 * eps)


def _check_second_order(func, args, wrt, tangent) -> None:
    want = gradient_along(func, args, wrt, tangent)
    got = adjoint.hvp(func, wrt=wrt)(*args, tangent)
    np.testing.assert_allclose(flat(got), want, rtol=SECOND_RTOL, atol=SECOND_ATOL, err_msg="hvp")
    if isinstance(args[wrt], float):
        second = adjoint.grad(adjoint.grad(func, wrt=wrt), wrt=wrt)(*args)
        np.testing.assert_allclose(flat(second) * flat(tangent), want, rtol=SECOND_RTOL, atol=SECOND_ATOL,
                                   err_msg="grad of grad")


def _check_against_autograd(func, peer, args, wrt, gradient, tangent) -> None:
    """peer: func written for autograd (the same function where autograd runs it as it is)."""
    autograd = pytest.importorskip("autograd")
    peer = _on_autograd_numpy(peer, autograd.numpy)
    peer_args = copy.deepcopy(args)
    np.testing.assert_allclose(flat(autograd.grad(peer, wrt)(*peer_args)), flat(gradient), rtol=1e-9, atol=1e-12,
                               err_msg="autograd's gradient")
    if tangent is None:
        return
    inner = autograd.grad(peer, wrt)
    hessian_vector = autograd.grad(lambda *a: _inner(inner(*a), tangent, autograd.numpy), wrt)(*peer_args)
    np.testing.assert_allclose(flat(hessian_vector), flat(adjoint.hvp(func, wrt=wrt)(*args, tangent)),
                               rtol=1e-8, atol=1e-10, err_msg="autograd's Hessian-vector product")


# Whether autograd runs code calling NumPy itself (a helper, a method of another module): NumPy
# hands its ufuncs' work to autograd's boxes from 2.1 on (see _on_autograd_numpy).
AUTOGRAD_RUNS_NUMPY_CALLS = np.lib.NumpyVersion(np.__version__) >= "2.1.0"


def _on_autograd_numpy(peer, anp):
    """peer with its global `np` bound to autograd's NumPy: NumPy before 2.1 does not hand its
    ufuncs' work to autograd's boxes, so a function written with NumPy runs there as written only
    from NumPy 2.1 on."""
    if not isinstance(peer, types.FunctionType) or peer.__globals__.get("np") is not np:
        return peer
    rebound = types.FunctionType(peer.__code__, dict(peer.__globals__, np=anp), peer.__name__, peer.__defaults__,
                                 peer.__closure__)
    rebound.__kwdefaults__ = peer.__kwdefaults__
    return rebound


def _inner(value, tangent, anp):
    """<value, tangent> for numbers, arrays and dicts, lists and tuples of them (autograd's boxes)."""
    if isinstance(tangent, dict):
        return sum(_inner(value[key], item, anp) for key, item in tangent.items())
    if isinstance(tangent, (list, tuple)):
        return sum(_inner(part, item, anp) for part, item in zip(value, tangent))
    return anp.sum(value * tangent)
