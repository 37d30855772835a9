"""Every question kubot asks of the plan: the version in force for a year and what it holds."""

from __future__ import annotations

from sqlmodel import Session, col, select

from kubot.models import PlanVersion


def version_for_year(session: Session, year: int) -> PlanVersion | None:
    """The plan in force in `year`: the latest version that started in or before it."""
    return session.exec(
        select(PlanVersion).where(PlanVersion.first_year <= year).order_by(col(PlanVersion.first_year).desc())
    ).first()
