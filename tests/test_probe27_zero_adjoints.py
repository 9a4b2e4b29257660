"""Adjoints the optimizer finds zero only after the guards of ad/unreached.py were settled.

What was wrong: a loop whose body reassigns a name and adds a contribution the optimizer then
finds zero (a penalty weighted by `lam = 0.0`, a term times 0.0) left that name's adjoint the
symbolic zero `0.0` in the next backward iteration, where the rule of the statement that made it
read its shape: grad, vjp and hvp failed inside NumPy or a helper (`cumsum_adjoint(0.0, h)`,
`np.diag(0.0)`, `0.0.T`, a reshape of size 1), for np.cumsum, np.diag, np.kron, np.repeat,
np.pad, np.tile, np.diff, np.gradient, np.einsum, np.tril, np.linalg.solve, inv, cholesky, a
transpose, np.expand_dims, np.moveaxis and np.maximum.accumulate.

What is true now: after the optimizer, optimize/zero_reads.py follows each adjoint again and
gives a read that may see the symbolic zero where its shape is needed that shape
(`shaped_zero(dP, P)`); every mode matches central differences, with outputs of the right shape.
"""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode

A = np.array([0.3, -0.5, 0.8])
M = np.array([[0.3, -0.5, 0.8], [0.1, 0.7, -0.2]])


def penalized_cumulative_path(x, a):
    lam = 0.0  # the penalty switched off
    h = x * a
    total = 0.0
    for i in range(3):
        c = np.cumsum(h)
        total = total + lam * np.sum(c)
        h = a * float(i) + x
    return total + x * np.sum(c ** 2)


def transposed_layer_in_a_loop(x, m):
    weight_decay = 0.0
    w = x * m
    extra = 0.0
    for k in range(2):
        t = w.T
        extra = extra + weight_decay * np.sum(t @ m)
        w = m * float(k + 1) * x
    return np.sum(t ** 2) * x + extra


def reshaped_state_switched_off(x, a):
    h = x * a
    for i in range(2):
        g = np.reshape(h, (3, 1))
        h = a * float(i) + x + np.sum(g) * 0.0
    return np.sum(h * h) + x * np.sum(g @ g.T)


def solved_system_with_zero_coupling(x, a):
    coupling = 0.0
    h = x * a
    for i in range(2):
        s = np.linalg.solve(np.eye(3) * 2.0 + np.outer(h, h), h)
        h = a * float(i + 1) + x + coupling * s
    return np.sum(s * s) + x * np.sum(h)


# A statement whose result's adjoint is found zero in the loop, for each shape-reading rule.
OPERATIONS = {
    "diag": "np.diag(h)", "kron": "np.kron(h, h)", "repeat": "np.repeat(h, 2)", "pad": "np.pad(h, 1)",
    "tile": "np.tile(h, 2)", "diff": "np.diff(h)", "gradient": "np.gradient(h)",
    "einsum": "np.einsum('i,j->ij', h, h)", "tril": "np.tril(np.outer(h, h))",
    "inv": "np.linalg.inv(np.eye(3) * 2.0 + np.outer(h, h))",
    "cholesky": "np.linalg.cholesky(np.outer(h, h) + np.eye(3))",
    "expand_dims": "np.expand_dims(h, 0)", "moveaxis": "np.moveaxis(h.reshape(1, 3), 0, 1)",
    "running_max": "np.maximum.accumulate(h)", "transpose": "h.reshape(3, 1).T",
}
TEMPLATE = """
def switched_off_{name}(x, a):
    h = x * a
    for i in range(2):
        g = {operation}
        h = a * float(i) + x + np.sum(g) * 0.0
    return np.sum(h * h) + x * np.sum(g * g)
"""


def _switched_off(name, operation, tmp_path_factory):
    path = tmp_path_factory.mktemp("zero_adjoints") / f"switched_off_{name}.py"
    path.write_text("import numpy as np\n" + TEMPLATE.format(name=name, operation=operation))
    namespace = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    return namespace[f"switched_off_{name}"]


CASES = [
    (penalized_cumulative_path, (0.7, A)),
    (transposed_layer_in_a_loop, (0.7, M)),
    (reshaped_state_switched_off, (0.7, A)),
    (solved_system_with_zero_coupling, (0.7, A)),
]


@pytest.mark.parametrize("func, args", CASES, ids=[case[0].__name__ for case in CASES])
@pytest.mark.parametrize("wrt", [0, 1])
def test_adjoint_found_zero_after_the_guards_in_every_mode(func, args, wrt):
    check_every_mode(func, args, wrt=wrt)
    gradient = adjoint.grad(func, wrt=wrt)(*args)
    assert np.shape(gradient) == np.shape(args[wrt])


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_each_shape_reading_rule_takes_a_zero_found_late(name, tmp_path_factory):
    func = _switched_off(name, OPERATIONS[name], tmp_path_factory)
    for wrt in (0, 1):
        check_every_mode(func, (0.73, A.copy()), wrt=wrt)


def test_the_read_is_given_its_shape_only_where_the_adjoint_may_be_zero():
    source = adjoint.source(penalized_cumulative_path, args=(0.7, A))
    assert source.count("shaped_zero(") == 1, source
    # a loop whose adjoints are all reached keeps its rules as they were
    plain = adjoint.source(lambda x, a: np.sum(np.cumsum(x * a) ** 2), args=(0.7, A))
    assert "shaped_zero" not in plain
