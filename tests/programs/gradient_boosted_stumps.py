"""A soft gradient-boosting ensemble: each stump is a dict of floats, the ensemble a list of
stumps; predictions go through a closure built per stump, a dict comprehension collects
per-feature importances, and the loss is a logistic loss with an L2 penalty."""
import numpy as np

NO_AUTOGRAD = "the margin is accumulated in place (`margin += ...`)"


def make_stump(stump, feature, sharpness=5.0):
    def predict(x):
        gate = 0.5 * (1.0 + np.tanh(sharpness * (x[:, feature] - stump["threshold"])))
        return stump["left"] + (stump["right"] - stump["left"]) * gate
    return predict


def ensemble_margin(stumps, features, x, learning_rate=0.5):
    margin = np.zeros(x.shape[0])
    for stump, feature in zip(stumps, features):
        margin += learning_rate * make_stump(stump, feature)(x)
    return margin


def importances(stumps, features):
    return {f: sum(abs(s["right"] - s["left"]) for s, g in zip(stumps, features) if g == f) for f in (0, 1, 2)}


def loss(stumps, features, x, labels, penalty=0.01):
    margin = ensemble_margin(stumps, features, x)
    logistic = np.mean(np.logaddexp(0.0, -labels * margin))
    l2 = penalty * sum(s["left"] ** 2 + s["right"] ** 2 for s in stumps)
    spread = importances(stumps, features)
    return logistic + l2 + 0.001 * max(spread.values())


def make(rng):
    x = rng.normal(size=(20, 3))
    labels = np.where(x[:, 0] + 0.5 * x[:, 2] > 0, 1.0, -1.0)
    stumps = [{"threshold": float(t), "left": float(a), "right": float(b)}
              for t, a, b in zip(rng.normal(size=4) * 0.3, rng.normal(size=4), rng.normal(size=4))]
    return loss, (stumps, [0, 2, 0, 1], x, labels), 0
