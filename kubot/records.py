"""What every kind's writer shares: its errors, limits, duplicate checks, plan lookups and example marks.

Each kind's `log_*` function (`kubot/kinds/<kind>/record.py`) checks the values against the plan and
common sense, writes the rows under one journal entry, and returns the entry with a normalised Swedish
summary that a chat reply can echo. A rejected record raises `RecordError` and writes nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, SQLModel, col, select

from kubot import formatting as fmt
from kubot.journal import Origin, Recorded, add_rows, record
from kubot.models import (
    Activity,
    ActivityStatus,
    Area,
    Entry,
    Event,
    ExampleMark,
    Indicator,
    Municipality,
    Network,
    StrategicGoal,
)
from kubot.models.types import stored_id
from kubot.plan import queries as plan_queries

MAX_AMOUNT = 10_000_000_000
# More people than this at one meeting, or answers to one survey question, is a typing mistake.
MAX_PEOPLE = 100_000
# Attendance counts municipalities, the gender split counts people: a municipality may send
# several, but more than this many people per municipality present is a typing mistake.
MAX_PEOPLE_PER_MUNICIPALITY = 20


class RecordError(ValueError):
    """A record that cannot be logged; the message is Swedish and says what to do instead."""


class NotAllowed(RecordError):
    """The person may not log this record (it belongs to someone else's area)."""


class Duplicate(RecordError):
    """The record matches one already in force; `existing` is its entry."""

    def __init__(self, message: str, existing: Entry) -> None:
        super().__init__(message)
        self.existing = existing


def in_force(session: Session, origin: Origin, model: type[SQLModel], *where: Any) -> list[Entry]:
    """Entries in force whose `model` rows meet `where`, apart from the entry `origin` corrects."""
    query = (select(Entry).join(model, model.entry_id == Entry.id)  # type: ignore[attr-defined]
             .where(Entry.undone_at.is_(None), Entry.replaced_by_id.is_(None), *where)  # type: ignore[union-attr]
             .order_by(col(Entry.id)))
    if origin.corrects is not None:
        query = query.where(Entry.id != origin.corrects.id)
    return list({entry.id: entry for entry in session.exec(query)}.values())


def refuse_twice(existing: list[Entry], origin: Origin, what: str, again_hint: str) -> None:
    """Refuse a record that is already there, unless this is a retry of the very message that stored it."""
    for entry in existing:
        if origin.message_id is not None and (entry.channel, entry.message_id) == (origin.channel, origin.message_id):
            continue
        raise Duplicate(
            f"{what} finns redan: #{entry.id} {entry.summary}. Vill du ändra den, skriv ”rätta {entry.id}” följt av "
            f"hela meddelandet som det ska vara. {again_hint}",
            entry,
        )


def network(session: Session, code: str) -> Network:
    network = plan_queries.network(session, code)
    if network is None:
        raise RecordError(f"Nätverket {code!r} finns inte i planen.")
    return network


def municipalities_by_code(session: Session) -> dict[str, Municipality]:
    return {m.code: m for m in session.exec(select(Municipality))}


def not_future(day: date, today: date, what: str) -> None:
    if day > today:
        raise RecordError(f"{what} {fmt.day(day)} ligger i framtiden – det går bara att registrera det som har hänt.")


def indicator_in_force(session: Session, code: str, year: int) -> Indicator:
    """The indicator with `code` in the plan that applies to `year`."""
    indicator = plan_queries.item(session, Indicator, code, year)
    if indicator is None:
        raise RecordError(f"Mätetalet {code!r} finns inte i planen för {year}.")
    return indicator


def activity_in_force(session: Session, code: str, year: int) -> Activity:
    """The activity with `code` in the plan that applies to `year`."""
    activity = plan_queries.item(session, Activity, code, year)
    if activity is None:
        raise RecordError(f"Aktiviteten {code!r} finns inte i planen för {year}.")
    return activity


def area(session: Session, code: str) -> Area:
    area = plan_queries.area(session, code)
    if area is None:
        raise RecordError(f"Området {code!r} finns inte i planen.")
    return area


# --- examples for the report ------------------------------------------------------------------------

def example_marks(session: Session, entry_ids: list[int], origin: Origin | None = None) -> dict[int, ExampleMark]:
    """The mark in force (the latest) for each of `entry_ids` that has one; a mark the message `origin` corrects does
    not count."""
    query = (select(ExampleMark).join(Entry, col(ExampleMark.entry_id) == Entry.id)
             .where(col(ExampleMark.marked_entry_id).in_(entry_ids), col(Entry.undone_at).is_(None),
                    col(Entry.replaced_by_id).is_(None))
             .order_by(col(ExampleMark.id)))
    if origin is not None and origin.corrects is not None:
        query = query.where(Entry.id != origin.corrects.id)
    return {mark.marked_entry_id: mark for mark in session.exec(query)}


def kept_example(session: Session, origin: Origin) -> ExampleMark | None:
    """The example mark of the entry `origin` corrects, when it is one: the correction keeps it."""
    if origin.corrects is None or origin.corrects.id is None:
        return None
    mark = example_marks(session, [origin.corrects.id]).get(origin.corrects.id)
    return mark if mark is not None and mark.shown else None


def with_mark(session: Session, recorded: Recorded, example: bool, strategic_goal_code: str | None = None) -> Recorded:
    """Mark a status or event just recorded as an `example`; the mark belongs to its entry, so `ångra` undoes both."""
    if example and not recorded.duplicate:
        entry_id = stored_id(recorded.entry)
        add_rows(
            session,
            recorded.entry,
            [ExampleMark(entry_id=entry_id, marked_entry_id=entry_id, strategic_goal=strategic_goal_code)],
        )
    return recorded


def strategic_goal(session: Session, code: str | None, year: int, how: str) -> StrategicGoal | None:
    """The strategic goal `code` names in the plan for `year` (None without a code); an unknown code is refused
    with the codes there are and `how` to write one (a message with "{code}" in it)."""
    if code is None:
        return None
    found = plan_queries.item(session, StrategicGoal, code.strip().lower(), year)
    if found is None:
        raise RecordError(
            f"”{code[:20]}” är inget strategiskt mål i planen för {year}. {which_goal(session, year, how)}"
        )
    return found


def which_goal(session: Session, year: int, how: str) -> str:
    """What to write when an event's strategic goal is missing or unknown: `how`, with the plan's first code, and
    every code."""
    goals = plan_queries.items(session, StrategicGoal, year)
    listed = "; ".join(f"{g.code} ”{g.name}”" for g in goals)
    example = how.format(code=goals[0].code if goals else "sm1")
    return f"Skriv vilket strategiskt mål händelsen är ett exempel på, t.ex. ”{example}”. Strategiska mål: {listed}."


def mark_example(
    session: Session, *, origin: Origin, marked: Entry, strategic_goal_code: str | None, shown: bool
) -> Recorded:
    """Make an activity status or an event already logged one of the report's examples (`shown`), or no longer one.

    An event names the strategic goal it is an example of; a status is an example under its activity's.
    """
    marked_id = stored_id(marked)
    status = session.exec(select(ActivityStatus).where(ActivityStatus.entry_id == marked_id)).first()
    event = session.exec(select(Event).where(Event.entry_id == marked_id)).first()
    if status is None and event is None:
        raise RecordError(
            f"#{marked_id} är en registrering av {marked.kind}. Bara en aktivitets status eller en händelse "
            "kan vara exempel i rapporten."
        )
    current = example_marks(session, [marked_id], origin).get(marked_id)
    if not shown:
        if current is None or not current.shown:
            raise RecordError(f"#{marked_id} är inget exempel i rapporten, så det finns inget att ta bort.")
        row, summary = (
            ExampleMark(marked_entry_id=marked_id, shown=False),
            f"Inte längre exempel i rapporten: #{marked_id} {marked.summary}",
        )
        return record(session, kind="exempel", summary=summary, origin=origin, rows=[row])
    if current is not None and current.shown:
        raise RecordError(f"#{marked_id} är redan ett exempel i rapporten. Ta bort det med ”exempel {marked_id} bort”.")
    if status is not None:
        if strategic_goal_code:
            raise RecordError(
                "En aktivitets status blir exempel under aktivitetens strategiska mål. Skriv bara ”exempel"
                f" {marked_id}”."
            )
        if not status.comment:
            raise RecordError(
                f"#{marked_id} har ingen text att visa som exempel. Rätta den med en text efter kolon, t.ex. ”rätta"
                f" {marked_id} aktivitet {status.activity_code} {status.state}: …”, och skriv sedan ”exempel"
                f" {marked_id}”."
            )
        goal = None
    else:
        assert event is not None
        how = f"exempel {marked_id} {{code}}"
        if not strategic_goal_code:
            raise RecordError(which_goal(session, event.occurred_on.year, how))
        goal = strategic_goal(session, strategic_goal_code, event.occurred_on.year, how)
    under = f" under {goal.code}" if goal is not None else ""
    row = ExampleMark(marked_entry_id=marked_id, strategic_goal=goal.code if goal is not None else None)
    return record(
        session,
        kind="exempel",
        summary=f"Exempel i rapporten{under}: #{marked_id} {marked.summary}",
        origin=origin,
        rows=[row],
    )


STAFF_FINANCERS = ("kommunerna", "externt")
# Årsarbetare are written with two decimals; the two sums of a year may differ by rounding alone.
FTE_SUM_TOLERANCE = 0.005
