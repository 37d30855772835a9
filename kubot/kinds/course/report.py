"""The report half of kurs: the appendices of the annual report on cost reduction and participants per municipality."""

from __future__ import annotations

from kubot import derived
from kubot import formatting as fmt
from kubot.kinds.base import ReportHalf
from kubot.kinds.course import courses
from kubot.report import parts
from kubot.report.model import Block, Cell, Heading, Paragraph, Table

COURSE_EXAMPLES = 10


def course_examples(ctx: parts.Context) -> list[Block]:
    period, data = ctx.period, ctx.data
    priced = [
        c
        for c in courses(data.facts)
        if period.contains(c.day) and c.price is not None and c.external_price is not None
    ]
    if not priced:
        ctx.miss("kurser med pris och externt jämförpris (”kurs … pris … extern …”)")
        return []
    reductions = [(course, derived.cost_reduction([course], period)) for course in priced]
    examples = sorted(reductions, key=lambda item: (-item[1].numerator, item[0].name))[:COURSE_EXAMPLES]
    rows: list[tuple[Cell, ...]] = []
    for course, reduction in examples:
        assert course.price is not None and course.external_price is not None
        rows.append(
            (
                Cell.text(course.name),
                parts.number_cell(fmt.kronor(course.price)),
                parts.number_cell(fmt.number(course.participants)),
                parts.number_cell(fmt.kronor(course.external_price)),
                parts.number_cell(fmt.kronor(course.external_price - course.price)),
                parts.number_cell(fmt.kronor(reduction.numerator)),
                parts.number_cell(fmt.ratio_percent(reduction.value) if reduction.value is not None else "–"),
            )
        )
    total = derived.cost_reduction(priced, period)
    rows.append((Cell.text(f"Total kostnadsreducering för samtliga {len(priced)} kurser med jämförpris", bold=True),
                 *(Cell.text("") for _ in range(4)), parts.number_cell(fmt.kronor(total.numerator), bold=True),
                 parts.number_cell(fmt.ratio_percent(total.value) if total.value is not None else "–", bold=True)))
    return [
        Heading("Exempel på kurser som genererar en hög kostnadseffektivitet för länets kommuner", 1, kind="appendix"),
        Table(
            (
                "Kurs",
                "Kostnad per deltagare via Kommunal utveckling",
                f"Antal del{parts.SHY}tagare",
                "Kostnad per deltagare externt",
                f"Kostnads{parts.SHY}reducering per deltagare",
                f"Kostnads{parts.SHY}reducering per kurs",
                f"Kostnads{parts.SHY}reducering i %",
            ),
            tuple(rows),
            widths=(2.6, 1.5, 1.2, 1.5, 1.5, 1.5, 1.7),
            numeric=frozenset(range(1, 7)),
            total=True,
            small=True,
        ),
        Paragraph.plain(
            f"Sammanställningen visar de {len(examples)} kurser med störst kostnadsreducering av totalt"
            f" {derived.course_count(courses(data.facts), period)} kurser under perioden. Kostnader för resa och boende"
            " är inte inräknade."
        ),
    ]


def course_participants(ctx: parts.Context) -> list[Block]:
    period, data = ctx.period, ctx.data
    total = derived.participant_count(courses(data.facts), period)
    shares = derived.participants_by_municipality(courses(data.facts), period)
    if not total or not shares:
        ctx.miss("kursdeltagare per kommun (”kurs … Aneby 3, Eksjö 2, externa 4”)")
        return []
    rows = []
    for code, name in ctx.plan.municipalities.items():
        share = shares.get(code, derived.Ratio(0, total))
        rows.append(
            (
                Cell.text(name),
                parts.number_cell(fmt.number(share.numerator)),
                parts.number_cell(fmt.percent(share.percent or 0, 1)),
            )
        )
    unassigned = total - sum(share.numerator for share in shares.values())
    if unassigned:
        rows.append(
            (
                Cell.text("Externa deltagare och deltagare utan kommunfördelning"),
                parts.number_cell(fmt.number(unassigned)),
                parts.number_cell(fmt.percent(100 * unassigned / total, 1)),
            )
        )
    rows.append(
        (
            Cell.text("Summa", bold=True),
            parts.number_cell(fmt.number(total), bold=True),
            parts.number_cell(fmt.percent(100, 1), bold=True),
        )
    )
    return [
        Heading(f"Deltagande på kurser {period.year}, fördelat på länets kommuner", 1, kind="appendix"),
        Table(
            ("Kommun", "Antal deltagare", "Procent"),
            tuple(rows),
            widths=(5.0, 2.5, 2.5),
            numeric=frozenset({1, 2}),
            total=True,
            caption=f"Deltagare på kurser {period.label}, i förhållande till totala antalet kursdeltagare",
        ),
    ]


REPORT = ReportHalf(appendices=(course_examples, course_participants))
