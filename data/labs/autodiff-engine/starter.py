"""A tiny reverse-mode automatic differentiation engine.

Build the engine that TensorFlow and PyTorch have at their core: every operation on a
`Value` records where its result came from, and `backward()` walks that graph from the output
back to the inputs, applying the chain rule at each node. Check your work with
`studyplan lab check autodiff-engine`.
"""

from __future__ import annotations

import math


class Value:
    """One number in a computation graph: its value, its gradient, and the nodes it came from.

    ``data`` is the value computed on the way forward; ``grad`` is d(output)/d(this node),
    filled in by ``backward()`` on the output node; ``parents`` are the nodes this one was
    computed from; ``_backward`` sends this node's ``grad`` on to its parents.
    """

    def __init__(self, data: float, parents: tuple[Value, ...] = (), op: str = "") -> None:
        self.data = float(data)
        self.grad = 0.0
        self.parents = tuple(parents)
        self.op = op
        self._backward = lambda: None

    def __repr__(self) -> str:
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    @staticmethod
    def wrap(other: Value | float) -> Value:
        """``other`` as a Value (a plain number becomes a constant node)."""
        return other if isinstance(other, Value) else Value(other)

    def __add__(self, other: Value | float) -> Value:
        """``self + other``: a new Value whose parents are ``self`` and ``other``."""
        # TODO: wrap `other` (it may be a plain number), make
        #       out = Value(self.data + other.data, (self, other), "+"),
        #       give `out` a `_backward` function that adds out.grad to both parents' grad
        #       (d(a + b)/da = 1), and return out.
        # TODO: use `+=` for gradients: the same node can be a parent more than once.
        raise NotImplementedError("TODO: write Value.__add__ (forward value and _backward)")

    def __mul__(self, other: Value | float) -> Value:
        """``self * other``: a new Value whose parents are ``self`` and ``other``."""
        # TODO: like __add__, but d(a * b)/da = b and d(a * b)/db = a; multiply by out.grad
        #       (the chain rule) before adding to each parent's grad.
        raise NotImplementedError("TODO: write Value.__mul__ (forward value and _backward)")

    def tanh(self) -> Value:
        """``tanh(self)``: a new Value with one parent, ``self``."""
        # TODO: t = math.tanh(self.data); d tanh(x)/dx = 1 - t**2; chain it with out.grad.
        raise NotImplementedError("TODO: write Value.tanh (forward value and _backward)")

    def backward(self) -> None:
        """Fill in ``grad`` of every node this one depends on (d self / d node)."""
        # TODO: list the nodes in topological order (each node after all its parents:
        #       a depth-first visit that appends a node once its parents are done, visiting
        #       each node once even when it is used twice).
        # TODO: set self.grad = 1.0, then call node._backward() for each node in REVERSE
        #       topological order, so a node's grad is complete before it is passed on.
        raise NotImplementedError("TODO: write Value.backward (topological order, chain rule)")

    # Built from + and *: nothing more to write for these.
    def __radd__(self, other: float) -> Value:
        return self + other

    def __rmul__(self, other: float) -> Value:
        return self * other

    def __neg__(self) -> Value:
        return self * -1.0

    def __sub__(self, other: Value | float) -> Value:
        return self + (-Value.wrap(other))

    def __rsub__(self, other: float) -> Value:
        return Value.wrap(other) + (-self)


if __name__ == "__main__":
    try:
        # Try it: the gradient of tanh(w*x + b) with respect to w, x and b.
        w, x, b = Value(0.5), Value(-1.5), Value(0.2)
        y = (w * x + b).tanh()
        y.backward()
        print(y, w.grad, x.grad, b.grad, math.tanh(w.data * x.data + b.data))
    except NotImplementedError as exc:
        print(f"not written yet: {exc}")
