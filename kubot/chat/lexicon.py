"""The names people may use in messages, read from the plan in force for a year."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlmodel import Session, select

from kubot import values
from kubot.models import Activity, Area, Indicator, Municipality, Network, SurveyQuestion
from kubot.plan import queries as plan_queries

Names = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class Lexicon:
    networks: Names
    municipalities: Mapping[str, str]
    indicators: Names
    activities: Names
    areas: Names
    questions: Names

    def network(self, text: str) -> str:
        return values.match_name(text, self.networks, kind="nätverk")

    def indicator(self, text: str) -> str:
        return values.match_name(text, self.indicators, kind="mätetal")

    def activity(self, text: str) -> str:
        return values.match_name(text, self.activities, kind="aktivitet")

    def area(self, text: str) -> str:
        return values.match_name(text, self.areas, kind="område")

    def question(self, text: str) -> str:
        return values.match_name(text, self.questions, kind="enkätfråga")


def load(session: Session, year: int) -> Lexicon:
    # Columns, not whole rows: this runs for every message, and building hundreds of model objects
    # costs more than the rest of an answer.
    plan_id = plan_queries.plan_id(session, year)
    return Lexicon(
        networks={code: (name,) for code, name in session.exec(select(Network.code, Network.name))},
        municipalities=dict(session.exec(select(Municipality.code, Municipality.name)).all()),
        indicators={code: (name,) for code, name in session.exec(
            select(Indicator.code, Indicator.name).where(Indicator.plan_id == plan_id))},
        activities={code: (name,) for code, name in session.exec(
            select(Activity.code, Activity.name).where(Activity.plan_id == plan_id))},
        areas={code: (name,) for code, name in session.exec(select(Area.code, Area.name))},
        questions={code: (text,) for code, text in session.exec(select(SurveyQuestion.code, SurveyQuestion.text))},
    )
