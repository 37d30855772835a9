"""Report files: never overwritten, nothing left beside them, ordinary permissions, Swedish answers at the
CLI edge (a directory, a too long name, a full disk, a broken or inflated template), and one entry's odd
characters never stop a report."""

from __future__ import annotations

import errno
import io
import os
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import docx
import pytest

from kubot import db
from kubot.adapters import compose
from kubot.cli import main
from kubot.journal import Origin
from kubot.kinds.event.record import log_event
from kubot.models.records import ThreeK
from kubot.periods import Period
from kubot.report import build, content, template
from kubot.settings import Settings

NOW = datetime(2019, 1, 15, 9, 0, tzinfo=UTC)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'kubot.db'}", report_dir=tmp_path / "rapporter")
    compose.start(settings)
    return settings


def _build(settings: Settings, out: Path | None = None) -> build.Built:
    engine = db.make_engine(settings.database_url)
    with db.session_scope(engine) as session:
        return build.build(session, content.Request(Period(2018, 1)), settings, now=NOW, trigger="test", out=out)


def test_two_reports_in_the_same_second_get_two_files_and_nothing_else_is_left(settings: Settings) -> None:
    old = os.umask(0o022)
    try:
        first, second = _build(settings), _build(settings)
    finally:
        os.umask(old)
    assert first.path != second.path and first.path.is_file() and second.path.is_file()
    assert second.path.name.endswith("-2.docx") and first.path.is_absolute()
    assert sorted(p.name for p in settings.report_dir.iterdir()) == sorted([first.path.name, second.path.name]), \
        "no lock or temporary file beside the reports"
    assert (first.path.stat().st_mode & 0o777) == 0o644, "ordinary permissions under the usual umask"


def test_a_directory_as_out_gets_the_report_inside_it(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "utkast"
    folder.mkdir()
    built = _build(settings, out=folder)
    assert built.path.parent == folder.resolve() and built.path.suffix == ".docx"


def _cli(settings: Settings, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("KUBOT_REPORT_DIR", str(settings.report_dir))
    return main(["report", "T1", "2018", *args])


def test_a_too_long_file_name_is_answered_in_swedish(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(settings, monkeypatch, "--out", str(tmp_path / ("r" * 300 + ".docx"))) == 1
    err = capsys.readouterr().err
    assert "för långt" in err and "Traceback" not in err


def test_a_full_disk_is_called_a_full_disk(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(build.os, "fsync", full)  # the write reaches the disk at fsync, where a full disk shows
    assert _cli(settings, monkeypatch) == 1
    err = capsys.readouterr().err
    assert "Disken är full" in err and "Traceback" not in err
    assert not list(settings.report_dir.glob("*")), "no half-written file is left"


def test_a_template_with_broken_xml_is_refused_by_name(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    good = io.BytesIO()
    docx.Document().save(good)
    broken = tmp_path / "mall.docx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, b"<w:document><w:body>" if item.filename == "word/document.xml" else data)
    monkeypatch.setenv("KUBOT_REPORT_TEMPLATE", str(broken))
    assert _cli(settings, monkeypatch) == 1
    err = capsys.readouterr().err
    assert "mall.docx" in err and "Word-dokument" in err and "Traceback" not in err


def test_an_inflating_template_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", b" " * 60_000_000)
    with pytest.raises(template.TemplateError, match="packas upp"):
        template.open_template(bomb)


def test_characters_a_document_cannot_hold_never_stop_a_report(settings: Settings) -> None:
    engine = db.make_engine(settings.database_url)
    with db.session_scope(engine) as session:
        # Stored before chat normalised text: a noncharacter, a NUL and a lone surrogate's neighbour.
        log_event(session, origin=Origin(None, "test"), area_code="barnahus", occurred_on=date(2018, 3, 1),
                          three_k=ThreeK.COMPETENCE, text="Utbildning\uffff om \ufdd0heder\x00svåld.")
    built = _build(settings)
    text = "\n".join(p.text for p in docx.Document(str(built.path)).paragraphs)
    assert "Utbildning om hedersvåld." in text
