"""A report's parts marked ready, and the report approved: each mark is a journal entry's row,
so it says who and when, and `ångra` takes it back like any other entry."""

from __future__ import annotations

from sqlalchemy import String
from sqlmodel import Field

from kubot.models.types import Table

APPROVAL = "rapport"  # the part that stands for the whole report: its approval


class ReportSignoff(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    entry_id: int | None = Field(default=None, foreign_key="entry.id", index=True)
    year: int
    tertial: int  # 1–3: T1, T2 (delårsrapport) or T3 (verksamhetsberättelse)
    # A strategic goal's code ("sm2"), "ekonomi", "texter", or APPROVAL for the whole report.
    part: str = Field(sa_type=String(40))
