"""REINFORCE with a baseline and an entropy bonus on logged episodes: a linear softmax policy,
log-probabilities by log-softmax, the taken actions gathered with take_along_axis and with
fancy indexing, discounted returns computed backwards in a loop."""
import numpy as np

NO_AUTOGRAD = "autograd has no derivative of np.take_along_axis"


def log_softmax(logits):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def discounted_returns(rewards, gamma):
    returns = np.zeros_like(rewards)
    running = 0.0
    for t in reversed(range(len(rewards))):
        running = rewards[t] + gamma * running
        returns[t] = running
    return returns


def policy_loss(theta, states, actions, rewards, gamma=0.95, entropy_weight=0.01):
    W, b, value_w = theta
    logp = log_softmax(states @ W + b)
    taken = np.take_along_axis(logp, actions[:, None], axis=1)[:, 0]
    returns = discounted_returns(rewards, gamma)
    baseline = states @ value_w
    advantage = returns - baseline
    pg = -np.mean(taken * advantage)
    value_loss = 0.5 * np.mean(advantage ** 2)
    probs = np.exp(logp)
    entropy = -np.sum(probs * logp, axis=1).mean()
    check = logp[np.arange(len(actions)), actions]
    return pg + value_loss - entropy_weight * entropy + 0.0 * np.sum(check - taken)


def make(rng):
    T, d, n_actions = 9, 3, 4
    states = rng.normal(size=(T, d))
    actions = rng.integers(0, n_actions, size=T)
    rewards = rng.normal(size=T)
    theta = (0.3 * rng.normal(size=(d, n_actions)), np.zeros(n_actions), 0.1 * rng.normal(size=d))
    return policy_loss, (theta, states, actions, rewards), 0
