"""The `kubot` command line at its edges: Swedish help and errors, no tracebacks for the
person (they go to the log file), output piped into `head`, a full disk, a read-only database,
the default database's place, and a chat message that does not load the report stack."""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from kubot.cli import main
from kubot.cli_errors import explain, guarded, log_to_file

ADMIN = "Ola Götesson"


def kubot(
    *args: str, env: dict[str, str], cwd: Path | None = None, **popen: object
) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kubot", *args], env=env, cwd=cwd, capture_output=True, text=True,
                          check=False, timeout=120, **popen)  # type: ignore[call-overload]


@pytest.fixture
def env(tmp_path: Path, log_file: Path) -> dict[str, str]:
    """A database with the sample plan, ready for commands in other processes."""
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'kubot.db'}", "KUBOT_LOG_FILE": str(log_file)}
    assert kubot("say", "--as", ADMIN, "närvaro PKS 2022-03-10 12 av 13", env=environment).returncode == 0
    return environment


def test_help_is_in_swedish(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("användning: kubot")
    assert "flaggor:" in out and "visa den här hjälpen och avsluta" in out
    assert "usage" not in out and "show this help" not in out


@pytest.mark.parametrize(("argv", "expected"), [
    (["say"], "kubot say: fel: det här saknas: --as, MEDDELANDE"),
    (["rapportera"], "kubot: fel: KOMMANDO: ogiltigt val: 'rapportera'"),
    (["evaluate", "--date", "igår"], "kubot evaluate: fel: --date: ogiltigt värde: 'igår'"),
    (["outbox", "--oläst"], "kubot: fel: okända argument: --oläst"),
])
def test_a_wrong_call_is_refused_in_swedish_with_exit_code_2(argv: list[str], expected: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("användning: kubot") and expected in err


def test_argparse_outside_kubot_keeps_its_own_texts() -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert argparse.ArgumentParser(prog="annat").format_help().startswith("usage: annat")


@pytest.mark.parametrize(
    "command", [["plan", "export"], ["outbox"], ["reminders", "--dry-run", "--date", "2022-09-01"]]
)
def test_output_closed_early_ends_without_a_traceback(env: dict[str, str], command: list[str]) -> None:
    # The reader goes away before kubot writes, as `kubot outbox | head` does when head is done.
    process = subprocess.Popen([sys.executable, "-m", "kubot", *command], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    err = process.stderr.read()
    process.wait(timeout=120)
    assert err == ""
    assert process.returncode == 1


def test_a_full_disk_is_said_in_one_swedish_line(env: dict[str, str]) -> None:
    with open(os.devnull if not Path("/dev/full").exists() else "/dev/full", "w") as full:
        piped = subprocess.run([sys.executable, "-m", "kubot", "plan", "export"], env=env, stdout=full,
                               stderr=subprocess.PIPE, text=True, check=False, timeout=120)
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    assert piped.returncode == 1
    assert piped.stderr.strip() == "Disken är full: kubot kunde inte skriva klart. Frigör utrymme och försök igen."
    to_file = kubot("plan", "export", "--out", "/dev/full", env=env)
    assert to_file.returncode == 1 and to_file.stderr.startswith("Disken är full")


def test_a_full_sqlite_database_is_said_to_be_a_full_disk(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'liten.db'}"
    engine = create_engine(url)
    with pytest.raises(OperationalError) as full, engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x TEXT)"))
        connection.execute(text("PRAGMA max_page_count = 2"))  # SQLite's own "disk is full" (SQLITE_FULL)
        connection.execute(text("INSERT INTO t VALUES (:x)"), [{"x": "x" * 5000} for _ in range(10)])
    assert explain(full.value, database_url=url, log_file=tmp_path / "kubot.log").startswith("Disken är full")


@pytest.mark.parametrize(("make_out", "expected"), [
    (lambda tmp: tmp, "är en katalog; ange en fil."),
    (lambda tmp: tmp / ("x" * 300 + ".yaml"), "Filnamnet är för långt"),
])
def test_a_bad_out_file_is_one_swedish_line(
    env: dict[str, str], tmp_path: Path, make_out: object, expected: str
) -> None:
    out = make_out(tmp_path)  # type: ignore[operator]
    done = kubot("plan", "export", "--out", str(out), env=env)
    assert done.returncode == 1 and expected in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_a_file_that_is_not_a_database_is_named(tmp_path: Path, log_file: Path) -> None:
    broken = tmp_path / "kubot.db"
    broken.write_bytes(b"detta \xe4r en textfil, ingen databas" * 100)
    done = kubot("outbox", env={**os.environ, "DATABASE_URL": f"sqlite:///{broken}", "KUBOT_LOG_FILE": str(log_file)})
    assert done.returncode == 1
    assert done.stderr.strip() == f"{broken} är ingen SQLite-databas (eller är skadad). Kontrollera DATABASE_URL."
    assert "Traceback" in log_file.read_text(encoding="utf-8")


def test_an_unexpected_error_is_one_line_naming_the_log_which_has_the_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "logg" / "kubot.log"
    log_to_file(log)

    def broken() -> int:
        return {}["finns inte"]  # type: ignore[no-any-return]

    assert guarded(broken, database_url="sqlite://", log_file=log) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"Ett oväntat fel stoppade kubot (KeyError). Detaljerna finns i loggfilen {log}; "
                   "skicka den till den som sköter kubot."]
    assert "Traceback" in log.read_text(encoding="utf-8") and "finns inte" in log.read_text(encoding="utf-8")


def test_a_setting_that_does_not_parse_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KUBOT_TIMEZONE", "Mars/Olympus")
    assert main(["outbox"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("En inställning i miljön går inte att använda") and len(err.splitlines()) == 1


def _read_only_mount_works(source: Path, target: Path) -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", f"mount --bind {source} {target} && mount -o remount,bind,ro {target}"],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


def test_a_read_only_database_still_answers_what_only_reads(env: dict[str, str], tmp_path: Path) -> None:
    # A real read-only file system (a bind mount in a private mount namespace): as root, file
    # permissions alone would not stop kubot from writing.
    source, mounted = tmp_path / "källa", tmp_path / "skrivskyddad"
    source.mkdir()
    mounted.mkdir()
    shutil.copy(tmp_path / "kubot.db", source / "kubot.db")
    if not _read_only_mount_works(source, mounted):
        pytest.skip("cannot mount a read-only file system here (needs unshare and mount rights)")
    read_only_env = {**env, "DATABASE_URL": f"sqlite:///{mounted / 'kubot.db'}"}
    script = f"mount --bind {source} {mounted} && mount -o remount,bind,ro {mounted} && exec \"$@\""

    def on_read_only(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", sys.executable, "-m", "kubot", *args],
                              env=read_only_env, capture_output=True, text=True, check=False, timeout=120)

    exported = on_read_only("plan", "export")
    assert exported.returncode == 0 and "Götesson" in exported.stdout and exported.stderr == ""
    for message in ("vem", "varför narvaro-pks T1 2022"):
        answered = on_read_only("say", "--as", ADMIN, message)
        assert answered.returncode == 0 and answered.stderr == "", answered.stdout
    evaluated = on_read_only("evaluate", "T2", "2022")
    assert evaluated.returncode == 1
    assert evaluated.stderr.strip().startswith("Databasen är skrivskyddad, och det här kommandot behöver skriva i den.")


def test_the_default_database_is_the_same_from_any_folder(tmp_path: Path, log_file: Path) -> None:
    home = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    home.update(XDG_DATA_HOME=str(tmp_path / "data"), KUBOT_LOG_FILE=str(log_file))
    first, second = tmp_path / "här", tmp_path / "där"
    first.mkdir()
    second.mkdir()
    assert kubot("say", "--as", ADMIN, "närvaro PKS 2022-03-10 12 av 13", env=home, cwd=first).returncode == 0
    undone = kubot("say", "--as", ADMIN, "ångra 2", env=home, cwd=second)
    assert undone.returncode == 0 and "Ångrat #2" in undone.stdout
    assert (tmp_path / "data" / "kubot" / "kubot.db").is_file()
    assert not list(first.iterdir()) and not list(second.iterdir())


def test_the_console_says_which_database_it_uses(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kubot.db'}")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["console", "--as", ADMIN]) == 0
    assert capsys.readouterr().out.startswith(f"Databas: {tmp_path / 'kubot.db'}\n")


def test_a_chat_message_from_the_command_line_loads_neither_the_report_stack_nor_the_rule_engine(
    env: dict[str, str]
) -> None:
    """What a message does not use it does not wait for: the report's libraries, the rules and their engine, and
    fuzzy matching, which only a misspelt word needs."""
    probe = (
        "import sys; from kubot.cli import main; main(['say', '--as', sys.argv[1], 'närvaro PKS 2022-05-12 12 av 13']);"
        " print(sorted({m.split('.')[0] for m in sys.modules} & {'matplotlib', 'docx', 'durable_rules_engine', 'rules',"
        " 'rapidfuzz'}), sorted(m for m in sys.modules if m.startswith('kubot.report')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, ADMIN], env=env, capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[] []"


@pytest.mark.parametrize(("command", "expected"), [
    (["restore", "{tmp}/saknas.kubot"], "Kan inte läsa {tmp}/saknas.kubot: den finns inte."),
    (["restore", "{tmp}"], "Kan inte läsa {tmp}: det är en mapp, inte en fil."),
    (["backup", "{tmp}/kubot.db/kopia.kubot"],
     "Kan inte skriva {tmp}/kubot.db/kopia.kubot: en del av sökvägen är en fil."),
])
def test_a_file_that_cannot_be_read_or_written_is_said_in_swedish(
    env: dict[str, str], tmp_path: Path, command: list[str], expected: str
) -> None:
    """The system's own reason ("No such file or directory") is English: what a user reads is not."""
    done = kubot(*[part.format(tmp=tmp_path) for part in command], env=env)
    assert done.returncode == 1
    assert done.stderr.strip() == expected.format(tmp=tmp_path)
