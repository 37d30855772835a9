"""Logging records against the plan: validated in Swedish, journaled, undoable.

Each `log_*` function checks the values against the plan and common sense, writes the
rows under one journal entry, and returns the entry with a normalised Swedish summary
that a chat reply can echo. A rejected record raises `RecordError` and writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select

from kubot import economy
from kubot import formatting as fmt
from kubot.journal import Origin, Recorded, add_rows, is_active, record
from kubot.models import (
    Activity,
    ActivityStatus,
    Analysis,
    Area,
    Attendance,
    AttendancePresence,
    Course,
    CourseParticipants,
    EconomyLine,
    Entry,
    Event,
    ExampleMark,
    FundingApplication,
    Indicator,
    IndicatorResult,
    Municipality,
    NarrativeText,
    Network,
    StaffFinancing,
    StaffFte,
    StrategicGoal,
    SurveyQuestion,
    SurveyResponse,
)
from kubot.models.plan import Source, Unit
from kubot.models.records import ActivityState, ApplicationStatus, EmploymentForm, ThreeK
from kubot.models.types import stored_id
from kubot.periods import Period
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


def _in_force(session: Session, origin: Origin, model: type[SQLModel], *where: Any) -> list[Entry]:
    """Entries in force whose `model` rows meet `where`, apart from the entry `origin` corrects."""
    query = (select(Entry).join(model, model.entry_id == Entry.id)  # type: ignore[attr-defined]
             .where(Entry.undone_at.is_(None), Entry.replaced_by_id.is_(None), *where)  # type: ignore[union-attr]
             .order_by(col(Entry.id)))
    if origin.corrects is not None:
        query = query.where(Entry.id != origin.corrects.id)
    return list({entry.id: entry for entry in session.exec(query)}.values())


def _refuse_twice(existing: list[Entry], origin: Origin, what: str, again_hint: str) -> None:
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


def _not_future(day: date, today: date, what: str) -> None:
    if day > today:
        raise RecordError(f"{what} {fmt.day(day)} ligger i framtiden – det går bara att registrera det som har hänt.")


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
) -> Recorded:
    """A network meeting: who of the invited came, by name or by count, and optionally by gender.

    A second meeting of the same network on the same day is refused as a duplicate unless `again`.
    """
    where = network(session, network_code)
    _not_future(held_on, today, "Mötet")
    guests = plan_queries.invited(session, where)
    invited_codes = {m.code for m in guests}
    if present is not None:
        strangers = sorted(present - invited_codes)
        if strangers:
            names = ", ".join(m.name for m in municipalities_by_code(session).values() if m.code in strangers) or ", ".join(strangers)
            raise RecordError(f"{names} är inte inbjudna till {where.name}. Inbjudna är: {', '.join(m.name for m in guests)}.")
        present_count = len(present)
    if present_count is None:
        raise RecordError("Ange vilka kommuner som var där, eller hur många, t.ex. ”12 av 13”.")
    if not 0 <= present_count <= len(guests):
        raise RecordError(f"{where.name} har {len(guests)} inbjudna – {present_count} närvarande går inte.")
    for label, value in (("kvinnor", women), ("män", men)):
        if value is not None and not 0 <= value <= MAX_PEOPLE:
            raise RecordError(f"Antalet {label} ska vara mellan 0 och {fmt.number(MAX_PEOPLE)}, inte {fmt.number(value)}.")
    people = (women or 0) + (men or 0)
    if people > present_count * MAX_PEOPLE_PER_MUNICIPALITY:
        raise RecordError(f"Kvinnor och män blir {fmt.number(people)} från {present_count} närvarande kommuner – högst "
                          f"{MAX_PEOPLE_PER_MUNICIPALITY} personer per närvarande kommun går.")
    if not again:
        _refuse_twice(_in_force(session, origin, Attendance, Attendance.network_id == where.id, Attendance.held_on == held_on),
                      origin, f"Mötet i {where.name} {fmt.day(held_on)}",
                      "Var det ett möte till samma dag, lägg till ordet ”ytterligare” sist i meddelandet.")
    row = Attendance(
        network_id=stored_id(where), held_on=held_on, invited_count=len(guests), present_count=present_count,
        names_known=present is not None, women=women, men=men,
    )
    share = fmt.ratio_percent(present_count / len(guests)) if guests else "–"
    summary = f"{where.name} {fmt.day(held_on)}: närvaro {present_count} av {len(guests)} ({share})"
    if present is not None and present_count < len(guests):
        summary += ", frånvarande: " + ", ".join(m.name for m in guests if m.code not in present)
    if women is not None or men is not None:
        summary += f", kvinnor {women or 0}, män {men or 0}"
    recorded = record(session, kind="närvaro", summary=summary, origin=origin, rows=[row])
    if present is not None and not recorded.duplicate:
        add_rows(session, recorded.entry, [
            AttendancePresence(attendance_id=stored_id(row), municipality_id=stored_id(m), present=m.code in present) for m in guests
        ])
    return recorded


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
    _not_future(held_on, today, "Kursdagen")
    if not again:
        _refuse_twice(_in_force(session, origin, Course, func.lower(Course.name) == name.strip().lower(), Course.held_on == held_on),
                      origin, f"Kursen ”{name.strip()}” {fmt.day(held_on)}",
                      "Var det ett kurstillfälle till samma dag, lägg till ordet ”ytterligare” sist i meddelandet.")
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
        shares = [f"{names[code]} {count}" for code, count in sorted(by_municipality.items(), key=lambda kv: names[kv[0]]) if count]
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


def log_application(
    session: Session,
    *,
    origin: Origin,
    project: str,
    funder: str,
    sought: float,
    decided_on: date,
    today: date,
    granted: float | None = None,
    rejected: bool = False,
    sent_on: date | None = None,
    again: bool = False,
) -> Recorded:
    """A funding application: pending, granted (an amount) or rejected.

    It counts in the year it was `sent_on` (default: `decided_on`), with its decision once known.
    An application for the same project to the same funder is refused as a duplicate
    unless `again`; a decision on it is recorded with `decide`.
    """
    _not_future(decided_on, today, "Datumet")
    if sent_on is not None and sent_on > decided_on:
        raise RecordError(f"Ansökan skickades {fmt.day(sent_on)}, efter beslutet {fmt.day(decided_on)} – kontrollera datumen.")
    if not again:
        _refuse_twice(
            _in_force(session, origin, FundingApplication, func.lower(FundingApplication.project) == project.strip().lower(),
                      func.lower(FundingApplication.funder) == funder.strip().lower()),
            origin, f"Ansökan för {project.strip()} till {funder.strip()}",
            f"Kom ett beslut, skriv ”beslut {project.strip()} beviljat 500 000” eller ”beslut {project.strip()} avslag”. "
            "Är det en ny ansökan för samma projekt, lägg till ordet ”ytterligare” sist.")
    if not 0 < sought <= MAX_AMOUNT:
        raise RecordError(f"Sökt belopp {fmt.kronor(sought)} är inte rimligt.")
    if granted is not None and rejected:
        raise RecordError("En ansökan kan inte vara både beviljad och avslagen.")
    if granted is not None and not 0 < granted <= sought:
        raise RecordError(f"Beviljat belopp ({fmt.kronor(granted)}) måste vara större än 0 och högst det sökta ({fmt.kronor(sought)}).")
    status = ApplicationStatus.REJECTED if rejected else ApplicationStatus.GRANTED if granted is not None else ApplicationStatus.PENDING
    row = FundingApplication(project=project.strip(), funder=funder.strip(), sought=sought, granted=granted,
                             status=status.value, decided_on=decided_on, sent_on=sent_on)
    outcome = {
        ApplicationStatus.PENDING: "inget beslut ännu",
        ApplicationStatus.REJECTED: "avslag",
        ApplicationStatus.GRANTED: f"beviljat {fmt.kronor(granted or 0)} ({fmt.ratio_percent((granted or 0) / sought)})",
    }[status]
    sent = f" (skickad {fmt.day(sent_on)})" if sent_on is not None and sent_on != decided_on else ""
    summary = f"Ansökan {row.project} till {row.funder} {fmt.day(decided_on)}{sent}: sökt {fmt.kronor(sought)}, {outcome}"
    return record(session, kind="ansökan", summary=summary, origin=origin, rows=[row])


def applications_in_force(session: Session) -> list[tuple[FundingApplication, Entry]]:
    """Every application in force, with its entry, oldest first."""
    return list(session.exec(
        select(FundingApplication, Entry).join(Entry, col(FundingApplication.entry_id) == Entry.id)
        .where(Entry.undone_at.is_(None), Entry.replaced_by_id.is_(None))  # type: ignore[union-attr]
        .order_by(col(Entry.id))
    ).all())


def decide(session: Session, *, origin: Origin, application: FundingApplication, decided_on: date, today: date,
           granted: float | None = None, rejected: bool = False) -> Recorded:
    """The decision on an application in force: a new entry that replaces the application's."""
    entry = session.get(Entry, application.entry_id)
    return log_application(session, origin=replace(origin, corrects=entry), project=application.project,
                           funder=application.funder, sought=application.sought, decided_on=decided_on, today=today,
                           granted=granted, rejected=rejected, sent_on=min(application.sent_on or application.decided_on, decided_on))


