"""Edge detection with Sobel filters.

A convolution with the right small kernel turns an image into a map of its edges: this is
what the first layer of a trained convolutional network ends up learning by itself. Write the
filter, the two Sobel kernels and the gradient magnitude, and find the edges of synthetic
images. Check your work with `studyplan lab check edge-filter`.

Images are 2-D float arrays (H, W); row index y grows downward, column index x to the right.
"""

from __future__ import annotations

import numpy as np


def sobel_kernels() -> tuple[np.ndarray, np.ndarray]:
    """The 3x3 Sobel kernels (kx, ky) for cross-correlation.

    ``kx`` responds positively where brightness increases to the right (a vertical edge),
    ``ky`` where it increases downward (a horizontal edge).
    """
    # TODO: kx compares the column on the right with the column on the left, weighting the
    #       middle row twice: rows [-1, 0, 1], [-2, 0, 2], [-1, 0, 1].
    # TODO: ky does the same between the bottom and the top row.
    raise NotImplementedError("TODO: write sobel_kernels (kx, ky)")


def filter2d(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Cross-correlate ``image`` (H, W) with an odd-sized ``kernel``, keeping the size (H, W).

    The image is padded by repeating its border pixels (``np.pad(..., mode="edge")``), so a
    flat region stays flat up to the border.
    """
    # TODO: pad kh // 2 rows above and below and kw // 2 columns left and right, repeating
    #       the border pixels (mode="edge").
    # TODO: out[y, x] = np.sum(kernel * padded[y:y + kh, x:x + kw]) for every pixel (y, x):
    #       the kernel's centre sits on pixel (y, x). Do not flip the kernel.
    raise NotImplementedError("TODO: write filter2d (same size, edge padding)")


def image_gradients(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(gx, gy): the image filtered with the Sobel kernels kx and ky, each of shape (H, W)."""
    # TODO: filter the image with each kernel from sobel_kernels().
    raise NotImplementedError("TODO: write image_gradients (gx, gy)")


def gradient_magnitude(image: np.ndarray) -> np.ndarray:
    """sqrt(gx**2 + gy**2) at every pixel: how strong the edge is, whatever its direction."""
    # TODO: combine gx and gy (np.hypot does exactly this).
    raise NotImplementedError("TODO: write gradient_magnitude")


def edge_mask(image: np.ndarray, threshold: float) -> np.ndarray:
    """Boolean (H, W): True where the gradient magnitude is above ``threshold``."""
    # TODO: compare the gradient magnitude with the threshold (strictly greater).
    raise NotImplementedError("TODO: write edge_mask")


if __name__ == "__main__":
    try:
        square = np.zeros((8, 8))
        square[2:6, 2:6] = 1.0
        print(edge_mask(square, 1.0).astype(int))
    except NotImplementedError as exc:
        print(f"not written yet: {exc}")
