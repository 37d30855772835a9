"""The report half of uppdrag: the commissions per area in the annual report's course appendix, and the total
of participants on courses and commissions (Verksamhetsberättelse 2018, Bilaga 3)."""

from __future__ import annotations

from kubot import derived
from kubot import formatting as fmt
from kubot.kinds.base import ReportHalf
from kubot.kinds.commission import commissions
from kubot.kinds.course import courses
from kubot.report import parts
from kubot.report.model import Block, Cell, Heading, Paragraph, Table


def commission_table(ctx: parts.Context) -> list[Block]:
    """After the course participants (it follows the courses' appendix in the registry), as the published report has
    it."""
    period = ctx.period
    done = commissions(ctx.data.facts, period)
    if not done:
        ctx.miss("uppdrag åt kommunerna (”uppdrag Miljösamverkan 2018-05-14 3 uppdrag 120 deltagare”)")
        return []
    by_area: dict[str, list[int]] = {}
    for item in done:
        totals = by_area.setdefault(item.area, [0, 0])
        totals[0] += item.participants
        totals[1] += item.commissions
    rows = [
        (
            Cell.text(ctx.plan.area_names.get(code, code)),
            parts.number_cell(fmt.number(people)),
            parts.number_cell(fmt.number(count)),
        )
        for code, (people, count) in sorted(by_area.items(), key=lambda item: ctx.plan.group_order(item[0]))
    ]
    participants, number = sum(c.participants for c in done), sum(c.commissions for c in done)
    rows.append((Cell.text("Summa", bold=True), parts.number_cell(fmt.number(participants), bold=True),
                 parts.number_cell(fmt.number(number), bold=True)))
    held = derived.course_count(courses(ctx.data.facts), period)
    on_courses = derived.participant_count(courses(ctx.data.facts), period)
    # Without the courses' appendix to stand in, the table gets a heading of its own.
    blocks: list[Block] = (
        [] if on_courses else [Heading(f"Uppdrag åt länets kommuner {period.year}", 1, kind="appendix")]
    )
    blocks += [
        Paragraph.plain("Utöver kursdeltagarna har följande uppdrag utförts:"),
        Table(
            ("Område", "Antal deltagare", "Antal uppdrag"),
            tuple(rows),
            widths=(5.0, 2.5, 2.5),
            numeric=frozenset({1, 2}),
            total=True,
            caption=f"Uppdrag åt länets kommuner {period.year}",
        ),
        Paragraph.plain(
            f"Deltagare på kurser och uppdrag {period.year}: {fmt.number(on_courses + participants)} "
            f"({fmt.number(on_courses)} på {parts.count_text(held, 'kurs', 'kurser')} och "
            f"{fmt.number(participants)} i {parts.count_text(number, 'uppdrag', 'uppdrag')})."
        ),
    ]
    return blocks


REPORT = ReportHalf(appendices=(commission_table,))
