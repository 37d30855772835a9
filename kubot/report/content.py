"""What the report says, and in which shape: one ordered list of sections per kind of report.

Pure: `build` takes the gathered data and an evaluation snapshot and returns a `model.Report`.
The verksamhetsberättelse (T3) follows Verksamhetsberättelse 2018: Inledning with the
evaluation, events, staff and the future; a chapter per strategic goal with indicator and
activity tables, charts and analysis; the economy; the appendices. The delårsrapport (T1, T2)
follows Delårsrapport T2 2022: Inledning with the strategic goals, the evaluation, the events by
partnership and 3 K, Medarbetare and the measures for the rest of the year; per strategic goal a
few examples and the indicators that have results or are measured later, with the economy as
§2.2 of the first (the cost-effective use of the municipalities' money, §2.2.1 the staff's
financing); the legend. The tables and charts of one kind of record (attendance, courses,
commissions …) are that kind's report half (`kubot/kinds/<kind>/report.py`); the first chapter's
sections are in `opening`.

The named texts a shape accepts (`text_sections`) are those its sections print, so a text for a
section the report does not have is refused when it is given, never stored and left out.

A section with nothing to show is left out (and numbering closes up); what is missing is listed
once, with who can supply it, in an internal note at the start that the sender deletes.
Warnings from the evaluation go to an internal appendix; which evaluation was used goes to the
title page's draft line and the document properties, not into the body.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from kubot import formatting as fmt
from kubot import kinds, signoff
from kubot.kinds.base import ReportHalf
from kubot.kinds.economy import report as economy_report
from kubot.kinds.staff import report as staff_report
from kubot.periods import TERTIAL_NAMES, Period
from kubot.plan.schema import GoalSpec, StrategicGoalSpec
from kubot.report import gather, goal_tables, parts
from kubot.report.model import Block, Bullets, Heading, Internal, Paragraph, Report, Run, TitlePage
from kubot.report.opening import (
    ECONOMY,
    Section,
    TextSection,
    evaluation_method,
    events,
    events_by_partnership,
    future,
    introduction,
    measures,
    printed_by,
    prints,
    staff,
    three_k,
)
from kubot.report.parts import Context
from kubot.verdicts import Snapshot

INTERNAL_MARK = "INTERNT – ta bort före utskick."


@dataclass(frozen=True)
class Request:
    """Who asked for which report; `area` narrows it to one partnership or area (a code)."""

    period: Period
    area: str | None = None
    dnr: str | None = None
    author: str = ""


def report_name(period: Period) -> str:
    """ "Verksamhetsberättelse 2018" for T3, "Delårsrapport januari–augusti 2022" for T1 and T2."""
    if period.is_annual:
        return f"Verksamhetsberättelse {period.year}"
    return f"Delårsrapport {TERTIAL_NAMES[period.tertial]} {period.year}"


def slug(text: str) -> str:
    folded = text.lower().translate(str.maketrans("åäöéü–", "aaoeu-"))
    return "-".join("".join(ch if ch.isalnum() else " " for ch in folded).split())


# --- the sections ----------------------------------------------------------------------------------


def _goal_blocks(ctx: Context, goal: GoalSpec, told: frozenset[tuple[str, str]], *, lean: bool) -> list[Block]:
    blocks: list[Block] = []
    table = goal_tables.indicator_table(ctx, goal, only_results=lean)
    if table is not None:
        blocks.append(table)
    if not lean:
        for half in _report_halves():
            blocks.extend(half.goal_blocks(ctx, goal))
        for spec in goal.indicators:
            verdict = ctx.snapshot.indicator(spec.code)
            if verdict is None or verdict.value is None:
                continue
            for half in _report_halves():
                blocks.extend(half.indicator_blocks(ctx, spec, verdict))
        activities, silent = goal_tables.activity_table(ctx, goal, told)
        if activities is not None:
            blocks.append(activities)
        if silent:
            blocks.append(
                Paragraph.plain(f"Ingen status är rapporterad under året för {parts.names_list(silent)}.", italic=True)
            )
    own = [*parts.prose(goal.description), *parts.prose(ctx.text(f"mål:{goal.code}") or "")]
    if not blocks and not own:
        return []
    heading: list[Block] = [Heading(goal.name, 2)]
    if goal.area and ctx.plan.area != goal.area:
        heading.append(
            Paragraph((Run("Område: ", italic=True), Run(ctx.plan.area_names.get(goal.area, goal.area), italic=True)))
        )
    return heading + own + blocks


def strategic_chapter(
    ctx: Context, strategic: StrategicGoalSpec, *, lean: bool, inserted: list[Block] | None = None
) -> list[Block]:
    """A strategic goal's chapter: its examples, then `inserted` (the delårsrapport's economy, §2.2), its goals and
    its analysis."""
    inserted = inserted or []
    goals = ctx.plan.goals(strategic)
    chosen = parts.chosen_examples(ctx, strategic, parts.EXAMPLES_PER_GROUP if lean else None)
    told = frozenset((item.activity, item.text) for _, item in chosen if item.activity is not None)
    body: list[Block] = []
    for goal in goals:
        body.extend(_goal_blocks(ctx, goal, told, lean=lean))
    prefix = f"avsnitt:{strategic.code}:"
    for key, text in ctx.data.texts.items():
        if key.startswith(prefix) and text.strip():
            body.extend([Heading(key[len(prefix):], 2), *parts.prose(text)])
    example_blocks = parts.examples(ctx, chosen)
    analysis = ctx.text(f"analys:{strategic.code}")
    if analysis is None and goals and not lean:
        ctx.miss(f"analysen för ”{strategic.name}” (”text analys {strategic.code} {ctx.period.code} …”)")
    if not body and not example_blocks and analysis is None and not inserted:
        return []
    if not example_blocks:
        # Examples are chosen, never guessed: without one the section is left out and the draft says how to add one.
        ctx.miss(f"exempel (”exempel <nummer>”) till ”{strategic.name}”")
    blocks: list[Block] = [Heading(strategic.name, 1)]
    if strategic.description.strip():
        blocks.extend(parts.prose(strategic.description))
    elif not lean:
        ctx.miss(f"beskrivningen av ”{strategic.name}” (beskrivning: i planfilen)")
    if example_blocks:
        blocks.append(Heading("Exempel på aktiviteter", 2))
        blocks.extend(example_blocks)
    blocks.extend(inserted)
    blocks.extend(body)
    if analysis is not None:
        blocks.extend([Heading("Analys", 2), *parts.prose(analysis)])
    return blocks


def strategic_chapters(ctx: Context) -> list[Block]:
    return [
        block for strategic in ctx.data.plan.strategic_goals for block in strategic_chapter(ctx, strategic, lean=False)
    ]


@prints(ECONOMY)
def lean_chapters(ctx: Context) -> list[Block]:
    """The delårsrapport's chapters; the organisation reports its economy under its first strategic goal, the
    cost-effective use of the municipalities' money."""
    blocks: list[Block] = []
    for index, strategic in enumerate(ctx.data.plan.strategic_goals):
        blocks.extend(
            strategic_chapter(ctx, strategic, lean=True, inserted=economy_section(ctx) if index == 0 else None)
        )
    return blocks


