"""The table of uppdrag: one row per logged line (an area, a day, how many commissions and participants)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field

from kubot.models.types import Table, entry_ref


class Commission(Table, table=True):
    """Commissions an area carried out for the municipalities on a day (Bilaga 3: "följande uppdrag har utförts")."""

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = entry_ref()
    area_id: int = Field(foreign_key="area.id", index=True)
    held_on: date = Field(index=True)
    commissions: int
    participants: int
    comment: str = ""
