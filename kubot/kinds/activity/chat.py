"""The chat half of activity: its command(s), whose docstrings are their help and examples, and its form."""

from __future__ import annotations

import re
from datetime import date

from sqlmodel import Session, col, select

from kubot import records
from kubot.chat import forms, grammar
from kubot.chat.registry import (
    EXAMPLE,
    Context,
    Scope,
    Usage,
    accepted,
    check_may_report,
    declare,
)
from kubot.kinds.activity import record
from kubot.models import Activity, Staff
from kubot.models.plan import Role
from kubot.models.records import ActivityState
from kubot.port import Reply

_STATES = [
    ("pågår med allvarliga problem", ActivityState.SERIOUS_PROBLEMS),
    ("pågår med allvarligt problem", ActivityState.SERIOUS_PROBLEMS),
    ("allvarliga problem", ActivityState.SERIOUS_PROBLEMS),
    ("allvarligt problem", ActivityState.SERIOUS_PROBLEMS),
    ("pågår med problem", ActivityState.PROBLEMS),
    ("med problem", ActivityState.PROBLEMS),
    ("problem", ActivityState.PROBLEMS),
    ("pågår enligt plan", ActivityState.ON_TRACK),
    ("enligt plan", ActivityState.ON_TRACK),
    ("pågår", ActivityState.ON_TRACK),
    ("ej påbörjad", ActivityState.NOT_STARTED),
    ("inte påbörjad", ActivityState.NOT_STARTED),
    ("ej startad", ActivityState.NOT_STARTED),
    ("inte startad", ActivityState.NOT_STARTED),
    ("avbruten", ActivityState.CANCELLED),
    ("inställd", ActivityState.CANCELLED),
    ("klar", ActivityState.DONE),
    ("genomförd", ActivityState.DONE),
    ("avslutad", ActivityState.DONE),
    ("done", ActivityState.DONE),
]


@declare("aktivitet", "activity", role=Role.STAFF, scope=Scope.OWN_AREA)
def activity(ctx: Context, args: str) -> Reply:
    """Ange en aktivitets status: pågår enligt plan, ej påbörjad, pågår med problem, pågår med allvarligt problem,
    avbruten eller klar. Med ordet exempel blir kommentaren ett exempel i rapporten. Med ett datum gäller statusen
    från den dagen, t.ex. för en tidigare period.
    Exempel: aktivitet a-fin-brukarrev pågår med problem: två av fem revisioner genomförda
    Exempel: aktivitet a-pks-sammantraden 2022-06-09 pågår
    Exempel: aktivitet a-pks-sammantraden klar
    Exempel: aktivitet a-forskningsstrategi klar exempel: Ledningsgruppen har godkänt forskningsstrategin.
    """
    head, comment = grammar.split_comment(args)
    example, head = grammar.take_flag(grammar.tidy(head), *EXAMPLE)
    name, state, after = _split_at_state(head)
    day, name, after = _take_status_date(name, after, ctx.today)
    if state is None:
        raise Usage(
            f"Jag hittar ingen status i ”{head}”. Skriv statusen efter aktiviteten: pågår enligt plan, ej påbörjad,"
            " pågår med problem, pågår med allvarligt problem, avbruten eller klar, t.ex. ”aktivitet"
            f" {head or 'a-pks-sammantraden'} klar”."
        )
    if not name:
        raise Usage(f"Skriv vilken aktivitet det gäller, före statusen, t.ex. ”aktivitet a-pks-sammantraden {head}”.")
    # What follows the status after a comma or a dash is the comment: "reko inställd, ingen kom".
    comment = " ".join(part for part in (after, comment) if part)
    code = ctx.lexicon().activity(name)
    item = records.activity_in_force(ctx.session, code, day.year)
    check_may_report(ctx, item, f"aktiviteten {item.code}")
    return accepted(ctx, record.log_activity_status(ctx.session, origin=ctx.origin, activity_code=code, state=state,
                                                 reported_on=day, comment=comment, example=example))


def _take_status_date(name: str, after: str, today: date) -> tuple[date, str, str]:
    """The day the status holds from, written among the activity's name ("a-pks 2022-06-09 pågår") or right
    after the status ("a-pks pågår 9 juni 2022, två klara"), and the name and what follows without it; today
    when no date is written. A date later in the comment ("inställd, nytt möte 5 maj") stays in the comment."""
    if (found := grammar.split_at_date(name, today)) is not None:
        before, day, rest = found
        return day, f"{before} {rest}".strip(), after
    if (found := grammar.split_at_date(after, today)) is not None and not found[0]:
        return found[1], name, found[2].lstrip(" ,;:.–-")
    return today, name, after



def _activity(session: Session, actor: Staff | None, today: date, preset: forms.Values) -> tuple[forms.Field, ...]:
    query = select(Activity).where(Activity.plan_id == forms.plan_id(session, today))
    activities = tuple(
        (a.code, f"{a.code} – {a.name}")
        for a in forms.reportable(session, actor, query.order_by(col(Activity.position)))
    )
    return (
        forms.Field(
            "activity",
            "Aktivitet",
            forms.Kind.MENU,
            options=activities,
            about=("aktivitet",),
            initial=activities[0][0] if len(activities) == 1 else "",
        ),
        forms.Field(
            "state",
            "Status",
            forms.Kind.MENU,
            options=tuple((s.value, s.value) for s in ActivityState),
            about=("status",),
        ),
        forms.Field(
            "comment", "Kommentar (valfritt)", forms.Kind.LONG_TEXT, optional=True, about=("text", "kommentar")
        ),
        forms.Field(
            "example",
            "Exempel i rapporten",
            forms.Kind.TOGGLE,
            optional=True,
            hint="kommentaren visas under ”Exempel på aktiviteter”",
        ),
    )


def _activity_command(form: forms.Form, values: forms.Values) -> str:
    example = " exempel" if forms.text(values, "example") == "true" else ""
    return forms.with_comment(
        f"aktivitet {forms.text(values, 'activity')} {forms.text(values, 'state')}{example}", values, "comment"
    )


def _split_at_state(head: str) -> tuple[str, ActivityState | None, str]:
    """The activity's name, the status written first after it, and what follows the status."""
    folded = head.casefold()
    found = [(match.start(), -len(phrase), match.end(), state) for phrase, state in _STATES
             if (match := re.search(rf"(?<!\S){re.escape(phrase)}(?=$|[\s,;:.!–-])", folded))]
    if not found:
        return head, None, ""
    start, _, end, state = min(found, key=lambda hit: hit[:2])
    return head[:start].strip(" ,"), state, head[end:].strip(" ,;:.–-")


COMMANDS = (activity,)
FORMS = (forms.FormSpec("aktivitet", "Aktivitetens status", "Spara statusen", _activity, _activity_command),)
