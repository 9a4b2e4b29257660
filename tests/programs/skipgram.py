"""Word embeddings by skip-gram with negative sampling; the objective sums over (center, context,
negatives) triples with a generator expression."""
import numpy as np


def log_sigmoid(x):
    return -np.logaddexp(0.0, -x)


def make_loss(examples):
    def pair_loss(embeddings, center, context, negatives):
        v = embeddings["input"][center]
        positive = log_sigmoid(embeddings["output"][context] @ v)
        negative = np.sum(log_sigmoid(-embeddings["output"][negatives] @ v))
        return -(positive + negative)

    def loss(embeddings):
        return sum(pair_loss(embeddings, c, o, neg) for c, o, neg in examples) / len(examples)

    return loss


def make(rng):
    vocabulary, dim = 7, 3
    examples = [(int(c), int(o), rng.integers(0, vocabulary, size=2)) for c, o in rng.integers(0, vocabulary, size=(6, 2))]
    embeddings = {"input": 0.5 * rng.normal(size=(vocabulary, dim)), "output": 0.5 * rng.normal(size=(vocabulary, dim))}
    return make_loss(examples), (embeddings,), 0
