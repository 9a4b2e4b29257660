"""Functions whose output carries no derivative: shapes, indices, rounding, constructors, tests."""
import logging
import math
import warnings

import numpy as np

from adjoint.rules.table import non_differentiable
from adjoint.runtime import (attribute_or_raise, augmented_and, augmented_floordiv, augmented_lshift, augmented_or,
                             augmented_rshift, augmented_xor, dict_keys, distribution_stand_in, draws_shape, enter_context,
                             exit_context, field_index, function_choice_refused, function_position, histogram_positions,
                             logged, record_class_or_refuse, removed_position, scalar_base_or_refuse, stop_gradient,
                             unpacked_or_raise)

non_differentiable(
    len, range, int, bool, round, isinstance, print, reversed, enumerate, zip, type,
    math.floor, math.ceil, math.trunc, math.isnan, math.isinf, math.isfinite,
    np.shape, np.ndim, np.size, np.argmax, np.argmin, np.argsort, np.sign, np.floor, np.ceil,
    np.round, np.rint, np.trunc, np.zeros, np.ones, np.empty, np.zeros_like, np.ones_like,
    np.empty_like, np.eye, np.identity, np.isnan, np.isinf, np.isfinite,
    np.greater, np.less, np.equal, np.not_equal, np.greater_equal, np.less_equal,
    np.logical_and, np.logical_or, np.logical_not, np.any, np.all, np.nonzero, np.count_nonzero,
    stop_gradient, field_index, dict_keys, enter_context, exit_context, record_class_or_refuse, unpacked_or_raise,
    attribute_or_raise, augmented_floordiv, augmented_and, augmented_or, augmented_xor, augmented_lshift,
    augmented_rshift, distribution_stand_in, draws_shape, function_choice_refused, function_position, logged,
    removed_position, scalar_base_or_refuse, histogram_positions,
)

# Messages: logging and warnings run in the primal sweep and carry no derivative (as do the
# warning filters they are shown through).
non_differentiable(
    warnings.warn, warnings.simplefilter, warnings.filterwarnings, warnings.resetwarnings, logging.debug, logging.info, logging.warning, logging.error, logging.critical,
    logging.exception, logging.log, logging.Logger.debug, logging.Logger.info, logging.Logger.warning,
    logging.Logger.error, logging.Logger.critical, logging.Logger.exception, logging.Logger.log,
    logging.LoggerAdapter.debug, logging.LoggerAdapter.info, logging.LoggerAdapter.warning,
    logging.LoggerAdapter.error, logging.LoggerAdapter.critical, logging.LoggerAdapter.exception,
    logging.LoggerAdapter.log,
)

# NumPy: piecewise-constant functions, integer results, predicates and index builders.
non_differentiable(
    np.around, np.fix, np.floor_divide, np.signbit, np.logical_xor, np.isclose,
    np.allclose, np.array_equal, np.searchsorted, np.digitize, np.argwhere, np.flatnonzero,
    np.tri, np.diag_indices, np.tril_indices, np.triu_indices, np.indices,
)
