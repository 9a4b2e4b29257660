"""The functions of the test catalogue: plain Python that adjoint must differentiate.

Every function returns a scalar (a float, or an array of size 1). The cases that call
them, with their arguments, `wrt` and tags, are the `Case` records of tests/catalogue.py.
Functions named `helper_*` are only called by other functions.

Swapping the NumPy module. Functions read `math`, `np` and `adjoint` as module globals
when they run, never when this module is imported: the module holds only its docstring,
the three imports below and plain `def` statements without decorators whose default
values are literals. So `catalogue.load_functions(np=autograd.numpy)` executes this
file's source a second time as a new, separate module and rebinds `np` in that new module
only; its functions then run on autograd.numpy, and calls between them stay inside the
copy. The module adjoint differentiates is never touched (no patching of
`__globals__`). `load_functions` checks the rule above and refuses a module that breaks
it, so keep module-level code out of this file.
"""
import math

import numpy as np

import adjoint


# ----- scalar: arithmetic, unary minus, int and float constants ---------------

def scalar_add_mul(x, y):
    return x * y + x - y


def scalar_quotient(x, y):
    return (x - y) / (x + y)


def scalar_cube(x):
    return x ** 3


def scalar_float_power(x):
    return x ** 2.5


def scalar_negative_power(x):
    return x ** -2 + 3.0 * x ** -1


def scalar_variable_power(x, y):
    return x ** y


def scalar_constant_base_power(x):
    return 2.0 ** x + 10 ** (0.5 * x)


def scalar_unary_minus(x, y):
    return -x * y + -(x - y) - -y


def scalar_int_float_constants(x):
    return 3 * x + 2 - x / 4 + 1.5 * x * x - 7 // 2


def scalar_int_argument(n):
    return n * n + 3.0 * n - 1


def scalar_int_and_float(x, n):
    return x * n + n / x


def scalar_int_exponent_argument(x, n):
    return x ** n - 2.0 * x


def scalar_reciprocal(x):
    return 1 / x


def scalar_chain(x, y):
    a = x * y
    b = a + x
    c = b * b
    return c - a


def scalar_reassign(x):
    y = x
    y = y * y
    y = y + x
    y = y * y
    return y


def scalar_augmented_assign(x, y):
    z = x
    z += y
    z *= x
    z -= 1.0
    z /= y
    z **= 2
    return z


def scalar_unused_argument(x, y):
    return x * 2.0


def scalar_constant_output(x):
    return 3.0


def scalar_polynomial(x, y, z):
    return x * x * y - 2.0 * y * z + z * z * z * x - 4.0


def scalar_division_chain(x, y, z):
    return x / y / z


def scalar_rational(x):
    return (x * x + 1.0) / (x * x - x + 2.0)


def scalar_repeated_factor(x):
    return x * x * x * x


def scalar_self_quotient(x):
    return x / x + x


def scalar_reassign_parameters(x, y):
    x = x * y
    y = x + y
    return x * y


# ----- math: every differentiable function of the math module ------------------

def math_sin(x):
    return math.sin(x) * x


def math_cos(x):
    return math.cos(2.0 * x) + x


def math_tan(x):
    return math.tan(x)


def math_asin(x):
    return math.asin(x)


def math_acos(x):
    return math.acos(x) * x


def math_atan(x):
    return math.atan(x * x)


def math_atan2(y, x):
    return math.atan2(y, x)


def math_sinh(x):
    return math.sinh(x)


def math_cosh(x):
    return math.cosh(x) - x


def math_tanh(x):
    return math.tanh(1.5 * x)


def math_asinh(x):
    return math.asinh(x)


def math_acosh(x):
    return math.acosh(x)


def math_atanh(x):
    return math.atanh(x)


def math_exp(x):
    return math.exp(-x * x)


def math_expm1(x):
    return math.expm1(x)


def math_log(x):
    return math.log(x)


def math_log_base(x, base):
    return math.log(x, base)


def math_log1p(x):
    return math.log1p(x)


def math_log2(x):
    return math.log2(x)


def math_log10(x):
    return math.log10(x * x + 1.0)


def math_sqrt(x):
    return math.sqrt(x)


def math_pow(x, y):
    return math.pow(x, y)


def math_pow_int_exponent(x):
    return math.pow(x, 3)


