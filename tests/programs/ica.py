"""Independent component analysis with heavy-tailed (Student t) sources, by maximum likelihood."""
import numpy as np
from scipy.stats import t


def make_negative_log_likelihood(observations, df=3.0):
    num_observations = observations.shape[0]

    def negative_log_likelihood(unmixing):
        sources = observations @ unmixing.T
        _, log_abs_det = np.linalg.slogdet(unmixing)
        return -(np.sum(t.logpdf(sources, df)) / num_observations + log_abs_det)

    return negative_log_likelihood


def make(rng):
    sources = rng.standard_t(3.0, size=(40, 2))
    mixing = np.array([[1.0, 0.5], [0.3, 1.2]])
    observations = sources @ mixing.T
    unmixing = np.eye(2) + 0.1 * rng.normal(size=(2, 2))
    return make_negative_log_likelihood(observations), (unmixing,), 0
