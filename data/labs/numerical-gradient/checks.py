"""Checks of the lab numerical-gradient (run with `studyplan lab check numerical-gradient`)."""

import numpy as np

from studyplan.labs.expect import call, check, expect, expect_close, seeded


def _sum_of_squares(x):
    return float(np.sum(x**2))


def _coupled(x):
    """x0 x1² + sin(x2) + exp(x0 / 4): every coordinate's derivative depends on the others."""
    return float(x[0] * x[1] ** 2 + np.sin(x[2]) + np.exp(x[0] / 4))


def _coupled_gradient(x):
    return np.array([x[1] ** 2 + np.exp(x[0] / 4) / 4, 2 * x[0] * x[1], np.cos(x[2])])


def _cubes(x):
    return float(np.sum(x**3))


def _norm_error(a, b):
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


@check("numerical_gradient matches the analytic gradient")
def gradient_values(lab):
    rng = seeded(1)
    cases = [
        ("f(x) = sum(x²)", _sum_of_squares, lambda x: 2 * x, rng.normal(size=4)),
        (
            "f(x) = x0·x1² + sin(x2) + exp(x0/4)",
            _coupled,
            _coupled_gradient,
            rng.normal(size=3) * 2,
        ),
        (
            "f(x) = sum(cos(x)) at x = 0",
            lambda x: float(np.sum(np.cos(x))),
            lambda x: -np.sin(x),
            np.zeros(5),
        ),
        (
            "f(x) = sum(x²) with a single coordinate",
            _sum_of_squares,
            lambda x: 2 * x,
            np.array([-3.0]),
        ),
        (
            "f(x) = sum(x²) at large values",
            _sum_of_squares,
            lambda x: 2 * x,
            np.array([1e3, -2e3, 5e2]),
        ),
        (
            "f(x) = x0·x1² + sin(x2) + exp(x0/4) at negative x",
            _coupled,
            _coupled_gradient,
            np.array([-2.0, -1.5, -0.5]),
        ),
    ]
    for label, f, gradient, x in cases:
        what = f"numerical_gradient(f, x) with {label}, x = {np.round(x, 4).tolist()}"
        expect_close(call(lab, "numerical_gradient", f, x), gradient(x), what, rtol=1e-6, atol=1e-6)


@check("numerical_gradient takes central differences, (f(x + h) - f(x - h)) / 2h")
def central_differences(lab):
    rng = seeded(2)
    for h in (1e-2, 1e-1):
        x = rng.normal(size=4)
        # For x³ the central difference is exactly 3x² + h²; a forward difference,
        # (f(x + h) - f(x)) / h, gives 3x² + 3xh + h².
        expected = 3 * x**2 + h**2
        what = f"numerical_gradient(f, x, h={h}) with f(x) = sum(x³), x = {np.round(x, 4).tolist()}"
        got = call(lab, "numerical_gradient", _cubes, x, h=h)
        forward = 3 * x**2 + 3 * x * h + h**2
        expect(
            got is None or np.shape(got) != x.shape or not np.allclose(got, forward, rtol=1e-8),
            f"{what}: got the forward difference (f(x + h) - f(x)) / h; use the central one, "
            "(f(x + h) - f(x - h)) / 2h, whose error shrinks like h² instead of h",
        )
        expect_close(got, expected, what, rtol=1e-8, atol=1e-10)


