"""Mutant: momentum_step accumulates +lr * g in the velocity, so x climbs the gradient instead of descending."""

from __future__ import annotations

import numpy as np

A = np.diag([1.0, 50.0])
"""The problem: f(x) = 0.5 * x @ A @ x, 50 times steeper along x[1] than along x[0]."""


def loss(x: np.ndarray) -> float:
    """f(x) = 0.5 * (x[0]**2 + 50 * x[1]**2); its minimum is 0, at x = (0, 0)."""
    return float(0.5 * x @ A @ x)


def grad(x: np.ndarray) -> np.ndarray:
    """The gradient of ``loss`` at x: A @ x."""
    return A @ x


def momentum_step(
    x: np.ndarray, v: np.ndarray, g: np.ndarray, lr: float, beta: float = 0.9
) -> tuple[np.ndarray, np.ndarray]:
    """SGD with momentum (the book's Algorithm 8.2): returns the new (x, v).

    v <- beta * v - lr * g;  x <- x + v
    """
    v = beta * v + lr * g
    return x + v, v


def rmsprop_step(
    x: np.ndarray, r: np.ndarray, g: np.ndarray, lr: float, rho: float = 0.9, eps: float = 1e-8
) -> tuple[np.ndarray, np.ndarray]:
    """RMSProp (Algorithm 8.5): returns the new (x, r).

    r <- rho * r + (1 - rho) * g**2;  x <- x - lr * g / (sqrt(r) + eps)
    """
    r = rho * r + (1 - rho) * g**2
    return x - lr * g / (np.sqrt(r) + eps), r


def adam_step(
    x: np.ndarray,
    m: np.ndarray,
    v: np.ndarray,
    g: np.ndarray,
    t: int,
    lr: float,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Adam (Algorithm 8.7) at step t = 1, 2, ...: returns the new (x, m, v).

    m <- beta1 * m + (1 - beta1) * g;  v <- beta2 * v + (1 - beta2) * g**2
    m_hat = m / (1 - beta1**t);  v_hat = v / (1 - beta2**t)  (bias correction)
    x <- x - lr * m_hat / (sqrt(v_hat) + eps)
    The returned m and v are the uncorrected moving averages.
    """
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return x - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def run(method: str, x0: np.ndarray, steps: int, lr: float, **hyper: float) -> list[float]:
    """Minimise ``loss`` from x0 with ``method`` ("momentum", "rmsprop" or "adam").

    Returns steps + 1 losses: losses[0] at x0, losses[k] after k steps. The state (v, r, or
    m and v) starts at zeros; Adam's step counter t is 1 at the first step. ``hyper`` goes to
    the step function (beta, rho, beta1, beta2, eps).
    """
    x = np.array(x0, dtype=float)
    first, second = np.zeros_like(x), np.zeros_like(x)
    losses = [loss(x)]
    for t in range(1, steps + 1):
        g = grad(x)
        if method == "momentum":
            x, first = momentum_step(x, first, g, lr, **hyper)
        elif method == "rmsprop":
            x, second = rmsprop_step(x, second, g, lr, **hyper)
        elif method == "adam":
            x, first, second = adam_step(x, first, second, g, t, lr, **hyper)
        else:
            raise ValueError(f"unknown method {method!r}: use momentum, rmsprop or adam")
        losses.append(loss(x))
    return losses


if __name__ == "__main__":
    for method, lr in [("momentum", 0.01), ("rmsprop", 0.02), ("adam", 0.05)]:
        losses = run(method, np.array([2.0, 1.0]), 200, lr)
        print(
            f"{method:9} loss after 0, 50, 200 steps: {losses[0]:.3g} {losses[50]:.3g} {losses[-1]:.3g}"
        )
