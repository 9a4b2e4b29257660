"""A variational autoencoder on binary vectors; the loss returns its two terms as auxiliary output."""
import numpy as np

HAS_AUX = True


def init_mlp(sizes, rng, scale=0.3):
    return [(scale * rng.normal(size=(m, n)), np.zeros(n)) for m, n in zip(sizes[:-1], sizes[1:])]


def mlp(layers, x):
    *hidden, (W_out, b_out) = layers
    for W, b in hidden:
        x = np.tanh(x @ W + b)
    return x @ W_out + b_out


def bernoulli_log_likelihood(logits, data):
    return -np.sum(data * np.logaddexp(0.0, -logits) + (1.0 - data) * np.logaddexp(0.0, logits), axis=1)


def gaussian_kl(mean, log_std):
    return 0.5 * np.sum(np.exp(2.0 * log_std) + mean ** 2 - 1.0 - 2.0 * log_std, axis=1)


def make_loss(images, noise):
    latent_dim = noise.shape[1]

    def loss(params):
        stats = mlp(params["encoder"], images)
        mean, log_std = stats[:, :latent_dim], stats[:, latent_dim:]
        latents = mean + np.exp(log_std) * noise
        reconstruction = bernoulli_log_likelihood(mlp(params["decoder"], latents), images)
        kl = gaussian_kl(mean, log_std)
        negative_elbo = np.mean(kl - reconstruction)
        return negative_elbo, {"reconstruction": np.mean(reconstruction), "kl": np.mean(kl)}

    return loss


def make(rng):
    images = (rng.uniform(size=(6, 8)) > 0.5).astype(float)
    noise = rng.normal(size=(6, 2))
    params = {"encoder": init_mlp([8, 5, 4], rng), "decoder": init_mlp([2, 5, 8], rng)}
    return make_loss(images, noise), (params,), 0
