"""The report half of ekonomi: the accounts and financing tables in tkr, and the payout sentence."""

from __future__ import annotations

from datetime import date

from kubot import economy
from kubot import formatting as fmt
from kubot.kinds.base import ReportHalf
from kubot.report import parts
from kubot.report.model import Cell, Paragraph, Run, Table

# Table 1's columns in the organisation's order; a column no row has a figure in is left out.
ACCOUNT_COLUMNS = ("ingående medel", "erhållna medel", "disponibla medel", "budget förbrukning", "utfall förbrukning",
                   "utbetalt till kommunerna", "kvarvarande medel", "varav statliga", "redovisat resultat")


ACCOUNT_TITLES = {
    "ingående medel": "Ingående medel",
    "erhållna medel": "Erhållna medel",
    "disponibla medel": "Disponibla medel",
    "budget förbrukning": f"Budget förbruk{parts.SHY}ning",
    "utfall förbrukning": f"Utfall förbruk{parts.SHY}ning",
    "utbetalt till kommunerna": f"Utbetalt till kommu{parts.SHY}nerna",
    "kvarvarande medel": f"Kvar{parts.SHY}varande medel",
    "varav statliga": "Varav statliga",
    "redovisat resultat": "Redovisat resultat",
}


ACCOUNT_ITEMS = ("ingående medel", "erhållna medel", "budget förbrukning", "utfall förbrukning", "varav statliga",
                 "redovisat resultat", "tidigare års resultat")


# Figures of the whole year carry the year in their header, figures of the accounts' day that day.
YEAR_COLUMNS = frozenset({"ingående medel", "erhållna medel", "disponibla medel", "budget förbrukning"})


DAY_COLUMNS = frozenset({"utfall förbrukning", "utbetalt till kommunerna", "kvarvarande medel", "redovisat resultat"})


FINANCING_COLUMNS = (*(f"finansiering {who}" for who in economy.FINANCERS), "total finansiering", *economy.SHARES)


FINANCING_HEADERS = (
    "Länets kommuner",
    "Staten",
    "Övriga",
    "Total finansiering",
    "Andel kommunerna",
    "Andel staten",
    "Andel övriga",
)


FOOTNOTE_MARK = "*"


def economy_rows(ctx: parts.Context) -> list[economy.AreaEconomy]:
    rows = [row for row in ctx.data.economy if ctx.plan.covers_area(row.area)]
    return economy.ordered(rows, ctx.plan.economy, ctx.plan.area_order)


def tkr(value: float | None) -> str:
    return "" if value is None else fmt.number(value)


def _as_of(rows: list[economy.AreaEconomy]) -> date:
    return max(row.as_of for row in rows)


def account_title(ctx: parts.Context, column: str, day: date) -> str:
    """A column's header with its year or day, as the organisation writes it: "Ingående balans 2022", "Utfall …
    2022-08-31"."""
    title = ctx.plan.economy.titles.get(column) or ACCOUNT_TITLES.get(column) or column.capitalize()
    if column in YEAR_COLUMNS:
        return f"{title} {day.year}"
    return f"{title} {fmt.day(day)}" if column in DAY_COLUMNS else title


def _footnotes(rows: list[economy.AreaEconomy]) -> dict[str, str]:
    """Each row with a footnote and its mark: "*", "**" … in the order the rows are printed."""
    noted = [row.area for row in rows if row.rule is not None and row.rule.footnote]
    return {area: FOOTNOTE_MARK * (index + 1) for index, area in enumerate(noted)}


def _account_rows(ctx: parts.Context) -> list[economy.AreaEconomy]:
    """The areas with accounts; an area that only pays out to the municipalities (VFU) is told in a sentence instead."""
    return [row for row in economy_rows(ctx) if any(row.get(item) is not None for item in ACCOUNT_ITEMS)]


def _shown_column(column: str, rows: list[economy.AreaEconomy]) -> bool:
    """The organisation's columns are always printed; the payout only where it lowers a remainder."""
    if column == "utbetalt till kommunerna":
        return any(row.get(column) is not None and row.remaining is not None for row in rows)
    return True


