"""What the report says: the plan, the records and the rules' verdicts turned into sections and tables.

Pure: `build` takes the gathered data and an evaluation snapshot and returns a `model.Report`
with every text and number already in Swedish form. The layout follows Verksamhetsberättelse
2018: title page, 1 Inledning, one chapter per strategic goal with indicator and activity
tables and charts, the economy, and the appendices (symbol legend, course examples, course
participants per municipality). A section with nothing logged says so in one line, so the
writer sees what is missing instead of a silently shorter report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from kubot import derived
from kubot import formatting as fmt
from kubot.models.plan import Source, Unit
from kubot.models.records import ActivityState, EmploymentForm, ThreeK
from kubot.periods import TERTIAL_NAMES, Period
from kubot.planfile import GoalSpec, IndicatorSpec, PlanFile, StrategicGoalSpec
from kubot.report import gather
from kubot.report.model import (
    BarChart,
    Block,
    Bullets,
    Cell,
    DistributionChart,
    Heading,
    Paragraph,
    Report,
    Run,
    Series,
    Table,
    TitlePage,
)
from kubot.verdicts import (
    ACTIVITY_SYMBOLS,
    NO_STATUS_SYMBOL,
    STATUS_SYMBOLS,
    ActivityVerdict,
    Due,
    IndicatorVerdict,
    Snapshot,
    Status,
    Trend,
)

GREY = "757575"
STATUS_COLOURS = {
    Status.MET: "2E7D32",
    Status.PARTLY: "E0A100",
    Status.NOT_MET: "C62828",
    Status.NO_RESULT: GREY,
    Status.NO_TARGET: GREY,
}
ACTIVITY_COLOURS = {
    ActivityState.ON_TRACK: "2E7D32",
    ActivityState.NOT_STARTED: GREY,
    ActivityState.PROBLEMS: "E07000",
    ActivityState.SERIOUS_PROBLEMS: "C62828",
    ActivityState.CANCELLED: "424242",
    ActivityState.DONE: "1565C0",
}
INDICATOR_LEGEND = (
    (Status.MET, "resultatet når önskat målvärde, mätetalet är uppfyllt"),
    (Status.PARTLY, "resultatet når inte önskat målvärde, mätetalet är delvis uppfyllt"),
    (Status.NOT_MET, "resultatet når inte önskat målvärde, mätetalet är inte uppfyllt"),
    (Status.NO_RESULT, "det finns inget resultat redovisat för den aktuella perioden, eller inget målvärde att bedöma det mot"),
)
ACTIVITY_LEGEND = (
    (ActivityState.ON_TRACK, "aktiviteten pågår enligt plan"),
    (ActivityState.NOT_STARTED, "aktiviteten är ej påbörjad"),
    (ActivityState.PROBLEMS, "aktiviteten pågår med problem"),
    (ActivityState.SERIOUS_PROBLEMS, "aktiviteten pågår med allvarligt problem"),
    (ActivityState.CANCELLED, "aktiviteten är avbruten"),
    (ActivityState.DONE, "aktiviteten är klar"),
    (None, "ingen status är rapporterad för perioden"),
)
TREND_LEGEND = (
    (Trend.UP, "resultatet har ökat jämfört med samma period föregående år"),
    (Trend.FLAT, "resultatet är i stort sett oförändrat jämfört med samma period föregående år"),
    (Trend.DOWN, "resultatet har minskat jämfört med samma period föregående år"),
)
THREE_K_TITLES = {ThreeK.COST: "Kostnadseffektivitet", ThreeK.COMPETENCE: "Kompetenshöjning", ThreeK.QUALITY: "Kvalitetshöjning"}
FTE_COLUMNS = (EmploymentForm.SECONDED, EmploymentForm.PERMANENT, EmploymentForm.FIXED_TERM)
PROPOSAL = "Förslag – skriv om: "
COURSE_EXAMPLES = 10
ORGANISATION_WIDE = "Hela verksamheten"
APPLICATION_SOURCES = (Source.APPLICATIONS_COUNT, Source.APPLICATIONS_AMOUNT)
INDICATOR_HEADER = ("Mätetal", "Målvärde", "Resultat", "Analys")
ACTIVITY_HEADER = ("Aktiviteter", "Analys")


@dataclass(frozen=True)
class Request:
    """Who asked for which report; `area` narrows it to one partnership or area (a code)."""

    period: Period
    area: str | None = None
    dnr: str | None = None
    author: str = ""


def report_name(period: Period) -> str:
    """ "Verksamhetsberättelse 2018" for T3, "Delårsrapport januari–augusti 2022" for T1 and T2."""
    if period.is_annual:
        return f"Verksamhetsberättelse {period.year}"
    return f"Delårsrapport {TERTIAL_NAMES[period.tertial]} {period.year}"


# --- the plan as the report sees it --------------------------------------------------------------


class _Plan:
    """Lookups over the plan file: names, the area tree, and which goals the report covers."""

    def __init__(self, plan: PlanFile, area: str | None) -> None:
        self.plan = plan
        self.area = area
        self.area_names = {a.code: a.name for a in plan.areas}
        self.parent = {a.code: a.parent for a in plan.areas}
        self.area_order = {a.code: index for index, a in enumerate(plan.areas)}
        self.municipalities = {m.code: m.name for m in plan.municipalities}
        self.networks = {n.code: n.name for n in plan.networks}
        self.questions = {q.code: q.text for q in plan.questions}
        self.scope = self._within(area) if area else None

    def _within(self, code: str) -> set[str]:
        codes = {code}
        for area in self.plan.areas:  # parents come before their children in the plan
            if area.parent in codes:
                codes.add(area.code)
        return codes

    def partnership(self, code: str | None) -> str | None:
        while code is not None and self.parent.get(code):
            code = self.parent[code]
        return code

    def covers_goal(self, goal: GoalSpec) -> bool:
        """The organisation's report shows the organisation-level goals; an area's report that area's goals."""
        if self.scope is None:
            return goal.area is None
        return goal.area in self.scope

    def covers_area(self, code: str | None) -> bool:
        return self.scope is None or code in self.scope

    def scope_name(self) -> str:
        return self.area_names[self.area] if self.area else ORGANISATION_WIDE

    def group_name(self, code: str | None) -> str:
        return self.area_names[code] if code else ORGANISATION_WIDE

    def group_order(self, code: str | None) -> int:
        return -1 if code is None else self.area_order.get(code, len(self.area_order))

    def short_network(self, code: str) -> str:
        """ "Reko" for "Reko – Ledningsgruppen för …": chart labels have little room."""
        return self.networks.get(code, code).split(" – ")[0]


