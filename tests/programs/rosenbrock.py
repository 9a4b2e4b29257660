"""Classic optimization test functions, kept in a table of lambdas and combined by key."""
import numpy as np

TEST_FUNCTIONS = {
    "rosenbrock": lambda x: sum(100.0 * (x[i + 1] - x[i] ** 2) ** 2 + (1.0 - x[i]) ** 2 for i in range(len(x) - 1)),
    "rastrigin": lambda x: 10.0 * len(x) + np.sum(x ** 2 - 10.0 * np.cos(2.0 * np.pi * x)),
    "styblinski_tang": lambda x: 0.5 * np.sum(x ** 4 - 16.0 * x ** 2 + 5.0 * x),
}


def weighted_sum(weights):
    """An objective mixing the named test functions, for benchmarking optimizers on blends."""
    unknown = set(weights) - set(TEST_FUNCTIONS)
    if unknown:
        raise KeyError(f"unknown test functions: {sorted(unknown)}")

    def objective(x):
        return sum(weight * TEST_FUNCTIONS[name](x) for name, weight in weights.items())

    return objective


def make(rng):
    x = np.array([-1.2, 1.0, 0.8, 1.3]) + 0.1 * rng.normal(size=4)
    objective = weighted_sum({"rosenbrock": 1.0, "rastrigin": 0.1, "styblinski_tang": 0.01})
    return objective, (x,), 0
