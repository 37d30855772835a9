"""The report half of årsarbetare: the staff table of the introduction."""

from __future__ import annotations

from kubot import formatting as fmt
from kubot.kinds.base import ReportHalf
from kubot.models.records import EmploymentForm
from kubot.report import parts
from kubot.report.model import Cell, Table

FTE_COLUMNS = (EmploymentForm.SECONDED, EmploymentForm.PERMANENT, EmploymentForm.FIXED_TERM)


def staff_table(ctx: parts.Context) -> Table | None:
    staff = ctx.data.staff_fte
    years = sorted({item.year for item in staff})
    if not years:
        return None
    by_year = {(item.year, item.form): item.fte for item in staff}
    rows = []
    for year in years:
        values = [by_year.get((year, form.value)) for form in FTE_COLUMNS]
        rows.append((Cell.text(str(year)), *(parts.number_cell(fmt.number(v, 2) if v is not None else "–") for v in values),
                     parts.number_cell(fmt.number(sum(v for v in values if v is not None), 2), bold=True)))
    return Table(("År/anställningsform", "Tjänsteköp", "Tillsvidare", "Visstid", "Summa"), tuple(rows),
                 widths=(3.0, 2.0, 2.0, 2.0, 2.0), numeric=frozenset({1, 2, 3, 4}),
                 caption=f"Antal årsarbetare per anställningsform {years[0]}–{years[-1]}" if len(years) > 1 else
                 f"Antal årsarbetare per anställningsform {years[0]}")


# The staff table stands in the introduction (`kubot.report.content.staff`), not beside goals or among the appendices.
REPORT = ReportHalf()
