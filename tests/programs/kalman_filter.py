"""The likelihood of a local-level state-space model by Kalman filtering; the loss returns the
filtered means as auxiliary output."""
import numpy as np
from scipy.stats import norm

HAS_AUX = True


def kalman_negative_log_likelihood(params, observations):
    a = params["transition"]
    q, r = np.exp(params["log_process_noise"]), np.exp(params["log_observation_noise"])
    mean, var = 0.0, 1.0
    total, filtered = 0.0, []
    for y in observations:
        mean, var = a * mean, a * a * var + q
        innovation_var = var + r
        total = total + norm.logpdf(y, mean, np.sqrt(innovation_var))
        gain = var / innovation_var
        mean, var = mean + gain * (y - mean), (1.0 - gain) * var
        filtered.append(mean)
    return -total, np.array(filtered)


def make(rng):
    states = np.cumsum(0.3 * rng.normal(size=12))
    observations = states + 0.5 * rng.normal(size=12)
    params = {"transition": 0.9, "log_process_noise": -2.0, "log_observation_noise": -1.0}
    return kalman_negative_log_likelihood, (params, observations), 0
