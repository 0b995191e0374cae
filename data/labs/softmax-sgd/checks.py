"""Checks for the softmax-sgd lab: softmax, cross-entropy, its gradient, one SGD step and
training, against references and numerical gradients computed here."""

from __future__ import annotations

import numpy as np

from studyplan.labs.expect import (
    call,
    check,
    expect,
    expect_close,
    expect_equal,
    expect_shape,
    loss_curve,
    seeded,
)


def ref_softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def ref_loss(X, y, W, b):
    P = ref_softmax(X @ W + b)
    return -np.log(P[np.arange(len(y)), y]).mean()


def ref_train(X, y, lr, epochs, batch_size, seed):
    n, d = X.shape
    k = int(y.max()) + 1
    W, b = np.zeros((d, k)), np.zeros(k)
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            rows = order[start : start + batch_size]
            dZ = (ref_softmax(X[rows] @ W + b) - np.eye(k)[y[rows]]) / len(rows)
            W, b = W - lr * X[rows].T @ dZ, b - lr * dZ.sum(axis=0)
        losses.append(ref_loss(X, y, W, b))
    return losses


def blobs(n_per_class, seed):
    rng = seeded(seed)
    centres = np.array([[0.0, 2.0], [-2.0, -1.0], [2.0, -1.0]])
    X = np.concatenate([c + 0.8 * rng.standard_normal((n_per_class, 2)) for c in centres])
    return X, np.repeat(np.arange(3), n_per_class)


def numerical(f, A, h=1e-5):
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


@check("softmax: each row becomes probabilities that sum to 1")
def softmax_rows(lab):
    rng = seeded(1)
    cases = [
        rng.normal(size=(4, 3)),
        rng.normal(size=(1, 3)),
        rng.normal(scale=3.0, size=(6, 5)),
        np.zeros((2, 3)),
        rng.normal(size=(3, 1)),
    ]
    for Z in cases:
        what = f"softmax(Z) with Z {Z.shape}"
        P = call(lab, "softmax", Z)
        expect_shape(P, Z.shape, what)
        sums = np.asarray(P, dtype=float).sum(axis=1)
        expect(
            np.allclose(sums, 1.0),
            f"{what}: each row should sum to 1, the row sums are {np.round(sums, 4)}: "
            "normalise over the classes (axis=1, keepdims=True), not over the examples",
        )
        expect_close(P, ref_softmax(Z), what)


@check("softmax: large logits do not overflow")
def softmax_stable(lab):
    Z = np.array([[1000.0, 1001.0, 1002.0], [-1000.0, 0.0, 1000.0], [800.0, 800.0, 800.0]])
    what = "softmax(Z) with logits as large as 1000"
    P = np.asarray(call(lab, "softmax", Z), dtype=float)
    expect_shape(P, Z.shape, what)
    expect(
        bool(np.isfinite(P).all()),
        f"{what}: got nan or inf ({P.tolist()}): exp(1000) overflows; subtract each row's "
        "maximum before exp (softmax does not change when a row is shifted)",
    )
    expect_close(P, ref_softmax(Z), what)
    Z = seeded(2).normal(size=(4, 3))
    expect_close(
        call(lab, "softmax", Z + 500.0),
        ref_softmax(Z),
        "softmax(Z + 500) with Z (4, 3): shifting every logit should not change the result",
    )


@check("cross_entropy: the mean of -log p of the true class")
def cross_entropy_values(lab):
    P = np.full((4, 3), 1 / 3)
    y = np.array([0, 1, 2, 1])
    expect_close(
        call(lab, "cross_entropy", P, y), np.log(3), "cross_entropy(P, y) with uniform P (4, 3)"
    )
    P = np.array([[0.9, 0.05, 0.05]])
    expect_close(
        call(lab, "cross_entropy", P, np.array([0])),
        -np.log(0.9),
        "cross_entropy(P, y) with P [[0.9, 0.05, 0.05]], y [0]",
    )
    P = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    y = np.array([1, 2])
    expect_close(
        call(lab, "cross_entropy", P, y),
        -(np.log(0.2) + np.log(0.8)) / 2,
        "cross_entropy(P, y) with P [[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]], y [1, 2] (the mean, "
        "not the sum)",
    )
    rng = seeded(3)
    P = ref_softmax(rng.normal(size=(10, 4)))
    y = rng.integers(0, 4, size=10)
    expect_close(
        call(lab, "cross_entropy", P, y),
        -np.log(P[np.arange(10), y]).mean(),
        "cross_entropy(P, y) with P (10, 4)",
    )


