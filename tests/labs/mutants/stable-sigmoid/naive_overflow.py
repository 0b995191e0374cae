"""Mutant: sigmoid uses the textbook 1 / (1 + exp(-z)), which overflows for z below about -709."""

import numpy as np


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(-z)) for a number or an array of any shape, never overflowing."""
    z = np.asarray(z, dtype=float)
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    """σ'(z) = σ(z)(1 - σ(z)), without overflow or nan for large |z|."""
    z = np.asarray(z, dtype=float)
    s = sigmoid(z)
    return s * (1.0 - s)


def log_sigmoid(z):
    """log σ(z) = -log(1 + e^(-z)), finite for every z (about z for very negative z)."""
    z = np.asarray(z, dtype=float)
    return np.minimum(z, 0.0) - np.log1p(np.exp(-np.abs(z)))