def math_hypot(x, y):
    return math.hypot(x, y)


def math_fabs(x):
    return math.fabs(x) * x


def math_erf(x):
    return math.erf(x)


def math_erfc(x):
    return math.erfc(x) * 2.0


def math_constants(x):
    return math.sin(math.pi * x) + math.e * x


def math_composite(x, y):
    return math.exp(math.sin(x)) * math.log(y) + math.sqrt(x * x + y * y)


def math_nested(x):
    return math.tanh(math.cos(math.exp(x)))


def math_int_argument(n):
    return math.exp(n) / n


# ----- builtins: abs, min, max, sum, float, len, range -------------------------

def builtin_abs(x):
    return abs(x) * 3.0


def builtin_abs_of_difference(x, y):
    return abs(x - y) + abs(y)


def builtin_max_two(x, y):
    return max(x, y) * 2.0


def builtin_max_three(x, y, z):
    return max(x, y * y, z)


def builtin_max_constant(x):
    return max(x, 0.0) + max(0.5, x * x)


def builtin_min_two(x, y):
    return min(x, y) / 2.0


def builtin_min_three(x, y, z):
    return min(x * y, z, 3.0)


def builtin_min_of_max(x, y):
    return min(max(x, y), 1.0) * x


def builtin_sum_list(x, y, z):
    return sum([x, y * y, z * x])


def builtin_float(x):
    y = float(x)
    return y * y + x


def builtin_float_of_int(n, x):
    return float(n) * x


def builtin_len(x):
    return np.sum(x * x) / len(x)


def builtin_range_len(x):
    s = 0.0
    for i in range(len(x)):
        s = s + x[i] * (i + 1)
    return s


def builtin_abs_array(x):
    return np.sum(abs(x) * x)


def builtin_max_of_elements(x):
    return max(x[0], x[1], x[2]) * x[3]


# ----- if: if/elif/else, nesting, conditional expressions ----------------------

def if_else(x):
    if x > 0:
        y = x * x
    else:
        y = -3.0 * x
    return y


def if_elif_else(x):
    if x < -1.0:
        y = x * x * x
    elif x < 1.0:
        y = 2.0 * x
    else:
        y = x ** 0.5
    return y * x


def if_nested(x, y):
    if x > 0.0:
        if y > 0.0:
            z = x * y
        else:
            z = x - y
    else:
        if y > x:
            z = y * y
        else:
            z = x * x * y
    return z


def if_expression(x):
    return x * x if x > 1.0 else 2.0 * x


def if_compare_active(x, y):
    z = x
    if x * y < y + 1.0:
        z = z * y
    return z + y


def if_without_else(x):
    y = x
    if x > 0.5:
        y = y * 3.0
    return y * y


def if_flag(x, flag):
    if flag:
        y = x * x
    else:
        y = x
    return y + x


def if_chained_comparison(x):
    if 0.0 < x < 1.0:
        y = x * (1.0 - x)
    else:
        y = x
    return y


def if_bool_operators(x, y):
    if x > 0.0 and y > 0.0:
        z = x * y
    elif x > 0.0 or y > 0.0:
        z = x + y
    else:
        z = 0.0
    return z * z


def if_not(x):
    if not x > 2.0:
        x = x * x
    return x


def if_branches_assign_two(x, y):
    a = x * y
    if a > 1.0:
        a = a * a
        b = x
    else:
        a = -a
        b = y
    return a + b * a


def if_expressions_in_expression(x, y):
    return (x if x > y else y) * x + (1.0 if y > 0 else -1.0) * y


def if_on_array(x):
    if np.sum(x) > 0.0:
        y = np.sum(x * x)
    else:
        y = np.sum(np.exp(x))
    return y


# ----- for: range, arrays, lists, zip, enumerate, nesting ----------------------

def for_range_horner(x, n):
    s = 0.0
    for i in range(n):
        s = s * x + 1.0
    return s


def for_range_start_stop(x, n):
    s = x
    for i in range(1, n):
        s = s + x ** i / i
    return s


def for_range_step(x):
    s = 0.0
    for i in range(0, 10, 3):
        s = s + i * x * x
    return s


def for_range_negative_step(x, n):
    s = 1.0
    for k in range(n, 0, -1):
        s = s * x + k
    return s


