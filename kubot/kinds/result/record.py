"""The writers of resultat and analys: a typed-in result of an indicator, and the analysis beside it."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from kubot import formatting as fmt
from kubot import kinds, records
from kubot.journal import Origin, Recorded, record
from kubot.models import Analysis, IndicatorResult
from kubot.models.plan import Source, Unit
from kubot.periods import Period
from kubot.records import MAX_AMOUNT, RecordError, indicator_in_force


def log_result(
    session: Session,
    *,
    origin: Origin,
    indicator_code: str,
    period: Period,
    today: date,
    value: float,
    analysis: str = "",
    may_state: bool = False,
) -> Recorded:
    """A typed-in result of an indicator for a period, with the responsible person's analysis.

    For a derived indicator only an administrator (`may_state`) may state a total, and only with a reason
    (given as `analysis`): the organisation prints figures it counts itself, e.g. courses plus commissions.
    """
    indicator = indicator_in_force(session, indicator_code, period.year)
    stated = indicator.source != Source.TYPED
    if stated and not may_state:
        raise RecordError(
            f"{indicator.code} räknas fram ur registreringar ({kinds.source(indicator.source).label}) och skrivs inte"
            " in; bara en administratör kan uppge en siffra i stället för den framräknade. Skriv en analys i stället:"
            f" analys {indicator.code} {period.code}: …"
        )
    if stated and not analysis.strip():
        raise RecordError(
            f"{indicator.code} räknas fram ur registreringar; en uppgiven siffra behöver ett skäl inom parentes, "
            f"t.ex. ”resultat {indicator.code} {period.code} {fmt.number(value)} (kurser och uppdrag)”."
        )
    if period.start > today:
        raise RecordError(f"{period.label} har inte börjat än.")
    unit = Unit(indicator.unit)
    if unit == Unit.PERCENT and not 0 <= value <= 100:
        raise RecordError(f"{fmt.number(value)} % är inte en möjlig andel – en andel ligger mellan 0 och 100 %.")
    if unit == Unit.YES_NO and value not in (0, 1):
        raise RecordError("Svara ja eller nej för det här mätetalet.")
    if unit in (Unit.COUNT, Unit.KRONOR) and not 0 <= value <= MAX_AMOUNT:
        raise RecordError(f"{fmt.number(value)} är inte ett rimligt värde för {indicator.name}.")
    row = IndicatorResult(indicator_code=indicator.code, year=period.year, tertial=period.tertial, value=value,
                          analysis="" if stated else analysis.strip(), reason=analysis.strip() if stated else "")
    summary = f"{indicator.code} ”{indicator.name}” {period.code}: {fmt.in_unit(indicator.unit, value)}"
    if stated:
        summary += f", uppgiven siffra i stället för den framräknade. Skäl: {row.reason}"
    elif row.analysis:
        summary += f". Analys: {row.analysis}"
    # A result sent again for the same period is the new result: it replaces the old one, and says so.
    earlier = origin.corrects
    if earlier is None:
        found = records.in_force(session, origin, IndicatorResult, IndicatorResult.indicator_code == indicator.code,
                          IndicatorResult.year == period.year, IndicatorResult.tertial == period.tertial)
        earlier = next((e for e in found if (e.channel, e.message_id) != (origin.channel, origin.message_id)
                        or origin.message_id is None), None)
    if earlier is not None:
        old = session.exec(select(IndicatorResult).where(IndicatorResult.entry_id == earlier.id)).first()
        summary += f" (ersätter #{earlier.id}" + (
            f", som var {fmt.in_unit(indicator.unit, old.value)})" if old else ")"
        )
    return record(session, kind="resultat", summary=summary, origin=origin, rows=[row], replaces=earlier)


def log_analysis(session: Session, *, origin: Origin, indicator_code: str, period: Period, text: str) -> Recorded:
    """The analysis text shown beside an indicator's result in the report, typed-in or derived."""
    indicator = indicator_in_force(session, indicator_code, period.year)
    if not text.strip():
        raise RecordError("Analysen är tom – skriv texten efter kolon.")
    row = Analysis(indicator_code=indicator.code, year=period.year, tertial=period.tertial, text=text.strip())
    summary = f"Analys för {indicator.code} ”{indicator.name}” {period.code}: {row.text}"
    return record(session, kind="analys", summary=summary, origin=origin, rows=[row])
