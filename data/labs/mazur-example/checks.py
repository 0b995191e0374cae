"""Checks of the lab mazur-example (run with `studyplan lab check mazur-example`).

Mazur's published figures are compared to the digits he printed (half a unit of the last
one); the figures that depend on the order of the updates with a tolerance (see brief.md).
"""

import numpy as np

from studyplan.labs.expect import (
    call,
    check,
    expect,
    expect_close,
    expect_shape,
    loss_curve,
    seeded,
)

X = np.array([0.05, 0.10])
T = np.array([0.01, 0.99])
W1 = np.array([[0.15, 0.20], [0.25, 0.30]])
W2 = np.array([[0.40, 0.45], [0.50, 0.55]])
B1, B2 = 0.35, 0.60
MAZUR = "Mazur's network (x = [0.05, 0.10], w1..w8 = 0.15 ... 0.55, b1 = 0.35, b2 = 0.60)"


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _forward(x, W1, b1, W2, b2):
    """Neuron by neuron, as in the post."""
    out_h = np.array(
        [_sigmoid(sum(W1[j, i] * x[i] for i in range(len(x))) + b1) for j in range(len(W1))]
    )
    out_o = np.array(
        [_sigmoid(sum(W2[k, j] * out_h[j] for j in range(len(out_h))) + b2) for k in range(len(W2))]
    )
    return out_h, out_o


def _gradients(x, t, W1, b1, W2, b2, W2_for_hidden=None):
    """The chain rule weight by weight; ``W2_for_hidden`` gives the other update order."""
    W2_for_hidden = W2 if W2_for_hidden is None else W2_for_hidden
    out_h, out_o = _forward(x, W1, b1, W2, b2)
    delta_o = np.array([(out_o[k] - t[k]) * out_o[k] * (1 - out_o[k]) for k in range(len(out_o))])
    dW2 = np.array([[delta_o[k] * out_h[j] for j in range(len(out_h))] for k in range(len(out_o))])
    delta_h = np.array(
        [
            sum(delta_o[k] * W2_for_hidden[k, j] for k in range(len(out_o)))
            * out_h[j]
            * (1 - out_h[j])
            for j in range(len(out_h))
        ]
    )
    dW1 = np.array([[delta_h[j] * x[i] for i in range(len(x))] for j in range(len(out_h))])
    return dW1, dW2


def _published(got, value, decimals, what):
    """``got`` agrees with Mazur's printed ``value`` to its ``decimals`` decimals."""
    expect(got is not None, f"{what} is None: did you forget `return`?")
    try:
        number = float(np.asarray(got, dtype=float).reshape(()))
    except (TypeError, ValueError):
        expect(False, f"{what} should be a number, got {got!r}")
    tolerance = 0.51 * 10.0**-decimals
    if abs(number - value) <= tolerance:
        return
    hint = ""
    if np.isclose(number, -value, rtol=1e-6):
        hint = " (the sign is flipped?)"
    elif np.isclose(number, 2 * value, rtol=1e-6) or np.isclose(number, value / 2, rtol=1e-6):
        hint = f" ({number / value:g} times Mazur's figure: a factor of 1/2?)"
    expect(
        False,
        f"{what}: Mazur prints {value:.{decimals}f}, you have {number:.{decimals + 3}f} (they "
        f"must agree to {decimals} decimals){hint}",
    )


def _near(got, value, rtol, what):
    """``got`` is within ``rtol`` (relative) of ``value``; the message shows ten digits."""
    number = float(got)
    expect(
        abs(number - value) <= rtol * abs(value),
        f"{what}: got {number:.10g}, expected {value:.10g} within {rtol:g} relative "
        f"(off by {abs(number - value) / abs(value):.2g} relative)",
    )


