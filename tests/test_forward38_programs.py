"""Forward mode and second order on the programs of forward38_programs.py: each program in every mode
(grad, value_and_grad, vjp, jvp against a central directional difference, hvp against differences of
the gradient, grad of grad of the scalar ones), jvp and vjp of grad and jvp of value_and_grad against
differences, tangents, cotangents and arguments left as they were, Jacobians of vector functions by
stacked jvps and vjps, and `adjoint gen` modules run where adjoint cannot be imported.

What was wrong, and is fixed:
- np.clip where a lower bound exceeds the upper one (NumPy's result is the upper bound, whatever x
  is): the derivative went to both bounds where x lay between them, and to the lower bound alone
  where x lay below both; the masks now follow NumPy's min(max(x, low), high).
- A rule's `param is None` filled in with a literal the call passes (np.interp's `left=-1.0`) made
  generated code Python warns of when it compiles it (`-1.0 is None`), a SyntaxError under
  `-W error`: the test is decided when the template is filled in.
- jvp (and hvp) given the tangent of an array argument as a number, a smaller array that
  broadcasts to it or a list: the number was taken as one value (`np.sum(v + v)` counted it once,
  not once per entry), a 0-d array's item read as zero, and a list crashed with a TypeError
  (`dv + dv` joined the lists). The tangent is made an array of the argument's shape, as the
  docstring of jvp's check said it was; so is the tangent of an array in a dict, list, tuple,
  NamedTuple or dataclass argument (a number given for a record's array field was taken as one
  value). A number given for a whole list or record (read as no tangent) and None for a number or
  an array (a TypeError of the generated code) are refused with an ArgumentError.
- `np.arange(F.size)` of a complex array np.fft made was taken for a complex value (any read of a
  complex name was), so a real result weighted by it was refused as "a complex value returned";
  an array's `shape`, `size`, `ndim`, `real` and `imag` are real.
- The tangent of `float(r)` and of math's functions of a NumPy float32 `r` was r's float32 tangent
  multiplied by Python floats, float32 arithmetic (NumPy 2 keeps such a product a float32) where
  the value is computed in float64: `float(np.float32(x)) * x - x * x` had the tangent 0 where its
  derivative (reverse mode's) is float32(x) - x. The arguments' tangents of `float` and of math's
  functions are Python floats, as math takes the arguments themselves; jvp takes the tangent of a
  Python number as a Python float.
- vjp of grad, and so adjoint.hessian (rows of one vjp), of a function taking
  `max(enumerate(x), key=...)` or `sorted(zip(a, b), key=...)` failed with an IndexError: the
  backward half of the split derivative copied each list it pops (`_list2 = list(_list2)`) to
  leave its residuals as they were, but the residuals also held the original list inside another
  list (`_seq = [_list2]`) and on the stack, which the forward half had emptied: the backward half
  put the items back into the copy and read the empty original. The residuals are now copied
  together, one copy per popped list wherever they hold it (runtime.lists_apart).
"""
from __future__ import annotations

import copy
import warnings

import numpy as np
import pytest

import adjoint
import forward38_programs as programs
from every_mode import check_every_mode, gradient_along
from soundness import central_differences, directional_difference, flat, marked_line, with_flat
from test_catalogue_fd import assert_unchanged
from test_gen_probe26 import gen, load, run_without_adjoint

RNG = np.random.default_rng(38)


X6 = 0.5 * RNG.normal(size=6)
A34 = 0.5 * RNG.normal(size=(3, 4))
T234 = 0.5 * RNG.normal(size=(2, 3, 4))
SPD = np.array([[2.0, 0.3, 0.1], [0.3, 1.5, 0.2], [0.1, 0.2, 1.8]]) + 0.1 * RNG.normal(size=(3, 3))
SIGNS = np.array([-1.2, -0.5, 0.3, 0.9, 1.5, -0.4])

