"""Checks for the autodiff-engine lab: the learner's `Value` against plain-number arithmetic
and numerical (central-difference) gradients computed here."""

from __future__ import annotations

import math

from studyplan.labs.expect import call, check, expect, expect_close, function, seeded

# The learner's operations go through `call`, so a method still raising NotImplementedError
# is reported as "not written yet".


def add(x, y):
    if not hasattr(x, "data"):
        return call(y, "__radd__", x)
    return call(x, "__add__", y)


def mul(x, y):
    if not hasattr(x, "data"):
        return call(y, "__rmul__", x)
    return call(x, "__mul__", y)


def tanh(x):
    return call(x, "tanh")


def backward(x):
    call(x, "backward")


class Learner:
    """The operations of the learner's Value."""

    add = staticmethod(add)
    mul = staticmethod(mul)
    tanh = staticmethod(tanh)


class Floats:
    """The same operations on plain numbers, for the expected values."""

    add = staticmethod(lambda x, y: x + y)
    mul = staticmethod(lambda x, y: x * y)
    tanh = staticmethod(math.tanh)


def neuron(o, x1, x2, w1, w2, b):
    return o.tanh(o.add(o.add(o.mul(w1, x1), o.mul(w2, x2)), b))


def shared_square(o, a, b, c):
    d = o.add(o.mul(a, b), c)  # d and a are both used twice
    return o.add(o.mul(d, d), a)


def tanh_twice(o, a, b, c):
    e = o.tanh(o.mul(a, b))
    return o.mul(o.mul(o.add(e, c), e), a)


def two_hidden_units(o, x, w1, b1, w2, b2, v1, v2):
    h1 = o.tanh(o.add(o.mul(x, w1), b1))
    h2 = o.tanh(o.add(o.mul(x, w2), b2))
    error = o.add(o.add(o.mul(h1, v1), o.mul(h2, v2)), -0.5)
    return o.mul(error, error)


EXPRESSIONS = [
    ("tanh(w1*x1 + w2*x2 + b)", neuron, ("x1", "x2", "w1", "w2", "b")),
    ("d*d + a with d = a*b + c", shared_square, ("a", "b", "c")),
    ("(e + c)*e*a with e = tanh(a*b)", tanh_twice, ("a", "b", "c")),
    (
        "(tanh(x*w1 + b1)*v1 + tanh(x*w2 + b2)*v2 - 0.5)^2",
        two_hidden_units,
        ("x", "w1", "b1", "w2", "b2", "v1", "v2"),
    ),
]


def numerical_gradient(f, inputs, h=1e-6):
    """d f / d input_i by central differences, on plain numbers."""
    grads = []
    for i in range(len(inputs)):
        up, down = list(inputs), list(inputs)
        up[i] += h
        down[i] -= h
        grads.append((f(Floats, *up) - f(Floats, *down)) / (2 * h))
    return grads


def expect_reached(grads, what):
    """A clearer message when no gradient reached the inputs at all."""
    expect(
        any(g != 0 for g in grads),
        f"{what}: every input's grad is still 0, so nothing flowed back from the output: "
        "does backward() set the output's grad to 1 and call each node's _backward from the "
        "output back to the inputs (reverse topological order)?",
    )


def is_value(lab, thing):
    return isinstance(thing, function(lab, "Value"))


@check("Adding and multiplying Values computes the right data")
def add_and_multiply(lab):
    Value = function(lab, "Value")
    for a, b in [(2.0, 3.0), (-1.5, 4.0), (0.0, 7.25), (1e3, -1e-3)]:
        for sign, op, expected in [("+", add, a + b), ("*", mul, a * b)]:
            what = f"Value({a}) {sign} Value({b})"
            out = op(Value(a), Value(b))
            expect(
                is_value(lab, out),
                f"{what} should return a new Value, got {type(out).__name__}",
            )
            expect_close(out.data, expected, f"{what}: .data")


@check("Values mix with plain numbers (v + 2, 2 + v, v * 3, 3 * v)")
def plain_numbers(lab):
    Value = function(lab, "Value")
    for v in [1.5, -2.0, 0.0]:
        for what, out, expected in [
            (f"Value({v}) + 2", add(Value(v), 2), v + 2),
            (f"2 + Value({v})", add(2, Value(v)), 2 + v),
            (f"Value({v}) * 3", mul(Value(v), 3), v * 3),
            (f"3 * Value({v})", mul(3, Value(v)), 3 * v),
        ]:
            expect(
                is_value(lab, out),
                f"{what} should return a Value (wrap the plain number in a Value), got "
                f"{type(out).__name__}",
            )
            expect_close(out.data, expected, f"{what}: .data")


