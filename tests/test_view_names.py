"""A name bound to a view of an array and written through in place (normalize/views.py): the state
vector of an ODE split into position and velocity views, rows normalized in place, a block of a
matrix shifted, a tail doubled. Each is exact in every mode against central differences, its values
the function's own; and the look-alikes whose index or array may not give a view, or may mean
another thing at a later use, keep their meaning (the function's value and gradient), or are
refused at the line as before."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from every_mode import check_program, check_refused_at
from soundness import central_differences, marked_line

RNG = np.random.default_rng(39)
STATE = RNG.normal(size=4)
SCORES = RNG.normal(size=(3, 2))


def ode_state(x, dt):
    state = x.copy()
    pos = state[:2]
    vel = state[2:]
    for _ in range(4):
        pos += dt * vel
        vel -= dt * pos
    return np.sum(state ** 2) + np.sum(pos * vel)


def normalize_rows(scores):
    P = np.exp(scores)
    for i in range(P.shape[0]):
        row = P[i]
        row /= np.sum(row)
    return np.sum(P * scores)


def shifted_block(x):
    A = np.outer(x, x)
    block = A[:2, :2]
    block += np.eye(2)
    return np.sum(A ** 2) + np.trace(block)


def doubled_tail(x, k):
    y = x * k
    tail = y[1:]
    tail *= 2.0
    if k > 0.0:
        middle = y[1:-1]
        middle -= x[:-2]
    return np.sum(y * x)


def columns_by_loop(x):
    M = np.zeros((len(x), 3))
    for j in range(3):
        column = M[:, j]
        column += x ** (j + 1)
    return np.sum(M @ np.array([1.0, -0.5, 0.25]) * x)


def ode_state_steps_by_shape(x, dt):
    state = x.copy()
    pos = state[:2]
    vel = state[2:]
    for _ in range(state.shape[0]):  # (reading the shape changes nothing)
        pos += dt * vel
        vel -= dt * pos
    return np.sum(state ** 2)


def rows_of_a_zero_matrix(x):
    M = np.zeros((3, len(x)))  # (a shape written as a tuple: two dimensions, M[i] a row)
    for i in range(3):
        row = M[i]
        row += x * (i + 1)
        row /= np.sum(row ** 2)
    return np.sum(M * M)


def rows_of_an_outer_product(x):
    M = np.outer(x, x)
    for i in range(len(x)):
        row = M[i]
        row *= 1.0 + i
    return np.sum(M * M)


# Second derivatives of writes into part of an array whose first derivative keeps that array are
# refused, as where the program writes `state[:2] += ...` itself (first_order_only).
@pytest.mark.parametrize("func, args, positions, first_order_only", [
    (ode_state, (STATE, 0.1), (0, 1), (1,)),
    (normalize_rows, (SCORES,), (0,), (0,)),
    (shifted_block, (STATE,), (0,), ()),
    (doubled_tail, (STATE, 0.7), (0, 1), ()),
    (doubled_tail, (STATE, -0.7), (0, 1), ()),
    (columns_by_loop, (STATE,), (0,), ()),
    (ode_state_steps_by_shape, (STATE, 0.1), (0, 1), (1,)),
    (rows_of_a_zero_matrix, (STATE,), (0,), (0,)),
    (rows_of_an_outer_product, (STATE,), (0,), ()),
])
def test_written_through_a_view_in_every_mode(func, args, positions, first_order_only) -> None:
    check_program(func, args, positions, first_order_only=first_order_only)


def ode_state_written_whole(x, dt):
    state = x.copy()
    for _ in range(4):
        state[:2] += dt * state[2:]
        state[2:] -= dt * state[:2]
    return np.sum(state ** 2) + np.sum(state[:2] * state[2:])


def test_the_same_as_writing_into_the_array_itself() -> None:
    for wrt in (0, 1):
        np.testing.assert_array_equal(adjoint.grad(ode_state, wrt=wrt)(STATE, 0.1),
                                      adjoint.grad(ode_state_written_whole, wrt=wrt)(STATE, 0.1))
    with pytest.raises(adjoint.AdjointError):
        adjoint.hvp(ode_state_written_whole, wrt=1)(STATE, 0.1, 1.0)


def list_tail(x):
    ys = list(x)
    tail = ys[1:]  # a copy: ys keeps its items
    tail += [x[0] * 2.0]
    return sum(v * v for v in ys) + sum(tail)


def first_item(x):
    y = x.copy()
    first = y[0]  # a NumPy scalar, a copy
    first += 1.0
    return np.sum(y * y) * first


def array_rebound(x):
    y = x.copy()
    tail = y[1:]
    y = y * 2.0  # tail still views the first array
    tail *= 3.0
    return np.sum(y) + np.sum(tail)


@pytest.mark.parametrize("func", [list_tail, first_item, array_rebound])
def test_a_copy_or_an_old_array_keeps_its_meaning(func) -> None:
    x = RNG.normal(size=4)
    value, gradient = adjoint.value_and_grad(func)(x.copy())
    assert value == func(x.copy())
    np.testing.assert_allclose(gradient, central_differences(func, (x,), 0), rtol=1e-6, atol=1e-7)


def index_rebound(x):
    y = x.copy()
    k = 1
    tail = y[k:]
    k = 2
    tail *= 2.0  # <- index-rebound
    return np.sum(y * x) + k


def mask_view(x):
    y = x.copy()
    positive = y[1:][y[1:] > 0.0]  # a copy
    positive *= 2.0
    part = y[1:]
    y[0] += sum(part[i] for i in range(2))  # (a generator expression may run later: the name stays)
    part *= 3.0  # <- read-later
    return np.sum(y * x) + np.sum(positive)


def read_in_the_next_iteration(x):
    Y = np.outer(x, x)
    total = 0.0
    for i in range(len(x)):
        if i % 2 == 0:
            row = Y[i]
            row *= 2.0  # <- read-next
        else:
            total = total + np.sum(row)  # the row before, after its write
    return total + np.sum(Y)


def read_after_its_block(x):
    y = x.copy()
    if x[0] > -100.0:
        tail = y[1:]
        tail *= 2.0  # <- read-after-block
    return np.sum(tail * x[1:]) + np.sum(y)


@pytest.mark.parametrize("func, marker", [(read_in_the_next_iteration, "read-next"),
                                          (read_after_its_block, "read-after-block"),
                                          (index_rebound, "index-rebound"), (mask_view, "read-later")])
def test_an_index_that_may_change_is_refused_as_before(func, marker) -> None:
    check_refused_at(func, (RNG.normal(size=4),), (0,), f"test_view_names.py:{marked_line(func, marker)}:", RNG)


def index_changed_in_place(x):
    y = x.copy()
    k = np.array(1)
    tail = y[k:]
    k.fill(2)  # y[k:] is now y[2:]; tail is still y[1:]
    tail *= 2.0  # <- index-changed
    return np.sum(y * x)


def index_changed_by_item(x):
    y = x.copy()
    k = np.array(1)
    tail = y[k:]
    k[...] = 2
    tail *= 2.0  # <- index-item
    return np.sum(y * x)


picked = np.array([0, 2])  # the name a loop of a local function binds in its own scope


def index_of_another_scope(A):
    def scaled(z):
        for picked in range(2):
            z = z * 1.1
        return z
    Y = A.copy()
    rows = Y[picked]  # the global: integer arrays pick a copy
    rows *= 2.0  # <- other-scope
    return np.sum(Y * A) + scaled(np.sum(rows))


@pytest.mark.parametrize("func, args, marker", [
    (index_changed_in_place, (STATE,), "index-changed"),
    (index_changed_by_item, (STATE,), "index-item"),
    (index_of_another_scope, (SCORES,), "other-scope"),
])
def test_an_index_not_certainly_a_number_or_local_is_refused_as_before(func, args, marker) -> None:
    check_refused_at(func, args, (0,), f"test_view_names.py:{marked_line(func, marker)}:", RNG)


def first_of_a_product(A, x):
    a = A @ x  # one dimension: a[0] is a number, a copy
    first = a[0]
    first += 1.0
    return np.sum(a * a) * first


def first_of_a_matmul(A, x):
    a = np.matmul(A, x)
    first = a[0]
    first += 1.0
    return np.sum(a * a) * first


def rows_at_an_array_parameter(A, rows):
    def scaled(z):
        for rows in range(2):  # a local function's own `rows`
            z = z * 1.1
        return z
    Y = A.copy()
    picked_rows = Y[rows]  # integer arrays pick a copy
    picked_rows *= 2.0
    return np.sum(Y * A) + scaled(np.sum(picked_rows))


def bumped_first(a):
    first = a[0]
    first += 1.0
    return np.sum(a * a) * first


def first_of_a_callee_given_a_matmul(A, x):
    return bumped_first(np.matmul(A, x))  # one dimension (np.matmul is a ufunc with a signature)


def first_of_a_vector_of_zeros(x):
    a = np.zeros([len(x)])  # one dimension: a[0] is a number, a copy
    first = a[0]
    first += x[0]
    a += x
    return np.sum(a * a) * first


@pytest.mark.parametrize("func, args, positions", [
    (first_of_a_vector_of_zeros, (STATE,), (0,)),
    (first_of_a_product, (SCORES.T, STATE[:3]), (0, 1)),
    (first_of_a_callee_given_a_matmul, (SCORES.T, STATE[:3]), (0, 1)),
    (first_of_a_matmul, (SCORES.T, STATE[:3]), (0, 1)),
    (rows_at_an_array_parameter, (SCORES, np.array([0, 2])), (0,)),
])
def test_a_copy_taken_for_a_view_keeps_its_meaning(func, args, positions) -> None:
    check_program(func, args, positions)


def shape_set_in_a_try(x):
    y = x.copy()
    tail = y[3:]
    y[0] += 1.0
    try:  # (lifted into a local function, defined before the view, called after it)
        setattr(y, "shape", (2, 3))  # y[3:] is now empty; tail still views three numbers
    except ValueError:
        pass
    tail *= 2.0
    return np.sum(y[0] * y[0])


def made_read_only(x):
    y = x.copy()
    tail = y[1:]
    y[0] += 1.0
    y.flags["WRITEABLE"] = False  # (tail, taken before, stays writeable; y[1:] would not be)
    tail *= 2.0
    return np.sum(y * x)


@pytest.mark.parametrize("func", [shape_set_in_a_try, made_read_only])
def test_a_shape_or_flag_set_in_place_keeps_the_view_named(func) -> None:
    with pytest.raises(adjoint.AdjointError):
        adjoint.value_and_grad(func)(RNG.normal(size=6))


class ListMaker:
    """What NumPy's makers given `like=` one return: a list."""
    def __array_function__(self, func, types, args, kwargs):
        return [1.0, 2.0, 3.0, 4.0]


LIST_MAKER = ListMaker()


def made_like_a_list(x):
    a = np.zeros(4, like=LIST_MAKER)  # a list: a[1:] is a copy
    v = a[1:]
    a[1] = x[0]
    return sum(v) * x[1] + a[1]


class CopyingItems(np.ndarray):
    """An ndarray whose items and slices are copies."""
    def __getitem__(self, index):
        return np.asarray(self)[index].copy()


def tiled_subclass(x):
    a = np.tile(np.zeros(4).view(CopyingItems), 1)  # np.tile keeps the class
    b = a + x
    v = b[1:]
    v *= 2.0
    return np.sum(b * x)


@pytest.mark.parametrize("func", [made_like_a_list, tiled_subclass])
def test_an_array_maker_that_may_make_another_class_keeps_the_name(func) -> None:
    x = RNG.normal(size=4)
    try:
        value, gradient = adjoint.value_and_grad(func)(x.copy())
    except adjoint.AdjointError:
        return  # (refused at the write through the view, as before)
    assert value == func(x.copy())
    np.testing.assert_allclose(gradient, central_differences(func, (x,), 0), rtol=1e-6, atol=1e-7)