def log_survey(
    session: Session,
    *,
    origin: Origin,
    year: int,
    question_code: str,
    network_code: str,
    counts: tuple[int, int, int, int, int, int],
    dont_know: int = 0,
) -> Recorded:
    """Answers to one question of the annual survey in one network, per step of the 1–6 scale."""
    question = session.exec(select(SurveyQuestion).where(SurveyQuestion.code == question_code)).first()
    if question is None:
        raise RecordError(f"Enkätfrågan {question_code!r} finns inte i planen.")
    where = network(session, network_code)
    if len(counts) != 6 or min(counts) < 0 or dont_know < 0 or max(*counts, dont_know) > MAX_PEOPLE:
        raise RecordError("Ange sex antal, ett per skalsteg 1–6, t.ex. ”0 1 3 4 6 5”, och ev. ”vet ej 2”.")
    if sum(counts) + dont_know == 0:
        raise RecordError("Enkäten har inga svar – ange antalet svar per skalsteg 1–6.")
    row = SurveyResponse(year=year, question_id=stored_id(question), network_id=stored_id(where), n1=counts[0], n2=counts[1],
                         n3=counts[2], n4=counts[3], n5=counts[4], n6=counts[5], dont_know=dont_know)
    answered = sum(counts)
    very = counts[4] + counts[5]
    share = fmt.ratio_percent(very / answered) if answered else "–"
    summary = (
        f"Enkät {year}, {where.name}, ”{question.text}”: svar 1–6: {' '.join(str(c) for c in counts)}, vet ej {dont_know}"
        f" – mycket nöjda {very} av {answered} ({share})"
    )
    return record(session, kind="enkät", summary=summary, origin=origin, rows=[row])


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


