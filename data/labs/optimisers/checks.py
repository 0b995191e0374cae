"""Checks for the optimisers lab: single steps against values worked out by hand, then every
optimiser run on the ill-conditioned quadratic f(x) = 0.5 * (x0**2 + 50 * x1**2)."""

from __future__ import annotations

import numpy as np

from studyplan.labs.expect import call, check, expect, expect_close, expect_shape, loss_curve

A = np.diag([1.0, 50.0])
X0 = np.array([2.0, 1.0])
SETTINGS = {"momentum": 0.01, "rmsprop": 0.02, "adam": 0.05}  # learning rates
STEPS = 200
LABELS = {"momentum": "momentum", "rmsprop": "RMSProp", "adam": "Adam"}


def f(x):
    return 0.5 * x @ A @ x


def gradient_descent(x0, steps, lr):
    x, losses = x0.copy(), [f(X0)]
    for _ in range(steps):
        x = x - lr * (A @ x)
        losses.append(f(x))
    return np.array(losses)


def unpack(result, n, what, names):
    expect(
        isinstance(result, tuple | list) and len(result) == n,
        f"{what} should return ({names}), got {type(result).__name__}",
    )
    return [np.asarray(a, dtype=float) for a in result]


def expect_step(got, x, expected, lr, what):
    """Compare the new x with the expected one, naming the usual mistakes first."""
    expect_shape(got, x.shape, what)
    step, right = got - x, expected - x
    if np.allclose(right, 0) or np.allclose(step, right, rtol=1e-6, atol=1e-9):
        return expect_close(got, expected, what)
    expect(
        not np.allclose(step, -right),
        f"{what}: x moved by {step.round(6).tolist()}, the opposite of the expected "
        f"{right.round(6).tolist()}: the sign is wrong, so x goes uphill; step against the "
        "gradient",
    )
    expect(
        lr in (0, 1) or not np.allclose(step * lr, right),
        f"{what}: x moved by {step.round(6).tolist()}, 1/lr times the expected "
        f"{right.round(6).tolist()}: multiply by the learning rate lr = {lr}",
    )
    expect_close(got, expected, what)


@check("momentum_step: two steps by hand, and beta = 0 is plain gradient descent")
def momentum_by_hand(lab):
    x, v, g = np.array([1.0, -2.0]), np.zeros(2), np.array([0.5, 1.0])
    what = "momentum_step(x=[1, -2], v=[0, 0], g=[0.5, 1], lr=0.1, beta=0.9)"
    x1, v1 = unpack(call(lab, "momentum_step", x, v, g, 0.1, beta=0.9), 2, what, "x, v")
    expect_step(x1, x, np.array([0.95, -2.1]), 0.1, f"{what}: the new x")
    if np.allclose(v1, 0.9 * v + g):
        expect(
            False,
            f"{what}: v is {v1.tolist()}: that is the v = beta * v + g convention; this lab "
            "follows the book: v = beta * v - lr * g, then x = x + v",
        )
    expect_close(v1, [-0.05, -0.1], f"{what}: the new v (beta * v - lr * g)")
    what = "momentum_step(x=[0.95, -2.1], v=[-0.05, -0.1], g=[0.2, -0.4], lr=0.1, beta=0.9)"
    x2, v2 = unpack(
        call(
            lab, "momentum_step", x1, np.array([-0.05, -0.1]), np.array([0.2, -0.4]), 0.1, beta=0.9
        ),
        2,
        what,
        "x, v",
    )
    # v = 0.9 * [-0.05, -0.1] - 0.1 * [0.2, -0.4] = [-0.065, -0.05]; x = x + v
    expect_close(v2, [-0.065, -0.05], f"{what}: the new v")
    expect_step(x2, x1, np.array([0.885, -2.15]), 0.1, f"{what}: the new x")
    what = "momentum_step(x=[1, -2], v=[0.3, 0.3], g=[0.5, 1], lr=0.2, beta=0) (plain gradient descent)"
    x3, _ = unpack(
        call(lab, "momentum_step", x, np.array([0.3, 0.3]), g, 0.2, beta=0.0), 2, what, "x, v"
    )
    expect_step(x3, x, np.array([0.9, -2.2]), 0.2, f"{what}: the new x")


