"""Checks of the lab xor-backprop (run with `studyplan lab check xor-backprop`)."""

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

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
T = np.array([[0.0], [1.0], [1.0], [0.0]])
NAMES = ("W1", "b1", "W2", "b2")


def _params(seed, n_hidden=3, scale=1.0):
    rng = seeded(seed)
    return {
        "W1": rng.normal(size=(n_hidden, 2)) * scale,
        "b1": rng.normal(size=n_hidden) * scale,
        "W2": rng.normal(size=(1, n_hidden)) * scale,
        "b2": rng.normal(size=1) * scale,
    }


def _copy(params):
    return {name: value.copy() for name, value in params.items()}


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _forward(X, p):
    H = _sigmoid(X @ p["W1"].T + p["b1"])
    return H, _sigmoid(H @ p["W2"].T + p["b2"])


def _loss(X, T, p):
    return 0.5 * float(np.sum((_forward(X, p)[1] - T) ** 2))


def _numerical(X, T, p, h=1e-6):
    """Central differences of the loss, one parameter at a time."""
    grads = {}
    for name in NAMES:
        grad = np.zeros_like(p[name])
        for index in np.ndindex(p[name].shape):
            plus, minus = _copy(p), _copy(p)
            plus[name][index] += h
            minus[name][index] -= h
            grad[index] = (_loss(X, T, plus) - _loss(X, T, minus)) / (2 * h)
        grads[name] = grad
    return grads


def _train(X, T, p, learning_rate, epochs):
    p, losses = _copy(p), []
    for _ in range(epochs):
        losses.append(_loss(X, T, p))
        grads = _analytic(X, T, p)
        p = {name: p[name] - learning_rate * grads[name] for name in NAMES}
    return p, np.array(losses)


def _analytic(X, T, p):
    H, Y = _forward(X, p)
    dY = (Y - T) * Y * (1 - Y)
    dH = dY * p["W2"] * H * (1 - H)  # (m, 1) * (1, n_hidden): one output neuron
    return {"W1": dH.T @ X, "b1": dH.sum(axis=0), "W2": dY.T @ H, "b2": dY.sum(axis=0)}


def _pair(result, what, first, second):
    expect(result is not None, f"{what} returned None: did you forget `return`?")
    expect(
        isinstance(result, tuple | list) and len(result) == 2,
        f"{what} should return a pair ({first}, {second}), got {type(result).__name__}",
    )
    return result


@check("forward returns H of shape (m, n_hidden) and Y of shape (m, 1)")
def forward_values(lab):
    cases = [
        ("the 4 XOR rows, 3 hidden neurons", X, _params(1)),
        ("the 4 XOR rows, 2 hidden neurons", X, _params(2, n_hidden=2)),
        ("a single row [1, 0], 3 hidden neurons", X[2:3], _params(3)),
        (
            "all parameters zero (every activation 0.5)",
            X,
            {name: np.zeros_like(v) for name, v in _params(4).items()},
        ),
        ("large weights (scale 20) and negative inputs", -3 * X, _params(5, scale=20.0)),
    ]
    for label, inputs, p in cases:
        what = f"forward(X, params) with {label}"
        H, Y = _pair(call(lab, "forward", inputs, _copy(p)), what, "H", "Y")
        expected_h, expected_y = _forward(inputs, p)
        expect_shape(H, expected_h.shape, f"{what}: H")
        expect_shape(Y, expected_y.shape, f"{what}: Y")
        expect_close(H, expected_h, f"{what}: H")
        expect_close(Y, expected_y, f"{what}: Y")


@check("loss is ½ Σ (Y - T)² over every example")
def loss_values(lab):
    rng = seeded(6)
    cases = [
        ("Y of the XOR rows", _forward(X, _params(1))[1], T),
        ("Y equal to T", T.copy(), T),
        ("Y all 0.5", np.full((4, 1), 0.5), T),
        ("a single example", np.array([[0.8]]), np.array([[1.0]])),
        ("negative and large values", rng.normal(size=(3, 1)) * 100, -rng.normal(size=(3, 1))),
    ]
    for label, Y, targets in cases:
        what = f"loss(Y, T) with {label}"
        expect_close(call(lab, "loss", Y, targets), 0.5 * np.sum((Y - targets) ** 2), what)