def log_result(
    session: Session, *, origin: Origin, indicator_code: str, period: Period, today: date, value: float, analysis: str = ""
) -> Recorded:
    """A typed-in result of an indicator for a period, with the responsible person's analysis."""
    indicator = indicator_in_force(session, indicator_code, period.year)
    if indicator.source != Source.TYPED:
        raise RecordError(
            f"{indicator.code} räknas fram ur registreringar ({Source(indicator.source).label}) och skrivs inte in. "
            f"Skriv en analys i stället: analys {indicator.code} {period.code}: …"
        )
    if period.start > today:
        raise RecordError(f"{period.label} har inte börjat än.")
    unit = Unit(indicator.unit)
    if unit == Unit.PERCENT and not 0 <= value <= 100:
        raise RecordError(f"{fmt.number(value)} % är inte en möjlig andel – en andel ligger mellan 0 och 100 %.")
    if unit == Unit.YES_NO and value not in (0, 1):
        raise RecordError("Svara ja eller nej för det här mätetalet.")
    if unit in (Unit.COUNT, Unit.KRONOR) and not 0 <= value <= MAX_AMOUNT:
        raise RecordError(f"{fmt.number(value)} är inte ett rimligt värde för {indicator.name}.")
    row = IndicatorResult(indicator_code=indicator.code, year=period.year, tertial=period.tertial, value=value,
                          analysis=analysis.strip())
    summary = f"{indicator.code} ”{indicator.name}” {period.code}: {fmt.in_unit(indicator.unit, value)}"
    if row.analysis:
        summary += f". Analys: {row.analysis}"
    # A result sent again for the same period is the new result: it replaces the old one, and says so.
    earlier = origin.corrects
    if earlier is None:
        found = _in_force(session, origin, IndicatorResult, IndicatorResult.indicator_code == indicator.code,
                          IndicatorResult.year == period.year, IndicatorResult.tertial == period.tertial)
        earlier = next((e for e in found if (e.channel, e.message_id) != (origin.channel, origin.message_id)
                        or origin.message_id is None), None)
    if earlier is not None:
        old = session.exec(select(IndicatorResult).where(IndicatorResult.entry_id == earlier.id)).first()
        summary += f" (ersätter #{earlier.id}" + (f", som var {fmt.in_unit(indicator.unit, old.value)})" if old else ")")
    return record(session, kind="resultat", summary=summary, origin=origin, rows=[row], replaces=earlier)


