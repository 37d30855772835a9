"""The evaluation service: gather a period's facts, run the rules, keep the verdicts as a dated snapshot
(kept and read back by `kubot.snapshots`).

Chat (`status`, `varför`, `saknas`), the CLI (`kubot evaluate`), the scheduler and the
report builder all evaluate through `evaluate()`. The rules are loaded once per process, so an
edited rule file takes effect at the next start (a broken one stops the start with the file's name
and what is wrong). One evaluation runs at a time per process.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from string import Formatter
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from kubot import derived, kinds, snapshots
from kubot import facts as facts_
from kubot import formatting as fmt
from kubot.deadlines import deadline_for
from kubot.journal import is_active
from kubot.kinds import attendance
from kubot.kinds.base import measured_by
from kubot.kinds.result import typed
from kubot.models import (
    Activity,
    ActivityStatus,
    Area,
    Entry,
    Goal,
    Indicator,
    Municipality,
    Network,
)
from kubot.models.plan import Source, Timing, Unit
from kubot.models.records import ActivityState
from kubot.periods import TERTIAL_LAST_MONTH, Period
from kubot.plan import queries as plan_queries
from kubot.snapshots import SUBJECT_ACTIVITY, SUBJECT_INDICATOR, SUBJECT_WARNING
from kubot.verdicts import (
    ActivityVerdict,
    Due,
    IndicatorVerdict,
    Snapshot,
    Status,
    Trend,
    Warning,
)

if TYPE_CHECKING:
    from rules.engine import RuleEngine
    from rules.rulebook import Rule

STATUS, TREND, DUE, WARNINGS = "status", "trend", "rapportering", "varningar"
NO_TREND = "ingen"
_OUTCOMES: dict[str, set[str]] = {
    STATUS: {s.value for s in Status},
    TREND: {t.value for t in Trend} | {NO_TREND},
    DUE: {d.value for d in Due},
    WARNINGS: {"varning"},
}

_evaluation_lock = threading.Lock()
_engine: RuleEngine | None = None


def load_rules(directory: Path | None = None) -> RuleEngine:
    """A rule engine for the rulesets in `directory` (kubot's own by default), checked to give only outcomes
    kubot knows."""
    # Only here: loading the rule engine, YAML and the rules' schema costs a `kubot say` that judges nothing 15 ms.
    from rules import rulebook
    from rules.engine import RuleEngine
    from rules.rulebook import RuleError

    directory = directory or rulebook.RULES_DIR
    book = rulebook.load(directory)
    for name, outcomes in _OUTCOMES.items():
        if name not in book.rulesets:
            raise RuleError(f"{directory}: regelverket ”{name}” saknas.")
        for rule in book[name].rules:
            if rule.outcome not in outcomes:
                raise RuleError(f"{book[name].path.name}: regeln ”{rule.name}” har okänt utfall ”{rule.outcome}” "
                                f"(möjliga: {', '.join(sorted(outcomes))}).")
    return RuleEngine(book)


def rules_in_force() -> RuleEngine:
    global _engine
    if _engine is None:
        _engine = load_rules()
    return _engine


@dataclass(frozen=True)
class _IndicatorFacts:
    indicator: Indicator
    value: facts_.IndicatorValue
    previous: float | None
    target: float | None
    annual_target: float | None
    analysis: str


def evaluate(
    session: Session, period: Period, *, today: date, trigger: str, actor_id: int | None = None,
    engine: RuleEngine | None = None, cutoff: date | None = None, recorded_by: datetime | None = None,
    known: facts_.Facts | None = None,
) -> Snapshot:
    """Judge every indicator and activity of the plan in force for `period`, as known on `today`; store it.

    With `cutoff`, records dated later do not count (decisions made later are still pending); with
    `recorded_by`, neither do entries recorded later – a report as of a cut-off is reproducible. `known`: the
    facts loaded with that same cut-off already (a report reads them too, and loading them is the costly part).
    """
    with _evaluation_lock:
        snapshot = judge(session, period, today=today, engine=engine or rules_in_force(), cutoff=cutoff,
                         recorded_by=recorded_by, known=known)
        return snapshots.store(session, snapshot, trigger=trigger, actor_id=actor_id)


def current(session: Session, period: Period, *, today: date) -> Snapshot:
    """The verdicts as they stand, not stored: for answers that only read, such as `status` in chat,
    which would otherwise add a snapshot of every indicator each time someone asks."""
    with _evaluation_lock:
        return judge(session, period, today=today, engine=rules_in_force())


def judge(session: Session, period: Period, *, today: date, engine: RuleEngine, cutoff: date | None = None,
          recorded_by: datetime | None = None, known: facts_.Facts | None = None) -> Snapshot:
    """The verdicts for `period` without storing them."""
    indicators = plan_queries.items(session, Indicator, period.year)
    activities = plan_queries.items(session, Activity, period.year)
    area_codes = {a.id: a.code for a in session.exec(select(Area))}
    goals = {g.id: (g.code, area_codes.get(g.area_id) if g.area_id else None)
             for g in plan_queries.items(session, Goal, period.year)}
    municipalities = {m.code: m.name for m in session.exec(select(Municipality))}
    deadline = deadline_for(session, period)
    records = known if known is not None else facts_.for_period(session, period, as_of=cutoff, recorded_by=recorded_by)
    targets = facts_.targets_for(session, indicators, period.year)
    previous_targets = facts_.targets_for(session, indicators, period.year - 1)
    gathered = [_gather(i, records, period, targets[i.code], previous_targets[i.code]) for i in indicators]
    status_facts = [_status_fact(g, engine) for g in gathered]
    trend_facts = [_trend_fact(g) for g in gathered]
    due_facts = [_due_fact(SUBJECT_INDICATOR, g.value.value is not None, _measured_month(g.indicator, period),
                           period, today, deadline) for g in gathered]
    statuses = engine.run(STATUS, status_facts)
    trends = engine.run(TREND, trend_facts)
    dues = engine.run(DUE, due_facts)
    indicator_verdicts = tuple(
        _indicator_verdict(
            g, goals[g.indicator.goal_id], municipalities, status_fact, status, trend_fact, trend, due_fact, due
        )
        for g, status_fact, status, trend_fact, trend, due_fact, due in zip(
            gathered, status_facts, statuses, trend_facts, trends, due_facts, dues, strict=True
        )
    )

    # A status is owed once per tertial, but what the report shows carries over through the year: an
    # activity done in April is still done in August. Done and cancelled activities owe nothing more.
    reported = _activity_statuses(session, period.tertial_start, max(period.end, deadline) if deadline else period.end,
                                  recorded_by)
    in_year = _activity_statuses(
        session, period.start, cutoff or (max(period.end, deadline) if deadline else period.end), recorded_by
    )
    finished = {code for code, logged in in_year.items() if logged.state in FINISHED_STATES}
    activity_due_facts = [
        _due_fact(
            SUBJECT_ACTIVITY,
            a.code in reported or a.code in finished,
            TERTIAL_LAST_MONTH[period.tertial],
            period,
            today,
            deadline,
        )
        for a in activities
    ]
    activity_verdicts = tuple(
        _activity_verdict(a, goals[a.goal_id], in_year.get(a.code), fact, rule)
        for a, fact, rule in zip(activities, activity_due_facts, engine.run(DUE, activity_due_facts), strict=True)
    )

    warning_facts = _warning_facts(session, records, indicators, targets, period)
    warnings = tuple(
        Warning(SUBJECT_WARNING, code, rule.name, _explain(rule, fact), fact)
        for (code, fact), rule in zip(
            warning_facts, engine.run(WARNINGS, [f for _, f in warning_facts], every_fact=False), strict=True
        )
        if rule is not None
    )
    return Snapshot(
        period=period,
        made_at=datetime.now(UTC),
        as_of=min(today, cutoff) if cutoff else today,
        deadline=deadline,
        indicators=indicator_verdicts,
        activities=activity_verdicts,
        warnings=warnings,
    )


def _gather(indicator: Indicator, records: facts_.Facts, period: Period, annual: float | None,
            previous_annual: float | None) -> _IndicatorFacts:
    target = annual
    # Pro-rating only makes sense for counts that grow through the year, and only when the plan asks.
    if (
        annual is not None
        and indicator.prorate
        and not period.is_annual
        and indicator.unit in (Unit.COUNT, Unit.KRONOR)
    ):
        target = annual * period.fraction_of_year
    earlier = period.previous_year()
    source = kinds.source(indicator.source)
    previous = (facts_.indicator_value(indicator, records, earlier, previous_annual).value
                if source.has_data(indicator, records, earlier) else None)
    analysis = typed(records).analyses.get((indicator.code, period.year, period.tertial), "")
    if not measured_by(indicator, period):
        # The survey is answered in November: a January–August report shows no result, whatever was logged since.
        return _IndicatorFacts(indicator, facts_.IndicatorValue(None), None, target, annual, analysis)
    return _IndicatorFacts(indicator, facts_.indicator_value(indicator, records, period, target), previous, target,
                           annual, analysis)


def _status_fact(g: _IndicatorFacts, engine: RuleEngine) -> dict[str, Any]:
    default = engine.rulebook[STATUS].constants["standard_delvis_från"]
    ratio = g.value.ratio
    return {
        "enhet": g.indicator.unit, "riktning": g.indicator.direction, "målvärde": g.target, "värde": g.value.value,
        "delvis_från": g.indicator.partly_met_from if g.indicator.partly_met_from is not None else default,
        "tomt_underlag": g.value.value is None and ratio is not None and ratio.denominator == 0,
    }


def _trend_fact(g: _IndicatorFacts) -> dict[str, Any]:
    return {"enhet": g.indicator.unit, "värde": g.value.value, "föregående": g.previous}


def _measured_month(indicator: Indicator, period: Period) -> int:
    """When a result can first exist: a set month, December for yearly ones, else by the period's end."""
    if indicator.measured_month:
        return indicator.measured_month
    return 12 if indicator.timing == Timing.YEARLY else TERTIAL_LAST_MONTH[period.tertial]


def _due_fact(subject: str, reported: bool, measured_month: int, period: Period, today: date,
              deadline: date | None) -> dict[str, Any]:
    return {
        "föremål": subject, "rapporterat": reported, "mätmånad": measured_month,
        "slutmånad": TERTIAL_LAST_MONTH[period.tertial], "perioden_slut": today > period.end,
        "tidsgräns_passerad": deadline is not None and today > deadline,
        "mätmånad_namn": fmt.month_name(measured_month), "tidsgräns": fmt.day(deadline) if deadline else None,
    }


@dataclass(frozen=True)
class _LoggedStatus:
    state: str
    comment: str
    reported_on: date


FINISHED_STATES = frozenset({ActivityState.DONE.value, ActivityState.CANCELLED.value})


def _activity_statuses(session: Session, first_day: date, last_day: date,
                       recorded_by: datetime | None) -> dict[str, _LoggedStatus]:
    """The latest status of each activity reported from `first_day` to `last_day`."""
    rows = session.exec(
        select(
            col(ActivityStatus.activity_code),
            col(ActivityStatus.state),
            col(ActivityStatus.comment),
            col(ActivityStatus.reported_on),
        )
        .join(Entry, is_active(ActivityStatus.entry_id, recorded_by))
        .where(col(ActivityStatus.reported_on).between(first_day, last_day))
        .order_by(col(ActivityStatus.reported_on), col(ActivityStatus.entry_id))
    )
    return {code: _LoggedStatus(state, comment, reported_on) for code, state, comment, reported_on in rows}


def _warning_facts(session: Session, records: facts_.Facts, indicators: list[Indicator],
                   targets: Mapping[str, float | None], period: Period) -> list[tuple[str, dict[str, Any]]]:
    """The last two meetings of every network with an attendance target, for the early-warning rules."""
    names = {n.code: n.name for n in session.exec(select(Network))}
    # A network's own indicator decides its target, also when that indicator has none: only
    # networks that no indicator names fall under an indicator over all networks.
    own: dict[str, float | None] = {}
    overall: float | None = None
    for indicator in indicators:
        if indicator.source != Source.ATTENDANCE:
            continue
        if indicator.networks:
            for code in indicator.networks:
                if own.get(code) is None:
                    own[code] = targets[indicator.code]
        elif overall is None:
            overall = targets[indicator.code]
    network_target = {code: target for code in names if (target := own.get(code, overall)) is not None}
    meetings: dict[str, list[derived.AttendanceFact]] = defaultdict(list)
    for meeting in attendance.meetings(records):
        if period.contains(meeting.day) and meeting.network in network_target:
            meetings[meeting.network].append(meeting)
    result = []
    for code, held in sorted(meetings.items()):
        if len(held) < 2:
            continue
        before, last = sorted(held, key=lambda m: m.day)[-2:]
        result.append((code, {
            "nätverk": names.get(code, code), "målvärde": network_target[code], "senaste_dag": fmt.day(last.day),
            "senaste": derived.Ratio(last.present_count, last.invited_count).percent,
            "näst_senaste": derived.Ratio(before.present_count, before.invited_count).percent,
        }))
    return result


def _shown(name: str, value: Any, indicator: Indicator | None) -> str:
    """A fact's field as a person reads it."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, str):
        return value
    if name == "delvis_från":
        return fmt.percent(value * 100)
    if indicator is not None and name in ("värde", "målvärde", "föregående"):
        return fmt.in_unit(indicator.unit, value)
    if name in ("senaste", "näst_senaste", "målvärde"):
        return fmt.percent(value)
    return fmt.number(value, decimals=0 if float(value).is_integer() else 1)


def _explain(rule: Rule, fact: Mapping[str, Any], indicator: Indicator | None = None) -> str:
    """The rule's explanation with the fact's numbers; only the fields it names are formatted."""
    names = {field for _, field, _, _ in Formatter().parse(rule.explanation) if field}
    return rule.explanation.format_map({name: _shown(name, fact.get(name), indicator) for name in names})


def _indicator_verdict(
    g: _IndicatorFacts,
    goal: tuple[str, str | None],
    municipalities: Mapping[str, str],
    status_fact: dict[str, Any],
    status: Rule,
    trend_fact: dict[str, Any],
    trend: Rule,
    due_fact: dict[str, Any],
    due: Rule,
) -> IndicatorVerdict:
    i = g.indicator
    below = tuple(municipalities.get(code, code) for code, _ in g.value.below)
    sentences = [_explain(status, status_fact, i)]
    if below and status.outcome != Status.MET:
        sentences.append(f"Under målvärdet: {', '.join(below)}.")
    if g.target is not None and g.annual_target is not None and g.target != g.annual_target:
        sentences.append(
            f"Målvärdet är årsmålet {fmt.in_unit(i.unit, g.annual_target)} räknat för periodens del av året "
            f"({due_fact['slutmånad']} av 12 månader)."
        )
    if trend.outcome != NO_TREND:
        sentences.append(_explain(trend, trend_fact, i))
    if due.outcome != Due.REPORTED:
        sentences.append(_explain(due, due_fact))
    ratio = g.value.ratio
    return IndicatorVerdict(
        code=i.code, name=i.name, unit=i.unit, direction=i.direction, value=g.value.value, target=g.target,
        annual_target=g.annual_target, previous=g.previous, status=Status(status.outcome), status_rule=status.name,
        trend=None if trend.outcome == NO_TREND else Trend(trend.outcome), trend_rule=trend.name,
        due=Due(due.outcome), due_rule=due.name, explanation=" ".join(sentences), responsible_id=i.responsible_id,
        measured_month=i.measured_month, ratio=(ratio.numerator, ratio.denominator) if ratio else None, below=below,
        analysis=g.analysis, inputs={STATUS: status_fact, TREND: trend_fact, DUE: due_fact}, source=i.source,
        networks=tuple(i.networks), goal=goal[0], area=goal[1], question=i.question_code,
    )


def _activity_verdict(
    activity: Activity, goal: tuple[str, str | None], status: _LoggedStatus | None, fact: dict[str, Any], due: Rule
) -> ActivityVerdict:
    explanation = _explain(due, fact)
    if status is not None:
        explanation = f"Senaste status {fmt.day(status.reported_on)}: {status.state}." + (
            f" {status.comment}" if status.comment else "")
    return ActivityVerdict(
        code=activity.code, name=activity.name, state=status.state if status else None,
        comment=status.comment if status else "", due=Due(due.outcome), due_rule=due.name, explanation=explanation,
        responsible_id=activity.responsible_id, reported_on=status.reported_on if status else None,
        goal=goal[0], area=goal[1],
    )
