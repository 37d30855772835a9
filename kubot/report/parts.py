"""The pieces a report is made of: tables, charts, appendices and the text of each section.

Pure: every function takes the gathered data, the evaluation snapshot and the plan lookups
(`Context`) and returns `model` blocks with final Swedish text. Which pieces a report has,
and in which order, is decided in one place: the section lists in `content`.

A piece with nothing to show returns no blocks and tells the context what is missing and
who owns it; the report then lists those once, in an internal note at the start, instead of
printing empty sections or "no data" lines through the body.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from kubot import derived, economy, owed
from kubot import formatting as fmt
from kubot.models.plan import Role, Source, Unit
from kubot.models.records import ActivityState, EmploymentForm, ThreeK
from kubot.periods import Period
from kubot.plan import economy as plan_economy
from kubot.plan.queries import AreaTree
from kubot.plan.schema import GoalSpec, IndicatorSpec, PlanFile, StrategicGoalSpec
from kubot.report import gather
from kubot.report.model import (
    BarChart,
    Block,
    Bullets,
    Cell,
    DistributionChart,
    Heading,
    Paragraph,
    Run,
    Series,
    Table,
)
from kubot.verdicts import (
    ACTIVITY_SYMBOLS,
    NO_STATUS_SYMBOL,
    STATUS_SYMBOLS,
    ActivityVerdict,
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
    (None, "ingen status är rapporterad under året"),
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
EXAMPLES_PER_GROUP = 3
ORGANISATION_WIDE = "Hela verksamheten"
APPLICATION_SOURCES = (Source.APPLICATIONS_COUNT, Source.APPLICATIONS_AMOUNT)
INDICATOR_HEADER = ("Mätetal", "Målvärde", "Resultat", "Analys")
ACTIVITY_HEADER = ("Aktiviteter", "Analys")
# Soft hyphens (U+00AD) mark where a long header word may break: "Kostnads-reducering", never "Kostnadsre|ducering".
SHY = "\u00ad"
# Table 1's columns in the organisation's order; a column no row has a figure in is left out.
ACCOUNT_COLUMNS = ("ingående medel", "erhållna medel", "disponibla medel", "budget förbrukning", "utfall förbrukning",
                   "utbetalt till kommunerna", "kvarvarande medel", "varav statliga", "redovisat resultat")
ACCOUNT_TITLES = {"ingående medel": "Ingående medel", "erhållna medel": "Erhållna medel", "disponibla medel": "Disponibla medel",
                  "budget förbrukning": f"Budget förbruk{SHY}ning", "utfall förbrukning": f"Utfall förbruk{SHY}ning",
                  "utbetalt till kommunerna": f"Utbetalt till kommu{SHY}nerna", "kvarvarande medel": f"Kvar{SHY}varande medel",
                  "varav statliga": "Varav statliga", "redovisat resultat": "Redovisat resultat"}
ACCOUNT_ITEMS = ("ingående medel", "erhållna medel", "budget förbrukning", "utfall förbrukning", "varav statliga",
                 "redovisat resultat", "tidigare års resultat")
# Figures of the whole year carry the year in their header, figures of the accounts' day that day.
YEAR_COLUMNS = frozenset({"ingående medel", "erhållna medel", "disponibla medel", "budget förbrukning"})
DAY_COLUMNS = frozenset({"utfall förbrukning", "utbetalt till kommunerna", "kvarvarande medel", "redovisat resultat"})
FINANCING_COLUMNS = (*(f"finansiering {who}" for who in economy.FINANCERS), "total finansiering", *economy.SHARES)
FINANCING_HEADERS = ("Länets kommuner", "Staten", "Övriga", "Total finansiering", "Andel kommunerna", "Andel staten", "Andel övriga")
FOOTNOTE_MARK = "*"
STAFF_FINANCERS = {"kommunerna": "Finansierade av kommunerna", "externt": "Externt finansierade"}


# --- the plan as the report sees it --------------------------------------------------------------


class PlanView:
    """Lookups over the plan file: names, the area tree, and which goals the report covers."""

    def __init__(self, plan: PlanFile, area: str | None) -> None:
        self.plan = plan
        self.area = area
        self.area_names = {a.code: a.name for a in plan.areas}
        self.areas = AreaTree.of((a.code, a.parent) for a in plan.areas)
        self.area_order = {a.code: index for index, a in enumerate(plan.areas)}
        self.economy = plan_economy.layout(plan.economy)
        self.municipalities = {m.code: m.name for m in plan.municipalities}
        self.networks = {n.code: n.name for n in plan.networks}
        self.questions = {q.code: q.text for q in plan.questions}
        self.scope = self.areas.below(area) if area else None
        admins = [s for s in plan.staff if s.role == Role.ADMIN] or [s for s in plan.staff if s.role == Role.MANAGER]
        self.editor = admins[0].name if admins else "administratören"

    def partnership(self, code: str | None) -> str | None:
        return self.areas.top(code)

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

    def goals(self, strategic: StrategicGoalSpec) -> list[GoalSpec]:
        return [goal for goal in strategic.goals if self.covers_goal(goal)]


@dataclass
class Context:
    """What every piece sees, and where it notes what is missing (with who can supply it)."""

    data: gather.ReportData
    snapshot: Snapshot
    plan: PlanView
    missing: list[tuple[str, str]] = field(default_factory=list)

    @property
    def period(self) -> Period:
        return self.data.period

    def text(self, key: str) -> str | None:
        text = self.data.texts.get(key, "").strip()
        return text or None

    def miss(self, what: str, owner: str | None = None) -> None:
        self.missing.append((what if len(what) <= 90 else what[:86].rstrip() + " …”", owner or self.plan.editor))


def owed_items(ctx: Context) -> None:
    """Note what the report's goals still owe (`kubot.owed`, what `saknas` lists), each with who owes it."""
    owners: dict[str, str | None] = {}
    for strategic in ctx.data.plan.strategic_goals:
        for goal in strategic.goals:
            owners.update({spec.code: spec.responsible for spec in goal.indicators})
            owners.update({spec.code: spec.responsible for spec in goal.activities})
    whose = owed.Whose(areas=frozenset(ctx.plan.scope) if ctx.plan.scope is not None else frozenset({None}))
    for verdict in owed.owed_verdicts(ctx.snapshot, whose):
        what = "status för aktiviteten" if isinstance(verdict, ActivityVerdict) else "resultat för"
        ctx.miss(f"{what} ”{verdict.name}”", owners.get(verdict.code))