def log_analysis(session: Session, *, origin: Origin, indicator_code: str, period: Period, text: str) -> Recorded:
    """The analysis text shown beside an indicator's result in the report, typed-in or derived."""
    indicator = indicator_in_force(session, indicator_code, period.year)
    if not text.strip():
        raise RecordError("Analysen är tom – skriv texten efter kolon.")
    row = Analysis(indicator_code=indicator.code, year=period.year, tertial=period.tertial, text=text.strip())
    summary = f"Analys för {indicator.code} ”{indicator.name}” {period.code}: {row.text}"
    return record(session, kind="analys", summary=summary, origin=origin, rows=[row])


def log_activity_status(
    session: Session, *, origin: Origin, activity_code: str, state: ActivityState, reported_on: date, comment: str = "",
    example: bool = False,
) -> Recorded:
    """An activity's status with its comment; with `example`, the comment is one of the report's examples.

    A correction of a status that is an example stays one (when it still has a comment)."""
    activity = activity_in_force(session, activity_code, reported_on.year)
    row = ActivityStatus(activity_code=activity.code, reported_on=reported_on, state=state.value, comment=comment.strip())
    if example and not row.comment:
        raise RecordError("Ett exempel i rapporten behöver en text: skriv den efter kolon, "
                          f"t.ex. ”aktivitet {activity.code} {state.value} exempel: Vad som gjordes och vad det gav.”")
    example = example or (bool(row.comment) and _kept_example(session, origin) is not None)
    summary = f"Aktivitet {activity.code} ”{activity.name}” {fmt.day(reported_on)}: {state.value}"
    if row.comment:
        summary += f" – {row.comment}"
    if example:
        summary += " (exempel i rapporten)"
    return _with_mark(session, record(session, kind="aktivitet", summary=summary, origin=origin, rows=[row]), example)


def _area(session: Session, code: str) -> Area:
    area = plan_queries.area(session, code)
    if area is None:
        raise RecordError(f"Området {code!r} finns inte i planen.")
    return area


