"""The adjoint of a tuple a rule returns, reached by two paths: through an item read (`t[1]`) and as a
whole (an alias `u = t`, a rule that passes its argument's adjoint on, `d[t] = d[result]`).

What was wrong: the adjoint of such a tuple is a list (one entry per item), and the two contributions
were added with `+`, which joins two lists: the second one's entries landed after the first one's
and were never read, so the gradient silently lost a path. A tuple that a rule returns has no
known kind, so only a list-valued parameter or an item of a container was added item by item. At
first order `t = np.linalg.slogdet(x); u = t` with `t[1]` and `u[1]` both read lost one term; at
second order a QR adjoint rule that passed qr's result tuple through a checking helper (with its own
adjoint) and read the result's items directly as well had exact first derivatives and a wrong
reverse-over-reverse second derivative (the helper's contribution to the tuple's adjoint was lost
in the derivative of the adjoint). Now such contributions are added item by item (`add_adjoints`).
"""
from __future__ import annotations

import autograd.numpy as anp
import numpy as np

import adjoint
from adjoint import d
from every_mode import check_every_mode
from soundness import flat

X = np.array([[2.0, 0.3, -0.4], [0.1, 1.5, 0.2], [-0.3, 0.6, 1.8]])
SYMMETRIC = X + X.T
DIRECTION = np.array([[0.2, -0.1, 0.4], [0.3, 0.5, -0.2], [-0.6, 0.1, 0.3]])


# ----- first order: an alias of a rule's tuple -------------------------------------------------------


def alias_of_slogdet(x):
    t = np.linalg.slogdet(x)
    u = t
    return t[1] ** 3 + u[1] ** 2


def alias_of_slogdet_autograd(x):
    t = anp.linalg.slogdet(x)
    return t[1] ** 3 + t[1] ** 2


def alias_of_qr(x):
    t = np.linalg.qr(x)
    u = t
    a = t[0]
    return np.sum(a ** 3) + np.sum(u[1] ** 3)


def test_an_alias_of_slogdet_s_tuple_in_every_mode():
    check_every_mode(alias_of_slogdet, (X,), peer=alias_of_slogdet_autograd)


def test_an_alias_of_qr_s_tuple_in_every_mode():
    check_every_mode(alias_of_qr, (X,))


# ----- user rules that pass a tuple's adjoint on ------------------------------------------------------


def passed_on(t):
    return t


@adjoint.register_adjoint(passed_on)
def _(result, t):
    d[t] = d[result]


@adjoint.register_tangent(passed_on)
def _(result, t):
    d[result] = d[t]


def listed(g):
    return list(g)


def listed_again(t):
    return t


@adjoint.register_adjoint(listed_again)
def _(result, t):
    d[t] = listed(d[result])


@adjoint.register_tangent(listed_again)
def _(result, t):
    d[result] = d[t]


def swapped(t):
    return (t[1], t[0])


@adjoint.register_adjoint(swapped)
def _(result, t):
    d[t] = (d[result][1], d[result][0])


@adjoint.register_tangent(swapped)
def _(result, t):
    d[result] = (d[t][1], d[t][0])


def slogdet_passed_on(x):
    t = np.linalg.slogdet(x)
    u = passed_on(t)
    s = t[1]
    return s ** 3 + u[1] ** 2


def eigh_passed_on_twice(x):
    t = np.linalg.eigh(x)
    u = passed_on(t)
    v = passed_on(t)
    return np.sum(u[0] ** 3) + np.sum(v[0] ** 2)


def eigh_adjoint_made_a_list(x):
    t = np.linalg.eigh(x)
    u = listed_again(t)
    return np.sum(t[0] ** 3) + np.sum(u[0] ** 2)


def eigh_swapped(x):
    t = np.linalg.eigh(x)
    u = swapped(t)
    return np.sum(t[0] ** 3) + np.sum(u[1] ** 2)