def for_over_array(x):
    s = 0.0
    for v in x:
        s = s + v * v * v
    return s


def for_over_list_literal(x):
    s = 0.0
    for c in [1.0, -2.0, 0.5]:
        s = s * x + c
    return s


def for_over_list_argument(x, coefficients):
    s = 0.0
    for c in coefficients:
        s = s * x + c
    return s


def for_zip(x, y):
    s = 0.0
    for a, b in zip(x, y):
        s = s + a * b * b
    return s


def for_enumerate(x):
    s = 0.0
    for i, v in enumerate(x):
        s = s + i * v * v
    return s


def for_nested(x, n, m):
    s = 0.0
    for i in range(n):
        for j in range(m):
            s = s + x ** (i + j) / (j + 1)
    return s


def for_triangular(x, n):
    s = 0.0
    for i in range(n):
        for j in range(i):
            s = s + x * i - j * x * x
    return s


def for_overwrite_carried(x, n):
    for i in range(n):
        x = math.sin(x) + x * 0.5
    return x


def for_overwrite_carried_array(x, n):
    for i in range(n):
        x = np.tanh(x) * 1.5 + 0.1
    return np.sum(x)


def for_rows_of_matrix(m, w):
    s = 0.0
    for row in m:
        s = s + np.dot(row, w) ** 2
    return s


def for_zero_iterations(x, n):
    s = x * 2.0
    for i in range(n):
        s = s * s
    return s


def for_inner_if(x):
    s = 0.0
    for v in x:
        if v > 0.0:
            s = s + v * v
        else:
            s = s - v
    return s


def for_reversed_index(x, y):
    s = 0.0
    for i in range(len(x)):
        s = s + x[i] * y[len(y) - 1 - i]
    return s


def for_variable_after_loop(x, n):
    y = x
    for i in range(n):
        y = x * i
    return y * x


def for_accumulate_array(x, n):
    acc = np.zeros_like(x)
    for i in range(n):
        acc = acc + x ** (i + 1)
    return np.sum(acc)


def for_two_carried(x, y, n):
    a = x
    b = y
    for i in range(n):
        c = a * b
        a = b + 0.5 * c
        b = c - a * 0.1
    return a + b


# ----- while: counters and active conditions ------------------------------------

def while_counter(x, n):
    i = 0
    s = 1.0
    while i < n:
        s = s * x + 0.5
        i = i + 1
    return s


def while_active_condition(x):
    y = x
    while y < 10.0:
        y = y * x
    return y


def while_halving(x):
    n = 0
    while x > 1.0:
        x = x / 2.0
        n = n + 1
    return x * x + n


def while_newton_sqrt(a):
    x = a
    i = 0
    while i < 6:
        x = 0.5 * (x + a / x)
        i += 1
    return x


def while_countdown(x, n):
    s = x
    while n > 0:
        s = s * x - n
        n -= 1
    return s


def while_in_for(x, m):
    s = 0.0
    for i in range(m):
        j = 0
        while j < i:
            s = s + x * j
            j += 1
    return s * x


def while_array_condition(x):
    while np.sum(x * x) < 5.0:
        x = x * 1.3
    return np.sum(x ** 3)


def while_true_break(x):
    y = x
    while True:
        y = y * 1.5 + x
        if y > 20.0:
            break
    return y


# ----- jump: break, continue, early return ----------------------------------------

def jump_break(x):
    s = 1.0
    for i in range(10):
        if s > 5.0:
            break
        s = s * x
    return s


def jump_continue(x, n):
    s = 0.0
    for i in range(n):
        if i % 2 == 0:
            continue
        s = s + x ** i
    return s


def jump_continue_on_active(x):
    s = 0.0
    for v in x:
        if v < 0.0:
            continue
        s = s + v * v
    return s


def jump_early_return(x):
    if x > 2.0:
        return x * x
    return 3.0 * x


def jump_return_in_loop(x, n):
    s = 1.0
    for i in range(n):
        s = s * x
        if s > 3.0:
            return s
    return -s


def jump_return_in_nested_loop(x):
    s = 0.0
    for i in range(5):
        for j in range(5):
            s = s + x * (i + 1) * (j + 1)
            if s > 10.0:
                return s * x
    return s


def jump_break_in_while(x):
    i = 0
    y = x
    while i < 100:
        y = y * y + 0.1
        if y > 4.0:
            break
        i = i + 1
    return y


