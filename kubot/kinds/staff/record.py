"""The writer of årsarbetare: full-time equivalents by employment form for a year."""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session

from kubot import formatting as fmt
from kubot.journal import Origin, Recorded, record
from kubot.models import StaffFte
from kubot.models.records import EmploymentForm
from kubot.records import RecordError


def log_staff_fte(session: Session, *, origin: Origin, year: int, ftes: Mapping[EmploymentForm, float]) -> Recorded:
    """Full-time equivalents (årsarbetare) by employment form for a year, for the staff table."""
    if not ftes:
        raise RecordError("Ange årsarbetare per anställningsform, t.ex. ”tillsvidare 22,5 visstid 17 tjänsteköp 9,6”.")
    for form, fte in ftes.items():
        if not 0 <= fte <= 10_000:
            raise RecordError(f"{fmt.number(fte, decimals=1)} årsarbetare ({form.value}) är inte rimligt.")
    rows = [StaffFte(year=year, tertial=3, employment_form=form.value, fte=fte) for form, fte in ftes.items()]
    shown = ", ".join(f"{form.value} {fmt.number(fte, decimals=2)}" for form, fte in ftes.items())
    summary = f"Årsarbetare {year}: {shown} – summa {fmt.number(sum(ftes.values()), decimals=2)}"
    return record(session, kind="årsarbetare", summary=summary, origin=origin, rows=rows)

