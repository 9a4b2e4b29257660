"""A generative adversarial net's objective, differentiated for both players' parameters."""
import numpy as np


def init_net(sizes, rng, scale=0.3):
    return [(scale * rng.normal(size=(m, n)), scale * rng.normal(size=n)) for m, n in zip(sizes[:-1], sizes[1:])]


def neural_net(params, x, activation):
    for W, b in params[:-1]:
        x = activation(x @ W + b)
    W, b = params[-1]
    return x @ W + b


leaky_relu = lambda x: np.maximum(x, 0.2 * x)


def log_sigmoid(x):
    return -np.logaddexp(0.0, -x)


def gan_objective(generator_params, discriminator_params, noise, real_data):
    fake_data = neural_net(generator_params, noise, np.tanh)
    logits_real = neural_net(discriminator_params, real_data, leaky_relu)
    logits_fake = neural_net(discriminator_params, fake_data, leaky_relu)
    return np.mean(log_sigmoid(logits_real)) + np.mean(log_sigmoid(-logits_fake))


def make(rng):
    generator_params = init_net([2, 6, 2], rng)
    discriminator_params = init_net([2, 6, 1], rng)
    noise = rng.normal(size=(12, 2))
    real_data = rng.normal(size=(12, 2)) * np.array([0.5, 2.0]) + 1.0
    return gan_objective, (generator_params, discriminator_params, noise, real_data), (0, 1)
