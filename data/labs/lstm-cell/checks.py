"""Checks for the lstm-cell lab: one LSTM step on hand-computed values, on random inputs
against Olah's equations computed here, with saturated gates, and over a sequence."""

from __future__ import annotations

import math

import numpy as np

from studyplan.labs.expect import call, check, expect, expect_close, expect_shape, seeded

GATE_NAMES = ("f", "i", "C_tilde", "o")
BIG = 50.0  # sigmoid(50) is 1 and sigmoid(-50) is 0 to double precision


def sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def ref_step(x, h_prev, C_prev, p, order="h_first"):
    z = np.concatenate([h_prev, x] if order == "h_first" else [x, h_prev])
    f = sig(p["W_f"] @ z + p["b_f"])
    i = sig(p["W_i"] @ z + p["b_i"])
    C_tilde = np.tanh(p["W_C"] @ z + p["b_C"])
    o = sig(p["W_o"] @ z + p["b_o"])
    C = f * C_prev + i * C_tilde
    return o * np.tanh(C), C, {"f": f, "i": i, "C_tilde": C_tilde, "o": o}


def random_params(rng, D, H, scale=0.7):
    p = {}
    for gate in ("f", "i", "C", "o"):
        p[f"W_{gate}"] = rng.normal(scale=scale, size=(H, H + D))
        p[f"b_{gate}"] = rng.normal(scale=0.3, size=H)
    return p


def zero_params(D, H):
    p = {}
    for gate in ("f", "i", "C", "o"):
        p[f"W_{gate}"] = np.zeros((H, H + D))
        p[f"b_{gate}"] = np.zeros(H)
    return p


def copied(p):
    return {name: np.array(value, copy=True) for name, value in p.items()}


def step(lab, x, h_prev, C_prev, p, what):
    result = call(lab, "lstm_step", x, h_prev, C_prev, copied(p))
    expect(
        isinstance(result, tuple | list) and len(result) == 3,
        f"{what} should return (h, C, gates), got {type(result).__name__}",
    )
    h, C, gates = result
    H = C_prev.shape[0]
    expect_shape(h, (H,), f"{what}: h")
    expect_shape(C, (H,), f"{what}: C")
    expect(
        isinstance(gates, dict) and all(name in gates for name in GATE_NAMES),
        f"{what}: gates should be a dict with keys f, i, C_tilde, o; got "
        f"{sorted(gates) if isinstance(gates, dict) else type(gates).__name__}",
    )
    return np.asarray(h, dtype=float), np.asarray(C, dtype=float), gates


def expect_cell_update(C, gates, C_prev, what):
    """Name the mistake when the forget and input gates were swapped in the cell update."""
    f, i, C_tilde = (np.asarray(gates[name], dtype=float) for name in ("f", "i", "C_tilde"))
    swapped = i * C_prev + f * C_tilde
    expect(
        np.allclose(C, f * C_prev + i * C_tilde) or not np.allclose(C, swapped),
        f"{what}: C is i * C_prev + f * C_tilde: the gates are swapped; the forget gate f "
        "scales the old state and the input gate i the candidate: C = f * C_prev + i * C_tilde",
    )


