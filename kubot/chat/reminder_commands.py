"""Chat commands about report deadlines and reminders. Docstrings are the help texts."""

from __future__ import annotations

import contextlib
import hashlib
from datetime import date, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from kubot import deadlines, evaluation, journal, owed, workdays
from kubot import formatting as fmt
from kubot.chat import grammar
from kubot.chat.registry import Context, Scope, Usage, command
from kubot.models import Dispatch, Snooze, Staff
from kubot.models.plan import Role
from kubot.periods import Period
from kubot.port import Reply
from kubot.reminders import delivery, digest, schedule, sending
from kubot.reminders.schedule import ReminderPlan, Slot

# A deadline set this many years ahead still shows in `påminnelser`.
LOOK_AHEAD_YEARS = 5


def _period_arg(ctx: Context, text: str) -> tuple[Period | None, str]:
    return grammar.take_period(grammar.tidy(text), ctx.today, year_alone=True)


def _plan(ctx: Context) -> ReminderPlan:
    return ReminderPlan.from_settings(ctx.settings)


def _clock(slot: Slot) -> str:
    return f"{workdays.weekday_name(slot.day)} {fmt.day(slot.day)} kl. {slot.send_at.strftime('%H:%M')}"


@command("deadline", "rapportdag", role=Role.ADMIN, scope=Scope.ANY_AREA)
def deadline(ctx: Context, args: str) -> Reply:
    """Sätt när rapporten för en period ska vara klar; påminnelserna räknas från den (administratörer).
    Exempel: deadline T3 2022 2023-01-20
    """
    period, day_text = grammar.take_period(grammar.tidy(args), ctx.today)
    if period is None or not day_text:
        raise Usage("Skriv period och datum, t.ex. ”deadline T2 2023 2023-09-15”.")
    try:
        due_on = date.fromisoformat(day_text)
    except ValueError as exc:
        raise Usage(f"”{day_text[:20]}” är inget datum. Skriv deadline som ÅÅÅÅ-MM-DD, t.ex. 2023-09-15.") from exc
    try:
        recorded = deadlines.set_deadline(ctx.session, origin=ctx.origin, period=period, due_on=due_on, today=ctx.today)
    except deadlines.DeadlineError as exc:
        raise Usage(str(exc)) from exc
    every = schedule.deadline_slots(due_on, _plan(ctx))
    slots = schedule.usable_slots(due_on, _plan(ctx), period.end)
    reminders = [fmt.day(s.day) for s in slots if not s.escalation]
    dropped = [fmt.day(s.day) for s in every if s not in slots]
    escalation = next(s for s in slots if s.escalation)
    at = ctx.settings.reminder_time.strftime('%H:%M')
    lines = [f"Registrerat #{recorded.entry.id}: {recorded.entry.summary}"]
    note = deadlines.day_off_note(due_on)
    if note:
        lines.append(note)
    if reminders:
        lines.append(f"Påminnelser till de ansvariga: {', '.join(reminders)} kl. {at}; "
                     f"efter deadline får cheferna en sammanställning {fmt.day(escalation.day)}.")
    else:
        lines.append(f"Ingen påminnelse hinner gå ut mellan periodens slut och deadline; efter deadline får cheferna "
                     f"en sammanställning {fmt.day(escalation.day)} kl. {at}.")
    if dropped:
        lines.append(f"Ingen påminnelse skickas {', '.join(dropped)}: då pågår perioden fortfarande (den slutar "
                     f"{fmt.day(period.end)}), så inget är försenat än.")
    lines.append(f"Ångra med: ångra {recorded.entry.id}")
    return Reply("\n".join(lines), accepted=True)


def _my_slots(ctx: Context, period: Period, due_on: date) -> tuple[list[Slot], list[Slot]]:
    """The actor's reminders as the worker sends them: those that fall while they are away moved to the day they
    are back, and apart those that cannot wait that long (their manager is told instead)."""
    plan = _plan(ctx)
    slots = schedule.usable_slots(due_on, plan, period.end) + delivery.snoozes(ctx.session, period, plan).get(
        ctx.actor.id or 0, []
    )
    kept, handed = schedule.around_absences(
        slots, delivery.absences(ctx.session).get(ctx.actor.id or 0, []), due_on, plan
    )
    return kept, [slot for _, slot in handed]


