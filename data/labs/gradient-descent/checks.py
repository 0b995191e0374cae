"""Checks of the lab gradient-descent (run with `studyplan lab check gradient-descent`)."""

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

ANGLE = 0.6
ROTATION = np.array([[np.cos(ANGLE), -np.sin(ANGLE)], [np.sin(ANGLE), np.cos(ANGLE)]])
A2 = ROTATION @ np.diag([1.0, 10.0]) @ ROTATION.T  # eigenvalues 1 and 10: the limit is 0.2
B2 = np.array([1.0, -2.0])
START2 = np.array([3.0, 2.0])


def _quadratic(A, b):
    return (lambda x: float(0.5 * x @ A @ x - b @ x)), (lambda x: A @ x - b)


def _rosenbrock(x):
    return float((1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2)


def _rosenbrock_grad(x):
    return np.array(
        [2 * (x[0] - 1) + 400 * x[0] ** 3 - 400 * x[0] * x[1], 200 * x[1] - 200 * x[0] ** 2]
    )


def _descend(f, grad, x0, step_size, steps, max_loss=1e8):
    """The expected run, written independently of the learner's."""
    points, losses = [np.array(x0, dtype=float)], [f(np.array(x0, dtype=float))]
    for _ in range(steps):
        points.append(points[-1] - step_size * grad(points[-1]))
        losses.append(f(points[-1]))
        if not np.isfinite(losses[-1]) or losses[-1] > max_loss:
            return np.array(points), np.array(losses), True
    return np.array(points), np.array(losses), False


def _run(lab, f, grad, x0, step_size, steps, what, **kwargs):
    """The learner's (path, losses, diverged), checked for its form."""
    got = call(lab, "gradient_descent", f, grad, x0, step_size, steps, **kwargs)
    expect(got is not None, f"{what} returned None: did you forget `return`?")
    expect(
        isinstance(got, tuple | list) and len(got) == 3,
        f"{what} should return a tuple (path, losses, diverged), got {type(got).__name__}",
    )
    path, losses, diverged = got
    expect(path is not None and losses is not None, f"{what}: path or losses is None")
    path, losses = np.asarray(path, dtype=float), np.asarray(losses, dtype=float)
    if path.ndim == 2 and len(path) > 2:
        expect(
            not np.allclose(path, path[-1]),
            f"{what}: every row of path is the same point, the last one: you appended x and "
            "then changed it in place (x -= ...); write x = x - step_size * grad(x), which "
            "makes a new array each step",
        )
    return path, losses, diverged


@check("rosenbrock_grad is the gradient of Rosenbrock's function")
def rosenbrock_gradient(lab):
    rng = seeded(1)
    points = [
        ("the minimum (1, 1), where it is zero", np.array([1.0, 1.0])),
        ("(0, 0)", np.array([0.0, 0.0])),
        ("the classic start (-1.2, 1)", np.array([-1.2, 1.0])),
        ("a random point", rng.normal(size=2)),
        ("negative values (-2, -3)", np.array([-2.0, -3.0])),
        ("large values (30, -500)", np.array([30.0, -500.0])),
    ]
    for label, x in points:
        what = f"rosenbrock_grad(x) at {label}, x = {np.round(x, 4).tolist()}"
        expect_close(call(lab, "rosenbrock_grad", x), _rosenbrock_grad(x), what, atol=1e-9)


@check("each step moves by -step_size × the gradient")
def one_step(lab):
    f, grad = _quadratic(A2, B2)
    for step_size in (0.1, 0.05):
        what = (
            f"gradient_descent(f, grad, x0, step_size={step_size}, steps=1) on the quadratic "
            f"½ xᵀAx - bᵀx, x0 = {START2.tolist()}"
        )
        path, _, _ = _run(lab, f, grad, START2, step_size, 1, what)
        expect_shape(path, (2, 2), f"{what}: path")
        expected = -step_size * grad(START2)
        expect_close(path[1] - path[0], expected, f"{what}: the step path[1] - path[0]")
    f, grad = _quadratic(np.array([[2.0]]), np.array([-4.0]))
    what = "gradient_descent(f, grad, x0=[5.0], step_size=0.25, steps=1) on f(x) = x² + 4x"
    path, _, _ = _run(lab, f, grad, np.array([5.0]), 0.25, 1, what)
    expect_close(path, [[5.0], [1.5]], f"{what}: path")


@check("gradient_descent returns steps + 1 points and losses, x0 first")
def path_and_losses(lab):
    rng = seeded(2)
    M = rng.normal(size=(3, 3))
    A3, b3 = M @ M.T + np.eye(3), rng.normal(size=3)
    cases = [
        ("the 2-D quadratic", A2, B2, START2, 0.1, 7),
        ("a 3-D quadratic", A3, b3, rng.normal(size=3), 0.05, 12),
        ("a 1-D quadratic", np.array([[4.0]]), np.array([-8.0]), np.array([-3.0]), 0.2, 5),
        ("zero steps", A2, B2, START2, 0.1, 0),
        ("x0 at zero", A2, B2, np.zeros(2), 0.1, 3),
    ]
    for label, A, b, x0, step_size, steps in cases:
        f, grad = _quadratic(A, b)
        what = f"gradient_descent(f, grad, x0, step_size={step_size}, steps={steps}) on {label}"
        path, losses, diverged = _run(lab, f, grad, x0, step_size, steps, what)
        points, values, _ = _descend(f, grad, x0, step_size, steps)
        expect_shape(path, points.shape, f"{what}: path (x0, then one point per step)")
        expect_shape(losses, values.shape, f"{what}: losses (one per point of path)")
        expect_close(path[0], x0, f"{what}: path[0] (the starting point x0)")
        expect_close(path, points, f"{what}: path")
        expect_close(losses, values, f"{what}: losses (f at each point of path)")
        expect_equal(bool(diverged), False, f"{what}: diverged")


@check("below 2 / λ_max the descent converges to the minimum")
def converges(lab):
    f, grad = _quadratic(A2, B2)
    step_size = 1.9 / 10.0
    what = f"gradient_descent(f, grad, x0, step_size={step_size}, steps=300) on the quadratic with λ_max = 10"
    path, losses, diverged = _run(lab, f, grad, START2, step_size, 300, what)
    expect_equal(bool(diverged), False, f"{what}: diverged")
    expect_shape(path, (301, 2), f"{what}: path")
    expect_close(
        path[-1],
        np.linalg.solve(A2, B2),
        f"{what}: the last point (the solution of A x = b)",
        atol=1e-8,
    )
    expect(
        bool(np.all(np.diff(losses) <= 1e-12)),
        f"{what}: the loss went up at step {int(np.argmax(np.diff(losses) > 1e-12)) + 1}; below "
        "the limit every step must lower it",
    )
    loss_curve(losses, "quadratic, step 0.19")


@check("above 2 / λ_max the descent stops at once and reports divergence")
def diverges(lab):
    f, grad = _quadratic(A2, B2)
    for step_size, steps, max_loss in ((0.21, 500, 1e8), (0.3, 500, 1e8), (0.21, 500, 1e3)):
        what = (
            f"gradient_descent(f, grad, x0, step_size={step_size}, steps={steps}, "
            f"max_loss={max_loss:g}) on the quadratic with λ_max = 10 (limit 0.2)"
        )
        path, losses, diverged = _run(
            lab, f, grad, START2, step_size, steps, what, max_loss=max_loss
        )
        points, values, _ = _descend(f, grad, START2, step_size, steps, max_loss)
        expect_equal(bool(diverged), True, f"{what}: diverged")
        expect(
            len(losses) == len(values),
            f"{what}: expected to stop after step {len(values) - 1}, the first whose loss "
            f"({values[-1]:.3g}) is above max_loss, so {len(values)} losses; got {len(losses)}",
        )
        expect_close(path, points, f"{what}: path")
        expect_close(losses, values, f"{what}: losses")
    what = "gradient_descent(rosenbrock, rosenbrock_grad, [-1.2, 1.0], step_size=0.01, steps=100)"
    path, losses, diverged = _run(
        lab, _rosenbrock, _rosenbrock_grad, np.array([-1.2, 1.0]), 0.01, 100, what
    )
    _, values, _ = _descend(_rosenbrock, _rosenbrock_grad, np.array([-1.2, 1.0]), 0.01, 100)
    expect_equal(bool(diverged), True, f"{what}: diverged")
    expect_close(losses, values, f"{what}: losses")


@check("largest_stable_step is 2 / (the largest eigenvalue of A)")
def stable_step(lab):
    rng = seeded(3)
    M = rng.normal(size=(4, 4))
    for label, A in (
        ("A = diag(1, 10) rotated", A2),
        ("A = diag(3, 0.5)", np.diag([3.0, 0.5])),
        ("A = [[4]]", np.array([[4.0]])),
        ("a random 4 x 4 positive definite A", M @ M.T + 0.1 * np.eye(4)),
        ("A = 1000 I (3 x 3)", 1000 * np.eye(3)),
    ):
        what = f"largest_stable_step(A) with {label}"
        expect_close(call(lab, "largest_stable_step", A), 2.0 / np.linalg.eigvalsh(A).max(), what)


@check("on Rosenbrock's function the descent creeps along the valley to (1, 1)")
def rosenbrock_run(lab):
    x0 = np.array([-1.2, 1.0])
    what = "gradient_descent(rosenbrock, rosenbrock_grad, [-1.2, 1.0], step_size=0.002, steps=5000)"
    path, losses, diverged = _run(lab, _rosenbrock, _rosenbrock_grad, x0, 0.002, 5000, what)
    points, values, _ = _descend(_rosenbrock, _rosenbrock_grad, x0, 0.002, 5000)
    expect_equal(bool(diverged), False, f"{what}: diverged")
    expect_shape(losses, values.shape, f"{what}: losses")
    expect_close(path, points, f"{what}: path", rtol=1e-7, atol=1e-9)
    expect_close(losses, values, f"{what}: losses", rtol=1e-6, atol=1e-12)
    loss_curve(losses, "Rosenbrock, step 0.002")
