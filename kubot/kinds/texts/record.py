"""The writer of text: a named section of report prose for a period."""

from __future__ import annotations

from sqlmodel import Session

from kubot.journal import Origin, Recorded, record
from kubot.models import NarrativeText
from kubot.periods import Period
from kubot.records import RecordError


def log_text(session: Session, *, origin: Origin, section: str, title: str, period: Period, text: str) -> Recorded:
    """A named section of report prose for a period; the latest one per section and period is printed."""
    if not text.strip():
        raise RecordError("Texten är tom – skriv texten efter kolon.")
    row = NarrativeText(section=section, year=period.year, tertial=period.tertial, text=text.strip())
    shown = row.text if len(row.text) <= 120 else row.text[:117].rstrip() + " …"
    return record(session, kind="text", summary=f"Text ”{title}” {period.code}: {shown}", origin=origin, rows=[row])

