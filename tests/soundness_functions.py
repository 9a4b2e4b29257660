"""Soundness cases: functions as values, methods, comprehensions and generator expressions.

Lambdas (module-level, in tables, local, passed inline), nested defs and closures, functools.partial,
function values passed as arguments or defaults, methods calling methods, and
comprehensions lowered to loops: each differentiated exactly, or refused at its line.
"""
from __future__ import annotations

import functools

import numpy as np

from soundness import Exact, Refused

import adjoint

DATA = np.array([0.5, -1.0, 2.0])


def vector(rng, size=3):
    return rng.normal(size=size)


# ----- lambdas ------------------------------------------------------------------------------------

square_sum = lambda x: np.sum(x ** 2)  # noqa: E731
scaled_sine = lambda x, k=3.0: k * np.sum(np.sin(x))  # noqa: E731
ACTIVATIONS = {
    "tanh": lambda x: np.tanh(x),
    "softplus": lambda x: np.log1p(np.exp(x)),
}
TRIG = (np.sin, np.cos)


def activation_from_table(x):
    return np.sum(ACTIVATIONS["softplus"](x) * ACTIVATIONS["tanh"](x))


def function_from_tuple(x):
    return np.sum(TRIG[1](x) * TRIG[0](x))


def local_lambda_reads_local(x, w):
    scale = lambda t: t * w  # noqa: E731
    h = scale(x)
    return np.sum(scale(h) ** 2)


def local_lambda_in_loop(x, n):
    step = lambda t: np.sin(t) + t  # noqa: E731
    for _ in range(n):
        x = step(x)
    return x


def apply_sum(f, x):
    return np.sum(f(x))


def inline_lambda_argument(x):
    return apply_sum(lambda t: t ** 3, x) + apply_sum(np.exp, x)


# ----- nested defs and closures ---------------------------------------------------------------------

def iterpower_with_nested_def(x, n):
    def mul(a, b):
        return a * b
    for _ in range(n):
        x = mul(x, x)
    return x


def nested_def_reads_locals(W, x):
    b = np.ones(2) * 0.1

    def layer(h):
        return np.tanh(W @ h + b)
    return np.sum(layer(layer(x)))


def nested_def_recursive(x):
    def power(y, n):
        if n == 0:
            return 1.0
        return y * power(y, n - 1)
    return power(x, 3)


def nested_def_with_branches_and_loop(x, w):
    def soft(t):
        total = 0.0
        for k in range(3):
            if k % 2 == 0:
                total = total + w * np.sin(t * k)
            else:
                total = total - np.cos(t) / (k + 1)
        return total
    return soft(x) * soft(2.0 * x)


def local_functions_call_each_other(x, w):
    def outer(t):
        return inner(t) + np.sin(inner(t))

    def inner(t):
        return t * w
    return np.sum(outer(x)) + apply_sum(outer, x)


def recursive_local_function_reads_local(x, w):
    def power(t, n):
        if n == 0:
            return w
        return t * power(t, n - 1)
    return power(x, 3)


def make_loss(data):
    def loss(w):
        return np.sum((w * data - 1.0) ** 2)
    return loss


def make_lambda_loss(data):
    return lambda w: np.sum(np.exp(w) * data)


# ----- functools.partial ------------------------------------------------------------------------------

def weighted(x, data, power=2.0):
    return np.sum(data * np.abs(x) ** power)


HALF_POWER = functools.partial(weighted, data=DATA, power=1.5)


def calls_module_partial(x):
    return HALF_POWER(x) + np.sum(x)


def dynamics(params, y):
    return np.tanh(params @ y)


def midpoint_integrate(f, y0, dt, steps):
    ys = [y0]
    for _ in range(steps):
        k1 = f(ys[-1])
        ys.append(ys[-1] + dt * f(ys[-1] + dt / 2.0 * k1))
    return np.stack(ys)


def partial_made_inside(params, y0):
    trajectory = midpoint_integrate(functools.partial(dynamics, params), y0, 0.1, 3)
    return np.sum(trajectory ** 2)