def test_a_user_rule_passing_slogdet_s_tuple_on_in_every_mode():
    check_every_mode(slogdet_passed_on, (X,), peer=alias_of_slogdet_autograd)


def test_a_user_rule_given_eigh_s_tuple_twice_in_every_mode():
    check_every_mode(eigh_passed_on_twice, (SYMMETRIC,))


def test_a_user_rule_whose_adjoint_of_a_tuple_is_a_list_in_every_mode():
    check_every_mode(eigh_adjoint_made_a_list, (SYMMETRIC,))


def test_a_user_rule_whose_adjoint_of_a_tuple_is_a_tuple_display_in_every_mode():
    check_every_mode(eigh_swapped, (SYMMETRIC,))


# ----- second order: an adjoint rule passing the result tuple through a helper with rules -------------


def qr(x):
    return np.linalg.qr(x)


# The earlier form of scipy.linalg.qr's rule: R read through a helper with rules of its own (passed_on),
# Q and R from result directly.
@adjoint.register_adjoint(qr)
def _(result, x):
    inverse = np.linalg.inv(passed_on(result)[1])  # a check, as tall_qr was
    gq = adjoint.runtime.broadcast_like(adjoint.runtime.item_adjoint(d[result], 0), result[0])
    gr = adjoint.runtime.broadcast_like(adjoint.runtime.item_adjoint(d[result], 1), result[1])
    m = result[1] @ np.swapaxes(gr, -1, -2) - np.swapaxes(gq, -1, -2) @ result[0]
    d[x] = (gq + result[0] @ (np.tril(m) + np.swapaxes(np.tril(m, -1), -1, -2))) @ np.swapaxes(inverse, -1, -2)


@adjoint.register_tangent(qr)
def _(result, x):
    d[result] = adjoint.runtime.qr_tangent(d[x], result[0], result[1])


def cubes_of_qr(x, wq, wr):
    q, r = qr(x)
    return np.sum(wq * q * q * q) + np.sum(wr * r * r * r)


def _gradient_difference(fn, args, direction, eps=1e-6):
    gradient = adjoint.grad(fn)
    return (flat(gradient(args[0] + eps * direction, *args[1:]))
            - flat(gradient(args[0] - eps * direction, *args[1:]))) / (2 * eps)


def test_reverse_over_reverse_through_a_rule_passing_its_result_tuple_to_a_helper():
    tall = np.array([[1.2, 0.3, -0.5], [0.4, -0.9, 0.2], [-0.3, 0.5, 1.1], [0.7, 0.1, -0.4]])
    args = (tall, np.linspace(-1.0, 1.0, 12).reshape(4, 3), np.linspace(0.5, -0.7, 9).reshape(3, 3))
    direction = np.linspace(-0.4, 0.6, 12).reshape(4, 3)
    want = _gradient_difference(cubes_of_qr, args, direction)
    _, pullback = adjoint.vjp(adjoint.grad(cubes_of_qr), wrt=0)(*args)
    np.testing.assert_allclose(flat(pullback(direction)), want, rtol=1e-5, atol=1e-6, err_msg="grad of grad")
    np.testing.assert_allclose(flat(adjoint.hvp(cubes_of_qr)(*args, direction)), want, rtol=1e-5, atol=1e-6,
                               err_msg="hvp")
    hessian = adjoint.hessian(cubes_of_qr)(*args)
    np.testing.assert_allclose(flat(np.tensordot(hessian, direction, axes=2)), want, rtol=1e-5, atol=1e-6,
                               err_msg="hessian")


def test_reverse_over_reverse_of_an_alias_of_slogdet_s_tuple():
    want = _gradient_difference(alias_of_slogdet, (X,), DIRECTION)
    _, pullback = adjoint.vjp(adjoint.grad(alias_of_slogdet))(X)
    np.testing.assert_allclose(flat(pullback(DIRECTION)), want, rtol=1e-5, atol=1e-6)