def log_event(
    session: Session, *, origin: Origin, area_code: str | None, occurred_on: date, text: str, three_k: ThreeK | None = None,
    example: bool = False, example_of: str | None = None,
) -> Recorded:
    """An important event, for "Viktiga händelser" and the 3 K examples of the report; an `example` is told under
    the strategic goal `example_of` (its code) instead. A corrected example stays one."""
    area = _area(session, area_code) if area_code else None
    if not text.strip():
        raise RecordError("Beskriv händelsen efter kolon.")
    kept = _kept_example(session, origin)
    example_of = example_of or (kept.strategic_goal if kept else None)
    if example and not example_of:
        raise RecordError(_which_goal(session, occurred_on.year, "händelse Barnahus exempel {code}: …"))
    goal = strategic_goal(session, example_of, occurred_on.year, "händelse Barnahus exempel {code}: …")
    row = Event(area_id=area.id if area else None, occurred_on=occurred_on, three_k=three_k.value if three_k else None,
                text=text.strip())
    summary = f"Händelse {fmt.day(occurred_on)}" + (f", {area.name}" if area else "") + (f" ({three_k.value})" if three_k else "")
    summary += f": {row.text}"
    if goal is not None:
        summary += f" (exempel i rapporten under {goal.code})"
    return _with_mark(session, record(session, kind="händelse", summary=summary, origin=origin, rows=[row]), goal is not None,
                      goal.code if goal is not None else None)


# --- examples for the report ------------------------------------------------------------------------

def example_marks(session: Session, entry_ids: list[int], origin: Origin | None = None) -> dict[int, ExampleMark]:
    """The mark in force (the latest) for each of `entry_ids` that has one; a mark the message `origin` corrects does not count."""
    query = (select(ExampleMark).join(Entry, col(ExampleMark.entry_id) == Entry.id)
             .where(col(ExampleMark.marked_entry_id).in_(entry_ids), col(Entry.undone_at).is_(None),
                    col(Entry.replaced_by_id).is_(None))
             .order_by(col(ExampleMark.id)))
    if origin is not None and origin.corrects is not None:
        query = query.where(Entry.id != origin.corrects.id)
    return {mark.marked_entry_id: mark for mark in session.exec(query)}


def _kept_example(session: Session, origin: Origin) -> ExampleMark | None:
    """The example mark of the entry `origin` corrects, when it is one: the correction keeps it."""
    if origin.corrects is None or origin.corrects.id is None:
        return None
    mark = example_marks(session, [origin.corrects.id]).get(origin.corrects.id)
    return mark if mark is not None and mark.shown else None


def _with_mark(session: Session, recorded: Recorded, example: bool, strategic_goal_code: str | None = None) -> Recorded:
    """Mark a status or event just recorded as an `example`; the mark belongs to its entry, so `ångra` undoes both."""
    if example and not recorded.duplicate:
        entry_id = stored_id(recorded.entry)
        add_rows(session, recorded.entry, [ExampleMark(entry_id=entry_id, marked_entry_id=entry_id, strategic_goal=strategic_goal_code)])
    return recorded


def strategic_goal(session: Session, code: str | None, year: int, how: str) -> StrategicGoal | None:
    """The strategic goal `code` names in the plan for `year` (None without a code); an unknown code is refused
    with the codes there are and `how` to write one (a message with "{code}" in it)."""
    if code is None:
        return None
    found = plan_queries.item(session, StrategicGoal, code.strip().lower(), year)
    if found is None:
        raise RecordError(f"”{code[:20]}” är inget strategiskt mål i planen för {year}. {_which_goal(session, year, how)}")
    return found


def _which_goal(session: Session, year: int, how: str) -> str:
    """What to write when an event's strategic goal is missing or unknown: `how`, with the plan's first code, and every code."""
    goals = plan_queries.items(session, StrategicGoal, year)
    listed = "; ".join(f"{g.code} ”{g.name}”" for g in goals)
    example = how.format(code=goals[0].code if goals else "sm1")
    return f"Skriv vilket strategiskt mål händelsen är ett exempel på, t.ex. ”{example}”. Strategiska mål: {listed}."


