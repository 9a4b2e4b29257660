"""A rule's derivatives that are zero stay of their primal's shape where the rule gives them one.

A rule is linear in the derivatives it reads, and a part of it whose derivatives are all zero is
written 0.0 (adjoint/linear_zeros.py). Inside a call that also reads a non-zero derivative, 0.0 is no
zero of the argument's shape: `toeplitz(tangent_like(d[c], c), tangent_like(d[r], r))` with d[c] zero
was written `toeplitz(0.0, tangent_like(dr, r))`, the matrix of a first column of one entry, which
broadcast silently to a wrong tangent (54 for 30); `np.concatenate([tangent_like(d[a], a), ...])`
failed. tangent_like, broadcast_like and gradient_like (which give 0.0 its primal's shape) now stay
there, and the derivative is exact with respect to each argument alone and to both.
"""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from adjoint import d
from adjoint.runtime import broadcast_like, tangent_like

linalg = pytest.importorskip("scipy.linalg")


def banded(c, r):
    return linalg.toeplitz(c, r)


def banded_tangent(result, c, r):
    d[result] = linalg.toeplitz(tangent_like(d[c], c), tangent_like(d[r], r))


def joined(a, b):
    return np.concatenate([a, b])


def joined_tangent(result, a, b):
    d[result] = np.concatenate([broadcast_like(d[a], a), tangent_like(d[b], b)])


@pytest.fixture(autouse=True)
def tangent_rules():
    """The two tangent rules, registered for these tests alone (a rule without an adjoint is no
    rule of the project's tables: tests/test_rules_complete.py)."""
    with adjoint.rules.TANGENTS.scoped():
        adjoint.register_tangent(banded)(banded_tangent)
        adjoint.register_tangent(joined)(joined_tangent)
        yield


def banded_energy(c, r, w):
    return np.sum(banded(c, r) * w)


def joined_energy(a, b, w):
    return np.sum(joined(a, b) ** 2 * w)


C, R = np.array([1.0, 2.0, 3.0]), np.array([1.0, 5.0, 6.0, 7.0])
A, B = np.array([0.5, -1.0]), np.array([2.0, 0.3, 1.1])
CASES = [(banded_energy, (C, R, np.arange(12.0).reshape(3, 4))), (joined_energy, (A, B, np.arange(1.0, 6.0)))]


def directional_difference(func, args, positions, tangents, eps=1e-6):
    plus, minus = list(args), list(args)
    for position, tangent in zip(positions, tangents):
        plus[position] = args[position] + eps * tangent
        minus[position] = args[position] - eps * tangent
    return (func(*plus) - func(*minus)) / (2 * eps)


@pytest.mark.parametrize("positions", [(0,), (1,), (0, 1)], ids=lambda p: "wrt" + "".join(map(str, p)))
@pytest.mark.parametrize("func, args", CASES, ids=lambda v: getattr(v, "__name__", ""))
def test_the_tangent_with_respect_to_each_argument_alone_is_exact(func, args, positions):
    tangents = [np.random.default_rng(7).uniform(-1.0, 1.0, size=args[p].shape) for p in positions]
    value, tangent = adjoint.jvp(func, wrt=positions)(*args, *tangents)
    assert value == func(*args)
    np.testing.assert_allclose(tangent, directional_difference(func, args, positions, tangents), rtol=1e-6)


@pytest.mark.parametrize("func, args", CASES, ids=lambda v: getattr(v, "__name__", ""))
def test_the_forward_source_keeps_the_zero_of_the_argument_not_differentiated(func, args):
    source = adjoint.source(func, mode="forward", wrt=1, args=args)
    helper = "tangent_like(0.0" if func is banded_energy else "broadcast_like(0.0"
    assert helper in source, source
