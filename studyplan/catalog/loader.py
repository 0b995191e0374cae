"""Load a catalog file and report every problem as ``FILE: path: what (line N)``."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from studyplan.catalog.schema import CatalogSpec
from studyplan.errors import CatalogError

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader


@dataclass(frozen=True)
class CatalogIssue:
    """One problem found in a catalog file."""

    file: str
    where: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if not self.where:
            position = f":{self.line}:{self.column}" if self.line and self.column else ""
            return f"{self.file}{position}: {self.message}"
        at = f" (line {self.line})" if self.line else ""
        return f"{self.file}: {self.where}: {self.message}{at}"


class CatalogInvalid(CatalogError):
    """A catalog file with one or more problems; ``issues`` lists them all."""

    def __init__(self, issues: list[CatalogIssue]) -> None:
        more = (
            f" (and {len(issues) - 1} more: run 'studyplan catalog validate')"
            if len(issues) > 1
            else ""
        )
        super().__init__(f"{issues[0]}{more}")
        self.issues = issues


def load_catalog(path: Path) -> CatalogSpec:
    """Parse and validate the catalog at ``path``; raise :class:`CatalogInvalid` on problems."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CatalogError(
            f"{name}: no such file; check the path or the 'catalog' setting"
        ) from None
    except OSError as exc:
        raise CatalogError(f"{name}: cannot read ({exc.strerror})") from None
    data = parse_yaml(raw, name)
    if not isinstance(data, dict):
        raise CatalogInvalid(
            [CatalogIssue(name, "", "the file must hold a mapping with 'steps'", 1, 1)]
        )
    try:
        catalog = CatalogSpec.model_validate(data)
    except ValidationError as exc:
        raise CatalogInvalid(_validation_issues(exc, raw, name)) from None
    problems = semantic_issues(catalog)
    if problems:
        raise CatalogInvalid([_locate(raw, name, where, msg) for where, msg in problems])
    return catalog


def parse_yaml(raw: bytes, name: str) -> Any:
    """Parse YAML, turning syntax errors into ``FILE:LINE:COLUMN: what``.

    Large catalogs are parsed by rapidyaml (C++, about ten times faster than PyYAML);
    whenever it refuses a file, PyYAML parses it again to say exactly where and why.
    """
    fast = _parse_fast(raw)
    if fast is not _FAILED:
        return fast
    try:
        return yaml.load(raw, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            what = f"{exc.problem} ({exc.context})"
        line = mark.line + 1 if mark else 1
        column = mark.column + 1 if mark else 1
        raise CatalogInvalid(
            [CatalogIssue(name, "", f"YAML syntax: {what}", line, column)]
        ) from None
    except yaml.YAMLError as exc:
        raise CatalogInvalid([CatalogIssue(name, "", f"YAML: {exc}", 1, 1)]) from None


_FAILED = object()
FAST_PARSE_MIN_BYTES = 256 * 1024
"""Files smaller than this are parsed by PyYAML alone: it is fast enough there."""


def _parse_fast(raw: bytes) -> Any:
    """Parse with rapidyaml through JSON; ``_FAILED`` if unavailable or the YAML is refused."""
    if len(raw) < FAST_PARSE_MIN_BYTES:
        return _FAILED
    try:
        import ryml
    except ImportError:  # pragma: no cover - rapidyaml is a declared dependency
        return _FAILED
    try:
        with _quiet_stderr():
            tree = ryml.parse_in_arena(raw)
            text = ryml.emit_json_malloc(tree, tree.root_id())
        return json.loads(text)
    except Exception:  # rapidyaml refuses: PyYAML will say where and why
        return _FAILED


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Silence what the C++ parser prints on standard error while it runs."""
    try:
        saved = os.dup(2)
    except OSError:  # pragma: no cover - no stderr at all
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def semantic_issues(catalog: CatalogSpec) -> list[tuple[tuple[Any, ...], str]]:
    """Problems the schema alone cannot see: step order and duplicate ids."""
    problems: list[tuple[tuple[Any, ...], str]] = []
    if not catalog.steps:
        problems.append((("steps",), "the catalog has no steps"))
    seen: dict[str, str] = {}
    for i, step in enumerate(catalog.steps):
        if step.number != i + 1:
            problems.append(
                (
                    ("steps", i, "number"),
                    f"steps out of order: expected {i + 1}, found {step.number}",
                )
            )
        for j, resource in enumerate(step.resources):
            where = f"steps[{i}].resources[{j}]"
            if resource.id in seen:
                problems.append(
                    (
                        ("steps", i, "resources", j, "id"),
                        f"duplicate id '{resource.id}' (first used at {seen[resource.id]})",
                    )
                )
            else:
                seen[resource.id] = where
    return problems


def _validation_issues(exc: ValidationError, raw: bytes, name: str) -> list[CatalogIssue]:
    issues = []
    for error in exc.errors():
        loc = tuple(part for part in error["loc"] if not _is_wrapper(part))
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown key (check its spelling)"
        elif error["type"] == "missing":
            message = "required key is missing"
        elif error["type"] == "literal_error":
            message = f"{message}, got {error.get('input')!r}"
        elif error["type"] == "string_too_short":
            message = "must not be empty"
        elif error["type"] == "string_pattern_mismatch":
            message = _pattern_message(loc, error.get("input"))
        issues.append(_locate(raw, name, loc, message))
    return issues


def _pattern_message(loc: tuple[Any, ...], value: Any) -> str:
    if loc and loc[-1] == "id":
        return f"id {value!r} must be a slug: lowercase letters, digits and dashes"
    return f"URL must start with http:// or https:// and name a host, got {value!r}"


def _is_wrapper(part: Any) -> bool:
    return isinstance(part, str) and (part.startswith("function-") or part in ("str", "dict"))


def _locate(raw: bytes, name: str, loc: tuple[Any, ...], message: str) -> CatalogIssue:
    return CatalogIssue(name, format_loc(loc), message, line_of(raw, loc))


def format_loc(loc: tuple[Any, ...]) -> str:
    """``('steps', 2, 'resources', 0, 'url')`` → ``steps[2].resources[0].url``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def line_of(raw: bytes, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the node at ``loc``, or of its nearest existing parent."""
    try:
        node = yaml.compose(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        child = _child(node, part)
        if child is None:
            break
        key_node, node = child
        line = (key_node or node).start_mark.line + 1
    return line


def _child(node: Any, part: Any) -> tuple[Any, Any] | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == str(part):
                return key, value
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return None, node.value[part]
    return None
