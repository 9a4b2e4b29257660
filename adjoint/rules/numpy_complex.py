"""The rules of the operations allowed on complex values (those np.fft makes), in autograd's convention.

The adjoint of a complex z = a + ib is dL/da - i dL/db: the adjoint of a holomorphic
operation is `d[result] * f'(z)` with no conjugate, which is what the real rules of +, -, *,
/, ** (by a constant), indexing, sums and np.fft already compute. What differs: an operand
that is real gets the real part of its adjoint (runtime.match_real), and the functions that
are not holomorphic (np.real, np.imag, np.conj, np.abs) have rules of their own here.

analysis/complex_flow.py refuses any other operation on a value that may be complex; the
transforms take an operation's rule from these tables when one of its operands may be complex
(`complex_rules(table).template(func)`), and from the ordinary tables otherwise, so the code
generated for real values is unchanged.
"""
from __future__ import annotations

import operator
from typing import Any, Optional

import numpy as np

from adjoint import runtime
from adjoint.frontend.complex_values import SPECTRAL
from adjoint.rules.table import ADJOINTS, TANGENTS, RuleTable
from adjoint.runtime import complex_abs_adjoint, complex_abs_tangent, imag_adjoint, match_real, unbroadcast
from adjoint.templates import Template, d


class ComplexRules:
    """The rules for one kind of derivative on complex operands: templates of their own, and the
    functions whose real rule is right for complex values as it is."""

    def __init__(self, real: RuleTable):
        self.real = real
        self.own = RuleTable(real.kind)
        self.shared: set = set()

    def share(self, *funcs: Any) -> None:
        self.shared.update(funcs)

    def __contains__(self, func: Any) -> bool:
        return func in self.own or func in self.shared

    def template(self, func: Any) -> Optional[Template]:
        if func in self.own:
            return self.own.template(func)
        return self.real.template(func) if func in self.shared else None


COMPLEX_ADJOINTS = ComplexRules(ADJOINTS)
COMPLEX_TANGENTS = ComplexRules(TANGENTS)

# Moving, copying and reshaping: the same complexness in and out, for adjoints and tangents.
SHAPE = (np.copy, np.reshape, np.ravel, np.squeeze, np.expand_dims, np.transpose, np.swapaxes, np.moveaxis,
         np.flip, np.fliplr, np.flipud, np.rot90, np.roll, runtime.reshape_like, runtime.transpose_adjoint)
COMPLEX_ADJOINTS.share(*SHAPE)
COMPLEX_TANGENTS.share(*SHAPE)
# Same complexness in and out, or complex-correct as written (spectral_adjoint matches the input).
COMPLEX_ADJOINTS.share(operator.neg, np.negative, operator.pos, np.positive, operator.getitem, np.sum,
                       np.mean, np.real, np.angle, *SPECTRAL)
# Tangents of holomorphic operations are f'(z) dz: the real tangent rules, read with complex numbers.
COMPLEX_TANGENTS.share(operator.add, np.add, operator.sub, np.subtract, operator.mul, np.multiply,
                       operator.truediv, np.divide, np.true_divide, operator.pow, operator.neg, np.negative,
                       operator.pos, np.positive, operator.getitem, np.sum, np.mean, np.angle, runtime.add_adjoints,
                       *SPECTRAL)


def complex_rules(table: RuleTable) -> ComplexRules:
    """The complex rules of the same kind as `table` (adjoints or tangents)."""
    return COMPLEX_TANGENTS if table.kind == TANGENTS.kind else COMPLEX_ADJOINTS


# ----- Arithmetic: a real operand gets the real part of its adjoint ------------------------------


# add_adjoints is `+` on arrays: the adjoint of a tuple's adjoint added item by item, in derivative code.
@COMPLEX_ADJOINTS.own.register(operator.add, np.add, runtime.add_adjoints)
def _(result, x, y):
    d[x] = unbroadcast(match_real(d[result], x), x)
    d[y] = unbroadcast(match_real(d[result], y), y)


@COMPLEX_ADJOINTS.own.register(operator.sub, np.subtract)
def _(result, x, y):
    d[x] = unbroadcast(match_real(d[result], x), x)
    d[y] = unbroadcast(match_real(-d[result], y), y)


@COMPLEX_ADJOINTS.own.register(operator.mul, np.multiply)
def _(result, x, y):
    d[x] = unbroadcast(match_real(d[result] * y, x), x)
    d[y] = unbroadcast(match_real(d[result] * x, y), y)


@COMPLEX_ADJOINTS.own.register(operator.truediv, np.divide, np.true_divide)
def _(result, x, y):
    d[x] = unbroadcast(match_real(d[result] / y, x), x)
    d[y] = unbroadcast(match_real(-d[result] * result / y, y), y)


# A constant exponent only (analysis/complex_flow.py refuses a differentiated one).
@COMPLEX_ADJOINTS.own.register(operator.pow)
def _(result, x, y):
    d[x] = unbroadcast(match_real(d[result] * y * x ** (y - 1), x), x)


# ----- Not holomorphic ------------------------------------------------------------------------------


@COMPLEX_TANGENTS.own.register(np.real)
def _(result, x):
    d[result] = np.real(d[x])


@COMPLEX_ADJOINTS.own.register(np.imag)
def _(result, x):
    d[x] = imag_adjoint(d[result], x)


@COMPLEX_TANGENTS.own.register(np.imag)
def _(result, x):
    d[result] = np.imag(d[x])


@COMPLEX_ADJOINTS.own.register(np.conj)
def _(result, x):
    d[x] = np.conj(d[result])


@COMPLEX_TANGENTS.own.register(np.conj)
def _(result, x):
    d[result] = np.conj(d[x])


# |z| = sqrt(a^2 + b^2): d|z| = Re(conj(z) dz) / |z|; at z = 0 the derivative taken is 0 (as sign(0)).
@COMPLEX_ADJOINTS.own.register(np.abs, np.absolute, abs)
def _(result, x):
    d[x] = complex_abs_adjoint(d[result], x, result)


@COMPLEX_TANGENTS.own.register(np.abs, np.absolute, abs)
def _(result, x):
    d[result] = complex_abs_tangent(d[x], x, result)
