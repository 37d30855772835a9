"""The chat half of event: its command(s), whose docstrings are their help and examples, and its form."""

from __future__ import annotations

from sqlmodel import select

from kubot.chat import forms, grammar
from kubot.chat.registry import (
    EXAMPLE,
    Context,
    Scope,
    Usage,
    accepted,
    declare,
)
from kubot.kinds.event import record
from kubot.models import Area, StaffArea, StrategicGoal
from kubot.models.plan import Role
from kubot.models.records import ThreeK
from kubot.plan import queries as plan_queries
from kubot.port import Reply

_THREE_K = {"kostnad": ThreeK.COST, "kostnadseffektivitet": ThreeK.COST, "kompetens": ThreeK.COMPETENCE,
            "kompetenshöjning": ThreeK.COMPETENCE, "kvalitet": ThreeK.QUALITY, "kvalitetshöjning": ThreeK.QUALITY}


@declare("händelse", "handelse", "event", role=Role.STAFF, scope=Scope.ANY_AREA)
def event(ctx: Context, args: str) -> Reply:
    """Registrera en viktig händelse för rapporten: område, ev. 3K-effekt (kostnad, kompetens, kvalitet), och text
    efter kolon. Med ”exempel” och ett strategiskt mål (sm1–sm6) blir den ett exempel under det målet.
    Exempel: händelse Barnahus kompetens: Fyra utbildningsinsatser om hedersrelaterat våld.
    Exempel: händelse Miljösamverkan exempel sm2: Styrgruppen består från och med i år av samtliga miljöchefer i länet.
    """
    head, text = grammar.split_comment(args)
    if not text:
        own = ctx.session.exec(select(Area.name).join(StaffArea).where(StaffArea.staff_id == ctx.actor.id)).first()
        area = own or next(iter(ctx.lexicon().areas.values()), ("Barnahus",))[0]
        raise Usage(f"Skriv vilket område händelsen gäller före ett kolon, och händelsen efter, t.ex. "
                    f"”händelse {area}: {grammar.tidy(head) or 'Nytt avtal om …'}”.")
    day, head = grammar.take_date(grammar.tidy(head), ctx.today)
    occurred_on = day or ctx.today
    kind, head = _take_three_k(head)
    example, head = grammar.take_flag(head, *EXAMPLE)
    example_of, head = _take_strategic_goal(ctx, head, occurred_on.year)
    if example_of and not example:
        raise Usage(f"Ska händelsen vara ett exempel under {example_of}? Skriv då ordet exempel före målet, "
                    f"t.ex. ”händelse Barnahus exempel {example_of}: …”.")
    return accepted(ctx, record.log_event(
        ctx.session, origin=ctx.origin, area_code=ctx.lexicon().area(head) if head else None,
        occurred_on=occurred_on, text=text, three_k=kind, example=example, example_of=example_of,
    ))


def _take_strategic_goal(ctx: Context, text: str, year: int) -> tuple[str | None, str]:
    """A strategic goal's code standing alone ("sm2"), and the text without it."""
    for goal in plan_queries.items(ctx.session, StrategicGoal, year):
        found, rest = grammar.take_flag(text, goal.code)
        if found:
            return goal.code, rest
    return None, text


def _take_three_k(text: str) -> tuple[ThreeK | None, str]:
    for word, kind in _THREE_K.items():
        found, rest = grammar.take_flag(text, word)
        if found:
            return kind, rest
    return None, text


COMMANDS = (event,)
FORMS: tuple[forms.FormSpec, ...] = ()
