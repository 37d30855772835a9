"""The report's content as plain data, built without a database or Word from a plan and hand-made verdicts."""

from __future__ import annotations

from datetime import UTC, date, datetime

from kubot import facts
from kubot.periods import Period
from kubot.plan import loading
from kubot.report import content, gather, parts
from kubot.report.model import Bullets, Heading, Internal, Paragraph
from kubot.verdicts import Due, IndicatorVerdict, Snapshot, Status, Trend
from tests.conftest import PLANS

PERIOD = Period(2022, 2)
MADE = datetime(2022, 9, 5, 8, 0, tzinfo=UTC)


def _verdict(code: str, name: str, value: float | None, target: float | None, previous: float | None, status: Status,
             trend: Trend | None, analysis: str = "", ratio: tuple[float, float] | None = None,
             due: Due | None = None) -> IndicatorVerdict:
    """A hand-made verdict; without a value it is measured later (the survey in November) unless `due` says
    otherwise."""
    return IndicatorVerdict(code=code, name=name, unit="procent", direction="högre", value=value, target=target,
                            annual_target=target, previous=previous, status=status, status_rule="", trend=trend,
                            trend_rule="", due=due or (Due.REPORTED if value is not None else Due.LATER), due_rule="",
                            explanation="", analysis=analysis, ratio=ratio)


def _report(*verdicts: IndicatorVerdict, period: Period = PERIOD) -> content.Report:
    plan = loading.load((PLANS / "small.yaml").read_text(encoding="utf-8"))
    data = gather.ReportData(period=period, plan=plan, facts=facts.Facts(), events=(), economy=(), staff_fte=())
    snapshot = Snapshot(period=period, made_at=MADE, as_of=date(2022, 9, 5), deadline=date(2022, 9, 15),
                        indicators=verdicts, activities=(), warnings=(), id=7)
    return content.build(data, snapshot, content.Request(period, dnr="RJL 2022/1"), made_at=MADE)


def _indicator_rows(report: content.Report) -> dict[str, list[str]]:
    rows = {}
    for table in report.tables():
        if table.header == parts.INDICATOR_HEADER:
            for row in table.rows:
                rows[row[0].plain[2:]] = [cell.plain for cell in row]
    return rows


def test_a_missing_analysis_is_proposed_from_the_numbers_and_marked_as_a_proposal() -> None:
    report = _report(_verdict("narvaro-pks", "Närvaro vid PKS sammanträden", 68, 80, 74, Status.PARTLY, Trend.DOWN,
                              ratio=(17, 25)))
    symbol, target, result, analysis = _indicator_rows(report)["Närvaro vid PKS sammanträden"]
    assert symbol.startswith("◆ ") and target == "80 %" and result == "68 % ↘"
    assert (
        analysis
        == "Förslag – skriv om: Resultatet 68 % (17 av 25) når inte målvärdet 80 %, men mätetalet är delvis "
        "uppfyllt. Resultatet har minskat med 6 procentenheter jämfört med 2021 (74 %)."
    )
    table = next(t for t in report.tables() if t.header == parts.INDICATOR_HEADER)
    proposal = table.rows[0][3].paragraphs[0].runs
    assert proposal[0].text == parts.PROPOSAL and all(run.italic for run in proposal)


def test_a_written_analysis_is_printed_as_written() -> None:
    report = _report(_verdict("arbetsmiljo", "Andel medarbetare som upplever god arbetsmiljö", 90, 90, 92, Status.MET,
                              Trend.FLAT, analysis="Målet nås."))
    assert _indicator_rows(report)["Andel medarbetare som upplever god arbetsmiljö"][1:] == [
        "90 %",
        "90 % →",
        "Målet nås.",
    ]


def test_a_delarsrapport_keeps_an_indicator_measured_later_and_leaves_out_one_that_is_missing() -> None:
    report = _report(
        _verdict("nojd-samverkan", "Andel mycket nöjda med samverkan", None, 95, None, Status.NO_RESULT, None),
        _verdict("brukarrev", "Genomförda brukarrevisioner", None, 5, None, Status.NO_RESULT, None, due=Due.MISSING),
        _verdict("arbetsmiljo", "Andel medarbetare som upplever god arbetsmiljö", 90, 90, None, Status.MET, None),
    )
    rows = _indicator_rows(report)
    assert rows["Andel mycket nöjda med samverkan"][1:] == ["95 %", "—", "Mätning genomförs i november 2022."], \
        "the plan's measurement month (mätmånad: 11) and the report's year"
    assert "Genomförda brukarrevisioner" not in rows, "a missing result is listed in the internal note, not as a row"
    assert rows["Andel medarbetare som upplever god arbetsmiljö"][2] == "90 %", "no arrow without an earlier result"
    text = " ".join(b.text for b in report.blocks if isinstance(b, Paragraph))
    assert "Mätningen görs" not in text and "Ingen status" not in text


