"""The report's first chapter, Inledning, and the named texts a report prints.

Both shapes open alike: the mission, the vision, the six strategic goals and how the work is
evaluated. The verksamhetsberättelse then tells the events, the 3 K effects grouped by effect,
the staff and the future; the delårsrapport (seed 000) tells the events grouped by partnership
and, within each, by 3 K effect, the staff and the measures for the rest of the year.

A section that prints a named text (`text framtiden T3 2018: …`) says so with `prints`: the
texts a report shape accepts are the ones its sections print (`content.text_sections`), so the
`text` command refuses a text no section of that shape would print instead of storing it unread.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from kubot import formatting as fmt
from kubot.kinds import survey
from kubot.kinds.staff import report as staff_report
from kubot.report import gather, parts
from kubot.report.model import Block, Bullets, Heading, Paragraph, Run
from kubot.report.parts import Context

Section = Callable[[Context], list[Block]]


@dataclass(frozen=True)
class TextSection:
    """A named text of a report: `key` is what `text <key> …` names, `title` what the reply calls it."""

    key: str
    title: str


INTRODUCTION = TextSection("inledning", "Inledning")
EVALUATION = TextSection("utvärdering", "Utvärdering")
STAFF = TextSection("medarbetare", "Medarbetare")
FUTURE = TextSection("framtiden", "Framtiden")
ECONOMY = TextSection("ekonomi", "Ekonomisk analys")
MEASURES = TextSection("åtgärder", "Åtgärder under resten av året")

_PRINTED: dict[Section, tuple[TextSection, ...]] = {}


def prints(*texts: TextSection) -> Callable[[Section], Section]:
    """Mark a section as the one that prints `texts`."""
    def mark(section: Section) -> Section:
        _PRINTED[section] = texts
        return section
    return mark


def printed_by(section: Section) -> tuple[TextSection, ...]:
    return _PRINTED.get(section, ())


@prints(INTRODUCTION)
def introduction(ctx: Context) -> list[Block]:
    spec, plan = ctx.data.plan, ctx.plan
    blocks: list[Block] = [Heading("Inledning", 1)]
    if spec.organisation.mission:
        blocks.extend(parts.prose(spec.organisation.mission))
    if spec.organisation.vision:
        blocks.append(Paragraph((Run("Vision: ", bold=True), Run(spec.organisation.vision))))
    if text := ctx.text(INTRODUCTION.key):
        blocks.extend(parts.prose(text))
    if spec.strategic_goals:
        count = parts.count_text(len(spec.strategic_goals), "strategiskt mål", "strategiska mål")
        blocks.append(Paragraph.plain(f"{spec.organisation.name} har {count}:"))
        blocks.append(Bullets(tuple(Paragraph.plain(sg.name) for sg in spec.strategic_goals)))
    if plan.area:
        below = sorted(plan.scope - {plan.area}, key=plan.group_order) if plan.scope else []
        extra = f", med områdena {parts.names_list([plan.area_names[c] for c in below])}" if below else ""
        blocks.append(Paragraph.plain(f"Rapporten gäller {plan.area_names[plan.area]}{extra}."))
    return blocks


@prints(EVALUATION)
def evaluation_method(ctx: Context) -> list[Block]:
    period, organisation = ctx.period, ctx.data.plan.organisation.name
    blocks: list[Block] = [Heading(f"Utvärdering av {organisation}s verksamhet", 2)]
    if text := ctx.text(EVALUATION.key):
        blocks.extend(parts.prose(text))
    else:
        ctx.miss("texten om utvärderingen (”text utvärdering …”)")
    blocks.append(
        Paragraph.plain(
            f"Varje mätetal bedöms mot sitt målvärde för perioden {fmt.day(period.start)}–{fmt.day(period.end)}."
            " Symbolen framför mätetalet visar om målvärdet nås, och pilen bredvid resultatet hur resultatet har"
            f" förändrats jämfört med samma period {period.year - 1}. Aktiviteternas symboler visar den senast"
            " rapporterade statusen under året."
        )
    )
    answers = survey.responses(ctx.data.facts)
    respondents = sum(sum(s.counts) + s.dont_know for s in answers if s.year == period.year)
    networks = {s.network for s in answers if s.year == period.year}
    if networks:
        blocks.append(
            Paragraph.plain(
                f"Den årliga utvärderingsenkäten för {period.year} är besvarad i"
                f" {parts.count_text(len(networks), 'nätverk', 'nätverk')} med sammanlagt"
                f" {parts.count_text(respondents, 'svar', 'svar')} på frågorna. Frågorna besvaras på en skala 1–6, där"
                " 1–2 = missnöjd, 3–4 = nöjd och 5–6 = mycket nöjd; resultatet är andelen mycket nöjda."
            )
        )
    blocks.append(Paragraph.plain("Som bilaga finns en symbolförteckning för mätetal och aktiviteter."))
    return blocks


def _group(ctx: Context, item: gather.EventItem) -> str | None:
    """An event's group: its partnership, or its own area in an area's report."""
    return item.area if ctx.plan.area else ctx.plan.partnership(item.area)


def events(ctx: Context) -> list[Block]:
    """Important events without a 3 K effect; those with one are told under the 3 K, those marked as examples
    under their strategic goal – each once."""
    items = [e for e in ctx.data.events if ctx.plan.covers_area(e.area) and not e.three_k]
    if not items:
        ctx.miss("viktiga händelser (”händelse <område>: …”)")
        return []
    groups: defaultdict[str | None, list[Paragraph]] = defaultdict(list)
    for event in items:
        groups[_group(ctx, event)].append(Paragraph.plain(event.text))
    return [Heading("Viktiga händelser", 2), *parts.grouped_bullets(groups, ctx.plan)]


def three_k(ctx: Context) -> list[Block]:
    """The verksamhetsberättelse's 3 K: by effect, each example with its partnership."""
    plan = ctx.plan
    effects = [e for e in ctx.data.events if plan.covers_area(e.area) and e.three_k]
    if not effects:
        ctx.miss("exempel på 3 K-effekter (”händelse <område> kompetens: …”)")
        return []
    blocks: list[Block] = [Heading("Effekter enligt 3 K: kostnadseffektivitet, kompetenshöjning, kvalitetshöjning", 2)]
    for kind, title in parts.THREE_K_TITLES.items():
        items = [e for e in effects if e.three_k == kind]
        if items:
            blocks.append(Paragraph((Run(title, bold=True),)))
            blocks.append(
                Bullets(
                    tuple(
                        Paragraph((Run(f"{plan.group_name(plan.partnership(e.area))}: ", bold=True), Run(e.text)))
                        for e in items
                    )
                )
            )
    return blocks


