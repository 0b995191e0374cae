"""Mutant: the hidden state skips the tanh: h = o * C instead of o * tanh(C)."""

from __future__ import annotations

import numpy as np

GATES = ("f", "i", "C", "o")  # forget, input, candidate, output: W_f, b_f, ..., W_o, b_o


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function, written so that large |z| cannot overflow."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def init_params(D: int, H: int, seed: int = 0, scale: float = 0.5) -> dict:
    """Random weights W_* (H, H + D) and zero biases b_* (H,) for the four layers."""
    rng = np.random.default_rng(seed)
    params = {}
    for gate in GATES:
        params[f"W_{gate}"] = scale * rng.standard_normal((H, H + D))
        params[f"b_{gate}"] = np.zeros(H)
    return params


def lstm_step(
    x: np.ndarray, h_prev: np.ndarray, C_prev: np.ndarray, params: dict
) -> tuple[np.ndarray, np.ndarray, dict]:
    """One step of an LSTM cell: returns ``(h, C, gates)``.

    With ``[h_prev, x]`` the concatenation (h_prev first), as in Olah's post:
    ``f = sigmoid(W_f [h_prev, x] + b_f)``, ``i = sigmoid(W_i [h_prev, x] + b_i)``,
    ``C_tilde = tanh(W_C [h_prev, x] + b_C)``, ``C = f * C_prev + i * C_tilde``,
    ``o = sigmoid(W_o [h_prev, x] + b_o)``, ``h = o * tanh(C)``.
    ``gates`` is ``{"f": f, "i": i, "C_tilde": C_tilde, "o": o}``.
    """
    z = np.concatenate([h_prev, x])
    f = sigmoid(params["W_f"] @ z + params["b_f"])  # what to keep of the old cell state
    i = sigmoid(params["W_i"] @ z + params["b_i"])  # how much of the candidate to write
    C_tilde = np.tanh(params["W_C"] @ z + params["b_C"])  # the candidate values
    o = sigmoid(params["W_o"] @ z + params["b_o"])  # what part of the cell to output
    C = f * C_prev + i * C_tilde
    h = o * C
    return h, C, {"f": f, "i": i, "C_tilde": C_tilde, "o": o}


def lstm_forward(
    xs: np.ndarray, h0: np.ndarray, C0: np.ndarray, params: dict
) -> tuple[np.ndarray, np.ndarray]:
    """Run the cell over ``xs`` (T, D) from ``h0`` and ``C0`` (H,): returns ``(hs, Cs)``,
    each (T, H), row t holding h_t and C_t (the initial states are not included)."""
    h, C = h0, C0
    hs, Cs = [], []
    for x in xs:
        h, C, _ = lstm_step(x, h, C, params)
        hs.append(h)
        Cs.append(C)
    return np.array(hs), np.array(Cs)


if __name__ == "__main__":
    params = init_params(D=2, H=3)
    xs = np.random.default_rng(1).standard_normal((5, 2))
    hs, Cs = lstm_forward(xs, np.zeros(3), np.zeros(3), params)
    print(np.round(hs, 3))
