"""The WordprocessingML that python-docx has no API for: fields (page numbers, the table of contents),
boxes and shading, repeating table headers, cell margins and borders, the document language."""

from __future__ import annotations

from typing import Any

from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

LANGUAGE = "sv-SE"
# Narrow cell margins (twentieths of a point) for tables with many columns, so figures and headers fit.
SMALL_MARGIN = "45"


def swedish(document: Document) -> None:
    """Swedish for everything not marked otherwise, in the template's styles too: Word spells and
    hyphenates by it, and a screen reader reads the report with a Swedish voice."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        document.styles.element.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    # The theme's fonts are chosen for a language too; the default template says en-US.
    settings = document.settings.element
    theme = settings.find(qn("w:themeFontLang"))
    if theme is None:
        theme = OxmlElement("w:themeFontLang")
        mapping = settings.find(qn("w:clrSchemeMapping"))
        if mapping is not None:
            mapping.addprevious(theme)
        else:
            settings.append(theme)
    theme.set(qn("w:val"), LANGUAGE)


def hyphenate(document: Document) -> None:
    """Automatic hyphenation (Swedish rules) so long words in narrow cells break at a syllable, not anywhere."""
    settings = document.settings.element
    if settings.find(qn("w:autoHyphenation")) is None:
        flag = OxmlElement("w:autoHyphenation")
        flag.set(qn("w:val"), "true")
        settings.append(flag)


def box(paragraph: DocxParagraph, colour: str, fill: str) -> None:
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for edge in ("top", "left", "bottom", "right"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), "8")
        line.set(qn("w:space"), "4")
        line.set(qn("w:color"), colour)
        borders.append(line)
    properties.append(borders)
    properties.append(_shading(fill))


def shade(cell: _Cell, fill: str) -> None:
    cell._tc.get_or_add_tcPr().append(_shading(fill))


def _shading(fill: str) -> Any:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    return shading


def repeat_header(tr: Any) -> None:
    """The header row repeats at the top of every page a long table runs over."""
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr.get_or_add_trPr().append(flag)


def narrow_margins(tbl: Any) -> None:
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        side = OxmlElement(f"w:{edge}")
        side.set(qn("w:w"), SMALL_MARGIN)
        side.set(qn("w:type"), "dxa")
        margins.append(side)
    _before_look(tbl.tblPr, margins)


def _before_look(tbl_pr: Any, element: Any) -> None:
    """Table properties are ordered in the schema; tblLook comes last, so new ones go before it."""
    look = tbl_pr.find(qn("w:tblLook"))
    if look is None:
        tbl_pr.append(element)
    else:
        look.addprevious(element)


def borders(tbl: Any) -> None:
    """Thin borders for templates without a "Table Grid" style."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), "4")
        line.set(qn("w:color"), "A0A0A0")
        borders.append(line)
    _before_look(tbl.tblPr, borders)


def _fld_char(kind: str) -> Any:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    if kind == "begin":
        element.set(qn("w:dirty"), "true")
    return element


def field_start(paragraph: DocxParagraph, instruction: str) -> None:
    paragraph.add_run()._r.append(_fld_char("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    paragraph.add_run()._r.append(_fld_char("separate"))


def field_end(paragraph: DocxParagraph) -> None:
    paragraph.add_run()._r.append(_fld_char("end"))


def field(paragraph: DocxParagraph, instruction: str, shown: str) -> None:
    """A field such as PAGE, with `shown` as its text until Word updates it."""
    field_start(paragraph, instruction)
    paragraph.add_run(shown)
    field_end(paragraph)
