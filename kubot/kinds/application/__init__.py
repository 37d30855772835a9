"""Ansökan: a funding application (project, funder, sought amount) and the decision on it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from kubot import derived
from kubot.journal import is_active
from kubot.kinds.base import Ask, Facts, IndicatorSource, IndicatorValue, Kind, Window, every_period, share
from kubot.models import Entry, FundingApplication, Indicator
from kubot.models.plan import Source
from kubot.periods import Period

NAME = "ansökan"


def applications(facts: Facts) -> list[derived.ApplicationFact]:
    return facts.of(NAME, [])


def load(window: Window) -> list[derived.ApplicationFact]:
    """An application counts in the year it was sent; its decision only once it was made (by `as_of`).
    The same application logged again (same project, funder and sending day) is the later entry's."""
    found: dict[tuple[str, str, date], derived.ApplicationFact] = {}
    as_of = window.as_of
    for application in window.session.exec(
        select(FundingApplication)
        .join(Entry, is_active(FundingApplication.entry_id, window.recorded_by))
        .where(
            func.coalesce(FundingApplication.sent_on, FundingApplication.decided_on).between(window.start, window.end)
        )
        .order_by(col(FundingApplication.entry_id))
    ):
        sent = application.sent_on or application.decided_on
        known = as_of is None or application.decided_on <= as_of
        found[(application.project.casefold(), application.funder.casefold(), sent)] = derived.ApplicationFact(
            project=application.project, funder=application.funder, sought=application.sought,
            granted=application.granted if known else None, status=application.status if known else "pending", day=sent,
            decided=application.decided_on if known and application.status != "pending" else None)
    return list(found.values())


def _count(indicator: Indicator, facts: Facts, period: Period, target: float | None) -> IndicatorValue:
    return share(derived.applications(applications(facts), period).granted_of_decided)


def _amount(indicator: Indicator, facts: Facts, period: Period, target: float | None) -> IndicatorValue:
    return share(derived.applications(applications(facts), period).amount_granted_of_sought)


def how(session: Session, ask: Ask) -> str:
    return "ansökan <projekt> <finansiär> <sökt belopp> beviljat <belopp>"


KIND = Kind(
    name=NAME,
    package=__name__,
    tables=(FundingApplication,),
    load=load,
    sources=(
        IndicatorSource(Source.APPLICATIONS_COUNT, "registrerade ansökningar", _count, every_period, how, None),
        IndicatorSource(
            Source.APPLICATIONS_AMOUNT, "beviljade och sökta belopp i ansökningarna", _amount, every_period, how, None
        ),
    ),
)