# --- small pieces ----------------------------------------------------------------------------------


def prose(text: str) -> list[Block]:
    """A written text as paragraphs: a blank line (or a line break) starts a new paragraph."""
    return [Paragraph.plain(part.strip()) for part in text.replace("\r", "").split("\n") if part.strip()]


def table_value(unit: str, value: float | None) -> str:
    """A result or target as the published tables print it: whole per cent ("57 %"), Swedish numbers."""
    if value is None:
        return "–"
    if unit == Unit.PERCENT:
        return fmt.percent(value)
    return fmt.in_unit(unit, value)


def _symbol_run(symbol: str, colour: str) -> Run:
    return Run(symbol + " ", bold=True, colour=colour, symbol=True)


def status_run(status: Status) -> Run:
    return _symbol_run(STATUS_SYMBOLS[status], STATUS_COLOURS[status])


def activity_run(state: str | None) -> Run:
    if state is None or state not in ACTIVITY_SYMBOLS:
        return _symbol_run(NO_STATUS_SYMBOL, GREY)
    known = ActivityState(state)
    return _symbol_run(ACTIVITY_SYMBOLS[known], ACTIVITY_COLOURS[known])


def _proposal(text: str) -> Cell:
    return Cell.of(Run(PROPOSAL, bold=True, italic=True, colour=GREY), Run(text, italic=True, colour=GREY))


def _number_cell(text: str, *, bold: bool = False) -> Cell:
    return Cell.text(text, bold=bold)


def count_text(n: int, one: str, many: str) -> str:
    return f"{fmt.number(n)} {one if n == 1 else many}"


def names_list(names: Iterable[str]) -> str:
    items = list(names)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " och " + items[-1]


# --- the analysis proposal -------------------------------------------------------------------------