def partial_keeps_the_values_it_was_given(params, y0):
    step = functools.partial(dynamics, params)
    params = params * 2.0
    return np.sum(midpoint_integrate(step, y0, 0.1, 2) ** 2) + np.sum(params)


# ----- function values as arguments and defaults -------------------------------------------------------

def cube(t):
    return t ** 3


def twice(f, x):
    return apply_sum(f, x) + np.sum(f(2.0 * x))


def euler(dynamics, y, steps):
    for _ in range(steps):
        y = y + 0.1 * dynamics(y)
    return np.sum(y ** 2)


def passes_capturing_lambda(x, w):
    f = lambda t: t * w  # noqa: E731
    return apply_sum(f, x)


def passes_capturing_def_on(x, w):
    def g(t):
        return np.sin(t * w) + w
    return twice(g, x)


def passes_anonymous_capturing_lambda(x, w):
    return apply_sum(lambda t: np.exp(t * w), x) * w


def ode_with_local_dynamics(y0, A):
    def dynamics(y):
        return np.tanh(A @ y)
    return euler(dynamics, y0, 3)


def layer_with(x, nonlinearity=np.tanh):
    return np.sum(nonlinearity(x) * x)


def passes_functions(x):
    return layer_with(x, np.sin) + layer_with(x) + layer_with(x, cube) + layer_with(x, nonlinearity=np.cos)


def forwards_function(x, f):
    return apply_sum(f, x) * 2.0


def default_user_function(x, g=cube):
    return np.sum(g(x))


# ----- methods -------------------------------------------------------------------------------------------

class Model:
    def __init__(self, W, b):
        self.W = W
        self.b = b
        self._scale = 0.5

    @property
    def scale(self):
        return self._scale

    def predict(self, x):
        return np.tanh(self.W @ x + self.b)

    def loss(self, x):
        return self.scale * np.sum(self.predict(x) ** 2) + self.penalty()

    def penalty(self):
        return 0.01 * np.sum(self.W ** 2)

    def loss_of_weights(self, W, x):
        return np.sum(self.forward(W, x) ** 2)

    def forward(self, W, x):
        return np.tanh(W @ x + self.b)


MODEL = Model(np.array([[0.3, -0.2, 0.1], [0.5, 0.4, -0.6]]), np.array([0.1, -0.1]))


class WeightsParser:
    """Autograd's idiom: parameters in one flat vector, named slices of it."""

    def __init__(self):
        self.idxs_and_shapes = {}
        self.num_weights = 0

    def add_shape(self, name, shape):
        start = self.num_weights
        self.num_weights += int(np.prod(shape))
        self.idxs_and_shapes[name] = (slice(start, self.num_weights), shape)

    def get(self, vect, name):
        idxs, shape = self.idxs_and_shapes[name]
        return np.reshape(vect[idxs], shape)


PARSER = WeightsParser()
PARSER.add_shape("W", (3, 2))
PARSER.add_shape("b", (2,))


def parsed_parameters_loss(params, x):
    W = PARSER.get(params, "W")
    b = PARSER.get(params, "b")
    return np.sum(np.tanh(x @ W + b) ** 2)


# ----- comprehensions ----------------------------------------------------------------------------------

def dot_of_lists(ws, xs):
    return sum(w * x for w, x in zip(ws, xs))


def layers_by_comprehension(Ws, h):
    hs = [np.dot(W, h) for W in Ws]
    return np.sum(np.stack([np.tanh(v) for v in hs]))


def filtered_comprehension(x):
    return sum(x[i] ** 2 for i in range(len(x)) if x[i] > 0) + sum(v for v in x if v < 0)


def nested_comprehension(x):
    table = [[x[i] * x[j] for j in range(i + 1)] for i in range(len(x))]
    return sum(sum(row) for row in table)


def two_for_clauses(x):
    return sum(a * b for a in x for b in x if a != b)


def comprehension_max_min(x):
    return max(np.sin(v) for v in x) - min(v ** 2 for v in x)


def comprehension_keeps_outer_name(x):
    v = x[0] * 2.0
    squares = [v * v for v in x]
    return v + squares[1] + sum(squares, 1.0)


