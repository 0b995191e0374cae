"""Checks for the conv-pool lab: convolution and max pooling against slow loop references
and numerical gradients computed here."""

from __future__ import annotations

import numpy as np

from studyplan.labs.expect import call, check, expect, expect_close, expect_shape, seeded


def slow_conv2d(image, kernel):
    """Valid cross-correlation, one output at a time."""
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for y in range(out.shape[0]):
        for x in range(out.shape[1]):
            total = 0.0
            for i in range(kh):
                for j in range(kw):
                    total += kernel[i, j] * image[y + i, x + j]
            out[y, x] = total
    return out


def slow_maxpool(x):
    out = np.zeros((x.shape[0] // 2, x.shape[1] // 2))
    for r in range(out.shape[0]):
        for c in range(out.shape[1]):
            out[r, c] = max(x[2 * r + i, 2 * c + j] for i in range(2) for j in range(2))
    return out


def numerical(f, A, h=1e-5):
    """d f / d A by central differences (A is changed in place and restored)."""
    grad = np.zeros_like(A)
    for i in np.ndindex(A.shape):
        keep = A[i]
        A[i] = keep + h
        up = f()
        A[i] = keep - h
        down = f()
        A[i] = keep
        grad[i] = (up - down) / (2 * h)
    return grad


CONV_SHAPES = [
    ((5, 5), (3, 3)),
    ((6, 4), (2, 3)),
    ((4, 4), (1, 1)),
    ((3, 5), (3, 5)),
    ((7, 6), (4, 2)),
]


def pair(result, what, names):
    expect(
        isinstance(result, tuple | list) and len(result) == 2,
        f"{what} should return a pair ({names}), got {type(result).__name__}",
    )
    return result


def expect_one_cell_per_window(dx, what):
    """Each 2x2 window of dx has at most one non-zero value (the maximum's)."""
    dx = np.asarray(dx, dtype=float)
    h, w = dx.shape[0] // 2, dx.shape[1] // 2
    cells = (dx[: 2 * h, : 2 * w].reshape(h, 2, w, 2) != 0).sum(axis=(1, 3))
    expect(
        bool((cells <= 1).all()),
        f"{what}: a 2x2 window sent its gradient to {int(cells.max())} cells; only the "
        "window's maximum affected the output, so only that cell gets d_out (the first "
        "maximum, as np.argmax picks, when several are equal)",
    )


@check("conv2d matches a slow loop reference (valid, stride 1)")
def conv_reference(lab):
    rng = seeded(1)
    for image_shape, kernel_shape in CONV_SHAPES:
        image, kernel = rng.normal(size=image_shape), rng.normal(size=kernel_shape)
        what = f"conv2d(image, kernel) with image {image.shape}, kernel {kernel.shape}"
        out = call(lab, "conv2d", image, kernel)
        expected = slow_conv2d(image, kernel)
        expect_shape(out, expected.shape, f"{what} (valid: H - kh + 1, W - kw + 1)")
        expect_close(out, expected, what)


@check("conv2d is cross-correlation: the kernel is not flipped")
def conv_not_flipped(lab):
    image = np.arange(20.0).reshape(4, 5)
    kernel = np.array([[1.0, 0.0], [0.0, 0.0]])
    what = "conv2d(image, kernel) with image arange(20) (4, 5), kernel [[1, 0], [0, 0]]"
    out = call(lab, "conv2d", image, kernel)
    expect_shape(out, (3, 4), what)
    flipped = np.allclose(np.asarray(out, dtype=float), image[1:, 1:])
    expect(
        not flipped,
        f"{what}: got image[1:, 1:], the result of a flipped kernel (a true convolution); "
        "deep-learning libraries do not flip: out[y, x] = sum kernel[i, j] * image[y + i, x + j]",
    )
    expect_close(out, image[:-1, :-1], f"{what} (picks each window's top-left pixel)")
    rng = seeded(2)
    image, kernel = rng.normal(size=(6, 6)), rng.normal(size=(3, 2))
    what = f"conv2d(image, kernel) with image {image.shape}, an asymmetric kernel {kernel.shape}"
    out = np.asarray(call(lab, "conv2d", image, kernel), dtype=float)
    expect(
        not (out.shape == (4, 5) and np.allclose(out, slow_conv2d(image, kernel[::-1, ::-1]))),
        f"{what}: the kernel was flipped; do not flip it (cross-correlation)",
    )
    expect_close(out, slow_conv2d(image, kernel), what)


@check("conv2d_backward: d_image and d_kernel match numerical gradients")
def conv_backward(lab):
    rng = seeded(3)
    for image_shape, kernel_shape in CONV_SHAPES:
        image, kernel = rng.normal(size=image_shape), rng.normal(size=kernel_shape)
        d_out = rng.normal(size=slow_conv2d(image, kernel).shape)
        what = (
            f"conv2d_backward(image, kernel, d_out) with image {image.shape}, "
            f"kernel {kernel.shape}, d_out {d_out.shape}"
        )
        d_image, d_kernel = pair(
            call(lab, "conv2d_backward", image, kernel, d_out), what, "d_image, d_kernel"
        )

        def loss(image=image, kernel=kernel, d_out=d_out):
            return float(np.sum(slow_conv2d(image, kernel) * d_out))

        expect_close(
            d_image,
            numerical(loss, image),
            f"{what}: d_image (numerical gradient)",
            rtol=1e-5,
            atol=1e-8,
        )
        expect_close(
            d_kernel,
            numerical(loss, kernel),
            f"{what}: d_kernel (numerical gradient)",
            rtol=1e-5,
            atol=1e-8,
        )


@check("maxpool2x2 keeps the largest value of each 2x2 window")
def pool_forward(lab):
    rng = seeded(4)
    cases = [
        np.arange(16.0).reshape(4, 4),
        rng.normal(size=(6, 4)),
        rng.normal(size=(5, 7)),  # odd: the last row and column are dropped
        -np.abs(rng.normal(size=(4, 6))),  # all negative
        rng.normal(size=(2, 2)),
        rng.normal(size=(3, 3)),
    ]
    for x in cases:
        what = f"maxpool2x2(x) with x {x.shape}"
        out = call(lab, "maxpool2x2", x)
        expected = slow_maxpool(x)
        expect_shape(out, expected.shape, f"{what} (H // 2, W // 2)")
        expect_close(out, expected, what)


@check("maxpool2x2_backward sends each gradient to its window's maximum")
def pool_backward(lab):
    rng = seeded(5)
    for shape in [(4, 4), (6, 4), (5, 7), (2, 2)]:
        x = rng.permutation(np.prod(shape)).reshape(shape) + rng.uniform(0, 0.5, size=shape)
        d_out = rng.normal(size=(shape[0] // 2, shape[1] // 2))
        what = f"maxpool2x2_backward(x, d_out) with x {x.shape} (no ties), d_out {d_out.shape}"
        dx = call(lab, "maxpool2x2_backward", x, d_out)

        def loss(x=x, d_out=d_out):
            return float(np.sum(slow_maxpool(x) * d_out))

        expect_shape(dx, x.shape, what)
        expect_one_cell_per_window(dx, what)
        expect_close(dx, numerical(loss, x), f"{what} (numerical gradient)", atol=1e-8)
    x = np.ones((4, 6))
    d_out = rng.normal(size=(2, 3))
    what = f"maxpool2x2_backward(x, d_out) with x = ones {x.shape} (every window is a tie)"
    dx = np.asarray(call(lab, "maxpool2x2_backward", x, d_out), dtype=float)
    expect_shape(dx, x.shape, what)
    expect_one_cell_per_window(dx, what)
    per_window = dx.reshape(2, 2, 3, 2).transpose(0, 2, 1, 3).reshape(2, 3, 4)
    expect_close(
        per_window.sum(axis=2),
        d_out,
        f"{what}: the gradient summed over each window (it should be d_out, given once)",
    )
