"""Database expressions that Django does not give in a form every backend we run on reads alike."""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Func, IntegerField
from django.db.models.sql.compiler import SQLCompiler


class DaysBetween(Func):
    """Whole days from the date `earlier` to the date `later`, an integer (negative when
    `later` comes first), worked out in the database so it can be filtered and counted.

    Django's date subtraction gives a duration, which PostgreSQL and SQLite return in
    different shapes and which cannot be compared with a number of days kept in a column.
    """

    arity = 2
    output_field = IntegerField()

    def __init__(self, later: Any, earlier: Any, **extra: Any) -> None:
        super().__init__(later, earlier, **extra)

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        # PostgreSQL: a date minus a date is the integer number of days between them.
        return super().as_sql(
            compiler,
            connection,
            template="((%(expressions)s)::date)",
            arg_joiner=")::date - (",
            **extra_context,
        )

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        # SQLite keeps dates as 'YYYY-MM-DD' text; julianday() reads them as midnight, so the
        # difference is a whole number, held as a float until cast.
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )
