"""Checks for the edge-filter lab: Sobel kernels, a same-size filter with edge padding, and
edges found on synthetic images whose edges are known."""

from __future__ import annotations

import numpy as np

from studyplan.labs.expect import (
    call,
    check,
    expect,
    expect_close,
    expect_equal,
    expect_shape,
    seeded,
)

KX = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
KY = KX.T


def slow_filter(image, kernel, border="edge"):
    """Same-size cross-correlation, one pixel at a time; outside pixels repeat the border
    (or are 0 with border="zero")."""
    h, w = image.shape
    kh, kw = kernel.shape
    out = np.zeros((h, w))
    for y in range(h):
        for x in range(w):
            for i in range(kh):
                for j in range(kw):
                    yy, xx = y + i - kh // 2, x + j - kw // 2
                    if border == "zero" and not (0 <= yy < h and 0 <= xx < w):
                        continue
                    out[y, x] += (
                        kernel[i, j] * image[min(max(yy, 0), h - 1), min(max(xx, 0), w - 1)]
                    )
    return out


def pair(result, what, names):
    expect(
        isinstance(result, tuple | list) and len(result) == 2,
        f"{what} should return a pair ({names}), got {type(result).__name__}",
    )
    return result


def vertical_step(h, w, column, low=0.0, high=1.0):
    """Columns left of `column` are `low`, the rest `high`: one vertical edge."""
    image = np.full((h, w), low)
    image[:, column:] = high
    return image


@check("sobel_kernels: 3x3, kx for brightness rising to the right, ky for rising downward")
def kernels(lab):
    kx, ky = pair(call(lab, "sobel_kernels"), "sobel_kernels()", "kx, ky")
    expect_shape(kx, (3, 3), "sobel_kernels(): kx")
    expect_shape(ky, (3, 3), "sobel_kernels(): ky")
    expect_close(kx, KX, "sobel_kernels(): kx (columns: left -1, middle 0, right +1; rows 1, 2, 1)")
    expect_close(ky, KY, "sobel_kernels(): ky (rows: top -1, middle 0, bottom +1; columns 1, 2, 1)")


@check("filter2d keeps the image size (edge padding) and matches a loop reference")
def filter_reference(lab):
    rng = seeded(1)
    cases = [
        (rng.normal(size=(5, 7)), rng.normal(size=(3, 3))),
        (rng.normal(size=(4, 4)), np.array([[2.0]])),  # 1x1: a scaled copy
        (rng.normal(size=(6, 5)), rng.normal(size=(5, 5))),
        (rng.normal(size=(3, 3)), KX),
        (rng.normal(size=(4, 6)), rng.normal(size=(1, 3))),
    ]
    for image, kernel in cases:
        what = f"filter2d(image, kernel) with image {image.shape}, kernel {kernel.shape}"
        out = np.asarray(call(lab, "filter2d", image, kernel), dtype=float)
        expect_shape(out, image.shape, f"{what} (the same size as the image)")
        expected = slow_filter(image, kernel)
        zero_padded = slow_filter(image, kernel, border="zero")
        expect(
            kernel.size == 1 or np.allclose(out, expected) or not np.allclose(out, zero_padded),
            f"{what}: the border pixels are wrong: you padded with zeros; repeat the border "
            "pixels instead (np.pad(image, ..., mode='edge'))",
        )
        expect_close(out, expected, what)


@check("A vertical edge shows up in gx only (and its sign tells dark-to-bright)")
def vertical_edges(lab):
    for h, w, column, low, high in [(6, 8, 4, 0.0, 1.0), (5, 6, 1, 0.0, 2.0), (4, 7, 3, 1.0, 0.0)]:
        image = vertical_step(h, w, column, low, high)
        what = (
            f"image_gradients(image) with image {image.shape}: {low:g} left of column "
            f"{column}, {high:g} from it on"
        )
        gx, gy = pair(call(lab, "image_gradients", image), what, "gx, gy")
        expected = np.zeros((h, w))
        expected[:, column - 1 : column + 1] = 4.0 * (high - low)  # (1 + 2 + 1) * step
        expect_close(
            gx, expected, f"{what}: gx (non-zero only in columns {column - 1} and {column})"
        )
        expect_close(gy, np.zeros((h, w)), f"{what}: gy (a vertical edge has no vertical change)")


