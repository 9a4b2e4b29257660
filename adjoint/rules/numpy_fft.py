"""Adjoints and tangents of np.fft: the transforms, their shifts, and np.angle.

Every transform is linear, so its tangent is the same transform of the tangent; its adjoint
is runtime.spectral_adjoint (the transpose of the 1-D steps NumPy runs, cut or padded back
to the input's shape, real for a real input). `n`, `s`, `axes` and `norm` are followed; `out`
is refused (no template takes it). The results of fft, ifft, rfft and their 2-D and n-D
forms are complex: analysis/complex_flow.py says which operations may follow them.
"""
import numpy as np

from adjoint.rules.table import register_adjoint, register_tangent
from adjoint.runtime import angle_adjoint, spectral_adjoint, spectral_tangent
from adjoint.templates import d



# The sample frequencies k / (n * d) move with the spacing d as -result / d. The template names the
# spacing `d_` (`d` is the marker), which a keyword `d=` binds.
@register_adjoint(np.fft.fftfreq, np.fft.rfftfreq)
def _(result, n, d_=1.0):
    d[d_] = -np.sum(d[result] * result) / d_


@register_tangent(np.fft.fftfreq, np.fft.rfftfreq)
def _(result, n, d_=1.0):
    d[result] = -result * (d[d_] / d_)

# ----- 1-D transforms ----------------------------------------------------------------------


@register_adjoint(np.fft.fft)
def _(result, a, n=None, axis=-1, norm=None):
    d[a] = spectral_adjoint("fft", d[result], a, n, axis, norm)


@register_tangent(np.fft.fft)
def _(result, a, n=None, axis=-1, norm=None):
    d[result] = spectral_tangent("fft", d[a], a, n, axis, norm)


@register_adjoint(np.fft.ifft)
def _(result, a, n=None, axis=-1, norm=None):
    d[a] = spectral_adjoint("ifft", d[result], a, n, axis, norm)


@register_tangent(np.fft.ifft)
def _(result, a, n=None, axis=-1, norm=None):
    d[result] = spectral_tangent("ifft", d[a], a, n, axis, norm)


@register_adjoint(np.fft.rfft)
def _(result, a, n=None, axis=-1, norm=None):
    d[a] = spectral_adjoint("rfft", d[result], a, n, axis, norm)


@register_tangent(np.fft.rfft)
def _(result, a, n=None, axis=-1, norm=None):
    d[result] = spectral_tangent("rfft", d[a], a, n, axis, norm)


@register_adjoint(np.fft.irfft)
def _(result, a, n=None, axis=-1, norm=None):
    d[a] = spectral_adjoint("irfft", d[result], a, n, axis, norm)


@register_tangent(np.fft.irfft)
def _(result, a, n=None, axis=-1, norm=None):
    d[result] = spectral_tangent("irfft", d[a], a, n, axis, norm)


# ----- 2-D transforms ----------------------------------------------------------------------


@register_adjoint(np.fft.fft2)
def _(result, a, s=None, axes=(-2, -1), norm=None):
    d[a] = spectral_adjoint("fft2", d[result], a, s, axes, norm)


@register_tangent(np.fft.fft2)
def _(result, a, s=None, axes=(-2, -1), norm=None):
    d[result] = spectral_tangent("fft2", d[a], a, s, axes, norm)


@register_adjoint(np.fft.ifft2)
def _(result, a, s=None, axes=(-2, -1), norm=None):
    d[a] = spectral_adjoint("ifft2", d[result], a, s, axes, norm)


@register_tangent(np.fft.ifft2)
def _(result, a, s=None, axes=(-2, -1), norm=None):
    d[result] = spectral_tangent("ifft2", d[a], a, s, axes, norm)


@register_adjoint(np.fft.rfft2)
def _(result, a, s=None, axes=(-2, -1), norm=None):
    d[a] = spectral_adjoint("rfft2", d[result], a, s, axes, norm)


@register_tangent(np.fft.rfft2)
def _(result, a, s=None, axes=(-2, -1), norm=None):
    d[result] = spectral_tangent("rfft2", d[a], a, s, axes, norm)


@register_adjoint(np.fft.irfft2)
def _(result, a, s=None, axes=(-2, -1), norm=None):
    d[a] = spectral_adjoint("irfft2", d[result], a, s, axes, norm)


@register_tangent(np.fft.irfft2)
def _(result, a, s=None, axes=(-2, -1), norm=None):
    d[result] = spectral_tangent("irfft2", d[a], a, s, axes, norm)


# ----- n-D transforms ----------------------------------------------------------------------


@register_adjoint(np.fft.fftn)
def _(result, a, s=None, axes=None, norm=None):
    d[a] = spectral_adjoint("fftn", d[result], a, s, axes, norm)


@register_tangent(np.fft.fftn)
def _(result, a, s=None, axes=None, norm=None):
    d[result] = spectral_tangent("fftn", d[a], a, s, axes, norm)


@register_adjoint(np.fft.ifftn)
def _(result, a, s=None, axes=None, norm=None):
    d[a] = spectral_adjoint("ifftn", d[result], a, s, axes, norm)


@register_tangent(np.fft.ifftn)
def _(result, a, s=None, axes=None, norm=None):
    d[result] = spectral_tangent("ifftn", d[a], a, s, axes, norm)


@register_adjoint(np.fft.rfftn)
def _(result, a, s=None, axes=None, norm=None):
    d[a] = spectral_adjoint("rfftn", d[result], a, s, axes, norm)


@register_tangent(np.fft.rfftn)
def _(result, a, s=None, axes=None, norm=None):
    d[result] = spectral_tangent("rfftn", d[a], a, s, axes, norm)


@register_adjoint(np.fft.irfftn)
def _(result, a, s=None, axes=None, norm=None):
    d[a] = spectral_adjoint("irfftn", d[result], a, s, axes, norm)


@register_tangent(np.fft.irfftn)
def _(result, a, s=None, axes=None, norm=None):
    d[result] = spectral_tangent("irfftn", d[a], a, s, axes, norm)


# ----- Shifts (permutations: the adjoint is the inverse shift) ----------------------------------


@register_adjoint(np.fft.fftshift)
def _(result, x, axes=None):
    d[x] = np.fft.ifftshift(d[result], axes)


@register_tangent(np.fft.fftshift)
def _(result, x, axes=None):
    d[result] = np.fft.fftshift(d[x], axes)


@register_adjoint(np.fft.ifftshift)
def _(result, x, axes=None):
    d[x] = np.fft.fftshift(d[result], axes)


@register_tangent(np.fft.ifftshift)
def _(result, x, axes=None):
    d[result] = np.fft.ifftshift(d[x], axes)


# ----- Phase -------------------------------------------------------------------------------------


# angle(a + ib) = atan2(b, a); on real values it is constant (0 or pi) away from zero.
@register_adjoint(np.angle)
def _(result, z):
    d[z] = angle_adjoint(d[result], z)


@register_tangent(np.angle)
def _(result, z):
    d[result] = np.imag(d[z] / z)
