"""The plan file: a YAML document an administrator can read and edit, validated before import.

`load` parses and validates text into a `PlanFile` (errors name the line and field);
`apply` writes it to the database in one transaction; `dump` writes the plan in force
for a year back to YAML, so export → import → export gives the same text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator
from sqlalchemy import insert
from sqlmodel import Session, col, delete, select

from kubot import deadlines as deadline_rules
from kubot.journal import Origin, record
from kubot.models import (
    Activity,
    Area,
    ChatIdentity,
    Goal,
    Indicator,
    IndicatorTarget,
    Municipality,
    Network,
    NetworkInvitee,
    PlanVersion,
    Staff,
    StaffArea,
    StrategicGoal,
    SurveyQuestion,
)
from kubot.models.plan import Direction, Role, Source, Timing, Unit
from kubot.models.types import stored_id
from kubot.periods import Period, PeriodError

Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=40)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
Year = Annotated[int, Field(ge=2000, le=2100)]
SAMPLE_PLAN = "sample_plan.yaml"
_HEADER = """\
# Kubots plan. Redigera och läs in med:  kubot plan import FIL
# Koder skrivs med små bokstäver a–z, siffror och bindestreck. Målvärde kan vara ett tal,
# null (inget målvärde) eller ett värde per år, t.ex. {2022: 50, 2023: 55}. Ett målvärde gäller
# följande år också, tills ett nytt anges.
"""


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
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+$", max_length=200)] | None = Field(default=None, alias="e-post")
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
    source: Source = Field(default=Source.TYPED, alias="källa")
    networks: tuple[Code, ...] = Field(default=(), alias="nätverk")
    question: Code | None = Field(default=None, alias="fråga")
    timing: Timing = Field(default=Timing.CONTINUOUS, alias="mätning")
    measured_month: int | None = Field(default=None, ge=1, le=12, alias="mätmånad")
    responsible: str | None = Field(default=None, alias="ansvarig")
    partly_met_from: float | None = Field(default=None, gt=0, lt=1, alias="delvis_från")
    prorate: bool = Field(default=False, alias="proportionera")

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
            shown.append(f"  … och {len(problems) - self.SHOWN_PROBLEMS} fel till av samma slag; rätta de första och försök igen.")
        super().__init__(f"{source}: planen lästes inte in ({len(problems)} fel):\n" + "\n".join(shown))


# A real plan is a few hundred kilobytes at most, nested about ten levels, with few or no aliases.
# The limits refuse hostile files (e.g. "billion laughs": aliases that expand exponentially) before
# anything is built from them.
MAX_PLAN_CHARS = 5_000_000
MAX_DEPTH = 40
MAX_ALIASES = 500
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: several times faster
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
MAX_EXPANSION = 10  # aliases may make the document at most ten times larger (plus a small allowance)


def _line(mark: Any) -> str:
    return f"rad {mark.line + 1}: " if mark is not None else ""


def _check_shape(text: str) -> None:
    """Refuse text that is too large, too deep or expands too much, cheaply and without recursion."""
    if len(text) > MAX_PLAN_CHARS:
        raise PlanFileError("planen", [f"filen är för stor ({len(text):,} tecken; högst {MAX_PLAN_CHARS:,})".replace(",", " ")])
    depth = aliases = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise PlanFileError("planen", [f"{_line(event.start_mark)}filen är nästlad i fler än {MAX_DEPTH} nivåer"])
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise PlanFileError("planen", [f"{_line(event.start_mark)}filen har fler än {MAX_ALIASES} alias (*namn)"])


def _check_expansion(root: yaml.Node | None) -> None:
    """Refuse a document whose aliases expand it far beyond what is written (billion laughs)."""
    sizes: dict[int, int] = {}
    order: list[tuple[yaml.Node, bool]] = [(root, False)] if root is not None else []
    open_: set[int] = set()
    while order:  # post-order walk with an explicit stack: no recursion limit, shared nodes counted once
        node, children_done = order.pop()
        if id(node) in sizes:
            continue
        children = [v for pair in node.value for v in pair] if isinstance(node, yaml.MappingNode) else (
            node.value if isinstance(node, yaml.SequenceNode) else [])
        if not children_done:
            if id(node) in open_:
                raise PlanFileError("planen", [f"{_line(node.start_mark)}ett alias (*namn) pekar på sig självt"])
            open_.add(id(node))
            order.append((node, True))
            order.extend((child, False) for child in children if id(child) not in sizes)
            continue
        open_.discard(id(node))
        sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
        limit = MAX_EXPANSION * len(sizes) + 10_000
        if sizes[id(node)] > limit:
            raise PlanFileError("planen", [f"{_line(node.start_mark)}alias (*namn) gör filen mer än {MAX_EXPANSION} "
                                           "gånger större än den är skriven; skriv ut värdena i stället"])


# --- reading -------------------------------------------------------------------------------------

def _node_at(node: yaml.Node | None, path: Sequence[str | int]) -> yaml.Node | None:
    """The YAML node at a pydantic error location, to report its line."""
    for step in path:
        if isinstance(node, yaml.MappingNode):
            node = next((value for key, value in node.value if key.value == step), node)
            if node is None:
                return None
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            return node
    return node


def _field(path: Sequence[str | int]) -> str:
    """A path as an administrator counts: strategiska_mål[1].mål[2].mätetal[1].källa."""
    text = ""
    for step in path:
        text += f"[{step + 1}]" if isinstance(step, int) else f".{step}"
    return text.lstrip(".") or "(hela filen)"


def _where(root: yaml.Node | None, path: Sequence[str | int]) -> str:
    node = _node_at(root, path)
    line = f"rad {node.start_mark.line + 1}" if node is not None else "okänd rad"
    return f"{line}, {_field(path)}"


_PYDANTIC_SV = {
    "missing": "saknas men krävs",
    "extra_forbidden": "okänt fält",
    "int_parsing": "ska vara ett heltal",
    "int_from_float": "ska vara ett heltal",
    "float_parsing": "ska vara ett tal",
    "bool_parsing": "ska vara true eller false",
    "string_type": "ska vara text",
    "string_pattern_mismatch": "ska vara en kod med små bokstäver a–z, siffror och bindestreck",
    "enum": "har ett värde som inte finns",
    "literal_error": "ska vara 'alla' eller en lista med kommunkoder",
    "tuple_type": "ska vara en lista",
    "model_type": "ska vara en uppsättning fält (nyckel: värde)",
    "dict_type": "ska vara en uppsättning fält (nyckel: värde)",
    "greater_than_equal": "är för litet",
    "date_parsing": "ska vara ett datum som 2023-09-15",
    "date_from_datetime_parsing": "ska vara ett datum som 2023-09-15",
    "date_type": "ska vara ett datum som 2023-09-15",
    "less_than_equal": "är för stort",
}


def _describe(error: Any) -> str:
    kind = error["type"]
    if (error["loc"] and error["loc"][-1] in {"float", "dict[int,float]"}) or "målvärde" in error["loc"][-2:]:
        return f"ska vara ett tal, null eller ett värde per år som {{2022: 50, 2023: 55}} (fick {error['input']!r})"
    if kind == "enum":
        return f"har värdet {error['input']!r}; tillåtet är {error['ctx']['expected'].replace(' or ', ' eller ')}"
    if kind == "value_error":
        return str(error["ctx"]["error"])
    if kind == "string_too_long":
        return f"är för lång: högst {error['ctx']['max_length']} tecken (fick {len(error['input'])})"
    if kind == "string_pattern_mismatch" and "e-post" in error["loc"]:
        return f"ska vara en e-postadress som namn@kommun.se (fick {error['input']!r})"
    text = _PYDANTIC_SV.get(kind, error["msg"])
    return f"{text} (fick {error['input']!r})" if kind not in {"missing", "extra_forbidden"} else text


def load(text: str, source: str = "planen") -> PlanFile:
    """Parse and validate a plan; raises PlanFileError listing every problem with its line."""
    try:
        _check_shape(text)
        root = yaml.compose(text, Loader=_LOADER)
        _check_expansion(root)
        data = yaml.load(text, Loader=_LOADER)  # a safe loader (SafeLoader or its libyaml twin)
    except PlanFileError as exc:
        raise PlanFileError(source, exc.problems) from None
    except yaml.YAMLError as exc:
        raise PlanFileError(source, [f"{_line(getattr(exc, 'problem_mark', None))}filen är inte giltig YAML ({getattr(exc, 'problem', exc)})"]) from exc
    if not isinstance(data, dict):
        raise PlanFileError(source, ["filen ska börja med fälten namn, gäller_från, organisation, kommuner …"])
    try:
        plan = PlanFile.model_validate(data)
    except ValidationError as exc:
        invalid: dict[str, str] = {}
        for error in exc.errors():
            # Union types add the tried alternative to the path; it means nothing to an administrator.
            path = [step for step in error["loc"] if not (isinstance(step, str) and ("[" in step or step in {"float", "int"}))]
            invalid.setdefault(_where(root, path), _describe(error))
        raise PlanFileError(source, [f"{where}: {what}" for where, what in invalid.items()]) from exc
    problems = [f"{_where(root, path)}: {message}" for path, message in _reference_problems(plan)]
    if problems:
        raise PlanFileError(source, problems)
    return plan


def _duplicates(items: Iterable[tuple[Sequence[str | int], str]], kind: str) -> list[tuple[list[str | int], str]]:
    seen: dict[str, Sequence[str | int]] = {}
    problems: list[tuple[list[str | int], str]] = []
    for path, code in items:
        if code in seen:
            problems.append((list(path), f"{kind} {code!r} finns redan ({_field(seen[code])}); varje kod får bara användas en gång"))
        else:
            seen[code] = path
    return problems


def _reference_problems(plan: PlanFile) -> list[tuple[list[str | int], str]]:
    problems: list[tuple[list[str | int], str]] = []
    goals: list[tuple[list[str | int], GoalSpec]] = [
        (["strategiska_mål", s, "mål", g], goal) for s, sg in enumerate(plan.strategic_goals) for g, goal in enumerate(sg.goals)
    ]
    indicators: list[tuple[list[str | int], IndicatorSpec]] = [
        ([*path, "mätetal", i, "kod"], ind) for path, goal in goals for i, ind in enumerate(goal.indicators)
    ]
    activities: list[tuple[list[str | int], ActivitySpec]] = [
        ([*path, "aktiviteter", a, "kod"], act) for path, goal in goals for a, act in enumerate(goal.activities)
    ]
    problems += _duplicates(((["kommuner", i, "kod"], m.code) for i, m in enumerate(plan.municipalities)), "kommunkoden")
    problems += _duplicates(((["områden", i, "kod"], a.code) for i, a in enumerate(plan.areas)), "områdeskoden")
    problems += _duplicates(((["personal", i, "namn"], s.name) for i, s in enumerate(plan.staff)), "namnet")
    problems += _duplicates(((["nätverk", i, "kod"], n.code) for i, n in enumerate(plan.networks)), "nätverkskoden")
    problems += _duplicates(((["enkätfrågor", i, "kod"], q.code) for i, q in enumerate(plan.questions)), "frågekoden")
    problems += _duplicates(((["strategiska_mål", i, "kod"], s.code) for i, s in enumerate(plan.strategic_goals)), "målkoden")
    problems += _duplicates((([*path, "kod"], goal.code) for path, goal in goals), "målkoden")
    problems += _duplicates(((path, ind.code) for path, ind in indicators), "mätetalskoden")
    problems += _duplicates(((path, act.code) for path, act in activities), "aktivitetskoden")

    municipalities = {m.code for m in plan.municipalities}
    known_areas: set[str] = set()
    for i, area in enumerate(plan.areas):
        if area.parent is not None and area.parent not in known_areas:
            problems.append((["områden", i, "inom"], f"området {area.parent!r} finns inte (eller står senare i listan)"))
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
    for path, ind in indicators:
        base = path[:-1]
        check([*base, "ansvarig"], ind.responsible, staff, "personen")
        check([*base, "fråga"], ind.question, questions, "enkätfrågan")
        for code in ind.networks:
            check([*base, "nätverk"], code, networks, "nätverket")
    for path, act in activities:
        check([*path[:-1], "ansvarig"], act.responsible, staff, "personen")
    return problems


def sample_text() -> str:
    return resources.files("kubot.data").joinpath(SAMPLE_PLAN).read_text(encoding="utf-8")


# --- writing to the database ---------------------------------------------------------------------

def _upsert(session: Session, model: type[Any], key: str, value: Any, **fields: Any) -> Any:
    row = session.exec(select(model).where(getattr(model, key) == value)).first()
    if row is None:
        row = model(**{key: value}, **fields)
    else:
        for name, field_value in fields.items():
            setattr(row, name, field_value)
    session.add(row)
    session.flush()
    return row


def _targets(target: float | dict[int, float] | None, first_year: int) -> dict[int, float]:
    if target is None:
        return {}
    return dict(target) if isinstance(target, dict) else {first_year: float(target)}


@dataclass(frozen=True)
class Imported:
    """What an import did to people's access, for the summary an administrator reads."""

    version: PlanVersion
    deactivated: tuple[str, ...] = ()
    reactivated: tuple[str, ...] = ()
    new_roles: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        lines = []
        if self.deactivated:
            lines.append("Har inte längre tillgång (saknas i planen eller har aktiv: false): " + ", ".join(self.deactivated) + ".")
        if self.reactivated:
            lines.append("Har tillgång igen: " + ", ".join(self.reactivated) + ".")
        if self.new_roles:
            lines.append("Ny roll: " + ", ".join(self.new_roles) + ".")
        return lines


