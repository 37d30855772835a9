"""The report's charts as a reader sees them: full names, values on the bars, nothing cut off or
overlapping; the same images whether drawn here or in worker processes; and a chart only where it
shows more than its table (tests/plans/charts.yaml: all of an indicator's networks or municipalities,
at least three of them, never one network beside its own total)."""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from kubot import db
from kubot import formatting as fmt
from kubot.adapters import console
from kubot.chat.core import Bot
from kubot.journal import Origin
from kubot.plan import importing, loading
from kubot.report import charts, drawing
from kubot.report.model import BarChart, Chart, DistributionChart, Series
from kubot.settings import Settings
from tests.conftest import PLANS

NETWORKS = (
    "PKS – Primärkommunalt samverkansorgan",
    "Myndighetsnätverket – chefer för myndighetsutövning inom funktionshinderomsorgen och äldreomsorgen",
    "Nätverk för medicinskt ansvarig sjuksköterska (MAS) och medicinskt ansvarig för rehabilitering (MAR)",
    "Chefsnätverk missbruk och beroende",
    "Ledningsgrupp för personligt ombud",
    "Styrgrupp Vård- och omsorgscollege",
    "Nätverk chefer inom idrottsanläggningar",
    "Socialchefsnätverket – styrgrupp för FoUrum social välfärd och hälso- och sjukvård",
    "Länsnätverk psykiatri",
    "Aneby",
)
ATTENDANCE = BarChart(
    "Närvaro per nätverk",
    NETWORKS,
    (
        Series("2017", tuple(50.0 + 5 * i for i in range(10))),
        Series("2018", (100.0, 79.0, None, 8.0, 64.0, 35.0, 90.0, 59.0, 77.0, 0.0)),
    ),
    target=80.0,
)
FEW = BarChart(
    "Närvaro per område",
    NETWORKS[:4],
    (Series("2017", (62.0, 86.0, 85.0, None)), Series("2018", (79.0, 90.0, 59.0, 100.0))),
    target=80.0,
)
SURVEY = DistributionChart("Nöjdhet", (*NETWORKS, "Samtliga"),
                           tuple((5.0, 14.0, 19.0, 33.0, 29.0, 0.0) if i % 2 else (0.0, 10.0, 30.0, 0.0, 0.0, 60.0)
                                 for i in range(11)),
                           (21, 12, 20, 17, 21, 15, 21, 32, 17, 1234, 369))


