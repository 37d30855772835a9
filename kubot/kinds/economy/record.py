"""The writer of ekonomi: the economy of one or more areas in tkr as of a day."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlmodel import Session

from kubot import economy, records
from kubot import formatting as fmt
from kubot.journal import Origin, Recorded, record
from kubot.models import EconomyLine
from kubot.models.types import stored_id
from kubot.periods import Period
from kubot.records import RecordError


def log_economy(
    session: Session, *, origin: Origin, figures: Mapping[str, Mapping[str, float]], as_of: date, kind: str = "ekonomi",
    summary_prefix: str = "Ekonomi",
) -> Recorded:
    """The economy of one or more areas in tkr as of a day, under one entry (one `ångra` undoes it all).

    `figures` maps area codes to typed items (`economy.ITEMS`); computed figures are refused.
    """
    if not figures:
        raise RecordError("Ange minst en ekonomisk uppgift, t.ex. ”utfall 938”.")
    rows = []
    parts = []
    period = Period.containing(as_of)
    for area_code, items in figures.items():
        area = records.area(session, area_code)
        if problems := economy.check(items):
            raise RecordError(f"{area.name}: " + " ".join(problems))
        if not items:
            raise RecordError(f"{area.name}: ange minst en uppgift, t.ex. ”utfall 938”.")
        for item, amount in items.items():
            rows.append(
                EconomyLine(
                    area_id=stored_id(area),
                    year=period.year,
                    tertial=period.tertial,
                    item=item,
                    amount_tkr=amount,
                    as_of=as_of,
                )
            )
        figures_text = ", ".join(f"{item} {fmt.tkr(amount)}" for item, amount in items.items())
        figures_of_area = economy.AreaEconomy(area.code, as_of, items)
        computed = [(label, figures_of_area.value(label)) for label in ("disponibla medel", "kvarvarande medel")]
        figures_text += "".join(f", {label} {fmt.tkr(value)}" for label, value in computed if value is not None)
        parts.append(f"{area.name}: {figures_text}")
    summary = f"{summary_prefix} per {fmt.day(as_of)} – " + "; ".join(parts)
    return record(session, kind=kind, summary=summary, origin=origin, rows=rows)
