"""The report half of ekonomi: the accounts and financing tables in tkr, and the payout sentence."""

from __future__ import annotations

from kubot import economy
from kubot import formatting as fmt
from kubot.kinds.base import ReportHalf
from kubot.report import parts
from kubot.report.model import Cell, Paragraph, Table

ACCOUNT_COLUMNS = ("ingående medel", "erhållna medel", "disponibla medel", "budget förbrukning", "utfall förbrukning",
                   "kvarvarande medel", "varav statliga", "redovisat resultat")


ACCOUNT_HEADERS = ("Ingående medel", "Erhållna medel", "Disponibla medel", f"Budget förbruk{parts.SHY}ning",
                   f"Utfall förbruk{parts.SHY}ning", f"Kvar{parts.SHY}varande medel", "Varav statliga", "Redovisat resultat")


FINANCING_COLUMNS = ("finansiering kommunerna", "finansiering staten", "finansiering övriga", "total finansiering",
                     "andel kommunerna")


FINANCING_HEADERS = ("Länets kommuner", "Staten", "Övriga", "Total finansiering", "Andel kommunerna")


def economy_rows(ctx: parts.Context) -> list[economy.AreaEconomy]:
    rows = [row for row in ctx.data.economy if ctx.plan.covers_area(row.area)]
    return sorted(rows, key=lambda row: ctx.plan.group_order(row.area))


def tkr(value: float | None) -> str:
    return "" if value is None else fmt.number(value)


def accounts_table(ctx: parts.Context) -> Table | None:
    """The accounts per area in tkr, as Bilaga 2 of the annual report; disponibla and kvarvarande computed."""
    rows = [row for row in economy_rows(ctx) if any(row.get(item) is not None for item in economy.ITEMS[:6])]
    if not rows:
        return None
    body = [(Cell.text(ctx.plan.area_names.get(row.area, row.area)), *(parts.number_cell(tkr(row.value(c))) for c in ACCOUNT_COLUMNS))
            for row in rows]
    body.append((Cell.text("Summa", bold=True), *(parts.number_cell(tkr(economy.total(rows, c)), bold=True) for c in ACCOUNT_COLUMNS)))
    day = max(row.as_of for row in rows)
    return Table(("Område", *ACCOUNT_HEADERS), tuple(body), widths=(2.2, *(1.05 for _ in ACCOUNT_COLUMNS)),
                 numeric=frozenset(range(1, len(ACCOUNT_COLUMNS) + 1)), total=True, small=True,
                 caption=f"Redovisning i tkr per {fmt.day(day)}")


def financing_table(ctx: parts.Context) -> Table | None:
    """How the outcome was financed, per area: the municipalities, the state, others; the share computed."""
    rows = [row for row in economy_rows(ctx) if row.financing_total]
    if not rows:
        return None

    def shown(row_or_total: float | None, column: str) -> str:
        if row_or_total is None:
            return ""
        return fmt.percent(row_or_total) if column == "andel kommunerna" else fmt.number(row_or_total)

    body = [(Cell.text(ctx.plan.area_names.get(row.area, row.area)), *(parts.number_cell(shown(row.value(c), c)) for c in FINANCING_COLUMNS))
            for row in rows]
    body.append((Cell.text("Summa", bold=True), *(parts.number_cell(shown(economy.total(rows, c), c), bold=True) for c in FINANCING_COLUMNS)))
    return Table(("Område", *FINANCING_HEADERS), tuple(body), widths=(3.4, 1.5, 1.3, 1.3, 1.6, 1.5),
                 numeric=frozenset(range(1, 6)), total=True, small=True, caption="Finansiering per område (tkr)")


def payout_sentence(ctx: parts.Context) -> Paragraph | None:
    paid = economy.total(economy_rows(ctx), "utbetalt till kommunerna")
    if not paid:
        return None
    return Paragraph.plain(f"Till länets kommuner har {fmt.tkr(paid)} betalats ut under {ctx.period.year}.")


# The economy has a chapter of its own (`kubot.report.content.economy_chapter`).
REPORT = ReportHalf()
