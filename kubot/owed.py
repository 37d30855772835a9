"""What is still owed: the one answer to "what do I (or this area) still have to report?".

`saknas`, the Slack Home tab and a reminder's "rapportera", the reminder, escalation and
summary texts, Teams and the report's internal note all list `owed(...)` (or, where no
database is at hand, `owed_verdicts(...)`, the same selection) and nothing else, so they
cannot disagree.

An item is owed when the period asks for it and it has not come (`Due.outstanding`): an
indicator measured by the end of the period that has no result, an activity without a
status this tertial that is not done or cancelled. While the period runs it is owed when
the period ends (`Due.OPEN`: it may be reported already); after the end it is missing until
the deadline (`Due.MISSING`) and overdue after it (`Due.OVERDUE`). An indicator measured
later in the year (`Due.LATER`, the survey in November) is not owed yet. *When* someone is
chased for what they owe is the reminder schedule's business, not this list's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from kubot import evaluation, kinds
from kubot import formatting as fmt
from kubot.kinds import activity
from kubot.models import Staff
from kubot.periods import Period
from kubot.plan.queries import version_for_year
from kubot.verdicts import ActivityVerdict, Due, IndicatorVerdict, Snapshot

Verdict = IndicatorVerdict | ActivityVerdict


@dataclass(frozen=True)
class Whose:
    """Whose items: one person's (`person`, a staff id), those of goals in `areas` (None for the
    organisation's own goals), both, or – with neither – everything the period owes."""

    person: int | None = None
    areas: frozenset[str | None] | None = None

    def covers(self, verdict: Verdict) -> bool:
        return ((self.person is None or verdict.responsible_id == self.person)
                and (self.areas is None or verdict.area in self.areas))


EVERYONE = Whose()


@dataclass(frozen=True)
class Owed:
    """One owed item, with everything a surface shows about it.

    `what` is what is owed ("resultat" for an indicator, "status" for an activity), `due` why
    (see the module), `how` the exact chat command that reports it, `form` the form that opens
    for it with what it can fill in already (None when it has none), `shown` what was reported
    for it earlier (an activity's status from an earlier tertial), `responsible` the name of
    who owes it (None when the plan names nobody)."""

    code: str
    name: str
    what: str
    due: Due
    deadline: date | None
    how: str
    form: tuple[str, Mapping[str, str]] | None
    responsible_id: int | None
    responsible: str | None
    area: str | None
    shown: str = ""

    @property
    def why(self) -> str:
        """Why it is listed, in Swedish: "perioden pågår", "senast 2022-09-15", "försenat, …"."""
        return why(self.due, self.deadline)


def why(due: Due, deadline: date | None) -> str:
    if due == Due.OVERDUE:
        return f"försenat, tidsgränsen var {fmt.day(deadline)}" if deadline else "försenat"
    if due == Due.OPEN:
        return "perioden pågår"
    return f"senast {fmt.day(deadline)}" if deadline else "saknas"


def owed_verdicts(snapshot: Snapshot, whose: Whose = EVERYONE) -> list[Verdict]:
    """The verdicts of what `whose` still owes for the snapshot's period, indicators first: the definition."""
    verdicts: list[Verdict] = [*snapshot.indicators, *snapshot.activities]
    return [v for v in verdicts if v.due.outstanding and whose.covers(v)]


def owed(session: Session, snapshot: Snapshot, whose: Whose = EVERYONE) -> list[Owed]:
    """What `whose` still owes for the snapshot's period as of its day, each with why, its deadline,
    how to report it and which form opens it."""
    names = {s.id: s.name for s in session.exec(select(Staff))}
    period = snapshot.period
    return [Owed(code=v.code, name=v.name, what="status" if isinstance(v, ActivityVerdict) else "resultat", due=v.due,
                 deadline=snapshot.deadline, how=how_to_report(session, v, period), form=form_for(v, period),
                 responsible_id=v.responsible_id, responsible=names.get(v.responsible_id) if v.responsible_id else None,
                 area=v.area, shown=(v.state or "") if isinstance(v, ActivityVerdict) else "")
            for v in owed_verdicts(snapshot, whose)]


def of_person(
    session: Session, staff_id: int | None, period: Period, today: date
) -> tuple[Snapshot, list[Owed]] | None:
    """What one person owes for `period` as known on `today`, with the verdicts it comes from;
    None when no plan is in force for the period's year."""
    if version_for_year(session, period.year) is None:
        return None
    snapshot = evaluation.current(session, period, today=today)
    return snapshot, owed(session, snapshot, Whose(person=staff_id))


def heading(period: Period, items: Sequence[Owed]) -> str:
    """The line above a person's list on the platforms that list it with a button per item."""
    return (
        f"Det här saknas från dig för {period.label}:"
        if items
        else f"Inget saknas från dig för {period.label}. Bra jobbat!"
    )


def by_person(items: Sequence[Owed]) -> dict[int | None, list[Owed]]:
    """The items per responsible staff id (None: nobody), in the order they came."""
    grouped: dict[int | None, list[Owed]] = {}
    for item in items:
        grouped.setdefault(item.responsible_id, []).append(item)
    return grouped


# --- how an item is reported: every surface asks these two; the wording is each record kind's own (`kubot.kinds`) ---


def _ask(verdict: IndicatorVerdict, period: Period) -> kinds.Ask:
    return kinds.Ask(verdict.code, period, tuple(verdict.networks), verdict.question, verdict.area)


def how_to_report(session: Session, verdict: Verdict, period: Period) -> str:
    """The exact chat command that reports what `verdict` lacks, with what the plan knows filled in."""
    if isinstance(verdict, ActivityVerdict):
        return activity.how(verdict.code)
    return kinds.how_to_report(session, verdict.source, _ask(verdict, period))


def form_for(verdict: Verdict, period: Period) -> tuple[str, dict[str, str]] | None:
    """The form (by its command word) that reports what `verdict` lacks, with what it can fill in already."""
    if isinstance(verdict, ActivityVerdict):
        return activity.NAME, activity.prefill(verdict.code)
    return kinds.form_for(verdict.source, _ask(verdict, period))
