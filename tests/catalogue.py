"""The test catalogue: explicit `Case` records over the functions of catalogue_functions.py.

A case is a function, a recipe for its arguments (`make_args(rng) -> tuple`), the `wrt`
to differentiate with respect to, and tags: the construct it exercises (one of
CATEGORIES, plus any other it also uses) and "autograd" when autograd can run the same
function (NumPy only through `np`, no function of `math` (its constants are fine), no
`adjoint.stop_gradient`, no writes into arrays, no `float()` of an active value, no
`x.dot` (autograd's arrays lack it), and only float or array arguments in `wrt`).
Arguments are chosen inside each function's domain and away from kinks and branch
boundaries, so the gradient exists and finite differences measure it.

`load_functions(np=...)` loads a second copy of the functions with another NumPy module
(see the docstring of catalogue_functions.py for the rule that makes this safe).
"""
from __future__ import annotations

import ast
import inspect
import types
from dataclasses import dataclass, field
from typing import Any, Callable, FrozenSet, Tuple, Union

import numpy as np

import catalogue_functions as fns

Wrt = Union[int, str, Tuple[Union[int, str], ...]]

CATEGORIES = frozenset({
    "scalar", "math", "builtins", "if", "for", "while", "jump", "call", "tuple",
    "subscript", "list", "numpy", "stop_gradient", "seed",
})
TAGS = CATEGORIES | {"autograd"}


@dataclass(frozen=True)
class Case:
    """One function, how to make its arguments, and what to differentiate it with respect to."""

    fn: Callable[..., Any]
    make_args: Callable[[np.random.Generator], tuple]
    wrt: Wrt = 0
    tags: FrozenSet[str] = field(default_factory=frozenset)
    id: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "tags", frozenset(self.tags))
        if not self.id:
            object.__setattr__(self, "id", self.fn.__name__)
        unknown = self.tags - TAGS
        if unknown:
            raise ValueError(f"case {self.id}: unknown tags {sorted(unknown)}")
        if not self.tags & CATEGORIES:
            raise ValueError(f"case {self.id}: no category tag (one of {sorted(CATEGORIES)})")

    @property
    def wrt_items(self) -> tuple:
        """`wrt` as a tuple (a single int or name becomes a 1-tuple)."""
        return self.wrt if isinstance(self.wrt, tuple) else (self.wrt,)

    @property
    def positions(self) -> Tuple[int, ...]:
        """The positional index of each `wrt` entry, in `wrt` order."""
        names = list(inspect.signature(self.fn).parameters)
        return tuple(names.index(w) if isinstance(w, str) else w for w in self.wrt_items)


# ----- argument recipes ---------------------------------------------------------

def normal(rng: np.random.Generator, *shape: int) -> np.ndarray:
    return rng.normal(size=shape)


def uniform(rng: np.random.Generator, low: float, high: float, *shape: int) -> np.ndarray:
    return rng.uniform(low, high, size=shape)


def away_from_zero(rng: np.random.Generator, *shape: int) -> np.ndarray:
    """Magnitudes in [0.3, 1.5] with random signs: no element near a kink at 0."""
    return rng.uniform(0.3, 1.5, size=shape) * rng.choice([-1.0, 1.0], size=shape)


def positive(rng: np.random.Generator, *shape: int) -> np.ndarray:
    return rng.uniform(0.5, 2.0, size=shape)


def separated_pair(rng: np.random.Generator, *shape: int) -> Tuple[np.ndarray, np.ndarray]:
    """Two arrays whose elements differ by at least 0.3 (no ties for maximum/minimum)."""
    x = rng.normal(size=shape)
    return x, x + away_from_zero(rng, *shape)


def alternating_signs(rng: np.random.Generator, n: int) -> np.ndarray:
    """Magnitudes in [0.3, 1.5], signs + - + - ...: both branches of a sign test are taken."""
    return rng.uniform(0.3, 1.5, size=n) * np.resize([1.0, -1.0], n)


# ----- the cases -------------------------------------------------------------------

