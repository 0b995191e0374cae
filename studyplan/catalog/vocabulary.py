"""The catalog's fixed vocabularies, importable without pydantic or YAML."""

KINDS = (
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
)
"""Every kind of resource the catalog knows."""

PROVENANCES = ("article", "article-recovered", "curated")
"""Where a resource comes from: the article text, page 2 recovered, or added by this project."""

PRIMARY_ID = "main"
"""Curriculum id of the catalog named in settings (the article); imported ones use their slug."""

MAX_STEP = 1_000
"""The highest step number a command accepts (a curriculum has a handful)."""

MAX_MINUTES = 100_000
"""The longest a resource may take, in minutes (about 1,700 hours): more is a typo."""