def test_a_goal_whose_every_indicator_is_measured_later_keeps_its_heading() -> None:
    report = _report(
        _verdict("nojd-samverkan", "Andel mycket nöjda med samverkan", None, 95, None, Status.NO_RESULT, None)
    )
    assert any(
        h.endswith("Samtliga kommuner har aktiva representanter i chefsnätverk eller liknande")
        for h in report.headings(2)
    )
    assert list(_indicator_rows(report)) == ["Andel mycket nöjda med samverkan"]


def test_sections_with_nothing_logged_are_left_out_and_listed_once_in_an_internal_note() -> None:
    report = _report(period=Period(2022, 3))
    headings = report.headings()
    assert not any("Viktiga händelser" in h or "Medarbetare" in h or h.endswith("Ekonomi") for h in headings)
    notes = [b for b in report.blocks if isinstance(b, Internal)]
    assert len(notes) == 1 and report.blocks[0] is notes[0]
    note = notes[0].text
    assert note.startswith("INTERNT – ta bort före utskick.")
    for missing in ("viktiga händelser", "årsarbetare", "ekonomin per område", "texten om framtiden"):
        assert missing in note, missing
    assert "Ola Götesson" in note or ":" in note, "each missing item names who can supply it"


def test_chapters_sections_and_appendices_are_numbered_without_gaps() -> None:
    headings = [b for b in _report(period=Period(2022, 3)).blocks if isinstance(b, Heading)]
    chapters = [h.text for h in headings if h.level == 1 and h.kind == "chapter"]
    assert [c.split()[0] for c in chapters] == [str(n) for n in range(1, len(chapters) + 1)]
    appendices = [h.text for h in headings if h.kind == "appendix"]
    assert appendices and appendices[0].startswith("Bilaga 1: Symbolförteckning")


def test_the_title_page_names_the_report_period_and_snapshot() -> None:
    report = _report()
    page = report.title_page
    assert page.title == "Delårsrapport januari–augusti 2022"
    assert page.period == "Period: 2022-01-01 – 2022-08-31"
    assert "Dnr RJL 2022/1" in page.lines
    assert page.draft.startswith("UTKAST – skapat av kubot 2022-09-05 10:00") and "utvärdering nr 7" in page.draft
    body = " ".join(b.text for b in report.blocks if isinstance(b, Paragraph))
    assert "utvärdering nr" not in body and "kubot" not in body, "generation details stay out of the body"


def test_every_legend_symbol_has_its_own_shape() -> None:
    indicators, activities = [t for t in _report().tables() if t.header == ("Symbol", "Betydelse")]
    assert [row[0].plain.strip() for row in indicators.rows] == ["●", "◆", "■", "○"]
    shapes = [row[0].plain.strip() for row in activities.rows]
    assert len(shapes) == 7 and len(set(shapes)) == 7


def test_a_delarsrapport_prints_at_most_three_marked_examples_per_partnership_and_events_only_once() -> None:
    plan = loading.load((PLANS / "small.yaml").read_text(encoding="utf-8"))
    marked = tuple(
        gather.ExampleItem(
            date(2022, 3, day), f"Exempel nummer {day} från missbruksområdet.", strategic_goal="sm1", area="missbruk"
        )
        for day in range(1, 6)
    )
    data = gather.ReportData(
        period=PERIOD,
        plan=plan,
        facts=facts.Facts(),
        staff_fte=(),
        economy=(),
        examples=marked,
        events=(gather.EventItem(date(2022, 4, 1), "missbruk", None, "En viktig händelse som inte är exempel."),),
    )
    snapshot = Snapshot(period=PERIOD, made_at=MADE, as_of=date(2022, 9, 5), deadline=None, indicators=(
        _verdict("arbetsmiljo", "Andel medarbetare som upplever god arbetsmiljö", 90, 90, None, Status.MET, None),),
        activities=(), warnings=(), id=None)
    report = content.build(data, snapshot, content.Request(PERIOD), made_at=MADE)
    texts = [item.text for block in report.blocks if isinstance(block, Bullets) for item in block.items]
    assert [t for t in texts if t.startswith("Exempel nummer")] == [
        f"Exempel nummer {day} från missbruksområdet." for day in (1, 2, 3)
    ]
    assert texts.count("En viktig händelse som inte är exempel.") == 1
    assert any(isinstance(b, Heading) and b.text.endswith("Exempel på aktiviteter") for b in report.blocks)


def test_a_chapter_without_a_marked_example_has_no_example_section_and_the_draft_says_how_to_mark_one() -> None:
    report = _report(
        _verdict("arbetsmiljo", "Andel medarbetare som upplever god arbetsmiljö", 90, 90, None, Status.MET, None)
    )
    assert not any(isinstance(b, Heading) and "Exempel på aktiviteter" in b.text for b in report.blocks)
    note = next(b for b in report.blocks if isinstance(b, Internal))
    assert "exempel (”exempel <nummer>”) till ”Vi har ett starkt och jämbördigt partnerskap" in note.text
