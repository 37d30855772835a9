"""Chat commands for what only the reports show: the economy, årsarbetare and the report's prose."""

from __future__ import annotations

import re
from datetime import date

from kubot import economy, records
from kubot import formatting as fmt
from kubot.chat import grammar, values
from kubot.chat.commands import _accepted, take_period
from kubot.chat.registry import Context, Scope, Usage, command
from kubot.models import Goal, StrategicGoal
from kubot.models.plan import Role
from kubot.models.records import EmploymentForm
from kubot.periods import Period
from kubot.plan import queries as plan_queries
from kubot.port import Reply

# A comma followed by a word starts the next figure; a comma between digits is a decimal comma.
# Far enough ahead that any written date parses, to say why a too late one is refused.
FAR_FUTURE = date(2100, 12, 31)
_FIGURE_SEPARATOR = re.compile(r"[;,]\s*(?=[^\d\s−-])|\soch\s")
_FIGURE = re.compile(rf"^(?P<word>[^\d−-]+?)\s*:?\s*(?P<amount>[−-]?\s?(?:{grammar.NUMBER}))\s*(?:tkr)?$", re.IGNORECASE)


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
            why = " räknas fram av kubot och skrivs inte in" if any(computed in c for c in economy.COMPUTED) else " är ingen uppgift jag känner"
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
        raise Usage(f"Ekonomin kan anges per ett datum till och med {fmt.day(closing)}, när perioden som pågår slutar – "
                    f"inte {fmt.day(later)}. Skriv till exempel ”ekonomi Skola {fmt.day(closing)}: utfall 2 313”.") from None


@command("ekonomi", "economy", role=Role.MANAGER, scope=Scope.ANY_AREA)
def economy_(ctx: Context, args: str) -> Reply:
    """Registrera ett områdes ekonomi i tkr per ett datum (bokslutets kolumner; summor och andelar räknar kubot).
    Exempel: ekonomi Miljösamverkan 2018-12-31: ingående 190, erhållna 800, budget 990, utfall 938
    Exempel: ekonomi Fritid 2018-12-31: utbetalt 120, kommunerna 946, staten 125, övriga 0
    Datumet får ligga fram till periodens sista dag (per 2022-08-31 går att skriva den 30 augusti).
    """
    head, colon, rest = args.partition(":")
    if not colon or not rest.strip():
        raise Usage("Skriv område och datum före kolon och uppgifterna i tkr efter, t.ex. ”ekonomi Skola 2018-12-31: utfall 2 313”.")
    day, area_text = _as_of_date(head, ctx.today)
    as_of = day or ctx.today
    if not area_text:
        raise Usage("Skriv vilket område ekonomin gäller.")
    area = ctx.lexicon(as_of.year).area(area_text)
    return _accepted(ctx, records.log_economy(ctx.session, origin=ctx.origin, figures={area: parse_figures(rest)}, as_of=as_of))


_FORMS = {"tillsvidare": EmploymentForm.PERMANENT, "tillsvidareanställda": EmploymentForm.PERMANENT,
          "visstid": EmploymentForm.FIXED_TERM, "visstidsanställda": EmploymentForm.FIXED_TERM,
          "tjänsteköp": EmploymentForm.SECONDED, "tjansteköp": EmploymentForm.SECONDED, "tjanstekop": EmploymentForm.SECONDED}
_FINANCERS = {"kommunerna": "kommunerna", "kommuner": "kommunerna", "kommunalt": "kommunerna",
              "externt": "externt", "extern": "externt", "externa": "externt"}
# Words around a financer that say nothing more: "finansierade av kommunerna 29,48", "varav externt 19,65".
_FTE_FILLER = re.compile(r"\b(?:varav|finansierade|finansierat|finansierad|av|och)\b", re.IGNORECASE)
_FTE_PAIR = re.compile(rf"([a-zåäö]+)\s*:?\s*({grammar.NUMBER})", re.IGNORECASE)
_FTE_EXAMPLE = "årsarbetare 2022: tillsvidare 30 visstid 10 tjänsteköp 9,13 kommunerna 29,48 externt 19,65"