def _drawn(chart: Chart) -> tuple[Figure, list[Text]]:
    figure = charts.figure_for(chart)
    FigureCanvasAgg(figure).draw()
    texts = [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return figure, texts


def _extent(text: Text) -> Bbox:
    return text.get_window_extent()


def _joined(text: Text) -> str:
    return " ".join(text.get_text().replace("\u00a0", " ").split("\n"))


def _names(chart: Chart, texts: list[Text]) -> list[Text]:
    """The drawn text of each category or row, in order; a name not drawn whole is missing."""
    if isinstance(chart, BarChart):
        names = list(chart.categories)
    else:
        names = [f"{row} (n = {fmt.number(n)})" for row, n in zip(chart.rows, chart.answers, strict=True)]
    shown = {_joined(text): text for text in texts}
    missing = [name for name in names if name not in shown]
    assert not missing, f"not drawn whole: {missing}"
    return [shown[name] for name in names]


@pytest.mark.parametrize(
    "chart", [ATTENDANCE, FEW, SURVEY], ids=["many categories", "few categories", "survey answers"]
)
def test_no_text_of_a_chart_is_cut_off_at_the_edge_of_the_image(chart: Chart) -> None:
    figure, texts = _drawn(chart)
    image = figure.bbox
    for text in texts:
        box = _extent(text)
        assert image.x0 - 0.5 <= box.x0 and box.x1 <= image.x1 + 0.5, f"{text.get_text()!r} runs off the side"
        assert image.y0 - 0.5 <= box.y0 and box.y1 <= image.y1 + 0.5, f"{text.get_text()!r} runs off the top or bottom"


@pytest.mark.parametrize(
    "chart", [ATTENDANCE, FEW, SURVEY], ids=["many categories", "few categories", "survey answers"]
)
def test_category_names_are_whole_and_do_not_overlap_each_other(chart: Chart) -> None:
    _, texts = _drawn(chart)
    boxes = [_extent(t) for t in _names(chart, texts)]
    for first, second in itertools.pairwise(boxes):
        assert not first.overlaps(second), "two names are drawn over each other"


def test_many_categories_run_horizontally_one_row_under_the_other() -> None:
    _, texts = _drawn(ATTENDANCE)
    boxes = [_extent(t) for t in _names(ATTENDANCE, texts)]
    assert all(upper.y0 > lower.y1 for upper, lower in itertools.pairwise(boxes)), "each name below the one before"
    _, few = _drawn(FEW)
    boxes = [_extent(t) for t in _names(FEW, few)]
    assert all(left.x1 < right.x0 for left, right in itertools.pairwise(boxes)), "few categories side by side"


def test_every_bar_with_a_value_carries_it_and_a_missing_value_has_no_label() -> None:
    _, texts = _drawn(FEW)
    shown = [t.get_text() for t in texts]
    for value in (62.0, 86.0, 85.0, 79.0, 90.0, 59.0, 100.0):
        assert fmt.percent(value) in shown
    assert "Målvärde 80 %" in shown and "2017" in shown and "2018" in shown
    _, many = _drawn(ATTENDANCE)
    # Ten 2017 values and nine 2018 values (one is missing), "80 %" and "100 %" also being tick labels.
    values = [t.get_text() for t in many if t.get_fontsize() == charts.VALUE_FONT]
    assert len(values) == 19


def test_survey_shares_are_labelled_inside_segments_wide_enough_for_the_figure() -> None:
    _, texts = _drawn(SURVEY)
    values = [t.get_text() for t in texts if t.get_fontsize() == charts.VALUE_FONT]
    # Per pair of rows: 14, 19, 33, 29 and 10, 30, 60 are labelled; 5 % is too narrow.
    assert values.count("60 %") == 6 and values.count("33 %") == 5 and "5 %" not in values


def test_charts_drawn_in_worker_processes_are_the_same_images_as_drawn_here() -> None:
    wanted = [ATTENDANCE, FEW, SURVEY]
    charts._cache.clear()
    with drawing.drawing(wanted) as image:
        pooled = [image(chart) for chart in wanted]
    assert pooled == [charts.render(chart) for chart in wanted]
    assert all(charts.is_cached(chart) for chart in wanted)


def test_charts_drawn_for_a_report_built_in_a_server_thread_are_the_same_images() -> None:
    wanted = [FEW, SURVEY]
    charts._cache.clear()
    drawn: list[charts.Image] = []

    def build_in_thread() -> None:
        with drawing.drawing(wanted) as image:
            drawn.extend(image(chart) for chart in wanted)

    # Another thread is running, as in the Slack and Teams servers: the workers do not come from a fork of this process.
    waiting = threading.Event()
    other = threading.Thread(target=waiting.wait)
    other.start()
    worker = threading.Thread(target=build_in_thread)
    worker.start()
    worker.join()
    waiting.set()
    other.join()
    assert drawn == [charts.render(chart) for chart in wanted]


def test_the_number_of_answers_stays_on_one_line_with_its_row_name() -> None:
    _, texts = _drawn(SURVEY)
    assert "(n\u00a0=\u00a01\u00a0234)" in _names(SURVEY, texts)[9].get_text()


# --- which charts the report has ------------------------------------------------------------------

ADMIN = "Ola Götesson"
IN_DECEMBER = datetime(2022, 12, 5, 9, 0, tzinfo=UTC)
PER_NETWORK, PER_MUNICIPALITY = "picture: Genomsnittsnärvaro per nätverk", "picture: Genomsnittsnärvaro per kommun"
# Meetings by name in the three chefsnätverk, Reko by count only (so the Region's attendance is unknown), none
# in Fritidschefsnätverket; the MAS network invites two municipalities; one network answered about the region.
ENTRIES = (
    "närvaro äldre 2022-03-10 Aneby, Eksjö, Habo",
    "närvaro äldre 2022-10-10 alla",
    "närvaro socialchefsnätverket 2022-04-12 alla utom Mullsjö",
    "närvaro skolchefsnätverket 2022-05-03 Aneby, Habo",
    "närvaro reko 2022-05-06 4 av 5",
    "närvaro mas 2022-06-01 Aneby",
    "enkät samverkan-kommuner äldre 0 0 1 2 3 4",
    "enkät samverkan-kommuner socialchefsnätverket 0 1 1 2 2 3",
    "enkät samverkan-kommuner skolchefsnätverket 0 0 0 1 4 2",
    "enkät samverkan-region socialchefsnätverket 0 1 2 2 3 3",
)


def _annual_report(folder: Path, *entries: str) -> dict[str, list[str]]:
    """`rapport T3 2022` on the chart plan after `entries`: each goal's section as the reader meets it, its
    pictures (by title) and its tables' first cells."""
    engine = db.make_engine(f"sqlite:///{folder / 'kubot.db'}")
    db.upgrade(engine)
    with db.session_scope(engine) as session:
        plan = loading.load((PLANS / "charts.yaml").read_text(encoding="utf-8"))
        importing.apply(session, plan, Origin(None, "test"))
    bot = Bot(engine, Settings(report_dir=folder / "rapporter"), clock=lambda: IN_DECEMBER)
    for message in entries:
        assert console.say(bot, ADMIN, message).accepted, message
    reply = console.say(bot, ADMIN, "rapport T3 2022")
    assert reply.files, reply.text
    engine.dispose()
    return _sections(reply.files[0].path)


def _sections(path: Path) -> dict[str, list[str]]:
    document = docx.Document(str(path))
    paragraphs, tables = iter(document.paragraphs), iter(document.tables)
    sections: dict[str, list[str]] = {}
    here: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:tbl"):
            here.extend(row.cells[0].text.replace("\u00a0", " ") for row in next(tables).rows)
        elif child.tag == qn("w:p"):
            paragraph = next(paragraphs)
            if paragraph.style.name.startswith("Heading"):
                here = sections.setdefault(re.sub(r"^[0-9.]+ ", "", paragraph.text), [])
            here.extend(f"picture: {picture.get('title')}" for picture in child.iter(qn("wp:docPr")))
    return sections


@pytest.fixture(scope="module")
def sections(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, list[str]]]:
    yield _annual_report(tmp_path_factory.mktemp("diagram"), *ENTRIES)


