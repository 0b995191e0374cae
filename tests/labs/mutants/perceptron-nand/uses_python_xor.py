"""Mutant: half_adder uses Python's ^ and & on the bits instead of nand gates."""

import numpy as np

NAND_WEIGHTS = np.array([-2.0, -2.0])
NAND_BIAS = 3.0


def perceptron(x, w, b):
    """Output of a perceptron with weights ``w`` and bias ``b`` on input ``x``.

    x: shape (n,) for one input, or (m, n) for m inputs as rows.
    w: shape (n,); b: a number.
    Returns 1 where w·x + b > 0 and 0 otherwise (0 when w·x + b is exactly 0): an int for
    one input, an int array of shape (m,) for m inputs.
    """
    z = np.asarray(x, dtype=float) @ np.asarray(w, dtype=float) + b
    return (z > 0).astype(int)


def nand(x1, x2):
    """NAND of two bits (0 or 1), computed by the perceptron with weights (-2, -2), bias 3."""
    return int(perceptron(np.array([x1, x2]), NAND_WEIGHTS, NAND_BIAS))


def half_adder(x1, x2):
    """The sum bit and the carry bit of x1 + x2, built only from ``nand``.

    Returns (sum_bit, carry_bit): (0, 0), (1, 0), (1, 0) or (0, 1).
    """
    sum_bit = x1 ^ x2
    carry_bit = x1 & x2
    return sum_bit, carry_bit


def full_adder(x1, x2, carry_in):
    """The sum bit and the carry out of x1 + x2 + carry_in, built only from ``nand``.

    Returns (sum_bit, carry_out).
    """
    partial, carry1 = half_adder(x1, x2)
    sum_bit, carry2 = half_adder(partial, carry_in)
    carry_out = nand(nand(carry1, carry1), nand(carry2, carry2))
    return sum_bit, carry_out


def add_bits(a, b):
    """a + b for two lists of n bits, least significant bit first; returns n + 1 bits."""
    result = []
    carry = 0
    for x1, x2 in zip(a, b, strict=True):
        bit, carry = full_adder(x1, x2, carry)
        result.append(bit)
    result.append(carry)
    return result