def jump_continue_in_while(x, n):
    i = 0
    s = 0.0
    while i < n:
        i = i + 1
        if i == 2:
            continue
        s = s + x * i
    return s * s


def jump_break_inner_loop(x, n):
    s = 0.0
    for i in range(n):
        for j in range(n):
            if j > i:
                break
            s = s + x ** (j + 1)
    return s


def jump_return_in_else(x):
    if x < 0.0:
        y = -x
    else:
        return x * x * x
    return y * 2.0


def jump_return_from_while(x):
    while x < 50.0:
        x = x * 3.0
        if x > 40.0:
            return x / 2.0
    return x


# ----- call: user functions, defaults, keywords, tuples, recursion ----------------

def helper_square(x):
    return x * x


def helper_scaled(x, k=2.0):
    return k * x * x


def helper_weighted(a, b, weight=1.0, offset=0.0):
    return weight * a * a + (1.0 - weight) * b + offset


def helper_polar(x, y):
    r = (x * x + y * y) ** 0.5
    t = y / x
    return r, t


def helper_sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def helper_outer(x, y):
    return helper_square(x) * helper_scaled(y, k=x)


def helper_loss(w, x, target):
    d = np.dot(w, x) - target
    return d * d


def helper_log_cosh(x):
    return math.log(math.cosh(x))


def helper_ping(x, n):
    if n == 0:
        return x
    return helper_pong(1.5 * x, n - 1)


def helper_pong(x, n):
    if n == 0:
        return x * x
    return helper_ping(x - 0.2 * x * x, n - 1)


def call_helper(x):
    return helper_square(x) + helper_square(2.0 * x)


def call_default_argument(x):
    return helper_scaled(x) + helper_scaled(x, 3.0)


def call_keyword_arguments(x, y):
    return helper_scaled(x, k=y) + helper_scaled(k=x, x=y)


def call_default_and_keywords(x, y):
    return helper_weighted(x, y, offset=0.5) + helper_weighted(y, x * x, 0.25)


def call_tuple_return(x, y):
    r, t = helper_polar(x, y)
    return r * t + r


def call_tuple_return_indexed(x, y):
    result = helper_polar(x, y)
    return result[0] * result[1]


def call_recursive_power(x, n):
    if n == 0:
        return 1.0
    return x * call_recursive_power(x, n - 1)


def call_recursive_sum(x, depth):
    if depth == 0:
        return x
    return x * x + call_recursive_sum(0.5 * x + 0.1, depth - 1)


def call_recursive_array(x, depth):
    if depth == 0:
        return np.sum(x * x)
    return call_recursive_array(np.sin(x), depth - 1)


def call_mutual_recursion(x, n):
    return helper_ping(x, n)


def call_nested_calls(x):
    return helper_sigmoid(helper_square(x) - 1.0)


def call_helper_calls_helper(x, y):
    return helper_outer(x, y) - y


def call_in_loop(x, n):
    s = 0.0
    for i in range(n):
        s = s + helper_scaled(x, k=i)
    return s


def call_numpy_helper(w, x):
    return helper_loss(w, x, 0.5)


def call_math_helper(x):
    return helper_log_cosh(x) * x


# ----- tuple: unpacking and swaps ------------------------------------------------

def tuple_swap(x, y):
    a, b = x, y
    a, b = b, a
    return a * b * b


def tuple_unpack_expressions(x, y):
    a, b, c = x, x * y, y
    return a + b * c


def tuple_unpack_array(x):
    a, b, c = x
    return a * b + c * c


def tuple_nested_unpack(x, y, z):
    (a, b), c = (x, y), z
    return a * b - c * a


def tuple_rotate(x, y, z):
    a, b, c = x, y, z
    a, b, c = b, c, a
    return a + 2.0 * b * b + 3.0 * c * c * c


def tuple_swap_in_loop(x, y, n):
    for i in range(n):
        x, y = y, x * y + 0.1
    return x + y


def tuple_literal_indexed(x, y):
    t = (x, y, x * y)
    return t[2] - t[0]


# ----- subscript: reads and writes ------------------------------------------------

def subscript_index(x, i):
    return x[i] * x[i + 1]


def subscript_slice(x):
    return np.sum(x[1:3] ** 2)