@check("quadratic_gradient is ½(A + Aᵀ)x + b, for A not symmetric too")
def quadratic_values(lab):
    rng = seeded(3)
    square = rng.normal(size=(3, 3))
    cases = [
        ("A not symmetric (3, 3)", square, rng.normal(size=3), rng.normal(size=3)),
        (
            "A symmetric (2, 2)",
            square[:2, :2] @ square[:2, :2].T,
            rng.normal(size=2),
            rng.normal(size=2),
        ),
        ("A not symmetric and b = 0", rng.normal(size=(4, 4)), np.zeros(4), rng.normal(size=4)),
        ("A (1, 1)", np.array([[4.0]]), np.array([-1.0]), np.array([2.5])),
        ("x = 0 (the gradient is b)", square, np.array([1.0, -2.0, 3.0]), np.zeros(3)),
        (
            "large negative values",
            -100 * np.abs(square),
            50 * rng.normal(size=3),
            -1e3 * np.abs(rng.normal(size=3)),
        ),
    ]
    for label, A, b, x in cases:
        what = f"quadratic_gradient(A, b, x) with {label}"
        got = call(lab, "quadratic_gradient", A, b, x)
        expected = 0.5 * (A + A.T) @ x + b
        for wrong, why in (
            (
                A @ x + b,
                "got A x + b, which is the gradient only when A is symmetric; in general it is ½(A + Aᵀ)x + b",
            ),
            ((A + A.T) @ x + b, "got (A + Aᵀ)x + b: the ½ of ½ xᵀAx is missing"),
        ):
            expect(
                got is None
                or np.shape(got) != x.shape
                or not np.allclose(got, wrong)
                or np.allclose(wrong, expected),
                f"{what}: {why}",
            )
        expect_close(got, expected, what)


@check("relative_error is ||a - b|| / (||a|| + ||b||), 0 for two zero vectors")
def relative_values(lab):
    rng = seeded(4)
    v = rng.normal(size=5)
    cases = [
        ("a = b", v, v.copy()),
        ("a = [1, 0] and b = [0, 1]", np.array([1.0, 0.0]), np.array([0.0, 1.0])),
        ("a = -b", v, -v),
        ("b = 2a", v, 2 * v),
        ("a and b both zero", np.zeros(3), np.zeros(3)),
        ("a = 0 and b not", np.zeros(3), np.array([1e-8, 0.0, -1e-8])),
        ("tiny values, 1e-9 apart", np.array([1e-6, 2e-6]), np.array([1e-6 + 1e-9, 2e-6])),
        ("large values", 1e8 * v, 1e8 * v + 1.0),
        ("a single coordinate", np.array([3.0]), np.array([-1.0])),
    ]
    for label, a, b in cases:
        what = f"relative_error(a, b) with {label}"
        expect_close(
            call(lab, "relative_error", a, b), _norm_error(a, b), what, rtol=1e-9, atol=1e-15
        )


@check("gradient_check is tiny for a right gradient and large for a wrong one")
def checks_gradients(lab):
    rng = seeded(5)
    A, b = rng.normal(size=(4, 4)), rng.normal(size=4)
    x = rng.normal(size=4)

    def f(v):
        return float(0.5 * v @ A @ v + b @ v)

    def right(v):
        return 0.5 * (A + A.T) @ v + b

    what = "gradient_check(f, grad, x) with f(x) = ½ xᵀAx + bᵀx and its right gradient"
    got = call(lab, "gradient_check", f, right, x)
    expect(got is not None, f"{what} returned None: did you forget `return`?")
    expect(
        np.ndim(got) == 0 and 0 <= float(got) < 1e-7,
        f"{what}: got {got!r}, expected a relative error below 1e-7 (numerical_gradient and "
        "relative_error must pass their own checks first)",
    )
    numeric = 0.5 * (A + A.T) @ x + b  # the central difference of a quadratic is exact
    for label, wrong in (
        ("the sign flipped", lambda v: -right(v)),
        ("a factor of 2 too many", lambda v: 2 * right(v)),
        ("A v + b (A is not symmetric)", lambda v: A @ v + b),
        ("the last coordinate missing", lambda v: right(v) * np.array([1.0, 1.0, 1.0, 0.0])),
    ):
        what = f"gradient_check(f, grad, x) with f(x) = ½ xᵀAx + bᵀx and a gradient with {label}"
        expected = _norm_error(wrong(x), numeric)
        expect_close(call(lab, "gradient_check", f, wrong, x), expected, what, rtol=1e-4)
    what = "gradient_check(f, grad, x) with f(x) = x0·x1² + sin(x2) + exp(x0/4), x = [0.5, -1, 2]"
    got = call(lab, "gradient_check", _coupled, _coupled_gradient, np.array([0.5, -1.0, 2.0]))
    expect(
        got is not None and np.ndim(got) == 0 and 0 <= float(got) < 1e-7,
        f"{what}: got {got!r}, expected a relative error below 1e-7 (the gradient is right)",
    )
