"""Chat commands that read the rules' verdicts: `status`, `varför` and `saknas`.

Each judges the period afresh, so the answer reflects what was logged a moment ago; the
answers only read, so no snapshot is stored (the CLI, the scheduler and reports store theirs).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import col, select

from kubot import evaluation, owed, values
from kubot import formatting as fmt
from kubot.chat import followups, grammar
from kubot.chat.registry import Context, Scope, Usage, command, take_period
from kubot.models import Activity, Area, Attendance, Entry, Goal, Indicator, Network, Staff, StaffArea, StrategicGoal
from kubot.models.plan import Role
from kubot.periods import Period
from kubot.plan import queries as plan_queries
from kubot.port import Action, Reply
from kubot.values import NoMatch, ValueProblem
from kubot.verdicts import STATUS_SYMBOLS, Due, IndicatorVerdict, Snapshot, Status

MAX_LINES = 25


def _snapshot(ctx: Context, period: Period) -> Snapshot:
    if not plan_queries.has_plan(ctx.session, period.year):
        raise Usage(f"Det finns ingen plan för {period.year}.")
    if period.start > ctx.today:
        raise Usage(f"{period.label} har inte börjat än.")
    return evaluation.current(ctx.session, period, today=ctx.today)


def _value(verdict: IndicatorVerdict, value: float | None) -> str:
    return "–" if value is None else fmt.in_unit(verdict.unit, value)


def status_line(verdict: IndicatorVerdict) -> str:
    """One indicator at a glance: symbol, code, result against target, trend arrow."""
    arrow = f" {verdict.trend.arrow}" if verdict.trend else ""
    target = f" (mål {_value(verdict, verdict.target)})" if verdict.target is not None else ""
    return (
        f"{STATUS_SYMBOLS[verdict.status]} {verdict.code}: {_value(verdict, verdict.value)}{target}{arrow} –"
        f" {verdict.status}"
    )


@dataclass(frozen=True)
class _Scoped:
    """What a status scope names: its words for the head, its indicators, and – for a network or an area
    (a group of people's meetings) – the networks whose latest meetings and what is missing are shown."""

    what: str
    verdicts: list[IndicatorVerdict]
    networks: tuple[str, ...] | None = None
    owed: tuple[owed.Verdict, ...] = ()


def _scope(ctx: Context, text: str, snapshot: Snapshot) -> _Scoped:
    """The indicators a scope names: an indicator, a goal, a strategic goal, a network or an area (with its
    sub-areas)."""
    year = snapshot.period.year
    wanted = text.strip().casefold()
    goals = plan_queries.items(ctx.session, Goal, year)
    for g in goals:
        if g.code.casefold() == wanted:
            return _Scoped(f"målet {g.code} ”{g.name}”", [v for v in snapshot.indicators if v.goal == g.code])
    for sg in plan_queries.items(ctx.session, StrategicGoal, year):
        if sg.code.casefold() == wanted:
            codes = {g.code for g in goals if g.strategic_goal_id == sg.id}
            return _Scoped(f"det strategiska målet ”{sg.name}”", [v for v in snapshot.indicators if v.goal in codes])
    lexicon = ctx.lexicon(year)
    if network := _network_meant(ctx, text, year):
        verdicts = [v for v in snapshot.indicators if network in v.networks]
        return _Scoped(f"nätverket {lexicon.networks[network][0]}", verdicts, (network,),
                       tuple(v for v in verdicts if v.due.outstanding))
    try:
        area_code = lexicon.area(text)
    except NoMatch:
        code = lexicon.indicator(text)
        verdict = snapshot.indicator(code)
        return _Scoped(f"mätetalet {code} ”{lexicon.indicators[code][0]}”", [verdict] if verdict else [])
    areas = plan_queries.area_code_tree(ctx.session).below(area_code)
    networks = ctx.session.exec(
        select(Network.code).join(Area).where(col(Area.code).in_(areas)).order_by(Network.code)
    ).all()
    return _Scoped(f"området {lexicon.areas[area_code][0]}", [v for v in snapshot.indicators if v.area in areas],
                   tuple(networks), tuple(owed.owed_verdicts(snapshot, owed.Whose(areas=frozenset(areas)))))


def _network_meant(ctx: Context, text: str, year: int) -> str | None:
    """The network a scope names ("skolcheferna"), when it names one more closely than any area."""
    lexicon = ctx.lexicon(year)
    try:
        network, network_step = values.match_ranked(text, lexicon.networks, kind="nätverk")
    except ValueProblem:
        return None
    try:
        _, area_step = values.match_ranked(text, lexicon.areas, kind="område")
    except ValueProblem:
        return network
    return network if network_step < area_step else None


def _latest_meetings(ctx: Context, networks: tuple[str, ...]) -> str:
    """The latest meetings of the networks, as a line under their indicators."""
    if not networks:
        return ""
    rows = ctx.session.exec(
        select(col(Network.name), Attendance).select_from(Attendance).join(Network)
        .join(Entry, col(Entry.id) == col(Attendance.entry_id))
        .where(col(Network.code).in_(networks), col(Entry.undone_at).is_(None), col(Entry.replaced_by_id).is_(None))
        .order_by(col(Attendance.held_on).desc(), col(Attendance.id).desc()).limit(_LATEST_MEETINGS)
    ).all()
    if not rows:
        return "\nInga möten registrerade ännu."
    # One network's meetings need not repeat its name; an area's do.
    named = len(networks) > 1
    return "\nSenaste möten: " + ", ".join(
        f"{_short(name) + ' ' if named else ''}{fmt.day(a.held_on)} {a.present_count} av {a.invited_count}"
        + (f" {a.channel}" if a.channel else "") for name, a in rows) + "."


def _short(name: str) -> str:
    """A network's name without its explanation ("PKS – Primärkommunalt samverkansorgan" → "PKS")."""
    return name.split(" – ")[0]


def _missing(scoped: _Scoped, asked: str) -> str:
    """What the named network or area still owes this period, by code and name, as `saknas` lists it."""
    if scoped.networks is None:
        return ""
    if not scoped.owed:
        return "\nInget saknas."
    shown = "; ".join(f"{v.code} – {v.name}" for v in scoped.owed[:_SHOWN_MISSING])
    more = (
        f" … och {len(scoped.owed) - _SHOWN_MISSING} till (se ”saknas {asked}”)"
        if len(scoped.owed) > _SHOWN_MISSING
        else ""
    )
    return f"\nSaknas ({len(scoped.owed)} st): {shown}{more}."


_SHOWN_MISSING = 3
_LATEST_MEETINGS = 3
_PAGE = re.compile(r"(?<!\S)sida\s+([0-9]{1,4})(?!\S)", re.IGNORECASE)


def _take_page(text: str) -> tuple[int, str]:
    """"sida 2" in a message: which page of a long list to show (1 without it)."""
    match = _PAGE.search(text)
    if match is None:
        return 1, text
    return max(int(match.group(1)), 1), (text[: match.start()] + text[match.end():]).strip()


def _listed(ctx: Context, lines: list[str], page: int, again: str) -> tuple[str, tuple[Action, ...]]:
    """One page of a long list. When more follow, "mer" (or the button) shows the next page of `again`."""
    start = (page - 1) * MAX_LINES
    shown = lines[start: start + MAX_LINES]
    left = len(lines) - start - len(shown)
    if left <= 0:
        return "\n".join(shown), ()
    next_page = f"{again} sida {page + 1}".strip()
    followups.remember(ctx.session, ctx.actor, followups.MORE, next_page, ctx.now)
    text = "\n".join(shown) + f"\n… och {left} till. Skriv ”mer” för att se nästa {min(left, MAX_LINES)}."
    return text, (Action("Visa fler", next_page),)


def _counts(verdicts: Iterable[IndicatorVerdict]) -> str:
    counted = Counter(v.status for v in verdicts)
    return ", ".join(f"{STATUS_SYMBOLS[s]} {counted[s]} {s}" for s in Status if counted[s])


@command("status", "läge", "lage", role=Role.STAFF, scope=Scope.READ)
def status(ctx: Context, args: str) -> Reply:
    """Visa hur mätetalen ligger till: symbol, resultat mot målvärde och trend.
    Exempel: status
    Exempel: status narvaro-pks T2 2022
    Exempel: status missbruk T3 2022
    """
    page, args = _take_page(grammar.tidy(args))
    period, rest = take_period(ctx, args)
    snapshot = _snapshot(ctx, period)
    if rest.strip():
        scoped = _scope(ctx, rest, snapshot)
    else:
        scoped = _Scoped("dina mätetal", [v for v in snapshot.indicators if v.responsible_id == ctx.actor.id])
    verdicts = scoped.verdicts
    head = f"Läget för {scoped.what}, {period.label} (bedömt {fmt.day(snapshot.as_of)}):"
    lines = [status_line(v) for v in verdicts]
    if not lines:
        lines = ["Inga mätetal här."]
    summary = f"\nHela planen: {_counts(snapshot.indicators)}."
    # Only warnings about networks that the shown indicators measure against a target.
    watched = {network for v in verdicts if v.target is not None for network in v.networks}
    warnings = "".join(f"\n⚠ {w.text}" for w in snapshot.warnings if w.code in watched)
    if scoped.networks is not None:
        warnings += _latest_meetings(ctx, scoped.networks) + _missing(scoped, " ".join([*rest.split(), period.code]))
    listed, more = _listed(ctx, lines, page, " ".join(["status", *rest.split(), period.code]))
    return Reply(
        f"{head}\n{listed}{summary}{warnings}\nFråga ”varför <kod>” för att se hur ett mätetal bedömdes.", actions=more
    )


@command("varför", "varfor", "why", role=Role.STAFF, scope=Scope.READ)
def why(ctx: Context, args: str) -> Reply:
    """Förklara hur ett mätetal eller en aktivitet bedömdes och med vilka siffror; ”detaljer” visar också reglerna.
    Exempel: varför narvaro-pks T2 2022
    Exempel: varför nojd-medarbetare
    Exempel: varför narvaro-pks T2 2022 detaljer
    """
    details, args = grammar.take_flag(grammar.tidy(args), "detaljer", "detaljerat")
    period, rest = take_period(ctx, args)
    if not rest.strip():
        raise Usage("Skriv vilket mätetal du vill ha förklarat, t.ex. ”varför narvaro-pks T2 2022”.")
    snapshot = _snapshot(ctx, period)
    lexicon = ctx.lexicon(period.year)
    try:
        code = lexicon.indicator(rest)
    except NoMatch:
        activity = snapshot.activity(lexicon.activity(rest))
        assert activity is not None
        return Reply(f"{activity.code} – {activity.name}, {period.label}:\n{activity.explanation}\n"
                     f"Rapportering: {activity.due}{_rule('rapportering', activity.due_rule, details)}.")
    verdict = snapshot.indicator(code)
    assert verdict is not None
    lines = [
        f"{verdict.code} – {verdict.name}, {period.label}:",
        f"{STATUS_SYMBOLS[verdict.status]} {verdict.status}{_rule('status', verdict.status_rule, details)}.",
        f"Resultat {_value(verdict, verdict.value)}"
        + (
            f" ({fmt.number(verdict.ratio[0])} av {fmt.number(verdict.ratio[1])})"
            if verdict.ratio and verdict.ratio[1]
            else ""
        )
        + f", målvärde {_value(verdict, verdict.target)}"
        + (f", samma period i fjol {_value(verdict, verdict.previous)}" if verdict.previous is not None else "")
        + ".",
        verdict.explanation,
    ]
    if verdict.trend:
        lines.append(f"Trend {verdict.trend.arrow} {verdict.trend}{_rule('trend', verdict.trend_rule, details)}.")
    lines.append(f"Rapportering: {verdict.due}{_rule('rapportering', verdict.due_rule, details)}.")
    if verdict.analysis:
        lines.append(f"Analys: {verdict.analysis}")
    return Reply("\n".join(lines))


def _rule(kind: str, rule: str | None, details: bool) -> str:
    """The rule behind a verdict, only when the person asked for the details."""
    return f" (regel {kind}/{rule})" if details and rule else ""


@command("saknas", "missing", role=Role.STAFF, scope=Scope.READ)
def missing(ctx: Context, args: str) -> Reply:
    """Visa vad du (eller ett område) har kvar att rapportera för perioden, och hur du rapporterar det.
    Exempel: saknas
    Exempel: saknas T2 2022
    Exempel: saknas missbruk T2 2022
    """
    page, args = _take_page(grammar.tidy(args))
    period, rest = take_period(ctx, args)
    snapshot = _snapshot(ctx, period)
    if rest.strip():
        whose, scope = "området", owed.Whose(areas=frozenset(
            plan_queries.area_code_tree(ctx.session).below(ctx.lexicon(period.year).area(rest))))
    else:
        whose, scope = "dig", owed.Whose(person=ctx.actor.id)
    lines = [
        f"• {item.code} – {item.name} ({item.why}): {item.how}" for item in owed.owed(ctx.session, snapshot, scope)
    ]
    later = [v for v in snapshot.indicators if v.due == Due.LATER and scope.covers(v)]
    note = f"\n{len(later)} mätetal mäts senare under året, t.ex. {later[0].code}." if later else ""
    if not lines:
        return Reply(f"Inget saknas för {whose} för {period.label}. Bra jobbat!{note}")
    listed, more = _listed(ctx, lines, page, " ".join(["saknas", *rest.split(), period.code]))
    return Reply(f"Det här saknas för {whose} för {period.label} ({len(lines)} st):\n{listed}{note}", actions=more)


@command("ansvarig", "responsible", role=Role.STAFF, scope=Scope.READ)
def responsible(ctx: Context, args: str) -> Reply:
    """Visa vem som är ansvarig för ett mätetal, en aktivitet eller ett område (och vem som svarar för vad inom det).
    Exempel: ansvarig narvaro-pks
    Exempel: ansvarig missbruk
    """
    name = grammar.tidy(args)
    if not name:
        raise Usage("Skriv vilket mätetal, vilken aktivitet eller vilket område du undrar över.")
    lexicon = ctx.lexicon()
    found: list[tuple[int, int, str, str]] = []  # how loosely, which kind first on a tie, kind, code
    # The closest match of the three kinds answers; on a tie the area, since "missbruk" means the area
    # Missbruk och beroende more than the one indicator whose long name holds the word.
    for order, (kind, names) in enumerate((("område", lexicon.areas), ("mätetal", lexicon.indicators),
                                            ("aktivitet", lexicon.activities))):
        try:
            code, step = values.match_ranked(name, names, kind=kind)
        except ValueProblem:
            continue
        found.append((step, order, kind, code))
    if not found:
        lexicon.area(name)  # raises the area's "Hittar inget område …" with its suggestions
    _, _, kind, code = min(found)
    people = {s.id: s.name for s in ctx.session.exec(select(Staff))}
    if kind == "område":
        return Reply(_area_responsibles(ctx, code, lexicon.areas[code][0], people))
    year = ctx.today.year
    item: Indicator | Activity | None = (plan_queries.item(ctx.session, Indicator, code, year) if kind == "mätetal"
                                         else plan_queries.item(ctx.session, Activity, code, year))
    who = people.get(item.responsible_id) if item and item.responsible_id else None
    the_kind = "mätetalet" if kind == "mätetal" else "aktiviteten"
    return Reply(f"Ansvarig för {the_kind} {code} ”{item.name if item else code}” är {who}." if who
                 else f"{the_kind.capitalize()} {code} har ingen ansvarig i planen; fråga en administratör.")


_SHOWN_CODES = 3  # per person in an area's answer: enough to recognise, short enough for a chat
_COUNTED = {"Indicator": ("mätetal", "mätetal"), "Activity": ("aktivitet", "aktiviteter")}


def _area_responsibles(ctx: Context, area_code: str, area_name: str, people: dict[int | None, str]) -> str:
    """Who works in an area and who answers for which of its indicators and activities."""
    staff = ctx.session.exec(
        select(Staff.name).join(StaffArea).join(Area).where(Area.code == area_code, Staff.active)
    ).all()
    plan_id = plan_queries.plan_id(ctx.session, ctx.today.year)
    answers: dict[str, dict[str, list[str]]] = {}
    for model in (Indicator, Activity):
        rows = ctx.session.exec(
            select(model.code, model.responsible_id).join(Goal, col(Goal.id) == col(model.goal_id))
            .join(Area, col(Area.id) == col(Goal.area_id))
            .where(Area.code == area_code, col(model.plan_id) == plan_id).order_by(col(model.position))
        ).all()
        for code, responsible_id in rows:
            answers.setdefault(people.get(responsible_id, "ingen ansvarig"), {}).setdefault(model.__name__, []).append(
                code
            )
    lines = [f"I området {area_name} arbetar {', '.join(staff)}." if staff
             else f"Ingen är kopplad till området {area_name} i planen; fråga en administratör."]
    if answers:
        lines.append("Ansvariga inom området:")
        for person, kinds in answers.items():
            codes = [code for listed in kinds.values() for code in listed]
            counted = " och ".join(f"{len(listed)} {_COUNTED[kind][len(listed) > 1]}" for kind, listed in kinds.items())
            shown = ", ".join(codes[:_SHOWN_CODES]) + (" …" if len(codes) > _SHOWN_CODES else "")
            lines.append(f"• {person} – {counted}: {shown}")
    return "\n".join(lines)
