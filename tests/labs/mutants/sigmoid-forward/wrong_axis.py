"""Mutant: predict takes np.argmax over axis 0 (the rows) instead of axis 1 (the output neurons)."""

import itertools

import numpy as np


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(-z)), element by element, for an array of any shape."""
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def layer_forward(A, W, b):
    """Activations of one layer: σ(A Wᵀ + b).

    A: (m, n_in), one input per row; W: (n_out, n_in); b: (n_out,).
    Returns an array of shape (m, n_out).
    """
    return sigmoid(A @ W.T + b)


def forward(X, weights, biases):
    """Activations of every layer: [X, A1, ..., AL] for L layers (L + 1 arrays).

    X: (m, n_0); weights[l]: (n_{l+1}, n_l); biases[l]: (n_{l+1},).
    """
    activations = [X]
    for W, b in zip(weights, biases, strict=True):
        activations.append(layer_forward(activations[-1], W, b))
    return activations


def predict(X, weights, biases):
    """For each row of X, the index of the output neuron with the highest activation.

    Returns an int array of shape (m,).
    """
    return np.argmax(forward(X, weights, biases)[-1], axis=0)


def network(sizes, seed=0):
    """Random weights and biases for a network of the given layer sizes (complete, a helper).

    network([2, 3, 1]) gives weights of shapes (3, 2) and (1, 3), biases (3,) and (1,),
    drawn from a standard normal distribution as in Nielsen's Network class.
    """
    rng = np.random.default_rng(seed)
    weights = [rng.standard_normal((n_out, n_in)) for n_in, n_out in itertools.pairwise(sizes)]
    biases = [rng.standard_normal(n_out) for n_out in sizes[1:]]
    return weights, biases