def _economy_blocks(ctx: Context) -> list[Block]:
    """The economy's text and tables; a delårsrapport also shows the opening balance beside the remainder."""
    text, accounts, financing = (
        ctx.text(ECONOMY.key),
        economy_report.accounts_table(ctx),
        economy_report.financing_table(ctx),
    )
    balance = economy_report.balance_table(ctx) if not ctx.period.is_annual else None
    if accounts is None:
        ctx.miss("ekonomin per område (”ekonomi …” eller kubot import ekonomi)")
    if text is None:
        ctx.miss("den ekonomiska analysen (”text ekonomi …”)")
    blocks: list[Block] = [*parts.prose(text)] if text else []
    if accounts is not None:
        blocks.extend([accounts, *economy_report.accounts_footnotes(ctx)])
    blocks.extend(block for block in (economy_report.payout_sentence(ctx), financing, balance) if block is not None)
    return blocks


@prints(ECONOMY)
def economy_chapter(ctx: Context) -> list[Block]:
    """The verksamhetsberättelse's economy, a chapter after the strategic goals'."""
    blocks = _economy_blocks(ctx)
    return [Heading("Ekonomi", 1), *blocks] if blocks else []


def economy_section(ctx: Context) -> list[Block]:
    """The delårsrapport's §2.2 Ekonomisk redovisning, with the staff's financing as §2.2.1."""
    blocks = _economy_blocks(ctx)
    if (staff_sentence := staff_report.staff_financing_sentence(ctx)) is not None:
        blocks.extend([Heading("Årsarbetare och deras finansiering", 3), staff_sentence])
    return [Heading("Ekonomisk redovisning", 2), *blocks] if blocks else []