@check("rmsprop_step: two steps by hand, and a zero gradient gives a zero step")
def rmsprop_by_hand(lab):
    x, r, g = np.array([1.0, 1.0]), np.zeros(2), np.array([2.0, -0.5])
    what = "rmsprop_step(x=[1, 1], r=[0, 0], g=[2, -0.5], lr=0.01, rho=0.9)"
    x1, r1 = unpack(call(lab, "rmsprop_step", x, r, g, 0.01, rho=0.9), 2, what, "x, r")
    expect_close(r1, [0.4, 0.025], f"{what}: the new r (0.9 * r + 0.1 * g**2)")
    expect(
        not np.allclose(x1, x - 0.01 * g / (r1 + 1e-8)),
        f"{what}: got x = {x1.round(6).tolist()}: the step was divided by r; divide by its "
        "square root, sqrt(r) + eps (r averages squared gradients)",
    )
    # the first step is lr * g / sqrt(0.1 * g**2) = lr * sqrt(10) * sign(g)
    expect_step(x1, x, x - 0.01 * np.sqrt(10) * np.sign(g), 0.01, f"{what}: the new x")
    g2 = np.array([1.0, 1.0])
    what = "rmsprop_step(x, r=[0.4, 0.025], g=[1, 1], lr=0.01, rho=0.9)"
    x2, r2 = unpack(call(lab, "rmsprop_step", x1, r1, g2, 0.01, rho=0.9), 2, what, "x, r")
    expect_close(r2, [0.46, 0.1225], f"{what}: the new r")
    expect_step(
        x2, x1, x1 - 0.01 * np.array([1 / np.sqrt(0.46), 1 / 0.35]), 0.01, f"{what}: the new x"
    )
    what = "rmsprop_step(x=[1, 1], r=[0, 0], g=[0, 3], lr=0.01, rho=0.9)"
    x3, _ = unpack(
        call(lab, "rmsprop_step", x, r, np.array([0.0, 3.0]), 0.01, rho=0.9), 2, what, "x, r"
    )
    expect(
        bool(np.isfinite(x3).all()),
        f"{what}: got x = {x3.tolist()}: a zero gradient with r = 0 divides 0 by 0; add eps to "
        "the denominator",
    )
    expect_step(x3, x, np.array([1.0, 1 - 0.01 * np.sqrt(10)]), 0.01, f"{what}: the new x")


