"""The catalog's schema (pydantic). ``data/resources.yaml`` and imported catalogs follow it."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from studyplan.catalog.urls import URL_PATTERN, Url, is_valid_url, url_problem
from studyplan.catalog.vocabulary import KINDS, MAX_MINUTES, PROVENANCES

Kind = Literal[
    "video",
    "playlist",
    "slides",
    "book-chapter",
    "notes",
    "blog-post",
    "tutorial",
    "code",
    "encyclopedia",
    "paper",
    "course",
    "docs",
]
__all__ = ["KINDS", "MAX_MINUTES", "PROVENANCES", "URL_PATTERN", "Url"]
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]$|^[a-z0-9]$")
FORMAT_VERSION = 1
_RESERVED_ID = re.compile(r"(?:step[ -]?)?\d+", re.IGNORECASE)


def is_reserved_id(value: str) -> bool:
    """Whether ``value`` reads as a step reference, so it cannot be a resource's id.

    ``studyplan note`` (and the other commands taking a reference) read ``2``, ``step-2``,
    ``step2`` and ``step 2`` as step 2; a resource with such an id could not be named.
    """
    return _RESERVED_ID.fullmatch(value.strip()) is not None


def check_url(value: str) -> str:
    """Return ``value`` stripped if it follows the URL rule; else ``ValueError`` saying why."""
    if not is_valid_url(value):
        raise ValueError(url_problem(value))
    return value.strip()


def slug_of(title: str) -> str:
    """A stable identifier made from a title (a curriculum's id comes from its source title)."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:120]


def check_text(value: str) -> str:
    """Refuse empty or blank text."""
    if not value.strip():
        raise ValueError("must not be empty")
    return value.strip()


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""Text that is not empty or blank."""
StrList = Annotated[list[str], BeforeValidator(_as_list)]


class Strict(BaseModel):
    """Base for catalog models: unknown keys are errors (they are usually typos)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Provenance(Strict):
    """Where a resource comes from, as shown to the learner."""

    label: Literal["article", "article-recovered", "curated"]
    reason: str = ""

    @model_validator(mode="after")
    def _curated_needs_reason(self) -> Provenance:
        if self.label == "curated" and not self.reason.strip():
            raise ValueError("a curated resource needs a reason: say why it was added")
        return self


def _provenance(value: Any) -> Any:
    return {"label": value} if isinstance(value, str) else value


class Alternative(Strict):
    """Another place to find a resource that may be gone."""

    title: Text
    url: Url
    why: str = ""


class ResourceSpec(Strict):
    """One resource of a step."""

    id: Annotated[str, StringConstraints(pattern=SLUG.pattern)]
    title: Text
    authors: StrList = Field(default_factory=list)
    kind: Kind
    url: Url
    minutes: int = Field(ge=0, le=MAX_MINUTES, strict=True)
    provenance: Annotated[Provenance, BeforeValidator(_provenance)]
    advice: str = ""
    tags: StrList = Field(default_factory=list)
    alternatives: list[Alternative] = Field(default_factory=list)


LAB_FILES = ("brief.md", "starter.py", "solution.py", "checks.py")
"""What every lab's folder holds."""

MAX_LAB_SECONDS = 120.0
"""The longest time limit a lab may ask for its checks."""


class LabSpec(Strict):
    """A practice lab of a step: numpy exercises that studyplan checks."""

    id: Annotated[str, StringConstraints(pattern=SLUG.pattern)]
    title: Text
    minutes: int = Field(ge=0, le=MAX_MINUTES, strict=True)
    follows: Annotated[str, StringConstraints(pattern=SLUG.pattern)]
    """The id of the resource of the same step that the lab practises."""
    brief: Text
    """One sentence; the whole brief is the folder's brief.md."""
    hints: list[Text] = Field(min_length=2)
    """Ordered: a nudge first, nearly the answer last."""
    files: Text
    """The lab's folder, relative to the catalog file (``labs/<id>``), holding LAB_FILES."""
    time_limit: float = Field(10.0, gt=0, le=MAX_LAB_SECONDS)
    """Seconds the learner's file and the checks may run."""
    memory_mb: int = Field(1024, ge=128, le=16384, strict=True)
    """Memory the check process may use (Linux and macOS)."""


class StepSpec(Strict):
    """One step of the curriculum."""

    number: int = Field(ge=1, strict=True)
    title: Text
    summary: str = ""
    resources: list[ResourceSpec] = Field(default_factory=list)
    labs: list[LabSpec] = Field(default_factory=list)


class Source(Strict):
    """The article (or other curriculum) the catalog follows."""

    title: Text
    author: str = ""
    url: Url
    date: str = ""


class CatalogSpec(Strict):
    """A whole catalog file."""

    format_version: int = Field(strict=True)
    source: Source
    steps: list[StepSpec]

    @field_validator("format_version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value != FORMAT_VERSION:
            raise ValueError(
                f"format_version {value} is not supported (this studyplan reads {FORMAT_VERSION})"
            )
        return value

    @property
    def slug(self) -> str:
        """A stable identifier for this curriculum, made from its title."""
        return slug_of(self.source.title)
