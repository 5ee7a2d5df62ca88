"""Where generate_statements' rows go: COPY … FROM STDIN on PostgreSQL, streamed, and
executemany on other databases. Both writers answer the same calls."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable, Iterator, Sequence

from django.db import connection

COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value: str) -> str:
    """A value for COPY's text format (any tab, newline or backslash escaped)."""
    return value.translate(COPY_ESCAPES)


class IterStream:
    """A read-only file over an iterator of strings: what COPY … FROM STDIN reads."""

    def __init__(self, chunks: Iterable[str]):
        self._chunks = iter(chunks)

    def read(self, size: int = -1) -> str:
        # psycopg2 sends whatever read() returns; an empty string ends the data.
        return next(self._chunks, "")

    readline = read


def copy_chunks(rows: Iterable[Sequence[object]], rows_per_chunk: int = 2000) -> Iterator[str]:
    """Rows as lines of COPY's text format, a few thousand lines at a time. The values
    must already be strings or numbers with nothing to escape (see copy_text)."""
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, rows_per_chunk)):
        yield "".join(["\t".join(map(str, row)) + "\n" for row in chunk])


class PostgresWriter:
    false, null = "f", "\\N"

    def __init__(self, cursor):
        self.cursor = cursor

    def count(self, table: str) -> int:
        self.cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return self.cursor.fetchone()[0]

    def suspend_checks(self, tables: Sequence[str]) -> list[str]:
        """Drops the tables' plain indexes and foreign keys, returning the SQL that puts
        them back: building an index once, and checking a foreign key with one join, is
        several times faster than keeping them up to date row by row (PostgreSQL's
        "Populating a Database"). Primary keys and unique constraints stay. All of it is
        inside the transaction: if anything fails, the rollback restores them."""
        # Checks still pending from earlier in the transaction would block ALTER TABLE:
        # run them now, as Django does before loading fixtures.
        connection.check_constraints()
        restore_indexes, restore_keys = [], []
        for table in tables:
            self.cursor.execute(
                """
                SELECT i.relname, pg_get_indexdef(i.oid)
                FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                WHERE x.indrelid = %s::regclass AND NOT x.indisunique
                    AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
                """,
                [table],
            )
            for name, definition in self.cursor.fetchall():
                self.cursor.execute(f'DROP INDEX "{name}"')
                restore_indexes.append(definition)
            self.cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f'",
                [table],
            )
            for name, definition in self.cursor.fetchall():
                self.cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                restore_keys.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        return restore_indexes + restore_keys

    def restore_checks(self, statements: Sequence[str]) -> None:
        # Room to sort in memory while building the indexes, for this transaction only.
        self.cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for sql in statements:
            self.cursor.execute(sql)

    @staticmethod
    def text(value: str) -> str:
        return copy_text(value)

    @staticmethod
    def timestamp(value: datetime.datetime) -> str:
        return value.isoformat(sep=" ")

    def reserve_ids(self, table: str, n: int) -> int:
        """The first of ``n`` consecutive free ids; the sequence moves past them."""
        self.cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        self.cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (sequence,) = self.cursor.fetchone()
        self.cursor.execute(
            f"SELECT GREATEST(nextval(%s), (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}))",
            [sequence],
        )
        (first,) = self.cursor.fetchone()
        self.cursor.execute("SELECT setval(%s, %s)", [sequence, first + n - 1])
        return first

    def write(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]):
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        raw = self.cursor.cursor
        if hasattr(raw, "copy_expert"):  # psycopg2
            raw.copy_expert(sql, IterStream(copy_chunks(rows)), size=1 << 16)
        else:  # psycopg 3
            with raw.copy(sql) as copy:
                for chunk in copy_chunks(rows):
                    copy.write(chunk)


class ExecutemanyWriter:
    false, null = 0, None

    def __init__(self, cursor, rows_per_call: int):
        self.cursor = cursor
        self.rows_per_call = rows_per_call

    @staticmethod
    def text(value: str) -> str:
        return value

    @staticmethod
    def timestamp(value: datetime.datetime) -> str:
        # As Django stores an aware datetime on SQLite: UTC, without the offset.
        return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(sep=" ")

    def count(self, table: str) -> int:
        self.cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return self.cursor.fetchone()[0]

    def suspend_checks(self, tables: Sequence[str]) -> list[str]:
        return []  # SQLite's indexes and foreign keys stay as they are

    def restore_checks(self, statements: Sequence[str]) -> None:
        pass

    def reserve_ids(self, table: str, n: int) -> int:
        # The transaction already holds SQLite's write lock (transaction_mode IMMEDIATE).
        self.cursor.execute(
            f"SELECT MAX(COALESCE((SELECT MAX(id) FROM {table}), 0), "
            "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0)) + 1",
            [table],
        )
        return self.cursor.fetchone()[0]

    def write(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]):
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        rows = iter(rows)
        while chunk := list(itertools.islice(rows, self.rows_per_call)):
            self.cursor.executemany(sql, chunk)
