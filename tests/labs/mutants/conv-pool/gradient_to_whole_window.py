"""Mutant: maxpool2x2_backward gives d_out to all four cells of the window instead of only to the maximum."""

from __future__ import annotations

import numpy as np


def conv2d(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Valid, stride-1 cross-correlation of ``image`` (H, W) with ``kernel`` (kh, kw).

    ``out[y, x] = sum over i, j of kernel[i, j] * image[y + i, x + j]``, shape
    (H - kh + 1, W - kw + 1). The kernel is not flipped (as in deep-learning libraries).
    """
    kh, kw = kernel.shape
    out_h, out_w = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    out = np.zeros((out_h, out_w))
    for i in range(kh):  # one shifted copy of the image per kernel entry
        for j in range(kw):
            out += kernel[i, j] * image[i : i + out_h, j : j + out_w]
    return out


def conv2d_backward(
    image: np.ndarray, kernel: np.ndarray, d_out: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Gradients (d_image, d_kernel) of a loss, given d_out = d loss / d conv2d(image, kernel)."""
    kh, kw = kernel.shape
    out_h, out_w = d_out.shape
    d_image = np.zeros_like(image, dtype=float)
    d_kernel = np.zeros((kh, kw))
    for i in range(kh):
        for j in range(kw):
            window = image[i : i + out_h, j : j + out_w]  # what kernel[i, j] multiplied
            d_kernel[i, j] = np.sum(d_out * window)
            d_image[i : i + out_h, j : j + out_w] += kernel[i, j] * d_out
    return d_image, d_kernel


def maxpool2x2(x: np.ndarray) -> np.ndarray:
    """2x2 max pooling with stride 2: shape (H // 2, W // 2); an odd last row/column is dropped."""
    h, w = x.shape[0] // 2, x.shape[1] // 2
    windows = x[: 2 * h, : 2 * w].reshape(h, 2, w, 2)  # windows[r, :, c, :] is one 2x2 block
    return windows.max(axis=(1, 3))


def maxpool2x2_backward(x: np.ndarray, d_out: np.ndarray) -> np.ndarray:
    """d loss / d x given d_out = d loss / d maxpool2x2(x): each gradient goes to its window's
    maximum (the first one, in row-major order, if several are equal); zero elsewhere."""
    dx = np.zeros_like(x, dtype=float)
    for r in range(d_out.shape[0]):
        for c in range(d_out.shape[1]):
            window = x[2 * r : 2 * r + 2, 2 * c : 2 * c + 2]
            dx[2 * r : 2 * r + 2, 2 * c : 2 * c + 2] += d_out[r, c] * np.ones_like(window)
    return dx


if __name__ == "__main__":
    image = np.arange(25.0).reshape(5, 5)
    edge = np.array([[1.0, 0.0, -1.0]] * 3)
    print(conv2d(image, edge))
    print(maxpool2x2(image))
