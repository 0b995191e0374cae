"""Mini-batch SGD for a softmax classifier.

Train the simplest neural network there is, one linear layer followed by a softmax, with
mini-batch stochastic gradient descent: the training loop that every PyTorch tutorial runs,
written out in numpy. Check your work with `studyplan lab check softmax-sgd`.

Shapes: X (n, d) inputs, y (n,) integer labels in 0..k-1, W (d, k), b (k,),
logits Z = X @ W + b (n, k), probabilities P = softmax(Z) (n, k).
"""

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
    # TODO: subtract each row's maximum first (keepdims=True) so that exp cannot overflow;
    #       softmax(z - c) == softmax(z) for any constant c.
    # TODO: exponentiate, then divide each row by its sum (axis=1).
    raise NotImplementedError("TODO: write softmax (numerically stable, row by row)")


def cross_entropy(P: np.ndarray, y: np.ndarray) -> float:
    """Mean of -log P[i, y[i]] over the n rows of P (n, k); y holds class indices."""
    # TODO: pick each row's probability of its true class (P[np.arange(n), y]) and return
    #       the mean of -log of those, as a float.
    raise NotImplementedError("TODO: write cross_entropy (mean over the rows)")


def gradients(
    X: np.ndarray, y: np.ndarray, W: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """dW (d, k) and db (k,) of the mean cross-entropy of softmax(X @ W + b) against y."""
    # TODO: P = softmax(X @ W + b); Y = one-hot of y (np.eye(k)[y]).
    # TODO: dZ = (P - Y) / n is the gradient with respect to the logits (the mean over n).
    # TODO: chain it through Z = X @ W + b: dW has the shape of W (d, k), db the shape of b.
    raise NotImplementedError("TODO: write gradients (dW, db)")


def sgd_step(
    W: np.ndarray, b: np.ndarray, dW: np.ndarray, db: np.ndarray, lr: float
) -> tuple[np.ndarray, np.ndarray]:
    """One step of gradient descent: the new (W, b)."""
    # TODO: step against the gradient, scaled by the learning rate; return (W, b).
    raise NotImplementedError("TODO: write sgd_step")


def predict(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The most likely class of each row of X: integer labels of shape (n,)."""
    # TODO: the index of the largest logit in each row.
    raise NotImplementedError("TODO: write predict")


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
    # TODO: W = zeros (d, k) with k = y.max() + 1, b = zeros (k,); rng made once, here.
    # TODO: for each epoch: order = rng.permutation(n); for start in range(0, n, batch_size):
    #       the batch is order[start:start + batch_size]; gradients on it, then sgd_step.
    # TODO: after each epoch append cross_entropy(softmax(X @ W + b), y) to the losses.
    raise NotImplementedError("TODO: write train (mini-batch SGD loop)")


if __name__ == "__main__":
    try:
        X, y = make_blobs()
        W, b, losses = train(X, y)
        print("loss per epoch:", np.round(losses, 3))
        print("training accuracy:", (predict(X, W, b) == y).mean())
    except NotImplementedError as exc:
        print(f"not written yet: {exc}")