def propose_analysis(verdict: IndicatorVerdict, period: Period, municipalities: dict[str, str]) -> str:
    """One or two plain sentences from the verdict and its numbers, for the responsible person to rewrite."""
    value = table_value(verdict.unit, verdict.value)
    if verdict.ratio and verdict.unit == Unit.PERCENT:
        value += f" ({fmt.number(verdict.ratio[0])} av {fmt.number(verdict.ratio[1])})"
    target = table_value(verdict.unit, verdict.target)
    first = {
        Status.MET: f"Resultatet {value} når målvärdet {target}.",
        Status.PARTLY: f"Resultatet {value} når inte målvärdet {target}, men mätetalet är delvis uppfyllt.",
        Status.NOT_MET: f"Resultatet {value} når inte målvärdet {target}.",
    }.get(verdict.status, f"Resultatet är {value}; inget målvärde är satt för {period.year}.")
    sentences = [first]
    if verdict.below:
        names = ", ".join(municipalities.get(code, code) for code in verdict.below)
        sentences.append(f"Under målvärdet ligger {names}.")
    if (change := _change(verdict, period)) is not None:
        sentences.append(change)
    return " ".join(sentences)


def _change(verdict: IndicatorVerdict, period: Period) -> str | None:
    """The change against the same period a year earlier – only when that period has a result."""
    earlier = period.previous_year().year
    if verdict.previous is None or verdict.value is None:
        return None
    before = table_value(verdict.unit, verdict.previous)
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


# --- tables ----------------------------------------------------------------------------------------


def indicator_table(ctx: Context, goal: GoalSpec, *, only_results: bool) -> Table | None:
    """Mätetal | Målvärde | Resultat | Analys."""
    rows = []
    for spec in goal.indicators:
        verdict = ctx.snapshot.indicator(spec.code)
        if verdict is None or verdict.value is None:
            if only_results or verdict is None:
                continue
            rows.append((Cell.of(status_run(Status.NO_RESULT), Run(spec.name)), Cell.text(table_value(spec.unit, verdict.target)),
                         Cell.text("–"), Cell.text(verdict.analysis.strip())))
            continue
        target = table_value(verdict.unit, verdict.target)
        if verdict.target is not None and verdict.annual_target is not None and verdict.annual_target != verdict.target:
            target += f" (helår {table_value(verdict.unit, verdict.annual_target)})"
        result = table_value(verdict.unit, verdict.value)
        # An arrow only against a period that has a result (the evaluation gives a trend only then).
        if verdict.trend is not None and verdict.previous is not None:
            result += f" {verdict.trend.arrow}"
        analysis = Cell.text(verdict.analysis.strip()) if verdict.analysis.strip() else \
            _proposal(propose_analysis(verdict, ctx.period, ctx.plan.municipalities))
        rows.append((Cell.of(status_run(verdict.status), Run(spec.name)), Cell.text(target), Cell.text(result), analysis))
    if not rows:
        return None
    return Table(INDICATOR_HEADER, tuple(rows), widths=(3.3, 1.75, 1.75, 4.6), numeric=frozenset({1, 2}))


# An activity whose comment the chapter's examples print already points there instead of repeating it.
TOLD_AS_EXAMPLE = "Beskrivs bland exemplen ovan."


def activity_table(ctx: Context, goal: GoalSpec, told: frozenset[tuple[str, str]] = frozenset()) -> tuple[Table | None, list[str]]:
    """Aktiviteter | Analys for activities with a status in the year, and the names of those without one.

    `told` holds the (activity, comment) pairs printed as examples above, which the table does not repeat."""
    rows, silent = [], []
    for spec in goal.activities:
        verdict = ctx.snapshot.activity(spec.code)
        if verdict is None or verdict.state is None:
            silent.append(spec.name)
            continue
        when = f" ({fmt.day(verdict.reported_on)})" if verdict.reported_on else ""
        comment = verdict.comment.strip() or f"Status: {verdict.state}{when}."
        if (spec.code, comment) in told:
            comment = TOLD_AS_EXAMPLE
        rows.append((Cell.of(activity_run(verdict.state), Run(spec.name)), Cell.text(comment)))
    table = Table(ACTIVITY_HEADER, tuple(rows), widths=(4.5, 6.5)) if rows else None
    return table, silent


