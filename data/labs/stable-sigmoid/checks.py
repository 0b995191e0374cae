"""Checks of the lab stable-sigmoid (run with `studyplan lab check stable-sigmoid`)."""

import numpy as np

from studyplan.labs.expect import call, check, expect, expect_close, expect_shape, seeded

EXTREME = np.array([-1000.0, -745.0, -710.0, -40.0, 0.0, 40.0, 710.0, 745.0, 1000.0])


def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_prime(z):
    e = np.exp(-np.abs(z))
    return e / (1.0 + e) ** 2


def _log_sigmoid(z):
    return -np.logaddexp(0.0, -z)


def _strict(lab, name, z, what):
    """The learner's ``name(z)`` with numpy raising on overflow, nan and division by zero."""
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        try:
            return call(lab, name, z)
        except FloatingPointError as exc:
            expect(False, f"{what}: numpy reported '{exc}': {_advice(str(exc))}")


def _advice(problem):
    """What to do about one kind of floating-point error."""
    if "divide" in problem:
        return (
            "a log of 0 (σ(z) rounds to 0 for very negative z, so log(σ(z)) is -inf); "
            "compute log σ(z) directly as min(z, 0) - log1p(exp(-|z|))"
        )
    if "invalid" in problem:
        return "an invalid operation such as inf / inf or 0 * inf, which gives nan; avoid the infinities"
    return (
        "take np.exp only of -|z|, which is never positive (np.where computes both of its "
        "branches for every element, so an overflow in the branch you do not keep still "
        "happens)"
    )


def _show(z):
    return np.array2string(np.asarray(z), precision=3, separator=", ")


@check("sigmoid is 1 / (1 + e^(-z)) for moderate z")
def sigmoid_moderate(lab):
    rng = seeded(1)
    for z in (
        np.array([-2.0, -1.0, 0.0, 1.0, 2.0]),
        np.array([-8.5, 3.25, 12.0]),
        rng.normal(size=6) * 4,
        np.zeros(3),
    ):
        what = f"sigmoid(z) with z = {_show(z)}"
        got = _strict(lab, "sigmoid", z, what)
        expect(
            np.shape(got) != z.shape or not np.allclose(got, _sigmoid(-z)) or not z.any(),
            f"{what}: got σ(-z) = 1 / (1 + e^z), expected 1 / (1 + e^(-z)): for z >= 0 the "
            "result is 1 / (1 + e), for z < 0 it is e / (1 + e), with e = exp(-|z|)",
        )
        expect_close(got, _sigmoid(z), what, rtol=1e-12, atol=1e-15)


@check("sigmoid gives 0 and 1 at z = ±1000, without overflow or nan")
def sigmoid_extreme(lab):
    what = f"sigmoid(z) with z = {_show(EXTREME)}"
    got = _strict(lab, "sigmoid", EXTREME, what)
    expect_close(got, _sigmoid(EXTREME), what, rtol=1e-9, atol=1e-15)
    for z in (-1000.0, 1000.0):
        what = f"sigmoid(z) with the single value z = np.array([{z}])"
        expect_close(_strict(lab, "sigmoid", np.array([z]), what), _sigmoid(np.array([z])), what)


@check("sigmoid_prime is σ(z)(1 - σ(z)), 0.25 at 0 and 0 far away")
def prime_values(lab):
    rng = seeded(2)
    for z in (np.array([-3.0, -1.0, 0.0, 1.0, 3.0]), rng.normal(size=5) * 5, EXTREME):
        what = f"sigmoid_prime(z) with z = {_show(z)}"
        got = _strict(lab, "sigmoid_prime", z, what)
        expect_close(got, _sigmoid_prime(z), what, rtol=1e-9, atol=1e-15)
    what = "sigmoid_prime(z) with z = [0.0]"
    expect_close(_strict(lab, "sigmoid_prime", np.array([0.0]), what), [0.25], what)


@check("log_sigmoid is log σ(z), finite even at z = -1000")
def log_values(lab):
    rng = seeded(3)
    for z in (np.array([-2.0, 0.0, 2.0]), rng.normal(size=5) * 10, EXTREME):
        what = f"log_sigmoid(z) with z = {_show(z)}"
        got = _strict(lab, "log_sigmoid", z, what)
        expect_close(got, _log_sigmoid(z), what, rtol=1e-9, atol=1e-15)
    what = "log_sigmoid(z) with z = [-1000.0]"
    expect_close(_strict(lab, "log_sigmoid", np.array([-1000.0]), what), [-1000.0], what)


@check("all three keep the shape of z: 2-D arrays and plain numbers")
def shapes(lab):
    rng = seeded(4)
    z = rng.normal(size=(3, 4)) * 300
    for name, reference in (
        ("sigmoid", _sigmoid),
        ("sigmoid_prime", _sigmoid_prime),
        ("log_sigmoid", _log_sigmoid),
    ):
        what = f"{name}(z) with z of shape {z.shape} and values up to ±{np.abs(z).max():.0f}"
        got = _strict(lab, name, z, what)
        expect_shape(got, z.shape, what)
        expect_close(got, reference(z), what, rtol=1e-9, atol=1e-15)
        for number in (0.0, -1000.0, 3.0):
            what = f"{name}({number}) with a plain float"
            got = _strict(lab, name, number, what)
            expected = reference(np.array(number))
            expect_close(got, expected, what, rtol=1e-9, atol=1e-15)