# --- small pieces ----------------------------------------------------------------------------------


def _value(unit: str, value: float | None) -> str:
    return "–" if value is None else fmt.in_unit(unit, value)


def _symbol_run(symbol: str, colour: str) -> Run:
    return Run(symbol + " ", bold=True, colour=colour)


def _status_run(status: Status) -> Run:
    return _symbol_run(STATUS_SYMBOLS[status], STATUS_COLOURS[status])


def _activity_run(state: str | None) -> Run:
    if state is None or state not in ACTIVITY_SYMBOLS:
        return _symbol_run(NO_STATUS_SYMBOL, GREY)
    known = ActivityState(state)
    return _symbol_run(ACTIVITY_SYMBOLS[known], ACTIVITY_COLOURS[known])


def _proposal(text: str) -> Cell:
    return Cell.of(Run(PROPOSAL, bold=True, italic=True, colour=GREY), Run(text, italic=True, colour=GREY))


def _nothing(text: str) -> Paragraph:
    """The one line that stands in for a section with nothing logged."""
    return Paragraph.plain(text, italic=True)


def _number_cell(text: str, *, bold: bool = False) -> Cell:
    return Cell.text(text, bold=bold)


def _count(n: int, one: str, many: str) -> str:
    return f"{fmt.number(n)} {one if n == 1 else many}"


# --- the analysis proposal -------------------------------------------------------------------------


def propose_analysis(verdict: IndicatorVerdict, period: Period, municipalities: dict[str, str]) -> str:
    """One or two plain sentences from the verdict and its numbers, for the responsible person to rewrite."""
    value = _value(verdict.unit, verdict.value)
    if verdict.ratio and verdict.unit == Unit.PERCENT:
        value += f" ({fmt.number(verdict.ratio[0])} av {fmt.number(verdict.ratio[1])})"
    target = _value(verdict.unit, verdict.target)
    first = {
        Status.MET: f"Resultatet {value} når målvärdet {target}.",
        Status.PARTLY: f"Resultatet {value} når inte målvärdet {target}, men mätetalet är delvis uppfyllt.",
        Status.NOT_MET: f"Resultatet {value} når inte målvärdet {target}.",
    }.get(verdict.status, f"Resultatet är {value}; inget målvärde är satt för {period.year}.")
    sentences = [first]
    if verdict.below:
        names = ", ".join(municipalities.get(code, code) for code in verdict.below)
        sentences.append(f"Under målvärdet ligger {names}.")
    sentences.append(_change(verdict, period))
    return " ".join(sentences)


