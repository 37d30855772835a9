"""The pieces a report is made of: the plan as it sees it, small cells, the legend, examples and events.

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

from kubot import formatting as fmt
from kubot import owed
from kubot.models.plan import Role, Unit
from kubot.models.records import ActivityState, ThreeK
from kubot.periods import Period
from kubot.plan import economy as plan_economy
from kubot.plan.queries import AreaTree
from kubot.plan.schema import GoalSpec, PlanFile, StrategicGoalSpec
from kubot.report import gather
from kubot.report.model import (
    Block,
    Bullets,
    Cell,
    Heading,
    Paragraph,
    Run,
    Table,
)
from kubot.verdicts import (
    ACTIVITY_SYMBOLS,
    NO_STATUS_SYMBOL,
    STATUS_SYMBOLS,
    ActivityVerdict,
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
    (
        Status.NO_RESULT,
        "det finns inget resultat redovisat för den aktuella perioden, eller inget målvärde att bedöma det mot",
    ),
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
THREE_K_TITLES = {
    ThreeK.COST: "Kostnadseffektivitet",
    ThreeK.COMPETENCE: "Kompetenshöjning",
    ThreeK.QUALITY: "Kvalitetshöjning",
}
PROPOSAL = "Förslag – skriv om: "
EXAMPLES_PER_GROUP = 3
ORGANISATION_WIDE = "Hela verksamheten"
INDICATOR_HEADER = ("Mätetal", "Målvärde", "Resultat", "Analys")
# The result of an indicator measured later in the year.
MEASURED_LATER = "—"
ACTIVITY_HEADER = ("Aktiviteter", "Analys")
# Soft hyphens (U+00AD) mark where a long header word may break: "Kostnads-reducering", never "Kostnadsre|ducering".
SHY = "\u00ad"


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


def proposal_cell(text: str) -> Cell:
    return Cell.of(Run(PROPOSAL, bold=True, italic=True, colour=GREY), Run(text, italic=True, colour=GREY))


def number_cell(text: str, *, bold: bool = False) -> Cell:
    return Cell.text(text, bold=bold)


def count_text(n: int, one: str, many: str) -> str:
    return f"{fmt.number(n)} {one if n == 1 else many}"


def names_list(names: Iterable[str]) -> str:
    items = list(names)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " och " + items[-1]


# --- appendices ------------------------------------------------------------------------------------


def legend() -> list[Block]:
    indicator_rows = tuple((Cell.of(status_run(status)), Cell.text(text)) for status, text in INDICATOR_LEGEND)
    activity_rows = tuple(
        (Cell.of(activity_run(state.value if state else None)), Cell.text(text)) for state, text in ACTIVITY_LEGEND
    )
    trend_rows = tuple((Cell.text(trend.arrow, bold=True), Cell.text(text)) for trend, text in TREND_LEGEND)
    return [
        Heading("Symbolförteckning för mätetal och aktiviteter", 1, kind="appendix"),
        Paragraph.plain(
            "Varje symbol har både en egen färg och en egen form, så att den går att läsa även i svartvit utskrift."
        ),
        Heading("Symbolförteckning för mätetal", 2, kind="plain"),
        Table(("Symbol", "Betydelse"), indicator_rows, widths=(1.2, 9.0)),
        Heading("Symbolförteckning för aktiviteter", 2, kind="plain"),
        Table(("Symbol", "Betydelse"), activity_rows, widths=(1.2, 9.0)),
        Heading("Trendpilar", 2, kind="plain"),
        Table(("Pil", "Betydelse"), trend_rows, widths=(1.2, 9.0)),
    ]


# --- examples and events -------------------------------------------------------------------------


def grouped_bullets(groups: dict[str | None, list[Paragraph]], plan: PlanView) -> list[Block]:
    blocks: list[Block] = []
    for group in sorted(groups, key=plan.group_order):
        blocks.append(Paragraph((Run(plan.group_name(group), bold=True),)))
        blocks.append(Bullets(tuple(groups[group])))
    return blocks


def chosen_examples(
    ctx: Context, strategic: StrategicGoalSpec, limit: int | None = None
) -> list[tuple[str | None, gather.ExampleItem]]:
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
    names = {
        spec.code: spec.name
        for strategic in ctx.data.plan.strategic_goals
        for goal in strategic.goals
        for spec in goal.activities
    }
    groups: defaultdict[str | None, list[Paragraph]] = defaultdict(list)
    for group, item in chosen:
        if item.activity is not None:
            groups[group].append(
                Paragraph((activity_run(item.state), Run(f"{names[item.activity]}: ", bold=True), Run(item.text)))
            )
        else:
            groups[group].append(Paragraph.plain(item.text))
    return grouped_bullets(groups, ctx.plan)