def comprehension_array(x):
    return np.sum(np.array([x[i] * x[-1 - i] for i in range(len(x))]) ** 2)


def comprehension_of_lambdas(x, w):
    f = lambda t: np.tanh(t * w)  # noqa: E731
    return sum(f(v) for v in x)


# ----- refused ---------------------------------------------------------------------------------------------

def capturing_lambda_stored(x, w):
    scaled = [lambda t: t * w]  # <- capturing-lambda-stored
    return scaled[0](x)


def capturing_lambda_to_a_builtin(x, w):
    return sorted(x, key=lambda v: v * w)[0]


def local_function_defined_twice(x):
    def f(t):
        return t
    y = f(x)

    def f(t):  # <- defined-twice
        return 2 * t
    return f(y)


def calls_method_of_argument(model, x):
    return model.loss(x)  # <- method-of-argument


def calls_function_in_variable(x, k):
    f = np.sin if k > 0 else np.cos  # a choice among known functions: differentiated (function_choices.py)
    return np.sum(f(x) * x)


def generator_kept_in_a_name(x):
    squares = (v * v for v in x)  # <- generator-in-name
    return sum(squares)


def comprehension_in_a_branch(x):
    return sum([v for v in x]) if x[0] > 0 else sum([2 * v for v in x])


def comprehension_in_while_test(x):
    while sum([v for v in x]) < 10.0:  # <- comprehension-in-while
        x = x * 2.0
    return np.sum(x)


def dict_comprehension(x):
    table = {i: x[i] for i in range(len(x))}
    return table[0] * table[len(x) - 1]


def nested_dict_comprehension(x):
    tables = [{i: x[i] * j for i in range(len(x))} for j in range(2)]  # <- nested-dict-comprehension
    return tables[1][0]


