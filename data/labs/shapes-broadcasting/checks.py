"""Checks of the lab shapes-broadcasting (run with `studyplan lab check shapes-broadcasting`)."""

import numpy as np

from studyplan.labs.expect import call, check, expect, expect_close, expect_shape, seeded


def _same(got, candidate):
    """Whether the learner's result equals ``candidate`` (a known wrong answer)."""
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    return got.shape == candidate.shape and bool(np.allclose(got, candidate, rtol=1e-6, atol=1e-9))


def _sq_dists(A, B):
    return np.array([[float(np.sum((a - b) ** 2)) for b in B] for a in A]).reshape(len(A), len(B))


@check("center_rows subtracts from each row its own mean")
def centers_rows(lab):
    rng = seeded(1)
    cases = [
        ("a square X of shape (5, 5)", rng.normal(size=(5, 5)) + np.arange(5)[:, None]),
        ("X of shape (4, 6)", rng.normal(size=(4, 6)) * 3 + 2),
        ("a single row, X of shape (1, 5)", np.array([[1.0, 2.0, 3.0, 4.0, 10.0]])),
        ("large negative values, X of shape (3, 4)", -1e3 * np.abs(rng.normal(size=(3, 4)))),
        ("zeros of shape (2, 3)", np.zeros((2, 3))),
    ]
    for label, X in cases:
        what = f"center_rows(X) with {label}"
        got = call(lab, "center_rows", X)
        expected = X - np.mean(X, axis=1, keepdims=True)
        columns = X - np.mean(X, axis=0, keepdims=True)
        expect(
            not _same(got, columns) or _same(expected, columns),
            f"{what}: you centered the columns (mean over axis 0); each row must get mean 0, "
            "so take the mean over axis=1",
        )
        if X.shape[0] == X.shape[1]:
            flat = X - np.mean(X, axis=1)
            expect(
                not _same(got, flat) or _same(expected, flat),
                f"{what}: the row means, of shape (m,), were subtracted along each row (column j "
                "got the mean of row j): keep their axis, X.mean(axis=1, keepdims=True), shape (m, 1)",
            )
        expect_shape(got, X.shape, what)
        expect_close(
            np.mean(got, axis=1),
            np.zeros(X.shape[0]),
            f"{what}: the mean of each row of the result",
            atol=1e-9 * max(1.0, float(np.abs(X).max())),
        )
        expect_close(got, expected, what)


@check("pairwise_sq_dists gives D[i, j] = ||A[i] - B[j]||², shape (m, n)")
def pairwise_values(lab):
    rng = seeded(2)
    cases = [
        ("A (4, 3) and B (6, 3)", rng.normal(size=(4, 3)), rng.normal(size=(6, 3))),
        ("square: A (5, 2) and B (5, 2)", rng.normal(size=(5, 2)), rng.normal(size=(5, 2)) + 1),
        ("a single row, A (1, 3) and B (4, 3)", rng.normal(size=(1, 3)), rng.normal(size=(4, 3))),
        (
            "d = 1, A (3, 1) and B (2, 1)",
            np.array([[0.0], [-2.0], [5.0]]),
            np.array([[1.0], [-3.0]]),
        ),
        (
            "large negative values, A (2, 4) and B (3, 4)",
            -500 + 100 * rng.normal(size=(2, 4)),
            300 * rng.normal(size=(3, 4)),
        ),
    ]
    for label, A, B in cases:
        what = f"pairwise_sq_dists(A, B) with {label}"
        got = call(lab, "pairwise_sq_dists", A, B)
        m, n, d = A.shape[0], B.shape[0], A.shape[1]
        expect(got is not None, f"{what} returned None: did you forget `return`?")
        expect(
            np.shape(got) not in ((m, d), (n, d)) or (m, n) in ((m, d), (n, d)),
            f"{what}: expected shape ({m}, {n}), got {np.shape(got)}: summed over the wrong "
            "axis? Sum the squared differences over the coordinates, the last axis",
        )
        expect(
            not _same(got, _sq_dists(A, -B)) or not B.any(),
            f"{what}: got ||A[i] + B[j]||², expected ||A[i] - B[j]||²: the sign of B is flipped",
        )
        scale = float(max(np.abs(A).max(), np.abs(B).max(), 1.0)) ** 2
        expect_close(got, _sq_dists(A, B), what, atol=1e-12 * scale * d)


