"""Lab perceptron-nand: perceptrons, NAND gates and an adder (Nielsen, chapter 1).

Replace each `raise NotImplementedError` with your code, then run
`studyplan lab check perceptron-nand`.
"""

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
    # TODO: compute w·x + b (x @ w + b works for one input and for rows)
    # TODO: return 1 where it is strictly greater than 0, else 0, as integers
    raise NotImplementedError("TODO: perceptron")


def nand(x1, x2):
    """NAND of two bits (0 or 1), computed by the perceptron with weights (-2, -2), bias 3."""
    # TODO: call perceptron on the input (x1, x2) with NAND_WEIGHTS and NAND_BIAS
    # TODO: return the result as an int
    raise NotImplementedError("TODO: nand")


def half_adder(x1, x2):
    """The sum bit and the carry bit of x1 + x2, built only from ``nand``.

    Returns (sum_bit, carry_bit): (0, 0), (1, 0), (1, 0) or (0, 1).
    """
    # TODO: a = nand(x1, x2)
    # TODO: the sum is nand(nand(x1, a), nand(x2, a)) (x1 XOR x2)
    # TODO: the carry is nand(a, a) (x1 AND x2)
    raise NotImplementedError("TODO: half_adder")


def full_adder(x1, x2, carry_in):
    """The sum bit and the carry out of x1 + x2 + carry_in, built only from ``nand``.

    Returns (sum_bit, carry_out).
    """
    # TODO: add x1 and x2 with a half-adder, then add carry_in to that sum with another
    # TODO: carry_out is the OR of the two carries: OR(p, q) = nand(nand(p, p), nand(q, q))
    raise NotImplementedError("TODO: full_adder")


def add_bits(a, b):
    """a + b for two lists of n bits, least significant bit first; returns n + 1 bits."""
    # TODO: start with a carry of 0 and go through the bits from the first (least
    # significant) to the last, with a full adder for each position
    # TODO: do not forget the final carry: the result has one bit more than the inputs
    raise NotImplementedError("TODO: add_bits")
