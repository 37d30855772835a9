"""The annual report and the delårsrapport are accessible by construction (EN 301 549, WCAG 2.1 AA for documents).

Both are built with `kubot report … --pdf` from the demo year (Verksamhetsberättelse 2018 as chat entries), with
the November survey answered by three networks so the annual report has a chart. The .docx is opened again and
each point checked: every chart's text alternative states its figures, every table's header row repeats on each
page, the language is Swedish and the title is in the properties, the headings come in order without a skipped
level, and nothing is told by colour alone. The PDF is tagged (PDF/UA) with its language, title, figures with
their text alternatives and table headers, and its table of contents has page numbers.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from kubot.adapters import console
from kubot.chat.core import Bot
from kubot.cli import main
from kubot.report import parts
from kubot.settings import Settings
from kubot.verdicts import ACTIVITY_SYMBOLS, STATUS_SYMBOLS

ADMIN = "Ola Götesson"
TITLES = {"annual": "Verksamhetsberättelse 2018", "interim": "Delårsrapport januari–augusti 2018"}
# The demo's survey has one network's answers (the published share, not its spread): a chart of one network beside
# its own total shows nothing the table does not. Two more networks answer here, as the real survey has many.
MORE_ANSWERS = ("enkät samverkan-kommuner pks 0 0 1 1 5 6 2018",
                "enkät samverkan-kommuner kommundirektörer 0 1 1 2 4 5 2018")
PDF_TOOLS = shutil.which("soffice") is not None and shutil.which("pdfinfo") is not None and shutil.which("pdftotext")


@dataclass(frozen=True)
class Built:
    docx: Path
    pdf: Path | None


@pytest.fixture(scope="module")
def reports(demo_year: tuple[Bot, Settings], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    bot, settings = demo_year
    in_november = Bot(bot.engine, settings, clock=lambda: datetime(2018, 11, 30, 9, 0, tzinfo=UTC))
    for message in MORE_ANSWERS:
        assert console.say(in_november, ADMIN, message).accepted, message
    folder = tmp_path_factory.mktemp("tillganglig")
    built = {}
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DATABASE_URL", settings.database_url)
        for which, period in (("annual", ["T3", "2018", "--dnr", "RJL 2017/1522"]), ("interim", ["T2", "2018"])):
            out = folder / f"{which}.docx"
            assert main(["report", *period, "--out", str(out), *(["--pdf"] if PDF_TOOLS else [])]) == 0
            built[which] = Built(out, out.with_suffix(".pdf") if PDF_TOOLS else None)
    return built


def _pictures(path: Path) -> list[tuple[str, str]]:
    """Each picture's (title, text alternative) as Word stores them (Word: Alternativ text)."""
    return [(shape._inline.docPr.get("title", ""), shape._inline.docPr.get("descr", ""))
            for shape in docx.Document(str(path)).inline_shapes]


def test_every_chart_has_a_text_alternative_that_states_its_figures(reports: dict[str, Built]) -> None:
    pictures = _pictures(reports["annual"].docx)
    assert pictures, "the survey answered by three networks is charted"
    for title, description in pictures:
        assert description.startswith(("Stapeldiagram: ", "Liggande staplar: ")) and title in description, description
        # A bar is "<name> 83 %", a row "<name> (12 svar): 1: 0 %, …, 6: 41 %": at least three of them, as drawn.
        parts_told = re.findall(r"[^.;:]+ (?:\d+ %|\(\d+ svar\): (?:\d: \d+ %, ){5}\d: \d+ %)", description)
        assert len(parts_told) >= 3, description
    survey = next(d for t, d in pictures if t.endswith("svarsfördelning per nätverk"))
    assert "PKS – Primärkommunalt samverkansorgan (13 svar): 1: 0 %, 2: 0 %, 3: 8 %, 4: 8 %, 5: 38 %, 6: 46 %." \
        in survey.replace("\u00a0", " ")
    assert not _pictures(reports["interim"].docx), "the lean delårsrapport has no charts"


@pytest.mark.parametrize("which", ["annual", "interim"])
def test_every_tables_header_row_repeats_on_each_page(which: str, reports: dict[str, Built]) -> None:
    tables = docx.Document(str(reports[which].docx)).tables
    assert len(tables) > 5
    for table in tables:
        header = table.rows[0]._tr
        assert header.trPr is not None and header.trPr.find(qn("w:tblHeader")) is not None, table.rows[0].cells[0].text