def apply(session: Session, plan: PlanFile, origin: Origin) -> Imported:
    """Write a validated plan: shared registers are updated, the plan version for its first year replaced.

    Earlier plan versions are left untouched; the replaced version's export is kept in the
    journal so an import can always be undone by hand. When the plan is the newest one, people
    missing from it lose their access at once (their entries stay theirs); an older year's plan
    leaves access alone.
    """
    municipality = {
        m.code: _upsert(session, Municipality, "code", m.code, name=m.name, is_region=m.region) for m in plan.municipalities
    }
    area: dict[str, Area] = {}
    for a in plan.areas:
        area[a.code] = _upsert(session, Area, "code", a.code, name=a.name, parent_id=area[a.parent].id if a.parent else None)
    for row in session.exec(select(Area)):
        area.setdefault(row.code, row)
    before = {p.name: (p.active, p.role) for p in session.exec(select(Staff))}
    staff: dict[str, Staff] = {}
    for s in plan.staff:
        person = _upsert(session, Staff, "name", s.name, role=s.role.value, title=s.title, email=s.email, active=s.active)
        session.exec(delete(StaffArea).where(col(StaffArea.staff_id) == person.id))
        for code in s.areas:
            session.add(StaffArea(staff_id=person.id, area_id=stored_id(area[code])))
        # Only the platforms the file names are replaced: a link made in chat (koppla, or matched by
        # e-mail) survives an import of a plan file written before it.
        for platform, external_id in s.chat.items():
            session.exec(delete(ChatIdentity).where(
                col(ChatIdentity.platform) == platform,
                (col(ChatIdentity.staff_id) == person.id) | (col(ChatIdentity.external_id) == external_id)))
            session.add(ChatIdentity(staff_id=person.id, platform=platform, external_id=external_id))
        staff[s.name] = person
    for n in plan.networks:
        network = _upsert(
            session, Network, "code", n.code, name=n.name, kind=n.kind,
            area_id=area[n.area].id if n.area else None, invites_all=n.invited == "alla", with_region=n.region,
        )
        session.exec(delete(NetworkInvitee).where(col(NetworkInvitee.network_id) == network.id))
        for code in n.invited if n.invited != "alla" else ():
            session.add(NetworkInvitee(network_id=network.id, municipality_id=municipality[code].id))
    for q in plan.questions:
        _upsert(session, SurveyQuestion, "code", q.code, text=q.text)

    if session.exec(select(PlanVersion.id).where(PlanVersion.first_year > plan.first_year)).first() is None:
        for person in session.exec(select(Staff).where(col(Staff.name).not_in(list(staff)), Staff.active)):
            person.active = False
            session.add(person)
    session.flush()
    after = {p.name: (p.active, p.role) for p in session.exec(select(Staff).order_by(col(Staff.name)))}
    deactivated = tuple(n for n, (active, _) in after.items() if not active and before.get(n, (True, ""))[0])
    reactivated = tuple(n for n, (active, _) in after.items() if active and not before.get(n, (True, ""))[0])
    new_roles = tuple(f"{n} {before[n][1]} → {role}" for n, (_, role) in after.items() if n in before and before[n][1] != role)

    previous = session.exec(select(PlanVersion).where(PlanVersion.first_year == plan.first_year)).first()
    previous_text = dump(session, plan.first_year) if previous is not None else None
    if previous is not None:
        _delete_version(session, previous)
    version = PlanVersion(
        first_year=plan.first_year, name=plan.name, organisation=plan.organisation.name,
        mission=plan.organisation.mission, vision=plan.organisation.vision,
    )
    session.add(version)
    session.flush()
    for s_index, strategic in enumerate(plan.strategic_goals, start=1):
        sg = StrategicGoal(plan_id=stored_id(version), code=strategic.code, position=s_index, name=strategic.name,
                           description=strategic.description.strip())
        session.add(sg)
        session.flush()
        for g_index, g in enumerate(strategic.goals, start=1):
            goal = Goal(plan_id=stored_id(version), strategic_goal_id=stored_id(sg), code=g.code, position=g_index, name=g.name,
                        description=g.description.strip(), area_id=area[g.area].id if g.area else None)
            session.add(goal)
            session.flush()
            # One multi-row INSERT per goal instead of a round trip per indicator: the import holds
            # the write lock, and everyone else's messages wait for it (bench/concurrency.py).
            indicator_rows = [
                {"plan_id": stored_id(version), "goal_id": stored_id(goal), "code": spec.code, "position": i_index,
                 "name": spec.name, "unit": spec.unit.value, "direction": spec.direction.value, "source": spec.source.value,
                 "networks": list(spec.networks), "question_code": spec.question, "timing": spec.timing.value,
                 "measured_month": spec.measured_month, "responsible_id": staff_id(session, staff, spec.responsible),
                 "partly_met_from": spec.partly_met_from, "prorate": spec.prorate}
                for i_index, spec in enumerate(g.indicators, start=1)
            ]
            if indicator_rows:
                ids = session.scalars(insert(Indicator).returning(col(Indicator.id), sort_by_parameter_order=True), indicator_rows).all()
                targets = [{"indicator_id": id_, "year": year, "value": value}
                           for id_, spec in zip(ids, g.indicators, strict=True)
                           for year, value in _targets(spec.target, plan.first_year).items()]
                if targets:
                    session.execute(insert(IndicatorTarget), targets)
            for a_index, act in enumerate(g.activities, start=1):
                session.add(Activity(plan_id=stored_id(version), goal_id=stored_id(goal), code=act.code, position=a_index, name=act.name,
                                     responsible_id=staff_id(session, staff, act.responsible)))
    session.flush()
    result = Imported(version, deactivated, reactivated, new_roles)
    record(
        session, kind="plan", origin=origin, rows=[], detail={"replaced_plan": previous_text},
        summary=" ".join([f"Plan {plan.name!r} inläst, gäller från {plan.first_year}"
                          + (" (ersatte tidigare version; den finns kvar i journalen)." if previous is not None else "."),
                          *result.lines()]),
    )
    deadline_rules.apply_plan_deadlines(session, plan.periods(), origin)
    return result


