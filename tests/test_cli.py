"""The `kubot` command for administrators: plan import/export and database errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubot.cli import main
from tests.conftest import PLANS


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, database_url: str) -> str:
    monkeypatch.setenv("DATABASE_URL", database_url)
    return database_url


def test_export_of_a_fresh_database_round_trips_through_import(
    env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "plan.yaml", tmp_path / "again.yaml"
    assert main(["plan", "export", "--out", str(first)]) == 0
    assert main(["plan", "import", str(first)]) == 0
    assert main(["plan", "export", "--out", str(second)]) == 0
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")
    assert "Götesson" in first.read_text(encoding="utf-8")


def test_importing_a_broken_plan_names_the_line_and_changes_nothing(
    env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "trasig.yaml"
    broken.write_text(
        (PLANS / "small.yaml").read_text(encoding="utf-8").replace("gäller_från: 2021", "gäller_från: tjugotjugoett"),
        encoding="utf-8",
    )
    assert main(["plan", "import", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "trasig.yaml" in err and "rad 2, gäller_från: ska vara ett heltal" in err
    assert main(["plan", "export"]) == 0
    assert "Testplan" not in capsys.readouterr().out, "nothing of the broken plan was imported"


def test_check_only_validates_without_writing(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "import", "--check", str(PLANS / "small.yaml")]) == 0
    assert "planen är giltig" in capsys.readouterr().out


def test_an_unreachable_database_gives_one_line_without_the_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://kubot:hemligt@127.0.0.1:1/kubot")
    assert main(["db", "upgrade"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("Kan inte ansluta till databasen postgresql://kubot:***@127.0.0.1:1/kubot")
    assert "hemligt" not in err and len(err.splitlines()) == 1


def test_a_sqlite_file_that_cannot_be_created_gives_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:////proc/kubot/kubot.db")
    assert main(["db", "upgrade"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("Kan inte") and "/proc/kubot/kubot.db" in err and len(err.splitlines()) == 1


def test_evaluate_judges_a_period_and_keeps_the_snapshot(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "T2", "2018", "--date", "2018-09-20"]) == 0
    out = capsys.readouterr().out
    assert "Bedömning #1 av T2 2018 (januari–augusti), per 2018-09-20:" in out
    # Nothing is logged yet: every indicator is without result, none "inte uppfyllt" because a count of nothing is 0.
    assert "○ 157 inget resultat" in out and "inte uppfyllt" not in out and "71 mäts senare" in out
    assert main(["evaluate", "T2", "2018", "--date", "2018-09-20"]) == 0
    assert "Bedömning #2" in capsys.readouterr().out


def test_evaluate_refuses_a_period_that_does_not_exist(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "T4", "2022"]) == 2
    assert "är ingen period" in capsys.readouterr().err
