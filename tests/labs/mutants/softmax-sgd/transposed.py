"""Mutant: dW is computed as dZ.T @ X, the transpose of the right gradient."""

from __future__ import annotations

import numpy as np


def make_blobs(n_per_class: int = 100, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Three Gaussian blobs in 2-D: X of shape (3 * n_per_class, 2), labels y in {0, 1, 2}."""
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 2.0], [-2.0, -1.0], [2.0, -1.0]])
    X = np.concatenate([c + 0.8 * rng.standard_normal((n_per_class, 2)) for c in centres])
    y = np.repeat(np.arange(3), n_per_class)
    return X, y


def softmax(Z: np.ndarray) -> np.ndarray:
    """Row-wise softmax of logits Z (n, k): each row becomes probabilities that sum to 1."""
    shifted = Z - Z.max(axis=1, keepdims=True)  # exp never overflows; the result is unchanged
    E = np.exp(shifted)
    return E / E.sum(axis=1, keepdims=True)


def cross_entropy(P: np.ndarray, y: np.ndarray) -> float:
    """Mean of -log P[i, y[i]] over the n rows of P (n, k); y holds class indices."""
    n = P.shape[0]
    return float(-np.log(P[np.arange(n), y]).mean())


def gradients(
    X: np.ndarray, y: np.ndarray, W: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """dW (d, k) and db (k,) of the mean cross-entropy of softmax(X @ W + b) against y."""
    n, k = X.shape[0], W.shape[1]
    P = softmax(X @ W + b)
    Y = np.eye(k)[y]  # one-hot targets (n, k)
    dZ = (P - Y) / n
    return dZ.T @ X, dZ.sum(axis=0)


def sgd_step(
    W: np.ndarray, b: np.ndarray, dW: np.ndarray, db: np.ndarray, lr: float
) -> tuple[np.ndarray, np.ndarray]:
    """One step of gradient descent: the new (W, b)."""
    return W - lr * dW, b - lr * db


def predict(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The most likely class of each row of X: integer labels of shape (n,)."""
    return np.argmax(X @ W + b, axis=1)


def train(
    X: np.ndarray,
    y: np.ndarray,
    lr: float = 0.1,
    epochs: int = 20,
    batch_size: int = 32,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """Mini-batch SGD from zero weights; returns (W, b, losses), one loss per epoch.

    Each epoch shuffles the rows with ``rng.permutation(n)`` (``rng =
    np.random.default_rng(seed)``, made once), takes one SGD step per batch of
    ``batch_size`` rows (the last batch may be smaller), then appends the mean
    cross-entropy on the whole of (X, y).
    """
    n, d = X.shape
    k = int(y.max()) + 1
    W, b = np.zeros((d, k)), np.zeros(k)
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            batch = order[start : start + batch_size]
            dW, db = gradients(X[batch], y[batch], W, b)
            W, b = sgd_step(W, b, dW, db, lr)
        losses.append(cross_entropy(softmax(X @ W + b), y))
    return W, b, losses


if __name__ == "__main__":
    X, y = make_blobs()
    W, b, losses = train(X, y)
    print("loss per epoch:", np.round(losses, 3))
    print("training accuracy:", (predict(X, W, b) == y).mean())