def staff_id(session: Session, known: dict[str, Staff], name: str | None) -> int | None:
    if name is None:
        return None
    person = known.get(name) or session.exec(select(Staff).where(Staff.name == name)).first()
    return person.id if person else None


def _delete_version(session: Session, version: PlanVersion) -> None:
    indicator_ids = select(Indicator.id).where(Indicator.plan_id == version.id)
    session.exec(delete(IndicatorTarget).where(col(IndicatorTarget.indicator_id).in_(indicator_ids)))
    for model in (Indicator, Activity, Goal, StrategicGoal):
        session.exec(delete(model).where(col(model.plan_id) == version.id))
    session.delete(version)
    session.flush()


# --- reading back from the database --------------------------------------------------------------

def version_for_year(session: Session, year: int) -> PlanVersion | None:
    """The plan in force in `year`: the latest version that started in or before it."""
    return session.exec(
        select(PlanVersion).where(PlanVersion.first_year <= year).order_by(col(PlanVersion.first_year).desc())
    ).first()


def to_spec(session: Session, version: PlanVersion) -> PlanFile:
    """The plan version and the shared registers as a PlanFile, ready to dump."""
    areas = {a.id: a for a in session.exec(select(Area).order_by(col(Area.id)))}
    staff = {s.id: s for s in session.exec(select(Staff).order_by(col(Staff.id)))}
    municipalities = {m.id: m for m in session.exec(select(Municipality).order_by(col(Municipality.id)))}
    staff_areas: dict[int, list[str]] = {}
    for link in session.exec(select(StaffArea).order_by(col(StaffArea.area_id))):
        staff_areas.setdefault(link.staff_id, []).append(areas[link.area_id].code)
    chat: dict[int, dict[str, str]] = {}
    for identity in session.exec(select(ChatIdentity).order_by(col(ChatIdentity.platform))):
        chat.setdefault(identity.staff_id, {})[identity.platform] = identity.external_id
    invitees: dict[int, list[str]] = {}
    for inv in session.exec(select(NetworkInvitee).order_by(col(NetworkInvitee.municipality_id))):
        invitees.setdefault(inv.network_id, []).append(municipalities[inv.municipality_id].code)

    def name_of(staff_id_: int | None) -> str | None:
        return staff[staff_id_].name if staff_id_ is not None else None

    def area_code(area_id: int | None) -> str | None:
        return areas[area_id].code if area_id is not None else None

    targets: dict[int, dict[int, float]] = {}
    for t in session.exec(select(IndicatorTarget).join(Indicator).where(Indicator.plan_id == version.id).order_by(col(IndicatorTarget.year))):
        targets.setdefault(t.indicator_id, {})[t.year] = t.value

    def target_of(indicator: Indicator) -> float | dict[int, float] | None:
        values = targets.get(indicator.id or 0, {})
        if not values:
            return None
        if list(values) == [version.first_year]:
            return values[version.first_year]
        return values

    later = session.exec(select(PlanVersion.first_year).where(PlanVersion.first_year > version.first_year)
                         .order_by(col(PlanVersion.first_year))).first()
    deadlines = deadline_rules.deadlines_in_force(session, version.first_year, (later or 2101) - 1)
    strategic = []
    for sg in session.exec(select(StrategicGoal).where(StrategicGoal.plan_id == version.id).order_by(col(StrategicGoal.position))):
        goals = []
        for g in session.exec(select(Goal).where(Goal.strategic_goal_id == sg.id).order_by(col(Goal.position))):
            indicators = [
                IndicatorSpec(
                    code=i.code, name=i.name, unit=Unit(i.unit), direction=Direction(i.direction), target=target_of(i),
                    source=Source(i.source), networks=tuple(i.networks), question=i.question_code, timing=Timing(i.timing),
                    measured_month=i.measured_month, responsible=name_of(i.responsible_id),
                    partly_met_from=i.partly_met_from, prorate=i.prorate,
                )
                for i in session.exec(select(Indicator).where(Indicator.goal_id == g.id).order_by(col(Indicator.position)))
            ]
            activities = [
                ActivitySpec(code=a.code, name=a.name, responsible=name_of(a.responsible_id))
                for a in session.exec(select(Activity).where(Activity.goal_id == g.id).order_by(col(Activity.position)))
            ]
            goals.append(GoalSpec(code=g.code, name=g.name, area=area_code(g.area_id), description=g.description, indicators=tuple(indicators), activities=tuple(activities)))
        strategic.append(StrategicGoalSpec(code=sg.code, name=sg.name, description=sg.description, goals=tuple(goals)))
    return PlanFile(
        name=version.name,
        first_year=version.first_year,
        organisation=OrganisationSpec(name=version.organisation, mission=version.mission, vision=version.vision),
        deadlines={period.code: due_on for period, due_on in deadlines.items()},
        municipalities=tuple(MunicipalitySpec(code=m.code, name=m.name, region=m.is_region) for m in municipalities.values()),
        areas=tuple(AreaSpec(code=a.code, name=a.name, parent=area_code(a.parent_id)) for a in areas.values()),
        staff=tuple(StaffSpec(name=s.name, role=Role(s.role), title=s.title, areas=tuple(staff_areas.get(s.id or 0, [])),
                              email=s.email, chat=chat.get(s.id or 0, {}), active=s.active)
                    for s in staff.values()),
        networks=tuple(
            NetworkSpec(code=n.code, name=n.name, kind=n.kind, area=area_code(n.area_id),
                        invited="alla" if n.invites_all else tuple(invitees.get(n.id or 0, [])), region=n.with_region)
            for n in session.exec(select(Network).order_by(col(Network.id)))
        ),
        questions=tuple(QuestionSpec(code=q.code, text=q.text) for q in session.exec(select(SurveyQuestion).order_by(col(SurveyQuestion.id)))),
        strategic_goals=tuple(strategic),
    )


def _plain(value: Any) -> Any:
    """Enums to their text, tuples to lists, so YAML shows plain values."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Role | Unit | Direction | Source | Timing):
        return value.value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def dump(session: Session, year: int | None = None) -> str:
    """The plan in force for `year` (default: the newest version) as YAML text."""
    version = (
        version_for_year(session, year)
        if year is not None
        else session.exec(select(PlanVersion).order_by(col(PlanVersion.first_year).desc())).first()
    )
    if version is None:
        raise PlanFileError("databasen", ["det finns ingen plan inläst" + (f" som gäller {year}" if year else "")])
    data = to_spec(session, version).model_dump(by_alias=True, exclude_defaults=True)
    return _HEADER + yaml.dump(_plain(data), Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=110)
