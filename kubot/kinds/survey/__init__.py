"""Enkät: the answers to a question of the annual survey in one network, per step of the 1–6 scale."""

from __future__ import annotations

from sqlmodel import Session, col, select

from kubot import derived
from kubot.journal import is_active
from kubot.kinds.base import Ask, Facts, IndicatorSource, IndicatorValue, Kind, Window, every_period, share
from kubot.models import Entry, Indicator, SurveyQuestion, SurveyResponse
from kubot.models.plan import Source
from kubot.periods import Period

NAME = "enkät"


def responses(facts: Facts) -> list[derived.SurveyFact]:
    return facts.of(NAME, [])


def load(window: Window) -> list[derived.SurveyFact]:
    questions = {q.id: q.code for q in window.session.exec(select(SurveyQuestion))}
    return [
        derived.SurveyFact(question=questions[s.question_id], network=window.networks[s.network_id].code, year=s.year,
                           counts=(s.n1, s.n2, s.n3, s.n4, s.n5, s.n6), dont_know=s.dont_know)
        for s in window.session.exec(
            select(SurveyResponse).join(Entry, is_active(SurveyResponse.entry_id, window.recorded_by))
            .where(col(SurveyResponse.year).between(window.first_year, window.last_year))
        )
    ]


def _value(indicator: Indicator, facts: Facts, period: Period, target: float | None) -> IndicatorValue:
    assert indicator.question_code is not None
    return share(
        derived.very_satisfied(responses(facts), period, indicator.question_code, frozenset(indicator.networks) or None)
    )


def how(session: Session, ask: Ask) -> str:
    network = ask.networks[0] if len(ask.networks) == 1 else "<nätverk>"
    return f"enkät {ask.question or '<fråga>'} {network} <antal 1> <antal 2> <antal 3> <antal 4> <antal 5> <antal 6>"


KIND = Kind(name=NAME, package=__name__, tables=(SurveyResponse,), load=load,
            sources=(IndicatorSource(Source.SURVEY, "svaren på enkäten", _value, every_period, how, None),))