@pytest.mark.parametrize("which", ["annual", "interim"])
def test_the_language_is_swedish_and_the_title_is_in_the_properties(which: str, reports: dict[str, Built]) -> None:
    document = docx.Document(str(reports[which].docx))
    path = "/".join(qn(tag) for tag in ("w:docDefaults", "w:rPrDefault", "w:rPr", "w:lang"))
    defaults = document.styles.element.findall(path)
    assert [lang.get(qn("w:val")) for lang in defaults] == ["sv-SE"]
    overriding = {lang.get(qn("w:val")) for part in (document.styles.element, document.element)
                  for lang in part.iter(qn("w:lang"))} - {None}
    assert overriding == {"sv-SE"}, "no style or run says another language"
    theme = document.settings.element.find(qn("w:themeFontLang"))
    assert theme is not None and theme.get(qn("w:val")) == "sv-SE"
    assert document.core_properties.language == "sv-SE" and document.core_properties.title == TITLES[which]


@pytest.mark.parametrize("which", ["annual", "interim"])
def test_headings_come_in_order_without_a_skipped_level(which: str, reports: dict[str, Built]) -> None:
    paragraphs = docx.Document(str(reports[which].docx)).paragraphs
    levels = [int(p.style.name.removeprefix("Heading ")) for p in paragraphs
              if re.fullmatch(r"Heading \d", p.style.name)]
    assert len(levels) > 10 and levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), "no level skipped"


def _coloured_runs(document: docx.document.Document) -> list[str]:
    """The text of each run in the tables that has a colour of its own."""
    return [run.text for table in document.tables for row in table.rows for cell in row.cells
            for paragraph in cell.paragraphs for run in paragraph.runs if run.font.color.rgb is not None]


@pytest.mark.parametrize("which", ["annual", "interim"])
def test_a_verdict_is_told_by_its_symbols_shape_and_a_word_not_by_colour_alone(which: str,
                                                                                reports: dict[str, Built]) -> None:
    document = docx.Document(str(reports[which].docx))
    coloured = _coloured_runs(document)
    assert coloured and all(text.strip() for text in coloured), "no colour without a sign"
    legend = {row.cells[0].text.strip(): row.cells[1].text for table in document.tables
              if table.rows[0].cells[0].text in ("Symbol", "Pil") for row in table.rows[1:]}
    assert all(re.search(r"[a-zåäö]{4}", meaning) for meaning in legend.values()), "each symbol's meaning in words"
    signs = {text.strip() for text in coloured if not re.search(r"[A-Za-zÅÄÖåäö]", text)}
    assert signs and signs <= set(legend), "a coloured sign without words is one of the legend's, with its meaning"


def test_no_two_symbols_differ_by_colour_alone() -> None:
    for symbols, colours in ((STATUS_SYMBOLS, parts.STATUS_COLOURS), (ACTIVITY_SYMBOLS, parts.ACTIVITY_COLOURS)):
        for a, b in itertools.combinations(symbols, 2):
            assert colours[a] == colours[b] or symbols[a] != symbols[b], f"{a} and {b} differ only by colour"


def _pdfinfo(path: Path, *options: str) -> str:
    return subprocess.run(["pdfinfo", *options, str(path)], check=True, capture_output=True, text=True).stdout


@pytest.mark.skipif(not PDF_TOOLS, reason="LibreOffice (soffice) and poppler-utils (pdfinfo) are not installed")
@pytest.mark.parametrize("which", ["annual", "interim"])
def test_the_pdf_is_tagged_with_its_language_title_figures_and_table_headers(which: str,
                                                                              reports: dict[str, Built]) -> None:
    built = reports[which]
    assert built.pdf is not None and built.pdf.is_file()
    info = _pdfinfo(built.pdf)
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE), info
    assert re.search(rf"^Title:\s+{TITLES[which]}$", info, re.MULTILINE), info
    assert "<pdfuaid:part>1</pdfuaid:part>" in _pdfinfo(built.pdf, "-meta"), "marked as PDF/UA"
    raw = built.pdf.read_bytes()
    assert b"/Lang(sv-SE)" in raw
    pictures = len(_pictures(built.docx))
    assert len(re.findall(rb"/S/Figure", raw)) == pictures and raw.count(b"/Alt") >= pictures, \
        "every chart is a figure with its text alternative"
    assert re.search(rb"/S/TH\b", raw), "table headers are tagged as headers"
    assert re.search(rb"/S/H1\b", raw) and re.search(rb"/S/H2\b", raw), "headings are tagged by level"


@pytest.mark.skipif(not PDF_TOOLS, reason="LibreOffice (soffice) and poppler-utils (pdftotext) are not installed")
def test_the_pdfs_table_of_contents_has_page_numbers(reports: dict[str, Built]) -> None:
    assert reports["annual"].pdf is not None
    text = subprocess.run(["pdftotext", "-layout", str(reports["annual"].pdf), "-"], check=True, capture_output=True,
                          text=True).stdout.replace("\u00a0", " ")
    contents = text[text.index("Innehållsförteckning"):text.index("1 Inledning\n")]
    assert re.search(r"1 Inledning\.*\s*\d+", text[text.index("Innehållsförteckning"):]), "page numbers filled in"
    assert "Innehållsförteckningen uppdateras" not in text
    assert "8 Ekonomi" in text and contents