def application_table(ctx: Context) -> Table | None:
    period = ctx.period
    applications = sorted((a for a in ctx.data.facts.applications if period.contains(a.day)), key=lambda a: (a.day, a.project))
    if not applications:
        ctx.miss("ansökningar om externa medel (”ansökan …”)")
        return None
    outcome = {"granted": "beviljad", "rejected": "avslag", "pending": "inget beslut"}
    rows = [
        (Cell.text(a.project), Cell.text(a.funder), _number_cell(fmt.kronor(a.sought)),
         _number_cell(fmt.kronor(a.granted) if a.granted is not None else "–"),
         Cell.text(f"{outcome[a.status]} {fmt.day(a.decided)}" if a.decided else outcome[a.status]))
        for a in applications
    ]
    summary = derived.applications(applications, period)
    share = summary.amount_granted_of_sought
    decided = summary.granted + summary.rejected
    rows.append((
        Cell.text(f"Summa: {count_text(summary.submitted, 'ansökan', 'ansökningar')}", bold=True),
        Cell.text(f"{summary.granted} av {decided} beviljade" + (f", {summary.pending} utan beslut" if summary.pending else ""),
                  bold=True),
        _number_cell(fmt.kronor(share.denominator), bold=True), _number_cell(fmt.kronor(share.numerator), bold=True),
        Cell.text(f"{fmt.ratio_percent(share.value)} av sökt belopp" if share.value is not None else "–", bold=True),
    ))
    return Table(("Projekt", "Finansiär", "Sökt", "Beviljat", "Beslut"), tuple(rows), widths=(3.0, 2.6, 2.0, 2.0, 2.0),
                 numeric=frozenset({2, 3}), total=True, small=True, caption=f"Ansökningar om externa medel skickade {period.label}")


def staff_table(ctx: Context) -> Table | None:
    """Årsarbetare per year by employment form, and by financer when that is given."""
    staff, financing = ctx.data.staff_fte, ctx.data.staff_financing
    years = sorted({item.year for item in (*staff, *financing)})
    if not years:
        return None
    by_year = {(item.year, item.form): item.fte for item in staff}
    by_financer = {(item.year, item.form): item.fte for item in financing}
    financers = [who for who in STAFF_FINANCERS if any(item.form == who for item in financing)]

    def cell(value: float | None, *, bold: bool = False) -> Cell:
        return _number_cell(fmt.number(value, 2) if value is not None else "–", bold=bold)

    rows = []
    for year in years:
        values = [by_year.get((year, form.value)) for form in FTE_COLUMNS]
        paid = [by_financer.get((year, who)) for who in financers]
        whole = [v for v in values if v is not None] or [v for v in paid if v is not None]
        rows.append((Cell.text(str(year)), *(cell(v) for v in values), cell(sum(whole), bold=True), *(cell(v) for v in paid)))
    header = ("År/anställningsform", "Tjänsteköp", "Tillsvidare", "Visstid", "Summa", *(STAFF_FINANCERS[who] for who in financers))
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    what = "per anställningsform och finansiär" if financers else "per anställningsform"
    return Table(header, tuple(rows), widths=(3.0, *(2.0 for _ in header[1:])), numeric=frozenset(range(1, len(header))),
                 caption=f"Antal årsarbetare {what} {span}", small=len(header) > 5)


def staff_financing_sentence(ctx: Context) -> Paragraph | None:
    """"Kommunal utveckling har 49,13 årsarbetare, varav 29,48 finansierade av kommunerna och 19,65 externt." (the report's year)."""
    paid = {item.form: item.fte for item in ctx.data.staff_financing if item.year == ctx.period.year}
    if not paid:
        return None
    parts_ = [f"{fmt.number(paid[who], 2)} {'finansierade av kommunerna' if who == 'kommunerna' else 'externt'}"
              for who in STAFF_FINANCERS if who in paid]
    told = parts_[0] if len(parts_) == 1 else f"{parts_[0]} och {parts_[1]}"
    return Paragraph.plain(f"{ctx.data.plan.organisation.name} har {fmt.number(sum(paid.values()), 2)} årsarbetare, varav {told}.")


def _economy_rows(ctx: Context) -> list[economy.AreaEconomy]:
    rows = [row for row in ctx.data.economy if ctx.plan.covers_area(row.area)]
    return economy.ordered(rows, ctx.plan.economy, ctx.plan.area_order)


