"""Deciding which reminders are due, claiming each exactly once, and delivering them through the chat port.

Exactly once, and where it could break:

1. `plan` works out, from the deadline, the clock and a fresh evaluation, which messages are
   due now. It writes nothing but the evaluation's snapshot.
2. `claim` inserts the message into the `dispatch` ledger under its key (kind, recipient,
   period, stage); the key is unique, so a second claim of the same reminder – by a restarted
   or a second worker, or a catch-up run – fails and is skipped. A crash before the claim
   commits leaves nothing behind and the next run claims it; after it, the message is owed.
3. `sending.deliver_pending` hands every claimed, undelivered message to the `Sender` (all of one
   person's in one message) and then marks it delivered. A crash between the two delivers it again
   on the next run with the same key, and a sender must deliver a key once (the outbox has a unique
   key; the routing sender claims the key in the outbound ledger, `dispatch`, before it hands the
   message to a platform). A crash before the send simply sends it later.

The outcome is that every due reminder is delivered once: never lost, never twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from kubot import db, evaluation, owed
from kubot import formatting as fmt
from kubot.deadlines import deadline_for
from kubot.journal import is_active
from kubot.models import Absence, Activity, Dispatch, Entry, Goal, Indicator, Snooze, Staff, StaffArea
from kubot.models.plan import Role
from kubot.owed import Owed
from kubot.periods import Period
from kubot.plan import queries as plan_queries
from kubot.plan.queries import AreaTree
from kubot.port import Sender
from kubot.reminders import digest, schedule, sending
from kubot.reminders.schedule import ReminderPlan, Slot
from kubot.settings import Settings
from kubot.verdicts import ActivityVerdict, Due, IndicatorVerdict, Snapshot

log = logging.getLogger(__name__)
Evaluate = Callable[[Session, Period, date], Snapshot]


def evaluate_now(session: Session, period: Period, today: date) -> Snapshot:
    """A fresh evaluation of the period, stored like every scheduled one."""
    return evaluation.evaluate(session, period, today=today, trigger="schema")


@dataclass(frozen=True)
class Planned:
    """A message that is due, with its exactly-once key and why it is due."""

    key: str
    kind: str
    recipient_id: int
    recipient: str
    period: Period
    stage: str
    why: str
    message: digest.Text
    sent: bool = False


def key(kind: str, recipient_id: int, period: Period, stage: str) -> str:
    return f"{kind}:{recipient_id}:{period.year}-T{period.tertial}:{stage}"


def previous(period: Period) -> Period:
    return Period(period.year, period.tertial - 1) if period.tertial > 1 else Period(period.year - 1, 3)


def periods_in_play(session: Session, today: date) -> list[tuple[Period, date]]:
    """The periods whose reminders may be running on `today`, with their deadlines: this and the two before."""
    period = Period.containing(today)
    candidates = [period, previous(period), previous(previous(period))]
    return [(p, due) for p in reversed(candidates) if (due := deadline_for(session, p)) is not None]


def snoozes(session: Session, period: Period, plan: ReminderPlan) -> dict[int, list[Slot]]:
    found: dict[int, list[Slot]] = {}
    rows = session.exec(select(Snooze).join(Entry, is_active(Snooze.entry_id))
                        .where(Snooze.year == period.year, Snooze.tertial == period.tertial))
    for row in rows:
        found.setdefault(row.staff_id, []).append(schedule.snooze_slot(row.until, plan))
    return found


@dataclass
class PlanRows:
    """The plan's rows an escalation needs: whose area each item is in."""

    indicators: dict[str, Indicator]
    activities: dict[str, Activity]
    goal_area: dict[int, int | None]
    areas: AreaTree[int]

    @classmethod
    def load(cls, session: Session, year: int) -> PlanRows:
        return cls(
            {i.code: i for i in plan_queries.items(session, Indicator, year)},
            {a.code: a for a in plan_queries.items(session, Activity, year)},
            {g.id: g.area_id for g in plan_queries.items(session, Goal, year) if g.id is not None},
            plan_queries.area_tree(session),
        )

    def areas_of(self, code: str) -> list[int]:
        """The item's goal area and the areas above it, nearest first."""
        row = self.indicators.get(code) or self.activities.get(code)
        return self.areas.above(self.goal_area.get(row.goal_id) if row else None)


