"""Low-rank matrix factorization for recommendations, from a list of (user, item, rating) triples."""
import numpy as np


def make_loss(ratings, l2=0.05):
    regularizer = lambda params: l2 * sum(np.sum(factors ** 2) for factors in params.values())

    def loss(params):
        users, items = params["users"], params["items"]
        squared_error = sum((rating - users[u] @ items[i]) ** 2 for u, i, rating in ratings)
        return squared_error / len(ratings) + regularizer(params)

    return loss


def make(rng):
    num_users, num_items, rank = 4, 5, 2
    truth = rng.normal(size=(num_users, rank)) @ rng.normal(size=(rank, num_items))
    pairs = [(u, i) for u in range(num_users) for i in range(num_items) if (u + 2 * i) % 3 != 0]
    ratings = [(u, i, truth[u, i] + 0.1 * rng.normal()) for u, i in pairs]
    params = {"users": 0.5 * rng.normal(size=(num_users, rank)), "items": 0.5 * rng.normal(size=(num_items, rank))}
    return make_loss(ratings), (params,), 0
