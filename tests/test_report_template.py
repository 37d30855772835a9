"""The organisation's Word template: its header and styles are used, and a bad template is refused at once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from sqlmodel import Session, func, select

from kubot.models import Evaluation
from kubot.periods import Period
from kubot.report import build, content
from kubot.settings import Settings

NOW = datetime(2021, 5, 10, 8, 0, tzinfo=UTC)
REQUEST = content.Request(Period(2021, 1), author="Maria Chef")


def _template(path: Path, *, drop_style: str | None = None) -> Path:
    template = docx.Document()
    template.sections[0].header.paragraphs[0].text = "LOGGA Region Jönköpings län – Kommunal utveckling"
    template.add_paragraph("Mallens exempeltext som inte ska följa med.")
    if drop_style:
        template.styles.element.remove(template.styles[drop_style].element)
    template.save(str(path))
    return path


def _evaluations(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Evaluation)).one()


def test_the_report_takes_header_and_styles_from_the_template(session: Session, tmp_path: Path) -> None:
    settings = Settings(report_template=_template(tmp_path / "mall.docx"), report_dir=tmp_path)
    built = build.build(session, REQUEST, settings, now=NOW, trigger="cli")
    document = docx.Document(str(built.path))
    assert document.sections[0].header.paragraphs[0].text == "LOGGA Region Jönköpings län – Kommunal utveckling"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Mallens exempeltext" not in text and "Delårsrapport januari–april 2021" in text
    assert "1 Inledning" in [p.text for p in document.paragraphs if p.style.name == "Heading 1"]


def test_without_a_template_the_built_in_look_has_its_own_header(session: Session, tmp_path: Path) -> None:
    built = build.build(session, REQUEST, Settings(report_dir=tmp_path), now=NOW, trigger="cli")
    header = docx.Document(str(built.path)).sections[0].header.paragraphs[0].text
    assert header == "Kommunal utveckling – Delårsrapport januari–april 2021 – UTKAST"


def test_missing_styles_are_named_before_anything_is_done(session: Session, tmp_path: Path) -> None:
    settings = Settings(
        report_template=_template(tmp_path / "mall.docx", drop_style="List Bullet"), report_dir=tmp_path / "ut"
    )
    with pytest.raises(build.ReportError, match="saknar formatmallarna List Bullet"):
        build.build(session, REQUEST, settings, now=NOW, trigger="cli")
    assert _evaluations(session) == 0 and not (tmp_path / "ut").exists()


@pytest.mark.parametrize("name", ["mall.docx", "mall.pdf"])
def test_a_template_that_is_not_a_word_file_is_refused_clearly(session: Session, tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text("inte ett Word-dokument", encoding="utf-8")
    settings = replace(Settings(report_dir=tmp_path), report_template=tmp_path / name)
    with pytest.raises(build.ReportError, match=r"är inte ett Word-dokument \(\.docx\)"):
        build.build(session, REQUEST, settings, now=NOW, trigger="cli")


def test_a_missing_template_file_is_named(session: Session, tmp_path: Path) -> None:
    with pytest.raises(build.ReportError, match="finns inte"):
        build.build(session, REQUEST, Settings(report_template=tmp_path / "borta.docx"), now=NOW, trigger="cli")