def _done(verdict: IndicatorVerdict | ActivityVerdict) -> digest.Done:
    """A reported item with what was reported for it."""
    if isinstance(verdict, ActivityVerdict):
        return digest.Done(verdict.code, verdict.name, verdict.state or "")
    return digest.Done(
        verdict.code, verdict.name, fmt.in_unit(verdict.unit, verdict.value) if verdict.value is not None else ""
    )


def _staff(session: Session) -> dict[int, Staff]:
    return {
        s.id: s for s in session.exec(select(Staff).where(Staff.active).order_by(col(Staff.id))) if s.id is not None
    }


def admins(people: dict[int, Staff]) -> list[Staff]:
    return [s for s in people.values() if s.role == Role.ADMIN]


def _managers(session: Session, people: dict[int, Staff]) -> dict[int, list[Staff]]:
    """Area id → the managers (role chef) placed in it."""
    found: dict[int, list[Staff]] = {}
    for link in session.exec(select(StaffArea)):
        person = people.get(link.staff_id)
        if person is not None and person.role == Role.MANAGER:
            found.setdefault(link.area_id, []).append(person)
    return found


def plan(session: Session, *, now: datetime, settings: Settings, evaluate: Evaluate = evaluate_now) -> list[Planned]:
    """Every message due at `now`, whether or not it has been sent already (see `Planned.sent`)."""
    reminder_plan = ReminderPlan.from_settings(settings)
    today = now.astimezone(settings.timezone).date()
    planned: list[Planned] = []
    for period, deadline in periods_in_play(session, today):
        base = schedule.usable_slots(deadline, reminder_plan, period.end)
        snoozed = snoozes(session, period, reminder_plan)
        if not any(schedule.current(base + extra, now, reminder_plan) for extra in [[], *snoozed.values()]):
            continue
        planned += _period_messages(
            session, period, deadline, base, snoozed, now, today, reminder_plan, evaluate(session, period, today)
        )
    sent = set(session.exec(select(Dispatch.key).where(col(Dispatch.key).in_([p.key for p in planned]))))
    return [Planned(**{**p.__dict__, "sent": p.key in sent}) for p in planned]