@command("årsarbetare", "arsarbetare", "fte", role=Role.MANAGER, scope=Scope.ANY_AREA)
def staff_fte(ctx: Context, args: str) -> Reply:
    """Registrera årsarbetare för ett år per anställningsform (tillsvidare, visstid, tjänsteköp) och per finansiär (kommunerna, externt); summorna ska stämma.
    Exempel: årsarbetare 2018: tillsvidare 22,5 visstid 17 tjänsteköp 9,6
    Exempel: årsarbetare 2022: kommunerna 29,48 externt 19,65
    """
    head, colon, rest = args.partition(":")
    if not colon:
        head, rest = "", args
    year_match = re.fullmatch(r"\s*(?:år\s+)?(20\d\d)\s*", head) if head.strip() else None
    if head.strip() and year_match is None:
        raise Usage(f"Skriv året före kolon, t.ex. ”{_FTE_EXAMPLE}”.")
    year = int(year_match.group(1)) if year_match else ctx.today.year
    if year > ctx.today.year:
        raise Usage(f"Året {year} har inte börjat än.")
    rest = _FTE_FILLER.sub(" ", rest)
    ftes: dict[EmploymentForm, float] = {}
    financed: dict[str, float] = {}
    for word, amount in _FTE_PAIR.findall(rest):
        form, financer = _FORMS.get(word.casefold()), _FINANCERS.get(word.casefold())
        if form is None and financer is None:
            raise Usage(f"”{word}” är varken en anställningsform eller en finansiär. Skriv tillsvidare, visstid eller tjänsteköp, "
                        f"och kommunerna eller externt, t.ex. ”{_FTE_EXAMPLE}”.")
        if form is not None:
            ftes[form] = float(values.parse_number(amount))
        else:
            financed[financer or ""] = float(values.parse_number(amount))
    leftover = _FTE_PAIR.sub("", rest).strip(" ,;.")
    if leftover or not (ftes or financed):
        raise Usage(f"Skriv anställningsform eller finansiär och antal årsarbetare, t.ex. ”{_FTE_EXAMPLE}”.")
    return _accepted(ctx, records.log_staff_fte(ctx.session, origin=ctx.origin, year=year, ftes=ftes, financed=financed))


# The named sections of a report that have no data of their own, only text.
SECTIONS = {"inledning": "Inledning", "utvärdering": "Utvärdering", "medarbetare": "Medarbetare",
            "framtiden": "Framtiden", "ekonomi": "Ekonomisk analys", "åtgärder": "Åtgärder under resten av året"}
_SECTION_ALIASES = {"utvardering": "utvärdering", "atgarder": "åtgärder", "händelser": "inledning"}


def section_key(ctx: Context, text: str, year: int) -> tuple[str, str]:
    """The stored key and a readable title for the section a `text` message names."""
    words = text.split()
    if not words:
        raise Usage("Skriv vilket avsnitt texten gäller, t.ex. ”text framtiden T3 2018: …”.")
    first = _SECTION_ALIASES.get(words[0].casefold(), words[0].casefold())
    if first in SECTIONS and len(words) == 1:
        return first, SECTIONS[first]
    strategic = {sg.code: sg for sg in plan_queries.items(ctx.session, StrategicGoal, year)}
    if first == "analys" and len(words) == 2 and words[1].casefold() in strategic:
        chosen = strategic[words[1].casefold()]
        return f"analys:{chosen.code}", f"Analys – {chosen.name}"
    if first in strategic and len(words) > 1:
        title = " ".join(words[1:]).strip("”\"")
        return f"avsnitt:{first}:{title}", title
    goal = plan_queries.item(ctx.session, Goal, first, year)
    if goal is not None and len(words) == 1:
        return f"mål:{goal.code}", goal.name
    raise Usage(f"Jag känner inte till avsnittet ”{text.strip()[:40]}”. Avsnitt: {', '.join(SECTIONS)}, ”analys <strategiskt mål>”, "
                f"ett måls kod, eller ett strategiskt måls kod följt av en egen rubrik ({', '.join(sorted(strategic))}).")


@command("text", role=Role.MANAGER, scope=Scope.ANY_AREA)
def text(ctx: Context, args: str) -> Reply:
    """Skriv ett avsnitt i rapporten för en period: inledning, utvärdering, medarbetare, framtiden, ekonomi, åtgärder, ”analys <strategiskt mål>”, ett måls kod, eller ett strategiskt måls kod med egen rubrik. Den senaste texten gäller.
    Exempel: text framtiden T3 2018: Under 2019 påbörjas en ny mandatperiod.
    Exempel: text analys sm2 T3 2018: Närvaron når inte riktigt önskat målvärde under 2018.
    Exempel: text sm6 Pågående forskningsstudier T3 2018: Tre forskningsstudier pågår i samverkan med Jönköping University.
    """
    head, colon, body = args.partition(":")
    if not colon or not body.strip():
        raise Usage("Skriv avsnitt och period före kolon och texten efter, t.ex. ”text framtiden T3 2018: …”.")
    period, name = take_period(ctx, head)
    key, title = section_key(ctx, name, period.year)
    return _accepted(ctx, records.log_text(ctx.session, origin=ctx.origin, section=key, title=title, period=period, text=body))