def _change(verdict: IndicatorVerdict, period: Period) -> str:
    earlier = period.previous_year().year
    if verdict.previous is None or verdict.value is None:
        return f"Det finns inget jämförbart resultat för {earlier}."
    before = _value(verdict.unit, verdict.previous)
    difference = verdict.value - verdict.previous
    trend = verdict.trend or (Trend.UP if difference > 0 else Trend.DOWN if difference < 0 else Trend.FLAT)
    if trend == Trend.FLAT:
        return f"Resultatet är i stort sett detsamma som {earlier} ({before})."
    word = "ökat" if trend == Trend.UP else "minskat"
    if verdict.unit == Unit.PERCENT:
        size = f"{fmt.number(abs(difference))} procentenheter"
    elif verdict.previous:
        size = fmt.percent(abs(difference) / abs(verdict.previous) * 100)
    else:
        return f"Resultatet har {word} jämfört med {earlier} ({before})."
    return f"Resultatet har {word} med {size} jämfört med {earlier} ({before})."


def _missing_result(verdict: IndicatorVerdict, spec: IndicatorSpec, period: Period) -> str:
    """Why there is no result: measured later in the year, or owed by someone."""
    if verdict.due == Due.LATER:
        if spec.measured_month:
            return f"Mätningen görs i {fmt.month_name(spec.measured_month)} {period.year}; resultat finns inte för perioden."
        return "Resultatet mäts senare under året."
    who = f" Ansvarig: {spec.responsible}." if spec.responsible else ""
    if spec.source != Source.TYPED:
        return f"Det finns inga registreringar för perioden som resultatet kan räknas fram ur ({spec.source.value}).{who}"
    if verdict.due.owed:
        return f"Resultat saknas för perioden.{who}"
    return "Inget resultat redovisat för perioden."


# --- tables ----------------------------------------------------------------------------------------


def indicator_table(goal: GoalSpec, snapshot: Snapshot, period: Period, municipalities: dict[str, str]) -> Table:
    rows = []
    for spec in goal.indicators:
        verdict = snapshot.indicator(spec.code)
        if verdict is None:
            rows.append((Cell.of(_status_run(Status.NO_RESULT), Run(spec.name)), Cell.text("–"), Cell.text("–"),
                         Cell.text("Mätetalet finns inte i utvärderingen – kör utvärderingen igen.")))
            continue
        target = _value(verdict.unit, verdict.target)
        if verdict.target is not None and verdict.annual_target is not None and verdict.annual_target != verdict.target:
            target += f" (helår {_value(verdict.unit, verdict.annual_target)})"
        result = _value(verdict.unit, verdict.value)
        if verdict.trend is not None and verdict.value is not None:
            result += f" {verdict.trend.arrow}"
        if verdict.analysis.strip():
            analysis = Cell.text(verdict.analysis.strip())
        elif verdict.value is None:
            analysis = Cell.of(Run(_missing_result(verdict, spec, period), italic=True))
        else:
            analysis = _proposal(propose_analysis(verdict, period, municipalities))
        rows.append((Cell.of(_status_run(verdict.status), Run(spec.name)), Cell.text(target), Cell.text(result), analysis))
    return Table(INDICATOR_HEADER, tuple(rows), widths=(3.4, 1.3, 1.3, 5.0), numeric=frozenset({1, 2}))


def _activity_text(verdict: ActivityVerdict | None, responsible: str | None) -> str:
    if verdict is None or verdict.state is None:
        owed = verdict is not None and verdict.due.owed and responsible
        return "Ingen status rapporterad för perioden." + (f" Ansvarig: {responsible}." if owed else "")
    if verdict.comment.strip():
        return verdict.comment.strip()
    when = f" ({fmt.day(verdict.reported_on)})" if verdict.reported_on else ""
    return f"Status: {verdict.state}{when}."


def activity_table(goal: GoalSpec, snapshot: Snapshot) -> Table:
    rows = []
    for spec in goal.activities:
        verdict = snapshot.activity(spec.code)
        rows.append((
            Cell.of(_activity_run(verdict.state if verdict else None), Run(spec.name)),
            Cell.text(_activity_text(verdict, spec.responsible)),
        ))
    return Table(ACTIVITY_HEADER, tuple(rows), widths=(4.5, 6.5))


def application_table(facts: Iterable[derived.ApplicationFact], period: Period) -> Table | Paragraph:
    applications = sorted((a for a in facts if period.contains(a.day)), key=lambda a: (a.day, a.project))
    if not applications:
        return _nothing(f"Inga ansökningar om externa medel är registrerade för {period.label}.")
    outcome = {"granted": "beviljad", "rejected": "avslag", "pending": "inget beslut"}
    rows = [
        (Cell.text(a.project), Cell.text(a.funder), _number_cell(fmt.kronor(a.sought)),
         _number_cell(fmt.kronor(a.granted) if a.granted is not None else "–"),
         Cell.text(f"{outcome[a.status]} {fmt.day(a.day)}"))
        for a in applications
    ]
    summary = derived.applications(applications, period)
    share = summary.amount_granted_of_sought
    rows.append((
        Cell.text("Summa beslutade ansökningar", bold=True),
        Cell.text(f"{summary.granted} av {summary.granted + summary.rejected} beviljade", bold=True),
        _number_cell(fmt.kronor(share.denominator), bold=True), _number_cell(fmt.kronor(share.numerator), bold=True),
        Cell.text(f"{fmt.ratio_percent(share.value)} av sökt belopp" if share.value is not None else "–", bold=True),
    ))
    return Table(("Projekt", "Finansiär", "Sökt", "Beviljat", "Beslut"), tuple(rows), widths=(3.2, 2.2, 1.9, 1.9, 2.2),
                 numeric=frozenset({2, 3}), total=True, caption=f"Ansökningar om externa medel {period.label}")


