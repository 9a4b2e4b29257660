"""Derivatives of the helpers of np.fft's rules and of the complex rules, for second derivatives.

Each helper is linear in the adjoint or tangent it carries. The transpose of the adjoint of a
transform is the transform itself, made real where the adjoint's input was (for irfft the real
part of the transpose is irfft: see runtime/spectral.py); the helpers of np.abs and np.angle
also depend on the value, as conj(x) / |x| and 1 / x do. Every rule here holds for real and
complex values in autograd's convention, so the complex tables share them.
"""
import numpy as np

from adjoint import runtime
from adjoint.rules.numpy_complex import COMPLEX_ADJOINTS, COMPLEX_TANGENTS
from adjoint.rules.table import register_adjoint, register_tangent
from adjoint.runtime import (
    angle_adjoint, complex_abs_adjoint, complex_abs_tangent, imag_adjoint, item_adjoint, match_real,
    spectral_adjoint, spectral_tangent, unbroadcast,
)
from adjoint.templates import d

HELPERS = (runtime.match_real, runtime.spectral_adjoint, runtime.spectral_tangent, runtime.imag_adjoint,
           runtime.angle_adjoint, runtime.complex_abs_adjoint, runtime.complex_abs_tangent)


@register_adjoint(runtime.match_real)
def _(result, g, x):
    d[g] = match_real(d[result], g)


@register_tangent(runtime.match_real)
def _(result, g, x):
    d[result] = match_real(d[g], x)


@register_adjoint(runtime.spectral_adjoint)
def _(result, name, g, x, s, axes, norm):
    d[g] = unbroadcast(match_real(spectral_tangent(name, d[result], x, s, axes, norm), g), g)


@register_tangent(runtime.spectral_adjoint)
def _(result, name, g, x, s, axes, norm):
    d[result] = spectral_adjoint(name, d[g], x, s, axes, norm)


@register_adjoint(runtime.spectral_tangent)
def _(result, name, dx, x, s, axes, norm):
    d[dx] = unbroadcast(match_real(spectral_adjoint(name, d[result], x, s, axes, norm), dx), dx)


@register_tangent(runtime.spectral_tangent)
def _(result, name, dx, x, s, axes, norm):
    d[result] = spectral_tangent(name, d[dx], x, s, axes, norm)


@register_adjoint(runtime.imag_adjoint)
def _(result, g, x):
    d[g] = imag_adjoint(d[result], g)


@register_tangent(runtime.imag_adjoint)
def _(result, g, x):
    d[result] = imag_adjoint(d[g], x)


# angle_adjoint(g, x) is -i g / x (made real for a real x): linear in g, holomorphic in x.
@register_adjoint(runtime.angle_adjoint)
def _(result, g, x):
    d[g] = match_real(angle_adjoint(d[result], x), g)
    d[x] = -angle_adjoint(d[result] * g / x, x)


@register_tangent(runtime.angle_adjoint)
def _(result, g, x):
    d[result] = angle_adjoint(d[g], x) - angle_adjoint(g * d[x] / x, x)


# complex_abs_adjoint(g, x, r) is g conj(x) / r: linear in g, in conj(x) and in 1 / r.
@register_adjoint(runtime.complex_abs_adjoint)
def _(result, g, x, r):
    d[g] = match_real(complex_abs_adjoint(d[result], x, r), g)
    d[x] = match_real(np.conj(d[result] * g) / np.where(r == 0, 1.0, r), x)
    d[r] = -match_real(complex_abs_adjoint(d[result] * g, x, r) / np.where(r == 0, 1.0, r), r)


@register_tangent(runtime.complex_abs_adjoint)
def _(result, g, x, r):
    d[result] = (complex_abs_adjoint(d[g], x, r) + complex_abs_adjoint(g, d[x], r)
                 - complex_abs_adjoint(g * d[r] / np.where(r == 0, 1.0, r), x, r))


# complex_abs_tangent(dx, x, r) is Re(conj(x) dx) / r.
@register_adjoint(runtime.complex_abs_tangent)
def _(result, dx, x, r):
    d[dx] = match_real(complex_abs_adjoint(d[result], x, r), dx)
    d[x] = match_real(complex_abs_adjoint(d[result], dx, r), x)
    d[r] = -d[result] * result / np.where(r == 0, 1.0, r)


@register_tangent(runtime.complex_abs_tangent)
def _(result, dx, x, r):
    d[result] = (complex_abs_tangent(d[dx], x, r) + complex_abs_tangent(dx, d[x], r)
                 - result * d[r] / np.where(r == 0, 1.0, r))


# ----- the helpers every derivative calls, on complex values ------------------------------------


# A real item added into a complex array (the adjoint of np.real's input) gets a real adjoint back.
@COMPLEX_ADJOINTS.own.register(runtime.add_at)
def _(result, total, x, index, value):
    d[total] = match_real(unbroadcast(d[result], total), total)
    d[value] = match_real(unbroadcast(item_adjoint(d[result], index, x), value), value)


COMPLEX_ADJOINTS.share(*HELPERS, runtime.unbroadcast, runtime.broadcast_like, runtime.unreduce,
                       runtime.item_adjoint, runtime.snapshot, runtime.zero_at)
COMPLEX_TANGENTS.share(*HELPERS, runtime.add_at, runtime.unbroadcast, runtime.broadcast_like, runtime.unreduce,
                       runtime.item_adjoint, runtime.snapshot, runtime.zero_at)