def _series(got, expected, what):
    """Every error of ``got`` equals ``expected`` to 1e-10 relative; ten digits shown."""
    bad = ~np.isclose(got, expected, rtol=1e-10, atol=0.0)
    if bad.any():
        i = int(np.argmax(bad))
        expect(
            False,
            f"{what}[{i}], the error of step {i + 1} (after {i} update{'s' if i != 1 else ''}): "
            f"got {got[i]:.10f}, "
            f"expected {expected[i]:.10f}; {int(bad.sum())} of {len(got)} errors differ",
        )


def _pair(result, what, first, second):
    expect(result is not None, f"{what} returned None: did you forget `return`?")
    expect(
        isinstance(result, tuple | list) and len(result) == 2,
        f"{what} should return a pair ({first}, {second}), got {type(result).__name__}",
    )
    return result


def _random_network(seed, n_in=3, n_h=4, n_out=2, scale=1.0):
    rng = seeded(seed)
    return (
        rng.normal(size=n_in),
        rng.uniform(0.05, 0.95, size=n_out),
        rng.normal(size=(n_h, n_in)) * scale,
        float(rng.normal()),
        rng.normal(size=(n_out, n_h)) * scale,
        float(rng.normal()),
    )


@check("the forward pass gives Mazur's out_h1, out_h2, out_o1, out_o2")
def forward_figures(lab):
    what = f"forward(x, W1, b1, W2, b2) with {MAZUR}"
    out_h, out_o = _pair(call(lab, "forward", X, W1, B1, W2, B2), what, "out_h", "out_o")
    expect_shape(out_h, (2,), f"{what}: out_h")
    expect_shape(out_o, (2,), f"{what}: out_o")
    swapped = _sigmoid(W1.T @ X + B1)
    expect(
        not np.allclose(out_h, swapped),
        f"{what}: out_h is σ(W1ᵀ x + b1); W1[j, i] is the weight from input i to hidden neuron "
        "j (w1 and w2 feed h1), so net_h = W1 @ x + b1",
    )
    for index, value in enumerate((0.593269992, 0.596884378)):
        _published(out_h[index], value, 9, f"{what}: out_h{index + 1}")
    for index, (value, decimals) in enumerate(((0.75136507, 8), (0.772928465, 9))):
        _published(out_o[index], value, decimals, f"{what}: out_o{index + 1}")
    for seed, label in ((1, ""), (2, ", large weights")):
        x, _, w1, b1, w2, b2 = _random_network(seed, scale=1.0 if not label else 6.0)
        what = f"forward(x, W1, b1, W2, b2) with 3 inputs, 4 hidden, 2 outputs{label}"
        out_h, out_o = _pair(call(lab, "forward", x, w1, b1, w2, b2), what, "out_h", "out_o")
        expected_h, expected_o = _forward(x, w1, b1, w2, b2)
        expect_close(out_h, expected_h, f"{what}: out_h")
        expect_close(out_o, expected_o, f"{what}: out_o")
    what = "forward(x, W1, b1, W2, b2) with x = 0 and biases 0 (every hidden activation is 0.5)"
    out_h, out_o = _pair(
        call(lab, "forward", np.zeros(2), W1, 0.0, W2, 0.0), what, "out_h", "out_o"
    )
    expect_close(out_h, [0.5, 0.5], f"{what}: out_h")
    expect_close(out_o, _sigmoid(W2 @ [0.5, 0.5]), f"{what}: out_o")


@check("the total error is Mazur's 0.298371109 (E_o1 0.274811083 + E_o2 0.023560026)")
def error_figures(lab):
    _, out_o = _forward(X, W1, B1, W2, B2)
    what = f"total_error(target, out_o) with target = [0.01, 0.99] and out_o of {MAZUR}"
    _published(call(lab, "total_error", T, out_o), 0.298371109, 9, what)
    for index, value in enumerate((0.274811083, 0.023560026)):
        what = f"total_error(target, out_o) with only output o{index + 1} (E_o{index + 1})"
        _published(
            call(lab, "total_error", T[index : index + 1], out_o[index : index + 1]), value, 9, what
        )
    rng = seeded(3)
    for label, target, out in (
        ("target equal to the output", np.array([0.3, 0.7]), np.array([0.3, 0.7])),
        ("5 outputs", rng.uniform(size=5), rng.uniform(size=5)),
        ("negative and large values", np.array([-4.0, 10.0, 0.0]), np.array([2.0, -30.0, 0.5])),
    ):
        what = f"total_error(target, out_o) with {label}"
        expect_close(call(lab, "total_error", target, out), 0.5 * np.sum((target - out) ** 2), what)


