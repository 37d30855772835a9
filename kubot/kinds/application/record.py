"""The writer of ansökan: a funding application, and the decision on it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from kubot import formatting as fmt
from kubot import records
from kubot.journal import Origin, Recorded, record
from kubot.models import Entry, FundingApplication
from kubot.models.records import ApplicationStatus
from kubot.records import MAX_AMOUNT, RecordError


def log_application(
    session: Session,
    *,
    origin: Origin,
    project: str,
    funder: str,
    sought: float,
    decided_on: date,
    today: date,
    granted: float | None = None,
    rejected: bool = False,
    sent_on: date | None = None,
    again: bool = False,
) -> Recorded:
    """A funding application: pending, granted (an amount) or rejected.

    It counts in the year it was `sent_on` (default: `decided_on`), with its decision once known.
    An application for the same project to the same funder is refused as a duplicate
    unless `again`; a decision on it is recorded with `decide`.
    """
    records.not_future(decided_on, today, "Datumet")
    if sent_on is not None and sent_on > decided_on:
        raise RecordError(
            f"Ansökan skickades {fmt.day(sent_on)}, efter beslutet {fmt.day(decided_on)} – kontrollera datumen."
        )
    if not again:
        records.refuse_twice(
            records.in_force(
                session,
                origin,
                FundingApplication,
                func.lower(FundingApplication.project) == project.strip().lower(),
                func.lower(FundingApplication.funder) == funder.strip().lower(),
            ),
            origin,
            f"Ansökan för {project.strip()} till {funder.strip()}",
            f"Kom ett beslut, skriv ”beslut {project.strip()} beviljat 500 000” eller ”beslut {project.strip()}"
            " avslag”. Är det en ny ansökan för samma projekt, lägg till ordet ”ytterligare” sist.",
        )
    if not 0 < sought <= MAX_AMOUNT:
        raise RecordError(f"Sökt belopp {fmt.kronor(sought)} är inte rimligt.")
    if granted is not None and rejected:
        raise RecordError("En ansökan kan inte vara både beviljad och avslagen.")
    if granted is not None and not 0 < granted <= sought:
        raise RecordError(
            f"Beviljat belopp ({fmt.kronor(granted)}) måste vara större än 0 och högst det sökta"
            f" ({fmt.kronor(sought)})."
        )
    status = (
        ApplicationStatus.REJECTED
        if rejected
        else ApplicationStatus.GRANTED if granted is not None else ApplicationStatus.PENDING
    )
    row = FundingApplication(project=project.strip(), funder=funder.strip(), sought=sought, granted=granted,
                             status=status.value, decided_on=decided_on, sent_on=sent_on)
    outcome = {
        ApplicationStatus.PENDING: "inget beslut ännu",
        ApplicationStatus.REJECTED: "avslag",
        ApplicationStatus.GRANTED: (
            f"beviljat {fmt.kronor(granted or 0)} ({fmt.ratio_percent((granted or 0) / sought)})"
        ),
    }[status]
    sent = f" (skickad {fmt.day(sent_on)})" if sent_on is not None and sent_on != decided_on else ""
    summary = (
        f"Ansökan {row.project} till {row.funder} {fmt.day(decided_on)}{sent}: sökt {fmt.kronor(sought)}, {outcome}"
    )
    return record(session, kind="ansökan", summary=summary, origin=origin, rows=[row])


def applications_in_force(session: Session) -> list[tuple[FundingApplication, Entry]]:
    """Every application in force, with its entry, oldest first."""
    return list(session.exec(
        select(FundingApplication, Entry).join(Entry, col(FundingApplication.entry_id) == Entry.id)
        .where(Entry.undone_at.is_(None), Entry.replaced_by_id.is_(None))  # type: ignore[union-attr]
        .order_by(col(Entry.id))
    ).all())


def decide(session: Session, *, origin: Origin, application: FundingApplication, decided_on: date, today: date,
           granted: float | None = None, rejected: bool = False) -> Recorded:
    """The decision on an application in force: a new entry that replaces the application's."""
    entry = session.get(Entry, application.entry_id)
    return log_application(
        session,
        origin=replace(origin, corrects=entry),
        project=application.project,
        funder=application.funder,
        sought=application.sought,
        decided_on=decided_on,
        today=today,
        granted=granted,
        rejected=rejected,
        sent_on=min(application.sent_on or application.decided_on, decided_on),
    )
