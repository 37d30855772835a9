"""Deciding which reminders are due, claiming each exactly once, and delivering them through the chat port.

Exactly once, and where it could break:

1. `plan` works out, from the deadline, the clock and a fresh evaluation, which messages are
   due now. It writes nothing but the evaluation's snapshot.
2. `claim` inserts the message into the `dispatch` ledger under its key (kind, recipient,
   period, stage); the key is unique, so a second claim of the same reminder – by a restarted
   or a second worker, or a catch-up run – fails and is skipped. A crash before the claim
   commits leaves nothing behind and the next run claims it; after it, the message is owed.
3. `deliver_pending` hands every claimed, undelivered message to the `Sender` and then marks
   it delivered. A crash between the two delivers it again on the next run with the same
   key, and a sender must deliver a key once (the routing sender claims the key in the same
   ledger row before it hands the message to a platform; the outbox has a unique key). A crash
   before the send simply sends it later.

The outcome is that every due reminder is delivered once: never lost, never twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime

from sqlalchemy import Engine, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from kubot import db, evaluation, owed
from kubot import formatting as fmt
from kubot.deadlines import deadline_for
from kubot.journal import is_active
from kubot.models import Activity, ChatIdentity, Dispatch, Entry, Goal, Indicator, Snooze, Staff, StaffArea
from kubot.models.plan import Role
from kubot.owed import Owed
from kubot.periods import Period
from kubot.plan import queries as plan_queries
from kubot.plan.queries import AreaTree
from kubot.port import Action, Outgoing, Sender
from kubot.reminders import digest, schedule
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
    return digest.Done(verdict.code, verdict.name, fmt.in_unit(verdict.unit, verdict.value) if verdict.value is not None else "")


def _staff(session: Session) -> dict[int, Staff]:
    return {s.id: s for s in session.exec(select(Staff).where(Staff.active).order_by(col(Staff.id))) if s.id is not None}


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
        planned += _period_messages(session, period, deadline, base, snoozed, now, today, reminder_plan, evaluate(session, period, today))
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
    for staff_id, items in owed_by_person.items():
        if staff_id is None or (slot := schedule.current(base + snoozed.get(staff_id, []), now, reminder_plan)) is None:
            continue
        person = people[staff_id]
        done = [_done(v) for v in verdicts if v.responsible_id == staff_id and v.due == Due.REPORTED]
        out.append(Planned(key("påminnelse", staff_id, period, slot.stage), "påminnelse", staff_id, person.name, period, slot.stage,
                           schedule.describe(slot, deadline), digest.reminder(person.name, period, deadline, today, items, done)))
    first = schedule.current(base, now, reminder_plan)
    if None in owed_by_person and first is not None:
        for head in heads:
            out.append(Planned(key("ej-ansvarig", head.id or 0, period, first.stage), "ej-ansvarig", head.id or 0, head.name,
                               period, first.stage, "saknade uppgifter utan ansvarig",
                               digest.unassigned(period, owed_by_person[None])))
    escalation = schedule.current([s for s in base if s.escalation], now, reminder_plan)
    if escalation is not None:
        out += _escalations(session, period, deadline, today, escalation, snapshot, people, heads, owed_by_person, plan_rows)
    return out


def _escalations(session: Session, period: Period, deadline: date, today: date, slot: Slot, snapshot: Snapshot,
                 people: dict[int, Staff], heads: list[Staff], owed_by_person: dict[int | None, list[Owed]],
                 plan_rows: PlanRows) -> list[Planned]:
    managers = _managers(session, people)
    person_areas: dict[int, list[int]] = {}
    for link in session.exec(select(StaffArea)):
        person_areas.setdefault(link.staff_id, []).append(link.area_id)
    per_manager: dict[int, dict[str, list[Owed]]] = {}
    for staff_id, items in owed_by_person.items():
        name = people[staff_id].name if staff_id is not None else digest.NOBODY
        for item in items:
            chain = plan_rows.areas_of(item.code) or (person_areas.get(staff_id, []) if staff_id is not None else [])
            bosses = next((managers[area] for area in chain if area in managers), heads)
            for boss in bosses:
                per_manager.setdefault(boss.id or 0, {}).setdefault(name, []).append(item)
    why = schedule.describe(slot, deadline)
    out = [Planned(key("eskalering", boss_id, period, slot.stage), "eskalering", boss_id, people[boss_id].name, period, slot.stage,
                   why, digest.escalation(people[boss_id].name, period, deadline, today, owed))
           for boss_id, owed in sorted(per_manager.items())]
    counts = {(people[s].name if s is not None else digest.NOBODY): len(items) for s, items in owed_by_person.items()}
    completeness = digest.Completeness.of(snapshot)
    out += [Planned(key("sammanfattning", head.id or 0, period, slot.stage), "sammanfattning", head.id or 0, head.name, period,
                    slot.stage, why, digest.summary(head.name, period, deadline, today, completeness, counts))
            for head in heads]
    return out


def claim(engine: Engine, planned: Planned, now: datetime) -> bool:
    """Record the message under its key; False when that key was claimed before (by anyone)."""
    try:
        with db.session_scope(engine) as session:
            add_dispatch(session, planned.key, planned.kind, planned.recipient_id, planned.message, now,
                         period=planned.period, stage=planned.stage)
        return True
    except IntegrityError:
        return False


def add_dispatch(session: Session, key_: str, kind: str, recipient_id: int, message: digest.Text, now: datetime,
                 period: Period | None = None, stage: str = "") -> None:
    """Insert a claimed message in the session's transaction; the unique key refuses a second claim."""
    session.add(Dispatch(key=key_, kind=kind, recipient_id=recipient_id, year=period.year if period else None,
                         tertial=period.tertial if period else None, stage=stage, text=message.text,
                         actions=[asdict(a) for a in message.actions], created_at=now))
    session.flush()


