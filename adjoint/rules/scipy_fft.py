"""Adjoints and tangents of scipy.fft's transforms and shifts, as np.fft's (numpy_fft.py): they compute the same
values (pocketfft both), and frontend/complex_values.py's numpy_transform makes each stand for np.fft's
function of its name where complex values are followed. `n`, `s`, `axes` and `norm` are followed;
`workers` and `overwrite_x` change no value the derivative reads (a transform's adjoint reads its
input's shape and kind alone); a precomputed `plan` is refused by SciPy itself.
"""
import numpy as np
from scipy import fft

from adjoint.rules.numpy_complex import COMPLEX_ADJOINTS, COMPLEX_TANGENTS
from adjoint.rules.table import register_adjoint, register_tangent
from adjoint.runtime import spectral_adjoint, spectral_tangent
from adjoint.templates import d

TRANSFORMS = (fft.fft, fft.ifft, fft.rfft, fft.irfft, fft.fft2, fft.ifft2, fft.rfft2, fft.irfft2, fft.fftn, fft.ifftn,
              fft.rfftn, fft.irfftn, fft.fftshift, fft.ifftshift)
COMPLEX_ADJOINTS.share(*TRANSFORMS)
COMPLEX_TANGENTS.share(*TRANSFORMS)

# ----- 1-D transforms ----------------------------------------------------------------------

@register_adjoint(fft.fft)
def _(result, x, n=None, axis=-1, norm=None, overwrite_x=False, workers=None, plan=None):
    d[x] = spectral_adjoint("fft", d[result], x, n, axis, norm)


@register_tangent(fft.fft)
def _(result, x, n=None, axis=-1, norm=None, overwrite_x=False, workers=None, plan=None):
    d[result] = spectral_tangent("fft", d[x], x, n, axis, norm)


@register_adjoint(fft.ifft)
def _(result, x, n=None, axis=-1, norm=None, overwrite_x=False, workers=None, plan=None):
    d[x] = spectral_adjoint("ifft", d[result], x, n, axis, norm)


@register_tangent(fft.ifft)
def _(result, x, n=None, axis=-1, norm=None, overwrite_x=False, workers=None, plan=None):
    d[result] = spectral_tangent("ifft", d[x], x, n, axis, norm)


@register_adjoint(fft.rfft)
def _(result, x, n=None, axis=-1, norm=None, overwrite_x=False, workers=None, plan=None):
    d[x] = spectral_adjoint("rfft", d[result], x, n, axis, norm)


@register_tangent(fft.rfft)
def _(result, x, n=None, axis=-1, norm=None, overwrite_x=False, workers=None, plan=None):
    d[result] = spectral_tangent("rfft", d[x], x, n, axis, norm)


@register_adjoint(fft.irfft)
def _(result, x, n=None, axis=-1, norm=None, overwrite_x=False, workers=None, plan=None):
    d[x] = spectral_adjoint("irfft", d[result], x, n, axis, norm)


@register_tangent(fft.irfft)
def _(result, x, n=None, axis=-1, norm=None, overwrite_x=False, workers=None, plan=None):
    d[result] = spectral_tangent("irfft", d[x], x, n, axis, norm)


# ----- 2-D and n-D transforms ----------------------------------------------------------------

@register_adjoint(fft.fft2)
def _(result, x, s=None, axes=(-2, -1), norm=None, overwrite_x=False, workers=None, plan=None):
    d[x] = spectral_adjoint("fft2", d[result], x, s, axes, norm)


@register_tangent(fft.fft2)
def _(result, x, s=None, axes=(-2, -1), norm=None, overwrite_x=False, workers=None, plan=None):
    d[result] = spectral_tangent("fft2", d[x], x, s, axes, norm)


@register_adjoint(fft.ifft2)
def _(result, x, s=None, axes=(-2, -1), norm=None, overwrite_x=False, workers=None, plan=None):
    d[x] = spectral_adjoint("ifft2", d[result], x, s, axes, norm)


@register_tangent(fft.ifft2)
def _(result, x, s=None, axes=(-2, -1), norm=None, overwrite_x=False, workers=None, plan=None):
    d[result] = spectral_tangent("ifft2", d[x], x, s, axes, norm)


@register_adjoint(fft.rfft2)
def _(result, x, s=None, axes=(-2, -1), norm=None, overwrite_x=False, workers=None, plan=None):
    d[x] = spectral_adjoint("rfft2", d[result], x, s, axes, norm)


@register_tangent(fft.rfft2)
def _(result, x, s=None, axes=(-2, -1), norm=None, overwrite_x=False, workers=None, plan=None):
    d[result] = spectral_tangent("rfft2", d[x], x, s, axes, norm)


@register_adjoint(fft.irfft2)
def _(result, x, s=None, axes=(-2, -1), norm=None, overwrite_x=False, workers=None, plan=None):
    d[x] = spectral_adjoint("irfft2", d[result], x, s, axes, norm)


@register_tangent(fft.irfft2)
def _(result, x, s=None, axes=(-2, -1), norm=None, overwrite_x=False, workers=None, plan=None):
    d[result] = spectral_tangent("irfft2", d[x], x, s, axes, norm)


@register_adjoint(fft.fftn)
def _(result, x, s=None, axes=None, norm=None, overwrite_x=False, workers=None, plan=None):
    d[x] = spectral_adjoint("fftn", d[result], x, s, axes, norm)


@register_tangent(fft.fftn)
def _(result, x, s=None, axes=None, norm=None, overwrite_x=False, workers=None, plan=None):
    d[result] = spectral_tangent("fftn", d[x], x, s, axes, norm)


@register_adjoint(fft.ifftn)
def _(result, x, s=None, axes=None, norm=None, overwrite_x=False, workers=None, plan=None):
    d[x] = spectral_adjoint("ifftn", d[result], x, s, axes, norm)


@register_tangent(fft.ifftn)
def _(result, x, s=None, axes=None, norm=None, overwrite_x=False, workers=None, plan=None):
    d[result] = spectral_tangent("ifftn", d[x], x, s, axes, norm)


@register_adjoint(fft.rfftn)
def _(result, x, s=None, axes=None, norm=None, overwrite_x=False, workers=None, plan=None):
    d[x] = spectral_adjoint("rfftn", d[result], x, s, axes, norm)


@register_tangent(fft.rfftn)
def _(result, x, s=None, axes=None, norm=None, overwrite_x=False, workers=None, plan=None):
    d[result] = spectral_tangent("rfftn", d[x], x, s, axes, norm)


@register_adjoint(fft.irfftn)
def _(result, x, s=None, axes=None, norm=None, overwrite_x=False, workers=None, plan=None):
    d[x] = spectral_adjoint("irfftn", d[result], x, s, axes, norm)


@register_tangent(fft.irfftn)
def _(result, x, s=None, axes=None, norm=None, overwrite_x=False, workers=None, plan=None):
    d[result] = spectral_tangent("irfftn", d[x], x, s, axes, norm)


# ----- Shifts (permutations: the adjoint is the inverse shift) ----------------------------------


@register_adjoint(fft.fftshift)
def _(result, x, axes=None):
    d[x] = np.fft.ifftshift(d[result], axes)


@register_tangent(fft.fftshift)
def _(result, x, axes=None):
    d[result] = np.fft.fftshift(d[x], axes)


@register_adjoint(fft.ifftshift)
def _(result, x, axes=None):
    d[x] = np.fft.fftshift(d[result], axes)


@register_tangent(fft.ifftshift)
def _(result, x, axes=None):
    d[result] = np.fft.ifftshift(d[x], axes)