# (name, args, positions, positions whose second derivative is refused at the marked line)
CASES = [
    ("transpose_product", (A34, RNG.normal(size=3)), (0, 1), ()),
    ("reshape_and_ravel", (X6,), (0,), ()),
    ("swapped_axes", (T234,), (0,), ()),
    ("moved_axes", (T234,), (0,), ()),
    ("strided_slices", (RNG.normal(size=8),), (0,), ()),
    ("negative_steps", (RNG.normal(size=9),), (0,), ()),
    ("broadcast_rows", (RNG.normal(size=4), A34), (0, 1), ()),
    ("einsum_implicit", (A34, 0.5 * RNG.normal(size=(4, 2)), RNG.normal(size=2)), (0, 1, 2), ()),
    ("einsum_trace_and_outer", (0.5 * RNG.normal(size=(3, 3)), RNG.normal(size=3)), (0, 1), ()),
    ("tensordot_axes", (T234, 0.5 * RNG.normal(size=(3, 4))), (0, 1), ()),
    ("matmul_one_and_three", (0.5 * RNG.normal(size=(2, 3, 3)), RNG.normal(size=3)), (0, 1), ()),
    ("batched_matmul", (T234, 0.5 * RNG.normal(size=(4, 3))), (0, 1), ()),
    ("augmented_copy", (X6,), (0,), ()),
    ("slice_assignment", (X6,), (0,), ()),  # (a view the first derivative keeps is read as its expression)
    ("put_by_indices", (X6,), (0,), ("item-after-fancy",)),
    ("appended_then_array", (X6,), (0,), ()),
    ("list_items_rewritten", (X6,), (0,), ()),
    ("strided_updates_in_loop", (X6,), (0,), ()),
    ("matrix_row_updates", (A34,), (0,), ("row-update",)),
    ("while_with_break", (0.7,), (0,), ()),
    ("while_with_continue", (0.7,), (0,), ()),
    ("for_else", (0.7,), (0,), ()),
    ("nested_loops", (X6,), (0,), ()),
    ("return_inside_loop", (X6 + 0.5,), (0,), ()),
    ("nested_while", (0.7,), (0,), ()),
    ("tuple_argument", ((RNG.normal(size=3), RNG.normal(size=3)),), (0,), ()),
    ("list_argument", ([RNG.normal(size=3), RNG.normal(size=2)],), (0,), ()),
    ("dict_argument", ({"W": A34, "x": RNG.normal(size=4), "b": RNG.normal(size=3), "s": 0.4},), (0,), ()),
    ("namedtuple_argument", (programs.Gaussian(RNG.normal(size=3), 0.2), RNG.normal(size=(4, 3))), (0, 1), ()),
    ("dataclass_argument", (programs.Spring(1.3, RNG.normal(size=3)), RNG.normal(size=3)), (0, 1), ()),
    ("nested_container", ({"layers": [(RNG.normal(size=2), RNG.normal(size=2)), (RNG.normal(size=3), 0.5)],
                           "scale": 0.7},), (0,), ()),
    ("local_lambda", (X6,), (0,), ()),
    ("closure_over_array", (RNG.normal(size=3), 0.5 * RNG.normal(size=(3, 3))), (0, 1), ()),
    ("partial_inside", (X6,), (0,), ()),
    ("defaults_calling", (X6,), (0,), ()),
    ("reduce_with_lambda", (X6,), (0,), ()),
    ("arctan2_hypot", (RNG.normal(size=4), RNG.normal(size=4)), (0, 1), ()),
    ("log1p_expm1", (X6,), (0,), ()),
    ("clip_maximum_where", (np.array([-1.2, -0.5, 0.3, 0.9, 1.5, -0.05]),), (0,), ()),
    ("abs_away_from_zero", (SIGNS,), (0,), ()),
    ("math_scalars", (0.7, -0.4), (0, 1), ()),
    ("linear_solve", (SPD, RNG.normal(size=3)), (0, 1), ()),
    ("inverse_and_det", (SPD,), (0,), ()),
    ("norms", (RNG.normal(size=4), A34), (0, 1), ()),
    ("cholesky_logdet", (0.5 * RNG.normal(size=(3, 3)),), (0,), ()),
    ("slogdet_quadratic", (0.5 * RNG.normal(size=(3, 3)), RNG.normal(size=3)), (0, 1), ()),
    ("stacked_linalg", (np.eye(3) * 2.0 + 0.3 * RNG.normal(size=(2, 3, 3)), RNG.normal(size=(2, 3))), (0, 1), ()),
    ("varargs_and_recursion", (0.7,), (0,), ()),
    ("gaussian_nll", (RNG.normal(size=2), 0.5 * RNG.normal(size=(2, 2)), RNG.normal(size=(3, 2))), (0, 1, 2), ()),
    ("tanh_scalar", (0.6,), (0,), ()),
    ("cookbook_loss", (RNG.normal(size=3), 0.2, RNG.normal(size=(4, 3)), np.array([1.0, 0.0, 1.0, 1.0])), (0, 1), ()),
    ("newton_iterations", (0.8,), (0,), ()),
    ("per_example_gradients", (RNG.normal(size=3), RNG.normal(size=(4, 3)), RNG.normal(size=4)), (0, 1), ()),
    ("gradient_norm_of_second", (0.6,), (0,), ()),
    ("implicit_layer", (RNG.normal(size=3), 0.3 * RNG.normal(size=(3, 3))), (0, 1), ()),
]