def _period_messages(session: Session, period: Period, deadline: date, base: list[Slot], snoozed: dict[int, list[Slot]],
                     now: datetime, today: date, reminder_plan: ReminderPlan, snapshot: Snapshot) -> list[Planned]:
    people = _staff(session)
    plan_rows = PlanRows.load(session, period.year)
    heads = admins(people)
    out: list[Planned] = []
    owing = owed.by_person(owed.owed(session, snapshot))
    # What someone no longer active owes is nobody's: the administrators hear of it with the unassigned.
    owed_by_person: dict[int | None, list[Owed]] = {}
    for staff_id in [*sorted(s for s in owing if s is not None), None]:
        if staff_id in owing:
            owed_by_person.setdefault(staff_id if staff_id in people else None, []).extend(owing[staff_id])
    verdicts: list[IndicatorVerdict | ActivityVerdict] = [*snapshot.indicators, *snapshot.activities]
    away = absences(session)
    chain = Chain.load(session, people, heads, plan_rows)
    for staff_id, items in owed_by_person.items():
        if staff_id is None:
            continue
        person = people[staff_id]
        # Reminders that fall while someone is away wait for the day they are back, or go to the manager.
        slots, handed = schedule.around_absences(
            base + snoozed.get(staff_id, []), away.get(staff_id, []), deadline, reminder_plan
        )
        if (passed := schedule.current([slot for _, slot in handed], now, reminder_plan)) is not None:
            absence = next(a for a, slot in handed if slot == passed)
            out += _handovers(person, absence, items, chain, period, deadline, today, passed, away)
        if (slot := schedule.current(slots, now, reminder_plan)) is None:
            continue
        done = [_done(v) for v in verdicts if v.responsible_id == staff_id and v.due == Due.REPORTED]
        out.append(
            Planned(
                key("påminnelse", staff_id, period, slot.stage),
                "påminnelse",
                staff_id,
                person.name,
                period,
                slot.stage,
                schedule.describe(slot, deadline),
                digest.reminder(person.name, period, deadline, today, items, done),
            )
        )
    first = schedule.current(base, now, reminder_plan)
    if None in owed_by_person and first is not None:
        for head in heads:
            out.append(
                Planned(
                    key("ej-ansvarig", head.id or 0, period, first.stage),
                    "ej-ansvarig",
                    head.id or 0,
                    head.name,
                    period,
                    first.stage,
                    "saknade uppgifter utan ansvarig",
                    digest.unassigned(period, owed_by_person[None]),
                )
            )
    escalation = schedule.current([s for s in base if s.escalation], now, reminder_plan)
    if escalation is not None:
        out += _escalations(period, deadline, today, escalation, snapshot, people, heads, owed_by_person, chain,
                            _present(away, escalation.day))
    return out


def absences(session: Session) -> dict[int, list[schedule.Away]]:
    """Everyone's absences in force (not undone), by person."""
    found: dict[int, list[schedule.Away]] = {}
    for row in session.exec(select(Absence).join(Entry, is_active(Absence.entry_id)).order_by(col(Absence.first_day))):
        found.setdefault(row.staff_id, []).append(schedule.Away(row.first_day, row.last_day, row.entry_id))
    return found


@dataclass
class Chain:
    """Who hears of an item's owner: the managers of the item's area or the areas above it (else of the
    owner's own areas), and the administrators when no manager is placed there."""

    managers: dict[int, list[Staff]]
    person_areas: dict[int, list[int]]
    heads: list[Staff]
    plan_rows: PlanRows

    @classmethod
    def load(cls, session: Session, people: dict[int, Staff], heads: list[Staff], plan_rows: PlanRows) -> Chain:
        person_areas: dict[int, list[int]] = {}
        for link in session.exec(select(StaffArea)):
            person_areas.setdefault(link.staff_id, []).append(link.area_id)
        return cls(_managers(session, people), person_areas, heads, plan_rows)

    def bosses(self, code: str, staff_id: int | None, here: Callable[[Staff], bool] = lambda _: True) -> list[Staff]:
        """The managers of the nearest area that has one for whom `here` holds (not away, say), else the
        administrators who are here, else all of them: somebody hears of it."""
        areas = self.plan_rows.areas_of(code) or (self.person_areas.get(staff_id, []) if staff_id is not None else [])
        for area in areas:
            if found := [boss for boss in self.managers.get(area, []) if here(boss)]:
                return found
        return [head for head in self.heads if here(head)] or self.heads