def _tkr(value: float | None) -> str:
    return "" if value is None else fmt.number(value)


def _as_of(rows: list[economy.AreaEconomy]) -> date:
    return max(row.as_of for row in rows)


def account_title(ctx: Context, column: str, day: date) -> str:
    """A column's header with its year or day, as the organisation writes it: "Ingående balans 2022", "Utfall … 2022-08-31"."""
    title = ctx.plan.economy.titles.get(column) or ACCOUNT_TITLES.get(column) or column.capitalize()
    if column in YEAR_COLUMNS:
        return f"{title} {day.year}"
    return f"{title} {fmt.day(day)}" if column in DAY_COLUMNS else title


def _footnotes(rows: list[economy.AreaEconomy]) -> dict[str, str]:
    """Each row with a footnote and its mark: "*", "**" … in the order the rows are printed."""
    noted = [row.area for row in rows if row.rule is not None and row.rule.footnote]
    return {area: FOOTNOTE_MARK * (index + 1) for index, area in enumerate(noted)}


def _account_rows(ctx: Context) -> list[economy.AreaEconomy]:
    """The areas with accounts; an area that only pays out to the municipalities (VFU) is told in a sentence instead."""
    return [row for row in _economy_rows(ctx) if any(row.get(item) is not None for item in ACCOUNT_ITEMS)]


def _shown_column(column: str, rows: list[economy.AreaEconomy]) -> bool:
    """The organisation's columns are always printed; the payout only where it lowers a remainder."""
    if column == "utbetalt till kommunerna":
        return any(row.get(column) is not None and row.remaining is not None for row in rows)
    return True


def accounts_table(ctx: Context) -> Table | None:
    """Table 1: the accounts per area in tkr; disponibla, kvarvarande, the sum, subtotals and the accumulated result computed."""
    rows = _account_rows(ctx)
    if not rows:
        return None
    day = _as_of(rows)
    carried_over = economy.accumulated(rows)
    columns = [c for c in ACCOUNT_COLUMNS if _shown_column(c, rows)]
    marks = _footnotes(rows)

    def line(label: str, values: list[float | None], *, bold: bool = False) -> tuple[Cell, ...]:
        return (Cell.text(label, bold=bold), *(_number_cell(_tkr(v), bold=bold) for v in values))

    body = [line(ctx.plan.area_names.get(row.area, row.area) + (f" {marks[row.area]}" if row.area in marks else ""),
                 [row.value(c) for c in columns]) for row in rows]
    body.append(line("Summa", [economy.total(rows, c) for c in columns], bold=True))
    for group in ctx.plan.economy.subtotals:
        members = [row for row in rows if row.area in group.areas]
        if members:
            body.append(line(group.title, [economy.total(members, c) for c in columns]))
    if carried_over is not None:
        earlier, accumulated = carried_over
        at_result: list[float | None] = [None] * (len(columns) - 1)  # the result column is the last
        word = "överskott" if earlier >= 0 else "underskott"
        body.append(line(f"{word.capitalize()} från tidigare år", [*at_result, earlier]))
        word = "överskott" if accumulated >= 0 else "underskott"
        body.append(line(f"Ackumulerat {word} {fmt.day(day)}", [*at_result, accumulated], bold=True))
    return Table(("Område", *(account_title(ctx, c, day) for c in columns)), tuple(body),
                 widths=(2.2, *(1.05 for _ in columns)), numeric=frozenset(range(1, len(columns) + 1)), total=True, small=True,
                 caption=f"Redovisning i tkr per {fmt.day(day)}")


def accounts_footnotes(ctx: Context) -> list[Paragraph]:
    """The footnotes under Table 1, each with its row's mark and area."""
    rows = _account_rows(ctx)
    marks = _footnotes(rows)
    return [Paragraph((Run(f"{marks[row.area]} {ctx.plan.area_names.get(row.area, row.area)}: ", italic=True),
                       Run(row.rule.footnote if row.rule else "", italic=True)))
            for row in rows if row.area in marks]


