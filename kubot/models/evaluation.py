"""Dated snapshots of the rules' verdicts, and the report deadlines the due rules count from."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, String
from sqlmodel import Field

from kubot.models.types import Table, UTCDateTime, entry_ref, utcnow


class Deadline(Table, table=True):
    """When the report for a period is due; the latest active entry for a period is in force."""

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = entry_ref()
    year: int = Field(index=True)
    tertial: int
    due_on: date


class Evaluation(Table, table=True):
    """One run of the rules over one period, kept so a report shows what was known when it was made."""

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    tertial: int
    made_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True))
    # The day the due rules counted from; differs from made_at's date when a run is made for another day.
    as_of: date
    trigger: str = Field(sa_type=String(20))
    actor_id: int | None = Field(default=None, foreign_key="staff.id")
    deadline: date | None = None


class VerdictRecord(Table, table=True):
    """One subject's verdicts in an evaluation; `data` holds the whole verdict, the columns what is queried."""

    id: int | None = Field(default=None, primary_key=True)
    evaluation_id: int = Field(foreign_key="evaluation.id", index=True)
    subject: str = Field(sa_type=String(20))
    code: str = Field(sa_type=String(40), index=True)
    outcome: str = Field(sa_type=String(40))
    due: str = Field(default="", sa_type=String(40))
    responsible_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
