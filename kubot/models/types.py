"""What the tables share: their base class and column types."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import DateTime, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel
from sqlmodel.main import SQLModelConfig


class Table(SQLModel):
    """The base of every table.

    Pydantic's validator and serializer of a table are built when it is first validated or dumped, not when
    its class is made: a `kubot say` uses a few of the tables and starts about 12 ms sooner (bench/chat).
    """

    model_config = SQLModelConfig(defer_build=True)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always hands back aware ones.

    SQLite has no timezone type and returns naive values; without this, a datetime
    read back from SQLite would silently lose its zone and compare wrongly with PostgreSQL's.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("kubot stores only timezone-aware datetimes")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = value
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def entry_ref() -> int:
    """The journal entry a record row belongs to.

    `journal.record` fills it in when it stores the rows, so a row is built without it; typed as
    an int with a default so that constructors type-check without naming it.
    """
    return Field(foreign_key="entry.id", index=True)  # type: ignore[no-any-return]


class _Stored(Protocol):
    id: int | None


def stored_id(row: _Stored) -> int:
    """The primary key of a row that has been flushed (a row not yet stored has none)."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id before it is flushed")
    return row.id