def financing_table(ctx: Context) -> Table | None:
    """Disponibla medel by financer per area: the municipalities, the state, others, and every financer's share, computed."""
    rows = [row for row in _economy_rows(ctx) if row.financing_total]
    if not rows:
        return None

    def shown(row_or_total: float | None, column: str) -> str:
        if row_or_total is None:
            return ""
        return fmt.percent(row_or_total) if column in economy.SHARES else fmt.number(row_or_total)

    body = [(Cell.text(ctx.plan.area_names.get(row.area, row.area)), *(_number_cell(shown(row.value(c), c)) for c in FINANCING_COLUMNS))
            for row in rows]
    body.append((Cell.text("Summa", bold=True), *(_number_cell(shown(economy.total(rows, c), c), bold=True) for c in FINANCING_COLUMNS)))
    for group in ctx.plan.economy.subtotals:
        members = [row for row in rows if row.area in group.areas]
        if members:
            body.append((Cell.text(group.title), *(_number_cell(shown(economy.total(members, c), c)) for c in FINANCING_COLUMNS)))
    return Table(("Område", *FINANCING_HEADERS), tuple(body), widths=(3.0, 1.4, 1.2, 1.2, 1.5, 1.3, 1.3, 1.3),
                 numeric=frozenset(range(1, len(FINANCING_COLUMNS) + 1)), total=True, small=True,
                 caption="Finansiering per område (tkr)")


def balance_table(ctx: Context) -> Table | None:
    """The opening balance beside what remains on the accounts' day, per area whose remainder is earmarked money."""
    rows = [row for row in _account_rows(ctx) if row.remaining is not None]
    if not rows:
        return None
    day = _as_of(rows)

    def line(label: str, opening: float | None, now: float | None, *, bold: bool = False) -> tuple[Cell, ...]:
        change = None if now is None else now - (opening or 0.0)  # no opening balance: all of it is this year's
        return (Cell.text(label, bold=bold), *(_number_cell(_tkr(v), bold=bold) for v in (opening, now, change)))

    body = [line(ctx.plan.area_names.get(row.area, row.area), row.get("ingående medel"), row.remaining) for row in rows]
    body.append(line("Summa", economy.total(rows, "ingående medel"), economy.total(rows, "kvarvarande medel"), bold=True))
    header = ("Område", account_title(ctx, "ingående medel", day), account_title(ctx, "kvarvarande medel", day), "Förändring")
    return Table(header, tuple(body), widths=(3.4, 1.8, 1.8, 1.6), numeric=frozenset({1, 2, 3}), total=True, small=True,
                 caption=f"Ingående balans och kvarvarande medel per {fmt.day(day)} (tkr)")


def payout_sentence(ctx: Context) -> Paragraph | None:
    paid = economy.total(_economy_rows(ctx), "utbetalt till kommunerna")
    if not paid:
        return None
    return Paragraph.plain(f"Till länets kommuner har {fmt.tkr(paid)} betalats ut under {ctx.period.year}.")


# --- charts ----------------------------------------------------------------------------------------


def attendance_charts(ctx: Context, spec: IndicatorSpec, target: float | None) -> list[Block]:
    data, plan, period = ctx.data, ctx.plan, ctx.period
    networks = frozenset(spec.networks) or None
    earlier = period.previous_year()
    blocks: list[Block] = []
    if spec.source == Source.ATTENDANCE and len(spec.networks) > 1:
        now = derived.attendance_by_network(data.facts.attendance, period)
        before = derived.attendance_by_network(data.facts.attendance, earlier)
        shown = [code for code in spec.networks if code in now]
        if shown:
            series = [Series(str(period.year), tuple(now[c].percent for c in shown))]
            if any(c in before for c in shown):
                series.insert(0, Series(str(earlier.year), tuple(before[c].percent if c in before else None for c in shown)))
            blocks.append(BarChart(title="Genomsnittsnärvaro per nätverk",
                                   categories=tuple(plan.networks.get(code, code) for code in shown),
                                   series=tuple(series), target=target))
    now_m = derived.attendance_by_municipality(data.facts.attendance, period, networks)
    before_m = derived.attendance_by_municipality(data.facts.attendance, earlier, networks)
    if now_m:
        codes = [code for code in plan.municipalities if code in now_m]
        series = [Series(str(period.year), tuple(now_m[c].percent for c in codes))]
        if any(c in before_m for c in codes):
            series.insert(0, Series(str(earlier.year), tuple(before_m[c].percent if c in before_m else None for c in codes)))
        blocks.append(BarChart(title="Genomsnittsnärvaro per kommun", categories=tuple(plan.municipalities[c] for c in codes),
                               series=tuple(series), target=target))
    return blocks


