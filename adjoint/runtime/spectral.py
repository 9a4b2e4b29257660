"""Helpers of the rules of np.fft and of the operations allowed on the complex values it makes.

Complex cotangents follow autograd's convention: the adjoint of a complex value z = a + ib
is dL/da - i dL/db, so the adjoint of a holomorphic operation is `g * f'(z)`, without a
conjugate, and the adjoint of a real value is the real part of what reaches it
(`match_real`).

NumPy computes every n-dimensional transform as 1-D transforms along one axis after another
(fftn: the last axis first; rfftn: rfft along the last axis, then fft along the others, in an
order that depends on the NumPy version; irfftn: ifft along all but the last axis, then irfft
along it). `spectral_adjoint` takes the adjoints of those 1-D steps in reverse order, each
padded or cut back to the length its input had, so `n`, `s`, `axes` (repeated ones too) and
`norm` are followed exactly.
"""
from __future__ import annotations

import numpy as np

__all__ = ["match_real", "spectral_adjoint", "spectral_tangent", "imag_adjoint", "angle_adjoint",
           "complex_abs_adjoint", "complex_abs_tangent"]

def match_real(g, x):
    """The adjoint g of x in x's kind of number: its real part when x is real."""
    if np.iscomplexobj(x) or not np.iscomplexobj(g):
        return g
    return np.real(g)


def imag_adjoint(g, x):
    """The adjoint of np.imag(x): -i g (zero for a real x)."""
    return match_real(-1j * g, x)


def complex_abs_adjoint(g, x, result):
    """The adjoint of np.abs(x) for complex x: g conj(x) / |x|, zero where x is zero (as sign(0))."""
    return match_real(g * np.conj(x) / np.where(result == 0, 1.0, result), x)


def complex_abs_tangent(dx, x, result):
    """The tangent of np.abs(x) for complex x: Re(conj(x) dx) / |x|, zero where x is zero."""
    return np.real(np.conj(x) * dx) / np.where(result == 0, 1.0, result)


def angle_adjoint(g, x):
    """The adjoint of np.angle(x) = atan2(b, a): g (-b - i a) / |x|^2 = -i g conj(x) / |x|^2."""
    return match_real(-1j * g * np.conj(x) / (np.real(x) ** 2 + np.imag(x) ** 2), x)


def spectral_tangent(name, dx, x, s, axes, norm):
    """The tangent of np.fft.<name>(x, s, axes, norm): the same transform of dx (they are linear)."""
    dx = np.broadcast_to(dx, np.shape(x))
    return getattr(np.fft, name)(dx, s, axes, norm)


def spectral_adjoint(name, g, x, s, axes, norm):
    """The adjoint of np.fft.<name>(x, s, axes, norm) (for the 1-D transforms, s is n and axes
    is axis), in x's kind of number."""
    x = np.asarray(x)
    steps, shape = _fft_steps(name, x.shape, s, axes)
    g = np.broadcast_to(g, shape)  # an adjoint may be a number standing for an array
    for kind, n, axis, length in reversed(steps):
        g = _step_adjoint(kind, g, n, axis, length, norm)
    return match_real(g, x)


def _fft_steps(name, shape, s, axes):
    """The 1-D transforms NumPy runs, in order: (kind, n, axis, length of the input along axis),
    and the shape of the result."""
    if name in ("fft", "ifft", "rfft", "irfft"):
        plan = [(name, s, axes % len(shape))]
    else:  # fft2, fftn, ... : the 1-D transform's name and a trailing 2 or n
        plan = _nd_plan(name[:-1], shape, s, axes)
    lengths = list(shape)
    steps = []
    for kind, n, axis in plan:
        length = lengths[axis]
        n = _output_length(kind, n, length)
        steps.append((kind, n, axis, length))
        lengths[axis] = n // 2 + 1 if kind == "rfft" else n
    return steps, tuple(lengths)


def _output_length(kind, n, length):
    """The length of the transform (of its real signal, for rfft and irfft)."""
    if n is not None and n != -1:
        return n
    return 2 * (length - 1) if kind == "irfft" else length


def _nd_plan(kind, shape, s, axes):
    """(kind, n, axis) of each 1-D step of an n-dimensional transform, as numpy.fft orders them."""
    if s is None:
        axes = list(range(len(shape))) if axes is None else list(axes)
        s = [shape[axis] for axis in axes]
        if kind == "irfft":
            s[-1] = 2 * (shape[axes[-1]] - 1)
    else:
        s = list(s)
        axes = list(range(-len(s), 0)) if axes is None else list(axes)
    axes = [axis % len(shape) for axis in axes]
    last = len(axes) - 1
    if kind == "rfft":
        order = range(last - 1, -1, -1) if len(set(axes)) == len(axes) or _rfftn_runs_last_first() else range(last)
        return [("rfft", s[last], axes[last])] + [("fft", s[i], axes[i]) for i in order]
    if kind == "irfft":
        return [("ifft", s[i], axes[i]) for i in range(last)] + [("irfft", s[last], axes[last])]
    return [(kind, s[i], axes[i]) for i in range(last, -1, -1)]


def _rfftn_runs_last_first():
    """Whether the installed NumPy's rfftn runs its complex transforms over the leading axes
    from the last to the first (as NumPy 2.4 does) or from the first (as NumPy 2.0 does): the
    two differ when an axis repeats. Asked of NumPy itself, so a derivative written out by `adjoint gen`
    follows the NumPy it runs with."""
    return np.fft.rfftn(np.zeros((1, 1)), s=(2, 3, 1), axes=(0, 0, 1)).shape[0] == 2


def _step_adjoint(kind, g, n, axis, length, norm):
    """The adjoint of one 1-D transform of length n along axis whose input had `length` there."""
    if kind in ("fft", "ifft"):  # a symmetric matrix: its own transpose
        return _fit(getattr(np.fft, kind)(g, axis=axis, norm=norm), axis, length)
    if kind == "rfft":  # the first n // 2 + 1 rows of the n-point DFT, of a real input
        return np.real(_fit(np.fft.fft(_fit(g, axis, n), axis=axis, norm=norm), axis, length))
    # irfft reads Re(z[0]), the positive frequencies twice (z and its conjugate) and Re(z[n/2]) once
    kept = n // 2 + 1
    weights = np.full(kept, 2.0)
    weights[0] = 1.0
    if n % 2 == 0:
        weights[-1] = 1.0
    shape = [1] * g.ndim
    shape[axis] = kept
    spectrum = _fit(np.fft.ifft(g, axis=axis, norm=norm), axis, kept) * weights.reshape(shape)
    return _fit(spectrum, axis, length)


def _fit(g, axis, length):
    """g cut or padded with zeros to `length` along axis."""
    size = g.shape[axis]
    if size > length:
        return np.take(g, np.arange(length), axis=axis)
    if size < length:
        pad = [(0, 0)] * g.ndim
        pad[axis] = (0, length - size)
        return np.pad(g, pad)
    return g
