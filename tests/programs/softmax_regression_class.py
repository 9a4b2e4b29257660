"""Multinomial logistic regression as a small model class: the loss method calls the others."""
import numpy as np
from scipy.special import logsumexp


class SoftmaxRegression:
    def __init__(self, num_features, num_classes, l2=1e-2):
        self.num_features = num_features
        self.num_classes = num_classes
        self.l2 = l2

    def init_params(self, rng):
        return {"W": 0.1 * rng.normal(size=(self.num_features, self.num_classes)),
                "b": np.zeros(self.num_classes)}

    def logits(self, params, x):
        return x @ params["W"] + params["b"]

    def log_probs(self, params, x):
        z = self.logits(params, x)
        return z - logsumexp(z, axis=1, keepdims=True)

    def penalty(self, params):
        return self.l2 * np.sum(params["W"] ** 2)

    def loss(self, params, x, labels):
        assert x.shape == (len(labels), self.num_features), f"expected {len(labels)} rows of {self.num_features}"
        picked = self.log_probs(params, x)[np.arange(len(labels)), labels]
        return -np.mean(picked) + self.penalty(params)


def make(rng):
    model = SoftmaxRegression(num_features=4, num_classes=3)
    x = rng.normal(size=(18, 4))
    labels = np.argmax(x[:, :3] + 0.5 * rng.normal(size=(18, 3)), axis=1)
    return model.loss, (model.init_params(rng), x, labels), 0