@check("gradients: dW and db match numerical gradients of the loss")
def gradients_numerical(lab):
    rng = seeded(4)
    for n, d, k in [(6, 2, 3), (1, 2, 3), (9, 4, 5)]:
        X = rng.normal(size=(n, d))
        y = rng.integers(0, k, size=n)
        W = rng.normal(scale=0.5, size=(d, k))
        b = rng.normal(scale=0.5, size=k)
        what = f"gradients(X, y, W, b) with X {X.shape}, W {W.shape}, b {b.shape}"
        result = call(lab, "gradients", X, y, W, b)
        expect(
            isinstance(result, tuple | list) and len(result) == 2,
            f"{what} should return a pair (dW, db), got {type(result).__name__}",
        )
        dW, db = result

        def loss(X=X, y=y, W=W, b=b):
            return ref_loss(X, y, W, b)

        expect_close(
            dW,
            numerical(loss, W),
            f"{what}: dW (numerical gradient of the mean loss)",
            rtol=1e-5,
            atol=1e-8,
        )
        expect_close(
            db,
            numerical(loss, b),
            f"{what}: db (numerical gradient of the mean loss)",
            rtol=1e-5,
            atol=1e-8,
        )


@check("sgd_step: moves W and b against the gradient, scaled by lr")
def sgd_step_values(lab):
    rng = seeded(5)
    W, b = rng.normal(size=(2, 3)), rng.normal(size=3)
    dW, db = rng.normal(size=(2, 3)), rng.normal(size=3)
    for lr in [0.1, 0.5, 0.0]:
        what = f"sgd_step(W, b, dW, db, lr={lr}) with W (2, 3), b (3,)"
        result = call(lab, "sgd_step", W, b, dW, db, lr)
        expect(
            isinstance(result, tuple | list) and len(result) == 2,
            f"{what} should return a pair (W, b), got {type(result).__name__}",
        )
        new_W, new_b = (np.asarray(a, dtype=float) for a in result)
        if lr != 1.0 and new_W.shape == W.shape and np.allclose(new_W, W - dW):
            expect(False, f"{what}: returned W - dW: multiply the gradient by lr")
        expect_close(new_W, W - lr * dW, f"{what}: the new W")
        expect_close(new_b, b - lr * db, f"{what}: the new b")


@check("predict: the class with the largest logit")
def predict_classes(lab):
    rng = seeded(6)
    for n, d, k in [(8, 2, 3), (1, 2, 3), (5, 3, 4)]:
        X = rng.normal(size=(n, d))
        W, b = rng.normal(size=(d, k)), rng.normal(size=k)
        what = f"predict(X, W, b) with X {X.shape}, W {W.shape}"
        labels = call(lab, "predict", X, W, b)
        expect_shape(labels, (n,), what)
        expect_equal(np.asarray(labels), np.argmax(X @ W + b, axis=1), what)


@check("train: the loss falls epoch after epoch and accuracy reaches 95%")
def train_converges(lab):
    X, y = blobs(100, seed=0)
    what = "train(X, y, lr=0.1, epochs=20, batch_size=32, seed=0) on 3 blobs of 100 points"
    result = call(lab, "train", X, y, lr=0.1, epochs=20, batch_size=32, seed=0)
    expect(
        isinstance(result, tuple | list) and len(result) == 3,
        f"{what} should return (W, b, losses), got {type(result).__name__}",
    )
    W, b, losses = result
    losses = np.asarray(losses, dtype=float)
    expect_shape(losses, (20,), f"{what}: losses (one per epoch)")
    loss_curve(losses, label="training loss")
    expect(
        bool(np.isfinite(losses).all()),
        f"{what}: the losses contain nan or inf: {losses.round(3).tolist()}",
    )
    expect(
        losses[-1] < losses[0] < np.log(3),
        f"{what}: the loss should fall below log(3) = 1.099 (zero weights) and keep "
        f"falling; got first {losses[0]:.4f}, last {losses[-1]:.4f}",
    )
    expect_close(
        losses[-1],
        ref_loss(X, y, np.asarray(W, dtype=float), np.asarray(b, dtype=float)),
        f"{what}: the last loss should be the mean cross-entropy of the returned W, b on "
        "the whole data",
        rtol=1e-6,
    )
    accuracy = float((np.argmax(X @ W + b, axis=1) == y).mean())
    expect(
        accuracy >= 0.95,
        f"{what}: training accuracy {accuracy:.1%}, expected at least 95%",
    )


@check("train: follows the recipe (one shuffle per epoch, every mini-batch, loss on all data)")
def train_recipe(lab):
    X, y = blobs(17, seed=7)  # 51 rows: batches of 16, 16, 16 and 3
    for lr, epochs, batch_size, seed in [(0.2, 4, 16, 1), (0.05, 2, 51, 0), (0.1, 1, 1, 3)]:
        what = (
            f"train(X, y, lr={lr}, epochs={epochs}, batch_size={batch_size}, seed={seed}) "
            "with X (51, 2)"
        )
        result = call(lab, "train", X, y, lr=lr, epochs=epochs, batch_size=batch_size, seed=seed)
        expect_close(
            np.asarray(result[2], dtype=float),
            ref_train(X, y, lr, epochs, batch_size, seed),
            f"{what}: losses per epoch (rng = np.random.default_rng(seed) once, "
            "rng.permutation(n) each epoch, batches order[start:start + batch_size] for start "
            "in range(0, n, batch_size))",
            rtol=1e-6,
        )
