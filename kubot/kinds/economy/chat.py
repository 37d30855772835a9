"""The chat half of economy: its command(s), whose docstrings are their help and examples, and its form."""

from __future__ import annotations

import re
from datetime import date

from kubot import economy, values
from kubot import formatting as fmt
from kubot.chat import forms, grammar
from kubot.chat.registry import (
    Context,
    Scope,
    Usage,
    accepted,
    declare,
)
from kubot.kinds.economy import record
from kubot.models.plan import Role
from kubot.periods import Period
from kubot.port import Reply

# A comma followed by a word starts the next figure; a comma between digits is a decimal comma.
# Far enough ahead that any written date parses, to say why a too late one is refused.
FAR_FUTURE = date(2100, 12, 31)


_FIGURE_SEPARATOR = re.compile(r"[;,]\s*(?=[^\d\s−-])|\soch\s")


_FIGURE = re.compile(
    rf"^(?P<word>[^\d−-]+?)\s*:?\s*(?P<amount>[−-]?\s?(?:{grammar.NUMBER}))\s*(?:tkr)?$", re.IGNORECASE
)


def parse_figures(text: str) -> dict[str, float]:
    """"utfall 938, ingående 190" → {"utfall förbrukning": 938.0, "ingående medel": 190.0} (tkr)."""
    figures: dict[str, float] = {}
    for part in _FIGURE_SEPARATOR.split(text.strip()):
        part = part.strip(" .")
        if not part:
            continue
        match = _FIGURE.match(part)
        if match is None:
            raise Usage(f"Jag förstod inte ”{part[:40]}”. Skriv uppgift och belopp i tkr, t.ex. ”utfall 938”.")
        item = economy.item_for(match.group("word"))
        if item is None:
            computed = match.group("word").strip().casefold()
            why = (
                " räknas fram av kubot och skrivs inte in"
                if any(computed in c for c in economy.COMPUTED)
                else " är ingen uppgift jag känner"
            )
            raise Usage(f"”{match.group('word').strip()}”{why}. Uppgifterna är: {economy.words_example()}.")
        raw = match.group("amount").replace(" ", "", 1) if match.group("amount")[:1] in "−-" else match.group("amount")
        figures[item] = float(values.parse_number(raw, allow_negative=True))
    return figures


def _as_of_date(text: str, today: date) -> tuple[date | None, str]:
    """The accounts' date in an `ekonomi` message: any day up to the end of the period now running.

    The finance system closes a period on its last day and the figures are often ready the day
    before; the report is due later still, so "per 31 augusti" is right on 30 August.
    """
    closing = Period.containing(today).end
    try:
        return grammar.take_date(text, closing)
    except values.ValueProblem:
        try:
            later, _ = grammar.take_date(text, FAR_FUTURE)
        except values.ValueProblem:
            later = None
        if later is None or later <= closing:
            raise
        raise Usage(
            f"Ekonomin kan anges per ett datum till och med {fmt.day(closing)}, när perioden som pågår slutar – "
            f"inte {fmt.day(later)}. Skriv till exempel ”ekonomi Skola {fmt.day(closing)}: utfall 2 313”."
        ) from None


@declare("ekonomi", "economy", role=Role.MANAGER, scope=Scope.ANY_AREA)
def economy_(ctx: Context, args: str) -> Reply:
    """Registrera ett områdes ekonomi i tkr per ett datum (bokslutets kolumner; summor och andelar räknar kubot).
    Exempel: ekonomi Miljösamverkan 2018-12-31: ingående 190, erhållna 800, budget 990, utfall 938
    Exempel: ekonomi Fritid 2018-12-31: utbetalt 120, kommunerna 946, staten 125, övriga 0
    Datumet får ligga fram till periodens sista dag (per 2022-08-31 går att skriva den 30 augusti).
    """
    head, colon, rest = args.partition(":")
    if not colon or not rest.strip():
        raise Usage(
            "Skriv område och datum före kolon och uppgifterna i tkr efter, t.ex. ”ekonomi Skola 2018-12-31: utfall 2"
            " 313”."
        )
    day, area_text = _as_of_date(head, ctx.today)
    as_of = day or ctx.today
    if not area_text:
        raise Usage("Skriv vilket område ekonomin gäller.")
    area = ctx.lexicon(as_of.year).area(area_text)
    return accepted(
        ctx, record.log_economy(ctx.session, origin=ctx.origin, figures={area: parse_figures(rest)}, as_of=as_of)
    )


COMMANDS = (economy_,)
FORMS: tuple[forms.FormSpec, ...] = ()
