"""A report's parts marked ready by their owners, and the report approved by a manager — in chat.

The parts are what people other than the report's writer answer for: each strategic goal's chapter
(its indicators' results and analyses, its activities' statuses), owned by the people the plan makes
responsible for them; the economy; and the report's texts (introduction, evaluation, the future …),
owned by the administrators, who write them. A part is ready when an owner, a manager or an
administrator says so; the report can be approved once every part is ready, and an approved report
is built final (no draft marks). Every mark is a journal entry: who, when, and `ångra` takes it back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from kubot import formatting as fmt
from kubot import journal
from kubot.journal import Origin, Recorded
from kubot.models import Activity, Entry, Goal, Indicator, Staff, StrategicGoal
from kubot.models.plan import Role
from kubot.models.signoff import APPROVAL, ReportSignoff
from kubot.periods import Period
from kubot.plan import queries

PART_KIND = "rapportdel"
APPROVAL_KIND = "godkännande"
ECONOMY = "ekonomi"
TEXTS = "texter"


class SignoffError(ValueError):
    """A mark that cannot be made; the message is Swedish and says what to do instead."""


@dataclass(frozen=True)
class Part:
    code: str
    label: str
    owners: tuple[str, ...]


@dataclass(frozen=True)
class Mark:
    entry_id: int
    by: str
    at: datetime


@dataclass(frozen=True)
class State:
    """Each part with its mark, if it is ready, and the approval, if the report is approved."""

    parts: tuple[tuple[Part, Mark | None], ...]
    approval: Mark | None

    @property
    def unready(self) -> list[Part]:
        return [part for part, mark in self.parts if mark is None]


def report_title(period: Period) -> str:
    return f"{'Verksamhetsberättelse' if period.is_annual else 'Delårsrapport'} {period.code}"


def parts(session: Session, period: Period) -> list[Part]:
    """The parts of the report for `period`, in the report's order: the strategic goals, the economy, the texts."""
    version = queries.version_for_year(session, period.year)
    admins = tuple(session.exec(select(Staff.name).where(Staff.role == Role.ADMIN, col(Staff.active))
                                .order_by(col(Staff.name))).all())
    found: list[Part] = []
    if version is not None:
        for goal in session.exec(select(StrategicGoal).where(StrategicGoal.plan_id == version.id)
                                 .order_by(col(StrategicGoal.position))):
            found.append(Part(goal.code, f"{goal.code.upper()} {goal.name}", _responsible(session, goal) or admins))
    return [
        *found,
        Part(ECONOMY, "Ekonomin", admins),
        Part(TEXTS, "Rapportens texter (inledning, framtiden m.fl.)", admins),
    ]


def _responsible(session: Session, goal: StrategicGoal) -> tuple[str, ...]:
    owners: set[str] = set()
    for model in (Indicator, Activity):
        owners.update(session.exec(select(Staff.name).join(model, col(model.responsible_id) == col(Staff.id))
                                   .join(Goal, col(model.goal_id) == col(Goal.id))
                                   .where(Goal.strategic_goal_id == goal.id, col(Staff.active))).all())
    return tuple(sorted(owners))


def _active() -> ColumnElement[bool]:
    return col(Entry.undone_at).is_(None) & col(Entry.replaced_by_id).is_(None)


def state(session: Session, period: Period) -> State:
    rows = session.exec(select(ReportSignoff, Entry, Staff).join(Entry, col(ReportSignoff.entry_id) == col(Entry.id))
                        .join(Staff, col(Entry.actor_id) == col(Staff.id), isouter=True)
                        .where(ReportSignoff.year == period.year, ReportSignoff.tertial == period.tertial, _active())
                        .order_by(col(Entry.id))).all()
    marks = {signoff.part: Mark(entry.id or 0, person.name if person else "kubot", entry.created_at)
             for signoff, entry, person in rows}
    return State(tuple((part, marks.get(part.code)) for part in parts(session, period)), marks.get(APPROVAL))