# --- charts ----------------------------------------------------------------------------------------


def attendance_charts(spec: IndicatorSpec, data: gather.ReportData, plan: _Plan, target: float | None) -> list[Block]:
    period = data.period
    networks = frozenset(spec.networks) or None
    earlier = period.previous_year()
    blocks: list[Block] = []
    if spec.source == Source.ATTENDANCE and len(spec.networks) > 1:
        now = derived.attendance_by_network(data.facts.attendance, period)
        before = derived.attendance_by_network(data.facts.attendance, earlier)
        shown = [code for code in spec.networks if code in now or code in before]
        if shown:
            blocks.append(BarChart(
                title="Genomsnittsnärvaro per nätverk",
                categories=tuple(plan.short_network(code) for code in shown),
                series=(Series(str(earlier.year), tuple(before[c].percent if c in before else None for c in shown)),
                        Series(str(period.year), tuple(now[c].percent if c in now else None for c in shown))),
                target=target,
            ))
    now_m = derived.attendance_by_municipality(data.facts.attendance, period, networks)
    before_m = derived.attendance_by_municipality(data.facts.attendance, earlier, networks)
    if now_m or before_m:
        codes = [code for code in plan.municipalities if code in now_m or code in before_m]
        blocks.append(BarChart(
            title="Genomsnittsnärvaro per kommun",
            categories=tuple(plan.municipalities[c] for c in codes),
            series=(Series(str(earlier.year), tuple(before_m[c].percent if c in before_m else None for c in codes)),
                    Series(str(period.year), tuple(now_m[c].percent if c in now_m else None for c in codes))),
            target=target,
        ))
    elif not blocks:
        blocks.append(_nothing(f"Ingen närvaro är registrerad i nätverken för {spec.name.lower()} under {period.label}."))
    return blocks


def survey_chart(spec: IndicatorSpec, data: gather.ReportData, plan: _Plan) -> Block:
    period = data.period
    assert spec.question is not None
    networks = frozenset(spec.networks) or None
    answered = sorted({s.network for s in data.facts.surveys
                       if s.year == period.year and s.question == spec.question and (networks is None or s.network in networks)},
                      key=lambda code: plan.short_network(code))
    if not answered:
        return _nothing(f"Inga enkätsvar är registrerade för {period.year} på frågan ”{plan.questions.get(spec.question, spec.question)}”.")
    rows = [(plan.short_network(code), derived.answer_distribution(data.facts.surveys, period, spec.question, {code}))
            for code in answered]
    rows.append(("Samtliga", derived.answer_distribution(data.facts.surveys, period, spec.question, networks)))
    return DistributionChart(
        title=f"{spec.name}: svarsfördelning per nätverk",
        rows=tuple(label for label, _ in rows),
        shares=tuple(tuple(share.percent or 0.0 for share in distribution) for _, distribution in rows),
        answers=tuple(int(distribution[0].denominator) for _, distribution in rows),
    )


# --- chapters --------------------------------------------------------------------------------------


def _goal_blocks(number: str, goal: GoalSpec, data: gather.ReportData, snapshot: Snapshot, plan: _Plan) -> list[Block]:
    blocks: list[Block] = [Heading(f"{number} {goal.name}", 2)]
    if goal.area and plan.area != goal.area:
        blocks.append(Paragraph((Run("Område: ", italic=True), Run(plan.area_names.get(goal.area, goal.area), italic=True))))
    if goal.indicators:
        blocks.append(indicator_table(goal, snapshot, data.period, plan.municipalities))
    else:
        blocks.append(_nothing("Målet har inga mätetal."))
    if any(spec.source in APPLICATION_SOURCES for spec in goal.indicators):
        blocks.append(application_table(data.facts.applications, data.period))
    for spec in goal.indicators:
        verdict = snapshot.indicator(spec.code)
        if spec.source == Source.ATTENDANCE_EACH_MUNICIPALITY or (spec.source == Source.ATTENDANCE and len(spec.networks) > 1):
            blocks.extend(attendance_charts(spec, data, plan, verdict.target if verdict else None))
        if spec.source == Source.SURVEY:
            blocks.append(survey_chart(spec, data, plan))
    if goal.activities:
        blocks.append(activity_table(goal, snapshot))
    else:
        blocks.append(_nothing("Målet har inga aktiviteter."))
    return blocks


