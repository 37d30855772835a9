"""Judged snapshots kept in the database: each evaluation's verdicts as they were when it was made,
so a report can say which one it used and two runs can be compared."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from kubot.models import Evaluation, VerdictRecord
from kubot.periods import Period
from kubot.verdicts import Snapshot, activity_from_data, indicator_from_data, to_data, warning_from_data

SUBJECT_INDICATOR, SUBJECT_ACTIVITY, SUBJECT_WARNING = "mätetal", "aktivitet", "varning"


def store(session: Session, snapshot: Snapshot, *, trigger: str, actor_id: int | None) -> Snapshot:
    """Keep `snapshot` so later readers see what was known when it was made."""
    run = Evaluation(year=snapshot.period.year, tertial=snapshot.period.tertial, made_at=snapshot.made_at,
                     as_of=snapshot.as_of, trigger=trigger, actor_id=actor_id, deadline=snapshot.deadline)
    session.add(run)
    session.flush()
    assert run.id is not None
    rows: list[dict[str, Any]] = [
        *({"subject": SUBJECT_INDICATOR, "code": v.code, "outcome": v.status.value, "due": v.due.value,
           "responsible_id": v.responsible_id, "data": to_data(v)} for v in snapshot.indicators),
        *({"subject": SUBJECT_ACTIVITY, "code": v.code, "outcome": v.state or "", "due": v.due.value,
           "responsible_id": v.responsible_id, "data": to_data(v)} for v in snapshot.activities),
        *({"subject": SUBJECT_WARNING, "code": w.code, "outcome": w.rule, "due": "", "responsible_id": None,
           "data": to_data(w)} for w in snapshot.warnings),
    ]
    if rows:  # one executemany instead of an ORM object per verdict: a plan has hundreds
        session.execute(insert(VerdictRecord), [{**row, "evaluation_id": run.id} for row in rows])
    return Snapshot(period=snapshot.period, made_at=snapshot.made_at, as_of=snapshot.as_of, deadline=snapshot.deadline,
                    indicators=snapshot.indicators, activities=snapshot.activities, warnings=snapshot.warnings,
                    id=run.id)


def latest(session: Session, period: Period) -> Snapshot | None:
    """The most recent stored snapshot of `period`, or None if it was never evaluated."""
    run = session.exec(
        select(Evaluation).where(Evaluation.year == period.year, Evaluation.tertial == period.tertial)
        .order_by(col(Evaluation.made_at).desc(), col(Evaluation.id).desc())
    ).first()
    return load_snapshot(session, run) if run else None


def load_snapshot(session: Session, run: Evaluation) -> Snapshot:
    rows = session.exec(
        select(VerdictRecord).where(VerdictRecord.evaluation_id == run.id).order_by(col(VerdictRecord.id))
    )
    by_subject: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_subject[row.subject].append(row.data)
    return Snapshot(
        period=Period(run.year, run.tertial), made_at=run.made_at, as_of=run.as_of, deadline=run.deadline,
        indicators=tuple(indicator_from_data(d) for d in by_subject[SUBJECT_INDICATOR]),
        activities=tuple(activity_from_data(d) for d in by_subject[SUBJECT_ACTIVITY]),
        warnings=tuple(warning_from_data(d) for d in by_subject[SUBJECT_WARNING]), id=run.id,
    )
