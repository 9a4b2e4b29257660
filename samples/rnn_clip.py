"""Gradient clipping inside an RNN's backward pass with `adjoint.insert_grad_of`.

`with adjoint.insert_grad_of(h) as dh:` runs its block in the backward pass, on the adjoint
of h at that step of the loop; assigning dh changes the adjoint that flows back to the
earlier steps. Here it clips the adjoint of the hidden state at every step. The same
network and the same data are trained twice, with a learning rate at which the unclipped
gradients explode and the clipped ones still learn.
"""
import numpy as np

import adjoint


def rnn_loss(W, U, v, xs, target, clip):
    h = np.zeros(W.shape[0])
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + U * xs[t])
        with adjoint.insert_grad_of(h) as dh:
            dh = np.clip(dh, -clip, clip)
    prediction = v @ h
    return (prediction - target) ** 2


loss_and_gradients = adjoint.value_and_grad(rnn_loss, wrt=("W", "U", "v"))


def task(rng, length=20):
    """A random sequence and the value to predict from it: 0.5 x[-1] - 0.3 x[-2]."""
    xs = rng.normal(size=length)
    return xs, 0.5 * xs[-1] - 0.3 * xs[-2]


def train(clip, steps=200, rate=0.15, size=12, report=40):
    """Mean losses over each `report` steps of SGD (same initial weights and data for every clip)."""
    rng = np.random.default_rng(1)
    W = rng.normal(scale=1 / np.sqrt(size), size=(size, size))
    U, v = rng.normal(size=size), rng.normal(scale=0.1, size=size)
    means, total = [], 0.0
    for step in range(1, steps + 1):
        xs, target = task(rng)
        value, (dW, dU, dv) = loss_and_gradients(W, U, v, xs, target, clip)
        W, U, v = W - rate * dW, U - rate * dU, v - rate * dv
        total += value
        if step % report == 0:
            means.append(total / report)
            total = 0.0
    return means


def main(clip=0.1):
    with np.errstate(all="ignore"):  # the unclipped run overflows
        unclipped = train(np.inf)
    clipped = train(clip)
    print(f"mean loss per 40 steps of SGD:   no clipping   |dh| clipped at {clip} per step")
    for window, (a, b) in enumerate(zip(unclipped, clipped)):
        print(f"steps {40 * window + 1:3d}-{40 * (window + 1):3d}:{a:24.4g}{b:18.4f}")


if __name__ == "__main__":
    main()
