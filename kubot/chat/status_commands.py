"""Chat commands that read the rules' verdicts: `status`, `varför` and `saknas`.

Each judges the period afresh, so the answer reflects what was logged a moment ago; the
answers only read, so no snapshot is stored (the CLI, the scheduler and reports store theirs).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sqlmodel import select

from kubot import evaluation
from kubot import formatting as fmt
from kubot.chat.commands import take_period
from kubot.chat.registry import Context, Scope, Usage, command
from kubot.chat.values import NoMatch
from kubot.models import Area, Goal, StrategicGoal
from kubot.models.plan import Role
from kubot.periods import Period
from kubot.planfile import version_for_year
from kubot.port import Reply
from kubot.reminders import digest
from kubot.verdicts import STATUS_SYMBOLS, ActivityVerdict, Due, IndicatorVerdict, Snapshot, Status

MAX_LINES = 25


def report_command(verdict: IndicatorVerdict | ActivityVerdict, period: Period) -> str:
    """The message that reports what `verdict` lacks; the same wording the reminders use."""
    if isinstance(verdict, ActivityVerdict):
        return digest.activity_how(verdict.code)
    return digest.how_to_report(verdict.source, verdict.code, period, verdict.networks)


def _snapshot(ctx: Context, period: Period) -> Snapshot:
    if version_for_year(ctx.session, period.year) is None:
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
    return f"{STATUS_SYMBOLS[verdict.status]} {verdict.code}: {_value(verdict, verdict.value)}{target}{arrow} – {verdict.status}"


def _scope(ctx: Context, text: str, snapshot: Snapshot) -> tuple[str, list[IndicatorVerdict]]:
    """The indicators a scope names: an indicator, a goal, a strategic goal or an area (with its sub-areas)."""
    version = version_for_year(ctx.session, snapshot.period.year)
    plan_id = version.id if version else -1
    wanted = text.strip().casefold()
    goals = ctx.session.exec(select(Goal).where(Goal.plan_id == plan_id)).all()
    for g in goals:
        if g.code.casefold() == wanted:
            return f"målet {g.code} ”{g.name}”", [v for v in snapshot.indicators if v.goal == g.code]
    for sg in ctx.session.exec(select(StrategicGoal).where(StrategicGoal.plan_id == plan_id)):
        if sg.code.casefold() == wanted:
            codes = {g.code for g in goals if g.strategic_goal_id == sg.id}
            return f"det strategiska målet ”{sg.name}”", [v for v in snapshot.indicators if v.goal in codes]
    try:
        area_code = ctx.lexicon(snapshot.period.year).area(text)
    except NoMatch:
        code = ctx.lexicon(snapshot.period.year).indicator(text)
        verdict = snapshot.indicator(code)
        return f"mätetalet {code}", [verdict] if verdict else []
    areas = _with_sub_areas(ctx, area_code)
    return f"området {area_code}", [v for v in snapshot.indicators if v.area in areas]


def _with_sub_areas(ctx: Context, code: str) -> set[str]:
    children: dict[int | None, list[Area]] = {}
    by_code = {}
    for area in ctx.session.exec(select(Area)):
        children.setdefault(area.parent_id, []).append(area)
        by_code[area.code] = area
    found, todo = set(), [by_code[code]]
    while todo:
        area = todo.pop()
        found.add(area.code)
        todo.extend(children.get(area.id, []))
    return found


def _listed(lines: list[str]) -> str:
    shown = lines[:MAX_LINES]
    more = f"\n… och {len(lines) - len(shown)} till." if len(lines) > len(shown) else ""
    return "\n".join(shown) + more


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
    period, rest = take_period(ctx, args)
    snapshot = _snapshot(ctx, period)
    if rest.strip():
        what, verdicts = _scope(ctx, rest, snapshot)
    else:
        what = "dina mätetal"
        verdicts = [v for v in snapshot.indicators if v.responsible_id == ctx.actor.id]
    head = f"Läget för {what}, {period.label} (bedömt {fmt.day(snapshot.as_of)}):"
    lines = [status_line(v) for v in verdicts]
    if not lines:
        lines = ["Inga mätetal här."]
    summary = f"\nHela planen: {_counts(snapshot.indicators)}."
    warnings = "".join(f"\n⚠ {w.text}" for w in snapshot.warnings)
    return Reply(f"{head}\n{_listed(lines)}{summary}{warnings}\nFråga ”varför <kod>” för att se hur ett mätetal bedömdes.")


@command("varför", "varfor", "why", role=Role.STAFF, scope=Scope.READ)
def why(ctx: Context, args: str) -> Reply:
    """Förklara hur ett mätetal eller en aktivitet bedömdes: vilken regel och vilka siffror.
    Exempel: varför narvaro-pks T2 2022
    Exempel: varför nojd-medarbetare
    """
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
                     f"Rapportering: {activity.due} (regel rapportering/{activity.due_rule}).")
    verdict = snapshot.indicator(code)
    assert verdict is not None
    lines = [
        f"{verdict.code} – {verdict.name}, {period.label}:",
        f"{STATUS_SYMBOLS[verdict.status]} {verdict.status} enligt regeln status/{verdict.status_rule}.",
        f"Resultat {_value(verdict, verdict.value)}"
        + (f" ({fmt.number(verdict.ratio[0])} av {fmt.number(verdict.ratio[1])})" if verdict.ratio and verdict.ratio[1] else "")
        + f", målvärde {_value(verdict, verdict.target)}"
        + (f", samma period i fjol {_value(verdict, verdict.previous)}" if verdict.previous is not None else "") + ".",
        verdict.explanation,
    ]
    if verdict.trend:
        lines.append(f"Trend {verdict.trend.arrow} {verdict.trend} enligt regeln trend/{verdict.trend_rule}.")
    lines.append(f"Rapportering: {verdict.due} (regel rapportering/{verdict.due_rule}).")
    if verdict.analysis:
        lines.append(f"Analys: {verdict.analysis}")
    return Reply("\n".join(lines))


@command("saknas", "missing", role=Role.STAFF, scope=Scope.READ)
def missing(ctx: Context, args: str) -> Reply:
    """Visa vad du (eller ett område) har kvar att rapportera för perioden, och hur du rapporterar det.
    Exempel: saknas
    Exempel: saknas T2 2022
    Exempel: saknas missbruk T2 2022
    """
    period, rest = take_period(ctx, args)
    snapshot = _snapshot(ctx, period)
    if rest.strip():
        areas = _with_sub_areas(ctx, ctx.lexicon(period.year).area(rest))
        whose = "området"
        indicators = [v for v in snapshot.indicators if v.area in areas]
        activities = [v for v in snapshot.activities if v.area in areas]
    else:
        whose = "dig"
        indicators = [v for v in snapshot.indicators if v.responsible_id == ctx.actor.id]
        activities = [v for v in snapshot.activities if v.responsible_id == ctx.actor.id]
    open_due = (Due.MISSING, Due.OVERDUE, Due.OPEN)
    verdicts: list[IndicatorVerdict | ActivityVerdict] = [*indicators, *activities]
    lines = [f"• {v.code} – {v.name} ({_due_note(v.due, snapshot)}): {report_command(v, period)}"
             for v in verdicts if v.due in open_due]
    later = [v for v in indicators if v.due == Due.LATER]
    note = f"\n{len(later)} mätetal mäts senare under året, t.ex. {later[0].code}." if later else ""
    if not lines:
        return Reply(f"Inget saknas för {whose} för {period.label}. Bra jobbat!{note}")
    return Reply(f"Det här saknas för {whose} för {period.label} ({len(lines)} st):\n{_listed(lines)}{note}")


def _due_note(due: Due, snapshot: Snapshot) -> str:
    if due == Due.OVERDUE:
        return f"försenat, tidsgränsen var {fmt.day(snapshot.deadline)}" if snapshot.deadline else "försenat"
    if due == Due.OPEN:
        return "perioden pågår"
    return f"senast {fmt.day(snapshot.deadline)}" if snapshot.deadline else "saknas"
