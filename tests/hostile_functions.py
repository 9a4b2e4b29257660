"""Functions for the hostile-input catalogue (test_hostile.py): odd, unsupported or adversarial code.

A line marked `# <- label` is where the error about that function must point.
"""
import functools
import math

import numpy as np

# ----- syntax outside the subset -------------------------------------------------------


def set_comprehension(x):
    values = {x * k for k in range(3)}  # <- set-comprehension
    return x * sum(values)


def set_comprehension_counted(x):
    values = {x * k for k in range(3)}  # only its size is read: no derivative flows through the set
    return x * len(values)


def nested_def(x):
    def inner(y):
        return y * y
    return inner(x)


def star_call(x, pair):
    return math.hypot(*pair) * x  # <- star-call


def double_star_call(x, options):
    return math.log(x, **options)  # <- double-star-call


def yield_from(x):
    yield from range(3)  # <- yield-from
    return x


def generator_in_loop(x):
    for k in range(3):
        yield x * k  # <- generator-loop


def with_open(x):
    with open(__file__) as stream:  # feeds nothing of the result: it runs in the primal only
        stream.read()
    return x


# ----- constructs that are accepted, with their documented outcome --------------------


def with_assert(x):
    assert x > 0, "x must be positive"
    return x * x


def annotated(x: float) -> float:
    y: float = x * 3.0
    return y * x


def prints(x):
    print("evaluating at", x)
    return x * x


def odd_layout(x, y):
    """A docstring."""
    a = x * y; b = a + \
        x  # a comment
    return (a
            * b)


def unicode_names(α, β):
    γ = α * β
    return γ + α ** 2


def floor_division(x):
    return (x // 1.0) + x * x


# ----- no rule for a C function -------------------------------------------------------


def mantissa_of_argument(x):
    return math.frexp(x)[0] * x  # <- frexp


def mantissa_of_constant(x):
    return math.frexp(3.0)[0] * x


def polynomial_of_roots(a):
    return np.sum(np.poly(a) ** 2)  # <- poly


# ----- outputs grad cannot seed --------------------------------------------------------


def array_output(x):
    return np.array([x, 2.0 * x, 3.0 * x])


def tuple_output(x, y):
    return x * y, x + y


def list_output(x):
    return [x, x * x]


def no_return(x):  # <- no-return
    values = [x * 2.0]
    values.append(x)


def size_one_output(x):
    return np.array([[x * x]])


def int_output(x):
    return 3


# ----- special values --------------------------------------------------------------------


def smooth(x, y):
    return math.sin(x) * y + x * x


def log_of(x):
    return math.log(x)


def np_log_of(x):
    return np.log(x)


# ----- recursion -------------------------------------------------------------------------


def compound(x, n):
    if n == 0:
        return x
    return compound(x * 1.001, n - 1)


def forever(x):
    return forever(x) + x


# ----- names that clash with the names adjoint generates -------------------------------


def clashing_locals(x):
    dx = x * 2.0
    d_x = dx + 1.0
    _stack = d_x * x
    _t1 = _stack - x
    np = _t1 * 0.5
    math = np + x
    unbroadcast = math * math
    grad_f = unbroadcast + 1.0
    result = grad_f * x
    d = result / 2.0
    return d


def parameter_and_its_adjoint_name(x, dx):
    return x * dx + x * x


def shadowed_builtins(x):
    sum = x + 1.0
    abs = sum * 2.0
    len = abs * sum
    return len


def module_named_parameter(x, np):
    return np * x * x


def unbroadcast(x):
    return 7.0 * x


def calls_unbroadcast(x):
    return unbroadcast(x) + x


def grad_calls_grad(x):
    return 2.0 * x


def calls_grad_named_helper(x):
    return grad_calls_grad(x) * x


# ----- globals, closures, defaults, keyword-only parameters --------------------------------

SCALE = 2.0


def reads_global(x):
    return SCALE * x * x


def helper_two(x):
    return 2.0 * x


def helper_five(x):
    return 5.0 * x


HELPER = helper_two


def calls_global_helper(x):
    return HELPER(x)


ACTIVATION = np.tanh


def calls_global_activation(x):
    return 2.0 * ACTIVATION(x)


def make_scaled(scale):
    def scaled(x):
        return scale * x * x
    return scaled


def make_rescalable():
    scale = 2.0

    def scaled(x):
        return scale * x

    def rescale(value):
        nonlocal scale
        scale = value

    return scaled, rescale


DEFAULT = 3.0


def default_expression(x, k=DEFAULT * 2):
    return k * x


def keyword_only(x, *, k=2.0):
    return k * x * x


# ----- methods, partials, decorators, callable objects -------------------------------------


class Model:
    def __init__(self, w):
        self.w = w

    def loss(self, x):
        return self.w * x * x

    @staticmethod
    def square(x):
        return x * x

    @classmethod
    def doubled_square(cls, x):
        return 2.0 * x * x

    def __call__(self, x):
        return self.w * math.sin(x)


def two_parameters(x, y):
    return x * y * y


def logged(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)
    return wrapper


@logged
def decorated(x):
    return x ** 3


def writes_into_argument(x, a):
    a[0] = x
    return np.sum(a * a)


# ----- size --------------------------------------------------------------------------------


def nested_expression(x):
    return ((((((((((x + 1.0) * 0.5) + 1.0) * 0.5) + 1.0) * 0.5) + 1.0) * 0.5) + 1.0) * 0.5)
