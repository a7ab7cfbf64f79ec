"""Age in days computed by the database, so a ranking reads numbers instead of timestamps.

Parsing a thousand timestamps per ranking costs more than the query itself on SQLite;
``age_days(now, column)`` lets the database subtract instead (``julianday`` on SQLite,
``EXTRACT(EPOCH ...)`` elsewhere).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Float, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from bot.storage.tables import UTCDateTime


class _AgeDays(FunctionElement[float]):
    """Days from a timestamp expression to a moment, as a float."""

    type = Float()
    inherit_cache = True
    name = "age_days"


@compiles(_AgeDays, "sqlite")
def _age_days_sqlite(element: _AgeDays, compiler: Any, **kw: Any) -> str:
    now, moment = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(julianday({now}) - julianday({moment}))"


@compiles(_AgeDays)
def _age_days_default(element: _AgeDays, compiler: Any, **kw: Any) -> str:
    now, moment = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(EXTRACT(EPOCH FROM ({now} - {moment})) / 86400.0)"


def age_days(
    now: datetime | ColumnElement[datetime], moment: ColumnElement[Any]
) -> ColumnElement[float]:
    """How many days before ``now`` (a moment or a bound parameter) ``moment`` lies."""
    if isinstance(now, datetime):
        now = literal(now, UTCDateTime)
    return _AgeDays(now, moment)
