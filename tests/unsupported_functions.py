"""Functions adjoint must refuse, one construct each, for tests/test_errors.py.

Each offending line ends with a marker comment `# <- LABEL`. The tests find the line by
its label, so these functions can move without editing the tests. Apart from the two
whose construct stops them from running (`yield`, `async`), every function runs as
plain Python and returns a float when called with the arguments the tests use.
"""
import math
import random
import warnings

import adjoint

SCALE = 3.0


# ----- Statements ------------------------------------------------------------

def try_statement(x):
    try:  # <- try
        y = 1.0 / x
    except ZeroDivisionError:
        y = 0.0
    return y


def _halves(xs):
    try:  # <- callee-try
        return [xs[0] / 2.0, xs[1] / 2.0]
    except ZeroDivisionError:
        return xs


def calls_an_unreadable_helper(xs):
    """The helper cannot be read, so adjoint cannot vouch that it leaves `xs` alone: the
    refusal names what stops it from reading the helper, not a guess at what the helper does."""
    halves = _halves(xs)
    return halves[0] * xs[1]


def with_statement(x):
    with warnings.catch_warnings():
        return x * x  # <- with


def global_statement(x):
    global SCALE  # <- global
    return SCALE * x


def _make_nonlocal_scale():
    scale = 3.0

    def nonlocal_scale(x):
        nonlocal scale  # <- nonlocal
        return scale * x

    return nonlocal_scale


nonlocal_statement = _make_nonlocal_scale()


def del_statement(x):
    t = x * x
    del t  # <- del
    t = x + 1.0
    return t


def import_statement(x):
    if x > 0.0:
        import cmath  # <- import
        return cmath.sqrt(x).real * x
    return x


def import_from_statement(x):
    sqrt = abs
    from math import sqrt  # <- import-from
    return sqrt(x) * x


def class_definition(x):
    class Scale:  # <- class
        factor = 2.0
    return Scale.factor * x


def attribute_assignment(x, box):
    box.value = x * x  # <- attribute-assignment
    return box.value


# ----- Expressions -----------------------------------------------------------

def generator_function(x):
    yield x * x  # <- yield


def lambda_expression(x):
    scaled = [lambda t: t * x]  # <- lambda
    return scaled[0](x)


def list_comprehension(x):
    while sum([x ** k for k in range(3)]) < 0.0:  # <- list-comprehension
        x = x + 1.0
    return x


def generator_expression(x):
    powers = (x ** k for k in range(3))  # <- generator-expression
    return sum(powers)


def dict_comprehension(x):
    powers = [{k: x ** k for k in range(j)} for j in range(3)]  # <- dict-comprehension
    return powers[2][0] + powers[2][1]


def dict_unpacking(x):
    weights = {**{"a": x}, "b": 2.0 * x}  # <- dict-unpacking
    return weights["a"] + weights["b"]


def set_display(x):
    values = {x, 2.0 * x}  # <- set
    return max(values)


def starred_argument(x, xs):
    return x * max(*xs)  # <- starred


def assignment_expression(x):
    if x > 0.0 and (y := x * 2.0) > 1.0:  # <- walrus
        return y
    return x


# ----- Signatures ------------------------------------------------------------

async def coroutine_function(x):  # <- async
    return x * x


# ----- Calls without a derivative rule ---------------------------------------

def missing_rule(x):
    mantissa, exponent = math.frexp(x)  # <- frexp
    return mantissa * x


# ----- Library functions whose source adjoint refuses -------------------------

def library_source_refused(x):
    return x * x + 0.0 * random.gauss(x, 1.0)  # <- gauss


def calls_library_source_refused(x):
    return 2.0 * library_source_refused(x)


# ----- A derivative differentiated again ---------------------------------------

def lists_built_in_a_loop(x, k):
    ys = [x, 2.0 * x]
    for _ in range(3):
        ys = [k * y * y for y in ys]
    return ys[0] + ys[1]


SLOPE = adjoint.grad(lists_built_in_a_loop)


def calls_a_derivative_of_lists_built_in_a_loop(x):
    return SLOPE(x, 0.9) * x  # <- derived-call