@command("påminnelser", "paminnelser", "reminders", role=Role.STAFF, scope=Scope.SELF)
def reminders(ctx: Context, args: str) -> Reply:
    """Visa dina kommande påminnelser och de du redan fått, per rapport.
    Exempel: påminnelser
    Exempel: påminnelser T3 2022
    """
    period, rest = _period_arg(ctx, args)
    if rest:
        raise Usage(f"Jag förstod inte ”{rest[:60]}”.")
    in_play = _with_later_deadlines(ctx, delivery.periods_in_play(ctx.session, ctx.today))
    if period is not None:
        due_on = deadlines.deadline_for(ctx.session, period)
        if due_on is None:
            example = fmt.day(period.end + timedelta(days=15))
            return Reply(f"Ingen deadline är satt för {period.code}, så inga påminnelser går ut för den. "
                         f"En administratör sätter den med t.ex. ”deadline {period.code} {example}”.")
        in_play = [(period, due_on)]
    if not in_play:
        return Reply("Ingen rapport har någon deadline just nu, så inga påminnelser är planerade.")
    lines = []
    for p, due_on in in_play:
        sent = ctx.session.exec(select(Dispatch).where(Dispatch.recipient_id == ctx.actor.id, Dispatch.year == p.year,
                                                       Dispatch.tertial == p.tertial).order_by(col(Dispatch.id))).all()
        kept, handed = _my_slots(ctx, p, due_on)
        coming, away = ([s for s in schedule.upcoming(slots, ctx.now) if not s.escalation or ctx.has_role(Role.MANAGER)]
                        for slots in (kept, handed))
        lines.append(f"{p.label}: deadline {workdays.weekday_name(due_on)} {fmt.day(due_on)}.")
        lines += [f"  skickad {fmt.timestamp(d.created_at)}: {d.kind}" for d in sent]
        lines += [f"  kommer {_clock(s)}: {schedule.describe(s, due_on)}" for s in coming]
        lines += [
            f"  ingen {_clock(s)} ({schedule.describe(s, due_on)}): du är frånvarande och deadline kan inte vänta, "
            "så din chef får veta vad som saknas"
            for s in away
        ]
        if not sent and not coming and not away:
            lines.append("  inga påminnelser kvar.")
    lines.append("Påminnelser skickas bara om något saknas från dig då. Se vad som saknas med ”saknas”.")
    return Reply("\n".join(lines))


def _with_later_deadlines(ctx: Context, in_play: list[tuple[Period, date]]) -> list[tuple[Period, date]]:
    """The periods in play, and every later period whose deadline is already set."""
    later = deadlines.deadlines_in_force(ctx.session, ctx.today.year, ctx.today.year + LOOK_AHEAD_YEARS)
    known = {p for p, _ in in_play}
    return in_play + sorted((p, d) for p, d in later.items() if d >= ctx.today and p not in known)


def _reminded_period(ctx: Context, period: Period | None) -> tuple[Period, date]:
    """The period asked for, else the one whose reminders are running now, else the next to start."""
    plan = _plan(ctx)
    in_play = delivery.periods_in_play(ctx.session, ctx.today)
    if period is not None:
        due_on = deadlines.deadline_for(ctx.session, period)
        if due_on is None:
            raise Usage(f"Ingen deadline är satt för {period.code}, så det finns inga påminnelser för den.")
        in_play = [(period, due_on)]
    running = [(p, d) for p, d in in_play if schedule.current(schedule.usable_slots(d, plan, p.end), ctx.now, plan)]
    coming = [(p, d) for p, d in in_play if schedule.upcoming(schedule.usable_slots(d, plan, p.end), ctx.now)]
    if running:
        return running[-1]
    if coming:
        return coming[0]
    raise Usage("Ingen rapport har påminnelser igång eller på väg just nu." if period is None
                else f"Påminnelserna för {period.code} är avslutade.")


