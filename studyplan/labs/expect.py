"""What a lab's ``checks.py`` uses: register checks, call the learner's functions, and
compare what came back with messages a learner can act on.

A check is a function of ``checks.py`` marked with :func:`check`; it receives the learner's
module and raises :class:`Mismatch` (through the ``expect_*`` helpers) when something is
wrong. Checks run in file order, each with the random generators seeded, in a separate
process (:mod:`studyplan.labs.harness`). This module needs only numpy.

Messages say which function, what was expected and what came back::

    forward(X, W1, b1, W2, b2): expected shape (4, 1), got (1, 4) (transposed?)
    sigmoid_prime(z): wrong value at [2]: got -0.104994, expected 0.104994 (off by 0.21,
    tolerance 1e-06); 3 of 5 values differ (the sign is flipped?)
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np

F = TypeVar("F", bound=Callable[..., Any])

_ORDER = itertools.count()

CURVES: dict[str, list[float]] = {}
"""Loss curves recorded by the checks of the current run (the harness reports them)."""


class Mismatch(AssertionError):
    """A check failed; ``str()`` is the message shown to the learner."""


class NotWritten(Mismatch):
    """The learner's function still raises NotImplementedError (a TODO left)."""


def check(title: str) -> Callable[[F], F]:
    """Mark a function of ``checks.py`` as one check named ``title`` (run in file order)."""

    def mark(function: F) -> F:
        function.__lab_check__ = title  # type: ignore[attr-defined]
        function.__lab_order__ = next(_ORDER)  # type: ignore[attr-defined]
        return function

    return mark


def function(lab: Any, name: str) -> Callable[..., Any]:
    """The learner's function ``name``; a clear failure if the file has none."""
    found = getattr(lab, name, None)
    if not callable(found):
        raise Mismatch(
            f"your file has no function `{name}`: keep the name and the arguments the starter "
            "gave it"
        )
    return found


def call(lab: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    """Call the learner's ``name(*args, **kwargs)`` on copies of array arguments.

    A ``NotImplementedError`` (the starter's TODO) becomes :class:`NotWritten`; any other
    exception goes up to the harness, which shows it with the line of the learner's file.
    """
    target = function(lab, name)
    copied = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args]
    try:
        return target(*copied, **kwargs)
    except NotImplementedError as exc:
        detail = f" ({exc})" if str(exc) else ""
        raise NotWritten(
            f"`{name}` is not written yet: it still raises NotImplementedError{detail}"
        ) from None


def expect(condition: bool, message: str) -> None:
    """Fail with ``message`` unless ``condition`` holds."""
    if not condition:
        raise Mismatch(message)


def expect_equal(actual: Any, expected: Any, what: str) -> None:
    """Exact equality, for counts, bits, booleans and tuples of them."""
    _not_none(actual, what)
    if isinstance(expected, np.ndarray) or isinstance(actual, np.ndarray):
        expect_shape(actual, np.shape(expected), what)
        differs = np.argwhere(np.asarray(actual) != np.asarray(expected))
        if differs.size:
            where = tuple(int(i) for i in differs[0])
            got, wanted = np.asarray(actual)[where].item(), np.asarray(expected)[where].item()
            raise Mismatch(
                f"{what}: wrong value at {_index(where)}: got {got!r}, expected {wanted!r}; "
                f"{len(differs)} of {np.size(expected)} values differ"
            )
        return
    if _plain(actual) != _plain(expected):
        raise Mismatch(f"{what}: got {_plain(actual)!r}, expected {_plain(expected)!r}")


def expect_shape(actual: Any, shape: Sequence[int], what: str) -> None:
    """The array ``actual`` has ``shape``."""
    _not_none(actual, what)
    got = tuple(np.shape(actual))
    wanted = tuple(int(n) for n in shape)
    if got != wanted:
        hint = " (transposed?)" if got == wanted[::-1] and len(got) == 2 else ""
        raise Mismatch(f"{what}: expected shape {wanted}, got {got}{hint}")


