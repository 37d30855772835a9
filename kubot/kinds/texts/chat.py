"""The chat half of texts: its command(s), whose docstrings are their help and examples, and its form."""

from __future__ import annotations

from kubot.chat import forms
from kubot.chat.registry import (
    Context,
    Scope,
    Usage,
    accepted,
    declare,
    take_period,
)
from kubot.kinds.texts import record
from kubot.models import Goal, StrategicGoal
from kubot.models.plan import Role
from kubot.periods import Period
from kubot.plan import queries as plan_queries
from kubot.port import Reply

_SECTION_ALIASES = {"utvardering": "utvärdering", "atgarder": "åtgärder", "händelser": "inledning"}
_OWN_SECTIONS = "”analys <strategiskt mål>”, ett måls kod eller ett strategiskt måls kod följt av en egen rubrik"


def section_key(ctx: Context, text: str, period: Period) -> tuple[str, str]:
    """The stored key and a readable title for the section a `text` message names. A named section the report of
    `period` does not print is refused with the sections it has: a text is never stored to be left out."""
    words = text.split()
    if not words:
        raise Usage("Skriv vilket avsnitt texten gäller, t.ex. ”text framtiden T3 2018: …”.")
    first = _SECTION_ALIASES.get(words[0].casefold(), words[0].casefold())
    # Which named texts a report prints is the report shape's to say; loaded only for a `text`, so every other
    # message answers without the report stack.
    from kubot.report import content, parts

    printed = {section.key: section for section in content.text_sections(period)}
    if first in printed and len(words) == 1:
        return first, printed[first].title
    if first in {section.key for section in content.all_text_sections()} and len(words) == 1:
        raise Usage(f"{content.report_name(period)} har inget avsnitt ”{first}”. Avsnitten den har är "
                    f"{parts.names_list(printed)}; dessutom {_OWN_SECTIONS}. Skriv t.ex. ”text {next(iter(printed))} "
                    f"{period.code}: …”.")
    strategic = {sg.code: sg for sg in plan_queries.items(ctx.session, StrategicGoal, period.year)}
    if first == "analys" and len(words) == 2 and words[1].casefold() in strategic:
        chosen = strategic[words[1].casefold()]
        return f"analys:{chosen.code}", f"Analys – {chosen.name}"
    if first in strategic and len(words) > 1:
        title = " ".join(words[1:]).strip("”\"")
        return f"avsnitt:{first}:{title}", title
    goal = plan_queries.item(ctx.session, Goal, first, period.year)
    if goal is not None and len(words) == 1:
        return f"mål:{goal.code}", goal.name
    raise Usage(f"Jag känner inte till avsnittet ”{text.strip()[:40]}”. Avsnitt i {content.report_name(period)}: "
                f"{', '.join(printed)}, {_OWN_SECTIONS} ({', '.join(sorted(strategic))}).")


@declare("text", role=Role.MANAGER, scope=Scope.ANY_AREA)
def text(ctx: Context, args: str) -> Reply:
    """Skriv ett avsnitt i rapporten för en period: inledning, utvärdering, medarbetare, ekonomi, framtiden
    (verksamhetsberättelsen), åtgärder (delårsrapporten), ”analys <strategiskt mål>”, ett måls kod, eller ett
    strategiskt måls kod med egen rubrik. Den senaste texten gäller.
    Exempel: text framtiden T3 2018: Under 2019 påbörjas en ny mandatperiod.
    Exempel: text analys sm2 T3 2018: Närvaron når inte riktigt önskat målvärde under 2018.
    Exempel: text sm6 Pågående forskningsstudier T3 2018: Tre studier pågår med Jönköping University.
    """
    head, colon, body = args.partition(":")
    if not colon or not body.strip():
        raise Usage("Skriv avsnitt och period före kolon och texten efter, t.ex. ”text framtiden T3 2018: …”.")
    period, name = take_period(ctx, head)
    key, title = section_key(ctx, name, period)
    return accepted(
        ctx, record.log_text(ctx.session, origin=ctx.origin, section=key, title=title, period=period, text=body)
    )


COMMANDS = (text,)
FORMS: tuple[forms.FormSpec, ...] = ()