def subscript_negative_index(x):
    return x[-1] * x[0] + x[-2]


def subscript_2d(m, i, j):
    return m[i, j] * m[j, i] + m[0, 0]


def subscript_row_and_column(m, w):
    return np.dot(m[1], w) + np.sum(m[:, 0] ** 2)


def subscript_step_slice(x):
    return np.sum(x[::2] * x[1::2])


def subscript_mask(x):
    mask = x > 0.0
    return np.sum(x[mask] ** 2)


def subscript_mask_argument(x, mask):
    return np.sum(np.exp(x[mask]))


def subscript_neighbours(x):
    s = 0.0
    for i in range(len(x) - 1):
        s = s + (x[i + 1] - x[i]) ** 2
    return s


def subscript_write(x, y):
    a = np.zeros(3)
    a[0] = x
    a[1] = x * y
    a[2] = y
    return np.sum(a * a)


def subscript_augmented_write(x, y):
    a = np.zeros(2)
    a[0] += x
    a[1] += x * y
    a[0] += y * y
    return a[0] * a[1]


def subscript_write_in_loop(x, n):
    a = np.zeros(n)
    for i in range(n):
        a[i] = x ** i
    return np.sum(a) * a[n - 1]


def subscript_overwrite_in_loop(x):
    a = np.zeros(3)
    a[1] = x
    for k in range(4):
        a[1] = a[1] * x + k
    return a[1] * a[1]


def subscript_accumulate_same_index(x, n):
    a = np.zeros(2)
    for i in range(n):
        a[i % 2] += x * i
        a[0] = a[0] * x
    return a[0] + a[1] * a[1]


def subscript_write_2d(x, y):
    a = np.zeros((2, 2))
    a[0, 0] = x
    a[0, 1] = y
    a[1, 0] = x * y
    a[1, 1] = x - y
    return np.sum(a @ a)


def subscript_write_from_array(x):
    a = np.zeros(4)
    for i in range(4):
        a[i] = x[3 - i] * x[i]
    return np.sum(a * x)


def subscript_write_then_read(x):
    a = np.zeros(2)
    a[0] = x
    t = a[0]
    a[0] = t * t + a[0]
    return a[0] * t


def subscript_slice_write(x):
    a = np.zeros(4)
    a[1:3] = x[:2] * 2.0
    return np.sum(a * a) + a[1] * x[2]


# ----- list: built with append, read by index --------------------------------------

def list_append_floats(x):
    values = []
    values.append(x)
    values.append(x * x)
    values.append(3.0)
    return values[0] * values[1] + values[2]


def list_append_in_loop(x, n):
    values = []
    for i in range(n):
        values.append(x ** i)
    s = 0.0
    for i in range(n):
        s = s + values[i] * values[n - 1 - i]
    return s


def list_of_arrays(x):
    parts = []
    parts.append(x * 2.0)
    parts.append(np.sin(x))
    return np.sum(parts[0] * parts[1])


def list_literal(x, y):
    values = [x, y, x * y]
    return values[2] + values[0] * values[1]


def list_negative_index(x):
    values = [x]
    for i in range(3):
        values.append(values[-1] * x + 1.0)
    return values[-1] - values[-2]


def list_weights_argument(x, weights):
    s = 0.0
    for i in range(len(weights)):
        s = s + weights[i] * x ** i
    return s


def list_mean_by_len(x, y):
    values = []
    values.append(x * y)
    values.append(x - y)
    values.append(y * y)
    return sum(values) / len(values)


def list_sum_of_arrays(x, y):
    return np.sum(sum([x, y * y, x * y]))


def list_read_backwards(x, n):
    values = []
    for i in range(n):
        values.append(x + i)
    s = 0.0
    for i in range(n - 1, -1, -1):
        s = s * x + values[i]
    return s


def list_of_transformed_rows(m):
    rows = []
    for row in m:
        rows.append(np.tanh(row))
    s = 0.0
    for r in rows:
        s = s + np.sum(r * r)
    return s


# ----- numpy: functions, methods, @, broadcasting ------------------------------------

def np_exp(x):
    return np.sum(np.exp(x))


def np_log(x):
    return np.sum(np.log(x))


def np_sin(x):
    return np.sum(np.sin(x) * x)


def np_cos(x):
    return np.sum(np.cos(x))