def _close(got, want, rtol=1e-5, atol=1e-6, what=""):
    np.testing.assert_allclose(flat(got), flat(want), rtol=rtol, atol=atol, err_msg=what)


def _compositions(func, args, wrt, rng) -> None:
    """jvp and vjp of grad, and jvp of value_and_grad, against differences of grad and of func; the
    tangent, the cotangent and the arguments left as they were."""
    tangent = with_flat(args[wrt], rng.normal(size=flat(args[wrt]).size))
    before, tangent_before = copy.deepcopy(args), copy.deepcopy(tangent)
    gradient = adjoint.grad(func, wrt=wrt)
    along = gradient_along(func, args, wrt, tangent)
    value, derivative = adjoint.jvp(gradient, wrt=wrt)(*args, tangent)
    _close(value, gradient(*copy.deepcopy(args)), 1e-12, 0, "jvp of grad: its value")
    _close(derivative, along, what="jvp of grad")
    (value, gradient_value), (value_tangent, gradient_tangent) = adjoint.jvp(
        adjoint.value_and_grad(func, wrt=wrt), wrt=wrt)(*args, tangent)
    _close(value, func(*copy.deepcopy(args)), 1e-12, 0, "jvp of value_and_grad: the value")
    _close(value_tangent, directional_difference(func, args, (wrt,), (tangent,)), 1e-6, 1e-7,
           "jvp of value_and_grad: the value's tangent")
    _close(gradient_tangent, along, what="jvp of value_and_grad: the gradient's tangent")
    cotangent = copy.deepcopy(tangent)
    _close(adjoint.vjp(gradient, wrt=wrt)(*args)[1](cotangent), along, what="vjp of grad")
    assert_unchanged(tangent_before, tangent)
    assert_unchanged(tangent_before, cotangent)
    assert_unchanged(before, args)


@pytest.mark.parametrize("name, args, positions, refused", CASES, ids=[case[0] for case in CASES])
def test_program_in_every_mode_and_composition(name, args, positions, refused):
    func = getattr(programs, name)
    for position in positions:
        check_every_mode(func, copy.deepcopy(args), wrt=position, second_order=not refused)
        if not refused:
            _compositions(func, copy.deepcopy(args), position, np.random.default_rng(position))
            continue
        with pytest.raises(adjoint.AdjointError, match="second derivative") as raised:
            adjoint.jvp(adjoint.grad(func, wrt=position), wrt=position)(*args, copy.deepcopy(args[position]))
        assert (raised.value.filename, raised.value.lineno) == (programs.__file__, marked_line(func, refused[0]))