def deliver_pending(engine: Engine, sender: Sender, now: datetime) -> int:
    """Hand every claimed, undelivered message to `sender`; returns how many were delivered.

    A person the sender cannot reach is not dropped: the message is marked with the problem and
    the administrators get a notice with its text.
    """
    delivered = 0
    for _ in range(3):  # a notice about an unreachable person is itself delivered in the next pass
        with Session(engine) as session:
            # Only what kubot decided to send has a recipient; the rest was handed straight to a sender.
            pending = session.exec(select(Dispatch).where(col(Dispatch.delivered_at).is_(None), Dispatch.problem == "",
                                                          col(Dispatch.recipient_id).is_not(None))
                                   .order_by(col(Dispatch.id))).all()
            people = {s.id: s for s in session.exec(select(Staff)) if s.id is not None}
            identities: dict[int, dict[str, str]] = {}
            for identity in session.exec(select(ChatIdentity)):
                identities.setdefault(identity.staff_id, {})[identity.platform] = identity.external_id
        if not pending:
            break
        for row in pending:
            recipient = row.recipient_id or 0  # never 0: the query asked for a recipient
            person = people[recipient]
            address = sender.address(person.name, identities.get(recipient, {})) if person.active else None
            if address is None:
                _unreachable(engine, row, person, sender.platform, people, now)
                continue
            sender.send(Outgoing(key=row.key, to=address, recipient=person.name, text=row.text,
                                 actions=tuple(Action(**a) for a in row.actions)))
            with db.session_scope(engine) as session:
                session.exec(update(Dispatch).where(col(Dispatch.id) == row.id, col(Dispatch.delivered_at).is_(None))
                             .values(delivered_at=now, address=address.id, platform=address.platform))
            delivered += 1
    return delivered


def _unreachable(engine: Engine, row: Dispatch, person: Staff, platform: str, people: dict[int, Staff],
                 now: datetime) -> None:
    problem = (f"{person.name} har ingen chattidentitet för {platform}" if person.active
               else f"{person.name} är inte längre aktiv i kubot")
    log.warning("cannot deliver %s: %s", row.key, problem)
    with db.session_scope(engine) as session:
        session.exec(update(Dispatch).where(col(Dispatch.id) == row.id).values(problem=problem, platform=platform))
        if row.kind == "ej-nåbar":
            return  # an administrator who cannot be reached either: the problem stays in the ledger
        notice = digest.unreachable(person.name, platform, problem, row.text)
        for admin in (p for p in people.values() if p.role == Role.ADMIN and p.active and p.id != person.id):
            try:
                with session.begin_nested():
                    add_dispatch(session, f"ej-nåbar:{admin.id}:{row.key}", "ej-nåbar", admin.id or 0, notice, now)
            except IntegrityError:
                pass


@dataclass(frozen=True)
class Outcome:
    planned: list[Planned]
    claimed: list[Planned]
    delivered: int


def send_due(engine: Engine, settings: Settings, sender: Sender, *, now: datetime,
             evaluate: Evaluate = evaluate_now) -> Outcome:
    """Evaluate, claim what is due and deliver it: the worker's reminder job."""
    with db.session_scope(engine) as session:
        planned = plan(session, now=now, settings=settings, evaluate=evaluate)
    claimed = [p for p in planned if not p.sent and claim(engine, p, now)]
    return Outcome(planned, claimed, deliver_pending(engine, sender, now))
