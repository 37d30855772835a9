"""The writer of kurs: a course with its participants (per municipality) and its price against an external one."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import func
from sqlmodel import Session

from kubot import formatting as fmt
from kubot import records
from kubot.journal import Origin, Recorded, add_rows, record
from kubot.models import Course, CourseParticipants
from kubot.models.types import stored_id
from kubot.records import MAX_AMOUNT, MAX_PEOPLE, RecordError, municipalities_by_code


def log_course(
    session: Session,
    *,
    origin: Origin,
    name: str,
    held_on: date,
    today: date,
    participants: int | None = None,
    by_municipality: Mapping[str, int] | None = None,
    digital: bool = False,
    price: float | None = None,
    external_price: float | None = None,
    outside: int = 0,
    again: bool = False,
) -> Recorded:
    """A course from Kurs och konferens, with participants (by municipality, `outside` for those from
    elsewhere) and its price against an external one.

    The same course name on the same day is refused as a duplicate unless `again`.
    """
    records.not_future(held_on, today, "Kursdagen")
    if not again:
        records.refuse_twice(
            records.in_force(
                session, origin, Course, func.lower(Course.name) == name.strip().lower(), Course.held_on == held_on
            ),
            origin,
            f"Kursen ”{name.strip()}” {fmt.day(held_on)}",
            "Var det ett kurstillfälle till samma dag, lägg till ordet ”ytterligare” sist i meddelandet.",
        )
    by_municipality = dict(by_municipality or {})
    known = municipalities_by_code(session)
    if unknown := sorted(set(by_municipality) - set(known)):
        raise RecordError(f"Okända kommuner: {', '.join(unknown)}.")
    if outside < 0 or any(count < 0 for count in by_municipality.values()):
        raise RecordError("Antalet deltagare kan inte vara negativt.")
    if by_municipality or outside:
        total = sum(by_municipality.values()) + outside
        if participants is not None and participants != total:
            raise RecordError(f"Deltagarna per kommun blir {total}, men totalt angavs {participants}.")
        participants = total
    if participants is None or not 0 < participants <= MAX_PEOPLE:
        raise RecordError(f"Antalet deltagare ska vara mellan 1 och {fmt.number(MAX_PEOPLE)}, t.ex. ”20 deltagare”.")
    for label, value in (("Priset", price), ("Det externa priset", external_price)):
        if value is not None and not 0 <= value <= MAX_AMOUNT:
            raise RecordError(f"{label} {fmt.kronor(value)} är inte rimligt.")
    row = Course(name=name.strip(), held_on=held_on, participants=participants, digital=digital,
                 price=price, external_price=external_price)
    summary = f"Kurs ”{row.name}” {fmt.day(held_on)}: {fmt.number(participants)} deltagare"
    if digital:
        summary += ", digital"
    if price is not None:
        summary += f", pris {fmt.kronor(price)} per deltagare"
    if external_price is not None:
        summary += f", externt pris {fmt.kronor(external_price)}"
    if by_municipality:
        names = {code: m.name for code, m in known.items()}
        shares = [
            f"{names[code]} {count}"
            for code, count in sorted(by_municipality.items(), key=lambda kv: names[kv[0]])
            if count
        ]
        summary += " (" + ", ".join(shares + ([f"externa {outside}"] if outside else [])) + ")"
    elif outside:
        summary += f" (externa {outside})"
    if price is not None and external_price is not None:
        summary += f" (kostnadsreducering {fmt.kronor(participants * (external_price - price))})"
    recorded = record(session, kind="kurs", summary=summary, origin=origin, rows=[row])
    if by_municipality and not recorded.duplicate:
        add_rows(session, recorded.entry, [
            CourseParticipants(course_id=stored_id(row), municipality_id=stored_id(known[code]), count=count)
            for code, count in sorted(by_municipality.items()) if count
        ])
    return recorded