@check("tanh() computes the right value")
def tanh_value(lab):
    Value = function(lab, "Value")
    for x in [-3.0, -0.5, 0.0, 0.5, 2.0, 20.0]:
        out = tanh(Value(x))
        expect(is_value(lab, out), f"Value({x}).tanh() should return a Value")
        expect_close(out.data, math.tanh(x), f"Value({x}).tanh(): .data")


@check("Gradients of one +, one * and one tanh")
def one_operation(lab):
    Value = function(lab, "Value")
    for x, y in [(2.0, -3.0), (0.5, 4.0), (-1.25, 0.0)]:
        a, b = Value(x), Value(y)
        backward(add(a, b))
        expect_close(
            [a.grad, b.grad],
            [1.0, 1.0],
            f"[a.grad, b.grad] after (a + b).backward() with a={x}, b={y} (both should be 1)",
        )
        a, b = Value(x), Value(y)
        backward(mul(a, b))
        expect_close(
            [a.grad, b.grad],
            [y, x],
            f"[a.grad, b.grad] after (a * b).backward() with a={x}, b={y} (d(a*b)/da = b, "
            "d(a*b)/db = a)",
        )
    for x in [-2.0, -0.3, 0.0, 0.7, 3.0]:
        a = Value(x)
        backward(tanh(a))
        expect_close(
            a.grad,
            1 - math.tanh(x) ** 2,
            f"a.grad after a.tanh().backward() with a={x} (d tanh(a)/da = 1 - tanh(a)^2)",
        )


@check("A Value used twice accumulates its gradient (+=, not =)")
def used_twice(lab):
    Value = function(lab, "Value")
    for x in [3.0, -0.5, 1.25]:
        a = Value(x)
        backward(mul(a, a))
        if math.isclose(a.grad, x, rel_tol=1e-9) and x != 0:
            expect(
                False,
                f"a.grad after (a * a).backward() with a={x}: got {a.grad:g}, expected "
                f"2a = {2 * x:g}: the second use of `a` overwrote the first; add to "
                "the gradient (+=) instead of setting it (=)",
            )
        expect_close(a.grad, 2 * x, f"a.grad after (a * a).backward() with a={x}")
        a = Value(x)
        backward(add(a, a))
        expect_close(a.grad, 2.0, f"a.grad after (a + a).backward() with a={x}")
        a, b = Value(x), Value(2.0)
        backward(add(mul(a, b), a))
        expect_close(
            [a.grad, b.grad],
            [3.0, x],
            f"[a.grad, b.grad] after (a*b + a).backward() with a={x}, b=2 (expected [b + 1, a])",
        )
    a = Value(0.5)
    total = a
    for _ in range(10):
        total = add(total, a)
    backward(total)
    expect_close(a.grad, 11.0, "a.grad after (a + a + ... + a, 11 times).backward()")


@check("backward() through a node that feeds two branches")
def diamond(lab):
    Value = function(lab, "Value")
    for v in [0.8, -1.3, 0.25]:
        # x -> a = x*x -> (b1 = a*2, b2 = tanh(a)) -> c = b1*b2: `a` feeds two branches, so
        # its grad is complete only after both b1 and b2 have passed theirs back.
        x = Value(v)
        a = mul(x, x)
        b1 = mul(a, 2.0)
        b2 = tanh(a)
        c = mul(b1, b2)
        backward(c)
        av, t = v * v, math.tanh(v * v)
        d_a = 2 * t + 2 * av * (1 - t**2)
        expect_reached([x.grad], f"x.grad after c.backward() with c = (x*x*2) * tanh(x*x), x={v}")
        expect_close(
            [c.grad, b1.grad, b2.grad, a.grad, x.grad],
            [1.0, t, 2 * av, d_a, d_a * 2 * v],
            f"[c, b1, b2, a, x] grads after c.backward() with c = b1*b2, b1 = a*2, "
            f"b2 = tanh(a), a = x*x, x={v}",
        )


@check("Gradients of small expression graphs match numerical gradients")
def expression_graphs(lab):
    Value = function(lab, "Value")
    rng = seeded(4)
    for name, f, names in EXPRESSIONS:
        for _ in range(3):
            inputs = [float(v) for v in rng.uniform(-1.5, 1.5, size=len(names))]
            nodes = [Value(v) for v in inputs]
            out = f(Learner, *nodes)
            shown = ", ".join(f"{n}={v:.3f}" for n, v in zip(names, inputs, strict=True))
            expect_close(out.data, f(Floats, *inputs), f"{name} with {shown}: .data")
            backward(out)
            expect_reached([node.grad for node in nodes], f"after ({name}).backward() with {shown}")
            expect_close(
                [node.grad for node in nodes],
                numerical_gradient(f, inputs),
                f"[{', '.join(names)}] grads after ({name}).backward() with {shown} "
                "(numerical gradients)",
                rtol=1e-5,
                atol=1e-7,
            )
