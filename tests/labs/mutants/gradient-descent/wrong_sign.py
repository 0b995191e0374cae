"""Mutant: gradient_descent steps up the gradient, x + step_size * grad(x) (gradient ascent)."""

import numpy as np


def quadratic(x, A, b):
    """f(x) = ½ xᵀAx - bᵀx (given). Its minimum is at the solution of A x = b."""
    return float(0.5 * x @ A @ x - b @ x)


def quadratic_grad(x, A, b):
    """∇f(x) = A x - b for a symmetric A (given)."""
    return A @ x - b


def rosenbrock(x):
    """Rosenbrock's function (1 - x0)² + 100 (x1 - x0²)², minimum 0 at (1, 1) (given)."""
    return float((1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2)


def rosenbrock_grad(x):
    """The gradient of rosenbrock at x (shape (2,)), an array of shape (2,)."""
    valley = x[1] - x[0] ** 2
    return np.array([-2 * (1 - x[0]) - 400 * x[0] * valley, 200 * valley])


def gradient_descent(f, grad, x0, step_size, steps, max_loss=1e8):
    """Gradient descent from x0; returns (path, losses, diverged).

    path: (k + 1, d), x0 first; losses: (k + 1,), f at each point; diverged: bool.
    After each step, stop at once with diverged=True if the new loss is not finite or is
    greater than max_loss (keeping that point); otherwise run all the steps.
    """
    x = np.array(x0, dtype=float)  # a copy: x0 stays as it was
    path, losses = [x], [f(x)]
    diverged = False
    for _ in range(steps):
        x = x + step_size * grad(x)
        path.append(x)
        losses.append(f(x))
        if not np.isfinite(losses[-1]) or losses[-1] > max_loss:
            diverged = True
            break
    return np.array(path), np.array(losses), diverged


def largest_stable_step(A):
    """2 / λ_max: gradient descent on ½ xᵀAx - bᵀx converges for step sizes below it."""
    return 2.0 / np.linalg.eigvalsh(A).max()