def _jacobian_by_differences(func, x, eps=1e-6):
    return np.stack([(flat(func(x + eps * e)) - flat(func(x - eps * e))) / (2 * eps) for e in np.eye(x.size)],
                    axis=-1)


@pytest.mark.parametrize("name", ["tuple_result", "dict_result", "gauss_newton_residuals"])
def test_jacobians_by_stacked_jvps_and_vjps(name):
    """The cookbook's Jacobians: columns from jvp, rows from vjp, both adjoint.jacobian's blocks and
    differences; the tangents and values keep the output's structure."""
    func = getattr(programs, name)
    args = (np.array([0.7, -0.4, 1.1, 0.3, -0.9]),) + ((np.linspace(0.0, 2.0, 6),) if name.startswith("gauss") else ())
    x, rest = args[0], args[1:]
    want = _jacobian_by_differences(lambda v: func(v, *rest), x)
    forward = adjoint.jvp(func)
    columns = []
    for e in np.eye(x.size):
        value, tangent = forward(x, *rest, e)
        assert type(value) is type(tangent) is type(func(x, *rest))
        _close(value, func(x, *rest), 1e-12, 0)
        columns.append(flat(tangent))
    _close(np.stack(columns, axis=-1), want)
    value, pullback = adjoint.vjp(func)(x, *rest)
    rows = [flat(pullback(with_flat(value, e))) for e in np.eye(flat(value).size)]
    _close(np.stack(rows), want)
    _close(np.concatenate([np.reshape(block, (-1, x.size)) for block in _blocks(adjoint.jacobian(func)(x, *rest))]),
           want)


def _blocks(jacobian):
    if isinstance(jacobian, dict):
        return [jacobian[key] for key in sorted(jacobian)]
    return list(jacobian) if isinstance(jacobian, tuple) else [jacobian]


def test_gauss_newton_and_hessian_from_stacked_products():
    """J^T J v from a jvp then a vjp; the Hessian of the squared residuals from stacked hvps, from
    jvps of grad, and adjoint.hessian, against differences of grad."""
    ts, theta = np.linspace(0.0, 2.0, 6), np.array([1.3, 0.7])
    v = np.array([0.4, -1.1])
    jacobian = _jacobian_by_differences(lambda p: programs.gauss_newton_residuals(p, ts), theta)
    _, jv = adjoint.jvp(programs.gauss_newton_residuals)(theta, ts, v)
    _, pullback = adjoint.vjp(programs.gauss_newton_residuals)(theta, ts)
    _close(pullback(jv), jacobian.T @ jacobian @ v)

    def squared(p, t):
        return 0.5 * np.sum(programs.gauss_newton_residuals(p, t) ** 2)
    gradient = adjoint.grad(squared)
    want = _jacobian_by_differences(lambda p: gradient(p, ts), theta)
    _close(np.stack([adjoint.hvp(squared)(theta, ts, e) for e in np.eye(2)], axis=-1), want)
    _close(np.stack([adjoint.jvp(gradient)(theta, ts, e)[1] for e in np.eye(2)], axis=-1), want)
    _close(adjoint.hessian(squared)(theta, ts), want)


def test_elementwise_grad_and_grad_of_grad_of_scalars():
    """elementwise_grad of an elementwise function is its derivative entry by entry (one jvp);
    grad of grad of grad of a scalar function against differences of grad of grad."""
    x = np.array([0.7, -0.4, 1.1, 0.3])
    _close(adjoint.elementwise_grad(programs.tanh_scalar)(x),
           (programs.tanh_scalar(x + 1e-6) - programs.tanh_scalar(x - 1e-6)) / 2e-6)
    second = adjoint.grad(adjoint.grad(programs.rosen_scalar))
    _close(adjoint.grad(second)(0.8), (second(0.8 + 1e-5) - second(0.8 - 1e-5)) / 2e-5)
    _close(adjoint.jvp(second)(0.8, 1.0)[1], adjoint.grad(second)(0.8), 1e-12, 1e-12)