def _examples(strategic: StrategicGoalSpec, snapshot: Snapshot, plan: _Plan) -> list[Block]:
    """Activities under the strategic goal whose latest status carries a comment, by partnership."""
    groups: defaultdict[str | None, list[Paragraph]] = defaultdict(list)
    for goal in strategic.goals:
        if not plan.covers_area(goal.area):
            continue
        for spec in goal.activities:
            verdict = snapshot.activity(spec.code)
            if verdict is None or not verdict.comment.strip():
                continue
            group = goal.area if plan.area else plan.partnership(goal.area)
            groups[group].append(Paragraph((_activity_run(verdict.state), Run(f"{spec.name}: ", bold=True), Run(verdict.comment.strip()))))
    if not groups:
        return [_nothing("Inga exempel är registrerade för perioden. Exempel kommer från aktiviteternas statuskommentarer, "
                         "t.ex. ”aktivitet <kod> klar: vad som gjordes och för vem”.")]
    blocks: list[Block] = []
    for group in sorted(groups, key=plan.group_order):
        blocks.append(Paragraph((Run(plan.group_name(group), bold=True),)))
        blocks.append(Bullets(tuple(groups[group])))
    return blocks


def _status_summary(verdicts: Iterable[IndicatorVerdict]) -> str:
    counts: defaultdict[Status, int] = defaultdict(int)
    for verdict in verdicts:
        counts[Status.NO_RESULT if verdict.status == Status.NO_TARGET else verdict.status] += 1
    total = sum(counts.values())
    if not total:
        return "Inga mätetal bedöms i kapitlet."
    parts = [f"{counts[status]} {one if counts[status] == 1 else many}" for status, one, many in (
        (Status.MET, "uppfyllt", "uppfyllda"), (Status.PARTLY, "delvis uppfyllt", "delvis uppfyllda"),
        (Status.NOT_MET, "inte uppfyllt", "inte uppfyllda"),
        (Status.NO_RESULT, "utan resultat eller målvärde", "utan resultat eller målvärde"),
    ) if counts[status]]
    return f"Av {_count(total, 'mätetal', 'mätetal')} är " + ", ".join(parts[:-1]) + (" och " if len(parts) > 1 else "") + parts[-1] + "."


def strategic_chapter(number: int, strategic: StrategicGoalSpec, data: gather.ReportData, snapshot: Snapshot, plan: _Plan) -> list[Block]:
    goals = [goal for goal in strategic.goals if plan.covers_goal(goal)]
    blocks: list[Block] = [Heading(f"{number} {strategic.name}", 1)]
    indicators = sum(len(g.indicators) for g in goals)
    activities = sum(len(g.activities) for g in goals)
    if not goals:
        blocks.append(_nothing(f"{plan.scope_name()} har inga mål under det här strategiska målet i planen."))
    else:
        blocks.append(Paragraph.plain(
            f"Under det strategiska målet redovisas {_count(len(goals), 'mål', 'mål')} med {_count(indicators, 'mätetal', 'mätetal')} "
            f"och {_count(activities, 'aktivitet', 'aktiviteter')}."))
    blocks.append(Heading(f"{number}.1 Exempel på aktiviteter", 2))
    blocks.extend(_examples(strategic, snapshot, plan))
    for index, goal in enumerate(goals, start=2):
        blocks.extend(_goal_blocks(f"{number}.{index}", goal, data, snapshot, plan))
    if goals:
        blocks.append(Heading(f"{number}.{len(goals) + 2} Analys", 2))
        verdicts = [v for g in goals for spec in g.indicators if (v := snapshot.indicator(spec.code))]
        blocks.append(Paragraph((Run(PROPOSAL, bold=True, italic=True, colour=GREY),
                                 Run(_status_summary(verdicts) + " Beskriv här vad resultaten beror på och vad som görs framåt.",
                                     italic=True, colour=GREY))))
    return blocks


