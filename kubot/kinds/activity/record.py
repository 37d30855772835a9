"""The writer of aktivitet: the status of an activity with its comment, optionally an example in the report."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from kubot import formatting as fmt
from kubot import records
from kubot.journal import Origin, Recorded, record
from kubot.models import ActivityStatus
from kubot.models.records import ActivityState
from kubot.records import RecordError, activity_in_force


def log_activity_status(
    session: Session, *, origin: Origin, activity_code: str, state: ActivityState, reported_on: date, comment: str = "",
    example: bool = False,
) -> Recorded:
    """An activity's status with its comment; with `example`, the comment is one of the report's examples.

    A correction of a status that is an example stays one (when it still has a comment)."""
    activity = activity_in_force(session, activity_code, reported_on.year)
    row = ActivityStatus(
        activity_code=activity.code, reported_on=reported_on, state=state.value, comment=comment.strip()
    )
    if example and not row.comment:
        raise RecordError("Ett exempel i rapporten behöver en text: skriv den efter kolon, "
                          f"t.ex. ”aktivitet {activity.code} {state.value} exempel: Vad som gjordes och vad det gav.”")
    example = example or (bool(row.comment) and records.kept_example(session, origin) is not None)
    summary = f"Aktivitet {activity.code} ”{activity.name}” {fmt.day(reported_on)}: {state.value}"
    if row.comment:
        summary += f" – {row.comment}"
    if example:
        summary += " (exempel i rapporten)"
    return records.with_mark(
        session, record(session, kind="aktivitet", summary=summary, origin=origin, rows=[row]), example
    )
