"""`frånvarande`: someone away for some days. Their reminders that fall meanwhile come the working day
they are back, if the deadline allows; otherwise their manager gets what is missing (kubot.reminders)."""

from __future__ import annotations

import re
from datetime import date

from kubot import deadlines, journal, workdays
from kubot import formatting as fmt
from kubot.chat import grammar
from kubot.chat.registry import Context, Scope, Usage, command
from kubot.chat.staff_commands import person_named
from kubot.models import Absence
from kubot.models.plan import Role
from kubot.periods import Period
from kubot.port import Reply
from kubot.reminders import schedule
from kubot.values import ValueProblem
from kubot.values.dates import parse_span

EXAMPLE = "frånvarande 20/12–6/1"
# Where the dates begin: the first word with a digit, or idag/i dag/imorgon.
_DATES_BEGIN = re.compile(r"(?:^|\s)(?=[0-9]|idag\b|i dag\b|imorgon\b|i morgon\b)", re.IGNORECASE)


def _day(day: date) -> str:
    return f"{workdays.weekday_name(day)} {fmt.day(day)}"


@command("frånvarande", "franvarande", "frånvaro", "franvaro", "ledig", role=Role.STAFF, scope=Scope.SELF_OR_ANYONE)
def away(ctx: Context, args: str) -> Reply:
    """Säg att du är borta några dagar (båda dagarna räknas): påminnelser som faller då kommer första arbetsdagen
    efter, eller går till din chef om deadline inte kan vänta. Chefer och administratörer kan skriva någons namn först.
    Exempel: frånvarande 20/12–6/1
    Exempel: frånvarande 2026-12-20 till 2027-01-06
    Exempel: frånvarande Liselotte Karlsson 20/12–6/1
    """
    text = grammar.tidy(args)
    begins = _DATES_BEGIN.search(text)
    if not text or begins is None:
        raise Usage(f"Skriv första och sista dagen du är borta, t.ex. ”{EXAMPLE}” eller "
                    "”frånvarande 2026-12-20 till 2027-01-06”.")
    name, dates = text[:begins.start()].strip(), text[begins.end():].strip()
    try:
        first, last = parse_span(dates, ctx.today)
    except ValueProblem as exc:
        raise Usage(str(exc)) from exc
    person = person_named(ctx, name) if name else ctx.actor
    if person.id != ctx.actor.id and not ctx.has_role(Role.MANAGER):
        raise Usage(f"Bara chefer och administratörer anmäler någon annan som frånvarande. För dig själv: ”{EXAMPLE}”.")
    if not person.active:
        raise Usage(f"{person.name} har ingen tillgång till kubot och får inga påminnelser.")
    days = (last - first).days + 1
    recorded = journal.record(ctx.session, kind="frånvaro", origin=ctx.origin,
                              summary=f"{person.name} frånvarande {fmt.day(first)}–{fmt.day(last)}",
                              rows=[Absence(staff_id=person.id or 0, first_day=first, last_day=last)])
    back = workdays.next_workday(last)
    yours = person.id == ctx.actor.id
    whose = "Dina" if yours else f"{person.name.split()[0]}s"
    lines = [f"Registrerat #{recorded.entry.id}: {person.name} frånvarande {_day(first)} – {_day(last)} "
             f"({days} {'dag' if days == 1 else 'dagar'}). {whose} påminnelser som faller då kommer {_day(back)}, "
             "första arbetsdagen efter; kan en deadline inte vänta så länge får chefen veta vad som saknas."]
    them, their = ("du", "din") if yours else ("hen", "hens")
    lines += [f"Deadline för {period.code} är {_day(due_on)}, innan {them} är tillbaka, så {their} chef får veta "
              f"vad som saknas från {'dig' if yours else 'hen'}."
              for period, due_on in _missed_deadlines(ctx, first, last, recorded.entry.id or 0)]
    lines.append(f"Ångra med: ångra {recorded.entry.id}")
    return Reply("\n".join(lines), accepted=True)


def _missed_deadlines(ctx: Context, first: date, last: date, entry_id: int) -> list[tuple[Period, date]]:
    """The deadlines in force whose reminders the absence hands to the manager: the same rule the worker follows."""
    plan = schedule.ReminderPlan.from_settings(ctx.settings)
    found = deadlines.deadlines_in_force(ctx.session, first.year - 1, last.year + 1)
    return [(period, due_on) for period, due_on in sorted(found.items())
            if schedule.around_absences(schedule.usable_slots(due_on, plan, period.end),
                                        [schedule.Away(first, last, entry_id)], due_on, plan)[1]]
