"""When each period's report is due. An administrator sets it; the latest active entry counts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlmodel import Session, col, select

from kubot import formatting as fmt
from kubot import workdays
from kubot.journal import Origin, Recorded, is_active, record
from kubot.models import Deadline, Entry
from kubot.periods import Period


class DeadlineError(ValueError):
    """A deadline that cannot be set; the message is Swedish and says why."""


def deadline_for(session: Session, period: Period) -> date | None:
    """The deadline in force for `period`'s report, or None when none has been set."""
    return session.exec(
        select(col(Deadline.due_on)).join(Entry, is_active(Deadline.entry_id))
        .where(Deadline.year == period.year, Deadline.tertial == period.tertial)
        .order_by(col(Deadline.entry_id).desc())
    ).first()


def deadlines_in_force(session: Session, first_year: int, last_year: int) -> dict[Period, date]:
    """Every period's deadline in force for the years first_year–last_year, by period."""
    found: dict[Period, date] = {}
    rows = session.exec(
        select(Deadline).join(Entry, is_active(Deadline.entry_id))
        .where(col(Deadline.year).between(first_year, last_year)).order_by(col(Deadline.entry_id))
    )
    for row in rows:
        found[Period(row.year, row.tertial)] = row.due_on
    return dict(sorted(found.items()))


def check_after_period(period: Period, due_on: date) -> None:
    """A report cannot be due before its period has ended: the results are not known yet."""
    if due_on <= period.end:
        raise DeadlineError(f"Deadline {fmt.day(due_on)} ligger inte efter periodens slut: {period.label} slutar "
                            f"{fmt.day(period.end)}, och resultaten kan inte lämnas förrän perioden är slut.")


def day_off_note(due_on: date) -> str | None:
    """A note for a deadline on a weekend or holiday: accepted, but worth knowing."""
    reason = workdays.day_off(due_on)
    if reason is None:
        return None
    return (f"Obs: {fmt.day(due_on)} är {reason} och ingen arbetsdag. Deadline gäller ändå; "
            "påminnelserna räknas i arbetsdagar från den.")


def set_deadline(session: Session, *, origin: Origin, period: Period, due_on: date, today: date) -> Recorded:
    """Record a new deadline for `period`, checked against the calendar; raises DeadlineError."""
    if due_on < today:
        raise DeadlineError(
            f"{fmt.day(due_on)} har redan varit. Ange en deadline från och med i dag ({fmt.day(today)})."
        )
    check_after_period(period, due_on)
    if due_on.year > period.year + 1:
        raise DeadlineError(f"{fmt.day(due_on)} är mer än ett år efter att {period.code} slutat – skrev du fel år?")
    before = deadline_for(session, period)
    if before == due_on:
        raise DeadlineError(f"Deadline för {period.code} är redan {fmt.day(due_on)}.")
    summary = f"Deadline för {period.label}: {fmt.day(due_on)} (tidigare: {fmt.day(before) if before else 'ingen'})"
    return record(session, kind="deadline", summary=summary, origin=origin,
                  rows=[Deadline(year=period.year, tertial=period.tertial, due_on=due_on)])


def apply_plan_deadlines(session: Session, deadlines: Mapping[Period, date], origin: Origin) -> Recorded | None:
    """Record the plan file's deadlines that differ from those in force, as one journal entry."""
    changed = {period: due for period, due in sorted(deadlines.items()) if deadline_for(session, period) != due}
    if not changed:
        return None
    summary = "Rapporttider från planen: " + ", ".join(f"{p.code} {fmt.day(d)}" for p, d in changed.items())
    return record(session, kind="deadline", summary=summary, origin=origin,
                  rows=[Deadline(year=p.year, tertial=p.tertial, due_on=d) for p, d in changed.items()])
