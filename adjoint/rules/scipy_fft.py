"""Adjoints and tangents of scipy.fft's transforms and shifts, as np.fft's (numpy_fft.py): they compute the same
values (pocketfft both), and frontend/complex_values.py's numpy_transform makes each stand for np.fft's
function of its name where complex values are followed. `n`, `s`, `axes` and `norm` are followed;
`workers` changes no value; overwrite_x=True is refused when the derivative runs (the input it may
overwrite, a complex value, may be one the derivative reads later), and a precomputed `plan` is refused
by SciPy itself.
"""
import numpy as np
from scipy import fft

from adjoint.rules.numpy_complex import COMPLEX_ADJOINTS, COMPLEX_TANGENTS
from adjoint.rules.table import register_adjoint, register_tangent
from adjoint.runtime import general_or_refuse, spectral_adjoint, spectral_tangent
from adjoint.templates import d

TRANSFORMS = (fft.fft, fft.ifft, fft.rfft, fft.irfft, fft.fft2, fft.ifft2, fft.rfft2, fft.irfft2, fft.fftn, fft.ifftn,
              fft.rfftn, fft.irfftn, fft.fftshift, fft.ifftshift)
# general_or_refuse passes the adjoint (or tangent) through, complex or not, after refusing overwrite_x=True.
COMPLEX_ADJOINTS.share(*TRANSFORMS, general_or_refuse)
COMPLEX_TANGENTS.share(*TRANSFORMS, general_or_refuse)

# ----- 1-D transforms ----------------------------------------------------------------------

@register_adjoint(fft.fft)
def _(result, x, n=None, axis=-1, norm=None, overwrite_x=False, workers=None, plan=None):
    d[x] = spectral_adjoint("fft", general_or_refuse(d[result], None, False, overwrite_x), x, n, axis,
                            norm)


@register_tangent(fft.fft)
def _(result, x, n=None, axis=-1, norm=None, overwrite_x=False, workers=None, plan=None):
    d[result] = spectral_tangent("fft", general_or_refuse(d[x], None, False, overwrite_x), x, n, axis,
                                 norm)


@register_adjoint(fft.ifft)
def _(result, x, n=None, axis=-1, norm=None, overwrite_x=False, workers=None, plan=None):
    d[x] = spectral_adjoint("ifft", general_or_refuse(d[result], None, False, overwrite_x), x, n, axis,
                            norm)


@register_tangent(fft.ifft)
def _(result, x, n=None, axis=-1, norm=None, overwrite_x=False, workers=None, plan=None):
    d[result] = spectral_tangent("ifft", general_or_refuse(d[x], None, False, overwrite_x), x, n, axis,
                                 norm)


@register_adjoint(fft.rfft)
def _(result, x, n=None, axis=-1, norm=None, overwrite_x=False, workers=None, plan=None):
    d[x] = spectral_adjoint("rfft", general_or_refuse(d[result], None, False, overwrite_x), x, n, axis,
                            norm)


@register_tangent(fft.rfft)
def _(result, x, n=None, axis=-1, norm=None, overwrite_x=False, workers=None, plan=None):
    d[result] = spectral_tangent("rfft", general_or_refuse(d[x], None, False, overwrite_x), x, n, axis,
                                 norm)


@register_adjoint(fft.irfft)
def _(result, x, n=None, axis=-1, norm=None, overwrite_x=False, workers=None, plan=None):
    d[x] = spectral_adjoint("irfft", general_or_refuse(d[result], None, False, overwrite_x), x, n, axis,
                            norm)


@register_tangent(fft.irfft)
def _(result, x, n=None, axis=-1, norm=None, overwrite_x=False, workers=None, plan=None):
    d[result] = spectral_tangent("irfft", general_or_refuse(d[x], None, False, overwrite_x), x, n, axis,
                                 norm)


# ----- 2-D and n-D transforms ----------------------------------------------------------------

@register_adjoint(fft.fft2)
def _(result, x, s=None, axes=(-2, -1), norm=None, overwrite_x=False, workers=None, plan=None):
    d[x] = spectral_adjoint("fft2", general_or_refuse(d[result], None, False, overwrite_x), x, s, axes,
                            norm)


