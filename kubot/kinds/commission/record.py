"""The writer of uppdrag: commissions an area carried out on a day, checked and echoed normalised."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from kubot import formatting as fmt
from kubot import records
from kubot.journal import Origin, Recorded, record
from kubot.kinds.commission.table import Commission
from kubot.models.types import stored_id
from kubot.records import MAX_PEOPLE, RecordError

# More commissions than this by one area on one day is a typing mistake (the busiest area did 43 in 2018).
MAX_COMMISSIONS = 1_000


def log_commission(
    session: Session, *, origin: Origin, area_code: str, held_on: date, today: date, participants: int,
    commissions: int = 1, comment: str = "", again: bool = False,
) -> Recorded:
    """`commissions` carried out by an area on a day with `participants` in all.

    A second line for the same area on the same day is refused as a duplicate unless `again`.
    """
    area = records.area(session, area_code)
    records.not_future(held_on, today, "Dagen")
    if not 1 <= commissions <= MAX_COMMISSIONS:
        raise RecordError(
            f"Antalet uppdrag ska vara mellan 1 och {fmt.number(MAX_COMMISSIONS)}, inte {fmt.number(commissions)}."
        )
    if not 1 <= participants <= MAX_PEOPLE:
        raise RecordError(f"Antalet deltagare ska vara mellan 1 och {fmt.number(MAX_PEOPLE)}, t.ex. ”120 deltagare”.")
    if not again:
        records.refuse_twice(
            records.in_force(session, origin, Commission, Commission.area_id == area.id, Commission.held_on == held_on),
            origin, f"Uppdragen för {area.name} {fmt.day(held_on)}",
            "Var det fler uppdrag samma dag, lägg till ordet ”ytterligare” sist i meddelandet.")
    row = Commission(area_id=stored_id(area), held_on=held_on, commissions=commissions, participants=participants,
                     comment=comment.strip())
    summary = (f"Uppdrag {area.name} {fmt.day(held_on)}: {fmt.number(commissions)} uppdrag, "
               f"{fmt.number(participants)} deltagare")
    if row.comment:
        summary += f" – {row.comment}"
    return record(session, kind="uppdrag", summary=summary, origin=origin, rows=[row])