def np_tan(x):
    return np.sum(np.tan(x))


def np_tanh(x):
    return np.sum(np.tanh(x))


def np_sinh(x):
    return np.sum(np.sinh(x))


def np_cosh(x):
    return np.sum(np.cosh(x))


def np_sqrt(x):
    return np.sum(np.sqrt(x))


def np_square(x):
    return np.sum(np.square(x) * x)


def np_abs(x):
    return np.sum(np.abs(x) * x)


def np_sum_axis(m):
    return np.sum(np.sum(m, axis=0) ** 2)


def np_mean(x):
    return np.mean(x * x)


def np_mean_axis(m):
    return np.sum(np.mean(m, axis=1) ** 3)


def np_dot(x, y):
    return np.dot(x, y)


def np_dot_matrix_vector(m, v):
    return np.sum(np.dot(m, v) ** 2)


def np_maximum(x, y):
    return np.sum(np.maximum(x, y) ** 2)


def np_maximum_constant(x):
    return np.sum(np.maximum(x, 0.0) * x)


def np_minimum(x, y):
    return np.sum(np.minimum(x, y) * x)


def np_norm(x):
    return np.linalg.norm(x)


def np_array_of_scalars(a, b, c):
    v = np.array([a, b, c])
    return np.dot(v, v * v)


def np_zeros(x):
    z = np.zeros(3)
    return np.sum((z + x) ** 2)


def np_ones(x):
    return np.sum(np.ones((2, 3)) * x * x)


def np_zeros_like(x):
    z = np.zeros_like(x)
    return np.sum(np.exp(z + x))


def np_method_sum(x):
    return (x * x).sum()


def np_method_transpose(m, v):
    return np.sum((m.T @ v) ** 2)


def np_method_dot(x, y):
    return x.dot(y) * x.sum()


def np_method_reshape(x, w):
    return (x.reshape(2, 3) @ w).sum()


def np_matmul(a, x):
    y = a @ x
    return y @ y


def np_broadcast_bias(m, b):
    return np.sum(np.tanh(m + b))


def np_broadcast_size_one_axes(x, y):
    return np.sum((x + y) ** 2 * x)


def np_scalar_times_array(s, x):
    return np.sum(s * x + x * x * s)


def np_size_one_output(w, x):
    return w @ x


def np_keepdims_output(x):
    return np.sum(x * x, keepdims=True)


def np_functions_of_floats(x):
    return np.sin(x) * np.exp(x) + np.sqrt(x)


def np_dense_layer(w, b, x):
    h = np.tanh(w @ x + b)
    return np.sum(h * h)


def np_logsumexp(x):
    return np.log(np.sum(np.exp(x)))


def np_elementwise_2d(m):
    return np.sum(np.exp(m) * np.cos(m))


# ----- stop_gradient ------------------------------------------------------------

def stop_product(x):
    return adjoint.stop_gradient(x) * x


def stop_in_expression(x, y):
    return x * adjoint.stop_gradient(x * y) + y


def stop_array(x):
    return np.sum(x * adjoint.stop_gradient(np.exp(x)))


def stop_normalize(x):
    return np.sum(x / adjoint.stop_gradient(np.linalg.norm(x)) * x)


def stop_in_loop(x, n):
    s = x
    for i in range(n):
        s = s * adjoint.stop_gradient(s) + x
    return s


def stop_term(x, y):
    return adjoint.stop_gradient(x * x) + y * x


# ----- seed: the examples of the seed notebooks, as plain Python --------------------

def seed_helium_energy(a1, b1, c1, a2, b2, c2, alpha):
    r1 = (a1 ** 2 + b1 ** 2 + c1 ** 2) ** 0.5
    r2 = (a2 ** 2 + b2 ** 2 + c2 ** 2) ** 0.5
    r12 = ((a1 - a2) ** 2 + (b1 - b2) ** 2 + (c1 - c2) ** 2) ** 0.5
    dot_product = ((a1 / r1) - (a2 / r2)) * (a1 - a2) + ((b1 / r1) - (b2 / r2)) * (b1 - b2) + ((c1 / r1) - (c2 / r2)) * (c1 - c2)
    E = -4 + dot_product / (r12 * (1 + alpha * r12) ** 2) - 1 / (r12 * (1 + alpha * r12) ** 3) - 1 / (4 * (1 + alpha * r12) ** 4) + 1 / r12
    return E


