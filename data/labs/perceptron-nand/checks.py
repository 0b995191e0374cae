"""Checks of the lab perceptron-nand (run with `studyplan lab check perceptron-nand`)."""

import itertools

import numpy as np

from studyplan.labs.expect import call, check, expect, expect_equal, expect_shape, seeded

BITS = (0, 1)


def _step(z):
    """The perceptron's step: 1 where z > 0, else 0."""
    return (np.asarray(z) > 0).astype(int)


def _bit(value, what):
    """One bit from what the learner returned (an int, a numpy int or a 0-d array)."""
    expect(value is not None, f"{what} returned None: did you forget `return`?")
    array = np.asarray(value)
    expect(
        array.size == 1 and float(array.reshape(())) in (0.0, 1.0),
        f"{what} should return a bit, 0 or 1, got {value!r}",
    )
    return int(float(array.reshape(())))


def _pair(result, what):
    """(sum_bit, carry_bit) from what the learner returned."""
    expect(result is not None, f"{what} returned None: did you forget `return`?")
    expect(
        isinstance(result, tuple | list) and len(result) == 2,
        f"{what} should return a pair (sum_bit, carry_bit), got {result!r}",
    )
    return _bit(result[0], f"{what}[0] (the sum bit)"), _bit(result[1], f"{what}[1] (the carry)")


def _expect_bits(got, expected, what):
    """An array of bits, one per row, compared as a list (the message shows them all)."""
    expect_shape(got, expected.shape, what)
    expect_equal(np.asarray(got).astype(int).tolist(), expected.tolist(), what)


class _Counting:
    """Replaces one of the learner's functions for a while and counts the calls to it."""

    def __init__(self, lab, name, replacement):
        self.lab, self.name, self.replacement = lab, name, replacement
        self.calls = []

    def __enter__(self):
        self.original = getattr(self.lab, self.name, None)

        def counted(*args, **kwargs):
            self.calls.append((args, kwargs))
            return self.replacement(*args, **kwargs)

        setattr(self.lab, self.name, counted)
        return self

    def __exit__(self, *exc):
        setattr(self.lab, self.name, self.original)
        return False


def _reference_nand(x1, x2):
    return 0 if (x1 and x2) else 1


@check("a perceptron outputs 1 when w·x + b > 0, else 0")
def perceptron_outputs(lab):
    rng = seeded(1)
    for n in (1, 3, 6):
        w = rng.normal(size=n) * 3
        b = float(rng.normal())
        for x in (rng.normal(size=n), -rng.normal(size=n) * 100, rng.integers(0, 2, n)):
            z = float(x @ w + b)
            what = (
                f"perceptron(x, w, b) with x={np.round(x, 3).tolist()}, "
                f"w={np.round(w, 3).tolist()}, b={b:.3f} (w·x + b = {z:.4g})"
            )
            got = call(lab, "perceptron", x, w, b)
            expect_equal(_bit(got, what), int(_step(x @ w + b)), what)
    x = rng.normal(size=(7, 4)) * 10
    x[0] = 0.0
    w, b = rng.normal(size=4), -0.5
    what = f"perceptron(x, w, b) with 7 inputs as rows (x of shape {x.shape}), b={b}"
    _expect_bits(call(lab, "perceptron", x, w, b), _step(x @ w + b), what)
    x1 = x[:1]
    what = f"perceptron(x, w, b) with a single row (x of shape {x1.shape}), b={b}"
    _expect_bits(call(lab, "perceptron", x1, w, b), _step(x1 @ w + b), what)


@check("a perceptron outputs 0 when w·x + b is exactly 0")
def perceptron_boundary(lab):
    cases = [
        (np.array([2.0, 2.0]), np.array([1.0, -1.0]), 0.0),
        (np.array([0.0, 0.0, 0.0]), np.array([4.0, -2.0, 7.0]), 0.0),
        (np.array([1.0, 1.0]), np.array([-2.0, -2.0]), 4.0),
        (np.array([3.0]), np.array([0.0]), 0.0),
    ]
    for x, w, b in cases:
        what = f"perceptron(x, w, b) with x={x.tolist()}, w={w.tolist()}, b={b} (w·x + b = 0)"
        got = _bit(call(lab, "perceptron", x, w, b), what)
        expect(got == 0, f"{what}: got {got}, expected 0: the output is 1 only when w·x + b > 0")
    rows = np.array([[1.0, 1.0], [0.5, 0.5], [0.0, 0.0], [2.0, 2.0]])
    w, b = np.array([-2.0, -2.0]), 2.0
    what = f"perceptron(x, w, b) with rows {rows.tolist()}, w={w.tolist()}, b={b}"
    _expect_bits(call(lab, "perceptron", rows, w, b), np.array([0, 0, 1, 0]), what)


