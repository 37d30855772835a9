"""The writer of enkät: the answers to one survey question in one network."""

from __future__ import annotations

from sqlmodel import Session, select

from kubot import formatting as fmt
from kubot.journal import Origin, Recorded, record
from kubot.models import SurveyQuestion, SurveyResponse
from kubot.models.types import stored_id
from kubot.records import MAX_PEOPLE, RecordError, network


def log_survey(
    session: Session,
    *,
    origin: Origin,
    year: int,
    question_code: str,
    network_code: str,
    counts: tuple[int, int, int, int, int, int],
    dont_know: int = 0,
) -> Recorded:
    """Answers to one question of the annual survey in one network, per step of the 1–6 scale."""
    question = session.exec(select(SurveyQuestion).where(SurveyQuestion.code == question_code)).first()
    if question is None:
        raise RecordError(f"Enkätfrågan {question_code!r} finns inte i planen.")
    where = network(session, network_code)
    if len(counts) != 6 or min(counts) < 0 or dont_know < 0 or max(*counts, dont_know) > MAX_PEOPLE:
        raise RecordError("Ange sex antal, ett per skalsteg 1–6, t.ex. ”0 1 3 4 6 5”, och ev. ”vet ej 2”.")
    if sum(counts) + dont_know == 0:
        raise RecordError("Enkäten har inga svar – ange antalet svar per skalsteg 1–6.")
    row = SurveyResponse(
        year=year,
        question_id=stored_id(question),
        network_id=stored_id(where),
        n1=counts[0],
        n2=counts[1],
        n3=counts[2],
        n4=counts[3],
        n5=counts[4],
        n6=counts[5],
        dont_know=dont_know,
    )
    answered = sum(counts)
    very = counts[4] + counts[5]
    share = fmt.ratio_percent(very / answered) if answered else "–"
    summary = (
        f"Enkät {year}, {where.name}, ”{question.text}”: svar 1–6: {' '.join(str(c) for c in counts)}, vet ej"
        f" {dont_know} – mycket nöjda {very} av {answered} ({share})"
    )
    return record(session, kind="enkät", summary=summary, origin=origin, rows=[row])
