"""Lab shapes-broadcasting: vectors, matrices, shapes and broadcasting (CS229 linear algebra).

Replace each `raise NotImplementedError` with your code (no Python loops), then run
`studyplan lab check shapes-broadcasting`.
"""


def center_rows(X):
    """X minus the mean of each row, so that every row has mean 0. X: (m, n) -> (m, n)."""
    # TODO: the mean of each row: X.mean(axis=...) with keepdims=True, shape (m, 1)
    # TODO: subtract it (broadcasting repeats it along the row)
    raise NotImplementedError("TODO: center_rows")


def pairwise_sq_dists(A, B):
    """D[i, j] = ||A[i] - B[j]||² for A (m, d) and B (n, d); returns D of shape (m, n)."""
    # TODO: the differences of every pair: A[:, None, :] - B[None, :, :], shape (m, n, d)
    # TODO: square them and sum over the coordinates (the last axis)
    raise NotImplementedError("TODO: pairwise_sq_dists")


def batched_matvec(M, v):
    """Row i of the result is M[i] @ v[i]; M: (k, n, d), v: (k, d) -> (k, n)."""
    # TODO: make each v[i] a column, v[:, :, None] of shape (k, d, 1), then M @ it is (k, n, 1)
    # TODO: drop the last axis (or use np.einsum("knd,kd->kn", M, v))
    raise NotImplementedError("TODO: batched_matvec")


def outer_products(U, V):
    """Slice i of the result is np.outer(U[i], V[i]); U: (k, m), V: (k, n) -> (k, m, n)."""
    # TODO: U[:, :, None] has shape (k, m, 1) and V[:, None, :] has shape (k, 1, n)
    # TODO: their product broadcasts to (k, m, n)
    raise NotImplementedError("TODO: outer_products")
