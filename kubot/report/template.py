"""Opening the organisation's Word template (KUBOT_REPORT_TEMPLATE) for a report to be written into.

The template is opened and checked before anything else is done, so a broken or incomplete template is
reported by name at once rather than as a crash halfway through.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.document import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml import etree

REQUIRED_STYLES = ("Normal", "Title", "Heading 1", "Heading 2", "List Bullet")
# A template larger than this, or one that unpacks to more than this many times its size, is refused before
# python-docx unpacks it (a "zip bomb" would otherwise fill the memory first).
TEMPLATE_MAX_BYTES = 50_000_000
TEMPLATE_MAX_UNPACKED = 200_000_000
TEMPLATE_MAX_RATIO = 100


class TemplateError(ValueError):
    """The report template cannot be used; the message is Swedish and says what to do."""


def _check_package(path: Path) -> None:
    """Refuse a template that is too big or unpacks to far more than its size, before anything is unpacked."""
    size = path.stat().st_size
    if size > TEMPLATE_MAX_BYTES:
        raise TemplateError(f"Rapportmallen {path} är {size // 1_000_000} MB – en Word-mall är sällan över "
                            f"{TEMPLATE_MAX_BYTES // 1_000_000} MB. Kontrollera KUBOT_REPORT_TEMPLATE.")
    try:
        with zipfile.ZipFile(path) as package:
            unpacked = sum(info.file_size for info in package.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise TemplateError(f"Rapportmallen {path} är inte ett Word-dokument (.docx). Spara mallen som .docx i Word "
                            "och ange den i KUBOT_REPORT_TEMPLATE.") from exc
    if unpacked > TEMPLATE_MAX_UNPACKED or unpacked > TEMPLATE_MAX_RATIO * max(size, 1):
        raise TemplateError(
            f"Rapportmallen {path} packas upp till {unpacked // 1_000_000} MB ur {max(size // 1000, 1)} kB – "
            "det är inte en vanlig Word-mall och används inte. Spara om mallen i Word."
        )


def open_template(path: Path | None) -> Document:
    """The document to write the report into: the template with its body cleared, or a fresh default.

    Raises TemplateError for a missing file, a file that is not a .docx, a package that would unpack to
    far more than its size, broken XML or missing styles.
    """
    if path is None:
        return docx.Document()
    if not path.is_file():
        raise TemplateError(
            f"Rapportmallen {path} finns inte. Ändra KUBOT_REPORT_TEMPLATE eller ta bort den för standardutseendet."
        )
    _check_package(path)
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise TemplateError(f"Rapportmallen {path} är inte ett Word-dokument (.docx). Spara mallen som .docx i Word "
                            f"och ange den i KUBOT_REPORT_TEMPLATE. ({exc})") from exc
    missing = [name for name in REQUIRED_STYLES if not has_style(document, name)]
    if missing:
        raise TemplateError(
            f"Rapportmallen {path} saknar formatmallarna {', '.join(missing)}. Lägg till dem i mallen "
            "(i Word: Format → Formatmallar) eller ta bort KUBOT_REPORT_TEMPLATE för standardutseendet."
        )
    _clear_body(document)
    return document


def has_style(document: Document, name: str) -> bool:
    try:
        document.styles[name]
    except KeyError:
        return False
    return True


def _clear_body(document: Document) -> None:
    """Everything but the final section properties, which hold the page setup, header and footer."""
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
