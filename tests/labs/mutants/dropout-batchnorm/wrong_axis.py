"""Mutant: batch norm takes the mean and variance over axis 1 (each example's features) instead of axis 0 (the batch)."""

from __future__ import annotations

import numpy as np


def dropout(x: np.ndarray, p: float, rng: np.random.Generator, train: bool = True) -> np.ndarray:
    """Inverted dropout with drop probability ``p`` (0 <= p < 1).

    Training: each unit is zeroed with probability p, the mask drawn from ``rng``, and the kept
    units are divided by 1 - p so that the expected value of every unit stays x. At test time
    (``train=False``): x unchanged.
    """
    if not train:
        return x.copy()
    keep = rng.random(x.shape) >= p  # True with probability 1 - p
    return x * keep / (1.0 - p)


def batchnorm_forward(
    x: np.ndarray,
    gamma: np.ndarray,
    beta: np.ndarray,
    running_mean: np.ndarray,
    running_var: np.ndarray,
    train: bool = True,
    momentum: float = 0.9,
    eps: float = 1e-5,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, object]:
    """Batch normalisation of ``x`` (N, D), feature by feature; returns
    ``(out, running_mean, running_var, cache)``.

    Training: normalise each feature (column) with the batch's mean and (biased) variance,
    ``x_hat = (x - mean) / sqrt(var + eps)``, ``out = gamma * x_hat + beta``, and update
    ``running = momentum * running + (1 - momentum) * batch_statistic``.
    Inference (``train=False``): normalise with the running mean and variance instead, which
    are returned unchanged. ``cache`` holds what ``batchnorm_backward`` needs (None at
    inference).
    """
    if not train:
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
        return gamma * x_hat + beta, running_mean.copy(), running_var.copy(), None
    mean = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    running_mean = momentum * running_mean + (1 - momentum) * mean
    running_var = momentum * running_var + (1 - momentum) * var
    return gamma * x_hat + beta, running_mean, running_var, (x_hat, gamma, inv_std)


def batchnorm_backward(
    d_out: np.ndarray, cache: object
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients (dx, dgamma, dbeta) of a loss, given d_out = d loss / d out of a training-mode
    ``batchnorm_forward`` and the cache it returned."""
    x_hat, gamma, inv_std = cache
    n = d_out.shape[0]
    dbeta = d_out.sum(axis=0)
    dgamma = (d_out * x_hat).sum(axis=0)
    dx_hat = d_out * gamma
    # x feeds x_hat directly and through the batch mean and variance: three terms.
    dx = inv_std / n * (n * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))
    return dx, dgamma, dbeta


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    print(dropout(np.ones((2, 6)), 0.5, rng))
    x = rng.normal(3.0, 2.0, size=(8, 3))
    out, rm, rv, _ = batchnorm_forward(x, np.ones(3), np.zeros(3), np.zeros(3), np.ones(3))
    print(out.mean(axis=0).round(6), out.std(axis=0).round(3), rm.round(3), rv.round(3))
