"""The report half of årsarbetare: the staff table of the introduction."""

from __future__ import annotations

from kubot import formatting as fmt
from kubot.kinds.base import ReportHalf
from kubot.models.records import EmploymentForm
from kubot.report import parts
from kubot.report.model import Cell, Paragraph, Table

FTE_COLUMNS = (EmploymentForm.SECONDED, EmploymentForm.PERMANENT, EmploymentForm.FIXED_TERM)


STAFF_FINANCERS = {"kommunerna": "Finansierade av kommunerna", "externt": "Externt finansierade"}


def staff_table(ctx: parts.Context) -> Table | None:
    """Årsarbetare per year by employment form, and by financer when that is given."""
    staff, financing = ctx.data.staff_fte, ctx.data.staff_financing
    years = sorted({item.year for item in (*staff, *financing)})
    if not years:
        return None
    by_year = {(item.year, item.form): item.fte for item in staff}
    by_financer = {(item.year, item.form): item.fte for item in financing}
    financers = [who for who in STAFF_FINANCERS if any(item.form == who for item in financing)]

    def cell(value: float | None, *, bold: bool = False) -> Cell:
        return parts.number_cell(fmt.number(value, 2) if value is not None else "–", bold=bold)

    rows = []
    for year in years:
        values = [by_year.get((year, form.value)) for form in FTE_COLUMNS]
        paid = [by_financer.get((year, who)) for who in financers]
        whole = [v for v in values if v is not None] or [v for v in paid if v is not None]
        rows.append(
            (Cell.text(str(year)), *(cell(v) for v in values), cell(sum(whole), bold=True), *(cell(v) for v in paid))
        )
    header = (
        "År/anställningsform",
        "Tjänsteköp",
        "Tillsvidare",
        "Visstid",
        "Summa",
        *(STAFF_FINANCERS[who] for who in financers),
    )
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    what = "per anställningsform och finansiär" if financers else "per anställningsform"
    return Table(
        header,
        tuple(rows),
        widths=(3.0, *(2.0 for _ in header[1:])),
        numeric=frozenset(range(1, len(header))),
        caption=f"Antal årsarbetare {what} {span}",
        small=len(header) > 5,
    )


def staff_financing_sentence(ctx: parts.Context) -> Paragraph | None:
    """"Kommunal utveckling har 49,13 årsarbetare, varav 29,48 finansierade av kommunerna och 19,65 externt." (the
    report's year)."""
    paid = {item.form: item.fte for item in ctx.data.staff_financing if item.year == ctx.period.year}
    if not paid:
        return None
    parts_ = [f"{fmt.number(paid[who], 2)} {'finansierade av kommunerna' if who == 'kommunerna' else 'externt'}"
              for who in STAFF_FINANCERS if who in paid]
    told = parts_[0] if len(parts_) == 1 else f"{parts_[0]} och {parts_[1]}"
    return Paragraph.plain(
        f"{ctx.data.plan.organisation.name} har {fmt.number(sum(paid.values()), 2)} årsarbetare, varav {told}."
    )


# The staff table stands in the introduction (`kubot.report.content.staff`), not beside goals or among the appendices.
REPORT = ReportHalf()