def events_by_partnership(ctx: Context) -> list[Block]:
    """The delårsrapport's events as the organisation groups them: per partnership (in the plan's order), first its
    events, then its 3 K effects by effect."""
    items = [e for e in ctx.data.events if ctx.plan.covers_area(e.area)]
    if not items:
        ctx.miss("viktiga händelser (”händelse <område>: …”)")
        return []
    groups: defaultdict[str | None, list[gather.EventItem]] = defaultdict(list)
    for event in items:
        groups[_group(ctx, event)].append(event)
    blocks: list[Block] = [Heading("Viktiga händelser", 2)]
    for group in sorted(groups, key=ctx.plan.group_order):
        blocks.append(Paragraph((Run(ctx.plan.group_name(group), bold=True),)))
        if plain := [Paragraph.plain(e.text) for e in groups[group] if not e.three_k]:
            blocks.append(Bullets(tuple(plain)))
        for kind, title in parts.THREE_K_TITLES.items():
            if told := [Paragraph.plain(e.text) for e in groups[group] if e.three_k == kind]:
                # Bold as well as italic: the same effect under the next partnership is a label, not a repeat.
                blocks.extend([Paragraph((Run(title, bold=True, italic=True),)), Bullets(tuple(told))])
    return blocks


@prints(STAFF)
def staff(ctx: Context) -> list[Block]:
    """Medarbetare: the text and the staff table; the verksamhetsberättelse also says how the staff are financed,
    which the delårsrapport tells in its economy (§2.2.1)."""
    if ctx.plan.area:
        return []
    text, table = ctx.text(STAFF.key), staff_report.staff_table(ctx)
    financing = staff_report.staff_financing_sentence(ctx) if ctx.period.is_annual else None
    if table is None:
        ctx.miss("årsarbetare per anställningsform (”årsarbetare …”)")
    if text is None:
        ctx.miss("texten om medarbetare (”text medarbetare …”)")
    if text is None and table is None:
        return []
    return [Heading("Medarbetare", 2), *(parts.prose(text) if text else []), *([financing] if financing else []),
            *([table] if table else [])]


@prints(FUTURE)
def future(ctx: Context) -> list[Block]:
    if text := ctx.text(FUTURE.key):
        return [Heading("Framtiden", 2), *parts.prose(text)]
    ctx.miss("texten om framtiden (”text framtiden …”)")
    return []


@prints(MEASURES)
def measures(ctx: Context) -> list[Block]:
    """What the delårsrapport says about the rest of the year: the last section of its Inledning, where the
    verksamhetsberättelse has Framtiden."""
    if text := ctx.text(MEASURES.key):
        return [Heading("Åtgärder under resten av året", 2), *parts.prose(text)]
    ctx.miss("åtgärder under resten av året (”text åtgärder …”)")
    return []
