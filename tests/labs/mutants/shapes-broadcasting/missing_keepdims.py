"""Mutant: center_rows subtracts X.mean(axis=1) without keepdims, so the row means broadcast along the rows."""

import numpy as np


def center_rows(X):
    """X minus the mean of each row, so that every row has mean 0. X: (m, n) -> (m, n)."""
    return X - X.mean(axis=1)


def pairwise_sq_dists(A, B):
    """D[i, j] = ||A[i] - B[j]||² for A (m, d) and B (n, d); returns D of shape (m, n)."""
    differences = A[:, None, :] - B[None, :, :]
    return np.sum(differences**2, axis=-1)


def batched_matvec(M, v):
    """Row i of the result is M[i] @ v[i]; M: (k, n, d), v: (k, d) -> (k, n)."""
    return (M @ v[:, :, None])[:, :, 0]


def outer_products(U, V):
    """Slice i of the result is np.outer(U[i], V[i]); U: (k, m), V: (k, n) -> (k, m, n)."""
    return U[:, :, None] * V[:, None, :]
