"""The writer of årsarbetare: full-time equivalents by employment form for a year."""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session, SQLModel, col, select

from kubot import formatting as fmt
from kubot.journal import Origin, Recorded, is_active, record
from kubot.models import Entry, StaffFinancing, StaffFte
from kubot.models.records import EmploymentForm
from kubot.records import RecordError

STAFF_FINANCERS = ("kommunerna", "externt")


# Årsarbetare are written with two decimals; the two sums of a year may differ by rounding alone.
FTE_SUM_TOLERANCE = 0.005


def _latest_staff(session: Session, model: type[StaffFte] | type[StaffFinancing], year: int) -> dict[str, float]:
    """A year's årsarbetare in force per employment form or financer: the latest entry's row for each."""
    heading = StaffFte.employment_form if model is StaffFte else StaffFinancing.financer
    found: dict[str, float] = {}
    for form, fte in session.exec(
        select(heading, model.fte)
        .join(Entry, is_active(model.entry_id))
        .where(model.year == year)
        .order_by(col(model.entry_id))
    ):
        found[form] = fte
    return found


def log_staff_fte(session: Session, *, origin: Origin, year: int, ftes: Mapping[EmploymentForm, float],
                  financed: Mapping[str, float] | None = None) -> Recorded:
    """Full-time equivalents (årsarbetare) of a year by employment form and/or by financer, for the staff table.

    Both ways of counting are the same people, so their sums must agree: within the message when
    both are given, otherwise with the other way already recorded for the year.
    """
    financed = dict(financed or {})
    if not ftes and not financed:
        raise RecordError(
            "Ange årsarbetare per anställningsform eller finansiär, t.ex. ”tillsvidare 22,5 visstid 17 tjänsteköp 9,6” "
            "eller ”kommunerna 29,48 externt 19,65”."
        )
    for what, fte in [*((form.value, fte) for form, fte in ftes.items()), *financed.items()]:
        if not 0 <= fte <= 10_000:
            raise RecordError(f"{fmt.number(fte, decimals=1)} årsarbetare ({what}) är inte rimligt.")
    unknown = [who for who in financed if who not in STAFF_FINANCERS]
    if unknown:
        raise RecordError(f"”{unknown[0]}” är ingen finansiär av årsarbetare. Skriv kommunerna eller externt.")
    by_form = {form.value: fte for form, fte in ftes.items()} or _latest_staff(session, StaffFte, year)
    by_financer = financed or _latest_staff(session, StaffFinancing, year)
    if by_form and by_financer and abs(sum(by_form.values()) - sum(by_financer.values())) > FTE_SUM_TOLERANCE:
        forms_sum, financer_sum = fmt.number(sum(by_form.values()), 2), fmt.number(sum(by_financer.values()), 2)
        said = "" if ftes and financed else " (den andra summan är den som redan är registrerad för året)"
        raise RecordError(
            f"Årsarbetarna {year} blir {forms_sum} per anställningsform men {financer_sum} per finansiär{said}. "
            "Summorna ska vara lika – rätta den som är fel, t.ex. ”årsarbetare "
            f"{year}: tillsvidare 22,5 visstid 17 tjänsteköp 9,63 kommunerna 29,48 externt 19,65”."
        )
    rows: list[SQLModel] = [
        StaffFte(year=year, tertial=3, employment_form=form.value, fte=fte) for form, fte in ftes.items()
    ]
    rows += [StaffFinancing(year=year, financer=who, fte=fte) for who, fte in financed.items()]
    parts = []
    if ftes:
        parts.append(", ".join(f"{form.value} {fmt.number(fte, decimals=2)}" for form, fte in ftes.items()))
    if financed:
        parts.append(", ".join(f"{'finansierade av kommunerna' if who == 'kommunerna' else 'externt finansierade'} "
                               f"{fmt.number(fte, decimals=2)}" for who, fte in financed.items()))
    total = sum(ftes.values()) if ftes else sum(financed.values())
    summary = f"Årsarbetare {year}: {'; '.join(parts)} – summa {fmt.number(total, decimals=2)}"
    return record(session, kind="årsarbetare", summary=summary, origin=origin, rows=rows)