@check("lstm_step on hand-computed values")
def by_hand(lab):
    # Every weight 0: each gate is sigmoid(bias), the candidate tanh(b_C).
    p = zero_params(D=2, H=2)
    p["b_C"] = np.array([0.5, 0.0])
    C_prev = np.array([1.0, -2.0])
    what = "lstm_step(x, h_prev, C_prev, params) with every W 0, b_C [0.5, 0], C_prev [1, -2]"
    h, C, gates = step(lab, np.array([3.0, -1.0]), np.array([0.4, 0.1]), C_prev, p, what)
    expect_close(
        np.concatenate([np.ravel(gates[name]) for name in GATE_NAMES]),
        [0.5, 0.5, 0.5, 0.5, math.tanh(0.5), 0.0, 0.5, 0.5],
        f"{what}: gates f, i, C_tilde, o one after the other (sigmoid(0) = 0.5 for the "
        "gates, tanh(b_C) for the candidate)",
    )
    C_expected = [0.5 * 1.0 + 0.5 * math.tanh(0.5), 0.5 * -2.0 + 0.0]
    expect_close(C, C_expected, f"{what}: C = f * C_prev + i * C_tilde")
    expect_close(
        h, [0.5 * math.tanh(C_expected[0]), 0.5 * math.tanh(-1.0)], f"{what}: h = o * tanh(C)"
    )
    # H = 1, D = 1, weights act on [h_prev, x] = [0.5, 2.0].
    p = {
        "W_f": np.array([[1.0, 0.25]]),  # 0.5 + 0.5 = 1
        "b_f": np.array([0.0]),
        "W_i": np.array([[0.0, -1.0]]),  # -2, plus b_i 2 = 0
        "b_i": np.array([2.0]),
        "W_C": np.array([[2.0, 0.0]]),  # 1
        "b_C": np.array([0.0]),
        "W_o": np.array([[-2.0, 0.5]]),  # -1 + 1 = 0
        "b_o": np.array([0.0]),
    }
    what = "lstm_step(x=[2], h_prev=[0.5], C_prev=[-1], params) with H=1, D=1"
    h, C, gates = step(lab, np.array([2.0]), np.array([0.5]), np.array([-1.0]), p, what)
    f, i, C_tilde, o = 1 / (1 + math.exp(-1.0)), 0.5, math.tanh(1.0), 0.5
    expect_close(
        [gates[name][0] for name in GATE_NAMES],
        [f, i, C_tilde, o],
        f"{what}: [f, i, C_tilde, o] (sigmoid(1), sigmoid(0), tanh(1), sigmoid(0))",
    )
    expect_cell_update(C, gates, np.array([-1.0]), what)
    C_expected = f * -1.0 + i * C_tilde
    expect_close(
        [C[0], h[0]],
        [C_expected, o * math.tanh(C_expected)],
        f"{what}: [C, h] (C = f * C_prev + i * C_tilde, h = o * tanh(C))",
    )


@check("lstm_step follows Olah's equations on random inputs")
def random_inputs(lab):
    rng = seeded(1)
    for D, H in [(2, 3), (5, 4), (1, 1)]:
        p = random_params(rng, D, H)
        x, h_prev, C_prev = rng.normal(size=D), rng.normal(scale=0.5, size=H), rng.normal(size=H)
        what = f"lstm_step(x, h_prev, C_prev, params) with D={D}, H={H}"
        h, C, gates = step(lab, x, h_prev, C_prev, p, what)
        ref_h, ref_C, ref_gates = ref_step(x, h_prev, C_prev, p)
        swapped = ref_step(x, h_prev, C_prev, p, order="x_first")[2]["f"]
        f = np.asarray(gates["f"], dtype=float)
        expect(
            not (
                f.shape == swapped.shape
                and np.allclose(f, swapped)
                and not np.allclose(f, ref_gates["f"])
            ),
            f"{what}: the gates were computed on [x, h_prev]; concatenate [h_prev, x], h_prev "
            "first, as in Olah's W_f · [h_(t-1), x_t]",
        )
        z = np.concatenate([h_prev, x])
        C_tilde = np.asarray(gates["C_tilde"], dtype=float)
        expect(
            not (C_tilde.shape == (H,) and np.allclose(C_tilde, sig(p["W_C"] @ z + p["b_C"]))),
            f"{what}: gates['C_tilde'] is sigmoid(W_C [h_prev, x] + b_C); the candidate uses "
            "tanh, so that it can also push the cell state down (values in -1..1)",
        )
        for name in GATE_NAMES:
            expect_close(gates[name], ref_gates[name], f"{what}: gates['{name}']")
        expect_cell_update(C, gates, C_prev, what)
        expect_close(C, ref_C, f"{what}: C = f * C_prev + i * C_tilde")
        expect_close(h, ref_h, f"{what}: h = o * tanh(C)")


@check("A forget gate saturated at 1 with a closed input gate keeps the cell state")
def remember(lab):
    rng = seeded(2)
    D, H = 2, 3
    p = random_params(rng, D, H)
    p["W_f"][:], p["b_f"][:] = 0.0, BIG  # f = 1
    p["W_i"][:], p["b_i"][:] = 0.0, -BIG  # i = 0
    C_prev = np.array([0.7, -1.3, 2.5])
    what = "lstm_step(x, h_prev, C_prev, params) with f = 1 (b_f = 50) and i = 0 (b_i = -50)"
    _, C, gates = step(lab, rng.normal(size=D), rng.normal(size=H), C_prev, p, what)
    expect_close(gates["f"], np.ones(H), f"{what}: gates['f']")
    expect_close(C, C_prev, f"{what}: C (the old cell state, unchanged)", atol=1e-12)
    xs = rng.normal(size=(100, D))
    result = call(lab, "lstm_forward", xs, np.zeros(H), C_prev, copied(p))
    what = "lstm_forward(xs, h0, C0, params) over 100 steps with f = 1 and i = 0"
    expect(
        isinstance(result, tuple | list) and len(result) == 2,
        f"{what} should return (hs, Cs), got {type(result).__name__}",
    )
    Cs = result[1]
    expect_shape(Cs, (100, H), f"{what}: Cs")
    expect_close(
        np.asarray(Cs)[-1], C_prev, f"{what}: C after the last step (still C0)", atol=1e-12
    )


