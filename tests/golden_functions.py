"""Functions whose generated derivatives are kept as golden files: the code must stay readable."""
import math

import numpy as np

import adjoint


def mission(x, y):
    a = x * y
    b = math.sin(x)
    z = a + b
    return z


def branch(x):
    if x > 0.0:
        y = x * x
    elif x > -1.0:
        y = math.sin(x)
    else:
        y = -x
    return y


def polynomial(x, coefficients):
    total = 0.0
    for c in coefficients:
        total = total * x + c
    return total


def logistic_map(x, r):
    for i in range(10):
        x = r * x * (1.0 - x)
    return x


def halving(x):
    steps = 0
    while x > 1.0:
        x = x / 2.0
        steps += 1
    return x * steps


def first_large(x):
    total = 0.0
    for i in range(10):
        total = total + x * i
        if total > 5.0:
            break
    return total


def square(x):
    return x * x


def call_and_combine(x, y):
    return square(x) + 3.0 * square(y)


def early_exit(x):
    if x < 0.0:
        return 0.0
    return math.sqrt(x)


def built_list(x, n):
    values = []
    for i in range(n):
        values.append(x ** i)
    return values[n - 1] + values[0]


def layer(w, b, x):
    h = np.tanh(x @ w + b)
    return np.sum(h * h)


def clipped(x):
    h = math.tanh(x)
    with adjoint.insert_grad_of(h) as dh:
        dh = min(dh, 0.5)
    return h * 3.0


def overwrite(x, n):
    a = np.zeros(3)
    for i in range(n):
        a[i % 3] += x * i
    return np.sum(a * a)