def survey_chart(ctx: Context, spec: IndicatorSpec) -> Block | None:
    data, plan, period = ctx.data, ctx.plan, ctx.period
    assert spec.question is not None
    networks = frozenset(spec.networks) or None
    answered = sorted({s.network for s in data.facts.surveys
                       if s.year == period.year and s.question == spec.question and (networks is None or s.network in networks)},
                      key=lambda code: plan.networks.get(code, code))
    if not answered:
        return None
    rows = [(plan.networks.get(code, code), derived.answer_distribution(data.facts.surveys, period, spec.question, {code}))
            for code in answered]
    rows.append(("Samtliga", derived.answer_distribution(data.facts.surveys, period, spec.question, networks)))
    return DistributionChart(
        title=f"{spec.name}: svarsfördelning per nätverk",
        rows=tuple(label for label, _ in rows),
        shares=tuple(tuple(share.percent or 0.0 for share in distribution) for _, distribution in rows),
        answers=tuple(int(distribution[0].denominator) for _, distribution in rows),
    )


# --- appendices ------------------------------------------------------------------------------------


def legend() -> list[Block]:
    indicator_rows = tuple((Cell.of(status_run(status)), Cell.text(text)) for status, text in INDICATOR_LEGEND)
    activity_rows = tuple((Cell.of(activity_run(state.value if state else None)), Cell.text(text)) for state, text in ACTIVITY_LEGEND)
    trend_rows = tuple((Cell.text(trend.arrow, bold=True), Cell.text(text)) for trend, text in TREND_LEGEND)
    return [
        Heading("Symbolförteckning för mätetal och aktiviteter", 1, kind="appendix"),
        Paragraph.plain("Varje symbol har både en egen färg och en egen form, så att den går att läsa även i svartvit utskrift."),
        Heading("Symbolförteckning för mätetal", 2, kind="plain"),
        Table(("Symbol", "Betydelse"), indicator_rows, widths=(1.2, 9.0)),
        Heading("Symbolförteckning för aktiviteter", 2, kind="plain"),
        Table(("Symbol", "Betydelse"), activity_rows, widths=(1.2, 9.0)),
        Heading("Trendpilar", 2, kind="plain"),
        Table(("Pil", "Betydelse"), trend_rows, widths=(1.2, 9.0)),
    ]


def course_examples(ctx: Context) -> list[Block]:
    period, data = ctx.period, ctx.data
    priced = [c for c in data.facts.courses if period.contains(c.day) and c.price is not None and c.external_price is not None]
    if not priced:
        ctx.miss("kurser med pris och externt jämförpris (”kurs … pris … extern …”)")
        return []
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
    return [
        Heading("Exempel på kurser som genererar en hög kostnadseffektivitet för länets kommuner", 1, kind="appendix"),
        Table(("Kurs", "Kostnad per deltagare via Kommunal utveckling", f"Antal del{SHY}tagare",
               "Kostnad per deltagare externt", f"Kostnads{SHY}reducering per deltagare",
               f"Kostnads{SHY}reducering per kurs", f"Kostnads{SHY}reducering i %"),
              tuple(rows), widths=(2.6, 1.5, 1.2, 1.5, 1.5, 1.5, 1.7), numeric=frozenset(range(1, 7)), total=True, small=True),
        Paragraph.plain(
            f"Sammanställningen visar de {len(examples)} kurser med störst kostnadsreducering av totalt "
            f"{derived.course_count(data.facts.courses, period)} kurser under perioden. Kostnader för resa och boende är inte inräknade."),
    ]


