"""Mutant: numerical_gradient stops one coordinate early (range(x.size - 1)), so the last entry stays 0."""

import numpy as np


def numerical_gradient(f, x, h=1e-5):
    """Central-difference estimate of the gradient of ``f`` at ``x``.

    f: takes a float vector of shape (n,), returns a number. x: shape (n,).
    Returns an array of shape (n,) with entry i = (f(x + h e_i) - f(x - h e_i)) / (2 h).
    """
    x = np.array(x, dtype=float)  # a copy: what you do to it does not change the caller's x
    grad = np.zeros_like(x)
    for i in range(x.size - 1):
        step = np.zeros_like(x)
        step[i] = h
        grad[i] = (f(x + step) - f(x - step)) / (2 * h)
    return grad


def quadratic_gradient(A, b, x):
    """Gradient of f(x) = ½ xᵀAx + bᵀx at x, for a square A that need not be symmetric."""
    return 0.5 * (A + A.T) @ x + b


def relative_error(a, b):
    """||a - b|| / (||a|| + ||b||), and 0.0 when a and b are both zero."""
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    if scale == 0:
        return 0.0
    return float(np.linalg.norm(a - b) / scale)


def gradient_check(f, grad, x, h=1e-5):
    """Relative error between the analytic gradient grad(x) and the numerical one."""
    return relative_error(grad(x), numerical_gradient(f, x, h))