def legend(ctx: Context) -> list[Block]:
    return parts.legend()


def appendices(ctx: Context) -> list[Block]:
    """The record kinds' appendices, in the registry's order; only the organisation's report has them."""
    if ctx.plan.area:
        return []
    return [block for half in _report_halves() for appendix in half.appendices for block in appendix(ctx)]


@cache
def _report_halves() -> tuple[ReportHalf, ...]:
    return tuple(kinds.report_half(kind).REPORT for kind in kinds.KINDS)


# The two shapes, in order. Each section returns nothing when it has nothing to show.
ANNUAL: tuple[Section, ...] = (introduction, evaluation_method, events, three_k, staff, future, strategic_chapters,
                               economy_chapter, legend, appendices)
INTERIM: tuple[Section, ...] = (
    introduction,
    evaluation_method,
    events_by_partnership,
    staff,
    measures,
    lean_chapters,
    legend,
)


def shape(period: Period) -> tuple[Section, ...]:
    return ANNUAL if period.is_annual else INTERIM


def text_sections(period: Period) -> tuple[TextSection, ...]:
    """The named texts the report of `period` prints, in the report's order: what `text … <period>` accepts."""
    return tuple(text for section in shape(period) for text in printed_by(section))


def all_text_sections() -> tuple[TextSection, ...]:
    """Every named text some report shape prints."""
    return tuple(
        dict.fromkeys(text for sections in (ANNUAL, INTERIM) for section in sections for text in printed_by(section))
    )


# --- numbering, repetition and the internal parts -----------------------------------------------------


def number(blocks: list[Block]) -> list[Block]:
    """Chapters "1 …", sections "1.2 …" and "2.2.1 …", appendices "Bilaga 2: …" – counted after empty sections are
    gone."""
    chapter = section = subsection = appendix = 0
    numbered: list[Block] = []
    for block in blocks:
        if isinstance(block, Heading) and block.kind == "chapter":
            if block.level == 1:
                chapter, section = chapter + 1, 0
                block = Heading(f"{chapter} {block.text}", 1)
            elif block.level == 2:
                section, subsection = section + 1, 0
                block = Heading(f"{chapter}.{section} {block.text}", 2)
            else:
                subsection += 1
                block = Heading(f"{chapter}.{section}.{subsection} {block.text}", 3)
        elif isinstance(block, Heading) and block.kind == "appendix":
            appendix += 1
            block = Heading(f"Bilaga {appendix}: {block.text}", 1, kind="appendix")
        numbered.append(block)
    return numbered


def without_repeats(blocks: list[Block]) -> list[Block]:
    """Drop a paragraph or bullet that says exactly what the report already said."""
    seen: set[str] = set()
    kept: list[Block] = []
    for block in blocks:
        if isinstance(block, Paragraph) and not any(run.bold for run in block.runs):
            if block.text in seen:
                continue
            seen.add(block.text)
        if isinstance(block, Bullets):
            items = tuple(item for item in block.items if item.text not in seen)
            seen.update(item.text for item in items)
            if not items:
                continue
            block = Bullets(items)
        kept.append(block)
    return kept