CASES = [
    # scalar
    Case(fns.scalar_add_mul, lambda rng: (1.3, -0.7), (0, 1), {"scalar", "autograd"}),
    Case(fns.scalar_quotient, lambda rng: (2.0, 0.5), "x", {"scalar", "autograd"}),
    Case(fns.scalar_cube, lambda rng: (1.7,), 0, {"scalar", "autograd"}),
    Case(fns.scalar_float_power, lambda rng: (1.3,), 0, {"scalar", "autograd"}),
    Case(fns.scalar_negative_power, lambda rng: (0.8,), 0, {"scalar", "autograd"}),
    Case(fns.scalar_variable_power, lambda rng: (1.4, 2.3), (0, 1), {"scalar", "autograd"}),
    Case(fns.scalar_constant_base_power, lambda rng: (0.9,), 0, {"scalar", "autograd"}),
    Case(fns.scalar_unary_minus, lambda rng: (0.6, 1.9), ("x", "y"), {"scalar", "autograd"}),
    Case(fns.scalar_int_float_constants, lambda rng: (0.4,), "x", {"scalar", "autograd"}),
    Case(fns.scalar_int_argument, lambda rng: (3,), 0, {"scalar"}),
    Case(fns.scalar_int_and_float, lambda rng: (1.2, 4), 0, {"scalar", "autograd"}),
    Case(fns.scalar_int_and_float, lambda rng: (1.2, 4), (0, 1), {"scalar"}, id="scalar_int_and_float_both"),
    Case(fns.scalar_int_exponent_argument, lambda rng: (1.3, 3), 0, {"scalar", "autograd"}),
    Case(fns.scalar_reciprocal, lambda rng: (-1.6,), 0, {"scalar", "autograd"}),
    Case(fns.scalar_chain, lambda rng: (0.5, 1.5), (0, 1), {"scalar", "autograd"}),
    Case(fns.scalar_reassign, lambda rng: (0.7,), 0, {"scalar", "autograd"}),
    Case(fns.scalar_augmented_assign, lambda rng: (1.1, 0.8), (0, 1), {"scalar", "autograd"}),
    Case(fns.scalar_unused_argument, lambda rng: (0.3, 5.0), (0, 1), {"scalar", "autograd"}),
    Case(fns.scalar_constant_output, lambda rng: (0.3,), 0, {"scalar", "autograd"}),
    Case(fns.scalar_polynomial, lambda rng: (0.5, -1.2, 0.9), (0, 1, 2), {"scalar", "autograd"}),
    Case(fns.scalar_division_chain, lambda rng: (1.5, 0.7, -1.3), (2, 0), {"scalar", "autograd"}),
    Case(fns.scalar_rational, lambda rng: (0.9,), 0, {"scalar", "autograd"}),
    Case(fns.scalar_repeated_factor, lambda rng: (1.1,), ("x",), {"scalar", "autograd"}),
    Case(fns.scalar_self_quotient, lambda rng: (2.5,), 0, {"scalar", "autograd"}),
    Case(fns.scalar_reassign_parameters, lambda rng: (0.8, 1.3), (0, "y"), {"scalar", "autograd"}),
    # math
    Case(fns.math_sin, lambda rng: (0.7,), 0, {"math"}),
    Case(fns.math_cos, lambda rng: (0.4,), 0, {"math"}),
    Case(fns.math_tan, lambda rng: (0.6,), 0, {"math"}),
    Case(fns.math_asin, lambda rng: (0.45,), 0, {"math"}),
    Case(fns.math_acos, lambda rng: (-0.3,), 0, {"math"}),
    Case(fns.math_atan, lambda rng: (1.7,), 0, {"math"}),
    Case(fns.math_atan2, lambda rng: (0.8, -1.4), (0, 1), {"math"}),
    Case(fns.math_sinh, lambda rng: (1.2,), 0, {"math"}),
    Case(fns.math_cosh, lambda rng: (-0.9,), 0, {"math"}),
    Case(fns.math_tanh, lambda rng: (0.3,), 0, {"math"}),
    Case(fns.math_asinh, lambda rng: (-2.2,), 0, {"math"}),
    Case(fns.math_acosh, lambda rng: (1.8,), 0, {"math"}),
    Case(fns.math_atanh, lambda rng: (0.35,), 0, {"math"}),
    Case(fns.math_exp, lambda rng: (0.8,), 0, {"math"}),
    Case(fns.math_expm1, lambda rng: (0.02,), 0, {"math"}),
    Case(fns.math_log, lambda rng: (2.7,), 0, {"math"}),
    Case(fns.math_log_base, lambda rng: (5.0, 3.0), ("x", "base"), {"math"}),
    Case(fns.math_log1p, lambda rng: (0.25,), 0, {"math"}),
    Case(fns.math_log2, lambda rng: (0.6,), 0, {"math"}),
    Case(fns.math_log10, lambda rng: (3.3,), 0, {"math"}),
    Case(fns.math_sqrt, lambda rng: (2.2,), 0, {"math"}),
    Case(fns.math_pow, lambda rng: (1.7, 0.6), (0, 1), {"math"}),
    Case(fns.math_pow_int_exponent, lambda rng: (-1.2,), 0, {"math"}),
    Case(fns.math_hypot, lambda rng: (3.0, -4.0), (0, 1), {"math"}),
    Case(fns.math_fabs, lambda rng: (-0.9,), 0, {"math"}),
    Case(fns.math_erf, lambda rng: (0.4,), 0, {"math"}),
    Case(fns.math_erfc, lambda rng: (-0.3,), 0, {"math"}),
    Case(fns.math_constants, lambda rng: (0.3,), 0, {"math"}),
    Case(fns.math_composite, lambda rng: (0.7, 2.1), (1, 0), {"math"}),
    Case(fns.math_nested, lambda rng: (0.5,), 0, {"math"}),
    Case(fns.math_int_argument, lambda rng: (2,), 0, {"math"}),
    # builtins
    Case(fns.builtin_abs, lambda rng: (-1.3,), 0, {"builtins", "autograd"}),
    Case(fns.builtin_abs_of_difference, lambda rng: (2.0, 0.5), (0, 1), {"builtins", "autograd"}),
    Case(fns.builtin_max_two, lambda rng: (1.4, 0.2), (0, 1), {"builtins", "autograd"}),
    Case(fns.builtin_max_three, lambda rng: (0.3, 1.2, -0.5), (0, 1, 2), {"builtins", "autograd"}),
    Case(fns.builtin_max_constant, lambda rng: (1.2,), 0, {"builtins", "autograd"}),
    Case(fns.builtin_min_two, lambda rng: (0.4, 1.7), (0, 1), {"builtins", "autograd"}),
    Case(fns.builtin_min_three, lambda rng: (0.5, 0.8, 1.1), (0, 1, 2), {"builtins", "autograd"}),
    Case(fns.builtin_min_of_max, lambda rng: (0.3, 0.6), (0, 1), {"builtins", "autograd"}),
    Case(fns.builtin_sum_list, lambda rng: (0.5, -1.0, 2.0), (0, 1, 2), {"builtins", "list", "autograd"}),
    Case(fns.builtin_float, lambda rng: (1.5,), 0, {"builtins"}),
    Case(fns.builtin_float_of_int, lambda rng: (3, 0.5), (0, 1), {"builtins"}),
    Case(fns.builtin_len, lambda rng: (normal(rng, 5),), 0, {"builtins", "numpy", "autograd"}),
    Case(fns.builtin_range_len, lambda rng: (normal(rng, 4),), 0, {"builtins", "for", "subscript", "autograd"}),
    Case(fns.builtin_abs_array, lambda rng: (away_from_zero(rng, 5),), 0, {"builtins", "numpy", "autograd"}),
    Case(fns.builtin_max_of_elements, lambda rng: (np.array([0.3, 1.9, -0.4, 0.7]),), 0,
         {"builtins", "subscript", "autograd"}),
    # if
    Case(fns.if_else, lambda rng: (1.3,), 0, {"if", "autograd"}, id="if_else_true"),
    Case(fns.if_else, lambda rng: (-0.7,), 0, {"if", "autograd"}, id="if_else_false"),
    Case(fns.if_elif_else, lambda rng: (-1.5,), 0, {"if", "autograd"}, id="if_elif_else_first"),
    Case(fns.if_elif_else, lambda rng: (0.2,), 0, {"if", "autograd"}, id="if_elif_else_second"),
    Case(fns.if_elif_else, lambda rng: (2.3,), 0, {"if", "autograd"}, id="if_elif_else_third"),
    Case(fns.if_nested, lambda rng: (0.5, 0.7), (0, 1), {"if", "autograd"}, id="if_nested_pos_pos"),
    Case(fns.if_nested, lambda rng: (0.5, -0.7), (0, 1), {"if", "autograd"}, id="if_nested_pos_neg"),
    Case(fns.if_nested, lambda rng: (-0.5, 0.3), (0, 1), {"if", "autograd"}, id="if_nested_neg_above"),
    Case(fns.if_nested, lambda rng: (-0.5, -1.1), (0, 1), {"if", "autograd"}, id="if_nested_neg_below"),
    Case(fns.if_expression, lambda rng: (1.6,), 0, {"if", "autograd"}, id="if_expression_true"),
    Case(fns.if_expression, lambda rng: (0.4,), 0, {"if", "autograd"}, id="if_expression_false"),
    Case(fns.if_compare_active, lambda rng: (0.5, 1.5), (0, 1), {"if", "autograd"}),
    Case(fns.if_without_else, lambda rng: (0.9,), 0, {"if", "autograd"}, id="if_without_else_taken"),
    Case(fns.if_without_else, lambda rng: (0.2,), 0, {"if", "autograd"}, id="if_without_else_skipped"),
    Case(fns.if_flag, lambda rng: (0.7, True), "x", {"if", "autograd"}, id="if_flag_true"),
    Case(fns.if_flag, lambda rng: (0.7, False), "x", {"if", "autograd"}, id="if_flag_false"),
    Case(fns.if_chained_comparison, lambda rng: (0.3,), 0, {"if", "autograd"}),
    Case(fns.if_bool_operators, lambda rng: (0.4, -0.6), (0, 1), {"if", "autograd"}),
    Case(fns.if_not, lambda rng: (1.5,), 0, {"if", "autograd"}),
    Case(fns.if_branches_assign_two, lambda rng: (2.0, 0.9), (0, 1), {"if", "autograd"},
         id="if_branches_assign_two_true"),
    Case(fns.if_branches_assign_two, lambda rng: (0.5, 0.9), (0, 1), {"if", "autograd"},
         id="if_branches_assign_two_false"),
    Case(fns.if_expressions_in_expression, lambda rng: (0.9, 1.3), (0, 1), {"if", "autograd"}),
    Case(fns.if_on_array, lambda rng: (positive(rng, 4),), 0, {"if", "numpy", "autograd"}),
    # for
    Case(fns.for_range_horner, lambda rng: (0.7, 5), 0, {"for", "autograd"}),
    Case(fns.for_range_start_stop, lambda rng: (0.6, 5), 0, {"for", "autograd"}),
    Case(fns.for_range_step, lambda rng: (1.1,), 0, {"for", "autograd"}),
    Case(fns.for_range_negative_step, lambda rng: (0.5, 4), "x", {"for", "autograd"}),
    Case(fns.for_over_array, lambda rng: (normal(rng, 4),), 0, {"for", "autograd"}),
    Case(fns.for_over_list_literal, lambda rng: (1.3,), 0, {"for", "list", "autograd"}),
    Case(fns.for_over_list_argument, lambda rng: (0.8, [1.0, 2.0, -1.0, 0.5]), 0, {"for", "list", "autograd"}),
    Case(fns.for_zip, lambda rng: (normal(rng, 5), normal(rng, 5)), (0, 1), {"for", "autograd"}),
    Case(fns.for_enumerate, lambda rng: (normal(rng, 4),), 0, {"for", "autograd"}),
    Case(fns.for_nested, lambda rng: (0.9, 3, 2), 0, {"for", "autograd"}),
    Case(fns.for_triangular, lambda rng: (1.2, 4), 0, {"for", "autograd"}),
    Case(fns.for_overwrite_carried, lambda rng: (0.8, 6), 0, {"for", "math"}),
    Case(fns.for_overwrite_carried_array, lambda rng: (normal(rng, 3), 4), 0, {"for", "numpy", "autograd"}),
    Case(fns.for_rows_of_matrix, lambda rng: (normal(rng, 4, 3), normal(rng, 3)), (0, 1),
         {"for", "numpy", "autograd"}),
    Case(fns.for_zero_iterations, lambda rng: (0.7, 0), 0, {"for", "autograd"}),
    Case(fns.for_inner_if, lambda rng: (alternating_signs(rng, 6),), 0, {"for", "if", "autograd"}),
    Case(fns.for_reversed_index, lambda rng: (normal(rng, 4), normal(rng, 4)), (0, 1),
         {"for", "subscript", "autograd"}),
    Case(fns.for_variable_after_loop, lambda rng: (1.2, 4), 0, {"for", "autograd"}),
    Case(fns.for_accumulate_array, lambda rng: (uniform(rng, -1.0, 1.0, 3), 3), 0, {"for", "numpy", "autograd"}),
    Case(fns.for_two_carried, lambda rng: (0.6, 0.4, 5), ("x", "y"), {"for", "autograd"}),
    # while
    Case(fns.while_counter, lambda rng: (0.9, 4), 0, {"while", "autograd"}),
    Case(fns.while_active_condition, lambda rng: (1.7,), 0, {"while", "autograd"}),
    Case(fns.while_halving, lambda rng: (5.3,), 0, {"while", "autograd"}),
    Case(fns.while_newton_sqrt, lambda rng: (2.0,), 0, {"while", "autograd"}),
    Case(fns.while_countdown, lambda rng: (1.1, 3), 0, {"while", "autograd"}),
    Case(fns.while_in_for, lambda rng: (0.7, 4), 0, {"while", "for", "autograd"}),
    Case(fns.while_array_condition, lambda rng: (np.array([0.3, -0.4, 0.2]),), 0,
         {"while", "numpy", "autograd"}),
    Case(fns.while_true_break, lambda rng: (1.0,), 0, {"while", "jump", "autograd"}),
    # jump
    Case(fns.jump_break, lambda rng: (1.6,), 0, {"jump", "for", "autograd"}),
    Case(fns.jump_continue, lambda rng: (0.8, 6), 0, {"jump", "for", "autograd"}),
    Case(fns.jump_continue_on_active, lambda rng: (alternating_signs(rng, 5),), 0, {"jump", "for", "autograd"}),
    Case(fns.jump_early_return, lambda rng: (2.5,), 0, {"jump", "autograd"}, id="jump_early_return_taken"),
    Case(fns.jump_early_return, lambda rng: (1.5,), 0, {"jump", "autograd"}, id="jump_early_return_skipped"),
    Case(fns.jump_return_in_loop, lambda rng: (1.5, 10), 0, {"jump", "for", "autograd"},
         id="jump_return_in_loop_taken"),
    Case(fns.jump_return_in_loop, lambda rng: (1.1, 3), 0, {"jump", "for", "autograd"},
         id="jump_return_in_loop_skipped"),
    Case(fns.jump_return_in_nested_loop, lambda rng: (0.7,), 0, {"jump", "for", "autograd"}),
    Case(fns.jump_break_in_while, lambda rng: (1.1,), 0, {"jump", "while", "autograd"}),
    Case(fns.jump_continue_in_while, lambda rng: (0.5, 4), 0, {"jump", "while", "autograd"}),
    Case(fns.jump_break_inner_loop, lambda rng: (0.8, 4), 0, {"jump", "for", "autograd"}),
    Case(fns.jump_return_in_else, lambda rng: (0.8,), 0, {"jump", "if", "autograd"}, id="jump_return_in_else_taken"),
    Case(fns.jump_return_in_else, lambda rng: (-0.8,), 0, {"jump", "if", "autograd"},
         id="jump_return_in_else_skipped"),
    Case(fns.jump_return_from_while, lambda rng: (1.7,), 0, {"jump", "while", "autograd"}),
    # call
    Case(fns.call_helper, lambda rng: (0.7,), 0, {"call", "autograd"}),
    Case(fns.call_default_argument, lambda rng: (1.3,), 0, {"call", "autograd"}),
    Case(fns.call_keyword_arguments, lambda rng: (0.6, 1.4), (0, 1), {"call", "autograd"}),
    Case(fns.call_default_and_keywords, lambda rng: (0.9, -0.4), ("x", "y"), {"call", "autograd"}),
    Case(fns.call_tuple_return, lambda rng: (1.2, 0.5), (0, 1), {"call", "tuple", "autograd"}),
    Case(fns.call_tuple_return_indexed, lambda rng: (1.2, 0.5), (0, 1), {"call", "tuple", "subscript", "autograd"}),
    Case(fns.call_recursive_power, lambda rng: (1.3, 5), 0, {"call", "autograd"}),
    Case(fns.call_recursive_sum, lambda rng: (0.9, 4), 0, {"call", "autograd"}),
    Case(fns.call_recursive_array, lambda rng: (normal(rng, 3), 3), 0, {"call", "numpy", "autograd"}),
    Case(fns.call_mutual_recursion, lambda rng: (0.8, 3), 0, {"call", "autograd"}),
    Case(fns.call_nested_calls, lambda rng: (0.6,), 0, {"call", "autograd"}),
    Case(fns.call_helper_calls_helper, lambda rng: (0.7, 1.1), (0, 1), {"call", "autograd"}),
    Case(fns.call_in_loop, lambda rng: (0.9, 4), 0, {"call", "for", "autograd"}),
    Case(fns.call_numpy_helper, lambda rng: (normal(rng, 4), normal(rng, 4)), (0, 1), {"call", "numpy", "autograd"}),
    Case(fns.call_math_helper, lambda rng: (0.8,), 0, {"call", "math"}),
    # tuple
    Case(fns.tuple_swap, lambda rng: (0.7, 1.6), (0, 1), {"tuple", "autograd"}),
    Case(fns.tuple_unpack_expressions, lambda rng: (0.7, -1.2), (0, 1), {"tuple", "autograd"}),
    Case(fns.tuple_unpack_array, lambda rng: (normal(rng, 3),), 0, {"tuple", "numpy", "autograd"}),
    Case(fns.tuple_nested_unpack, lambda rng: (0.5, 1.5, -0.3), (0, 1, 2), {"tuple", "autograd"}),
    Case(fns.tuple_rotate, lambda rng: (0.5, 1.5, -0.3), ("x", "y", "z"), {"tuple", "autograd"}),
    Case(fns.tuple_swap_in_loop, lambda rng: (0.9, 1.2, 5), (0, 1), {"tuple", "for", "autograd"}),
    Case(fns.tuple_literal_indexed, lambda rng: (0.9, 1.2), (0, 1), {"tuple", "subscript", "autograd"}),
    # subscript
    Case(fns.subscript_index, lambda rng: (normal(rng, 5), 2), 0, {"subscript", "autograd"}),
    Case(fns.subscript_slice, lambda rng: (normal(rng, 5),), 0, {"subscript", "numpy", "autograd"}),
    Case(fns.subscript_negative_index, lambda rng: (normal(rng, 4),), 0, {"subscript", "autograd"}),
    Case(fns.subscript_2d, lambda rng: (normal(rng, 4, 4), 1, 2), "m", {"subscript", "autograd"}),
    Case(fns.subscript_row_and_column, lambda rng: (normal(rng, 3, 4), normal(rng, 4)), (0, 1),
         {"subscript", "numpy", "autograd"}),
    Case(fns.subscript_step_slice, lambda rng: (normal(rng, 6),), 0, {"subscript", "numpy", "autograd"}),
    Case(fns.subscript_mask, lambda rng: (alternating_signs(rng, 6),), 0, {"subscript", "numpy", "autograd"}),
    Case(fns.subscript_mask_argument, lambda rng: (normal(rng, 5), np.array([True, False, True, True, False])), 0,
         {"subscript", "numpy", "autograd"}),
    Case(fns.subscript_neighbours, lambda rng: (normal(rng, 5),), 0, {"subscript", "for", "autograd"}),
    Case(fns.subscript_write, lambda rng: (0.7, -1.3), (0, 1), {"subscript", "numpy"}),
    Case(fns.subscript_augmented_write, lambda rng: (0.7, -1.3), (0, 1), {"subscript", "numpy"}),
    Case(fns.subscript_write_in_loop, lambda rng: (0.9, 4), 0, {"subscript", "for", "numpy"}),
    Case(fns.subscript_overwrite_in_loop, lambda rng: (0.8,), 0, {"subscript", "for", "numpy"}),
    Case(fns.subscript_accumulate_same_index, lambda rng: (0.9, 5), 0, {"subscript", "for", "numpy"}),
    Case(fns.subscript_write_2d, lambda rng: (0.7, -1.3), (0, 1), {"subscript", "numpy"}),
    Case(fns.subscript_write_from_array, lambda rng: (normal(rng, 4),), 0, {"subscript", "for", "numpy"}),
    Case(fns.subscript_write_then_read, lambda rng: (0.6,), 0, {"subscript", "numpy"}),
    Case(fns.subscript_slice_write, lambda rng: (normal(rng, 3),), 0, {"subscript", "numpy"}),
    # list
    Case(fns.list_append_floats, lambda rng: (0.7,), 0, {"list", "autograd"}),
    Case(fns.list_append_in_loop, lambda rng: (0.8, 4), 0, {"list", "for", "autograd"}),
    Case(fns.list_of_arrays, lambda rng: (normal(rng, 4),), 0, {"list", "numpy", "autograd"}),
    Case(fns.list_literal, lambda rng: (0.7, 1.9), (0, 1), {"list", "autograd"}),
    Case(fns.list_negative_index, lambda rng: (0.6,), 0, {"list", "for", "autograd"}),
    Case(fns.list_weights_argument, lambda rng: (0.8, [0.5, -1.0, 2.0]), 0, {"list", "for", "autograd"}),
    Case(fns.list_mean_by_len, lambda rng: (0.7, 1.9), (0, 1), {"list", "builtins", "autograd"}),
    Case(fns.list_sum_of_arrays, lambda rng: (normal(rng, 3), normal(rng, 3)), (0, 1),
         {"list", "builtins", "numpy", "autograd"}),
    Case(fns.list_read_backwards, lambda rng: (0.7, 4), 0, {"list", "for", "autograd"}),
    Case(fns.list_of_transformed_rows, lambda rng: (normal(rng, 3, 2),), 0, {"list", "for", "numpy", "autograd"}),
    # numpy
    Case(fns.np_exp, lambda rng: (normal(rng, 4),), 0, {"numpy", "autograd"}),
    Case(fns.np_log, lambda rng: (positive(rng, 4),), 0, {"numpy", "autograd"}),
    Case(fns.np_sin, lambda rng: (normal(rng, 4),), 0, {"numpy", "autograd"}),
    Case(fns.np_cos, lambda rng: (normal(rng, 2, 3),), 0, {"numpy", "autograd"}),
    Case(fns.np_tan, lambda rng: (uniform(rng, -1.0, 1.0, 4),), 0, {"numpy", "autograd"}),
    Case(fns.np_tanh, lambda rng: (normal(rng, 4),), 0, {"numpy", "autograd"}),
    Case(fns.np_sinh, lambda rng: (normal(rng, 4),), 0, {"numpy", "autograd"}),
    Case(fns.np_cosh, lambda rng: (normal(rng, 4),), 0, {"numpy", "autograd"}),
    Case(fns.np_sqrt, lambda rng: (positive(rng, 4),), 0, {"numpy", "autograd"}),
    Case(fns.np_square, lambda rng: (normal(rng, 4),), 0, {"numpy", "autograd"}),
    Case(fns.np_abs, lambda rng: (away_from_zero(rng, 5),), 0, {"numpy", "autograd"}),
    Case(fns.np_sum_axis, lambda rng: (normal(rng, 3, 4),), 0, {"numpy", "autograd"}),
    Case(fns.np_mean, lambda rng: (normal(rng, 5),), 0, {"numpy", "autograd"}),
    Case(fns.np_mean_axis, lambda rng: (normal(rng, 2, 3),), 0, {"numpy", "autograd"}),
    Case(fns.np_dot, lambda rng: (normal(rng, 4), normal(rng, 4)), (0, 1), {"numpy", "autograd"}),
    Case(fns.np_dot_matrix_vector, lambda rng: (normal(rng, 3, 4), normal(rng, 4)), (0, 1), {"numpy", "autograd"}),
    Case(fns.np_maximum, lambda rng: separated_pair(rng, 5), (0, 1), {"numpy", "autograd"}),
    Case(fns.np_maximum_constant, lambda rng: (away_from_zero(rng, 5),), 0, {"numpy", "autograd"}),
    Case(fns.np_minimum, lambda rng: separated_pair(rng, 2, 3), ("x", "y"), {"numpy", "autograd"}),
    Case(fns.np_norm, lambda rng: (normal(rng, 4),), 0, {"numpy", "autograd"}),
    Case(fns.np_array_of_scalars, lambda rng: (0.5, -1.2, 0.8), (0, 1, 2), {"numpy", "autograd"}),
    Case(fns.np_zeros, lambda rng: (0.7,), 0, {"numpy", "autograd"}),
    Case(fns.np_ones, lambda rng: (-1.3,), 0, {"numpy", "autograd"}),
    Case(fns.np_zeros_like, lambda rng: (normal(rng, 2, 2),), 0, {"numpy", "autograd"}),
    Case(fns.np_method_sum, lambda rng: (normal(rng, 5),), 0, {"numpy", "autograd"}),
    Case(fns.np_method_transpose, lambda rng: (normal(rng, 3, 2), normal(rng, 3)), (0, 1), {"numpy", "autograd"}),
    Case(fns.np_method_dot, lambda rng: (normal(rng, 4), normal(rng, 4)), (0, 1), {"numpy"}),  # autograd: no ArrayBox.dot
    Case(fns.np_method_reshape, lambda rng: (normal(rng, 6), normal(rng, 3)), (0, 1), {"numpy", "autograd"}),
    Case(fns.np_matmul, lambda rng: (normal(rng, 3, 4), normal(rng, 4)), (0, 1), {"numpy", "autograd"}),
    Case(fns.np_broadcast_bias, lambda rng: (normal(rng, 4, 3), normal(rng, 3)), (0, 1), {"numpy", "autograd"}),
    Case(fns.np_broadcast_bias, lambda rng: (normal(rng, 4, 3), normal(rng, 3)), "b", {"numpy", "autograd"},
         id="np_broadcast_bias_only"),
    Case(fns.np_broadcast_size_one_axes, lambda rng: (normal(rng, 3, 1), normal(rng, 1, 4)), (0, 1),
         {"numpy", "autograd"}),
    Case(fns.np_scalar_times_array, lambda rng: (0.7, normal(rng, 2, 3)), (0, 1), {"numpy", "autograd"}),
    Case(fns.np_size_one_output, lambda rng: (normal(rng, 1, 3), normal(rng, 3)), (0, 1), {"numpy", "autograd"}),
    Case(fns.np_keepdims_output, lambda rng: (normal(rng, 4),), 0, {"numpy", "autograd"}),
    Case(fns.np_functions_of_floats, lambda rng: (0.8,), 0, {"numpy", "autograd"}),
    Case(fns.np_dense_layer, lambda rng: (normal(rng, 2, 3), normal(rng, 2), normal(rng, 3)), (0, 1, 2),
         {"numpy", "autograd"}),
    Case(fns.np_logsumexp, lambda rng: (normal(rng, 5),), 0, {"numpy", "autograd"}),
    Case(fns.np_elementwise_2d, lambda rng: (normal(rng, 2, 3),), 0, {"numpy", "autograd"}),
    # stop_gradient
    Case(fns.stop_product, lambda rng: (1.5,), 0, {"stop_gradient"}),
    Case(fns.stop_in_expression, lambda rng: (0.7, 1.3), (0, 1), {"stop_gradient"}),
    Case(fns.stop_array, lambda rng: (normal(rng, 4),), 0, {"stop_gradient", "numpy"}),
    Case(fns.stop_normalize, lambda rng: (normal(rng, 3),), 0, {"stop_gradient", "numpy"}),
    Case(fns.stop_in_loop, lambda rng: (0.6, 3), 0, {"stop_gradient", "for"}),
    Case(fns.stop_term, lambda rng: (0.9, 1.7), ("x", "y"), {"stop_gradient"}),
    # seed
    Case(fns.seed_helium_energy, lambda rng: (2, 3, 2, 5, 3, -3, 0.3), "alpha", {"seed"}),
    Case(fns.seed_helium_energy, lambda rng: (2, 3, 2, 5, 3, -3, 0.3), (0, 1, 2, 3, 4, 5, 6), {"seed"},
         id="seed_helium_energy_int_inputs"),
    Case(fns.seed_helium_energy, lambda rng: (2.0, 3.0, 2.0, 5.0, 3.0, -3.0, 0.3),
         ("a1", "b1", "c1", "a2", "b2", "c2", "alpha"), {"seed", "autograd"}, id="seed_helium_energy_all"),
    Case(fns.seed_helium_energy_vectors, lambda rng: (np.array([2.0, 3.0, 2.0]), np.array([5.0, 3.0, -3.0]), 0.3),
         (0, 1, 2), {"seed", "numpy", "autograd"}),
    Case(fns.seed_f, lambda rng: (0.8, 1.3, 0.4), (0, 1, 2), {"seed", "math"}),
    Case(fns.seed_f_numpy, lambda rng: (0.8, 1.3, 0.4), (0, 1, 2), {"seed", "numpy", "autograd"}),
    Case(fns.seed_f1, lambda rng: (2.0, 2.0, -0.3), (0, 1, 2), {"seed", "numpy", "autograd"}),
    Case(fns.seed_cube, lambda rng: (2.0,), 0, {"seed", "autograd"}),
    Case(fns.seed_product_graph, lambda rng: (2.0, 3.0), (0, 1), {"seed", "autograd"}),
    Case(fns.seed_diamond, lambda rng: (3.0, 2.0, 1.0), (0, 1, 2), {"seed", "autograd"}),
    Case(fns.seed_diamond_square, lambda rng: (3.0, 2.0, 1.0), (0, 1, 2), {"seed", "autograd"}),
    Case(fns.seed_sine_cosine_tangent, lambda rng: (0.458,), 0, {"seed", "numpy", "autograd"}),
    Case(fns.seed_sigmoid, lambda rng: (0.458,), 0, {"seed", "numpy", "autograd"}),
    Case(fns.seed_relu, lambda rng: (0.8,), 0, {"seed", "builtins", "autograd"}, id="seed_relu_positive"),
    Case(fns.seed_relu, lambda rng: (-0.6,), 0, {"seed", "builtins", "autograd"}, id="seed_relu_negative"),
    Case(fns.seed_relu_array, lambda rng: (away_from_zero(rng, 5), normal(rng, 5)), (0, 1),
         {"seed", "numpy", "autograd"}),
    Case(fns.seed_leaky_relu, lambda rng: (0.8,), 0, {"seed", "if", "autograd"}, id="seed_leaky_relu_positive"),
    Case(fns.seed_leaky_relu, lambda rng: (-0.6,), 0, {"seed", "if", "autograd"}, id="seed_leaky_relu_negative"),
    Case(fns.seed_leaky_relu, lambda rng: (-0.6, 0.2), (0, 1), {"seed", "if", "autograd"},
         id="seed_leaky_relu_slope"),
    Case(fns.seed_leaky_relu_array, lambda rng: (away_from_zero(rng, 5),), 0, {"seed", "numpy", "autograd"}),
    Case(fns.seed_softmax, lambda rng: (normal(rng, 4), 1), 0, {"seed", "numpy", "subscript", "autograd"}),
    Case(fns.seed_softmax_of_scalars, lambda rng: (0.3, -0.8, 1.1), (0, 1, 2), {"seed", "numpy", "autograd"}),
    Case(fns.seed_tanh, lambda rng: (0.458,), 0, {"seed", "numpy", "autograd"}),
    Case(fns.seed_cosh, lambda rng: (0.458,), 0, {"seed", "numpy", "autograd"}),
    Case(fns.seed_sinh, lambda rng: (0.458,), 0, {"seed", "numpy", "autograd"}),
    Case(fns.seed_sigmoid_of_sinh, lambda rng: (0.458,), 0, {"seed", "numpy", "autograd"}),
    Case(fns.seed_cubic, lambda rng: (3.2,), 0, {"seed", "autograd"}),
    Case(fns.seed_plus_times, lambda rng: (4.0,), 0, {"seed", "autograd"}),
    Case(fns.seed_quotient, lambda rng: (4.0, 3.0), (0, 1), {"seed", "autograd"}),
    Case(fns.seed_difference_times, lambda rng: (5.0, 3.0), (0, 1), {"seed", "autograd"}),
    Case(fns.seed_power_of_two, lambda rng: (3.0,), 0, {"seed", "autograd"}),
    Case(fns.seed_exp_of_quotient, lambda rng: (4.0,), 0, {"seed", "autograd"}),
    Case(fns.seed_exp_times_three, lambda rng: (2.0,), 0, {"seed", "autograd"}),
    Case(fns.seed_program_a, lambda rng: (0.5, 4.2), (0, 1), {"seed", "math"}),
    Case(fns.seed_power_pair, lambda rng: (0.5, 4.2), (0, 1), {"seed", "autograd"}),
    # regressions found by test_fuzz.py and test_hostile.py
    Case(fns.regression_abs_of_numpy_scalar, lambda rng: (0.7, np.array([0.4, -1.0, 2.0])), (0, 1),
         {"builtins", "subscript", "autograd"}),
    Case(fns.regression_swap_with_parameter_outside_wrt, lambda rng: (0.3, 0.8, -1.1), 0, {"tuple", "autograd"}),
    Case(fns.call_helper_named_like_its_gradient, lambda rng: (0.6,), 0, {"call", "autograd"}),
    Case(fns.regression_while_true_resets_only, lambda rng: (0.7, np.array([0.5, 1.5, 2.5])), 0,
         {"while", "jump", "for", "autograd"}),
]


