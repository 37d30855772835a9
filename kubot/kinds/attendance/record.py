"""The writer of närvaro: a network meeting, checked against who the network invites."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from kubot import formatting as fmt
from kubot import records
from kubot.journal import Origin, Recorded, add_rows, record
from kubot.models import Attendance, AttendancePresence
from kubot.models.types import stored_id
from kubot.plan import queries as plan_queries
from kubot.records import MAX_PEOPLE, MAX_PEOPLE_PER_MUNICIPALITY, RecordError, municipalities_by_code, network


def log_attendance(
    session: Session,
    *,
    origin: Origin,
    network_code: str,
    held_on: date,
    today: date,
    present: frozenset[str] | None = None,
    present_count: int | None = None,
    women: int | None = None,
    men: int | None = None,
    again: bool = False,
    channel: str | None = None,
) -> Recorded:
    """A network meeting: who of the invited came, by name or by count, optionally by gender and how it was held.

    A second meeting of the same network on the same day is refused as a duplicate unless `again`.
    """
    where = network(session, network_code)
    records.not_future(held_on, today, "Mötet")
    guests = plan_queries.invited(session, where)
    invited_codes = {m.code for m in guests}
    if present is not None:
        strangers = sorted(present - invited_codes)
        if strangers:
            names = ", ".join(
                m.name for m in municipalities_by_code(session).values() if m.code in strangers
            ) or ", ".join(strangers)
            raise RecordError(
                f"{names} är inte inbjudna till {where.name}. Inbjudna är: {', '.join(m.name for m in guests)}."
            )
        present_count = len(present)
    if present_count is None:
        raise RecordError("Ange vilka kommuner som var där, eller hur många, t.ex. ”12 av 13”.")
    if not 0 <= present_count <= len(guests):
        raise RecordError(f"{where.name} har {len(guests)} inbjudna – {present_count} närvarande går inte.")
    for label, value in (("kvinnor", women), ("män", men)):
        if value is not None and not 0 <= value <= MAX_PEOPLE:
            raise RecordError(
                f"Antalet {label} ska vara mellan 0 och {fmt.number(MAX_PEOPLE)}, inte {fmt.number(value)}."
            )
    people = (women or 0) + (men or 0)
    if people > present_count * MAX_PEOPLE_PER_MUNICIPALITY:
        raise RecordError(f"Kvinnor och män blir {fmt.number(people)} från {present_count} närvarande kommuner – högst "
                          f"{MAX_PEOPLE_PER_MUNICIPALITY} personer per närvarande kommun går.")
    if not again:
        records.refuse_twice(
            records.in_force(
                session, origin, Attendance, Attendance.network_id == where.id, Attendance.held_on == held_on
            ),
            origin,
            f"Mötet i {where.name} {fmt.day(held_on)}",
            "Var det ett möte till samma dag, lägg till ordet ”ytterligare” sist i meddelandet.",
        )
    row = Attendance(
        network_id=stored_id(where), held_on=held_on, invited_count=len(guests), present_count=present_count,
        names_known=present is not None, women=women, men=men, channel=channel,
    )
    share = fmt.ratio_percent(present_count / len(guests)) if guests else "–"
    held = f"{fmt.day(held_on)} {channel}" if channel else fmt.day(held_on)
    summary = f"{where.name} {held}: närvaro {present_count} av {len(guests)} ({share})"
    if present is not None and present_count < len(guests):
        summary += ", frånvarande: " + ", ".join(m.name for m in guests if m.code not in present)
    if women is not None or men is not None:
        summary += f", kvinnor {women or 0}, män {men or 0}"
    recorded = record(session, kind="närvaro", summary=summary, origin=origin, rows=[row])
    if present is not None and not recorded.duplicate:
        add_rows(
            session,
            recorded.entry,
            [
                AttendancePresence(
                    attendance_id=stored_id(row), municipality_id=stored_id(m), present=m.code in present
                )
                for m in guests
            ],
        )
    return recorded