def expect_close(
    actual: Any,
    expected: Any,
    what: str,
    *,
    rtol: float = 1e-6,
    atol: float = 1e-9,
) -> None:
    """``actual`` equals ``expected`` within the tolerances, element by element.

    Checks in order: something came back, it is numeric, the shape, finiteness, then the
    values; the message names the first wrong element, by how much, how many differ, and
    a likely cause when one fits (a flipped sign, a factor such as a missing 1/2 or
    learning rate, a transposed matrix, values shifted by one place).
    """
    _not_none(actual, what)
    got = _numbers(actual, what)
    wanted = np.asarray(expected, dtype=float)
    if got.shape != wanted.shape:
        if got.size == wanted.size == 1:
            got = got.reshape(wanted.shape)
        else:
            expect_shape(got, wanted.shape, what)
    bad = ~np.isfinite(got) & np.isfinite(wanted)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise Mismatch(
            f"{what}: got {got[where] if where else got.item()} at {_index(where)} where "
            f"{wanted[where] if where else wanted.item():.6g} was expected (an overflow, or a "
            "division by zero?)"
        )
    close = np.isclose(got, wanted, rtol=rtol, atol=atol)
    if close.all():
        return
    where = tuple(int(i) for i in np.argwhere(~close)[0])
    g = float(got[where]) if where else float(got.item())
    w = float(wanted[where]) if where else float(wanted.item())
    tolerance = atol + rtol * abs(w)
    at = f" at {_index(where)}" if where else ""
    count = int((~close).sum())
    many = f"; {count} of {close.size} values differ" if close.size > 1 else ""
    raise Mismatch(
        f"{what}: wrong value{at}: got {g:.6g}, expected {w:.6g} (off by {abs(g - w):.3g}, "
        f"tolerance {tolerance:.2g}){many}{_likely_cause(got, wanted, rtol, atol)}"
    )


def loss_curve(values: Sequence[float], label: str = "loss") -> None:
    """Record a training curve (one value per epoch) for the lab screen to draw."""
    CURVES[label] = [float(v) for v in values]


def seeded(seed: int = 0) -> np.random.Generator:
    """A seeded random generator for building test inputs."""
    return np.random.default_rng(seed)


def _not_none(actual: Any, what: str) -> None:
    if actual is None:
        raise Mismatch(f"{what} returned None: did you forget `return`?")


def _numbers(actual: Any, what: str) -> np.ndarray:
    try:
        return np.asarray(actual, dtype=float)
    except (TypeError, ValueError):
        raise Mismatch(
            f"{what} should return numbers (a float or a numpy array), got {type(actual).__name__}"
        ) from None


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple | list):
        return type(value)(_plain(v) for v in value)
    return value


def _index(where: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(i) for i in where) + "]"


def _likely_cause(got: np.ndarray, wanted: np.ndarray, rtol: float, atol: float) -> str:
    """A short guess at the usual mistake, when one explains every value."""

    def matches(candidate: np.ndarray) -> bool:
        return candidate.shape == wanted.shape and bool(
            np.isclose(candidate, wanted, rtol=rtol, atol=atol).all()
        )

    if matches(-got):
        return " (the sign is flipped?)"
    if got.ndim == 2 and got.shape[0] == got.shape[1] and matches(got.T):
        return " (transposed?)"
    nonzero = np.abs(wanted) > atol
    if nonzero.sum() > 1:  # one number alone is always "k times" another: no guess
        ratios = got[nonzero] / wanted[nonzero]
        ratio = float(ratios[0])
        if np.allclose(ratios, ratio, rtol=1e-6) and abs(ratio) > 1e-12 and abs(ratio - 1) > 1e-9:
            if np.isclose(ratio, 2.0) or np.isclose(ratio, 0.5):
                return f" (every value is {ratio:g} times the expected one: a factor of 1/2?)"
            return f" (every value is {ratio:.4g} times the expected one: a missing factor?)"
    if got.ndim >= 1 and got.size > 2:
        flat_g, flat_w = got.ravel(), wanted.ravel()
        if np.allclose(flat_g[1:], flat_w[:-1], rtol=rtol, atol=atol) or np.allclose(
            flat_g[:-1], flat_w[1:], rtol=rtol, atol=atol
        ):
            return " (shifted by one place: an off-by-one in a loop or a slice?)"
    return ""
