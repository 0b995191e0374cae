"""Inverted dropout and batch normalisation.

Two layers that behave differently while training and when the model is used: dropout
switches off random units during training only, and batch normalisation normalises with the
batch's statistics during training but with running averages afterwards. Write both, and the
backward pass of batch normalisation. Check your work with
`studyplan lab check dropout-batchnorm`.

Shapes: x and out (N, D), N examples of D features; gamma, beta and the running statistics (D,).
"""

from __future__ import annotations

import numpy as np


def dropout(x: np.ndarray, p: float, rng: np.random.Generator, train: bool = True) -> np.ndarray:
    """Inverted dropout with drop probability ``p`` (0 <= p < 1).

    Training: each unit is zeroed with probability p, the mask drawn from ``rng``, and the kept
    units are divided by 1 - p so that the expected value of every unit stays x. At test time
    (``train=False``): x unchanged.
    """
    # TODO: at test time return (a copy of) x.
    # TODO: in training, keep each unit with probability 1 - p: rng.random(x.shape) >= p
    #       (use the rng you are given, not np.random, so a seed gives the same mask).
    # TODO: zero the dropped units and divide the kept ones by 1 - p.
    raise NotImplementedError("TODO: write dropout (inverted, train and test)")


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
    # TODO: inference: x_hat from running_mean and running_var; return them unchanged and
    #       cache None.
    # TODO: training: the mean and variance of each feature over the batch (axis=0;
    #       np.var divides by N, which is what we want), x_hat, out = gamma * x_hat + beta.
    # TODO: update the running statistics with momentum (the old value gets the weight
    #       momentum), and return a cache for the backward pass, e.g. (x_hat, gamma, 1 / std).
    raise NotImplementedError("TODO: write batchnorm_forward (training and inference)")


def batchnorm_backward(
    d_out: np.ndarray, cache: object
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients (dx, dgamma, dbeta) of a loss, given d_out = d loss / d out of a training-mode
    ``batchnorm_forward`` and the cache it returned."""
    # TODO: dbeta and dgamma sum over the batch: d_out, and d_out * x_hat.
    # TODO: dx_hat = d_out * gamma. Then dx: each x[n, d] changes x_hat[n, d] directly, and
    #       every x_hat[:, d] through the batch mean and the batch variance of feature d.
    #       Add up the three paths (the chain rule through mean and var), or use the compact
    #       form from the lab's last hint. The checks compare dx with numerical gradients.
    raise NotImplementedError("TODO: write batchnorm_backward (dx, dgamma, dbeta)")


if __name__ == "__main__":
    try:
        rng = np.random.default_rng(0)
        print(dropout(np.ones((2, 6)), 0.5, rng))
        x = rng.normal(3.0, 2.0, size=(8, 3))
        out, rm, rv, _ = batchnorm_forward(x, np.ones(3), np.zeros(3), np.zeros(3), np.ones(3))
        print(out.mean(axis=0).round(6), out.std(axis=0).round(3), rm.round(3), rv.round(3))
    except NotImplementedError as exc:
        print(f"not written yet: {exc}")