def introduction(data: gather.ReportData, snapshot: Snapshot, plan: _Plan) -> list[Block]:
    period, spec = data.period, data.plan
    organisation = spec.organisation.name
    blocks: list[Block] = [Heading("1 Inledning", 1)]
    if spec.organisation.mission:
        blocks.append(Paragraph.plain(spec.organisation.mission))
    if spec.organisation.vision:
        blocks.append(Paragraph((Run("Vision: ", bold=True), Run(spec.organisation.vision))))
    blocks.append(Paragraph.plain(f"{organisation} har {_count(len(spec.strategic_goals), 'strategiskt mål', 'strategiska mål')}:"))
    blocks.append(Bullets(tuple(Paragraph.plain(sg.name) for sg in spec.strategic_goals)))
    if plan.area:
        below = sorted(plan.scope - {plan.area}, key=plan.group_order) if plan.scope else []
        extra = f", med områdena {', '.join(plan.area_names[c] for c in below)}" if below else ""
        blocks.append(Paragraph.plain(f"Rapporten gäller {plan.area_names[plan.area]}{extra}."))
    else:
        blocks.append(Paragraph.plain("Rapporten redovisar målen på organisationsnivå. Målen på områdesnivå redovisas i "
                                      "respektive områdes rapport och syns här som exempel på aktiviteter."))

    blocks.append(Heading(f"1.1 Utvärdering av {organisation}s verksamhet", 2))
    blocks.append(Paragraph.plain(
        f"Varje mätetal bedöms mot sitt målvärde för perioden {fmt.day(period.start)}–{fmt.day(period.end)}. Symbolen framför "
        "mätetalet visar om målvärdet nås, och pilen bredvid resultatet hur resultatet har förändrats jämfört med samma "
        f"period {period.year - 1}. Aktiviteternas symboler visar den senast rapporterade statusen. Som bilaga 1 finns en "
        "symbolförteckning för mätetal och aktiviteter."))
    blocks.append(Paragraph.plain(
        "Närvaron registreras vid varje träff med chefsnätverk, styrgrupper och liknande. Den årliga utvärderingsenkäten "
        "besvaras på en skala 1–6, där 1–2 = missnöjd, 3–4 = nöjd och 5–6 = mycket nöjd; resultatet är andelen mycket "
        "nöjda av dem som tagit ställning."))
    networks = {s.network for s in data.facts.surveys if s.year == period.year}
    if networks:
        blocks.append(Paragraph.plain(f"Enkäten för {period.year} är besvarad i {_count(len(networks), 'nätverk', 'nätverk')}."))
    made = fmt.timestamp(snapshot.made_at)
    number = f" nr {snapshot.id}" if snapshot.id is not None else ""
    deadline = f" Sista dag för rapporteringen är {fmt.day(snapshot.deadline)}." if snapshot.deadline else ""
    blocks.append(Paragraph((Run(
        f"Bedömningarna kommer från kubots utvärdering{number}, gjord {made} med läget per "
        f"{fmt.day(snapshot.as_of)}.{deadline} " + _status_summary(v for g in _covered(spec, plan) for i in g.indicators
                                                                      if (v := snapshot.indicator(i.code)) is not None)),)))
    if snapshot.warnings:
        blocks.append(Paragraph.plain("Tidiga varningar från utvärderingen:"))
        blocks.append(Bullets(tuple(Paragraph.plain(w.text) for w in snapshot.warnings)))

    blocks.append(Heading("1.2 Viktiga händelser", 2))
    events = [e for e in data.events if plan.covers_area(e.area)]
    if not events:
        blocks.append(_nothing(f"Inga viktiga händelser är registrerade för {period.label}. Registrera med ”händelse <område>: text”."))
    groups: defaultdict[str | None, list[Paragraph]] = defaultdict(list)
    for event in events:
        groups[event.area if plan.area else plan.partnership(event.area)].append(Paragraph.plain(f"{fmt.day(event.day)}: {event.text}"))
    for group in sorted(groups, key=plan.group_order):
        blocks.append(Paragraph((Run(plan.group_name(group), bold=True),)))
        blocks.append(Bullets(tuple(groups[group])))

    blocks.append(Heading("1.3 Effekter enligt 3 K: kostnadseffektivitet, kompetenshöjning, kvalitetshöjning", 2))
    effects = [e for e in events if e.three_k]
    if not effects:
        blocks.append(_nothing("Inga händelser är märkta med 3 K-effekt för perioden (kostnad, kompetens eller kvalitet)."))
    for kind, title in THREE_K_TITLES.items():
        items = [e for e in effects if e.three_k == kind]
        if items:
            blocks.append(Paragraph((Run(title, bold=True),)))
            blocks.append(Bullets(tuple(Paragraph((Run(f"{plan.group_name(plan.partnership(e.area))}: ", bold=True), Run(e.text)))
                                        for e in items)))
    if plan.area is None:
        blocks.append(Heading("1.4 Medarbetare", 2))
        blocks.append(staff_table(data))
    return blocks


def _covered(spec: PlanFile, plan: _Plan) -> list[GoalSpec]:
    return [goal for strategic in spec.strategic_goals for goal in strategic.goals if plan.covers_goal(goal)]


