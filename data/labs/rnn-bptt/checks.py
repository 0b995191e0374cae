"""Checks for the rnn-bptt lab: the forward pass against a step-by-step reference and
hand-computable cases, the backward pass against numerical gradients computed here."""

from __future__ import annotations

import numpy as np

from studyplan.labs.expect import call, check, expect, expect_close, expect_shape, seeded

NAMES = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


def ref_forward(xs, h0, p):
    h, hs, ys = h0, [], []
    for x in xs:
        h = np.tanh(p["W_xh"] @ x + p["W_hh"] @ h + p["b_h"])
        hs.append(h)
        ys.append(p["W_hy"] @ h + p["b_y"])
    return np.array(hs), np.array(ys)


def ref_loss(xs, h0, p, targets):
    return 0.5 * np.sum((ref_forward(xs, h0, p)[1] - targets) ** 2)


def numerical(f, A, h=1e-6):
    """d f / d A by central differences (A is changed in place and restored)."""
    grad = np.zeros_like(A)
    for i in np.ndindex(A.shape):
        keep = A[i]
        A[i] = keep + h
        up = f()
        A[i] = keep - h
        down = f()
        A[i] = keep
        grad[i] = (up - down) / (2 * h)
    return grad


def problem(seed, T, D=3, H=4, K=2):
    rng = seeded(seed)
    p = {
        "W_xh": rng.normal(scale=0.6, size=(H, D)),
        "W_hh": rng.normal(scale=0.6, size=(H, H)),
        "b_h": rng.normal(scale=0.3, size=H),
        "W_hy": rng.normal(scale=0.6, size=(K, H)),
        "b_y": rng.normal(scale=0.3, size=K),
    }
    xs, h0, targets = (
        rng.normal(size=(T, D)),
        rng.normal(scale=0.5, size=H),
        rng.normal(size=(T, K)),
    )
    return xs, h0, p, targets


def copied(p):
    return {name: np.array(value, copy=True) for name, value in p.items()}


def forward(lab, xs, h0, p, what):
    result = call(lab, "rnn_forward", xs, h0, copied(p))
    expect(
        isinstance(result, tuple | list) and len(result) == 2,
        f"{what} should return a pair (hs, ys), got {type(result).__name__}",
    )
    hs, ys = result
    expect_shape(hs, (xs.shape[0], p["W_hh"].shape[0]), f"{what}: hs (one row per time step)")
    expect_shape(ys, (xs.shape[0], p["W_hy"].shape[0]), f"{what}: ys (one row per time step)")
    return np.asarray(hs, dtype=float), np.asarray(ys, dtype=float)


def backward(lab, xs, h0, p, targets, what):
    hs, ys = ref_forward(xs, h0, p)
    grads = call(lab, "rnn_backward", xs, h0, copied(p), hs, ys, targets)
    expect(
        isinstance(grads, dict),
        f"{what} should return a dict of gradients, got {type(grads).__name__}",
    )
    missing = [name for name in (*NAMES, "h0") if name not in grads]
    expect(not missing, f"{what}: the returned dict has no {', '.join(missing)}")
    return grads


def describe(xs, h0, p):
    return f"T={xs.shape[0]}, D={xs.shape[1]}, H={h0.shape[0]}, K={p['W_hy'].shape[0]}"


@check("rnn_forward: hand-computable cases")
def forward_by_hand(lab):
    D, H, T = 2, 3, 4
    xs = seeded(1).normal(size=(T, D))
    p = {
        "W_xh": np.zeros((H, D)),
        "W_hh": np.zeros((H, H)),
        "b_h": np.array([0.5, -1.0, 0.0]),
        "W_hy": np.array([[1.0, 0.0, 2.0], [0.0, -1.0, 1.0]]),
        "b_y": np.array([0.1, 0.2]),
    }
    what = "rnn_forward(xs, h0, params) with zero weights and b_h [0.5, -1, 0]"
    hs, ys = forward(lab, xs, np.ones(H), p, what)
    h = np.tanh(p["b_h"])
    expect_close(hs, np.tile(h, (T, 1)), f"{what}: hs (every h_t = tanh(b_h))")
    expect_close(ys, np.tile(p["W_hy"] @ h + p["b_y"], (T, 1)), f"{what}: ys (W_hy @ h_t + b_y)")
    p = {
        "W_xh": np.zeros((1, 1)),
        "W_hh": np.array([[1.0]]),
        "b_h": np.zeros(1),
        "W_hy": np.array([[2.0]]),
        "b_y": np.zeros(1),
    }
    what = "rnn_forward(xs, h0, params) with H=1, W_hh [[1]], zero input weights, h0 [1]"
    hs, ys = forward(lab, np.zeros((3, 1)), np.array([1.0]), p, what)
    h1 = np.tanh(1.0)
    h2 = np.tanh(h1)
    h3 = np.tanh(h2)
    expect_close(hs, [[h1], [h2], [h3]], f"{what}: hs (tanh(1), tanh(tanh(1)), ...)")
    expect_close(ys, [[2 * h1], [2 * h2], [2 * h3]], f"{what}: ys")


