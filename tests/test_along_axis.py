"""np.apply_along_axis with a function of the user's (named or a lambda): written as NumPy runs it
(the axis moved last, the function called on each 1-D slice in order, its results stacked in an
array of the first one's type and moved to where the axis was), so its source is differentiated."""
import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode


def row_norm(r):
    return np.sqrt(np.sum(r * r))


def scaled_by_first(r):
    return r[0] * np.sin(r)


def norms_of_rows(x):
    return np.sum(np.apply_along_axis(row_norm, 1, np.reshape(x, (2, 3))) ** 3)


def norms_of_columns(x):
    return np.sum(np.apply_along_axis(row_norm, 0, np.reshape(x, (2, 3))) * x[:3])


def slices_kept(x):
    y = np.apply_along_axis(scaled_by_first, -1, np.reshape(x, (2, 3)))
    return np.sum(y ** 2)


def slices_multiplied(x):
    y = np.apply_along_axis(scaled_by_first, 1, np.reshape(x, (2, 3)))
    return np.sum(y * y)


def slices_of_columns(x):
    y = np.apply_along_axis(scaled_by_first, 0, np.reshape(x, (2, 3)))
    return np.sum(y ** 3)


def with_a_lambda(x):
    return np.sum(np.apply_along_axis(lambda r: np.cumsum(r * r), 1, np.reshape(x, (3, 2))) * x[0])


def of_a_vector(x):
    return float(np.apply_along_axis(row_norm, 0, x)) * x[1]


def of_three_dimensions(x):
    y = np.apply_along_axis(scaled_by_first, 1, np.reshape(np.concatenate([x, x * x]), (2, 3, 2)))
    return np.sum(np.tanh(y))


PROGRAMS = [norms_of_rows, norms_of_columns, slices_kept, slices_of_columns, with_a_lambda, of_a_vector,
            of_three_dimensions]


@pytest.mark.parametrize("func", PROGRAMS, ids=lambda f: f.__name__)
def test_apply_along_axis_of_the_users_function(func):
    """(autograd has no derivative of np.apply_along_axis to compare with.)"""
    check_every_mode(func, (np.array([0.3, -1.2, 0.8, 1.5, -0.4, 2.1]),))


def test_slices_multiplied_by_themselves_first_order():
    """Second derivatives refused: for `y * y`, the analysis of what shares memory in the first derivative
    cannot tell y's adjoint apart from the array the slices' results are written into (`y ** 2` is exact)."""
    check_every_mode(slices_multiplied, (np.array([0.3, -1.2, 0.8, 1.5, -0.4, 2.1]),), second_order=False)


def empty_rows(x):
    return np.sum(np.apply_along_axis(row_norm, 1, np.reshape(x, (0, 3))))


def test_no_slices_raise_as_numpy_does():
    with pytest.raises(ValueError, match="iteration dimensions are 0"):
        adjoint.grad(empty_rows)(np.zeros(0))