def staff_table(data: gather.ReportData) -> Table | Paragraph:
    years = sorted({item.year for item in data.staff_fte})
    if not years:
        return _nothing(f"Inga årsarbetare är registrerade för {data.period.label}.")
    by_year = {(item.year, item.form): item.fte for item in data.staff_fte}
    rows = []
    for year in years:
        values = [by_year.get((year, form.value)) for form in FTE_COLUMNS]
        rows.append((Cell.text(str(year)), *(_number_cell(fmt.number(v, 2) if v is not None else "–") for v in values),
                     _number_cell(fmt.number(sum(v for v in values if v is not None), 2), bold=True)))
    return Table(("År/anställningsform", "Tjänsteköp", "Tillsvidare", "Visstid", "Summa"), tuple(rows),
                 widths=(3.0, 2.0, 2.0, 2.0, 2.0), numeric=frozenset({1, 2, 3, 4}),
                 caption=f"Antal årsarbetare per anställningsform ({TERTIAL_NAMES[data.period.tertial]})")


def economy_chapter(number: int, data: gather.ReportData, plan: _Plan) -> list[Block]:
    blocks: list[Block] = [Heading(f"{number} Ekonomi", 1)]
    lines = [line for line in data.economy if plan.covers_area(line.area)]
    if not lines:
        return [*blocks, _nothing(f"Inga ekonomiska uppgifter är registrerade för {data.period.label}.")]
    items = list(dict.fromkeys(line.item for line in lines))
    areas = sorted(dict.fromkeys(line.area for line in lines), key=plan.group_order)
    amount = {(line.area, line.item): line.amount_tkr for line in lines}
    rows = [
        (Cell.text(plan.area_names.get(area, area)),
         *(_number_cell(fmt.number(amount[(area, item)]) if (area, item) in amount else "") for item in items))
        for area in areas
    ]
    rows.append((Cell.text("Summa", bold=True),
                 *(_number_cell(fmt.number(sum(amount.get((area, item), 0.0) for area in areas)), bold=True) for item in items)))
    blocks.append(Paragraph.plain(f"Redovisning i tkr för {data.period.label}."))
    blocks.append(Table(("Område", *(item[:1].upper() + item[1:] for item in items)), tuple(rows),
                        widths=(3.5, *(1.6 for _ in items)), numeric=frozenset(range(1, len(items) + 1)), total=True,
                        caption="Ekonomi per område (tkr)"))
    return blocks


# --- appendices ------------------------------------------------------------------------------------


def legend() -> list[Block]:
    indicator_rows = tuple((Cell.of(_status_run(status)), Cell.text(text)) for status, text in INDICATOR_LEGEND)
    activity_rows = tuple((Cell.of(_activity_run(state.value if state else None)), Cell.text(text)) for state, text in ACTIVITY_LEGEND)
    trend_rows = tuple((Cell.text(trend.arrow, bold=True), Cell.text(text)) for trend, text in TREND_LEGEND)
    return [
        Heading("Bilaga 1: Symbolförteckning för mätetal och aktiviteter", 1),
        Paragraph.plain("Varje symbol har både en egen färg och en egen form, så att den går att läsa även i svartvit utskrift."),
        Heading("Symbolförteckning för mätetal", 2),
        Table(("Symbol", "Betydelse"), indicator_rows, widths=(1.2, 9.0)),
        Heading("Symbolförteckning för aktiviteter", 2),
        Table(("Symbol", "Betydelse"), activity_rows, widths=(1.2, 9.0)),
        Heading("Trendpilar", 2),
        Table(("Pil", "Betydelse"), trend_rows, widths=(1.2, 9.0)),
    ]


def course_examples(number: int, data: gather.ReportData) -> list[Block]:
    period = data.period
    blocks: list[Block] = [Heading(f"Bilaga {number}: Exempel på kurser som genererar en hög kostnadseffektivitet för länets kommuner", 1)]
    priced = [c for c in data.facts.courses if period.contains(c.day) and c.price is not None and c.external_price is not None]
    if not priced:
        return [*blocks, _nothing(f"Inga kurser med pris och externt jämförpris är registrerade för {period.label}.")]
    reductions = [(course, derived.cost_reduction([course], period)) for course in priced]
    examples = sorted(reductions, key=lambda item: (-item[1].numerator, item[0].name))[:COURSE_EXAMPLES]
    rows: list[tuple[Cell, ...]] = []
    for course, reduction in examples:
        assert course.price is not None and course.external_price is not None
        rows.append((
            Cell.text(course.name), _number_cell(fmt.kronor(course.price)), _number_cell(fmt.number(course.participants)),
            _number_cell(fmt.kronor(course.external_price)), _number_cell(fmt.kronor(course.external_price - course.price)),
            _number_cell(fmt.kronor(reduction.numerator)),
            _number_cell(fmt.ratio_percent(reduction.value) if reduction.value is not None else "–"),
        ))
    total = derived.cost_reduction(priced, period)
    rows.append((Cell.text(f"Total kostnadsreducering för samtliga {len(priced)} kurser med jämförpris", bold=True),
                 *(Cell.text("") for _ in range(4)), _number_cell(fmt.kronor(total.numerator), bold=True),
                 _number_cell(fmt.ratio_percent(total.value) if total.value is not None else "–", bold=True)))
    blocks.append(Table(
        ("Kurs", "Kostnad per deltagare via Kommunal utveckling", "Antal deltagare", "Kostnad per deltagare externt",
         "Kostnadsreducering per deltagare", "Kostnadsreducering per kurs", "Kostnadsreducering i %"),
        tuple(rows), widths=(3.0, 1.4, 1.1, 1.4, 1.4, 1.5, 1.2), numeric=frozenset(range(1, 7)), total=True))
    blocks.append(Paragraph.plain(
        f"Sammanställningen visar de {len(examples)} kurser med störst kostnadsreducering av totalt "
        f"{derived.course_count(data.facts.courses, period)} kurser under perioden. Kostnader för resa och boende är inte inräknade."))
    return blocks


