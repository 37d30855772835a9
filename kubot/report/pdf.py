"""The report also as PDF, by LibreOffice, tagged for screen readers (PDF/UA), with the table of contents
updated (page numbers filled in).

LibreOffice's command-line conversion keeps the table of contents as written (without page
numbers), so the conversion goes through LibreOffice's own Python bridge (UNO): a headless
LibreOffice opens the document, updates every index, and exports the PDF. The bridge lives in
the system Python (`python3-uno`), not in kubot's virtual environment, so the small script
below runs there as a separate process. Without the bridge the plain conversion is used.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_S = 240
# LibreOffice's PDF export with tags (PDF/UA), in the command line's filter-options syntax.
TAGGED_PDF = "pdf:writer_pdf_Export:" + json.dumps(
    {"UseTaggedPDF": {"type": "boolean", "value": "true"}, "PDFUACompliance": {"type": "boolean", "value": "true"}},
    separators=(",", ":"),
)
SYSTEM_PYTHON = "/usr/bin/python3"

_UNO_SCRIPT = r'''
import os, subprocess, sys, time, uno
from com.sun.star.beans import PropertyValue

source, target, profile = sys.argv[1:4]
pipe = "kubot" + str(os.getpid())
office = subprocess.Popen(["soffice", "--headless", "--norestore", "--nologo",
                           "-env:UserInstallation=file://" + profile, "--accept=pipe,name=" + pipe + ";urp;"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(600):
        try:
            context = resolver.resolve("uno:pipe,name=" + pipe + ";urp;StarOffice.ComponentContext")
            break
        except Exception:
            time.sleep(0.1)
    else:
        sys.exit("LibreOffice startade inte")
    desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    def prop(name, value):
        p = PropertyValue(); p.Name = name; p.Value = value; return p
    document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0, (prop("Hidden", True),))
    indexes = document.getDocumentIndexes()
    for index in range(indexes.getCount()):
        indexes.getByIndex(index).update()
    document.refresh()
    # Tagged (PDF/UA): headings, tables, reading order and the pictures' text alternatives for screen readers.
    tagged = uno.Any("[]com.sun.star.beans.PropertyValue", (prop("UseTaggedPDF", True), prop("PDFUACompliance", True)))
    # A value wrapped in uno.Any reaches LibreOffice only through uno.invoke.
    uno.invoke(document, "storeToURL", (uno.systemPathToFileUrl(target),
                                        (prop("FilterName", "writer_pdf_Export"), prop("FilterData", tagged))))
    document.close(True)
finally:
    try:
        desktop.terminate()
    except Exception:
        pass
    office.terminate()
    office.wait(30)
'''


class PdfError(RuntimeError):
    """The PDF could not be made; the message is Swedish."""


def available() -> bool:
    return shutil.which("soffice") is not None


def _has_uno() -> bool:
    if not Path(SYSTEM_PYTHON).exists():
        return False
    return subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, timeout=30).returncode == 0


def convert(docx: Path) -> Path:
    """Write `docx` as PDF beside it (same name, .pdf) with an updated table of contents; returns the PDF's path."""
    if not available():
        raise PdfError("LibreOffice (soffice) finns inte på datorn, så ingen PDF gjordes. Word-filen är skriven.")
    target = docx.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix="kubot-pdf-") as work:
        profile = Path(work) / "profil"
        if _has_uno():
            script = Path(work) / "toc.py"
            script.write_text(_UNO_SCRIPT, encoding="utf-8")
            done = subprocess.run(
                [SYSTEM_PYTHON, str(script), str(docx.resolve()), str(target.resolve()), str(profile)],
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
            )
        else:
            done = subprocess.run(
                [
                    "soffice",
                    "--headless",
                    f"-env:UserInstallation=file://{profile}",
                    "--convert-to",
                    TAGGED_PDF,
                    "--outdir",
                    str(target.parent),
                    str(docx),
                ],
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
            )
    if done.returncode != 0 or not target.is_file():
        raise PdfError(
            f"LibreOffice kunde inte göra en PDF av {docx.name}: {(done.stderr or done.stdout).strip()[:200]}"
        )
    return target
