"""PostgreSQL for the test suite: a transactional test's flush deletes the rows, not truncates.

Every test that commits for real (a live server, threads racing, a worker) empties every table
afterwards. PostgreSQL's TRUNCATE of the ~110 tables gives each a new file, about 1.5 s each
time; DELETE of the few rows a test left takes some 40 ms. The tables end just as empty.
"""

from __future__ import annotations

from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        # CASCADE (a flush of some apps only) and RESTART IDENTITY are left to TRUNCATE.
        if not tables or reset_sequences or allow_cascade:
            return super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        # Django's foreign keys are checked at commit, so the tables empty in any order.
        return ["SET CONSTRAINTS ALL DEFERRED;"] + [
            f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
            for table in tables
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
