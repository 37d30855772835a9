"""The plan file's format: the fields an administrator writes, and the codes that must refer to each other.

Checks on one field live on the field; checks across the file (a code used twice, a code that
names nothing) live in `reference_problems`, which names each problem's field path.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from kubot import deadlines as deadline_rules
from kubot.models.plan import Direction, Role, Source, Timing, Unit
from kubot.periods import Period, PeriodError
from kubot.plan.economy import EconomySpec

Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=40)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
Year = Annotated[int, Field(ge=2000, le=2100)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class OrganisationSpec(_Model):
    name: Text = Field(alias="namn")
    mission: str = Field(default="", alias="uppdrag")
    vision: str = ""


class MunicipalitySpec(_Model):
    code: Code = Field(alias="kod")
    name: Text = Field(alias="namn")
    region: bool = False


class AreaSpec(_Model):
    code: Code = Field(alias="kod")
    name: Text = Field(alias="namn")
    parent: Code | None = Field(default=None, alias="inom")


class StaffSpec(_Model):
    name: Text = Field(alias="namn")
    role: Role = Field(default=Role.STAFF, alias="roll")
    title: str = Field(default="", alias="titel")
    areas: tuple[Code, ...] = Field(default=(), alias="områden")
    # A chat platform that reports its users' e-mail (Slack) recognises the person by it on first contact.
    # The lengths are the database columns' (models/plan.py): `--check` must refuse what PostgreSQL would.
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+$", max_length=200)] | None = Field(
        default=None, alias="e-post"
    )
    chat: dict[Annotated[str, StringConstraints(pattern=r"^[a-z]+$", max_length=20)],
               Annotated[str, StringConstraints(min_length=1, strip_whitespace=True, max_length=120)]] = Field(
        default_factory=dict, alias="chatt")
    # aktiv: false keeps a person (and the authorship of their entries) but takes away their access.
    active: bool = Field(default=True, alias="aktiv")


class NetworkSpec(_Model):
    code: Code = Field(alias="kod")
    name: Text = Field(alias="namn")
    kind: str = Field(default="", alias="typ")
    area: Code | None = Field(default=None, alias="område")
    invited: Literal["alla"] | tuple[Code, ...] = Field(default="alla", alias="inbjudna")
    region: bool = False


class QuestionSpec(_Model):
    code: Code = Field(alias="kod")
    text: Text


class IndicatorSpec(_Model):
    code: Code = Field(alias="kod")
    name: Text = Field(alias="namn")
    unit: Unit = Field(default=Unit.PERCENT, alias="enhet")
    direction: Direction = Field(default=Direction.HIGHER, alias="riktning")
    target: float | dict[Year, float] | None = Field(default=None, alias="målvärde")
    source: str = Field(default=Source.TYPED.value, alias="källa")
    networks: tuple[Code, ...] = Field(default=(), alias="nätverk")
    question: Code | None = Field(default=None, alias="fråga")
    timing: Timing = Field(default=Timing.CONTINUOUS, alias="mätning")
    measured_month: int | None = Field(default=None, ge=1, le=12, alias="mätmånad")
    responsible: str | None = Field(default=None, alias="ansvarig")
    partly_met_from: float | None = Field(default=None, gt=0, lt=1, alias="delvis_från")
    prorate: bool = Field(default=False, alias="proportionera")

    @field_validator("source")
    @classmethod
    def _offered(cls, value: str) -> str:
        # The record kinds say which sources exist; imported here because the kinds read the plan's tables.
        from kubot import kinds

        offered = sorted(kinds.sources())
        if value not in offered:
            listed = ", ".join(repr(key) for key in offered[:-1]) + f" eller {offered[-1]!r}"
            raise ValueError(f"har värdet {value!r}; tillåtet är {listed}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> IndicatorSpec:
        if self.timing == Timing.YEARLY and self.measured_month is None:
            raise ValueError("mätning: årlig kräver mätmånad (1–12), t.ex. mätmånad: 11 för november")
        if self.source == Source.SURVEY and self.question is None:
            raise ValueError("källa: enkät kräver fråga: med koden för en enkätfråga")
        if self.networks and self.source not in _NETWORK_SOURCES:
            raise ValueError("nätverk: används bara med källa närvaro, närvaro_varje_kommun eller enkät")
        return self


_NETWORK_SOURCES = {Source.ATTENDANCE, Source.ATTENDANCE_EACH_MUNICIPALITY, Source.SURVEY}


class ActivitySpec(_Model):
    code: Code = Field(alias="kod")
    name: Text = Field(alias="namn")
    responsible: str | None = Field(default=None, alias="ansvarig")


class GoalSpec(_Model):
    code: Code = Field(alias="kod")
    name: Text = Field(alias="namn")
    area: Code | None = Field(default=None, alias="område")
    # Prose that opens the goal's section in the report, written by the organisation.
    description: str = Field(default="", alias="beskrivning")
    indicators: tuple[IndicatorSpec, ...] = Field(default=(), alias="mätetal")
    activities: tuple[ActivitySpec, ...] = Field(default=(), alias="aktiviteter")


class StrategicGoalSpec(_Model):
    code: Code = Field(alias="kod")
    name: Text = Field(alias="namn")
    # Prose that opens the strategic goal's chapter in the report.
    description: str = Field(default="", alias="beskrivning")
    goals: tuple[GoalSpec, ...] = Field(default=(), alias="mål")


class PlanFile(_Model):
    name: Text = Field(alias="namn")
    first_year: Year = Field(alias="gäller_från")
    organisation: OrganisationSpec
    # Report deadlines per period, e.g. {T2 2023: 2023-09-15}; the reminders count back from them.
    deadlines: dict[str, date] = Field(default_factory=dict, alias="rapporttider")
    municipalities: tuple[MunicipalitySpec, ...] = Field(alias="kommuner")
    areas: tuple[AreaSpec, ...] = Field(default=(), alias="områden")
    staff: tuple[StaffSpec, ...] = Field(default=(), alias="personal")
    networks: tuple[NetworkSpec, ...] = Field(default=(), alias="nätverk")
    questions: tuple[QuestionSpec, ...] = Field(default=(), alias="enkätfrågor")
    strategic_goals: tuple[StrategicGoalSpec, ...] = Field(alias="strategiska_mål")
    # How the economy tables are printed: row order, remainders, footnotes, subtotals (kubot/plan/economy.py).
    economy: EconomySpec = Field(default_factory=EconomySpec, alias="ekonomi")

    @field_validator("deadlines")
    @classmethod
    def _deadlines_after_their_periods(cls, value: dict[str, date]) -> dict[str, date]:
        for key, due_on in value.items():
            try:
                deadline_rules.check_after_period(Period.parse(key), due_on)
            except (PeriodError, deadline_rules.DeadlineError) as exc:
                raise ValueError(f"{key}: {exc}") from exc
        return value

    def periods(self) -> dict[Period, date]:
        return {Period.parse(key): due_on for key, due_on in self.deadlines.items()}

    def goals(self) -> Iterable[tuple[int, GoalSpec]]:
        for index, strategic in enumerate(self.strategic_goals):
            for goal in strategic.goals:
                yield index, goal


class PlanFileError(ValueError):
    """A plan file that cannot be imported; `problems` are Swedish lines naming where and what.

    Only the first SHOWN_PROBLEMS are listed: after that, more lines help nobody find the cause."""

    SHOWN_PROBLEMS = 20

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        shown = [f"  {p}" for p in problems[: self.SHOWN_PROBLEMS]]
        if len(problems) > self.SHOWN_PROBLEMS:
            shown.append(
                f"  … och {len(problems) - self.SHOWN_PROBLEMS} fel till av samma slag; rätta de första och försök"
                " igen."
            )
        super().__init__(f"{source}: planen lästes inte in ({len(problems)} fel):\n" + "\n".join(shown))


def field_name(path: Sequence[str | int]) -> str:
    """A path as an administrator counts: strategiska_mål[1].mål[2].mätetal[1].källa."""
    text = ""
    for step in path:
        text += f"[{step + 1}]" if isinstance(step, int) else f".{step}"
    return text.lstrip(".") or "(hela filen)"


def _duplicates(items: Iterable[tuple[Sequence[str | int], str]], kind: str) -> list[tuple[list[str | int], str]]:
    seen: dict[str, Sequence[str | int]] = {}
    problems: list[tuple[list[str | int], str]] = []
    for path, code in items:
        if code in seen:
            problems.append(
                (
                    list(path),
                    f"{kind} {code!r} finns redan ({field_name(seen[code])}); varje kod får bara användas en gång",
                )
            )
        else:
            seen[code] = path
    return problems


def reference_problems(plan: PlanFile) -> list[tuple[list[str | int], str]]:
    problems: list[tuple[list[str | int], str]] = []
    goals: list[tuple[list[str | int], GoalSpec]] = [
        (["strategiska_mål", s, "mål", g], goal)
        for s, sg in enumerate(plan.strategic_goals)
        for g, goal in enumerate(sg.goals)
    ]
    indicators: list[tuple[list[str | int], IndicatorSpec]] = [
        ([*path, "mätetal", i, "kod"], ind) for path, goal in goals for i, ind in enumerate(goal.indicators)
    ]
    activities: list[tuple[list[str | int], ActivitySpec]] = [
        ([*path, "aktiviteter", a, "kod"], act) for path, goal in goals for a, act in enumerate(goal.activities)
    ]
    problems += _duplicates(
        ((["kommuner", i, "kod"], m.code) for i, m in enumerate(plan.municipalities)), "kommunkoden"
    )
    problems += _duplicates(((["områden", i, "kod"], a.code) for i, a in enumerate(plan.areas)), "områdeskoden")
    problems += _duplicates(((["personal", i, "namn"], s.name) for i, s in enumerate(plan.staff)), "namnet")
    problems += _duplicates(((["nätverk", i, "kod"], n.code) for i, n in enumerate(plan.networks)), "nätverkskoden")
    problems += _duplicates(((["enkätfrågor", i, "kod"], q.code) for i, q in enumerate(plan.questions)), "frågekoden")
    problems += _duplicates(
        ((["strategiska_mål", i, "kod"], s.code) for i, s in enumerate(plan.strategic_goals)), "målkoden"
    )
    problems += _duplicates((([*path, "kod"], goal.code) for path, goal in goals), "målkoden")
    problems += _duplicates(((path, ind.code) for path, ind in indicators), "mätetalskoden")
    problems += _duplicates(((path, act.code) for path, act in activities), "aktivitetskoden")

    municipalities = {m.code for m in plan.municipalities}
    known_areas: set[str] = set()
    for i, area in enumerate(plan.areas):
        if area.parent is not None and area.parent not in known_areas:
            problems.append(
                (["områden", i, "inom"], f"området {area.parent!r} finns inte (eller står senare i listan)")
            )
        known_areas.add(area.code)
    staff = {s.name for s in plan.staff}
    networks = {n.code for n in plan.networks}
    questions = {q.code for q in plan.questions}

    def check(path: list[str | int], value: str | None, known: set[str], what: str) -> None:
        if value is not None and value not in known:
            problems.append((path, f"{what} {value!r} finns inte i planen"))

    for i, person in enumerate(plan.staff):
        for code in person.areas:
            check(["personal", i, "områden"], code, known_areas, "området")
    for i, network in enumerate(plan.networks):
        check(["nätverk", i, "område"], network.area, known_areas, "området")
        for code in network.invited if network.invited != "alla" else ():
            check(["nätverk", i, "inbjudna"], code, municipalities, "kommunen")
    for path, goal in goals:
        check([*path, "område"], goal.area, known_areas, "området")
    for path, code in plan.economy.area_codes():
        check(path, code, known_areas, "området")
    for path, ind in indicators:
        base = path[:-1]
        check([*base, "ansvarig"], ind.responsible, staff, "personen")
        check([*base, "fråga"], ind.question, questions, "enkätfrågan")
        for code in ind.networks:
            check([*base, "nätverk"], code, networks, "nätverket")
    for path, act in activities:
        check([*path[:-1], "ansvarig"], act.responsible, staff, "personen")
    return problems