@check("backward agrees with numerical gradients (a gradient check)")
def gradient_check(lab):
    cases = [
        ("the 4 XOR rows, 3 hidden neurons", X, T, _params(7)),
        ("the 4 XOR rows, 2 hidden neurons", X, T, _params(8, n_hidden=2)),
        ("a single example, 3 hidden neurons", X[1:2], T[1:2], _params(9)),
        ("larger weights (scale 3), 4 hidden neurons", X, T, _params(10, n_hidden=4, scale=3.0)),
    ]
    for label, inputs, targets, p in cases:
        what = f"backward(X, T, params) with {label}"
        grads = call(lab, "backward", inputs, targets, _copy(p))
        expect(grads is not None, f"{what} returned None: did you forget `return`?")
        expect(
            isinstance(grads, dict),
            f"{what} should return a dict of gradients, got {type(grads).__name__}",
        )
        numeric = _numerical(inputs, targets, p)
        for name in NAMES:
            expect(name in grads, f"{what}: the dict has no gradient for `{name}`")
            got = np.asarray(grads[name], dtype=float)
            n = len(inputs)
            expect(
                not (name.startswith("b") and got.shape == (n,) != p[name].shape),
                f"{what}: d{name} has shape {got.shape}, one value per example, expected "
                f"{p[name].shape}: summed over the wrong axis? A bias gradient sums over the "
                "examples, axis 0",
            )
            expect_shape(got, p[name].shape, f"{what}: d{name}")
            expect_close(
                got,
                numeric[name],
                f"{what}: d{name} against the numerical gradient",
                rtol=1e-5,
                atol=1e-8,
            )


@check("train returns the loss of every epoch, before its update")
def train_losses(lab):
    for label, p, learning_rate, epochs in (
        ("3 hidden neurons, learning_rate=1.0, epochs=10", _params(11), 1.0, 10),
        ("2 hidden neurons, learning_rate=0.3, epochs=5", _params(12, n_hidden=2), 0.3, 5),
        ("epochs=1", _params(13), 1.0, 1),
    ):
        what = f"train(X, T, params) with {label}"
        given = _copy(p)
        trained, losses = _pair(
            call(lab, "train", X, T, given, learning_rate=learning_rate, epochs=epochs),
            what,
            "trained_params",
            "losses",
        )
        expect(
            all(np.array_equal(given[name], p[name]) for name in NAMES),
            f"{what} changed the params passed in: work on copies ({{k: v.copy() for k, v in "
            "params.items()}}) and return the trained ones",
        )
        expected_params, expected = _train(X, T, p, learning_rate, epochs)
        expect_shape(losses, (epochs,), f"{what}: losses, one per epoch")
        losses = np.asarray(losses, dtype=float)
        expect_close(losses[0], expected[0], f"{what}: losses[0], the loss before any update")
        expect(
            np.allclose(losses, expected, rtol=1e-9),
            f"{what}: losses[0] is right, so forward and loss are, but the later losses differ "
            f"(losses[1] = {losses[1] if epochs > 1 else float('nan'):.10f}, expected "
            f"{expected[1] if epochs > 1 else float('nan'):.10f}): look at the update, "
            "params - learning_rate * gradient",
        )
        expect(
            isinstance(trained, dict),
            f"{what}: the trained params should be a dict, got {type(trained).__name__}",
        )
        for name in NAMES:
            expect(name in trained, f"{what}: the trained params have no `{name}`")
            expect_close(trained[name], expected_params[name], f"{what}: the trained {name}")


@check("predict gives 1 where the output is above 0.5, one int per row")
def predict_values(lab):
    rng = seeded(14)
    for label, inputs, p in (
        ("the 4 XOR rows", X, _params(15, scale=4.0)),
        ("7 random rows", rng.normal(size=(7, 2)) * 3, _params(16, scale=3.0)),
        ("a single row", X[3:], _params(17, scale=4.0)),
    ):
        what = f"predict(X, params) with {label}"
        got = call(lab, "predict", inputs, _copy(p))
        expected = (_forward(inputs, p)[1] > 0.5).astype(int).ravel()
        expect_shape(got, expected.shape, what)
        expect(
            np.array_equal(np.asarray(got), expected),
            f"{what}: got {np.asarray(got).tolist()}, expected {expected.tolist()}",
        )


@check("after 2,000 epochs the network classifies XOR correctly")
def learns_xor(lab):
    for seed in (18, 19):
        p = _params(seed)
        what = f"train(X, T, params, learning_rate=1.0, epochs=2000) from the seeded start {seed}"
        trained, losses = _pair(
            call(lab, "train", X, T, _copy(p), learning_rate=1.0, epochs=2000),
            what,
            "trained_params",
            "losses",
        )
        expect_shape(losses, (2000,), f"{what}: losses")
        losses = np.asarray(losses, dtype=float)
        if seed == 18:
            loss_curve(losses, "XOR loss (2-3-1, learning rate 1.0)")
        _, expected = _train(X, T, p, 1.0, 2000)
        expect_close(losses, expected, f"{what}: losses", rtol=1e-6, atol=1e-12)
        expect(losses[-1] < 0.05, f"{what}: the loss is still {losses[-1]:.4f} after 2000 epochs")
        got = call(lab, "predict", X, trained)
        expect(
            np.array_equal(np.asarray(got).ravel(), [0, 1, 1, 0]),
            f"predict(X, trained_params) after {what}: got {np.asarray(got).ravel().tolist()}, "
            "expected [0, 1, 1, 0]",
        )