def course_participants(number: int, data: gather.ReportData, plan: _Plan) -> list[Block]:
    period = data.period
    blocks: list[Block] = [Heading(f"Bilaga {number}: Deltagande på kurser fördelat på länets kommuner", 1)]
    total = derived.participant_count(data.facts.courses, period)
    if not total:
        return [*blocks, _nothing(f"Inga kurser är registrerade för {period.label}.")]
    shares = derived.participants_by_municipality(data.facts.courses, period)
    rows = []
    for code, name in plan.municipalities.items():
        share = shares.get(code, derived.Ratio(0, total))
        rows.append((Cell.text(name), _number_cell(fmt.number(share.numerator)),
                     _number_cell(fmt.percent(share.percent or 0, 1))))
    unassigned = total - sum(share.numerator for share in shares.values())
    if unassigned:
        rows.append((Cell.text("Utan kommunfördelning eller externa deltagare"), _number_cell(fmt.number(unassigned)),
                     _number_cell(fmt.percent(100 * unassigned / total, 1))))
    rows.append((Cell.text("Summa", bold=True), _number_cell(fmt.number(total), bold=True), _number_cell(fmt.percent(100, 1), bold=True)))
    blocks.append(Table(("Kommun", "Antal deltagare", "Procent"), tuple(rows), widths=(5.0, 2.5, 2.5),
                        numeric=frozenset({1, 2}), total=True,
                        caption=f"Deltagare på kurser {period.label}, i förhållande till totala antalet kursdeltagare"))
    return blocks


# --- the whole report ------------------------------------------------------------------------------


def slug(text: str) -> str:
    folded = text.lower().translate(str.maketrans("åäöéü–", "aaoeu-"))
    return "-".join("".join(ch if ch.isalnum() else " " for ch in folded).split())


def build(data: gather.ReportData, snapshot: Snapshot, request: Request, *, made_at: datetime) -> Report:
    """The report for `request.period`, judged by `snapshot`; `made_at` is when it is generated."""
    period = data.period
    plan = _Plan(data.plan, request.area)
    name = report_name(period)
    title = f"{name} – {plan.area_names[request.area]}" if request.area else name
    lines = []
    if request.dnr:
        lines.append(f"Dnr {request.dnr}")
    if request.author:
        lines.append(request.author)
    lines.append(data.plan.organisation.name)
    if snapshot.as_of < period.end:
        lines.append(f"Perioden pågår till {fmt.day(period.end)}; rapporten visar läget per {fmt.day(snapshot.as_of)}.")
    number = f" nr {snapshot.id}" if snapshot.id is not None else ""
    draft = (f"UTKAST – skapat av kubot {fmt.timestamp(made_at)}. Bedömningar från utvärdering{number} "
             f"{fmt.timestamp(snapshot.made_at)}, läget per {fmt.day(snapshot.as_of)}.")
    title_page = TitlePage(
        organisation=data.plan.organisation.name, title=title,
        period=f"Period: {fmt.day(period.start)} – {fmt.day(period.end)} ({period.code})", lines=tuple(lines), draft=draft,
    )
    blocks: list[Block] = introduction(data, snapshot, plan)
    chapter = 2
    for strategic in data.plan.strategic_goals:
        blocks.extend(strategic_chapter(chapter, strategic, data, snapshot, plan))
        chapter += 1
    blocks.extend(economy_chapter(chapter, data, plan))
    blocks.extend(legend())
    if request.area is None:
        blocks.extend(course_examples(2, data))
        blocks.extend(course_participants(3, data, plan))
    stem = slug(f"{name} {plan.area_names[request.area]}" if request.area else name)
    return Report(title_page=title_page, blocks=tuple(blocks), file_stem=stem)