def seed_helium_energy_vectors(r1, r2, alpha):
    norm_r1 = np.linalg.norm(r1)
    norm_r2 = np.linalg.norm(r2)
    r12 = np.linalg.norm(r1 - r2)
    dot_product = np.dot(r1 / norm_r1 - r2 / norm_r2, r1 - r2)
    energy = -4 + dot_product / (r12 * (1 + alpha * r12) ** 2) - 1 / (r12 * (1 + alpha * r12) ** 3) - 1 / (4 * (1 + alpha * r12) ** 4) + 1 / r12
    return energy


def seed_f(a, b, c):
    f = math.sin(a * b) + math.exp(-3 * c - (a / b))
    return math.log(f * f) * c


def seed_f_numpy(a, b, c):
    f = np.sin(a * b) + np.exp(-3 * c - (a / b))
    return np.log(f * f) * c


def seed_f1(a, b, c):
    f = np.exp(-2 * (a * a + b * b + c * c) ** 0.5)
    return f


def seed_cube(a1):
    return a1 ** 3


def seed_product_graph(a, b):
    o = a * b
    return 5.0 * o


def seed_diamond(x, y, z):
    h1 = x * y
    h2 = y * z
    h = h1 * h2
    return h * h


def seed_diamond_square(x, y, z):
    h1 = x * y
    h2 = y * z
    h = h1 * h2
    return h ** 2


def seed_sine_cosine_tangent(x):
    return np.sin(x) + np.cos(x) + np.tan(x)


def seed_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def seed_relu(x):
    return max(0.0, x)


def seed_relu_array(x, w):
    return np.sum(np.maximum(x, 0.0) * w)


def seed_leaky_relu(x, negative_slope=0.01):
    return x if x >= 0 else x * negative_slope


def seed_leaky_relu_array(x):
    return np.sum(np.maximum(x, 0.01 * x) ** 2)


def seed_softmax(x, k):
    e = np.exp(x)
    s = e / np.sum(e)
    return s[k]


def seed_softmax_of_scalars(a, b, c):
    denom = sum([np.exp(a), np.exp(b), np.exp(c)])
    return np.exp(a) / denom


def seed_tanh(x):
    return np.tanh(x)


def seed_cosh(x):
    return np.cosh(x)


def seed_sinh(x):
    return np.sinh(x)


def seed_sigmoid_of_sinh(x):
    return 1 / (1 + np.exp(-np.sinh(x)))


def seed_cubic(x):
    return 21 * x ** 3


def seed_plus_times(a):
    return (3 + a) * a


def seed_quotient(a, b):
    return (a / b) * 2


def seed_difference_times(a, b):
    c = a - b
    return a * c


def seed_power_of_two(b):
    return 2 ** (3 * b)


def seed_exp_of_quotient(a):
    return math.e ** (16 / a)


def seed_exp_times_three(a):
    return math.e ** a * 3


def seed_program_a(x, y):
    a = x * y
    b = math.sin(x)
    z = a + b
    return z


def seed_power_pair(x, y):
    return x * y + x ** y


# ----- regressions: failures found by the fuzzer (test_fuzz.py) and test_hostile.py ----

def regression_abs_of_numpy_scalar(x, a):
    # x + a[0] is a NumPy float64: the derivative of abs took its sign as np.bool_ - np.bool_.
    return abs(x + a[0]) * 2.0 + a[1] * x


def regression_swap_with_parameter_outside_wrt(x, y, z):
    # jvp wrt x only: z is assigned x's value, and its tangent was read before it existed.
    z, x = x, z
    x = x
    return 0.5 * x + 0.5 * y + 1.5 * z


def grad_call_helper_named_like_its_gradient(x):
    return 2.0 * x


def call_helper_named_like_its_gradient(x):
    # The derivative of this function was named grad_call_helper_..., hiding this helper.
    return grad_call_helper_named_like_its_gradient(x) * x


def regression_while_true_resets_only(x, a):
    # The adjoint of the inner loop only resets dv; the break's condition, read by the
    # adjoint sweep once per iteration, was not saved per iteration.
    v = x * 2.0
    k = 0
    while True:
        k = k + 1
        if k > 2:
            break
        for e in a:
            v = e
    return v * x
