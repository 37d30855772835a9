"""Rendering a `model.Report` as a Word document: python-docx is used here and in its two helpers,
kubot.report.template (opening and checking the organisation's template) and kubot.report.ooxml (the
WordprocessingML python-docx has no API for), and nowhere else.

With the organisation's template (KUBOT_REPORT_TEMPLATE) the report is written into a copy
of that document with its body cleared, so styles, page setup, header, footer and logo are
the organisation's own. Without one, python-docx's default document gets a plain built-in look.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from kubot.report import alt_text, charts, drawing, ooxml, template
from kubot.report.model import (
    BarChart,
    Bullets,
    Cell,
    Chart,
    DistributionChart,
    Heading,
    Internal,
    Paragraph,
    Report,
    Run,
    Table,
)

OPTIONAL_STYLES = ("Caption", "Table Grid", "TOC Heading", "Heading 3")
HEADER_FILL = "DCE6F0"
DRAFT_RED = RGBColor(0xC6, 0x28, 0x28)
INTERNAL_RED = RGBColor(0xB7, 0x1C, 0x1C)
SYMBOL_FONT = "Segoe UI Symbol"
SYMBOL_SIZE = Pt(10)
SMALL = Pt(8)
SMALL_HEADER = Pt(7)
# Characters XML 1.0 cannot carry (control characters, lone surrogates, U+FFFE/U+FFFF) and the other
# noncharacters (U+FDD0–U+FDEF, U+xFFFE/U+xFFFF): one of them in one entry must not stop every report.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
                      + "".join(f"\\U{plane:04x}fffe\\U{plane:04x}ffff" for plane in range(1, 17)) + "]")
NBSP = "\u00a0"
NB_HYPHEN = "\u2011"
# Where a line must not break: inside "43 438 229", between a number and "%", "kr" or "tkr", and inside a date.
_GROUPED = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")
_UNIT = re.compile(r"(?<=\d) (?=(?:%|kr|tkr|procentenheter)(?![\w]))")
_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def clean(text: str) -> str:
    """`text` without the characters a Word document cannot hold, so one bad entry never stops a report."""
    return _NOT_XML.sub("", text)


def typeset(text: str) -> str:
    """Swedish typesetting: no line break inside "80 %", "43 438 229 kr" or "2018-12-31"."""
    text = _UNIT.sub(NBSP, _GROUPED.sub(NBSP, clean(text)))
    return _DATE.sub(lambda m: NB_HYPHEN.join(m.groups()), text)


def _text_width(section: Section) -> int:
    """The width between the margins; a template section without a page size gets A4 with Word's margins."""
    page = section.page_width if section.page_width is not None else Cm(21.0)
    left = section.left_margin if section.left_margin is not None else Cm(2.5)
    right = section.right_margin if section.right_margin is not None else Cm(2.5)
    return page - left - right


