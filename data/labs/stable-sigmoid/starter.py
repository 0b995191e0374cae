"""Lab stable-sigmoid: the sigmoid, its derivative and its logarithm without overflow.

Replace each `raise NotImplementedError` with your code, then run
`studyplan lab check stable-sigmoid`.
"""

import numpy as np


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(-z)) for a number or an array of any shape, never overflowing."""
    z = np.asarray(z, dtype=float)
    # TODO: e = np.exp(-np.abs(z)) lies in (0, 1], whatever z is
    # TODO: where z >= 0, σ(z) = 1 / (1 + e); where z < 0, σ(z) = e / (1 + e) (np.where)
    raise NotImplementedError("TODO: sigmoid")


def sigmoid_prime(z):
    """σ'(z) = σ(z)(1 - σ(z)), without overflow or nan for large |z|."""
    z = np.asarray(z, dtype=float)
    # TODO: use your stable sigmoid
    raise NotImplementedError("TODO: sigmoid_prime")


def log_sigmoid(z):
    """log σ(z) = -log(1 + e^(-z)), finite for every z (about z for very negative z)."""
    z = np.asarray(z, dtype=float)
    # TODO: min(z, 0) - log1p(exp(-|z|)): np.minimum, np.log1p, np.exp, np.abs
    raise NotImplementedError("TODO: log_sigmoid")
