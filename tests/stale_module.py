"""A module whose function tests/test_stale_bindings.py replaces between calls, as mock.patch does."""


def potential(x):
    return x * x
