"""Lab numerical-gradient: central differences and gradient checking (Professor Leonard).

Replace each `raise NotImplementedError` with your code, then run
`studyplan lab check numerical-gradient`.
"""

import numpy as np


def numerical_gradient(f, x, h=1e-5):
    """Central-difference estimate of the gradient of ``f`` at ``x``.

    f: takes a float vector of shape (n,), returns a number. x: shape (n,).
    Returns an array of shape (n,) with entry i = (f(x + h e_i) - f(x - h e_i)) / (2 h).
    """
    x = np.array(x, dtype=float)  # a copy: what you do to it does not change the caller's x
    # TODO: an array of zeros of the same shape for the result
    # TODO: for each coordinate i, a step vector that is h at i and 0 elsewhere,
    # TODO: then the central difference of f along it
    raise NotImplementedError("TODO: numerical_gradient")


def quadratic_gradient(A, b, x):
    """Gradient of f(x) = ½ xᵀAx + bᵀx at x, for a square A that need not be symmetric."""
    # TODO: the gradient of ½ xᵀAx is ½ (A + Aᵀ) x; the gradient of bᵀx is b
    raise NotImplementedError("TODO: quadratic_gradient")


def relative_error(a, b):
    """||a - b|| / (||a|| + ||b||), and 0.0 when a and b are both zero."""
    # TODO: Euclidean norms with np.linalg.norm
    # TODO: avoid dividing by zero when both vectors are zero
    raise NotImplementedError("TODO: relative_error")


def gradient_check(f, grad, x, h=1e-5):
    """Relative error between the analytic gradient grad(x) and the numerical one."""
    # TODO: compare grad(x) with numerical_gradient(f, x, h) using relative_error
    raise NotImplementedError("TODO: gradient_check")