@register_tangent(fft.fft2)
def _(result, x, s=None, axes=(-2, -1), norm=None, overwrite_x=False, workers=None, plan=None):
    d[result] = spectral_tangent("fft2", general_or_refuse(d[x], None, False, overwrite_x), x, s, axes,
                                 norm)


@register_adjoint(fft.ifft2)
def _(result, x, s=None, axes=(-2, -1), norm=None, overwrite_x=False, workers=None, plan=None):
    d[x] = spectral_adjoint("ifft2", general_or_refuse(d[result], None, False, overwrite_x), x, s, axes,
                            norm)


@register_tangent(fft.ifft2)
def _(result, x, s=None, axes=(-2, -1), norm=None, overwrite_x=False, workers=None, plan=None):
    d[result] = spectral_tangent("ifft2", general_or_refuse(d[x], None, False, overwrite_x), x, s, axes,
                                 norm)


@register_adjoint(fft.rfft2)
def _(result, x, s=None, axes=(-2, -1), norm=None, overwrite_x=False, workers=None, plan=None):
    d[x] = spectral_adjoint("rfft2", general_or_refuse(d[result], None, False, overwrite_x), x, s, axes,
                            norm)


@register_tangent(fft.rfft2)
def _(result, x, s=None, axes=(-2, -1), norm=None, overwrite_x=False, workers=None, plan=None):
    d[result] = spectral_tangent("rfft2", general_or_refuse(d[x], None, False, overwrite_x), x, s, axes,
                                 norm)


@register_adjoint(fft.irfft2)
def _(result, x, s=None, axes=(-2, -1), norm=None, overwrite_x=False, workers=None, plan=None):
    d[x] = spectral_adjoint("irfft2", general_or_refuse(d[result], None, False, overwrite_x), x, s, axes,
                            norm)


@register_tangent(fft.irfft2)
def _(result, x, s=None, axes=(-2, -1), norm=None, overwrite_x=False, workers=None, plan=None):
    d[result] = spectral_tangent("irfft2", general_or_refuse(d[x], None, False, overwrite_x), x, s, axes,
                                 norm)


@register_adjoint(fft.fftn)
def _(result, x, s=None, axes=None, norm=None, overwrite_x=False, workers=None, plan=None):
    d[x] = spectral_adjoint("fftn", general_or_refuse(d[result], None, False, overwrite_x), x, s, axes,
                            norm)


@register_tangent(fft.fftn)
def _(result, x, s=None, axes=None, norm=None, overwrite_x=False, workers=None, plan=None):
    d[result] = spectral_tangent("fftn", general_or_refuse(d[x], None, False, overwrite_x), x, s, axes,
                                 norm)


@register_adjoint(fft.ifftn)
def _(result, x, s=None, axes=None, norm=None, overwrite_x=False, workers=None, plan=None):
    d[x] = spectral_adjoint("ifftn", general_or_refuse(d[result], None, False, overwrite_x), x, s, axes,
                            norm)


@register_tangent(fft.ifftn)
def _(result, x, s=None, axes=None, norm=None, overwrite_x=False, workers=None, plan=None):
    d[result] = spectral_tangent("ifftn", general_or_refuse(d[x], None, False, overwrite_x), x, s, axes,
                                 norm)


@register_adjoint(fft.rfftn)
def _(result, x, s=None, axes=None, norm=None, overwrite_x=False, workers=None, plan=None):
    d[x] = spectral_adjoint("rfftn", general_or_refuse(d[result], None, False, overwrite_x), x, s, axes,
                            norm)


@register_tangent(fft.rfftn)
def _(result, x, s=None, axes=None, norm=None, overwrite_x=False, workers=None, plan=None):
    d[result] = spectral_tangent("rfftn", general_or_refuse(d[x], None, False, overwrite_x), x, s, axes,
                                 norm)


@register_adjoint(fft.irfftn)
def _(result, x, s=None, axes=None, norm=None, overwrite_x=False, workers=None, plan=None):
    d[x] = spectral_adjoint("irfftn", general_or_refuse(d[result], None, False, overwrite_x), x, s, axes,
                            norm)


@register_tangent(fft.irfftn)
def _(result, x, s=None, axes=None, norm=None, overwrite_x=False, workers=None, plan=None):
    d[result] = spectral_tangent("irfftn", general_or_refuse(d[x], None, False, overwrite_x), x, s, axes,
                                 norm)


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