@check("the gradients give Mazur's dE/dw5 = 0.082167041 and dE/dw1 = 0.000438568")
def gradient_figures(lab):
    what = f"gradients(x, target, W1, b1, W2, b2) with {MAZUR}"
    dW1, dW2 = _pair(call(lab, "gradients", X, T, W1, B1, W2, B2), what, "dW1", "dW2")
    expect_shape(dW1, (2, 2), f"{what}: dW1")
    expect_shape(dW2, (2, 2), f"{what}: dW2")
    _published(np.asarray(dW2)[0, 0], 0.082167041, 9, f"{what}: dE/dw5 = dW2[0, 0]")
    expected1, expected2 = _gradients(X, T, W1, B1, W2, B2)
    expect_close(dW2, expected2, f"{what}: dW2 (dE/dw5..dE/dw8)")
    _published(np.asarray(dW1)[0, 0], 0.000438568, 9, f"{what}: dE/dw1 = dW1[0, 0]")
    out_h, out_o = _forward(X, W1, B1, W2, B2)
    delta_o = (out_o - T) * out_o * (1 - out_o)
    wrong = np.outer((W2 @ delta_o) * out_h * (1 - out_h), X)
    expect(
        not np.allclose(dW1, wrong, rtol=1e-9, atol=0),
        f"{what}: dW1 sends the output deltas back through W2 instead of W2ᵀ: hidden neuron j "
        "collects delta_o[k] * W2[k, j] over the outputs k, that is W2.T @ delta_o",
    )
    expect_close(dW1, expected1, f"{what}: dW1 (dE/dw1..dE/dw4)")
    for seed, label in ((4, ""), (5, ", large weights")):
        x, t, w1, b1, w2, b2 = _random_network(seed, scale=1.0 if not label else 5.0)
        what = f"gradients(x, target, W1, b1, W2, b2) with 3 inputs, 4 hidden, 2 outputs{label}"
        dW1, dW2 = _pair(call(lab, "gradients", x, t, w1, b1, w2, b2), what, "dW1", "dW2")
        expected1, expected2 = _gradients(x, t, w1, b1, w2, b2)
        expect_close(dW2, expected2, f"{what}: dW2", atol=1e-12)
        expect_close(dW1, expected1, f"{what}: dW1", atol=1e-12)


