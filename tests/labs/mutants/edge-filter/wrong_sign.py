"""Mutant: kx has the wrong sign: it responds positively where brightness falls to the right."""

from __future__ import annotations

import numpy as np


def sobel_kernels() -> tuple[np.ndarray, np.ndarray]:
    """The 3x3 Sobel kernels (kx, ky) for cross-correlation.

    ``kx`` responds positively where brightness increases to the right (a vertical edge),
    ``ky`` where it increases downward (a horizontal edge).
    """
    kx = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])
    return kx, kx.T


def filter2d(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Cross-correlate ``image`` (H, W) with an odd-sized ``kernel``, keeping the size (H, W).

    The image is padded by repeating its border pixels (``np.pad(..., mode="edge")``), so a
    flat region stays flat up to the border.
    """
    kh, kw = kernel.shape
    h, w = image.shape
    padded = np.pad(image, ((kh // 2, kh // 2), (kw // 2, kw // 2)), mode="edge")
    out = np.zeros((h, w))
    for i in range(kh):
        for j in range(kw):
            out += kernel[i, j] * padded[i : i + h, j : j + w]
    return out


def image_gradients(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(gx, gy): the image filtered with the Sobel kernels kx and ky, each of shape (H, W)."""
    kx, ky = sobel_kernels()
    return filter2d(image, kx), filter2d(image, ky)


def gradient_magnitude(image: np.ndarray) -> np.ndarray:
    """sqrt(gx**2 + gy**2) at every pixel: how strong the edge is, whatever its direction."""
    gx, gy = image_gradients(image)
    return np.hypot(gx, gy)


def edge_mask(image: np.ndarray, threshold: float) -> np.ndarray:
    """Boolean (H, W): True where the gradient magnitude is above ``threshold``."""
    return gradient_magnitude(image) > threshold


if __name__ == "__main__":
    square = np.zeros((8, 8))
    square[2:6, 2:6] = 1.0
    print(edge_mask(square, 1.0).astype(int))
