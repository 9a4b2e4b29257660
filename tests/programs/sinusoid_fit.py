"""Least-squares fit of a damped sinusoid; the parameters are a dict of floats and the model is
bound with functools.partial."""
from functools import partial

import numpy as np


def damped_sinusoid(params, times):
    amplitude, frequency = params["amplitude"], params["frequency"]
    envelope = np.exp(-params["decay"] * times)
    return amplitude * envelope * np.sin(frequency * times + params["phase"])


def make(rng):
    times = np.linspace(0.0, 4.0, 25)
    observed = 1.5 * np.exp(-0.3 * times) * np.sin(2.0 * times + 0.4) + 0.05 * rng.normal(size=25)
    model = partial(damped_sinusoid, times=times)
    objective = lambda params: np.mean((model(params) - observed) ** 2)
    params = {"amplitude": 1.0, "frequency": 1.8, "decay": 0.2, "phase": 0.0}
    return objective, (params,), 0
