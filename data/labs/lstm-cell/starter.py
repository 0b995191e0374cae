"""One LSTM cell step, in Christopher Olah's notation.

An LSTM carries two states from step to step: the cell state C, a "conveyor belt" that
information can ride along unchanged, and the hidden state h, its filtered output. Three
sigmoid gates decide what to forget, what to write and what to show. Write one step of the
cell, then run it over a sequence. Check your work with `studyplan lab check lstm-cell`.

Shapes: x (D,), h and C (H,), each W_* (H, H + D) acting on [h_prev, x], each b_* (H,).
"""

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
    # TODO: z = the concatenation [h_prev, x] (h_prev first), shape (H + D,).
    # TODO: the three gates use sigmoid, the candidate C_tilde uses tanh, each with its own
    #       W_* and b_* from params.
    # TODO: C = f * C_prev + i * C_tilde (forget some of the old, add some of the new);
    #       h = o * tanh(C). Return h, C and the dict of the four gate values.
    raise NotImplementedError("TODO: write lstm_step (gates, cell state, hidden state)")


def lstm_forward(
    xs: np.ndarray, h0: np.ndarray, C0: np.ndarray, params: dict
) -> tuple[np.ndarray, np.ndarray]:
    """Run the cell over ``xs`` (T, D) from ``h0`` and ``C0`` (H,): returns ``(hs, Cs)``,
    each (T, H), row t holding h_t and C_t (the initial states are not included)."""
    # TODO: call lstm_step for each x in order, feeding it the h and C of the step before;
    #       collect every h and C.
    raise NotImplementedError("TODO: write lstm_forward (run the cell over a sequence)")


if __name__ == "__main__":
    try:
        params = init_params(D=2, H=3)
        xs = np.random.default_rng(1).standard_normal((5, 2))
        hs, Cs = lstm_forward(xs, np.zeros(3), np.zeros(3), params)
        print(np.round(hs, 3))
    except NotImplementedError as exc:
        print(f"not written yet: {exc}")
