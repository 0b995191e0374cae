"""A plain record base for the link checker's values: equality, repr and ``replace``.

Not dataclasses: importing :mod:`dataclasses` costs some 12 ms (it loads :mod:`inspect`),
a third of what a link check may spend before its first request. Each record declares its
fields in ``__slots__`` and writes its own typed ``__init__``; this base compares and shows
them, and copies with changes. A record's ``__slots__`` are its ``_fields`` (and any derived
attribute it adds).
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: importing typing costs a link check 3 ms
if TYPE_CHECKING:
    from typing import Any, Self


class Record:
    """Equality, repr and ``replace`` over the ``__init__`` parameters named in ``_fields``."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in self._fields)

    __hash__ = None  # type: ignore[assignment]  # mutable records are not hashable

    def __repr__(self) -> str:
        shown = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._fields)
        return f"{type(self).__name__}({shown})"

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes`` (field names as keywords), validated like a new one."""
        unknown = set(changes) - set(self._fields)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {sorted(unknown)[0]!r}")
        values = {f: getattr(self, f) for f in self._fields}
        values.update(changes)
        return type(self)(**values)
