"""Checks for the dropout-batchnorm lab: inverted dropout's train and test behaviour,
batch normalisation in training and inference mode against references computed here, and
its backward pass against numerical gradients."""

from __future__ import annotations

import numpy as np

from studyplan.labs.expect import call, check, expect, expect_close, expect_shape, seeded

EPS = 1e-5


def ref_batchnorm(x, gamma, beta, eps=EPS):
    return gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps) + beta


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


def drop(lab, x, p, seed, train=True):
    out = call(lab, "dropout", x, p, seeded(seed), train=train)
    what = f"dropout(x, p={p}, rng=seeded({seed}), train={train}) with x {x.shape}"
    expect_shape(out, x.shape, what)
    return np.asarray(out, dtype=float), what


def forward(lab, x, gamma, beta, rm, rv, train=True, momentum=0.9):
    what = (
        f"batchnorm_forward(x, gamma, beta, running_mean, running_var, train={train}, "
        f"momentum={momentum}) with x {x.shape}"
    )
    result = call(lab, "batchnorm_forward", x, gamma, beta, rm, rv, train=train, momentum=momentum)
    expect(
        isinstance(result, tuple | list) and len(result) == 4,
        f"{what} should return (out, running_mean, running_var, cache), got {type(result).__name__}",
    )
    out, new_rm, new_rv, cache = result
    expect_shape(out, x.shape, f"{what}: out")
    return (
        np.asarray(out, dtype=float),
        np.asarray(new_rm, dtype=float),
        np.asarray(new_rv, dtype=float),
        cache,
        what,
    )


def features(rng, n, d):
    """A batch whose features have very different means and scales."""
    return rng.normal(size=(n, d)) * rng.uniform(0.5, 4.0, size=d) + rng.uniform(-5, 5, size=d)


@check("dropout at test time (and with p = 0) returns x unchanged")
def dropout_test_time(lab):
    rng = seeded(1)
    for shape, p in [((4, 5), 0.5), ((1, 3), 0.9), ((6,), 0.2)]:
        x = rng.normal(size=shape)
        out, what = drop(lab, x, p, seed=2, train=False)
        expect_close(out, x, f"{what} (at test time nothing is dropped or scaled)")
    x = rng.normal(size=(3, 4))
    out, what = drop(lab, x, 0.0, seed=2, train=True)
    expect_close(out, x, f"{what} (p = 0 drops nothing)")


@check("dropout in training zeroes units and divides the kept ones by 1 - p")
def dropout_scaling(lab):
    rng = seeded(3)
    for p in [0.2, 0.5, 0.9]:
        x = rng.uniform(0.5, 2.0, size=(50, 40))  # no zeros, so a 0 in the output was dropped
        out, what = drop(lab, x, p, seed=4)
        kept = out != 0
        expect(
            0 < kept.sum() < x.size,
            f"{what}: {int(kept.sum())} of {x.size} units kept; with p = {p} some should be "
            "dropped and some kept",
        )
        if np.allclose(out[kept], x[kept]):
            expect(
                False,
                f"{what}: the kept units equal x: divide them by 1 - p = {1 - p:g} (inverted "
                "dropout), or the expected value of each unit shrinks to (1 - p) * x",
            )
        expect(
            not np.allclose(out[kept], x[kept] * (1 - p)),
            f"{what}: the kept units were multiplied by 1 - p; inverted dropout divides by "
            f"1 - p = {1 - p:g} during training, so that nothing changes at test time",
        )
        expect_close(out[kept], x[kept] / (1 - p), f"{what}: the kept units (x / (1 - p))")


@check("dropout drops about p of the units and keeps the mean")
def dropout_statistics(lab):
    x = np.ones((200, 500))
    for p in [0.1, 0.5, 0.8]:
        out, what = drop(lab, x, p, seed=5)
        dropped = float((out == 0).mean())
        expect(
            abs(dropped - p) < 0.01,
            f"{what} with x all ones: {dropped:.1%} of the units were dropped, expected about "
            f"{p:.0%} (p is the probability of DROPPING a unit)",
        )
        expect(
            abs(out.mean() - 1.0) < 0.03,
            f"{what} with x all ones: the mean of the output is {out.mean():.4f}, expected "
            "about 1 (inverted dropout preserves the expected value)",
        )


@check("dropout draws its mask from the generator it is given")
def dropout_seeded(lab):
    x = seeded(6).uniform(1.0, 2.0, size=(20, 30))
    first, what = drop(lab, x, 0.5, seed=7)
    again, _ = drop(lab, x, 0.5, seed=7)
    expect(
        np.array_equal(first, again),
        f"{what} twice: the same seed gave different masks; draw the mask from `rng` "
        "(rng.random(x.shape)), not from np.random",
    )
    other, _ = drop(lab, x, 0.5, seed=8)
    expect(
        not np.array_equal(first, other),
        f"{what} and with rng=seeded(8): different seeds gave the same mask; draw it from `rng`",
    )


