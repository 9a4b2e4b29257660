"""Adjoints and tangents of scipy.signal's convolve, correlate and fftconvolve, of real arrays of any
number of dimensions, in the modes 'full', 'same' and 'valid'; convolve and correlate with either
method ('direct', 'fft' or the default 'auto', whose derivatives are the same up to rounding).

A convolution is bilinear: its tangent is the convolution of each tangent with the other input.
'same' and 'valid' cut the centre out of the full convolution (runtime.centered), so an adjoint g
is put back in the middle of zeros of the full shape (runtime.centered_padded), and the adjoint
of an input of the full convolution is the 'valid' correlation of that with the other input.
correlate(a, b) is convolve(a, flip(b)) for real arrays. fftconvolve is differentiated over every
axis (axes= other than None is refused when the derivative runs).
"""
import numpy as np
from scipy import signal

from adjoint.rules.table import non_differentiable, register_adjoint, register_tangent
from adjoint.runtime import (
    broadcast_like, centered, centered_padded, fft_axes_refused, full_convolution_shape,
)
from adjoint.templates import d

non_differentiable(full_convolution_shape, fft_axes_refused)


@register_adjoint(signal.convolve)
def _(result, in1, in2, mode="full", method="auto"):
    full = centered_padded(broadcast_like(d[result], result), full_convolution_shape(in1, in2))
    d[in1] = signal.correlate(full, in2, "valid", method)
    d[in2] = signal.correlate(full, in1, "valid", method)


@register_tangent(signal.convolve)
def _(result, in1, in2, mode="full", method="auto"):
    d[result] = signal.convolve(d[in1], in2, mode, method) + signal.convolve(in1, d[in2], mode, method)


@register_adjoint(signal.correlate)
def _(result, in1, in2, mode="full", method="auto"):
    full = centered_padded(broadcast_like(d[result], result), full_convolution_shape(in1, in2))
    d[in1] = signal.convolve(full, in2, "valid", method)
    d[in2] = np.flip(signal.correlate(full, in1, "valid", method))


@register_tangent(signal.correlate)
def _(result, in1, in2, mode="full", method="auto"):
    d[result] = signal.correlate(d[in1], in2, mode, method) + signal.correlate(in1, d[in2], mode, method)


@register_adjoint(signal.fftconvolve)
def _(result, in1, in2, mode="full", axes=None):
    full = centered_padded(broadcast_like(d[result], result), full_convolution_shape(in1, in2))
    d[in1] = signal.fftconvolve(full, np.flip(in2), "valid", fft_axes_refused(axes))
    d[in2] = signal.fftconvolve(full, np.flip(in1), "valid", fft_axes_refused(axes))


@register_tangent(signal.fftconvolve)
def _(result, in1, in2, mode="full", axes=None):
    d[result] = (signal.fftconvolve(d[in1], in2, mode, fft_axes_refused(axes))
                 + signal.fftconvolve(in1, d[in2], mode, fft_axes_refused(axes)))


@register_adjoint(centered)
def _(result, x, shape):
    d[x] = centered_padded(d[result], np.shape(x))


@register_tangent(centered)
def _(result, x, shape):
    d[result] = centered(d[x], shape)


@register_adjoint(centered_padded)
def _(result, g, shape):
    d[g] = centered(d[result], np.shape(g))


@register_tangent(centered_padded)
def _(result, g, shape):
    d[result] = centered_padded(d[g], shape)
