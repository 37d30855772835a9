"""When each period's report is due. An administrator sets it; the latest active entry counts."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from kubot.journal import is_active
from kubot.models import Deadline, Entry
from kubot.periods import Period


def deadline_for(session: Session, period: Period) -> date | None:
    """The deadline in force for `period`'s report, or None when none has been set."""
    return session.exec(
        select(Deadline.due_on).join(Entry, is_active(Deadline.entry_id))
        .where(Deadline.year == period.year, Deadline.tertial == period.tertial)
        .order_by(col(Deadline.entry_id).desc())
    ).first()
