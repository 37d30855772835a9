"""Writing the plan in force back as YAML, so that export → import → export gives the same text."""

from __future__ import annotations

from typing import Any

import yaml
from sqlmodel import Session, col, select

from kubot import deadlines as deadline_rules
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
from kubot.plan import economy as plan_economy
from kubot.plan.queries import version_for_year
from kubot.plan.schema import (
    ActivitySpec,
    AreaSpec,
    GoalSpec,
    IndicatorSpec,
    MunicipalitySpec,
    NetworkSpec,
    OrganisationSpec,
    PlanFile,
    PlanFileError,
    QuestionSpec,
    StaffSpec,
    StrategicGoalSpec,
)

_HEADER = """\
# Kubots plan. Redigera och läs in med:  kubot plan import FIL
# Koder skrivs med små bokstäver a–z, siffror och bindestreck. Målvärde kan vara ett tal,
# null (inget målvärde) eller ett värde per år, t.ex. {2022: 50, 2023: 55}. Ett målvärde gäller
# följande år också, tills ett nytt anges.
"""
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


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
    for t in session.exec(
        select(IndicatorTarget)
        .join(Indicator)
        .where(Indicator.plan_id == version.id)
        .order_by(col(IndicatorTarget.year))
    ):
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
    for sg in session.exec(
        select(StrategicGoal).where(StrategicGoal.plan_id == version.id).order_by(col(StrategicGoal.position))
    ):
        goals = []
        for g in session.exec(select(Goal).where(Goal.strategic_goal_id == sg.id).order_by(col(Goal.position))):
            indicators = [
                IndicatorSpec(
                    code=i.code,
                    name=i.name,
                    unit=Unit(i.unit),
                    direction=Direction(i.direction),
                    target=target_of(i),
                    source=i.source,
                    networks=tuple(i.networks),
                    question=i.question_code,
                    timing=Timing(i.timing),
                    measured_month=i.measured_month,
                    responsible=name_of(i.responsible_id),
                    partly_met_from=i.partly_met_from,
                    prorate=i.prorate,
                )
                for i in session.exec(
                    select(Indicator).where(Indicator.goal_id == g.id).order_by(col(Indicator.position))
                )
            ]
            activities = [
                ActivitySpec(code=a.code, name=a.name, responsible=name_of(a.responsible_id))
                for a in session.exec(select(Activity).where(Activity.goal_id == g.id).order_by(col(Activity.position)))
            ]
            goals.append(
                GoalSpec(
                    code=g.code,
                    name=g.name,
                    area=area_code(g.area_id),
                    description=g.description,
                    indicators=tuple(indicators),
                    activities=tuple(activities),
                )
            )
        strategic.append(StrategicGoalSpec(code=sg.code, name=sg.name, description=sg.description, goals=tuple(goals)))
    return PlanFile(
        name=version.name,
        first_year=version.first_year,
        organisation=OrganisationSpec(name=version.organisation, mission=version.mission, vision=version.vision),
        deadlines={period.code: due_on for period, due_on in deadlines.items()},
        municipalities=tuple(
            MunicipalitySpec(code=m.code, name=m.name, region=m.is_region) for m in municipalities.values()
        ),
        areas=tuple(AreaSpec(code=a.code, name=a.name, parent=area_code(a.parent_id)) for a in areas.values()),
        staff=tuple(
            StaffSpec(
                name=s.name,
                role=Role(s.role),
                title=s.title,
                areas=tuple(staff_areas.get(s.id or 0, [])),
                email=s.email,
                chat=chat.get(s.id or 0, {}),
                active=s.active,
            )
            for s in staff.values()
        ),
        networks=tuple(
            NetworkSpec(
                code=n.code,
                name=n.name,
                kind=n.kind,
                area=area_code(n.area_id),
                invited="alla" if n.invites_all else tuple(invitees.get(n.id or 0, [])),
                region=n.with_region,
            )
            for n in session.exec(select(Network).order_by(col(Network.id)))
        ),
        questions=tuple(
            QuestionSpec(code=q.code, text=q.text)
            for q in session.exec(select(SurveyQuestion).order_by(col(SurveyQuestion.id)))
        ),
        strategic_goals=tuple(strategic),
        economy=plan_economy.from_stored(version.economy),
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