def accounts_table(ctx: parts.Context) -> Table | None:
    """Table 1: the accounts per area in tkr; disponibla, kvarvarande, the sum, subtotals and the accumulated result
    computed."""
    rows = _account_rows(ctx)
    if not rows:
        return None
    day = _as_of(rows)
    carried_over = economy.accumulated(rows)
    columns = [c for c in ACCOUNT_COLUMNS if _shown_column(c, rows)]
    marks = _footnotes(rows)

    def line(label: str, values: list[float | None], *, bold: bool = False) -> tuple[Cell, ...]:
        return (Cell.text(label, bold=bold), *(parts.number_cell(tkr(v), bold=bold) for v in values))

    body = [line(ctx.plan.area_names.get(row.area, row.area) + (f" {marks[row.area]}" if row.area in marks else ""),
                 [row.value(c) for c in columns]) for row in rows]
    body.append(line("Summa", [economy.total(rows, c) for c in columns], bold=True))
    for group in ctx.plan.economy.subtotals:
        members = [row for row in rows if row.area in group.areas]
        if members:
            body.append(line(group.title, [economy.total(members, c) for c in columns]))
    if carried_over is not None:
        earlier, accumulated = carried_over
        at_result: list[float | None] = [None] * (len(columns) - 1)  # the result column is the last
        word = "överskott" if earlier >= 0 else "underskott"
        body.append(line(f"{word.capitalize()} från tidigare år", [*at_result, earlier]))
        word = "överskott" if accumulated >= 0 else "underskott"
        body.append(line(f"Ackumulerat {word} {fmt.day(day)}", [*at_result, accumulated], bold=True))
    return Table(
        ("Område", *(account_title(ctx, c, day) for c in columns)),
        tuple(body),
        widths=(2.2, *(1.05 for _ in columns)),
        numeric=frozenset(range(1, len(columns) + 1)),
        total=True,
        small=True,
        caption=f"Redovisning i tkr per {fmt.day(day)}",
    )


def accounts_footnotes(ctx: parts.Context) -> list[Paragraph]:
    """The footnotes under Table 1, each with its row's mark and area."""
    rows = _account_rows(ctx)
    marks = _footnotes(rows)
    return [Paragraph((Run(f"{marks[row.area]} {ctx.plan.area_names.get(row.area, row.area)}: ", italic=True),
                       Run(row.rule.footnote if row.rule else "", italic=True)))
            for row in rows if row.area in marks]


def financing_table(ctx: parts.Context) -> Table | None:
    """Disponibla medel by financer per area: the municipalities, the state, others, and every financer's share,
    computed."""
    rows = [row for row in economy_rows(ctx) if row.financing_total]
    if not rows:
        return None

    def shown(row_or_total: float | None, column: str) -> str:
        if row_or_total is None:
            return ""
        return fmt.percent(row_or_total) if column in economy.SHARES else fmt.number(row_or_total)

    body = [
        (
            Cell.text(ctx.plan.area_names.get(row.area, row.area)),
            *(parts.number_cell(shown(row.value(c), c)) for c in FINANCING_COLUMNS),
        )
        for row in rows
    ]
    body.append(
        (
            Cell.text("Summa", bold=True),
            *(parts.number_cell(shown(economy.total(rows, c), c), bold=True) for c in FINANCING_COLUMNS),
        )
    )
    for group in ctx.plan.economy.subtotals:
        members = [row for row in rows if row.area in group.areas]
        if members:
            body.append(
                (
                    Cell.text(group.title),
                    *(parts.number_cell(shown(economy.total(members, c), c)) for c in FINANCING_COLUMNS),
                )
            )
    return Table(("Område", *FINANCING_HEADERS), tuple(body), widths=(3.0, 1.4, 1.2, 1.2, 1.5, 1.3, 1.3, 1.3),
                 numeric=frozenset(range(1, len(FINANCING_COLUMNS) + 1)), total=True, small=True,
                 caption="Finansiering per område (tkr)")


def balance_table(ctx: parts.Context) -> Table | None:
    """The opening balance beside what remains on the accounts' day, per area whose remainder is earmarked money."""
    rows = [row for row in _account_rows(ctx) if row.remaining is not None]
    if not rows:
        return None
    day = _as_of(rows)

    def line(label: str, opening: float | None, now: float | None, *, bold: bool = False) -> tuple[Cell, ...]:
        change = None if now is None else now - (opening or 0.0)  # no opening balance: all of it is this year's
        return (Cell.text(label, bold=bold), *(parts.number_cell(tkr(v), bold=bold) for v in (opening, now, change)))

    body = [line(ctx.plan.area_names.get(row.area, row.area), row.get("ingående medel"), row.remaining) for row in rows]
    body.append(
        line("Summa", economy.total(rows, "ingående medel"), economy.total(rows, "kvarvarande medel"), bold=True)
    )
    header = (
        "Område",
        account_title(ctx, "ingående medel", day),
        account_title(ctx, "kvarvarande medel", day),
        "Förändring",
    )
    return Table(header, tuple(body), widths=(3.4, 1.8, 1.8, 1.6), numeric=frozenset({1, 2, 3}), total=True, small=True,
                 caption=f"Ingående balans och kvarvarande medel per {fmt.day(day)} (tkr)")


def payout_sentence(ctx: parts.Context) -> Paragraph | None:
    paid = economy.total(economy_rows(ctx), "utbetalt till kommunerna")
    if not paid:
        return None
    return Paragraph.plain(f"Till länets kommuner har {fmt.tkr(paid)} betalats ut under {ctx.period.year}.")


# The economy has a chapter of its own (`kubot.report.content.economy_chapter`).
REPORT = ReportHalf()
