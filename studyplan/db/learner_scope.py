"""Every query on a learner's rows sees that learner's rows only; every new row is theirs.

One SQLite file usually serves one learner and one PostgreSQL server a study group. The
services never pass the learner around: each connection knows who is working, through the
SQL function ``studyplan_learner()`` (on SQLite a Python function registered on every
connection; on PostgreSQL a function of revision 0010 that returns the learner of the login
role, else the connection's ``studyplan.learner`` setting). Then:

- :func:`mine` is the condition ``learner = studyplan_learner()``; every query that reads a
  learner-owned table states it, in the join or the where clause;
- as a safety net, every ORM statement (selects, joins, aliases, ORM updates and deletes) gets
  the same condition added for each learner-owned entity, with SQLAlchemy's
  ``with_loader_criteria`` (the documented recipe for a global filter);
- the ``learner`` column's default is the learner of the connection that inserts the row.

On PostgreSQL, row-level security policies enforce the rule in the database itself for the
learners' roles (``group init`` installs them: :mod:`studyplan.db.group_schema`); this
module keeps the program's own queries right on every backend and for the table owner,
whom the policies do not bind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Engine, event, func, select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.sql import FromClause

from studyplan.errors import DatabaseError

T = TypeVar("T")

LEARNER_KEY = "learner"
"""The key of the learner's name in ``Session.info`` and in engine execution options."""

_owned: tuple[type[Any], ...] = ()


def learner_default(context: Any) -> str:
    """The ``learner`` column's default: the learner of the connection inserting the row."""
    learner = context.execution_options.get(LEARNER_KEY) if context is not None else None
    if not learner:
        raise DatabaseError("a learner's row was written without a learner (a studyplan bug)")
    return str(learner)


def register(owned: tuple[type[Any], ...]) -> None:
    """Scope the ORM statements of every session to its learner, for the ``owned`` models."""
    global _owned
    first = not _owned
    _owned = owned
    if first:
        event.listen(Session, "do_orm_execute", _scope_statement)
        for model in owned:
            event.listen(model, "before_insert", _fill_learner)


ALL_LEARNERS = "all_learners"
"""Execution option of a statement that reads every learner's rows on purpose (the group's
status, the search index's bookkeeping): the ORM safety net leaves it alone."""

FUNCTION = "studyplan_learner"
"""The SQL function that names the learner of the connection."""


def mine(model: Any) -> ColumnElement[bool]:
    """The condition "this row of ``model`` (a learner-owned model, an alias of one or its
    table) is the connection's learner's"."""
    columns = model.c if isinstance(model, FromClause) else model
    return columns.learner == getattr(func, FUNCTION)()


def _scope_statement(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.execution_options.get(ALL_LEARNERS):
        return
    if state.is_column_load or state.is_relationship_load:
        return
    options = [
        with_loader_criteria(
            model, lambda cls: cls.learner == func.studyplan_learner(), include_aliases=True
        )
        for model in _owned
    ]
    state.statement = state.statement.options(*options)


def _fill_learner(mapper: Any, connection: Any, target: Any) -> None:
    """Before the ORM inserts a learner's row: the connection's learner, if none was given."""
    if getattr(target, "learner", None) is None:
        learner = connection.get_execution_options().get(LEARNER_KEY)
        if not learner:
            raise DatabaseError("a learner's row was written without a learner (a studyplan bug)")
        target.learner = learner


def find_own(session: Session, model: type[T], **key: Any) -> T | None:
    """The session learner's row of ``model`` with ``key`` (``session.get`` for learner-owned
    rows, whose primary key includes the learner)."""
    return session.execute(select(model).filter_by(**key)).scalars().first()


def tell_learner(engine: Engine, learner: Callable[[], str]) -> None:
    """Make every connection of ``engine`` know its learner (``learner()``, read each time
    on SQLite; on a server, given when the connection opens)."""
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _register(dbapi_connection: Any, record: Any) -> None:
            dbapi_connection.create_function(FUNCTION, 0, learner, deterministic=True)

    elif engine.dialect.name == "postgresql":

        @event.listens_for(engine, "do_connect")
        def _setting(dialect: Any, record: Any, cargs: Any, cparams: dict[str, Any]) -> None:
            name = learner()
            if name:
                given = cparams.get("options", "")
                cparams["options"] = f"{given} -c studyplan.learner={name}".strip()