@check("rnn_forward: matches a step-by-step reference on random sequences")
def forward_reference(lab):
    for seed, T in [(2, 5), (3, 1), (4, 8)]:
        xs, h0, p, _ = problem(seed, T)
        what = f"rnn_forward(xs, h0, params) with {describe(xs, h0, p)}"
        hs, ys = forward(lab, xs, h0, p, what)
        ref_hs, ref_ys = ref_forward(xs, h0, p)
        ignored = ref_forward(xs, h0, {**p, "W_hh": np.zeros_like(p["W_hh"])})[0]
        expect(
            T == 1 or not np.allclose(hs, ignored),
            f"{what}: every h_t was computed as if h_(t-1) were h0: carry the new hidden "
            "state from each step to the next",
        )
        expect_close(hs, ref_hs, f"{what}: hs")
        expect_close(ys, ref_ys, f"{what}: ys")


@check("rnn_backward: output-layer gradients (W_hy, b_y) match numerical gradients")
def output_gradients(lab):
    for seed, T in [(5, 4), (6, 1)]:
        xs, h0, p, targets = problem(seed, T)
        what = f"rnn_backward(...) with {describe(xs, h0, p)}"
        grads = backward(lab, xs, h0, p, targets, what)

        def loss(xs=xs, h0=h0, p=p, targets=targets):
            return ref_loss(xs, h0, p, targets)

        for name in ("W_hy", "b_y"):
            expect_close(
                grads[name],
                numerical(loss, p[name]),
                f"{what}: grads['{name}'] (numerical gradient of 0.5 * sum((ys - targets)**2))",
                rtol=1e-5,
                atol=1e-7,
            )


MISTAKES = {
    "tanh_derivative": "the derivative of tanh is missing: multiply by (1 - h_t**2) on the way "
    "back through each step",
    "through_time": "only one step is backpropagated: add dh_next, the gradient reaching h_t "
    "from step t + 1, to dh",
    "first_step": "the first time step (t = 0) does not contribute: the backward loop must go "
    "down to t = 0, with h0 as h_prev",
}


def ref_b_h(xs, h0, p, targets, mistake=""):
    """grads['b_h'] by BPTT, optionally with one usual mistake (to name it in the message)."""
    hs, ys = ref_forward(xs, h0, p)
    dy, dh_next, db_h = ys - targets, np.zeros_like(h0), np.zeros_like(h0)
    for t in reversed(range(1 if mistake == "first_step" else 0, len(xs))):
        dh = p["W_hy"].T @ dy[t] + (0 if mistake == "through_time" else dh_next)
        da = dh if mistake == "tanh_derivative" else (1 - hs[t] ** 2) * dh
        db_h += da
        dh_next = p["W_hh"].T @ da
    return db_h


@check("rnn_backward: W_xh, W_hh, b_h and h0 match numerical gradients through time")
def recurrent_gradients(lab):
    for seed, T in [(7, 4), (8, 1), (9, 7)]:
        xs, h0, p, targets = problem(seed, T)
        what = f"rnn_backward(...) with {describe(xs, h0, p)}"
        grads = backward(lab, xs, h0, p, targets, what)

        def loss(xs=xs, h0=h0, p=p, targets=targets):
            return ref_loss(xs, h0, p, targets)

        got = np.asarray(grads["b_h"], dtype=float)
        if got.shape == h0.shape and not np.allclose(got, ref_b_h(xs, h0, p, targets)):
            for mistake, message in MISTAKES.items():
                expect(
                    not np.allclose(got, ref_b_h(xs, h0, p, targets, mistake)),
                    f"{what}: grads['b_h'] is {np.round(got, 4)}, expected "
                    f"{np.round(ref_b_h(xs, h0, p, targets), 4)}: {message}",
                )
        for name, array in [
            ("b_h", p["b_h"]),
            ("W_xh", p["W_xh"]),
            ("W_hh", p["W_hh"]),
            ("h0", h0),
        ]:
            expect_close(
                grads[name],
                numerical(loss, array),
                f"{what}: grads['{name}'] (numerical gradient, through all {T} steps)",
                rtol=1e-5,
                atol=1e-7,
            )