@check("batchnorm_forward in training normalises each feature over the batch")
def batchnorm_training(lab):
    rng = seeded(9)
    for n, d in [(8, 3), (2, 4), (16, 1)]:
        x = features(rng, n, d)
        gamma, beta = rng.uniform(0.5, 2.0, size=d), rng.normal(size=d)
        out, _, _, _, what = forward(lab, x, gamma, beta, np.zeros(d), np.ones(d))
        per_example = (
            gamma
            * (x - x.mean(axis=1, keepdims=True))
            / np.sqrt(x.var(axis=1, keepdims=True) + EPS)
            + beta
        )
        expect(
            d == 1 or not np.allclose(out, per_example),
            f"{what}: each example (row) was normalised over its features; batch norm "
            "normalises each feature (column) over the batch: mean and var with axis=0",
        )
        expect_close(out, ref_batchnorm(x, gamma, beta), f"{what}: out", rtol=1e-6, atol=1e-8)
    x = np.column_stack([np.full(5, 3.0), rng.normal(size=5)])  # feature 0 is constant
    gamma, beta = np.array([2.0, 1.0]), np.array([0.5, -0.5])
    out, _, _, _, what = forward(lab, x, gamma, beta, np.zeros(2), np.ones(2))
    expect_close(
        out,
        ref_batchnorm(x, gamma, beta),
        f"{what}, feature 0 constant (variance 0: eps keeps it finite; out is beta there)",
        atol=1e-8,
    )


@check("batchnorm_forward in training updates the running mean and variance with momentum")
def batchnorm_running(lab):
    rng = seeded(10)
    for n, d, momentum in [(8, 3, 0.9), (5, 2, 0.5), (4, 3, 0.0)]:
        x = features(rng, n, d)
        rm, rv = rng.normal(size=d), rng.uniform(0.5, 2.0, size=d)
        _, new_rm, new_rv, _, what = forward(
            lab, x, np.ones(d), np.zeros(d), rm, rv, momentum=momentum
        )
        expect_shape(new_rm, rm.shape, f"{what}: running_mean (one per feature)")
        expect_shape(new_rv, rv.shape, f"{what}: running_var (one per feature)")
        expected_rm = momentum * rm + (1 - momentum) * x.mean(axis=0)
        swapped = (1 - momentum) * rm + momentum * x.mean(axis=0)
        expect(
            momentum == 0.5 or np.allclose(new_rm, expected_rm) or not np.allclose(new_rm, swapped),
            f"{what}: the running mean gave the new batch the weight momentum = {momentum}; "
            "the OLD running value keeps it: momentum * running + (1 - momentum) * batch",
        )
        expect_close(
            new_rm,
            expected_rm,
            f"{what}: running_mean (momentum * old + (1 - momentum) * batch mean)",
        )
        expect_close(
            new_rv,
            momentum * rv + (1 - momentum) * x.var(axis=0),
            f"{what}: running_var (momentum * old + (1 - momentum) * batch variance, dividing by N)",
        )


@check("batchnorm_forward at inference uses the running statistics and leaves them unchanged")
def batchnorm_inference(lab):
    rng = seeded(11)
    for n, d in [(6, 3), (1, 4)]:
        x = features(rng, n, d)
        gamma, beta = rng.uniform(0.5, 2.0, size=d), rng.normal(size=d)
        rm, rv = rng.normal(size=d), rng.uniform(0.5, 2.0, size=d)
        out, new_rm, new_rv, _, what = forward(lab, x, gamma, beta, rm, rv, train=False)
        expect(
            n == 1 or not np.allclose(out, ref_batchnorm(x, gamma, beta)),
            f"{what}: out was normalised with the batch's own mean and variance; at inference "
            "use running_mean and running_var (a single example must give the same answer "
            "alone or in a batch)",
        )
        expect_close(out, gamma * (x - rm) / np.sqrt(rv + EPS) + beta, f"{what}: out")
        expect_shape(new_rm, rm.shape, f"{what}: running_mean")
        expect_shape(new_rv, rv.shape, f"{what}: running_var")
        expect_close(new_rm, rm, f"{what}: running_mean (unchanged at inference)")
        expect_close(new_rv, rv, f"{what}: running_var (unchanged at inference)")


@check("batchnorm_backward matches numerical gradients for x, gamma and beta")
def batchnorm_gradients(lab):
    rng = seeded(12)
    for n, d in [(4, 3), (2, 2), (7, 1)]:
        x = features(rng, n, d)
        gamma, beta = rng.uniform(0.5, 2.0, size=d), rng.normal(size=d)
        d_out = rng.normal(size=(n, d))
        _, _, _, cache, what = forward(lab, x, gamma, beta, np.zeros(d), np.ones(d))
        result = call(lab, "batchnorm_backward", d_out, cache)
        what = f"batchnorm_backward(d_out, cache) with x {x.shape}"
        expect(
            isinstance(result, tuple | list) and len(result) == 3,
            f"{what} should return (dx, dgamma, dbeta), got {type(result).__name__}",
        )
        dx, dgamma, dbeta = result

        def loss(x=x, gamma=gamma, beta=beta, d_out=d_out):
            return float(np.sum(ref_batchnorm(x, gamma, beta) * d_out))

        constant_stats = gamma * d_out / np.sqrt(x.var(axis=0) + EPS)
        expect(
            np.shape(dx) != x.shape or not np.allclose(dx, constant_stats),
            f"{what}: dx is gamma * d_out / std, as if the batch mean and variance were "
            "constants; they depend on every x in the batch, so dx has two more terms (through "
            "the mean and through the variance)",
        )
        for name, got, array in [("dbeta", dbeta, beta), ("dgamma", dgamma, gamma), ("dx", dx, x)]:
            expect_close(
                got,
                numerical(loss, array),
                f"{what}: {name} (numerical gradient of sum(out * d_out))",
                rtol=1e-5,
                atol=1e-7,
            )