@pytest.mark.parametrize("x", [np.array([0.7, 0.5, 1.1, -0.3]), np.array([0.95, 0.2, 0.65, 2.0])])
def test_clip_with_crossed_bounds(x):
    """Bounds crossed at some entries: every mode exact in x and in each bound."""
    low, high = np.array([0.9, 0.9, -2.0, 1.5]), np.array([0.6, 0.6, 0.6, 1.0])
    for position in range(3):
        check_every_mode(programs.crossed_clip_bounds, (x, low, high), wrt=position)
    for args in ((0.7, 0.9, 0.6), (0.5, 0.9, 0.6), (1.1, 0.9, 0.6), (0.35, -0.2, 0.6)):
        for position in range(3):
            check_every_mode(programs.crossed_clip_scalar, args, wrt=position)


def test_literal_arguments_of_a_rule_tested_for_none_compile_without_warnings():
    x, fp = np.array([-0.5, 0.3, 0.8, 1.4, 2.6]), np.array([0.3, -0.2, 0.8, 0.1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for position in range(2):
            check_every_mode(programs.interp_literal_ends, (x, fp), wrt=position)


@pytest.mark.parametrize("tangent", [1.5, np.float64(1.5), np.array(1.5), 2, np.array([1.0, -0.5, 2.0]),
                                     [[0.1, 0.2, 0.3], [1.0, -1.0, 0.5]], ([0.1, 0.2, 0.3], [1.0, -1.0, 0.5])],
                         ids=["float", "float64", "0-d", "int", "row", "list", "tuple"])
def test_a_tangent_for_an_array_is_taken_as_an_array_of_its_shape(tangent):
    v = np.array([[0.3, 0.9, -0.2], [0.4, -0.6, 1.1]])
    full = np.array(np.broadcast_to(np.asarray(tangent, dtype=float), v.shape))
    before = copy.deepcopy(tangent)
    value, derivative = adjoint.jvp(programs.doubled_entries)(v, tangent)
    _close(value, programs.doubled_entries(v), 1e-12, 0)
    _close(derivative, directional_difference(programs.doubled_entries, (v,), (0,), (full,)), 1e-6, 1e-7)
    _close(adjoint.hvp(programs.doubled_entries)(v, tangent), adjoint.hvp(programs.doubled_entries)(v, full),
           1e-12, 1e-12)
    assert_unchanged(before, tangent)


def test_tangents_of_arrays_inside_containers_are_arrays_of_their_shape():
    """A number for an array field of a NamedTuple, a dataclass or a dict, or for an array item of a
    list, stands for that number in every entry; a number for a whole container is refused."""
    mean, rest = np.array([0.3, -0.2, 0.5]), np.array([0.1, 0.4, -0.3])
    W, x = A34, RNG.normal(size=4)
    cases = [
        (programs.doubled_mean, (programs.Gaussian(mean, 0.2),), programs.Gaussian(1.5, 0.5),
         programs.Gaussian(np.full(3, 1.5), 0.5)),
        (programs.doubled_rest, (programs.Spring(1.3, rest),), programs.Spring(0.5, -1.0),
         programs.Spring(0.5, np.full(3, -1.0))),
        (programs.doubled_items, ({"W": W, "x": x, "s": 0.4},), {"W": 0.3, "x": [1.0, 2.0, 0.0, -1.0], "s": 2.0},
         {"W": np.full((3, 4), 0.3), "x": np.array([1.0, 2.0, 0.0, -1.0]), "s": 2.0}),
        (programs.doubled_first, ([mean, rest[:2]],), [2.0, [1.0, -1.0]], [np.full(3, 2.0), np.array([1.0, -1.0])]),
    ]
    for func, args, tangent, full in cases:
        value, derivative = adjoint.jvp(func)(*args, tangent)
        _close(value, func(*args), 1e-12, 0)
        _close(derivative, directional_difference(func, args, (0,), (full,)), 1e-6, 1e-7, func.__name__)
        _close(adjoint.hvp(func)(*args, tangent), adjoint.hvp(func)(*args, full), 1e-12, 1e-12, func.__name__)
        with pytest.raises(adjoint.AdjointError, match="tangent of `"):
            adjoint.jvp(func)(*args, 1.0)
    for args in ((0.7,), (np.array([0.7, -0.2]),)):
        with pytest.raises(adjoint.AdjointError, match="tangent of `x` is a NoneType"):
            adjoint.jvp(programs.tanh_scalar)(*args, None)


def test_sizes_and_shapes_of_a_complex_array_are_real():
    x = RNG.normal(size=8)
    check_every_mode(programs.weighted_spectrum, (x,))
    _compositions(programs.weighted_spectrum, (x,), 0, np.random.default_rng(1))


@pytest.mark.parametrize("x", [0.7, 1.3, -0.45])
def test_float32_values_widened_again_have_tangents_in_float64(x):
    """Derivatives of float32 rounding errors: np.float32's derivative is 1 and its value rounded, so
    the slope is the rounding error's own size (about 1e-8), lost entirely in float32 arithmetic."""
    want = programs.widened_float32_slope(x)
    _close(adjoint.grad(programs.widened_float32)(x), want, 1e-6, 1e-14)
    for tangent in (1.0, np.float32(1.0), 2):
        value, derivative = adjoint.jvp(programs.widened_float32)(x, tangent)
        assert value == programs.widened_float32(x)
        _close(derivative, float(tangent) * want, 1e-6, 1e-14, f"jvp, tangent {tangent!r}")
    _close(adjoint.jvp(adjoint.grad(programs.widened_float32))(x, 1.0)[1],
           adjoint.grad(adjoint.grad(programs.widened_float32))(x), 1e-9, 1e-14)


def test_hessian_of_a_maximum_over_enumerate_by_a_key():
    """vjp of grad (a split derivative) of a max over enumerate by a key, the Hessian from its rows,
    and the compositions of a sum over sorted(zip(...)) by a key."""
    x = np.array([0.7, -0.4, 1.1, 0.3, -0.9, 0.55])
    check_every_mode(programs.largest_by_key, (x,))
    want = np.stack([gradient_along(programs.largest_by_key, (x,), 0, e) for e in np.eye(x.size)], axis=-1)
    _close(adjoint.hessian(programs.largest_by_key)(x), want)
    y = np.array([0.2, 0.9, -0.3, 1.4, 0.05, -0.6])
    for position in (0, 1):
        _compositions(programs.sorted_pairs, (x, y), position, np.random.default_rng(position))


# ----- `adjoint gen`: every mode, run where adjoint cannot be imported ------------------------------

GENERATED = '''
import math
import numpy as np


def layout(x, A):
    m = x.reshape(2, 3)
    s = np.swapaxes(m[:, None, :] * A[None, :, :], 0, 2)
    e = np.einsum("ij,jk,k", A, m.T, x[::-3])
    mixed = np.tensordot(A, m.T, axes=([1], [0])).ravel()[:6]
    return np.sum(np.sin(s[::-1, :, 1:]) ** 2) + np.sum(e * x[-2::-2]) + x @ mixed


def loops(x):
    s = 0.0
    i = 0
    while True:
        i += 1
        if i % 2 == 0:
            continue
        s = s + math.sin(x * i) * math.hypot(x, i)
        if i > 6:
            break
    for k in range(3):
        s = s * 0.9 + math.log1p(x * x) * k
    else:
        s = s + math.expm1(x)
    return s


def updates(x):
    y = x.copy()
    y += np.arctan2(x, 1.0 + x ** 2)
    y[::2] *= x[1::2]
    parts = []
    for v in y:
        parts.append(v * np.clip(v, 0.5, -0.4))
    return np.sum(np.array(parts) ** 2) + np.sum(np.maximum(y, 0.0) * np.where(x > 0, x, -x))


def algebra(A, b):
    S = A @ A.T + np.eye(3)
    L = np.linalg.cholesky(S)
    sign, logdet = np.linalg.slogdet(S)
    z = np.linalg.solve(S, b)
    ends = np.interp(b, [0.0, 1.0], [2.0, -1.0], left=-1.0)
    return sign * logdet + z @ b + np.linalg.norm(L, "fro") + np.linalg.det(np.linalg.inv(S)) + np.sum(ends)
'''

GEN_RNG = np.random.default_rng(8)
GEN_CASES = {  # name: (wrt, arguments, tangents, cotangent)
    "layout": ("x,A", (GEN_RNG.normal(size=6), 0.5 * GEN_RNG.normal(size=(3, 3))),
               (GEN_RNG.normal(size=6), GEN_RNG.normal(size=(3, 3))), 1.3),
    "loops": ("x", (0.6,), (0.8,), -0.7),
    "updates": ("x", (np.array([0.7, -0.3, 1.2, 0.45, -0.9, 0.25]),), (GEN_RNG.normal(size=6),), 0.9),
    "algebra": ("A,b", (0.5 * GEN_RNG.normal(size=(3, 3)), np.array([-0.4, 0.3, 1.6])),
                (GEN_RNG.normal(size=(3, 3)), GEN_RNG.normal(size=3)), 1.1),
}
MODES = {"reverse": "grad", "forward": "jvp", "value_and_grad": "value_and_grad", "vjp": "vjp"}


def _generated_outputs(tmp_path):
    """Every case's modules written by `adjoint gen` and run in a process that cannot import adjoint:
    {name: {mode: output}} as JSON gives it."""
    path = tmp_path / "model38.py"
    path.write_text(GENERATED)
    out = tmp_path / "out"
    out.mkdir()
    lines = ["import json", "import numpy as np", "results = {}"]
    for name, (wrt, args, tangents, cotangent) in GEN_CASES.items():
        for mode, prefix in MODES.items():
            assert gen(f"{path}:{name}", "--wrt", wrt, "--mode", mode, "-o", out / f"{mode}_{name}.py") == 0
            lines.append(f"from {mode}_{name} import {prefix}_{name}")
        call = ", ".join(f"np.array({a.tolist()!r})" if isinstance(a, np.ndarray) else repr(a) for a in args)
        tangent = ", ".join(f"d{p}=" + (f"np.array({t.tolist()!r})" if isinstance(t, np.ndarray) else repr(t))
                            for p, t in zip(wrt.split(","), tangents))
        lines += [
            f"args = ({call},)",
            f"value, gradient = value_and_grad_{name}(*args)",
            f"primal, tangent = jvp_{name}(*args, {tangent})",
            f"results[{name!r}] = {{'grad': grad_{name}(*args), 'value': value, 'value_grad': gradient,",
            f"    'primal': primal, 'tangent': tangent, 'vjp': vjp_{name}({cotangent!r}, *args)}}",
        ]
    lines.append("print(json.dumps(results, default=lambda v: np.asarray(v).tolist()))")
    return run_without_adjoint(tmp_path, out, "\n".join(lines)), load(path, "model38_reference")


def test_generated_modules_in_every_mode(tmp_path):
    """grad, value_and_grad, jvp and vjp modules of views, loops with break/continue and for-else,
    writes in place and np.linalg, against central differences and the function's own value."""
    got, user = _generated_outputs(tmp_path)
    for name, (wrt, args, tangents, cotangent) in GEN_CASES.items():
        func, result = getattr(user, name), got[name]
        positions = range(len(wrt.split(",")))
        gradient = np.concatenate([central_differences(func, args, position) for position in positions])
        for key in ("grad", "value_grad"):
            _close(result[key], gradient, 1e-6, 1e-7, f"{name}: {key}")
        _close(result["vjp"], cotangent * gradient, 1e-6, 1e-7, f"{name}: vjp")
        assert result["value"] == result["primal"] == func(*copy.deepcopy(args)), name
        along = directional_difference(func, args, tuple(positions), tangents)
        _close(result["tangent"], along, 1e-6, 1e-7, f"{name}: jvp")
