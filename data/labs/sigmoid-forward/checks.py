"""Checks of the lab sigmoid-forward (run with `studyplan lab check sigmoid-forward`)."""

import itertools

import numpy as np

from studyplan.labs.expect import call, check, expect, expect_close, expect_shape, seeded


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _network(sizes, seed, scale=1.0):
    rng = seeded(seed)
    weights = [rng.normal(size=(n_out, n_in)) * scale for n_in, n_out in itertools.pairwise(sizes)]
    biases = [rng.normal(size=n_out) * scale for n_out in sizes[1:]]
    return weights, biases


def _forward(X, weights, biases):
    activations = [X]
    for W, b in zip(weights, biases, strict=True):
        activations.append(_sigmoid(activations[-1] @ W.T + b))
    return activations


@check("sigmoid is 1 / (1 + e^(-z)), element by element")
def sigmoid_values(lab):
    rng = seeded(1)
    cases = [
        ("zeros of shape (3,)", np.zeros(3)),
        ("z = [-2, -1, 0, 1, 2]", np.array([-2.0, -1.0, 0.0, 1.0, 2.0])),
        ("a (4, 3) array of random values", rng.normal(size=(4, 3)) * 3),
        ("large values, z = [-30, -12, 12, 30]", np.array([-30.0, -12.0, 12.0, 30.0])),
    ]
    for label, z in cases:
        got = call(lab, "sigmoid", z)
        expect(
            np.shape(got) != z.shape or not np.allclose(got, _sigmoid(-z)) or not z.any(),
            f"sigmoid(z) with {label}: got σ(-z) = 1 / (1 + e^z), expected 1 / (1 + e^(-z)): "
            "the sign in the exponent is flipped",
        )
        expect_close(got, _sigmoid(z), f"sigmoid(z) with {label}", atol=1e-12)
    expect_close(call(lab, "sigmoid", 0.0), 0.5, "sigmoid(0.0)")


@check("layer_forward computes σ(A Wᵀ + b) with W of shape (n_out, n_in)")
def layer_values(lab):
    rng = seeded(2)
    A, W, b = rng.normal(size=(5, 3)), rng.normal(size=(3, 3)), rng.normal(size=3)
    what = f"layer_forward(A, W, b) with A of shape {A.shape} and a square W of shape {W.shape}"
    got = call(lab, "layer_forward", A, W, b)
    expect_shape(got, (5, 3), what)
    expect(
        not np.allclose(got, _sigmoid(A @ W + b)),
        f"{what}: got σ(A W + b), expected σ(A Wᵀ + b): W[j, k] is the weight from input k to "
        "neuron j, so each row of W belongs to one neuron (use A @ W.T)",
    )
    expect_close(got, _sigmoid(A @ W.T + b), what)
    for m, n_in, n_out in ((6, 3, 4), (1, 4, 2), (2, 1, 5)):
        A = rng.normal(size=(m, n_in)) * 2
        W, b = rng.normal(size=(n_out, n_in)), rng.normal(size=n_out)
        what = f"layer_forward(A, W, b) with A of shape {A.shape}, W {W.shape}, b {b.shape}"
        expect_close(call(lab, "layer_forward", A, W, b), _sigmoid(A @ W.T + b), what)
    A = np.zeros((3, 4))
    W, b = rng.normal(size=(2, 4)), np.array([-1.0, 2.0])
    what = "layer_forward(A, W, b) with A all zeros of shape (3, 4), b = [-1, 2] (expected σ(b) on every row)"
    expect_close(call(lab, "layer_forward", A, W, b), _sigmoid(np.tile(b, (3, 1))), what)


def _check_forward(lab, X, weights, biases, label):
    sizes = [X.shape[1]] + [W.shape[0] for W in weights]
    what = f"forward(X, weights, biases) with X of shape {X.shape}, sizes {sizes}{label}"
    got = call(lab, "forward", X, weights, biases)
    expected = _forward(X, weights, biases)
    expect(got is not None, f"{what} returned None: did you forget `return`?")
    expect(
        isinstance(got, list | tuple),
        f"{what} should return a list of arrays, got {type(got).__name__}",
    )
    expect(
        len(got) == len(expected),
        f"{what}: expected {len(expected)} arrays (the input X, then one per layer), got {len(got)}",
    )
    expect_close(got[0], X, f"{what}: activations[0] (the input X itself)")
    for layer in range(1, len(expected)):
        expect_close(got[layer], expected[layer], f"{what}: activations[{layer}]")


@check("forward returns [X, A1, ..., AL], the activations of every layer")
def forward_values(lab):
    rng = seeded(3)
    for sizes, m in (([2, 3, 1], 4), ([4, 4, 4], 5), ([3, 5, 2, 2], 6)):
        weights, biases = _network(sizes, seed=sum(sizes))
        _check_forward(lab, rng.normal(size=(m, sizes[0])), weights, biases, "")


@check("forward works on a single row, zero inputs and large values")
def forward_edges(lab):
    rng = seeded(4)
    weights, biases = _network([3, 4, 2], seed=5)
    _check_forward(lab, rng.normal(size=(1, 3)), weights, biases, " (a single row)")
    _check_forward(lab, np.zeros((2, 3)), weights, biases, " (all inputs zero)")
    big = np.array([[50.0, -80.0, 20.0], [-100.0, 30.0, -5.0]])
    weights, biases = _network([3, 4, 2], seed=6, scale=3.0)
    _check_forward(lab, big, weights, biases, " (large inputs and weights)")
    weights, biases = _network([2, 1], seed=7)
    _check_forward(lab, rng.normal(size=(3, 2)), weights, biases, " (one layer)")


@check("predict returns, for each row, the index of the most active output")
def predict_values(lab):
    rng = seeded(8)
    for sizes, m in (([3, 5, 4], 7), ([2, 6, 3], 1), ([5, 5, 10], 4), ([4, 4], 6)):
        weights, biases = _network(sizes, seed=10 + m, scale=2.0)
        biases[-1][:] = 0.0  # so that different rows win on different outputs
        X = rng.normal(size=(m, sizes[0]))
        what = f"predict(X, weights, biases) with X of shape {X.shape}, sizes {sizes}"
        got = call(lab, "predict", X, weights, biases)
        expect(got is not None, f"{what} returned None: did you forget `return`?")
        expect(
            np.shape(got) != (sizes[-1],) or m == sizes[-1],
            f"{what}: expected shape ({m},), one index per row, got {np.shape(got)}, one per "
            "output neuron: np.argmax over the wrong axis? (rows are axis 0, use axis=1)",
        )
        expect_shape(got, (m,), what)
        expected = np.argmax(_forward(X, weights, biases)[-1], axis=1)
        expect(
            np.array_equal(np.asarray(got), expected),
            f"{what}: got {np.asarray(got).tolist()}, expected {expected.tolist()}",
        )
