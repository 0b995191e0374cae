"""Momentum, RMSProp and Adam on an ill-conditioned quadratic.

Plain gradient descent crawls along a long, narrow valley: the step size that is safe across
the valley is far too small along it. Write the three update rules that fixed this in
practice, each as one step function, then run each on the same problem and compare their loss
curves. Check your work with `studyplan lab check optimisers`.

Every step function takes the current point x, its state and the gradient g (all arrays of the
same shape) and returns the new point and the new state; nothing is changed in place.
"""

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
    # TODO: the velocity keeps a decaying sum of past steps: v = beta * v - lr * g.
    # TODO: move by the velocity; return the new x and the new v.
    raise NotImplementedError("TODO: write momentum_step")


def rmsprop_step(
    x: np.ndarray, r: np.ndarray, g: np.ndarray, lr: float, rho: float = 0.9, eps: float = 1e-8
) -> tuple[np.ndarray, np.ndarray]:
    """RMSProp (Algorithm 8.5): returns the new (x, r).

    r <- rho * r + (1 - rho) * g**2;  x <- x - lr * g / (sqrt(r) + eps)
    """
    # TODO: r is a moving average of the SQUARED gradient (element-wise).
    # TODO: divide each coordinate's step by the square root of its r (plus eps, so that a
    #       zero gradient gives a zero step, not 0 / 0); return the new x and the new r.
    raise NotImplementedError("TODO: write rmsprop_step")


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
    # TODO: update both moving averages: m of g, v of g**2.
    # TODO: both start at zero, so early on they are too small: correct them by dividing
    #       by (1 - beta1**t) and (1 - beta2**t).
    # TODO: step with the corrected values; return the new x and the UNcorrected m and v.
    raise NotImplementedError("TODO: write adam_step")


def run(method: str, x0: np.ndarray, steps: int, lr: float, **hyper: float) -> list[float]:
    """Minimise ``loss`` from x0 with ``method`` ("momentum", "rmsprop" or "adam").

    Returns steps + 1 losses: losses[0] at x0, losses[k] after k steps. The state (v, r, or
    m and v) starts at zeros; Adam's step counter t is 1 at the first step. ``hyper`` goes to
    the step function (beta, rho, beta1, beta2, eps).
    """
    # TODO: x = a float copy of x0; the optimiser's state as zeros of x's shape;
    #       losses = [loss(x)].
    # TODO: for each step: g = grad(x), call the method's step function (passing **hyper),
    #       append loss(x). For Adam, t counts the steps from 1 (t = 0 would divide by zero).
    # TODO: an unknown method: raise ValueError.
    raise NotImplementedError("TODO: write run (the optimisation loop)")


if __name__ == "__main__":
    try:
        for method, lr in [("momentum", 0.01), ("rmsprop", 0.02), ("adam", 0.05)]:
            losses = run(method, np.array([2.0, 1.0]), 200, lr)
            print(
                f"{method:9} loss after 0, 50, 200 steps: {losses[0]:.3g} {losses[50]:.3g} {losses[-1]:.3g}"
            )
    except NotImplementedError as exc:
        print(f"not written yet: {exc}")
