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
    kind: str  # "före", "efter" or "påminn" (a snooze)

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
    days = int(slot.stage.split("-")[1])
    unit = "arbetsdag" if days == 1 else "arbetsdagar"
    return f"{days} {unit} {'efter' if slot.escalation else 'före'} deadline {deadline.isoformat()}"
