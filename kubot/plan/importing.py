"""Writing a validated plan to the database in one transaction, replacing the version for its first year."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
from kubot.models.types import stored_id
from kubot.plan import economy as plan_economy
from kubot.plan.export import dump
from kubot.plan.schema import PlanFile


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
    emails_added: int = 0
    emails_changed: int = 0

    def lines(self) -> list[str]:
        lines = []
        if self.emails_added or self.emails_changed:
            lines.append(f"E-post: {self.emails_added} {'adress' if self.emails_added == 1 else 'adresser'} tillagda, "
                         f"{self.emails_changed} ändrade (den känner igen personerna i Slack och Teams).")
        if self.deactivated:
            lines.append(
                "Har inte längre tillgång (saknas i planen eller har aktiv: false): "
                + ", ".join(self.deactivated)
                + "."
            )
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
        m.code: _upsert(session, Municipality, "code", m.code, name=m.name, is_region=m.region)
        for m in plan.municipalities
    }
    area: dict[str, Area] = {}
    for a in plan.areas:
        area[a.code] = _upsert(
            session, Area, "code", a.code, name=a.name, parent_id=area[a.parent].id if a.parent else None
        )
    for row in session.exec(select(Area)):
        area.setdefault(row.code, row)
    before = {p.name: (p.active, p.role) for p in session.exec(select(Staff))}
    emails_before = {p.name: p.email for p in session.exec(select(Staff))}
    staff: dict[str, Staff] = {}
    for s in plan.staff:
        # A plan file without e-mail keeps the address kubot has (from kubot import personer, or an older file).
        email = {"email": s.email} if s.email else {}
        person = _upsert(session, Staff, "name", s.name, role=s.role.value, title=s.title, active=s.active, **email)
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
    new_roles = tuple(
        f"{n} {before[n][1]} → {role}" for n, (_, role) in after.items() if n in before and before[n][1] != role
    )
    emails = {p.name: p.email for p in staff.values()}
    emails_added = sum(1 for n, e in emails.items() if e and not emails_before.get(n))
    emails_changed = sum(1 for n, e in emails.items() if e and emails_before.get(n) and emails_before[n] != e)

    previous = session.exec(select(PlanVersion).where(PlanVersion.first_year == plan.first_year)).first()
    previous_text = dump(session, plan.first_year) if previous is not None else None
    if previous is not None:
        _delete_version(session, previous)
    version = PlanVersion(
        first_year=plan.first_year, name=plan.name, organisation=plan.organisation.name,
        mission=plan.organisation.mission, vision=plan.organisation.vision, economy=plan_economy.stored(plan.economy),
    )
    session.add(version)
    session.flush()
    for s_index, strategic in enumerate(plan.strategic_goals, start=1):
        sg = StrategicGoal(plan_id=stored_id(version), code=strategic.code, position=s_index, name=strategic.name,
                           description=strategic.description.strip())
        session.add(sg)
        session.flush()
        for g_index, g in enumerate(strategic.goals, start=1):
            goal = Goal(
                plan_id=stored_id(version),
                strategic_goal_id=stored_id(sg),
                code=g.code,
                position=g_index,
                name=g.name,
                description=g.description.strip(),
                area_id=area[g.area].id if g.area else None,
            )
            session.add(goal)
            session.flush()
            # One multi-row INSERT per goal instead of a round trip per indicator: the import holds
            # the write lock, and everyone else's messages wait for it (bench/concurrency.py).
            indicator_rows = [
                {"plan_id": stored_id(version), "goal_id": stored_id(goal), "code": spec.code, "position": i_index,
                 "name": spec.name, "unit": spec.unit.value, "direction": spec.direction.value, "source": spec.source,
                 "networks": list(spec.networks), "question_code": spec.question, "timing": spec.timing.value,
                 "measured_month": spec.measured_month, "responsible_id": staff_id(session, staff, spec.responsible),
                 "partly_met_from": spec.partly_met_from, "prorate": spec.prorate}
                for i_index, spec in enumerate(g.indicators, start=1)
            ]
            if indicator_rows:
                ids = session.scalars(
                    insert(Indicator).returning(col(Indicator.id), sort_by_parameter_order=True), indicator_rows
                ).all()
                targets = [{"indicator_id": id_, "year": year, "value": value}
                           for id_, spec in zip(ids, g.indicators, strict=True)
                           for year, value in _targets(spec.target, plan.first_year).items()]
                if targets:
                    session.execute(insert(IndicatorTarget), targets)
            for a_index, act in enumerate(g.activities, start=1):
                session.add(
                    Activity(
                        plan_id=stored_id(version),
                        goal_id=stored_id(goal),
                        code=act.code,
                        position=a_index,
                        name=act.name,
                        responsible_id=staff_id(session, staff, act.responsible),
                    )
                )
    session.flush()
    result = Imported(version, deactivated, reactivated, new_roles, emails_added, emails_changed)
    record(
        session,
        kind="plan",
        origin=origin,
        rows=[],
        detail={"replaced_plan": previous_text},
        summary=" ".join(
            [
                f"Plan {plan.name!r} inläst, gäller från {plan.first_year}"
                + (" (ersatte tidigare version; den finns kvar i journalen)." if previous is not None else "."),
                *result.lines(),
            ]
        ),
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