def mark_example(session: Session, *, origin: Origin, marked: Entry, strategic_goal_code: str | None, shown: bool) -> Recorded:
    """Make an activity status or an event already logged one of the report's examples (`shown`), or no longer one.

    An event names the strategic goal it is an example of; a status is an example under its activity's.
    """
    marked_id = stored_id(marked)
    status = session.exec(select(ActivityStatus).where(ActivityStatus.entry_id == marked_id)).first()
    event = session.exec(select(Event).where(Event.entry_id == marked_id)).first()
    if status is None and event is None:
        raise RecordError(f"#{marked_id} är en registrering av {marked.kind}. Bara en aktivitets status eller en händelse "
                          "kan vara exempel i rapporten.")
    current = example_marks(session, [marked_id], origin).get(marked_id)
    if not shown:
        if current is None or not current.shown:
            raise RecordError(f"#{marked_id} är inget exempel i rapporten, så det finns inget att ta bort.")
        row, summary = ExampleMark(marked_entry_id=marked_id, shown=False), f"Inte längre exempel i rapporten: #{marked_id} {marked.summary}"
        return record(session, kind="exempel", summary=summary, origin=origin, rows=[row])
    if current is not None and current.shown:
        raise RecordError(f"#{marked_id} är redan ett exempel i rapporten. Ta bort det med ”exempel {marked_id} bort”.")
    if status is not None:
        if strategic_goal_code:
            raise RecordError(f"En aktivitets status blir exempel under aktivitetens strategiska mål. Skriv bara ”exempel {marked_id}”.")
        if not status.comment:
            raise RecordError(f"#{marked_id} har ingen text att visa som exempel. Rätta den med en text efter kolon, "
                              f"t.ex. ”rätta {marked_id} aktivitet {status.activity_code} {status.state}: …”, och skriv sedan ”exempel {marked_id}”.")
        goal = None
    else:
        assert event is not None
        how = f"exempel {marked_id} {{code}}"
        if not strategic_goal_code:
            raise RecordError(_which_goal(session, event.occurred_on.year, how))
        goal = strategic_goal(session, strategic_goal_code, event.occurred_on.year, how)
    under = f" under {goal.code}" if goal is not None else ""
    row = ExampleMark(marked_entry_id=marked_id, strategic_goal=goal.code if goal is not None else None)
    return record(session, kind="exempel", summary=f"Exempel i rapporten{under}: #{marked_id} {marked.summary}", origin=origin, rows=[row])


def log_economy(
    session: Session, *, origin: Origin, figures: Mapping[str, Mapping[str, float]], as_of: date, kind: str = "ekonomi",
    summary_prefix: str = "Ekonomi",
) -> Recorded:
    """The economy of one or more areas in tkr as of a day, under one entry (one `ångra` undoes it all).

    `figures` maps area codes to typed items (`economy.ITEMS`); computed figures are refused.
    """
    if not figures:
        raise RecordError("Ange minst en ekonomisk uppgift, t.ex. ”utfall 938”.")
    rows = []
    parts = []
    period = Period.containing(as_of)
    for area_code, items in figures.items():
        area = _area(session, area_code)
        if problems := economy.check(items):
            raise RecordError(f"{area.name}: " + " ".join(problems))
        if not items:
            raise RecordError(f"{area.name}: ange minst en uppgift, t.ex. ”utfall 938”.")
        for item, amount in items.items():
            rows.append(EconomyLine(area_id=stored_id(area), year=period.year, tertial=period.tertial, item=item, amount_tkr=amount,
                                    as_of=as_of))
        figures_text = ", ".join(f"{item} {fmt.tkr(amount)}" for item, amount in items.items())
        figures_of_area = economy.AreaEconomy(area.code, as_of, items)
        computed = [(label, figures_of_area.value(label)) for label in ("disponibla medel", "kvarvarande medel")]
        figures_text += "".join(f", {label} {fmt.tkr(value)}" for label, value in computed if value is not None)
        parts.append(f"{area.name}: {figures_text}")
    summary = f"{summary_prefix} per {fmt.day(as_of)} – " + "; ".join(parts)
    return record(session, kind=kind, summary=summary, origin=origin, rows=rows)


def log_text(session: Session, *, origin: Origin, section: str, title: str, period: Period, text: str) -> Recorded:
    """A named section of report prose for a period; the latest one per section and period is printed."""
    if not text.strip():
        raise RecordError("Texten är tom – skriv texten efter kolon.")
    row = NarrativeText(section=section, year=period.year, tertial=period.tertial, text=text.strip())
    shown = row.text if len(row.text) <= 120 else row.text[:117].rstrip() + " …"
    return record(session, kind="text", summary=f"Text ”{title}” {period.code}: {shown}", origin=origin, rows=[row])


