"""A vanilla RNN: forward pass and backpropagation through time.

A recurrent network reads a sequence one element at a time and carries a hidden state from
each step to the next. Write its forward pass, then backpropagation through time (BPTT):
the ordinary backward pass run over the unrolled sequence, from the last step back to the
first. Check your work with `studyplan lab check rnn-bptt`.

Shapes: xs (T, D) inputs, h0 (H,), W_xh (H, D), W_hh (H, H), b_h (H,), W_hy (K, H), b_y (K,),
hs (T, H), ys and targets (T, K). Britz's tutorial calls W_xh, W_hh and W_hy U, W and V.
"""

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
    # TODO: start from h = h0; for each t in order, compute the new h from xs[t] and the
    #       PREVIOUS h, store it in hs[t], and compute ys[t] from it.
    raise NotImplementedError("TODO: write rnn_forward (hs, ys)")


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
    # TODO: dy = ys - targets (the derivative of 0.5 * (y - t)**2); the output layer's
    #       gradients are sums over t: dW_hy = sum of outer(dy[t], hs[t]), db_y = sum of dy[t].
    # TODO: go backwards over t = T-1, ..., 0 with dh_next (zeros at first), the gradient
    #       that reaches h_t from step t + 1:
    #         dh = W_hy.T @ dy[t] + dh_next      (h_t feeds y_t and h_{t+1})
    #         da = (1 - hs[t]**2) * dh            (back through tanh)
    #         add outer(da, xs[t]) to dW_xh, outer(da, h_prev) to dW_hh, da to db_h,
    #         where h_prev is hs[t - 1], or h0 when t == 0
    #         dh_next = W_hh.T @ da
    # TODO: after the loop dh_next is the gradient for h0: return it as grads["h0"].
    raise NotImplementedError("TODO: write rnn_backward (backpropagation through time)")


if __name__ == "__main__":
    try:
        rng = np.random.default_rng(1)
        params = init_params(D=3, H=4, K=2)
        xs, targets = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
        hs, ys = rnn_forward(xs, np.zeros(4), params)
        grads = rnn_backward(xs, np.zeros(4), params, hs, ys, targets)
        print("loss", sequence_loss(ys, targets))
        print({name: g.shape for name, g in grads.items()})
    except NotImplementedError as exc:
        print(f"not written yet: {exc}")