def _handovers(person: Staff, absence: schedule.Away, items: list[Owed], chain: Chain, period: Period, deadline: date,
               today: date, slot: Slot, away: dict[int, list[schedule.Away]]) -> list[Planned]:
    """To the manager, once per absence and period: what the absent person owes that cannot wait for them.
    A manager away that day too is passed over for the next one up (or the administrators)."""
    here = _present(away, slot.day)
    per_boss: dict[int, tuple[Staff, list[Owed]]] = {}
    passed_over: dict[int, list[str]] = {}
    for item in items:
        nearest = [b.name for b in chain.bosses(item.code, person.id) if b.id != person.id and not here(b)]
        for boss in chain.bosses(item.code, person.id, here):
            if boss.id != person.id:
                per_boss.setdefault(boss.id or 0, (boss, []))[1].append(item)
                names = passed_over.setdefault(boss.id or 0, [])
                names += [name for name in nearest if name not in names]
    stage = f"{person.id}-{absence.entry_id}"
    return [
        Planned(
            key("frånvaro", boss_id, period, stage),
            "frånvaro",
            boss_id,
            boss.name,
            period,
            stage,
            f"{person.name} är frånvarande till {absence.last_day.isoformat()}; {schedule.describe(slot, deadline)}",
            digest.handover(
                boss.name, person.name, absence.last_day, period, deadline, today, owed, passed_over[boss_id]
            ),
        )
        for boss_id, (boss, owed) in sorted(per_boss.items())
    ]


def _present(away: dict[int, list[schedule.Away]], day: date) -> Callable[[Staff], bool]:
    """Whether a manager is at work on `day`: one who is away is passed over for the next one up."""
    def here(boss: Staff) -> bool:
        return not any(a.first_day <= day <= a.last_day for a in away.get(boss.id or 0, []))

    return here


def _escalations(period: Period, deadline: date, today: date, slot: Slot, snapshot: Snapshot, people: dict[int, Staff],
                 heads: list[Staff], owed_by_person: dict[int | None, list[Owed]], chain: Chain,
                 here: Callable[[Staff], bool]) -> list[Planned]:
    """To each manager (at work that day, else the next one up) what their people still owe after the deadline."""
    per_manager: dict[int, dict[str, list[Owed]]] = {}
    for staff_id, items in owed_by_person.items():
        name = people[staff_id].name if staff_id is not None else digest.NOBODY
        for item in items:
            for boss in chain.bosses(item.code, staff_id, here):
                per_manager.setdefault(boss.id or 0, {}).setdefault(name, []).append(item)
    why = schedule.describe(slot, deadline)
    out = [
        Planned(
            key("eskalering", boss_id, period, slot.stage),
            "eskalering",
            boss_id,
            people[boss_id].name,
            period,
            slot.stage,
            why,
            digest.escalation(people[boss_id].name, period, deadline, today, owed),
        )
        for boss_id, owed in sorted(per_manager.items())
    ]
    counts = {(people[s].name if s is not None else digest.NOBODY): len(items) for s, items in owed_by_person.items()}
    completeness = digest.Completeness.of(snapshot)
    out += [
        Planned(
            key("sammanfattning", head.id or 0, period, slot.stage),
            "sammanfattning",
            head.id or 0,
            head.name,
            period,
            slot.stage,
            why,
            digest.summary(head.name, period, deadline, today, completeness, counts),
        )
        for head in heads
    ]
    return out


def claim(engine: Engine, planned: Planned, now: datetime) -> bool:
    """Record the message under its key; False when that key was claimed before (by anyone)."""
    try:
        with db.session_scope(engine) as session:
            sending.add_dispatch(session, planned.key, planned.kind, planned.recipient_id, planned.message, now,
                         period=planned.period, stage=planned.stage)
        return True
    except IntegrityError:
        return False


@dataclass(frozen=True)
class Outcome:
    planned: list[Planned]
    claimed: list[Planned]
    deliveries: sending.Deliveries

    @property
    def delivered(self) -> int:
        """The messages a chat platform accepted (the console outbox is no platform)."""
        return self.deliveries.accepted


def send_due(engine: Engine, settings: Settings, sender: Sender, *, now: datetime,
             evaluate: Evaluate = evaluate_now) -> Outcome:
    """Evaluate, claim what is due and deliver it: the worker's reminder job."""
    with db.session_scope(engine) as session:
        planned = plan(session, now=now, settings=settings, evaluate=evaluate)
    claimed = [p for p in planned if not p.sent and claim(engine, p, now)]
    return Outcome(planned, claimed, sending.deliver_pending(engine, sender, now))