def find_part(session: Session, period: Period, words: str) -> Part:
    """The part a person names: a strategic goal's code or name, "ekonomi" or "texter"/"texterna"."""
    wanted = " ".join(words.casefold().split())
    known = parts(session, period)
    aliases = {ECONOMY: (ECONOMY, "ekonomin"), TEXTS: (TEXTS, "texterna", "text")}
    for part in known:
        names = (part.code, part.label.casefold(), part.label.casefold().split(" ", 1)[-1], *aliases.get(part.code, ()))
        if wanted in names:
            return part
    starts = [part for part in known if wanted and part.label.casefold().split(" ", 1)[-1].startswith(wanted)]
    if len(starts) == 1:
        return starts[0]
    listed = ", ".join(part.code for part in known)
    raise SignoffError(f"Rapporten har ingen del som heter ”{words[:40]}”. Delarna är: {listed}.")


def may_mark(actor: Staff, part: Part) -> bool:
    return actor.role in (Role.ADMIN, Role.MANAGER) or actor.name in part.owners


def mark_ready(session: Session, *, origin: Origin, period: Period, part: Part) -> Recorded:
    actor = origin.actor
    if actor is None or not may_mark(actor, part):
        owners = ", ".join(part.owners) or "en administratör"
        raise SignoffError(f"{part.label} hör inte till dina områden eller ditt ansvar: den markeras klar av den som "
                           f"ansvarar för den ({owners}) eller av en chef.")
    current = {p.code: m for p, m in state(session, period).parts}
    if (mark := current.get(part.code)) is not None:
        raise SignoffError(
            f"{part.label} är redan klar ({mark.by} {fmt.timestamp(mark.at)}). Ångra med: ångra {mark.entry_id}"
        )
    return journal.record(
        session,
        kind=PART_KIND,
        summary=f"{report_title(period)}: {part.label} är klar",
        origin=origin,
        rows=[ReportSignoff(year=period.year, tertial=period.tertial, part=part.code)],
    )


def mark_all_ready(session: Session, *, origin: Origin, period: Period) -> Recorded:
    """A manager says every part not yet marked is ready, in one entry (one `ångra` takes it back)."""
    actor = origin.actor
    if actor is None or actor.role not in (Role.ADMIN, Role.MANAGER):
        raise SignoffError(
            "Alla delar på en gång hör inte till dina områden: det markerar en chef eller en administratör. "
            "Markera din egen del, t.ex. ”klar sm2 T2 2022”."
        )
    unready = state(session, period).unready
    if not unready:
        raise SignoffError(f"Alla delar av {report_title(period)} är redan klara.")
    return journal.record(
        session,
        kind=PART_KIND,
        summary=f"{report_title(period)}: {', '.join(p.label for p in unready)} är klara",
        origin=origin,
        rows=[ReportSignoff(year=period.year, tertial=period.tertial, part=p.code) for p in unready],
    )


def approve(session: Session, *, origin: Origin, period: Period, anyway: bool = False) -> Recorded:
    """Approve the report; with `anyway`, also while parts are not marked ready (the approver's decision, journaled)."""
    actor = origin.actor
    if actor is None or actor.role not in (Role.ADMIN, Role.MANAGER):
        raise SignoffError("Rapporten godkänns av en chef eller en administratör.")
    now = state(session, period)
    if now.approval is not None:
        raise SignoffError(
            f"{report_title(period)} är redan godkänd ({now.approval.by} {fmt.timestamp(now.approval.at)}). "
            f"Ångra med: ångra {now.approval.entry_id}"
        )
    if now.unready and not anyway:
        raise SignoffError(f"{report_title(period)} kan inte godkännas än: {not_ready(now.unready)}. "
                           f"Godkänn ändå med: godkänn rapport {period.code} ändå")
    summary = f"{report_title(period)} är godkänd" + (f" ({not_ready(now.unready)})" if now.unready else "")
    return journal.record(session, kind=APPROVAL_KIND, summary=summary, origin=origin,
                          rows=[ReportSignoff(year=period.year, tertial=period.tertial, part=APPROVAL)])


def not_ready(unready: Sequence[Part]) -> str:
    """ "3 delar är inte klara: SM1 … (Anna), Ekonomin (Ola)" """
    listed = "; ".join(f"{part.label} ({', '.join(part.owners) or 'ingen ansvarig'})" for part in unready)
    return f"{len(unready)} {'del är inte klar' if len(unready) == 1 else 'delar är inte klara'}: {listed}"
