"""Adjoints and tangents of Python's operators: + - * / ** unary -, @ and subscripts, and of
the NumPy functions that are the same operation (np.add, np.subtract, np.divide, np.mod,
np.divmod, np.negative, np.positive, np.matmul), of `divmod`, and of the helpers `a op= b` calls
where `a` may hold an array (runtime/in_place.py: the same operation, keeping the array's dtype).

`+` and `*` on lists and tuples (concatenation, repetition) have the rules of runtime.list_concat
and runtime.list_repeat (runtime_helpers.py): the transformers use them where the kinds analysis
knows an operand is a list.

`result` is the operation's output, `d[v]` the derivative of v. Binary rules unbroadcast,
so a (3,) bias added to a (64, 3) matrix gets a (3,) gradient; on scalars the transformer
drops the unbroadcast.
"""
import operator

import numpy as np

from adjoint.rules.table import register_adjoint, register_tangent
from adjoint.runtime import (
    add_at, augmented_add, augmented_matmul, augmented_mod, augmented_mul, augmented_pow, augmented_sub,
    augmented_truediv, dot_adjoint_a, dot_adjoint_b, item_adjoint, pow_exponent_adjoint, pow_term, slope_or_zero,
    tangent_like, unbroadcast, zeros_like,
)
from adjoint.templates import d

# ----- Arithmetic --------------------------------------------------------------


@register_adjoint(operator.add, np.add, augmented_add)
def _(result, x, y):
    d[x] = unbroadcast(d[result], x)
    d[y] = unbroadcast(d[result], y)


@register_tangent(operator.add, np.add, augmented_add)
def _(result, x, y):
    d[result] = d[x] + d[y]


@register_adjoint(operator.sub, np.subtract, augmented_sub)
def _(result, x, y):
    d[x] = unbroadcast(d[result], x)
    d[y] = unbroadcast(-d[result], y)


@register_tangent(operator.sub, np.subtract, augmented_sub)
def _(result, x, y):
    d[result] = d[x] - d[y]


@register_adjoint(operator.mul, augmented_mul)
def _(result, x, y):
    d[x] = unbroadcast(y * d[result], x)
    d[y] = unbroadcast(x * d[result], y)


@register_tangent(operator.mul, augmented_mul)
def _(result, x, y):
    d[result] = d[x] * y + x * d[y]


@register_adjoint(operator.truediv, np.divide, np.true_divide, augmented_truediv)
def _(result, x, y):
    d[x] = unbroadcast(slope_or_zero(d[result], d[result] / y), x)
    d[y] = unbroadcast(slope_or_zero(d[result], -d[result] * result / y), y)


@register_tangent(operator.truediv, np.divide, np.true_divide, augmented_truediv)
def _(result, x, y):
    d[result] = (d[x] - result * d[y]) / y


# y * x ** (y - 1) through pow_term: 0 for y == 0 (even at x == 0.0, where x ** -1 is inf), and at
# x == 0.0 with y < 1, NumPy's inf where Python refuses (the optimizer writes `c * x ** e` back
# for constants; its own rules are in domain_helpers.py).
@register_adjoint(operator.pow, augmented_pow)
def _(result, x, y):
    d[x] = unbroadcast(slope_or_zero(d[result], d[result] * pow_term(y, x, y - 1)), x)
    d[y] = unbroadcast(pow_exponent_adjoint(d[result], result, x, y), y)


@register_tangent(operator.pow, augmented_pow)
def _(result, x, y):
    d[result] = d[x] * pow_term(y, x, y - 1) + pow_exponent_adjoint(d[y], result, x, y)


# x mod y = x - floor(x / y) * y, and floor(x / y) = (x - result) / y (np.fmod: trunc for floor).
@register_adjoint(operator.mod, np.mod, np.fmod, augmented_mod)
def _(result, x, y):
    d[x] = unbroadcast(d[result], x)
    d[y] = unbroadcast(-d[result] * ((x - result) / y), y)


@register_tangent(operator.mod, np.mod, np.fmod, augmented_mod)
def _(result, x, y):
    d[result] = d[x] - d[y] * ((x - result) / y)


# divmod(x, y) = (q, x - q * y) with q = floor(x / y), Python's `%`: q is piecewise constant (no
# derivative), and the remainder's slope in y is -q, the quotient divmod returns.
@register_adjoint(divmod, np.divmod)
def _(result, x, y):
    d[x] = unbroadcast(item_adjoint(d[result], 1), x)
    d[y] = unbroadcast(-item_adjoint(d[result], 1) * result[0], y)


@register_tangent(divmod, np.divmod)
def _(result, x, y):
    d[result] = (zeros_like(result[0]), tangent_like(d[x] - d[y] * result[0], result[1]))


@register_adjoint(operator.neg, np.negative)
def _(result, x):
    d[x] = -d[result]


@register_tangent(operator.neg, np.negative)
def _(result, x):
    d[result] = -d[x]


@register_adjoint(operator.pos, np.positive)
def _(result, x):
    d[x] = d[result]


@register_tangent(operator.pos, np.positive)
def _(result, x):
    d[result] = d[x]


# ----- Matrix product ----------------------------------------------------------


# Stacks of matrices multiply pairwise, and their leading axes broadcast (np.dot is in numpy_linalg.py).
@register_adjoint(operator.matmul, np.matmul, augmented_matmul)
def _(result, x, y):
    d[x] = dot_adjoint_a(d[result], x, y)
    d[y] = dot_adjoint_b(d[result], x, y)


@register_tangent(operator.matmul, np.matmul, augmented_matmul)
def _(result, x, y):
    d[result] = d[x] @ y + x @ d[y]


# ----- Subscripts ----------------------------------------------------------------


@register_adjoint(operator.getitem)
def _(result, x, index):
    d[x] = add_at(d[x], x, index, d[result])


@register_tangent(operator.getitem)
def _(result, x, index):
    d[result] = item_adjoint(d[x], index, x)

