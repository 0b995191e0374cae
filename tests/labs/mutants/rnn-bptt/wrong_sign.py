"""Mutant: the output error has the wrong sign: dy = targets - ys instead of ys - targets."""

from __future__ import annotations

import numpy as np

PARAMS = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


def init_params(D: int, H: int, K: int, seed: int = 0, scale: float = 0.5) -> dict:
    """Random parameters for inputs of size D, a hidden state of size H and outputs of size K."""
    rng = np.random.default_rng(seed)
    return {
        "W_xh": scale * rng.standard_normal((H, D)),
        "W_hh": scale * rng.standard_normal((H, H)),
        "b_h": np.zeros(H),
        "W_hy": scale * rng.standard_normal((K, H)),
        "b_y": np.zeros(K),
    }


def sequence_loss(ys: np.ndarray, targets: np.ndarray) -> float:
    """Half the sum of squared errors over every time step and output: 0.5 * sum((y - t)**2)."""
    return float(0.5 * np.sum((ys - targets) ** 2))


def rnn_forward(xs: np.ndarray, h0: np.ndarray, params: dict) -> tuple[np.ndarray, np.ndarray]:
    """Run the RNN over a sequence ``xs`` (T, D) from the hidden state ``h0`` (H,).

    ``h_t = tanh(W_xh @ x_t + W_hh @ h_{t-1} + b_h)`` and ``y_t = W_hy @ h_t + b_y``.
    Returns ``(hs, ys)``: hidden states (T, H), row t holding h_t (h0 is not included),
    and outputs (T, K).
    """
    W_xh, W_hh, b_h, W_hy, b_y = (params[name] for name in PARAMS)
    T = xs.shape[0]
    hs = np.zeros((T, W_hh.shape[0]))
    ys = np.zeros((T, W_hy.shape[0]))
    h = h0
    for t in range(T):
        h = np.tanh(W_xh @ xs[t] + W_hh @ h + b_h)
        hs[t] = h
        ys[t] = W_hy @ h + b_y
    return hs, ys


def rnn_backward(
    xs: np.ndarray,
    h0: np.ndarray,
    params: dict,
    hs: np.ndarray,
    ys: np.ndarray,
    targets: np.ndarray,
) -> dict:
    """Gradients of ``sequence_loss(ys, targets)`` by backpropagation through time.

    ``hs`` and ``ys`` come from ``rnn_forward(xs, h0, params)``. Returns a dict with one
    gradient per parameter (same keys and shapes as ``params``) and ``"h0"`` for the initial
    hidden state.
    """
    W_hh, W_hy = params["W_hh"], params["W_hy"]
    grads = {name: np.zeros_like(params[name], dtype=float) for name in PARAMS}
    dy = targets - ys
    grads["W_hy"] = dy.T @ hs
    grads["b_y"] = dy.sum(axis=0)
    dh_next = np.zeros(W_hh.shape[0])  # gradient reaching h_t from step t + 1
    for t in reversed(range(xs.shape[0])):
        dh = W_hy.T @ dy[t] + dh_next  # h_t feeds y_t and h_{t+1}
        da = (1.0 - hs[t] ** 2) * dh  # through tanh
        h_prev = hs[t - 1] if t > 0 else h0
        grads["W_xh"] += np.outer(da, xs[t])
        grads["W_hh"] += np.outer(da, h_prev)
        grads["b_h"] += da
        dh_next = W_hh.T @ da
    grads["h0"] = dh_next
    return grads


if __name__ == "__main__":
    rng = np.random.default_rng(1)
    params = init_params(D=3, H=4, K=2)
    xs, targets = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    hs, ys = rnn_forward(xs, np.zeros(4), params)
    grads = rnn_backward(xs, np.zeros(4), params, hs, ys, targets)
    print("loss", sequence_loss(ys, targets))
    print({name: g.shape for name, g in grads.items()})