STAFF_FINANCERS = ("kommunerna", "externt")
# Årsarbetare are written with two decimals; the two sums of a year may differ by rounding alone.
FTE_SUM_TOLERANCE = 0.005


def _latest_staff(session: Session, model: type[StaffFte] | type[StaffFinancing], year: int) -> dict[str, float]:
    """A year's årsarbetare in force per employment form or financer: the latest entry's row for each."""
    heading = StaffFte.employment_form if model is StaffFte else StaffFinancing.financer
    found: dict[str, float] = {}
    for form, fte in session.exec(select(heading, model.fte).join(Entry, is_active(model.entry_id)).where(model.year == year)
                                  .order_by(col(model.entry_id))):
        found[form] = fte
    return found


def log_staff_fte(session: Session, *, origin: Origin, year: int, ftes: Mapping[EmploymentForm, float],
                  financed: Mapping[str, float] | None = None) -> Recorded:
    """Full-time equivalents (årsarbetare) of a year by employment form and/or by financer, for the staff table.

    Both ways of counting are the same people, so their sums must agree: within the message when
    both are given, otherwise with the other way already recorded for the year.
    """
    financed = dict(financed or {})
    if not ftes and not financed:
        raise RecordError("Ange årsarbetare per anställningsform eller finansiär, t.ex. ”tillsvidare 22,5 visstid 17 tjänsteköp 9,6” "
                          "eller ”kommunerna 29,48 externt 19,65”.")
    for what, fte in [*((form.value, fte) for form, fte in ftes.items()), *financed.items()]:
        if not 0 <= fte <= 10_000:
            raise RecordError(f"{fmt.number(fte, decimals=1)} årsarbetare ({what}) är inte rimligt.")
    unknown = [who for who in financed if who not in STAFF_FINANCERS]
    if unknown:
        raise RecordError(f"”{unknown[0]}” är ingen finansiär av årsarbetare. Skriv kommunerna eller externt.")
    by_form = {form.value: fte for form, fte in ftes.items()} or _latest_staff(session, StaffFte, year)
    by_financer = financed or _latest_staff(session, StaffFinancing, year)
    if by_form and by_financer and abs(sum(by_form.values()) - sum(by_financer.values())) > FTE_SUM_TOLERANCE:
        forms_sum, financer_sum = fmt.number(sum(by_form.values()), 2), fmt.number(sum(by_financer.values()), 2)
        said = "" if ftes and financed else " (den andra summan är den som redan är registrerad för året)"
        raise RecordError(f"Årsarbetarna {year} blir {forms_sum} per anställningsform men {financer_sum} per finansiär{said}. "
                          "Summorna ska vara lika – rätta den som är fel, t.ex. ”årsarbetare "
                          f"{year}: tillsvidare 22,5 visstid 17 tjänsteköp 9,63 kommunerna 29,48 externt 19,65”.")
    rows: list[SQLModel] = [StaffFte(year=year, tertial=3, employment_form=form.value, fte=fte) for form, fte in ftes.items()]
    rows += [StaffFinancing(year=year, financer=who, fte=fte) for who, fte in financed.items()]
    parts = []
    if ftes:
        parts.append(", ".join(f"{form.value} {fmt.number(fte, decimals=2)}" for form, fte in ftes.items()))
    if financed:
        parts.append(", ".join(f"{'finansierade av kommunerna' if who == 'kommunerna' else 'externt finansierade'} "
                               f"{fmt.number(fte, decimals=2)}" for who, fte in financed.items()))
    total = sum(ftes.values()) if ftes else sum(financed.values())
    summary = f"Årsarbetare {year}: {'; '.join(parts)} – summa {fmt.number(total, decimals=2)}"
    return record(session, kind="årsarbetare", summary=summary, origin=origin, rows=rows)