def missing_note(
    missing: list[tuple[str, str]], signoffs: signoff.State | None = None, period: Period | None = None
) -> Internal | None:
    """One note before the first chapter: what is missing, by whom, and which parts are not yet marked ready."""
    said = []
    if missing:
        by_owner: defaultdict[str, list[str]] = defaultdict(list)
        for what, owner in missing:
            if what not in by_owner[owner]:
                by_owner[owner].append(what)
        said.append(
            "Saknas i utkastet – "
            + "; ".join(f"{owner}: {', '.join(items)}" for owner, items in by_owner.items())
            + "."
        )
    if signoffs is not None and signoffs.unready and period is not None:
        said.append(
            f"Inte klart för godkännande – {signoff.not_ready(signoffs.unready)}. Den som är klar skriver t.ex. "
            f"”klar {signoffs.unready[0].code} {period.code}”."
        )
    return Internal(f"{INTERNAL_MARK} {' '.join(said)}") if said else None


def stated_note(data: gather.ReportData) -> list[Block]:
    """Totals stated instead of derived, each beside the derived figure, so the sender sees any difference."""
    if not data.stated:
        return []
    said = "; ".join(
        f"{s.code}: {fmt.in_unit(s.unit, s.stated)} uppgivet ({s.reason}), "
        f"{fmt.in_unit(s.unit, s.derived) if s.derived is not None else 'inget'} framräknat ur registreringar"
        for s in data.stated)
    return [Internal(f"{INTERNAL_MARK} Uppgivna siffror i rapporten – {said}.")]


def internal_appendix(snapshot: Snapshot) -> list[Block]:
    if not snapshot.warnings:
        return []
    # Not a heading: the internal appendix must not appear in the table of contents.
    return [
        Internal(f"{INTERNAL_MARK} Tidiga varningar från utvärderingen – underlag för analysen, inte för rapporten:"),
        Bullets(tuple(Paragraph.plain(w.text) for w in snapshot.warnings)),
    ]


# --- the whole report ------------------------------------------------------------------------------


def build(data: gather.ReportData, snapshot: Snapshot, request: Request, *, made_at: datetime,
          signoffs: signoff.State | None = None) -> Report:
    """The report for `request.period`, judged by `snapshot`; `made_at` is when it is generated. With the
    parts' `signoffs`, an approved report is final and a draft lists the parts not yet ready."""
    period = data.period
    ctx = Context(data, snapshot, parts.PlanView(data.plan, request.area))
    name = report_name(period)
    title = f"{name} – {ctx.plan.area_names[request.area]}" if request.area else name
    parts.owed_items(ctx)
    body: list[Block] = []
    for section in shape(period):
        body.extend(section(ctx))
    blocks = without_repeats(number(body))
    approval = signoffs.approval if signoffs is not None else None
    if approval is None and (note := missing_note(ctx.missing, signoffs, period)) is not None:
        blocks.insert(0, note)
    lines = [f"Dnr {request.dnr}"] if request.dnr else []
    if request.author:
        lines.append(request.author)
    lines.append(data.plan.organisation.name)
    evaluation = f"utvärdering nr {snapshot.id}" if snapshot.id is not None else "utvärdering"
    draft = (f"UTKAST – skapat av kubot {fmt.timestamp(made_at)} med uppgifterna per {fmt.day(snapshot.as_of)}. "
             f"Bedömningar från {evaluation} {fmt.timestamp(snapshot.made_at)}.")
    if approval is not None:
        draft = f"Godkänd av {approval.by} {fmt.timestamp(approval.at)}. Uppgifterna per {fmt.day(snapshot.as_of)}."
    title_page = TitlePage(
        organisation=data.plan.organisation.name, title=title,
        period=f"Period: {fmt.day(period.start)} – {fmt.day(period.end)}", lines=tuple(lines), draft=draft,
        properties=f"{draft} Period {period.code}, uppgifter per {fmt.day(snapshot.as_of)}.",
    )
    stem = slug(f"{name} {ctx.plan.area_names[request.area]}" if request.area else name)
    internal = () if approval is not None else (*stated_note(data), *internal_appendix(snapshot))
    return Report(
        title_page=title_page, blocks=tuple(blocks), file_stem=stem, internal=internal, final=approval is not None
    )
