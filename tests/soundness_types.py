"""Gradients have their input's type: a float for a number, even where the derivative is an int."""
from soundness import Exact


def times_count(x, k):
    return x * k


def times_counted_steps(x):
    steps = 0
    while steps < 3:
        steps = steps + 1
    return x * steps


CASES = [
    Exact(times_count, lambda rng: (0.7, 3)),
    Exact(times_counted_steps, lambda rng: (0.7,)),
]
