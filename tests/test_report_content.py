"""The report's content as plain data, built without a database or Word from a plan and hand-made verdicts."""

from __future__ import annotations

from datetime import UTC, date, datetime

from kubot import facts, planfile
from kubot.periods import Period
from kubot.report import content, gather
from kubot.report.model import Paragraph
from kubot.verdicts import Due, IndicatorVerdict, Snapshot, Status, Trend
from tests.conftest import PLANS

PERIOD = Period(2022, 2)
MADE = datetime(2022, 9, 5, 8, 0, tzinfo=UTC)


def _verdict(code: str, name: str, value: float | None, target: float | None, previous: float | None, status: Status,
             trend: Trend | None, analysis: str = "", ratio: tuple[float, float] | None = None) -> IndicatorVerdict:
    return IndicatorVerdict(code=code, name=name, unit="procent", direction="högre", value=value, target=target,
                            annual_target=target, previous=previous, status=status, status_rule="", trend=trend,
                            trend_rule="", due=Due.REPORTED if value is not None else Due.LATER, due_rule="",
                            explanation="", analysis=analysis, ratio=ratio)


def _report(*verdicts: IndicatorVerdict) -> content.Report:
    plan = planfile.load((PLANS / "small.yaml").read_text(encoding="utf-8"))
    data = gather.ReportData(period=PERIOD, plan=plan, facts=facts.Facts(), events=(), economy=(), staff_fte=())
    snapshot = Snapshot(period=PERIOD, made_at=MADE, as_of=date(2022, 9, 5), deadline=date(2022, 9, 15),
                        indicators=verdicts, activities=(), warnings=(), id=7)
    return content.build(data, snapshot, content.Request(PERIOD, dnr="RJL 2022/1"), made_at=MADE)


def _indicator_rows(report: content.Report) -> dict[str, list[str]]:
    rows = {}
    for table in report.tables():
        if table.header == content.INDICATOR_HEADER:
            for row in table.rows:
                rows[row[0].plain[2:]] = [cell.plain for cell in row]
    return rows


def test_a_missing_analysis_is_proposed_from_the_numbers_and_marked_as_a_proposal() -> None:
    report = _report(_verdict("narvaro-pks", "Närvaro vid PKS sammanträden", 68, 80, 74, Status.PARTLY, Trend.DOWN,
                              ratio=(17, 25)))
    symbol, target, result, analysis = _indicator_rows(report)["Närvaro vid PKS sammanträden"]
    assert symbol.startswith("◆ ") and target == "80 %" and result == "68 % ↘"
    assert analysis == ("Förslag – skriv om: Resultatet 68 % (17 av 25) når inte målvärdet 80 %, men mätetalet är delvis "
                        "uppfyllt. Resultatet har minskat med 6 procentenheter jämfört med 2021 (74 %).")
    table = next(t for t in report.tables() if t.header == content.INDICATOR_HEADER)
    proposal = table.rows[0][3].paragraphs[0].runs
    assert proposal[0].text == content.PROPOSAL and all(run.italic for run in proposal)


def test_a_written_analysis_is_printed_as_written() -> None:
    report = _report(_verdict("arbetsmiljo", "Andel medarbetare som upplever god arbetsmiljö", 90, 90, 92, Status.MET,
                              Trend.FLAT, analysis="Målet nås."))
    assert _indicator_rows(report)["Andel medarbetare som upplever god arbetsmiljö"][1:] == ["90 %", "90 % →", "Målet nås."]


def test_a_survey_measured_in_november_says_so_instead_of_a_number() -> None:
    report = _report(_verdict("nojd-samverkan", "Andel mycket nöjda med samverkan", None, 95, None, Status.NO_RESULT, None))
    row = _indicator_rows(report)["Andel mycket nöjda med samverkan"]
    assert row[0].startswith("○ ") and row[2] == "–"
    assert row[3] == "Mätningen görs i november 2022; resultat finns inte för perioden."


def test_sections_with_nothing_logged_say_so_in_one_line() -> None:
    texts = [block.text for block in _report().blocks if isinstance(block, Paragraph)]
    for line in ("Inga viktiga händelser är registrerade för T2 2022 (januari–augusti).",
                 "Inga årsarbetare är registrerade för T2 2022 (januari–augusti).",
                 "Inga ekonomiska uppgifter är registrerade för T2 2022 (januari–augusti).",
                 "Inga kurser är registrerade för T2 2022 (januari–augusti)."):
        assert any(text.startswith(line) for text in texts), line


def test_the_title_page_names_the_report_period_and_snapshot() -> None:
    page = _report().title_page
    assert page.title == "Delårsrapport januari–augusti 2022"
    assert page.period == "Period: 2022-01-01 – 2022-08-31 (T2 2022)"
    assert "Dnr RJL 2022/1" in page.lines
    assert page.draft.startswith("UTKAST – skapat av kubot 2022-09-05 10:00. Bedömningar från utvärdering nr 7")


def test_every_legend_symbol_has_its_own_shape() -> None:
    indicators, activities = [t for t in _report().tables() if t.header == ("Symbol", "Betydelse")]
    assert [row[0].plain.strip() for row in indicators.rows] == ["●", "◆", "■", "○"]
    shapes = [row[0].plain.strip() for row in activities.rows]
    assert len(shapes) == 7 and len(set(shapes)) == 7