@check("nand(x1, x2) is the perceptron with weights (-2, -2) and bias 3")
def nand_gate(lab):
    for x1, x2 in itertools.product(BITS, BITS):
        what = f"nand({x1}, {x2})"
        expect_equal(_bit(call(lab, "nand", x1, x2), what), _reference_nand(x1, x2), what)
    original = lab.perceptron
    with _Counting(lab, "perceptron", original) as counter:
        call(lab, "nand", 1, 1)
    expect(counter.calls, "nand(1, 1) did not call perceptron: compute NAND with the perceptron")
    args, kwargs = counter.calls[-1]
    w = kwargs.get("w", args[1] if len(args) > 1 else None)
    b = kwargs.get("b", args[2] if len(args) > 2 else None)
    expect(
        w is not None and np.allclose(np.asarray(w, dtype=float), [-2.0, -2.0]),
        f"nand(1, 1) called perceptron with weights {w!r}: Nielsen's NAND uses (-2, -2)",
    )
    expect(
        b is not None and np.isclose(float(b), 3.0),
        f"nand(1, 1) called perceptron with bias {b!r}: Nielsen's NAND uses 3",
    )


@check("half_adder gives the sum and the carry of two bits")
def half_adder_table(lab):
    for x1, x2 in itertools.product(BITS, BITS):
        what = f"half_adder({x1}, {x2})"
        got = _pair(call(lab, "half_adder", x1, x2), what)
        expect_equal(got, ((x1 + x2) % 2, (x1 + x2) // 2), f"{what} as (sum_bit, carry_bit)")


@check("half_adder and full_adder are built from nand gates only")
def built_from_nand(lab):
    for name, arity in (("half_adder", 2), ("full_adder", 3)):
        for inputs in itertools.product(BITS, repeat=arity):
            what = f"{name}{inputs}"
            with _Counting(lab, "nand", _reference_nand) as counter:
                got = _pair(call(lab, name, *inputs), what)
            expect(
                counter.calls,
                f"{what} never called nand: build it from nand gates, as in Nielsen's figure "
                "(no ^, & or | on the bits)",
            )
            total = sum(inputs)
            expect_equal(got, (total % 2, total // 2), f"{what} with nand replaced by a true NAND")


@check("full_adder adds three bits")
def full_adder_table(lab):
    for x1, x2, c in itertools.product(BITS, BITS, BITS):
        what = f"full_adder({x1}, {x2}, {c})"
        got = _pair(call(lab, "full_adder", x1, x2, c), what)
        total = x1 + x2 + c
        expect_equal(got, (total % 2, total // 2), f"{what} as (sum_bit, carry_out)")


def _to_bits(number, n):
    return [(number >> i) & 1 for i in range(n)]


@check("add_bits adds two binary numbers, least significant bit first")
def adds_numbers(lab):
    rng = seeded(2)
    cases = [(1, 0, 1), (1, 1, 1), (2, 3, 1), (4, 0, 0), (4, 15, 15), (4, 9, 7)]
    cases += [(8, int(rng.integers(0, 256)), int(rng.integers(0, 256))) for _ in range(4)]
    for n, p, q in cases:
        a, b = _to_bits(p, n), _to_bits(q, n)
        what = f"add_bits({a}, {b}) ({p} + {q})"
        got = call(lab, "add_bits", a, b)
        expect(got is not None, f"{what} returned None: did you forget `return`?")
        got = [_bit(v, f"{what}, a bit of the result") for v in got]
        expect(
            len(got) == n + 1,
            f"{what}: expected {n + 1} bits (n + 1, the last one the final carry), got {len(got)}: {got}",
        )
        expect_equal(got, _to_bits(p + q, n + 1), f"{what}, bits least significant first")
