"""The marginal likelihood of a hidden Markov model by the forward algorithm in log space, with
unconstrained (log-softmax) parameters."""
import numpy as np
from scipy.special import logsumexp


def log_normalize(x, axis=-1):
    return x - logsumexp(x, axis=axis, keepdims=True)


def hmm_log_likelihood(params, observations):
    log_initial = log_normalize(params["initial"])
    log_transition = log_normalize(params["transition"], axis=1)
    log_emission = log_normalize(params["emission"], axis=1)
    log_alpha = log_initial + log_emission[:, observations[0]]
    for obs in observations[1:]:
        log_alpha = logsumexp(log_alpha[:, None] + log_transition, axis=0) + log_emission[:, obs]
    return logsumexp(log_alpha)


def make_objective(sequences, prior_strength=0.1):
    log_prior = lambda params: prior_strength * np.sum(log_normalize(params["transition"], axis=1))
    return lambda params: -sum(hmm_log_likelihood(params, seq) for seq in sequences) - log_prior(params)


def make(rng):
    num_states, num_symbols = 3, 4
    sequences = [list(rng.integers(0, num_symbols, size=length)) for length in (6, 9)]
    params = {"initial": rng.normal(size=num_states), "transition": rng.normal(size=(num_states, num_states)),
              "emission": rng.normal(size=(num_states, num_symbols))}
    return make_objective(sequences), (params,), 0