CASES = [
    # lambdas
    Exact(square_sum, lambda rng: (vector(rng),), id="module_lambda"),
    Exact(scaled_sine, lambda rng: (vector(rng),), id="module_lambda_with_default"),
    Exact(activation_from_table, lambda rng: (vector(rng),)),
    Exact(calls_function_in_variable, lambda rng: (vector(rng), 1), id="function_in_variable_sin"),
    Exact(calls_function_in_variable, lambda rng: (vector(rng), -1), id="function_in_variable_cos"),
    Exact(function_from_tuple, lambda rng: (vector(rng),)),
    Exact(local_lambda_reads_local, lambda rng: (vector(rng), 0.7), wrt=(0, 1)),
    Exact(local_lambda_in_loop, lambda rng: (0.3, 4)),
    Exact(inline_lambda_argument, lambda rng: (vector(rng),)),
    # nested defs and closures
    Exact(iterpower_with_nested_def, lambda rng: (1.1, 3)),
    Exact(nested_def_reads_locals, lambda rng: (rng.normal(size=(2, 2)), vector(rng, 2)), wrt=(0, 1)),
    Exact(nested_def_recursive, lambda rng: (1.3,)),
    Exact(nested_def_with_branches_and_loop, lambda rng: (0.4, 1.5), wrt=(0, 1)),
    Exact(local_functions_call_each_other, lambda rng: (vector(rng), 0.7), wrt=(0, 1)),
    Exact(recursive_local_function_reads_local, lambda rng: (1.3, 0.7), wrt=(0, 1)),
    Exact(make_loss(DATA), lambda rng: (vector(rng),), id="closure_from_factory"),
    Exact(make_lambda_loss(DATA), lambda rng: (vector(rng),), id="lambda_from_factory"),
    # functools.partial
    Exact(functools.partial(weighted, data=DATA), lambda rng: (vector(rng) + 3.0,), id="partial_root"),
    Exact(functools.partial(weighted, power=3.0), lambda rng: (vector(rng) + 3.0, DATA), wrt=(0, 1),
          id="partial_root_keyword"),
    Exact(calls_module_partial, lambda rng: (vector(rng) + 3.0,)),
    Exact(partial_made_inside, lambda rng: (rng.normal(size=(2, 2)) * 0.5, vector(rng, 2)), wrt=(0, 1)),
    Exact(partial_keeps_the_values_it_was_given, lambda rng: (rng.normal(size=(2, 2)) * 0.5, vector(rng, 2)),
          wrt=(0, 1)),
    # function values
    Exact(layer_with, lambda rng: (vector(rng), np.sin), id="function_argument_numpy"),
    Exact(layer_with, lambda rng: (vector(rng), cube), id="function_argument_user"),
    Exact(layer_with, lambda rng: (vector(rng), square_sum), id="function_argument_lambda"),
    Exact(layer_with, lambda rng: (vector(rng),), id="function_default"),
    Exact(passes_functions, lambda rng: (vector(rng),)),
    Exact(forwards_function, lambda rng: (vector(rng), np.tanh), id="function_forwarded"),
    Exact(forwards_function, lambda rng: (vector(rng), ACTIVATIONS["softplus"]), id="lambda_forwarded"),
    Exact(default_user_function, lambda rng: (vector(rng),)),
    Exact(passes_capturing_lambda, lambda rng: (vector(rng), 0.7), wrt=(0, 1)),
    Exact(passes_capturing_def_on, lambda rng: (vector(rng), 0.7), wrt=(0, 1)),
    Exact(passes_anonymous_capturing_lambda, lambda rng: (vector(rng), 0.7), wrt=(0, 1)),
    Exact(ode_with_local_dynamics, lambda rng: (vector(rng, 2), rng.normal(size=(2, 2)) * 0.5), wrt=(0, 1)),
    # methods
    Exact(MODEL.loss, lambda rng: (vector(rng),), id="method_calls_methods"),
    Exact(MODEL.loss, lambda rng: (vector(rng),), wrt="x", id="method_wrt_name"),
    Exact(MODEL.loss_of_weights, lambda rng: (rng.normal(size=(2, 3)), vector(rng)), wrt=(0, 1),
          id="method_takes_parameters"),
    Exact(parsed_parameters_loss, lambda rng: (rng.normal(size=8), rng.normal(size=(4, 3)))),
    # comprehensions
    Exact(dot_of_lists, lambda rng: (list(vector(rng)), list(vector(rng))), wrt=(0, 1)),
    Exact(layers_by_comprehension, lambda rng: ([rng.normal(size=(2, 2)) for _ in range(3)], vector(rng, 2)),
          wrt=(0, 1)),
    Exact(filtered_comprehension, lambda rng: (vector(rng, 5),)),
    Exact(nested_comprehension, lambda rng: (vector(rng, 4),)),
    Exact(two_for_clauses, lambda rng: (vector(rng),)),
    Exact(comprehension_max_min, lambda rng: (vector(rng, 4),)),
    Exact(comprehension_keeps_outer_name, lambda rng: (vector(rng),)),
    Exact(comprehension_array, lambda rng: (vector(rng, 4),)),
    Exact(comprehension_of_lambdas, lambda rng: (vector(rng), 0.8), wrt=(0, 1)),
    Exact(dict_comprehension, lambda rng: (vector(rng),)),
    Exact(comprehension_in_a_branch, lambda rng: (vector(rng),), id="comprehension_in_a_branch_taken"),
    Exact(comprehension_in_a_branch, lambda rng: (-np.abs(vector(rng)),), id="comprehension_in_a_branch_other"),
    Exact(capturing_lambda_to_a_builtin, lambda rng: (vector(rng), 1.0)),  # its keys computed in the function
    # refused
    Refused(capturing_lambda_stored, (DATA, 1.0), adjoint.UnsupportedSyntaxError, "capturing-lambda-stored"),
    Refused(local_function_defined_twice, (1.0,), adjoint.UnsupportedSyntaxError, "defined-twice"),
    Refused(calls_method_of_argument, (MODEL, DATA), adjoint.NonDifferentiableError, "method-of-argument", wrt=1),
    Refused(generator_kept_in_a_name, (DATA,), adjoint.UnsupportedSyntaxError, "generator-in-name"),
    Refused(comprehension_in_while_test, (DATA,), adjoint.UnsupportedSyntaxError, "comprehension-in-while"),
    Refused(nested_dict_comprehension, (DATA,), adjoint.UnsupportedSyntaxError, "nested-dict-comprehension"),
]