@check("A forget gate saturated at 0 erases the old cell state")
def forget(lab):
    rng = seeded(3)
    D, H = 3, 2
    p = random_params(rng, D, H)
    p["W_f"][:], p["b_f"][:] = 0.0, -BIG  # f = 0
    x, h_prev = rng.normal(size=D), rng.normal(size=H)
    _, _, ref_gates = ref_step(x, h_prev, np.zeros(H), p)
    fresh = ref_gates["i"] * ref_gates["C_tilde"]
    for C_prev in [np.array([5.0, -5.0]), np.array([0.0, 0.0]), np.array([-100.0, 42.0])]:
        what = f"lstm_step(x, h_prev, C_prev={C_prev.tolist()}, params) with f = 0 (b_f = -50)"
        h, C, gates = step(lab, x, h_prev, C_prev, p, what)
        expect_close(gates["f"], np.zeros(H), f"{what}: gates['f']", atol=1e-12)
        expect_close(C, fresh, f"{what}: C (only i * C_tilde: nothing of C_prev is left)")
        expect_close(h, ref_gates["o"] * np.tanh(fresh), f"{what}: h")


@check("An output gate at 0 hides the cell (h = 0); at 1 it shows tanh(C)")
def output_gate(lab):
    rng = seeded(4)
    D, H = 2, 3
    for bias, label in [(-BIG, "o = 0"), (BIG, "o = 1")]:
        p = random_params(rng, D, H)
        p["W_o"][:], p["b_o"][:] = 0.0, bias
        x, h_prev, C_prev = rng.normal(size=D), rng.normal(size=H), rng.normal(size=H)
        _, ref_C, _ = ref_step(x, h_prev, C_prev, p)
        what = f"lstm_step(x, h_prev, C_prev, params) with {label} (b_o = {bias:g})"
        h, C, _ = step(lab, x, h_prev, C_prev, p, what)
        expect_close(C, ref_C, f"{what}: C (the output gate does not change C)")
        expected = np.zeros(H) if bias < 0 else np.tanh(ref_C)
        expect_close(h, expected, f"{what}: h", atol=1e-12)


@check("lstm_forward runs the cell over a sequence, carrying h and C")
def sequence(lab):
    rng = seeded(5)
    for T, D, H in [(6, 2, 3), (1, 3, 2), (10, 1, 4)]:
        p = random_params(rng, D, H)
        xs, h0, C0 = rng.normal(size=(T, D)), rng.normal(size=H), rng.normal(size=H)
        what = f"lstm_forward(xs, h0, C0, params) with T={T}, D={D}, H={H}"
        result = call(lab, "lstm_forward", xs, h0, C0, copied(p))
        expect(
            isinstance(result, tuple | list) and len(result) == 2,
            f"{what} should return (hs, Cs), got {type(result).__name__}",
        )
        hs, Cs = result
        expect_shape(hs, (T, H), f"{what}: hs (row t is h_t)")
        expect_shape(Cs, (T, H), f"{what}: Cs (row t is C_t)")
        h, C, ref_hs, ref_Cs = h0, C0, [], []
        for x in xs:
            h, C, _ = ref_step(x, h, C, p)
            ref_hs.append(h)
            ref_Cs.append(C)
        restarted = [ref_step(x, h0, C0, p)[0] for x in xs]
        expect(
            T == 1 or not np.allclose(np.asarray(hs, dtype=float), restarted),
            f"{what}: every step started again from h0 and C0: feed each step the h and C "
            "that the step before returned",
        )
        expect_close(hs, ref_hs, f"{what}: hs")
        expect_close(Cs, ref_Cs, f"{what}: Cs")
