"""All data back out: `kubot export` for people and other tools, `kubot backup`/`restore` for the whole database.

The round trip is judged the way users would notice a loss: after backup → fresh database →
restore, the same verdicts and the same report content, and the same entries with who/when/channel.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine

from kubot import backup, db, evaluation, export, journal
from kubot.chat.core import Bot
from kubot.cli import main
from kubot.models import Entry, Event
from kubot.periods import Period
from kubot.plan import loading
from kubot.report import content, gather
from kubot.settings import Settings
from tests.conftest import NOW, POSTGRES_URL, TODAY, origin, talk
from tests.reliability.conftest import postgres_databases

PERIOD = Period(2022, 2)


@pytest.fixture
def filled(bot: Bot) -> Engine:
    """The small plan with a bit of everything: attendance, results, a target, an undone and a replaced entry."""
    talk(bot, "Ola Götesson",
         ("närvaro PKS 2022-03-10 3 av 3", "Registrerat #"),
         ("närvaro PKS 2022-06-02 aneby, eksjo", "Registrerat #"),
         ("resultat arbetsmiljo 85 % T2 2022: Bättre än i fjol.", "Registrerat #"),
         ("målvärde arbetsmiljo 88 2022", "Registrerat #"),
         ("händelse social kompetens: Fyra utbildningar om våld i nära relationer.", "Registrerat #"),
         ("händelse social: skrevs fel", "Registrerat #"),
         ("ångra", "Ångrat #"))
    talk(bot, "Liselotte Karlsson", ("resultat brukarrev 3 T2 2022", "Registrerat #"))
    with db.session_scope(bot.engine) as session:
        first = session.get(Entry, 6)
        assert first is not None and first.kind == "händelse"
        journal.record(session, kind="händelse", summary="Händelse (rättad)", origin=origin(session, "Ola Götesson"),
                       rows=[Event(area_id=None, occurred_on=TODAY, text="Fyra utbildningar om hedersrelaterat våld.")],
                       replaces=first)
    return bot.engine


def judged(engine: Engine) -> tuple[object, str, list[tuple[object, ...]]]:
    """What users see of the data: the verdicts, the report content and the entry list."""
    with db.session_scope(engine) as session:
        snapshot = dataclasses.replace(
            evaluation.evaluate(session, PERIOD, today=TODAY, trigger="test"), made_at=NOW, id=None
        )
        report = content.build(gather.load(session, PERIOD), snapshot, content.Request(PERIOD), made_at=NOW)
        entries = export.entries(session, Settings().timezone)
    return (snapshot.indicators, snapshot.activities), repr(report), entries


def _round_trip(
    source: str, target: str, file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> str:
    monkeypatch.setenv("DATABASE_URL", source)
    assert main(["backup", str(file)]) == 0
    made = capsys.readouterr().out
    monkeypatch.setenv("DATABASE_URL", target)
    assert main(["restore", str(file)]) == 0, capsys.readouterr().err
    assert "Återställde" in capsys.readouterr().out
    return made


def test_backup_then_restore_into_a_fresh_database_gives_the_same_verdicts_report_and_entries(
        filled: Engine, database_url: str, fresh_url: Callable[[], str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    before = judged(filled)
    target = fresh_url()
    made = _round_trip(database_url, target, tmp_path / "kubot.backup", monkeypatch, capsys)
    assert ("pg_dump" if database_url.startswith("postgresql") else "SQLite") in made
    restored = db.make_engine(target)
    assert judged(restored) == before
    talk(
        Bot(restored, Settings(), clock=lambda: NOW),
        "Ola Götesson",
        ("händelse social: efter återställningen", "Registrerat #10"),
    )


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="needs KUBOT_TEST_POSTGRES_URL")
def test_a_backup_moves_between_sqlite_and_postgresql_both_ways(
        filled: Engine, database_url: str, fresh_url: Callable[[], str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("starts from SQLite")
    before = judged(filled)
    assert POSTGRES_URL is not None
    with postgres_databases(POSTGRES_URL) as make:
        postgres = make()
        _round_trip(database_url, postgres, tmp_path / "fran-sqlite.backup", monkeypatch, capsys)
        assert judged(db.make_engine(postgres)) == before
        # PostgreSQL without pg_dump on the machine: the backup is a SQLite file with every row.
        monkeypatch.setattr(backup, "_pg_tool", lambda name: None)
        back = fresh_url()
        made = _round_trip(postgres, back, tmp_path / "fran-postgresql.backup", monkeypatch, capsys)
        assert "SQLite-databasfil (alla tabeller kopierade rad för rad)" in made
        assert judged(db.make_engine(back)) == before


def test_restore_over_registered_data_needs_ersätt_and_a_stranger_file_is_refused(
    filled: Engine,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    file = tmp_path / "kubot.backup"
    assert main(["backup", str(file)]) == 0
    assert main(["backup", str(file)]) == 1
    assert "finns redan" in capsys.readouterr().err
    assert main(["restore", str(file)]) == 1
    assert "kubot restore FIL --ersätt" in capsys.readouterr().err
    stranger = tmp_path / "plan.yaml"
    stranger.write_text("namn: x\n", encoding="utf-8")
    assert main(["restore", str(stranger), "--ersätt"]) == 1
    assert "ingen säkerhetskopia från kubot backup" in capsys.readouterr().err
    before = judged(filled)
    assert main(["restore", str(file), "--ersätt"]) == 0
    assert judged(filled) == before


def test_export_writes_every_entry_with_who_when_channel_and_state_to_excel_and_csv(
    filled: Engine,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    out = tmp_path / "export"
    assert main(["export", "--out", str(out)]) == 0
    assert "Exporterade 9 registreringar" in capsys.readouterr().out
    book = openpyxl.load_workbook(out / "kubot.xlsx")
    rows = [[cell.value for cell in row] for row in book["Registreringar"].iter_rows()]
    assert rows[0] == list(export.ENTRY_COLUMNS)
    by_state = {(r[2], r[8]) for r in rows[1:]}
    assert ("Händelse (rättad)", "gäller") in by_state
    assert any(state == "ångrad" and "skrevs fel" in (summary or "") for summary, state in by_state)
    assert any(state == "ersatt" and "Fyra utbildningar om våld" in (summary or "") for summary, state in by_state)
    people = {r[3] for r in rows[1:]}
    assert {"Ola Götesson", "Liselotte Karlsson", "kubot (system)"} <= people
    assert {r[5] for r in rows[1:]} == {"console", "test"}
    with (out / "registreringar.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert [r[:3] for r in csv.reader(handle, delimiter=";")][1:] == [[str(r[0]), r[1], r[2]] for r in rows[1:]]
    plan_rows = [[cell.value for cell in row] for row in book["Planer"].iter_rows()]
    assert ["arbetsmiljo", "Andel medarbetare som upplever god arbetsmiljö"] in [r[5:7] for r in plan_rows]
    assert {"attendance", "indicatorresult", "targetchange", "change"} <= set(book.sheetnames)
    assert (out / "tabeller" / "attendance.csv").read_text(encoding="utf-8-sig").count("\n") == 3
    assert loading.load((out / "plan-2021.yaml").read_text(encoding="utf-8")).name == "Testplan 2021"