def _pictures(section: list[str]) -> list[str]:
    return [item for item in section if item.startswith("picture: ")]


def test_an_indicator_with_every_network_and_municipality_known_gets_both_charts_under_its_table(
        sections: dict[str, list[str]]) -> None:
    section = sections["Kommunerna deltar i chefsnätverken för äldre, social välfärd och skola"]
    assert _pictures(section) == [PER_NETWORK, PER_MUNICIPALITY]
    row = next(i for i, item in enumerate(section) if item.endswith("Närvaro i tre chefsnätverk"))
    assert row < section.index(PER_NETWORK), "the table's row first, then its charts"


def test_no_chart_shows_some_of_an_indicators_networks_and_its_table_row_stays(sections: dict[str, list[str]]) -> None:
    section = sections["Kommunerna deltar i alla chefsnätverk och i Reko"]
    assert _pictures(section) == [], "4 of its 5 networks met, and the Region's attendance is not known by name"
    assert any(row.endswith("Närvaro i alla nätverk") for row in section)


def test_no_chart_of_two_municipalities_and_its_table_row_stays(sections: dict[str, list[str]]) -> None:
    section = sections["Kommunerna deltar i MAS-nätverket"]
    assert _pictures(section) == [] and any(row.endswith("Varje kommun vid minst 75 % av MAS-nätverkets möten")
                                            for row in section)


def test_survey_answers_get_a_chart_from_three_networks_but_not_one_network_beside_its_own_total(
        sections: dict[str, list[str]]) -> None:
    assert _pictures(sections["Kommunal utveckling stimulerar samverkan mellan kommunerna"]) == [
        "picture: Andel mycket nöjda med samverkan mellan kommunerna: svarsfördelning per nätverk"]
    alone = sections["Kommunal utveckling underlättar samverkan med regionen"]
    assert _pictures(alone) == []
    assert any(row.endswith("Andel mycket nöjda med samverkan med regionen") for row in alone), "its table row stays"


def test_once_the_region_is_known_by_name_the_municipality_chart_comes_but_not_the_networks_one(tmp_path: Path) -> None:
    section = _annual_report(tmp_path, *ENTRIES, "närvaro reko 2022-09-06 alla utom Habo")["Kommunerna deltar i alla "
                                                                                              "chefsnätverk och i Reko"]
    assert _pictures(section) == [PER_MUNICIPALITY], "every invitee has a figure; Fritidschefsnätverket still never met"
