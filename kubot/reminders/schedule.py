"""When reminders go out: working days counted from a report's deadline, at a local time.

Pure functions of the deadline, the reminder plan, snoozes and the clock. What is *current*
at a moment is the latest slot that has come: a worker that was down during one or more
slots sends only that one reminder when it returns, never a burst of stale ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from kubot import workdays
from kubot.settings import Settings

# After the last slot a period's reminders stay current this long; a worker that comes back
# later than that no longer chases a report that is long done with.
CATCH_UP_WORKDAYS = 10


_STOCKHOLM = ZoneInfo("Europe/Stockholm")


@dataclass(frozen=True)
class ReminderPlan:
    """Lead times in working days before the deadline, escalation after it, and the local time."""

    lead_days: tuple[int, ...] = (10, 5, 1)
    escalation_days: int = 1
    at: time = time(8, 30)
    timezone: ZoneInfo = _STOCKHOLM

    @classmethod
    def from_settings(cls, settings: Settings) -> ReminderPlan:
        return cls(tuple(sorted(set(settings.reminder_days), reverse=True)), settings.escalation_days,
                   settings.reminder_time, settings.timezone)

    def moment(self, day: date) -> datetime:
        return local_moment(day, self.at, self.timezone)


@dataclass(frozen=True, order=True)
class Slot:
    """One moment a reminder is due. `stage` is part of the reminder's exactly-once key."""

    send_at: datetime
    day: date
    stage: str
    kind: str  # "före", "efter", "påminn" (a snooze) or "åter" (back from an absence)

    @property
    def escalation(self) -> bool:
        return self.kind == "efter"


def local_moment(day: date, at: time, timezone: ZoneInfo) -> datetime:
    """`day` at the wall-clock time `at`; a time that does not exist (the spring DST gap) moves past the gap."""
    wall = datetime.combine(day, at, timezone)
    real = wall.astimezone(UTC).astimezone(timezone)
    return real if real.replace(tzinfo=None) != wall.replace(tzinfo=None) else wall


def deadline_slots(deadline: date, plan: ReminderPlan) -> list[Slot]:
    """The reminders before `deadline` and the escalation after it, earliest first."""
    slots = []
    for n in plan.lead_days:
        day = workdays.shift(deadline, -n)
        slots.append(Slot(plan.moment(day), day, f"före-{n}", "före"))
    day = workdays.shift(deadline, plan.escalation_days)
    slots.append(Slot(plan.moment(day), day, f"efter-{plan.escalation_days}", "efter"))
    return sorted(slots)


def usable_slots(deadline: date, plan: ReminderPlan, period_end: date) -> list[Slot]:
    """The deadline's slots that really send something: the reminders after the period has ended
    (before that nothing is owed yet, the period is still running) and the escalation."""
    return [slot for slot in deadline_slots(deadline, plan) if slot.escalation or slot.day > period_end]


def snooze_slot(day: date, plan: ReminderPlan) -> Slot:
    return Slot(plan.moment(day), day, f"påminn-{day.isoformat()}", "påminn")


@dataclass(frozen=True)
class Away:
    """A person's absence, both days included; `entry_id` is the journal entry that recorded it."""

    first_day: date
    last_day: date
    entry_id: int

    @property
    def back(self) -> date:
        """The working day the person is back."""
        return workdays.next_workday(self.last_day)


def around_absences(
    slots: list[Slot], away: list[Away], deadline: date, plan: ReminderPlan
) -> tuple[list[Slot], list[tuple[Away, Slot]]]:
    """A person's slots with those that fall while they are away taken out. Each is moved to the working
    day they are back when that is no later than the deadline; otherwise it cannot wait, and is returned
    with its absence so the manager hears of it instead."""
    kept: list[Slot] = []
    back: set[date] = set()
    handed: list[tuple[Away, Slot]] = []
    for slot in slots:
        during = next((a for a in away if a.first_day <= slot.day <= a.last_day), None)
        if during is None:
            kept.append(slot)
        elif during.back <= deadline:
            back.add(during.back)
        else:
            handed.append((during, slot))
    kept += [Slot(plan.moment(day), day, f"åter-{day.isoformat()}", "åter") for day in sorted(back)]
    return kept, handed


def current(slots: list[Slot], now: datetime, plan: ReminderPlan) -> Slot | None:
    """The latest slot that has come at `now`, unless the last slot is more than the catch-up time ago."""
    ordered = sorted(slots)
    passed = [slot for slot in ordered if slot.send_at <= now]
    if not passed:
        return None
    latest = passed[-1]
    if latest == ordered[-1] and now >= plan.moment(workdays.shift(latest.day, CATCH_UP_WORKDAYS)):
        return None
    return latest


def upcoming(slots: list[Slot], now: datetime) -> list[Slot]:
    return [slot for slot in sorted(slots) if slot.send_at > now]


def describe(slot: Slot, deadline: date) -> str:
    """Why a slot is due, in Swedish: "5 arbetsdagar före deadline 2023-09-15"."""
    if slot.kind == "påminn":
        return f"uppskjuten påminnelse (påminn mig imorgon), deadline {deadline.isoformat()}"
    if slot.kind == "åter":
        return f"påminnelse första arbetsdagen efter frånvaro, deadline {deadline.isoformat()}"
    days = int(slot.stage.split("-")[1])
    unit = "arbetsdag" if days == 1 else "arbetsdagar"
    return f"{days} {unit} {'efter' if slot.escalation else 'före'} deadline {deadline.isoformat()}"