# ----- a second copy of the functions, with another NumPy ------------------------

_IMPORTED_NAMES = frozenset({"math", "np", "adjoint"})


def load_functions(**replacements: Any) -> types.ModuleType:
    """Execute catalogue_functions.py again as a new module and rebind some of its globals.

    `replacements` maps module-level names (`np`, `math` or `adjoint`) to the objects the
    copy should use instead, e.g. `load_functions(np=autograd.numpy)`. The original module
    is left as it is. The functions module must follow the rule in its docstring: names
    are read only when a function runs, so rebinding them after execution is complete.
    """
    unknown = set(replacements) - _IMPORTED_NAMES
    if unknown:
        raise ValueError(f"can only replace {sorted(_IMPORTED_NAMES)}, not {sorted(unknown)}")
    source = inspect.getsource(fns)
    _check_late_binding(ast.parse(source), fns.__file__)
    module = types.ModuleType(f"{fns.__name__}_copy", fns.__doc__)
    module.__file__ = fns.__file__
    exec(compile(source, fns.__file__, "exec"), module.__dict__)
    for name, value in replacements.items():
        setattr(module, name, value)
    return module


def _check_late_binding(tree: ast.Module, filename: str) -> None:
    """Refuse module-level code that would read `np`, `math` or `adjoint` at import time."""
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the docstring
        if isinstance(node, ast.Import) and {_bound_name(a) for a in node.names} <= _IMPORTED_NAMES:
            continue
        if isinstance(node, ast.FunctionDef) and not node.decorator_list and _literal_defaults(node):
            continue
        raise ValueError(
            f"{filename}:{node.lineno}: only imports of {sorted(_IMPORTED_NAMES)} and plain `def`s "
            "with literal defaults may appear at module level (see the module docstring)"
        )


def _bound_name(alias: ast.alias) -> str:
    return alias.asname or alias.name.split(".")[0]


def _literal_defaults(node: ast.FunctionDef) -> bool:
    defaults = list(node.args.defaults) + [d for d in node.args.kw_defaults if d is not None]
    for default in defaults:
        try:
            ast.literal_eval(default)
        except ValueError:
            return False
    return True