@check("one update with learning rate 0.5 gives Mazur's new w1..w8")
def update_figures(lab):
    what = f"update(x, target, W1, b1, W2, b2, learning_rate=0.5) with {MAZUR}"
    new1, new2 = _pair(
        call(lab, "update", X, T, W1, B1, W2, B2, learning_rate=0.5), what, "W1", "W2"
    )
    expect_shape(new1, (2, 2), f"{what}: the new W1")
    expect_shape(new2, (2, 2), f"{what}: the new W2")
    dW1, dW2 = _gradients(X, T, W1, B1, W2, B2)
    expect_close(
        np.asarray(new2) - W2,
        -0.5 * dW2,
        f"{what}: the change of W2 (new W2 - W2, which must be -0.5 dW2)",
    )
    other1 = W1 - 0.5 * _gradients(X, T, W1, B1, W2, B2, W2_for_hidden=W2 - 0.5 * dW2)[0]
    expect(
        not np.allclose(new1, other1, rtol=0, atol=1e-12),
        f"{what}: the new W1 was computed with the already-updated w5..w8 (w1 = "
        f"{float(np.asarray(new1)[0, 0]):.9f}); compute every gradient from the original weights "
        "first, then update: Mazur's text does so and gets w1 = 0.149780716",
    )
    expect_close(
        np.asarray(new1) - W1,
        -0.5 * dW1,
        f"{what}: the change of W1 (new W1 - W1, which must be -0.5 dW1)",
    )
    figures2 = ((0.35891648, 8), (0.408666186, 9), (0.511301270, 9), (0.561370121, 9))
    for index, (value, decimals) in enumerate(figures2):
        _published(np.asarray(new2).ravel()[index], value, decimals, f"{what}: w{index + 5}")
    figures1 = ((0.149780716, 9), (0.19956143, 8), (0.24975114, 8), (0.29950229, 8))
    for index, (value, decimals) in enumerate(figures1):
        _published(np.asarray(new1).ravel()[index], value, decimals, f"{what}: w{index + 1}")
    x, t, w1, b1, w2, b2 = _random_network(6)
    what = "update(x, target, W1, b1, W2, b2, learning_rate=0.1) with 3 inputs, 4 hidden, 2 outputs"
    new1, new2 = _pair(
        call(lab, "update", x, t, w1, b1, w2, b2, learning_rate=0.1), what, "W1", "W2"
    )
    d1, d2 = _gradients(x, t, w1, b1, w2, b2)
    expect_close(new2, w2 - 0.1 * d2, f"{what}: the new W2")
    expect_close(new1, w1 - 0.1 * d1, f"{what}: the new W1")


def _expected_errors(steps, learning_rate=0.5):
    w1, w2, errors = W1.copy(), W2.copy(), []
    for _ in range(steps):
        _, out_o = _forward(X, w1, B1, w2, B2)
        errors.append(0.5 * np.sum((T - out_o) ** 2))
        d1, d2 = _gradients(X, T, w1, B1, w2, B2)
        w1, w2 = w1 - learning_rate * d1, w2 - learning_rate * d2
    return np.array(errors)


@check("train(steps) returns the total error of each step, before its update")
def train_errors(lab):
    for steps in (5, 1):
        what = f"train({steps})"
        got = call(lab, "train", steps)
        expect_shape(got, (steps,), f"{what}: one error per step")
        got, expected = np.asarray(got, dtype=float), _expected_errors(steps)
        expect(
            steps < 2 or not np.allclose(got[:-1], expected[1:], rtol=1e-10, atol=0.0),
            f"{what}: your errors are shifted by one step, {got[0]:.9f} first: you record the "
            "error after each update; record the error of each step's forward pass, before "
            "its update, so that the first one is Mazur's 0.298371109",
        )
        _published(got[0], 0.298371109, 9, f"{what}[0], the error before any update")
        _series(got, expected, what)
    expect_shape(call(lab, "train", 0), (0,), "train(0): no steps, no errors")
    what = "train(4, learning_rate=2.0)"
    got = call(lab, "train", 4, learning_rate=2.0)
    expect_shape(got, (4,), f"{what}: one error per step")
    _series(np.asarray(got, dtype=float), _expected_errors(4, 2.0), what)


@check(
    "after 1 and 10,000 steps the error is near Mazur's later figures (tolerance: see the brief)"
)
def later_figures(lab):
    what = "train(10000)"
    errors = call(lab, "train", 10000)
    expect_shape(errors, (10000,), f"{what}: one error per step")
    errors = np.asarray(errors, dtype=float)
    _near(
        errors[1],
        0.291027924,
        1e-6,
        f"{what}[1], the error after one update (Mazur prints 0.291027924, which used the "
        "updated w5..w8; the original order gives 0.2910277737)",
    )
    _near(
        errors[-1],
        0.0000351085,
        1e-4,
        f"{what}[9999], the error of the 10,000th forward pass (Mazur prints 0.0000351085)",
    )
    expect(
        bool(np.all(np.diff(errors) < 0)),
        f"{what}: the error went up at step {int(np.argmax(np.diff(errors) >= 0)) + 1}; with "
        "this learning rate every step must lower it",
    )
    loss_curve(errors, "total error (Mazur's network, learning rate 0.5)")