@check("pairwise_sq_dists(A, A) has a zero diagonal and no negative values")
def pairwise_self(lab):
    rng = seeded(3)
    for label, A in (
        ("A of shape (6, 3)", rng.normal(size=(6, 3))),
        (
            "points far from the origin, A = 1e4 + noise, shape (5, 3)",
            1e4 + rng.normal(size=(5, 3)),
        ),
        ("a single point, A of shape (1, 2)", np.array([[3.0, -4.0]])),
        ("zeros of shape (3, 2)", np.zeros((3, 2))),
    ):
        what = f"pairwise_sq_dists(A, A) with {label}"
        got = call(lab, "pairwise_sq_dists", A, A)
        expect_shape(got, (len(A), len(A)), what)
        got = np.asarray(got, dtype=float)
        scale = float(max(np.abs(A).max(), 1.0)) ** 2
        expect_close(np.diag(got), np.zeros(len(A)), f"{what}: the diagonal", atol=1e-12 * scale)
        expect(
            bool((got >= 0).all()),
            f"{what}: got a negative squared distance, {got.min():.3g}: rounding errors of the "
            "expansion ||a||² + ||b||² - 2 a·b; clip them with np.maximum(D, 0)",
        )
        expect_close(got, got.T, f"{what}: the result should be symmetric, D[i, j] = D[j, i]")


@check("batched_matvec multiplies each M[i] by its own v[i]")
def matvec_values(lab):
    rng = seeded(4)
    cases = [
        (
            "square matrices, M (4, 3, 3) and v (4, 3)",
            rng.normal(size=(4, 3, 3)),
            rng.normal(size=(4, 3)),
        ),
        ("M (3, 4, 2) and v (3, 2)", rng.normal(size=(3, 4, 2)), rng.normal(size=(3, 2))),
        (
            "a single matrix, M (1, 2, 5) and v (1, 5)",
            rng.normal(size=(1, 2, 5)),
            rng.normal(size=(1, 5)),
        ),
        ("v all zeros, M (2, 3, 3) and v (2, 3)", rng.normal(size=(2, 3, 3)), np.zeros((2, 3))),
        (
            "large negative values, M (2, 2, 4) and v (2, 4)",
            -1e3 * np.abs(rng.normal(size=(2, 2, 4))),
            1e2 * rng.normal(size=(2, 4)),
        ),
    ]
    for label, M, v in cases:
        what = f"batched_matvec(M, v) with {label}"
        got = call(lab, "batched_matvec", M, v)
        expected = np.stack([M[i] @ v[i] for i in range(len(M))])
        if M.shape[1] == M.shape[2]:
            transposed = np.stack([M[i].T @ v[i] for i in range(len(M))])
            expect(
                not _same(got, transposed) or _same(expected, transposed),
                f"{what}: got M[i]ᵀ @ v[i], expected M[i] @ v[i] (a transposed matrix: the sum "
                "runs over the last axis of M, d)",
            )
        expect_close(got, expected, what)


@check("outer_products stacks np.outer(U[i], V[i])")
def outer_values(lab):
    rng = seeded(5)
    cases = [
        ("U (3, 2) and V (3, 4)", rng.normal(size=(3, 2)), rng.normal(size=(3, 4))),
        ("square slices, U (2, 3) and V (2, 3)", rng.normal(size=(2, 3)), rng.normal(size=(2, 3))),
        ("a single pair, U (1, 4) and V (1, 1)", rng.normal(size=(1, 4)), np.array([[-2.0]])),
        ("U all zeros (2, 2) and V (2, 3)", np.zeros((2, 2)), rng.normal(size=(2, 3))),
    ]
    for label, U, V in cases:
        what = f"outer_products(U, V) with {label}"
        got = call(lab, "outer_products", U, V)
        k, m, n = U.shape[0], U.shape[1], V.shape[1]
        expected = np.stack([np.outer(U[i], V[i]) for i in range(k)])
        swapped = np.stack([np.outer(V[i], U[i]) for i in range(k)])
        expect(
            got is None or not _same(got, swapped) or _same(expected, swapped),
            f"{what}: got np.outer(V[i], U[i]), expected np.outer(U[i], V[i]): each slice is "
            f"transposed; slice i has shape ({m}, {n}), U[i] as a column times V[i] as a row",
        )
        expect_close(got, expected, what)