def course_participants(ctx: Context) -> list[Block]:
    period, data = ctx.period, ctx.data
    total = derived.participant_count(data.facts.courses, period)
    shares = derived.participants_by_municipality(data.facts.courses, period)
    if not total or not shares:
        ctx.miss("kursdeltagare per kommun (”kurs … Aneby 3, Eksjö 2, externa 4”)")
        return []
    rows = []
    for code, name in ctx.plan.municipalities.items():
        share = shares.get(code, derived.Ratio(0, total))
        rows.append((Cell.text(name), _number_cell(fmt.number(share.numerator)), _number_cell(fmt.percent(share.percent or 0, 1))))
    unassigned = total - sum(share.numerator for share in shares.values())
    if unassigned:
        rows.append((Cell.text("Externa deltagare och deltagare utan kommunfördelning"), _number_cell(fmt.number(unassigned)),
                     _number_cell(fmt.percent(100 * unassigned / total, 1))))
    rows.append((Cell.text("Summa", bold=True), _number_cell(fmt.number(total), bold=True), _number_cell(fmt.percent(100, 1), bold=True)))
    return [
        Heading(f"Deltagande på kurser {period.year}, fördelat på länets kommuner", 1, kind="appendix"),
        Table(("Kommun", "Antal deltagare", "Procent"), tuple(rows), widths=(5.0, 2.5, 2.5), numeric=frozenset({1, 2}), total=True,
              caption=f"Deltagare på kurser {period.label}, i förhållande till totala antalet kursdeltagare"),
    ]


# --- examples and events -------------------------------------------------------------------------


def grouped_bullets(groups: dict[str | None, list[Paragraph]], plan: PlanView) -> list[Block]:
    blocks: list[Block] = []
    for group in sorted(groups, key=plan.group_order):
        blocks.append(Paragraph((Run(plan.group_name(group), bold=True),)))
        blocks.append(Bullets(tuple(groups[group])))
    return blocks


def chosen_examples(ctx: Context, strategic: StrategicGoalSpec, limit: int | None = None) -> list[tuple[str | None, gather.ExampleItem]]:
    """The statuses and events marked as examples under the strategic goal, each with its group: partnership
    (or area, in an area's report), at most `limit` per group. A status is under its activity's strategic
    goal, an event under the one it was marked for."""
    goal_of = {spec.code: goal for goal in strategic.goals for spec in goal.activities}
    chosen: list[tuple[str | None, gather.ExampleItem]] = []
    per_group: defaultdict[str | None, int] = defaultdict(int)
    for item in ctx.data.examples:
        if item.activity is not None:
            if item.activity not in goal_of:
                continue
            area = goal_of[item.activity].area
        elif item.strategic_goal == strategic.code:
            area = item.area
        else:
            continue
        if not ctx.plan.covers_area(area):
            continue
        group = area if ctx.plan.area else ctx.plan.partnership(area)
        if limit is None or per_group[group] < limit:
            per_group[group] += 1
            chosen.append((group, item))
    return chosen


def examples(ctx: Context, chosen: list[tuple[str | None, gather.ExampleItem]]) -> list[Block]:
    """The chosen examples by group: an activity's with its symbol and name, an event's as its text."""
    names = {spec.code: spec.name for strategic in ctx.data.plan.strategic_goals for goal in strategic.goals for spec in goal.activities}
    groups: defaultdict[str | None, list[Paragraph]] = defaultdict(list)
    for group, item in chosen:
        if item.activity is not None:
            groups[group].append(Paragraph((activity_run(item.state), Run(f"{names[item.activity]}: ", bold=True), Run(item.text))))
        else:
            groups[group].append(Paragraph.plain(item.text))
    return grouped_bullets(groups, ctx.plan)


def status_summary(verdicts: Iterable[IndicatorVerdict]) -> str:
    counts: defaultdict[Status, int] = defaultdict(int)
    for verdict in verdicts:
        counts[Status.NO_RESULT if verdict.status == Status.NO_TARGET else verdict.status] += 1
    total = sum(counts.values())
    if not total:
        return ""
    parts = [f"{counts[status]} {one if counts[status] == 1 else many}" for status, one, many in (
        (Status.MET, "uppfyllt", "uppfyllda"), (Status.PARTLY, "delvis uppfyllt", "delvis uppfyllda"),
        (Status.NOT_MET, "inte uppfyllt", "inte uppfyllda"),
        (Status.NO_RESULT, "utan resultat", "utan resultat"),
    ) if counts[status]]
    return f"Av {count_text(total, 'mätetal', 'mätetal')} är " + names_list(parts) + "."
