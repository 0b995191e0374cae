"""Where things are in a file parsed by rapidyaml: paths to nodes, nodes to lines.

Every line number the loader reports comes from the one parse. ``ryml.parse_in_place`` leaves
each scalar in the buffer it parsed, and ``tree.key(node)`` / ``tree.val(node)`` return
memoryviews into that buffer: a scalar's byte offset is its address minus the buffer's.
Offsets become lines through :class:`LineIndex` (a newline count per 4 KiB block, made
once, then at most one block counted per lookup). Containers are indexed once when first
needed, so a sequence with thousands of problems is not walked again for each of them.
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from typing import Any

import ryml

NONE: int = ryml.NONE
"""rapidyaml's "no such node"."""


class LineIndex:
    """Turn byte offsets into 1-based line and column numbers, in linear total time."""

    BLOCK = 1 << 12

    def __init__(self, raw: bytes) -> None:
        self._raw = raw
        self._before: list[int] | None = None

    def line_of(self, offset: int) -> int:
        """The 1-based line holding byte ``offset``."""
        before = self._blocks()
        block = min(offset // self.BLOCK, len(before) - 1)
        start = block * self.BLOCK
        return before[block] + self._raw.count(b"\n", start, max(offset, start)) + 1

    def column_of(self, offset: int) -> int:
        """The 1-based column (in bytes) of byte ``offset`` on its line."""
        return offset - (self._raw.rfind(b"\n", 0, offset) + 1) + 1

    def _blocks(self) -> list[int]:
        if self._before is None:
            raw, size, total = self._raw, self.BLOCK, 0
            before = []
            for start in range(0, len(raw) + 1, size):
                before.append(total)
                total += raw.count(b"\n", start, start + size)
            self._before = before
        return self._before


class _PyBuffer(ctypes.Structure):
    """CPython's ``Py_buffer``: how to read a (read-only) memoryview's address."""

    _fields_ = (
        ("buf", ctypes.c_void_p),
        ("obj", ctypes.c_void_p),
        ("len", ctypes.c_ssize_t),
        ("itemsize", ctypes.c_ssize_t),
        ("readonly", ctypes.c_int),
        ("ndim", ctypes.c_int),
        ("format", ctypes.c_char_p),
        ("shape", ctypes.c_void_p),
        ("strides", ctypes.c_void_p),
        ("suboffsets", ctypes.c_void_p),
        ("internal", ctypes.c_void_p),
    )


_get_buffer = ctypes.pythonapi.PyObject_GetBuffer
_get_buffer.argtypes = (ctypes.py_object, ctypes.POINTER(_PyBuffer), ctypes.c_int)
_get_buffer.restype = ctypes.c_int
_release_buffer = ctypes.pythonapi.PyBuffer_Release
_release_buffer.argtypes = (ctypes.POINTER(_PyBuffer),)
_release_buffer.restype = None


def address_of(buffer: Any) -> int:
    """The memory address of the first byte of ``buffer`` (anything with the buffer protocol)."""
    view = _PyBuffer()
    if _get_buffer(buffer, ctypes.byref(view), 0) != 0:  # pragma: no cover - never for memoryviews
        raise ValueError("no buffer")
    try:
        return view.buf or 0
    finally:
        _release_buffer(ctypes.byref(view))


class TreePositions:
    """Navigate a rapidyaml tree by location path and say where its nodes are."""

    def __init__(self, raw: bytes, buffer: bytearray, tree: ryml.Tree) -> None:
        self.raw = raw
        self.tree = tree
        self.lines = LineIndex(raw)
        self._buffer = buffer  # the tree points into it: keep it alive as long as the tree
        self._base = address_of(buffer)
        self._children: dict[int, list[int]] = {}
        self._keys: dict[int, dict[str, int]] = {}
        self._index: dict[int, dict[int, int]] = {}

    def document(self) -> int:
        """The node holding the document: the root, or the only document of a stream."""
        root = self.tree.root_id()
        if self.tree.is_stream(root) and self.tree.num_children(root) == 1:
            return int(self.tree.first_child(root))
        return int(root)

    def children(self, node: int) -> list[int]:
        """The children of ``node`` in order (indexed once per container)."""
        found = self._children.get(node)
        if found is None:
            found, child, tree = [], self.tree.first_child(node), self.tree
            while child != NONE:
                found.append(child)
                child = tree.next_sibling(child)
            self._children[node] = found
        return found

    def key_text(self, node: int) -> str:
        """The key of a map entry as text (undecodable bytes replaced)."""
        key = self.tree.key(node)
        return "" if key is None else str(key, "utf-8", "replace")

    def node_at(self, loc: Sequence[Any]) -> int:
        """The node at ``loc`` (keys and indexes), or the deepest one of its parents that exists."""
        node = self.document()
        for part in loc:
            child = self._child(node, part)
            if child is None:
                break
            node = child
        return node

    def _child(self, node: int, part: Any) -> int | None:
        kind = self.tree.type(node)
        if isinstance(part, str) and kind & ryml.MAP:
            keys = self._keys.get(node)
            if keys is None:
                keys = {}
                for child in self.children(node):
                    keys.setdefault(self.key_text(child), child)
                self._keys[node] = keys
            return keys.get(part)
        if isinstance(part, int) and not isinstance(part, bool) and kind & ryml.SEQ:
            items = self.children(node)
            return items[part] if 0 <= part < len(items) else None
        return None

    def path_of(self, node: int) -> tuple[Any, ...]:
        """The location path of ``node`` from the document (keys and indexes)."""
        tree, top = self.tree, self.document()
        parts: list[Any] = []
        while node != top and node != NONE:
            parent = tree.parent(node)
            if parent == NONE:
                break
            if tree.is_map(parent):
                parts.append(self.key_text(node))
            else:
                parts.append(self._position(parent, node))
            node = parent
        return tuple(reversed(parts))

    def _position(self, parent: int, node: int) -> int:
        index = self._index.get(parent)
        if index is None:
            index = {child: i for i, child in enumerate(self.children(parent))}
            self._index[parent] = index
        return index[node]

    def offset_of(self, node: int) -> int | None:
        """Byte offset of ``node``: its key, its value, the first scalar in it, or its parent's."""
        tree = self.tree
        while node != NONE:
            found = self._own_offset(node)
            inner = node
            while found is None and inner != NONE and tree.has_children(inner):
                inner = tree.first_child(inner)
                found = self._own_offset(inner)
            if found is not None:
                return found
            node = tree.parent(node)
        return None

    def _own_offset(self, node: int) -> int | None:
        tree = self.tree
        if tree.has_key(node):
            return self.scalar_offset(tree.key(node))
        if tree.has_val(node):
            return self.scalar_offset(tree.val(node))
        return None

    def scalar_offset(self, scalar: memoryview | None) -> int | None:
        """Where ``scalar`` (a memoryview from the tree) starts in the file, if it is in it."""
        if scalar is None:
            return None
        offset = address_of(scalar) - self._base
        return offset if 0 <= offset <= len(self._buffer) else None

    def line_of(self, node: int) -> int | None:
        """The 1-based line of ``node`` (see :meth:`offset_of`), if it can be told."""
        offset = self.offset_of(node)
        return None if offset is None else self.lines.line_of(offset)