@check("A horizontal edge shows up in gy only")
def horizontal_edges(lab):
    for h, w, row, low, high in [(8, 6, 4, 0.0, 1.0), (6, 5, 1, 0.0, 3.0), (7, 4, 5, 1.0, 0.0)]:
        image = vertical_step(w, h, row, low, high).T
        what = f"image_gradients(image) with image {image.shape}: {low:g} above row {row}, {high:g} from it on"
        gx, gy = pair(call(lab, "image_gradients", image), what, "gx, gy")
        expected = np.zeros((h, w))
        expected[row - 1 : row + 1, :] = 4.0 * (high - low)
        expect_close(gy, expected, f"{what}: gy (non-zero only in rows {row - 1} and {row})")
        expect_close(
            gx, np.zeros((h, w)), f"{what}: gx (a horizontal edge has no horizontal change)"
        )


@check("gradient_magnitude on a flat image, ramps and random images")
def magnitude(lab):
    flat = np.full((5, 6), 0.7)
    expect_close(
        call(lab, "gradient_magnitude", flat),
        np.zeros((5, 6)),
        "gradient_magnitude(image) with a flat image (5, 6) (no edges anywhere, even at the border)",
    )
    y, x = np.mgrid[0:6, 0:7].astype(float)
    ramp = 0.5 * x
    expected = np.full((6, 7), 4.0)  # interior: 8 * 0.5; border columns see half the slope
    expected[:, [0, -1]] = 2.0
    what = "gradient_magnitude(image) with image[y, x] = 0.5 * x (6, 7)"
    out = np.asarray(call(lab, "gradient_magnitude", ramp), dtype=float)
    expect(
        not (out.shape == expected.shape and np.allclose(out, expected**2)),
        f"{what}: got gx**2 + gy**2 ({out[0, 0]:g} at [0, 0], expected {expected[0, 0]:g}): "
        "take the square root, sqrt(gx**2 + gy**2)",
    )
    expect_close(out, expected, what)
    ramp = x + 2 * y
    gx = slow_filter(ramp, KX)
    gy = slow_filter(ramp, KY)
    expect_close(
        call(lab, "gradient_magnitude", ramp),
        np.sqrt(gx**2 + gy**2),
        "gradient_magnitude(image) with image[y, x] = x + 2y (6, 7) (interior: sqrt(8^2 + 16^2))",
    )
    rng = seeded(2)
    for shape in [(5, 5), (3, 8)]:
        image = rng.normal(size=shape)
        expect_close(
            call(lab, "gradient_magnitude", image),
            np.hypot(slow_filter(image, KX), slow_filter(image, KY)),
            f"gradient_magnitude(image) with a random image {shape}",
        )


@check("edge_mask finds the outline of a bright square and nothing else")
def square_outline(lab):
    for size, top, side, threshold in [(10, 3, 4, 1.0), (8, 2, 4, 2.5), (6, 0, 3, 1.0)]:
        image = np.zeros((size, size))
        image[top : top + side, top : top + side] = 1.0
        what = (
            f"edge_mask(image, threshold={threshold}) with image {image.shape}, a square of 1s "
            f"at rows and columns {top}..{top + side - 1}"
        )
        mask = call(lab, "edge_mask", image, threshold)
        expect_shape(mask, image.shape, what)
        mask = np.asarray(mask)
        expect(
            mask.dtype == bool,
            f"{what} should return booleans (magnitude > threshold), got dtype {mask.dtype}",
        )
        magnitude = np.hypot(slow_filter(image, KX), slow_filter(image, KY))
        expect_equal(mask, magnitude > threshold, what)