def render(report: Report, document: Document, *, built_in: bool) -> bytes:
    """The report as .docx bytes, written into `document` (from `open_template`)."""
    # The charts are drawn in the background while the text and tables are written.
    with drawing.drawing(report.charts()) as image:
        writer = _Writer(document, image)
        if built_in:
            writer.built_in_look(report)
        writer.footer_page_numbers()
        writer.title_page(report)
        writer.table_of_contents(report)
        for block in (*report.blocks, *report.internal):
            writer.block(block)
    writer.finish(report)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class _Writer:
    def __init__(self, document: Document, image: Callable[[Chart], charts.Image]) -> None:
        self.doc = document
        self.image = image
        self.text_width = _text_width(document.sections[-1])
        # Looking a style up by name scans every style in the document; do it once, not per paragraph.
        self.styles = {
            name: document.styles[name]
            for name in (*template.REQUIRED_STYLES, *OPTIONAL_STYLES)
            if template.has_style(document, name)
        }
        self.caption = "Caption" if "Caption" in self.styles else "Normal"
        self.grid = self.styles.get("Table Grid")
        self.first_chapter = True

    def add(self, text: str, style: str) -> DocxParagraph:
        """A paragraph in a style. Sets the style id directly: python-docx's own setter scans all styles each time."""
        paragraph = self.doc.add_paragraph(typeset(text))
        paragraph._p.get_or_add_pPr().style = self.styles[style].style_id
        return paragraph

    # --- page furniture ----------------------------------------------------------------------

    def built_in_look(self, report: Report) -> None:
        styles = self.doc.styles
        styles["Normal"].font.name = "Calibri"
        styles["Normal"].font.size = Pt(10.5)
        for name, size in (("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 11.5)):
            styles[name].font.size = Pt(size)
            styles[name].font.color.rgb = RGBColor(0x1F, 0x4E, 0x79)
        section = self.doc.sections[-1]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.2)
        section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
        self.text_width = section.page_width - section.left_margin - section.right_margin
        header = section.header.paragraphs[0]
        header.text = typeset(
            f"{report.title_page.organisation} – {report.title_page.title}" + ("" if report.final else " – UTKAST")
        )
        header.runs[0].font.size = Pt(8)
        header.runs[0].font.color.rgb = RGBColor(0x75, 0x75, 0x75)
        ooxml.hyphenate(self.doc)

    def footer_page_numbers(self) -> None:
        """A page number in the footer, unless the template's footer already has one."""
        section = self.doc.sections[-1]
        section.different_first_page_header_footer = True
        footer = section.footer
        if any("PAGE" in (node.text or "") for node in footer._element.iter(qn("w:instrText"))) or \
                any("PAGE" in (node.get(qn("w:instr")) or "") for node in footer._element.iter(qn("w:fldSimple"))):
            return
        paragraph = footer.add_paragraph() if footer.paragraphs[0].text else footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run("Sida ")
        ooxml.field(paragraph, "PAGE", "1")
        paragraph.add_run(" av ")
        ooxml.field(paragraph, "NUMPAGES", "1")

    def title_page(self, report: Report) -> None:
        page = report.title_page
        organisation = self.doc.add_paragraph(typeset(page.organisation))
        organisation.runs[0].font.size = Pt(14)
        organisation.paragraph_format.space_before = Pt(120)
        self.add(page.title, "Title")
        self.doc.add_paragraph(typeset(page.period))
        if not report.final:
            mark = self.doc.add_paragraph().add_run("UTKAST")
            mark.bold = True
            mark.font.size = Pt(28)
            mark.font.color.rgb = DRAFT_RED
        for line in page.lines:
            self.doc.add_paragraph(typeset(line))
        note = self.doc.add_paragraph(typeset(page.draft))
        note.runs[0].italic = True
        note.runs[0].font.size = Pt(9)

    def table_of_contents(self, report: Report) -> None:
        """A TOC field Word fills in (with page numbers) on opening, pre-filled with the chapters for viewers that
        do not update fields; `kubot report --pdf` has LibreOffice update it when it writes the PDF."""
        heading = self.add("Innehållsförteckning", "TOC Heading" if "TOC Heading" in self.styles else "Heading 1")
        heading.paragraph_format.page_break_before = True
        entries = [block for block in report.blocks if isinstance(block, Heading) and block.level <= 2]
        first = self.doc.add_paragraph()
        ooxml.field_start(first, 'TOC \\o "1-2" \\h \\z \\u')
        last = first
        for index, entry in enumerate(entries):
            last = first if index == 0 else self.doc.add_paragraph()
            run = last.add_run(typeset(entry.text))
            run.bold = entry.level == 1
            last.paragraph_format.left_indent = Cm(0.6 * (entry.level - 1))
            last.paragraph_format.space_after = Pt(0)
        ooxml.field_end(last)
        settings = self.doc.settings.element
        update = settings.find(qn("w:updateFields"))
        if update is None:
            update = OxmlElement("w:updateFields")
            settings.append(update)
        update.set(qn("w:val"), "true")

    def finish(self, report: Report) -> None:
        ooxml.swedish(self.doc)
        properties = self.doc.core_properties
        properties.language = ooxml.LANGUAGE
        properties.title = report.title_page.title
        properties.author = "kubot"
        properties.subject = report.title_page.period
        properties.comments = report.title_page.properties or report.title_page.draft
        properties.keywords = "slutlig" if report.final else "utkast"

    # --- blocks ------------------------------------------------------------------------------

    def block(self, block: Any) -> None:
        match block:
            case Heading():
                # A template without "Heading 3" gets its sub-sections (2.2.1) as Heading 2: never a skipped level.
                level = block.level if f"Heading {block.level}" in self.styles else 2
                paragraph = self.add(block.text, f"Heading {level}")
                paragraph.paragraph_format.keep_with_next = True
                if block.level == 1:
                    paragraph.paragraph_format.page_break_before = True
            case Paragraph():
                _runs(self.doc.add_paragraph(), block.runs)
            case Internal():
                self.internal(block)
            case Bullets():
                for item in block.items:
                    _runs(self.add("", "List Bullet"), item.runs)
            case Table():
                self.table(block)
            case BarChart() | DistributionChart():
                self.add(block.title, self.caption).paragraph_format.keep_with_next = True
                image = self.image(block)
                picture = self.doc.add_picture(io.BytesIO(image.png), width=min(Cm(image.width_cm), self.text_width))
                # What a screen reader reads instead of the picture (Word: Alternativ text).
                picture._inline.docPr.set("descr", alt_text.describe(block))
                picture._inline.docPr.set("title", block.title)
            case _:
                raise TypeError(f"unknown report block {block!r}")

    def internal(self, block: Internal) -> None:
        """A clearly marked note for the sender: red, boxed, and tagged as internal."""
        paragraph = self.doc.add_paragraph()
        run = paragraph.add_run(typeset(block.text))
        run.italic = True
        run.font.color.rgb = INTERNAL_RED
        run.font.size = Pt(9)
        ooxml.box(paragraph, "B71C1C", "FDECEA")

    def table(self, table: Table) -> None:
        if table.caption:
            self.add(table.caption, self.caption).paragraph_format.keep_with_next = True
        columns = len(table.header)
        grid = self.doc.add_table(rows=1, cols=columns)
        if self.grid:
            grid._tbl.tblStyle_val = self.grid.style_id
        else:
            ooxml.borders(grid._tbl)
        if table.small:
            ooxml.narrow_margins(grid._tbl)
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        total = sum(table.widths)
        widths = [int(self.text_width * w / total) for w in table.widths]
        grid.autofit = False
        for column, width in zip(grid.columns, widths, strict=True):
            column.width = width
        header = grid.rows[0]
        ooxml.repeat_header(header._tr)
        for index, (cell, title) in enumerate(zip(header.cells, table.header, strict=True)):
            cell.width = widths[index]
            ooxml.shade(cell, HEADER_FILL)
            paragraph = cell.paragraphs[0]
            written = paragraph.add_run(clean(title))
            written.bold = True
            if table.small:
                written.font.size = SMALL_HEADER
            if index in table.numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for row in table.rows:
            cells = grid.add_row().cells
            for index, (target, content) in enumerate(zip(cells, row, strict=True)):
                target.width = widths[index]
                _cell(target, content, right=index in table.numeric, small=table.small)
        self.doc.add_paragraph()


# --- helpers -----------------------------------------------------------------------------------


def _runs(paragraph: DocxParagraph, runs: tuple[Run, ...], *, small: bool = False) -> None:
    for run in runs:
        written = paragraph.add_run(typeset(run.text))
        if small:
            written.font.size = SMALL
        if run.symbol:
            _symbol_font(written)
        if run.bold:
            written.bold = True
        if run.italic:
            written.italic = True
        if run.colour:
            written.font.color.rgb = RGBColor.from_string(run.colour)


def _symbol_font(run: Any) -> None:
    """Every status symbol in one font and size: ●, ◆ and ■ otherwise come from different fallback fonts."""
    run.font.size = SYMBOL_SIZE
    fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), SYMBOL_FONT)


def _cell(target: _Cell, content: Cell, *, right: bool, small: bool = False) -> None:
    for index, paragraph in enumerate(content.paragraphs):
        written = target.paragraphs[0] if index == 0 else target.add_paragraph()
        _runs(written, paragraph.runs, small=small)
        if right:
            written.alignment = WD_ALIGN_PARAGRAPH.RIGHT
