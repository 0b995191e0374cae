"""A study group on PostgreSQL: roles, grants and row-level security, kept by the database.

``group init`` runs :func:`install` on a database at the newest revision, as its owner (or a
superuser). It is idempotent: every statement creates what is missing or replaces what is
there, so it can run again after an upgrade of studyplan.

- ``studyplan_learner`` (no login): granted to each learner's login role. It reads the
  catalog, reads and writes learner-owned tables (row-level security limits it to the
  learner's own rows), and may change only ``share_notes`` on its own ``learner`` row.
- ``studyplan_organiser`` (no login): manages learners and the catalog. ``group init`` grants
  it to the role that ran it.
- Policies on every learner-owned table: a row is visible and writable when its ``learner``
  is the learner of the login role (``studyplan_role_learner()``, revision 0010). Notes are
  also readable when their learner shares them (``share_notes``).
- ``studyplan_group_status(since)``: the group's progress summary (per learner and step),
  run with its owner's rights so that a learner sees everybody's counts without seeing
  anybody's rows. It is the only door to other learners' progress.

The table owner is not bound by the policies (``FORCE`` is not set): the organiser who owns
the schema sees everything, as the owner of a database always can. The policies, grants and
functions are access control, not schema: the tables themselves change only through Alembic.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from studyplan.db.models import LEARNER_OWNED

LEARNER_ROLE = "studyplan_learner"
ORGANISER_ROLE = "studyplan_organiser"

OWNED_TABLES = tuple(str(model.__tablename__) for model in LEARNER_OWNED)
CATALOG_TABLES = ("curriculum", "step", "resource", "lab", "link_check", "alembic_version")

MIN_SERVER_VERSION = 140000
"""PostgreSQL 14 or newer: generated columns (12), ``CREATE OR REPLACE`` triggers and the
role rules studyplan relies on; older servers get one clear line."""

ROLE_LEARNER_FUNCTION = """
CREATE OR REPLACE FUNCTION studyplan_role_learner() RETURNS varchar
LANGUAGE sql STABLE SET search_path = {schema}, pg_temp AS $$
  SELECT name FROM {schema}.learner
  WHERE role_name OPERATOR(pg_catalog.=) current_user AND removed_at IS NULL
$$
"""
"""The learner of the login role, which every policy asks. Revision 0010 made it with plain
names, resolved by the caller's ``search_path`` when it runs: a learner could then shadow
``learner`` with a temporary table naming them as somebody else and pass that person's
policies. Here the table and the operator are qualified and the search path fixed."""

STATUS_FUNCTION = """
CREATE OR REPLACE FUNCTION studyplan_group_status(since timestamp)
RETURNS TABLE (learner varchar, step integer, done bigint, total bigint, labs_passed bigint,
               minutes bigint, last_active timestamp)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
{body}
$$
"""


def _create_role(conn: Connection, role: str) -> None:
    """Create a group role unless it exists (two inits at once: the loser finds it made)."""
    conn.execute(
        text(
            f"""DO $$ BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN
                CREATE ROLE {role} NOLOGIN;
              END IF;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
            END $$"""
        )
    )


def install(conn: Connection, status_body: str) -> None:
    """Create or refresh the group's roles, grants, policies and status function."""
    schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    for role in (LEARNER_ROLE, ORGANISER_ROLE):
        _create_role(conn, role)
    conn.execute(text(ROLE_LEARNER_FUNCTION.format(schema=f'"{schema}"')))
    # before PostgreSQL 15 everybody may create objects in the public schema: a learner's
    # function there could shadow one the organiser's queries call, and run with their rights
    conn.execute(text(f'REVOKE CREATE ON SCHEMA "{schema}" FROM PUBLIC'))
    me = conn.execute(text("SELECT current_user")).scalar_one()
    if me != ORGANISER_ROLE:
        conn.execute(text(f'GRANT {ORGANISER_ROLE} TO "{me}"'))
    run = conn.execute
    run(text(f'GRANT CONNECT ON DATABASE "{database}" TO {LEARNER_ROLE}, {ORGANISER_ROLE}'))
    run(text(f'GRANT USAGE ON SCHEMA "{schema}" TO {LEARNER_ROLE}, {ORGANISER_ROLE}'))
    catalog = ", ".join(CATALOG_TABLES)
    owned = ", ".join(OWNED_TABLES)
    run(text(f"GRANT SELECT ON {catalog}, learner TO {LEARNER_ROLE}"))
    run(text(f"GRANT UPDATE (share_notes) ON learner TO {LEARNER_ROLE}"))
    run(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {owned} TO {LEARNER_ROLE}"))
    run(text(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "{schema}" TO {LEARNER_ROLE}'))
    run(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {catalog}, learner TO {ORGANISER_ROLE}"))
    run(text(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "{schema}" TO {ORGANISER_ROLE}'))
    for table in OWNED_TABLES:
        _policies(conn, table)
    _learner_policies(conn)
    run(text(STATUS_FUNCTION.format(schema=f'"{schema}"', body=status_body)))
    run(text("REVOKE ALL ON FUNCTION studyplan_group_status(timestamp) FROM PUBLIC"))
    run(
        text(
            "GRANT EXECUTE ON FUNCTION studyplan_group_status(timestamp) "
            f"TO {LEARNER_ROLE}, {ORGANISER_ROLE}"
        )
    )


def _policies(conn: Connection, table: str) -> None:
    run = conn.execute
    run(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
    run(text(f"DROP POLICY IF EXISTS own_rows ON {table}"))
    check = "learner = studyplan_role_learner()"
    if table == "note_version":  # a version of one's own note (a foreign key ignores policies)
        check += (
            " AND EXISTS (SELECT 1 FROM note n WHERE n.id = note_id "
            "AND n.learner = studyplan_role_learner())"
        )
    run(
        text(
            f"CREATE POLICY own_rows ON {table} "
            f"USING (learner = studyplan_role_learner()) WITH CHECK ({check})"
        )
    )
    if table == "note":
        run(text("DROP POLICY IF EXISTS shared_notes ON note"))
        run(
            text(
                "CREATE POLICY shared_notes ON note FOR SELECT USING "
                "(learner IN (SELECT name FROM learner WHERE share_notes "
                "AND removed_at IS NULL))"
            )
        )


def _learner_policies(conn: Connection) -> None:
    run = conn.execute
    run(text("ALTER TABLE learner ENABLE ROW LEVEL SECURITY"))
    for name in ("everyone_reads", "own_row", "organiser_manages"):
        run(text(f"DROP POLICY IF EXISTS {name} ON learner"))
    run(text("CREATE POLICY everyone_reads ON learner FOR SELECT USING (true)"))
    run(
        text(
            "CREATE POLICY own_row ON learner FOR UPDATE "
            "USING (role_name = current_user) WITH CHECK (role_name = current_user)"
        )
    )
    run(
        text(
            f"CREATE POLICY organiser_manages ON learner TO {ORGANISER_ROLE} "
            "USING (true) WITH CHECK (true)"
        )
    )


def is_installed(conn: Connection) -> bool:
    """Whether ``group init`` ran on this database (its status function exists)."""
    query = text("SELECT to_regprocedure('studyplan_group_status(timestamp)') IS NOT NULL")
    return bool(conn.execute(query).scalar())


def scram_verifier(password: str, iterations: int = 4096) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password`` (RFC 5802/7677).

    ``CREATE ROLE ... PASSWORD`` is given this, never the password itself, so the password
    appears in no server log and no statement history.
    """
    import base64
    import hashlib
    import hmac
    import os

    salt = os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"
