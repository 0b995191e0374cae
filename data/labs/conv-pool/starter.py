"""2-D convolution and 2x2 max pooling, forward and backward.

The two layers that make a convolutional network: a convolution slides a small kernel over
the image, and max pooling keeps the largest value of each 2x2 block. Write both ways: the
forward pass, and the backward pass that training needs. Check your work with
`studyplan lab check conv-pool`.

One channel, no batch: an image is a 2-D array (H, W), a kernel (kh, kw).
"""

from __future__ import annotations

import numpy as np


def conv2d(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Valid, stride-1 cross-correlation of ``image`` (H, W) with ``kernel`` (kh, kw).

    ``out[y, x] = sum over i, j of kernel[i, j] * image[y + i, x + j]``, shape
    (H - kh + 1, W - kw + 1). The kernel is not flipped (as in deep-learning libraries).
    """
    # TODO: the output has one value per position where the kernel fits entirely:
    #       (H - kh + 1, W - kw + 1).
    # TODO: out[y, x] = np.sum(kernel * image[y:y + kh, x:x + kw]) (two loops is fine), or
    #       loop over the kernel entries and add kernel[i, j] * a shifted slice of the image.
    raise NotImplementedError("TODO: write conv2d (valid cross-correlation)")


def conv2d_backward(
    image: np.ndarray, kernel: np.ndarray, d_out: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Gradients (d_image, d_kernel) of a loss, given d_out = d loss / d conv2d(image, kernel)."""
    # TODO: kernel[i, j] multiplied image[i:i + out_h, j:j + out_w] (every output at once),
    #       so d_kernel[i, j] = sum of d_out * that slice.
    # TODO: each image pixel fed several outputs: d_image[i:i + out_h, j:j + out_w] gets
    #       kernel[i, j] * d_out ADDED (+=) for every (i, j).
    raise NotImplementedError("TODO: write conv2d_backward (d_image, d_kernel)")


def maxpool2x2(x: np.ndarray) -> np.ndarray:
    """2x2 max pooling with stride 2: shape (H // 2, W // 2); an odd last row/column is dropped."""
    # TODO: crop to an even size, then the maximum of each block x[2r:2r + 2, 2c:2c + 2].
    #       (Vectorised: reshape to (H // 2, 2, W // 2, 2) and take the max over axes 1 and 3.)
    raise NotImplementedError("TODO: write maxpool2x2")


def maxpool2x2_backward(x: np.ndarray, d_out: np.ndarray) -> np.ndarray:
    """d loss / d x given d_out = d loss / d maxpool2x2(x): each gradient goes to its window's
    maximum (the first one, in row-major order, if several are equal); zero elsewhere."""
    # TODO: dx = zeros like x; for each window (r, c) find where its maximum is
    #       (np.argmax and np.unravel_index) and put d_out[r, c] there. Nothing else moves:
    #       the other three values did not affect the output.
    raise NotImplementedError("TODO: write maxpool2x2_backward")


if __name__ == "__main__":
    try:
        image = np.arange(25.0).reshape(5, 5)
        edge = np.array([[1.0, 0.0, -1.0]] * 3)
        print(conv2d(image, edge))
        print(maxpool2x2(image))
    except NotImplementedError as exc:
        print(f"not written yet: {exc}")