@command("påminn", "paminn", "snooze", role=Role.STAFF, scope=Scope.SELF)
def snooze(ctx: Context, args: str) -> Reply:
    """Skjut upp påminnelsen om en rapport till nästa arbetsdag.
    Exempel: påminn imorgon
    Exempel: påminn imorgon T3 2022
    """
    period, rest = _period_arg(ctx, args)
    if rest.casefold() not in {"imorgon", "i morgon", "mig imorgon", "mig i morgon", "tomorrow", ""}:
        raise Usage("Skriv ”påminn imorgon”, gärna med perioden: ”påminn imorgon T2 2023”.")
    period, _ = _reminded_period(ctx, period)
    until = workdays.next_workday(ctx.today)
    slot = schedule.snooze_slot(until, _plan(ctx))
    recorded = journal.record(
        ctx.session,
        kind="påminn",
        origin=ctx.origin,
        summary=f"Påminn {ctx.actor.name} om {period.code} igen {_clock(slot)}",
        rows=[Snooze(staff_id=ctx.actor.id or 0, year=period.year, tertial=period.tertial, until=until)],
    )
    return Reply(f"Okej, jag påminner dig om rapporten för {period.code} igen {_clock(slot)} (#{recorded.entry.id}). "
                 f"Ångra med: ångra {recorded.entry.id}", accepted=True)


@command("inte-min-uppgift", "intemin", "not-mine", role=Role.STAFF, scope=Scope.SELF)
def not_mine(ctx: Context, args: str) -> Reply:
    """Säg till administratören att det du påminns om inte är din uppgift att rapportera.
    Exempel: inte-min-uppgift T3 2022
    """
    period, rest = _period_arg(ctx, args)
    if rest:
        raise Usage(f"Jag förstod inte ”{rest[:60]}”. Skriv ”inte-min-uppgift T2 2023”.")
    if period is None:
        try:
            period, _ = _reminded_period(ctx, None)
        except Usage:
            period = Period.containing(ctx.today)
    snapshot = evaluation.current(ctx.session, period, today=ctx.today)
    items = owed.owed(ctx.session, snapshot, owed.Whose(person=ctx.actor.id))
    if not items:
        return Reply(f"Du har inget som saknas för {period.code}, så det finns inget att lämna över.")
    people = {s.id: s for s in ctx.session.exec(select(Staff).where(Staff.active)) if s.id is not None}
    heads = [a for a in delivery.admins(people) if a.id != ctx.actor.id]
    codes = [i.code for i in items]
    if not heads:  # nobody to tell: saying it was told would be untrue
        return Reply(
            f"Det finns ingen annan administratör att meddela att {_listed(codes)} för {period.code} inte är din "
            "uppgift. Ändra ansvarig i planen (ansvarig: …) och läs in den igen, så går påminnelserna till rätt person."
        )
    # The notice's key is what it says (who, which period, which items), so saying it again sends nothing new.
    said = hashlib.sha256(" ".join(sorted(codes)).encode()).hexdigest()[:16]
    keys = {head.id: f"inte-min:{head.id}:{ctx.actor.id}:{period.code}:{said}" for head in heads}
    if (
        keys
        and ctx.session.exec(select(Dispatch.id).where(col(Dispatch.key).in_(list(keys.values())))).first() is not None
    ):
        return Reply(
            f"Det har jag redan meddelat {', '.join(h.name for h in heads)}: {_listed(codes)} för {period.code}. "
            "Tills ansvaret ändras i planen fortsätter påminnelserna."
        )
    recorded = journal.record(ctx.session, kind="inte min uppgift", origin=ctx.origin, rows=[],
                              summary=f"{ctx.actor.name}: inte min uppgift för {period.code}: " + ", ".join(codes),
                              detail={"codes": codes})
    if not recorded.duplicate:
        notice = digest.not_mine(ctx.actor.name, period, items)
        for head in heads:
            with contextlib.suppress(IntegrityError), ctx.session.begin_nested():  # said at the same moment elsewhere
                sending.add_dispatch(ctx.session, keys[head.id], "inte-min", head.id or 0, notice, ctx.now, period)
    return Reply(
        f"Jag har meddelat {', '.join(h.name for h in heads)} att {_listed(codes)} för {period.code} inte är din"
        f" uppgift (#{recorded.entry.id}). Tills ansvaret ändras i planen fortsätter påminnelserna.",
        accepted=True,
    )


def _listed(codes: list[str]) -> str:
    # The whole list is in the administrator's notice; a long one in the reply would only hide the answer.
    return ", ".join(codes) if len(codes) <= 5 else f"{len(codes)} uppgifter ({', '.join(codes[:3])} med flera)"