@check("adam_step: the first steps by hand, with bias correction")
def adam_by_hand(lab):
    x, m, v, g = np.array([1.0, -1.0]), np.zeros(2), np.zeros(2), np.array([0.5, -2.0])
    what = "adam_step(x=[1, -1], m=[0, 0], v=[0, 0], g=[0.5, -2], t=1, lr=0.1)"
    x1, m1, v1 = unpack(call(lab, "adam_step", x, m, v, g, 1, 0.1), 3, what, "x, m, v")
    expect_close(m1, [0.05, -0.2], f"{what}: the new m (0.9 * m + 0.1 * g, uncorrected)")
    expect_close(v1, [0.00025, 0.004], f"{what}: the new v (0.999 * v + 0.001 * g**2, uncorrected)")
    # corrected: m_hat = g, v_hat = g**2, so the first step is lr * sign(g)
    uncorrected = x - 0.1 * m1 / np.sqrt(v1)
    expect(
        not np.allclose(x1, uncorrected),
        f"{what}: got x = {x1.round(6).tolist()}, expected [0.9, -0.9]: without bias "
        "correction the first step is sqrt(1 - beta2) / (1 - beta1) = 3.16 times too big; "
        "divide m by (1 - beta1**t) and v by (1 - beta2**t) before the step",
    )
    expect_step(x1, x, np.array([0.9, -0.9]), 0.1, f"{what}: the new x (lr * sign(g) at t = 1)")
    g2 = np.array([0.3, 0.4])
    what = "adam_step(x=[0.9, -0.9], m=[0.05, -0.2], v=[0.00025, 0.004], g=[0.3, 0.4], t=2, lr=0.1)"
    x2, m2, v2 = unpack(
        call(
            lab,
            "adam_step",
            np.array([0.9, -0.9]),
            np.array([0.05, -0.2]),
            np.array([0.00025, 0.004]),
            g2,
            2,
            0.1,
        ),
        3,
        what,
        "x, m, v",
    )
    m_expected = np.array([0.075, -0.14])  # 0.9 * m + 0.1 * g
    v_expected = np.array([0.00033975, 0.004156])  # 0.999 * v + 0.001 * g**2
    expect_close(m2, m_expected, f"{what}: the new m")
    expect_close(v2, v_expected, f"{what}: the new v")
    step = (
        0.1 * (m_expected / 0.19) / (np.sqrt(v_expected / 0.001999) + 1e-8)
    )  # 1 - 0.9**2, 1 - 0.999**2
    expect_step(x2, np.array([0.9, -0.9]), np.array([0.9, -0.9]) - step, 0.1, f"{what}: the new x")


@check("run: every optimiser converges on the ill-conditioned quadratic")
def all_converge(lab):
    for method, lr in SETTINGS.items():
        what = f"run({method!r}, x0=[2, 1], steps={STEPS}, lr={lr})"
        losses = np.asarray(call(lab, "run", method, X0, STEPS, lr), dtype=float)
        if method == "momentum":  # the baseline, drawn with the learner's curves
            loss_curve(gradient_descent(X0, STEPS, lr), label="plain gradient descent")
        expect_shape(losses, (STEPS + 1,), f"{what}: losses (the loss at x0, then after each step)")
        loss_curve(losses, label=LABELS[method])
        expect_close(losses[0], f(X0), f"{what}: losses[0] (the loss at x0, before any step)")
        bad = np.flatnonzero(~np.isfinite(losses))
        expect(
            bad.size == 0,
            f"{what}: the loss is {losses[bad[0]] if bad.size else 0} from step {bad[0] if bad.size else 0} on"
            + (
                ": an overflow or a division by zero; Adam's t must start at 1 "
                "(bias correction divides by 1 - beta**t)"
                if method == "adam"
                else ": an overflow or a division by zero"
            ),
        )
        expect(
            losses[-1] < 1e-3 * losses[0],
            f"{what}: the loss went from {losses[0]:.4g} to {losses[-1]:.4g}; expected below "
            f"{1e-3 * losses[0]:.4g} (0.1% of the start)",
        )


@check("run: momentum beats plain gradient descent with the same learning rate")
def momentum_beats_gd(lab):
    for lr in [0.01, 0.005]:
        what = f"run('momentum', x0=[2, 1], steps={STEPS}, lr={lr})"
        losses = np.asarray(call(lab, "run", "momentum", X0, STEPS, lr), dtype=float)
        expect_shape(losses, (STEPS + 1,), what)
        plain = gradient_descent(X0, STEPS, lr)[-1]
        expect(
            bool(losses[-1] < plain / 100),
            f"{what}: final loss {losses[-1]:.4g}; plain gradient descent reaches {plain:.4g} "
            "with the same lr, and momentum should do at least 100 times better here",
        )
    expect(
        isinstance(_unknown(lab), ValueError),
        "run('sgd', ...) should raise ValueError for a method it does not know",
    )


def _unknown(lab):
    try:
        call(lab, "run", "sgd", X0, 3, 0.1)
    except ValueError as exc:
        return exc
    return None
