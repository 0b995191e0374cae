"""Mutant: backward() runs the nodes in topological order instead of reverse topological order."""

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
        other = Value.wrap(other)
        out = Value(self.data + other.data, (self, other), "+")

        def backward() -> None:
            self.grad += out.grad
            other.grad += out.grad

        out._backward = backward
        return out

    def __mul__(self, other: Value | float) -> Value:
        other = Value.wrap(other)
        out = Value(self.data * other.data, (self, other), "*")

        def backward() -> None:
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = backward
        return out

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def backward() -> None:
            self.grad += (1.0 - t * t) * out.grad

        out._backward = backward
        return out

    def backward(self) -> None:
        """Fill in ``grad`` of every node this one depends on (d self / d node)."""
        order: list[Value] = []
        seen: set[int] = set()

        def visit(node: Value) -> None:
            if id(node) in seen:
                return
            seen.add(id(node))
            for parent in node.parents:
                visit(parent)
            order.append(node)  # after all its parents: a topological order

        visit(self)
        self.grad = 1.0
        for node in order:  # from the output back to the inputs
            node._backward()

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
    # Try it: the gradient of tanh(w*x + b) with respect to w, x and b.
    w, x, b = Value(0.5), Value(-1.5), Value(0.2)
    y = (w * x + b).tanh()
    y.backward()
    print(y, w.grad, x.grad, b.grad, math.tanh(w.data * x.data + b.data))
