"""The writer of händelse: an important event for the report, optionally an example under a strategic goal."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from kubot import formatting as fmt
from kubot import records
from kubot.journal import Origin, Recorded, record
from kubot.models import Event
from kubot.models.records import ThreeK
from kubot.records import RecordError, strategic_goal


def log_event(
    session: Session,
    *,
    origin: Origin,
    area_code: str | None,
    occurred_on: date,
    text: str,
    three_k: ThreeK | None = None,
    example: bool = False,
    example_of: str | None = None,
) -> Recorded:
    """An important event, for "Viktiga händelser" and the 3 K examples of the report; an `example` is told under
    the strategic goal `example_of` (its code) instead. A corrected example stays one."""
    area = records.area(session, area_code) if area_code else None
    if not text.strip():
        raise RecordError("Beskriv händelsen efter kolon.")
    kept = records.kept_example(session, origin)
    example_of = example_of or (kept.strategic_goal if kept else None)
    if example and not example_of:
        raise RecordError(records.which_goal(session, occurred_on.year, "händelse Barnahus exempel {code}: …"))
    goal = strategic_goal(session, example_of, occurred_on.year, "händelse Barnahus exempel {code}: …")
    row = Event(area_id=area.id if area else None, occurred_on=occurred_on, three_k=three_k.value if three_k else None,
                text=text.strip())
    summary = (
        f"Händelse {fmt.day(occurred_on)}"
        + (f", {area.name}" if area else "")
        + (f" ({three_k.value})" if three_k else "")
    )
    summary += f": {row.text}"
    if goal is not None:
        summary += f" (exempel i rapporten under {goal.code})"
    return records.with_mark(
        session,
        record(session, kind="händelse", summary=summary, origin=origin, rows=[row]),
        goal is not None,
        goal.code if goal is not None else None,
    )
