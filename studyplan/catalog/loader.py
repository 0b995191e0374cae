"""Load a catalog file and report every problem as ``FILE: path: what (line N)``.

One run finds everything: YAML refusals (:mod:`studyplan.catalog.yaml_reader`), then the
schema's errors and the semantic checks (:mod:`studyplan.catalog.semantic_checks`) together,
sorted by line. Lines come from the tree of the one parse (:mod:`studyplan.catalog.positions`);
the work per problem does not depend on the size of the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from studyplan import collector
from studyplan.catalog.lab_files import lab_file_problems
from studyplan.catalog.positions import TreePositions
from studyplan.catalog.schema import MAX_MINUTES, CatalogSpec, slug_of
from studyplan.catalog.semantic_checks import Problem, resource_ids, semantic_problems
from studyplan.catalog.urls import url_problem
from studyplan.catalog.yaml_reader import YamlProblem, YamlRefused, read_yaml
from studyplan.errors import CatalogError


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
        first = issues[0]
        more = ""
        if len(issues) > 1:
            name = f'"{first.file}"' if any(c.isspace() for c in first.file) else first.file
            more = f" (and {len(issues) - 1} more: run 'studyplan catalog validate {name}')"
        super().__init__(f"{first}{more}")
        self.issues = issues


def load_catalog(path: Path) -> CatalogSpec:
    """Parse and validate the catalog at ``path``; raise :class:`CatalogInvalid` on problems."""
    document = read_catalog(path)
    spec, problems = document.check()
    if spec is None or problems or document.yaml_problems:
        raise CatalogInvalid(document.issues(problems))
    return spec


def read_catalog(path: Path) -> CatalogDocument:
    """Read and parse the file at ``path`` (YAML only; :meth:`CatalogDocument.check` validates).

    Raises :class:`CatalogError` if the file cannot be read and :class:`CatalogInvalid` if it
    is not YAML the catalog rules accept.
    """
    name = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CatalogError(
            f"{name}: no such file; check the path or the 'catalog' setting"
        ) from None
    except IsADirectoryError:
        raise CatalogError(f"{name}: is a folder, not a catalog file") from None
    except OSError as exc:
        raise CatalogError(f"{name}: cannot read ({exc.strerror})") from None
    try:
        with collector.paused():
            parsed = read_yaml(raw, collect=True)
    except YamlRefused as exc:
        raise CatalogInvalid(
            [
                CatalogIssue(name, format_loc(p.where), p.message, p.line, p.column)
                for p in exc.problems
            ]
        ) from None
    return CatalogDocument(name, raw, parsed.data, parsed.positions, parsed.problems)


@dataclass
class CatalogDocument:
    """A parsed catalog file: its raw bytes and data, and where each part of it is."""

    name: str
    raw: bytes
    data: Any
    positions: TreePositions
    yaml_problems: list[YamlProblem] = field(default_factory=list)
    """What the YAML rules refuse (duplicate keys, tags, aliases), already located."""

    def check(self) -> tuple[CatalogSpec | None, list[Problem]]:
        """The validated catalog (``None`` if the schema refused it) and every problem found."""
        if not isinstance(self.data, dict):
            return None, [
                ((), "the file must hold a mapping with 'format_version', 'source' and 'steps'")
            ]
        spec: CatalogSpec | None = None
        with collector.paused():
            try:
                spec = CatalogSpec.model_validate(self.data)
                problems: list[Problem] = []
            except ValidationError as exc:
                problems = schema_problems(exc, self.data)
            seen = {loc for loc, _ in problems}
            problems += [p for p in semantic_problems(self.data) if p[0] not in seen]
            problems += lab_file_problems(self.data, Path(self.name))
        return spec, problems

    def resource_ids(self) -> list[tuple[tuple[Any, ...], str]]:
        """Every resource id in the file that is text, with its location."""
        return list(resource_ids(self.data))

    def slug(self) -> str | None:
        """The curriculum id this file would be imported as, if its source has a title."""
        source = self.data.get("source") if isinstance(self.data, dict) else None
        title = source.get("title") if isinstance(source, dict) else None
        slug = slug_of(title) if isinstance(title, str) else ""
        return slug or None

    def issues(self, problems: list[Problem]) -> list[CatalogIssue]:
        """``problems`` with their lines, in the order of the file."""
        positions, lines = self.positions, self.positions.lines
        yaml_places = {p.where for p in self.yaml_problems}
        located = []
        for loc, message in problems:
            if loc in yaml_places:  # the YAML problem there says more than the schema
                continue
            offset = positions.offset_of(positions.node_at(loc))
            line = lines.line_of(offset) if offset is not None else None
            column = lines.column_of(offset) if offset is not None and not loc else None
            if not loc:
                line, column = line or 1, column or 1
            located.append(CatalogIssue(self.name, format_loc(loc), message, line, column))
        located += [
            CatalogIssue(self.name, format_loc(p.where), p.message, p.line, p.column)
            for p in self.yaml_problems
        ]
        return sorted(located, key=lambda issue: issue.line or 0)


def schema_problems(exc: ValidationError, data: Any) -> list[Problem]:
    """The schema's errors as ``(location, message)``, worded for a curator."""
    problems = []
    for error in exc.errors(include_url=False, include_input=False, include_context=False):
        loc = tuple(part for part in error["loc"] if not _is_wrapper(part))
        problems.append((loc, _message(error["type"], error["msg"], loc, data)))
    return problems


def _message(kind: str, msg: str, loc: tuple[Any, ...], data: Any) -> str:
    if kind == "extra_forbidden":
        return "unknown key (check its spelling)"
    if kind == "missing":
        return "required key is missing; add it"
    if kind == "string_too_short":
        return "must not be empty"
    value = value_at(data, loc)
    if value is None and loc[-1:] == ("label",):  # provenance written as plain text
        value = value_at(data, loc[:-1])
    if kind == "literal_error":
        return f"{msg}, got {value!r}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"must be {msg.lower().removeprefix('input should be ')}, got {value!r}"
    if kind == "string_pattern_mismatch":
        return _pattern_message(loc, value)
    if kind == "less_than_equal" and loc and loc[-1] == "minutes":
        return f"must be at most {MAX_MINUTES} minutes, got {value!r}"
    if kind == "int_type":
        return f"must be a whole number, got {value!r}" + (
            "; remove the quotes" if isinstance(value, str) else ""
        )
    if kind == "list_type":
        return f"must be a list, got {value!r}"
    if kind == "string_type" and isinstance(value, int | float | bool):
        return f"must be text, got {value!r}; put it in quotes"
    return msg.removeprefix("Value error, ")


def _pattern_message(loc: tuple[Any, ...], value: Any) -> str:
    if loc and loc[-1] == "id":
        return f"id {value!r} must be a slug: lowercase letters, digits and dashes"
    return url_problem(str(value))


def _is_wrapper(part: Any) -> bool:
    return isinstance(part, str) and (part.startswith("function-") or part in ("str", "dict"))


_MISSING = object()


def value_at(data: Any, loc: tuple[Any, ...]) -> Any:
    """The value at ``loc`` in ``data`` (``None`` where the path does not lead anywhere)."""
    for part in loc:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part, _MISSING)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
        if data is _MISSING:
            return None
    return data


def format_loc(loc: tuple[Any, ...]) -> str:
    """``('steps', 2, 'resources', 0, 'url')`` → ``steps[2].resources[0].url``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
