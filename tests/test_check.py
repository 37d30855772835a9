"""`kubot check` tells a new administrator, one line per check, what is set up and what to do about
what is not: the database, the plan, the platforms, who can be reached, the report folder and the
public address. A ✗ makes the command fail; a warning (!) does not."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, update

from kubot import check, db
from kubot.adapters import console
from kubot.chat.core import Bot
from kubot.check import Level, Person, PlatformCheck, Reach
from kubot.journal import Origin
from kubot.models import Staff
from kubot.plan import importing, loading
from kubot.settings import Settings
from kubot.teams import check as teams_check
from tests.conftest import NOW

TODAY = date(2022, 3, 15)


def lines(findings: list[check.Finding], level: Level) -> list[str]:
    return [f.line for f in findings if f.level is level]


def only(text: str, findings: list[check.Finding]) -> check.Finding:
    found = [f for f in findings if text in f.text]
    assert len(found) == 1, f"{text!r} in {[f.line for f in findings]}"
    return found[0]


def test_an_unreachable_database_is_the_only_line_and_fails(tmp_path: Path) -> None:
    findings = check.run(Settings(database_url="postgresql://kubot@127.0.0.1:1/ingen"), checkers=[])
    assert [f.line for f in findings] == ["✗ Kan inte ansluta till databasen postgresql://kubot@127.0.0.1:1/ingen: "
                                          "ingen databasserver tar emot anslutningar där – kontrollera DATABASE_URL"]
    assert check.exit_code(findings) == 1


def test_a_database_file_where_a_file_is_in_the_way_says_so_in_swedish(tmp_path: Path) -> None:
    (tmp_path / "fil").write_text("ingen katalog")
    url = f"sqlite:///{tmp_path / 'fil' / 'kubot.db'}"
    [finding] = check.run(Settings(database_url=url), checkers=[])
    assert finding.text == f"Kan inte skapa databasfilen {url}: en del av sökvägen är en fil"


def test_a_new_database_is_a_warning_that_kubot_fills_it_at_start(database_url: str, tmp_path: Path) -> None:
    findings = check.run(Settings(database_url=database_url, report_dir=tmp_path / "r"), today=TODAY, checkers=[])
    assert "Databasen är tom" in only("tom", findings).line
    assert check.exit_code(findings) == 0


def test_a_database_behind_the_newest_schema_says_to_upgrade(database_url: str, tmp_path: Path) -> None:
    engine = db.make_engine(database_url)
    db.upgrade(engine, "0008")
    findings = check.run(
        Settings(database_url=database_url, report_dir=tmp_path / "r"), engine, today=TODAY, checkers=[]
    )
    engine.dispose()
    assert only("schema", findings).level is Level.FAIL
    assert "kubot db upgrade" in only("schema", findings).fix


def test_the_plans_of_this_year_and_the_next_are_named(small_plan_engine: Engine, tmp_path: Path) -> None:
    findings = check.run(Settings(report_dir=tmp_path / "r"), small_plan_engine, today=TODAY, checkers=[])
    assert only("schema", findings).level is Level.OK
    assert only("2022", findings).line == "✓ Plan för 2022: Testplan 2021 (gäller från 2021)"
    assert only("2023", findings).level is Level.OK


def test_no_plan_this_year_fails_and_none_next_year_warns(small_plan_engine: Engine, tmp_path: Path) -> None:
    findings = check.run(Settings(report_dir=tmp_path / "r"), small_plan_engine, today=date(2020, 6, 1), checkers=[])
    assert only("Ingen plan gäller 2020", findings).level is Level.FAIL
    assert "kubot plan import" in only("Ingen plan gäller 2020", findings).fix
    assert only("2021", findings).level is Level.OK


def test_the_sample_plan_is_a_warning_to_make_it_ones_own(engine: Engine, tmp_path: Path) -> None:
    with db.session_scope(engine) as session:
        importing.apply(session, loading.load(loading.sample_text(), "exempelplanen"), Origin(None, "system"))
    findings = check.run(Settings(report_dir=tmp_path / "r"), engine, today=TODAY, checkers=[])
    sample = only("Planen för 2022", findings)
    assert sample.level is Level.WARN and "exempelplanen" in sample.text and "kubot plan export" in sample.fix


def test_with_the_console_alone_missing_emails_are_one_warning(small_plan_engine: Engine, tmp_path: Path) -> None:
    findings = check.run(Settings(report_dir=tmp_path / "r"), small_plan_engine, today=TODAY, checkers=[])
    emails = only("saknar e-post", findings)
    assert emails.level is Level.WARN
    assert "3 av 3 personer" in emails.text and "Liselotte Karlsson" in emails.text and "e-post:" in emails.fix
    assert only("publik adress", findings).level is Level.OFF
    assert check.exit_code(findings) == 0


def test_with_the_console_alone_everyone_with_an_email_is_one_line(small_plan_engine: Engine, tmp_path: Path) -> None:
    with db.session_scope(small_plan_engine) as session:
        for name in ("Ola Götesson", "Liselotte Karlsson", "Maria Chef"):
            session.exec(update(Staff).where(Staff.name == name).values(email=f"{name.split()[0].lower()}@example.se"))  # type: ignore[call-overload]
    findings = check.run(Settings(report_dir=tmp_path / "r"), small_plan_engine, today=TODAY, checkers=[])
    assert "✓ Alla 3 personer har e-post i planen" in lines(findings, Level.OK)
    assert not [f for f in findings if "e-post" in f.text and f.level is not Level.OK]
    assert check.render(findings).splitlines()[-1] == "Allt som behövs är på plats."


def _platform(reach: dict[str, Reach], *findings: check.Finding) -> check.PlatformChecker:
    def checker(settings: Settings, engine: Engine, people: Any) -> PlatformCheck:
        return PlatformCheck("Slack", findings or (check.Finding(Level.OK, "Slack: inloggad"),), True, reach)
    return checker


def test_people_are_grouped_by_how_they_are_reached(small_plan_engine: Engine, tmp_path: Path) -> None:
    with db.session_scope(small_plan_engine) as session:
        session.exec(update(Staff).where(Staff.name == "Maria Chef").values(email="maria@example.se"))  # type: ignore[call-overload]
    reach = {
        "Liselotte Karlsson": Reach(True, "kopplad"),
        "Maria Chef": Reach(False, "finns i Slack men har inte skrivit till kubot än"),
        "Ola Götesson": Reach(False, "ingen e-post i planen"),
    }
    findings = check.run(Settings(report_dir=tmp_path / "r", public_url=None), small_plan_engine, today=TODAY,
                         checkers=[_platform(reach)])
    assert "✓ 1 person (Liselotte Karlsson) nås: Slack ✓ kopplad" in lines(findings, Level.OK)
    maria = only("Maria Chef", findings)
    assert maria.level is Level.FAIL and "koppla" in maria.fix
    ola = only("Ola Götesson", findings)
    assert ola.level is Level.FAIL and "e-post:" in ola.fix
    assert only("publika adressen", findings).level is Level.WARN
    assert check.exit_code(findings) == 1


def test_a_platform_that_is_wrongly_set_up_still_says_who_lacks_an_email_and_why_nobody_was_matched(
        small_plan_engine: Engine, tmp_path: Path) -> None:
    with db.session_scope(small_plan_engine) as session:
        maria = update(Staff).where(Staff.name == "Maria Chef").values(email="maria@example.se")
        session.exec(maria)  # type: ignore[call-overload]
    down = check.Finding(Level.FAIL, "Slack svarar inte på http://127.0.0.1:9/ (ingen tar emot anslutningar där)")

    def broken(settings: Settings, engine: Engine, people: Any) -> PlatformCheck:
        return PlatformCheck("Slack", (down,), True, {"Liselotte Karlsson": Reach(True, "kopplad")},
                             trouble="Slack inte svarar på http://127.0.0.1:9/")

    findings = check.run(Settings(report_dir=tmp_path / "r"), small_plan_engine, today=TODAY, checkers=[broken])
    assert lines(findings, Level.FAIL)[1:] == [
        "✗ 1 person (Ola Götesson) nås inte av påminnelser: Slack ✗ ingen e-post i planen – kubot plan export, "
        "lägg till e-post: på personerna och kubot plan import",
        "✗ 1 person (Liselotte Karlsson) nås inte av påminnelser: Slack ✗ kopplad, men nås inte eftersom Slack inte "
        "svarar på http://127.0.0.1:9/ – rätta felet med Slack ovan och kör kubot check igen",
        "✗ 1 person (Maria Chef) nås inte av påminnelser: Slack ✗ kunde inte matchas i Slack eftersom Slack inte "
        "svarar på http://127.0.0.1:9/ – rätta felet med Slack ovan och kör kubot check igen"]


def test_a_platform_with_a_failure_of_its_own_is_never_counted_as_reaching_anyone(small_plan_engine: Engine,
                                                                                   tmp_path: Path) -> None:
    half = _platform({"Liselotte Karlsson": Reach(True, "kopplad")},
                     check.Finding(Level.FAIL, "Slack är halvt inställt"))
    findings = check.run(Settings(report_dir=tmp_path / "r"), small_plan_engine, today=TODAY, checkers=[half])
    assert not [f for f in findings if "nås: Slack" in f.text]
    assert "kopplad, men nås inte eftersom inställningen av Slack har fel" in only("Liselotte", findings).text


def test_a_report_folder_that_cannot_be_written_fails(small_plan_engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "fil").write_text("ingen katalog")
    findings = check.run(
        Settings(report_dir=tmp_path / "fil" / "rapporter"), small_plan_engine, today=TODAY, checkers=[]
    )
    assert only("Rapportkatalogen", findings).line == (
        f"✗ Rapportkatalogen {tmp_path / 'fil' / 'rapporter'} går inte att skriva i (en del av sökvägen är en fil) – "
        "sätt KUBOT_REPORT_DIR till en katalog som kubot får skriva i")


def test_a_report_folder_that_a_restart_throws_away_warns_when_a_platform_is_on(
    small_plan_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    on = [_platform({})]
    relative = check.run(Settings(report_dir=Path("rapporter")), small_plan_engine, today=TODAY, checkers=on)
    assert only("Rapportkatalogen rapporter", relative).level is Level.WARN
    heroku = check.run(
        Settings(report_dir=tmp_path / "rapporter", ephemeral_disk=True), small_plan_engine, today=TODAY, checkers=on
    )
    assert "KUBOT_REPORT_DIR" in only("Rapportkatalogen", heroku).fix
    kept = check.run(Settings(report_dir=tmp_path / "rapporter"), small_plan_engine, today=TODAY, checkers=[])
    assert only("Rapporterna sparas", kept).level is Level.OK


def test_the_default_report_folder_is_beside_the_database_not_the_working_folder(tmp_path: Path) -> None:
    settings = Settings.from_env({})
    assert settings.report_dir.is_absolute()
    assert settings.report_dir.parent == Path(db.sqlite_file(settings.database_url) or "").parent


@pytest.fixture
def health() -> Iterator[dict[str, Any]]:
    state: dict[str, Any] = {"status": 200}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            state["path"] = self.path
            self.send_response(state["status"])
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state["url"] = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


def test_the_public_address_is_tried_at_its_health_check(health: dict[str, Any]) -> None:
    assert check.public_url_finding(Settings(public_url=health["url"]), True).level is Level.OK
    assert health["path"] == "/healthz"
    health["status"] = 503
    assert "503" in check.public_url_finding(Settings(public_url=health["url"]), True).text


def test_a_public_address_that_is_not_https_or_does_not_answer_fails() -> None:
    plain = check.public_url_finding(Settings(public_url="http://kubot.example.se"), True)
    assert plain.level is Level.FAIL and "https" in plain.text
    silent = check.public_url_finding(Settings(public_url="http://127.0.0.1:9"), True)
    assert silent.line == ("✗ Den publika adressen svarar inte på http://127.0.0.1:9/healthz (ingen tar emot "
                           "anslutningar där) – starta kubot web eller kubot teams och kontrollera adressen")


def _people(engine: Engine) -> list[Person]:
    from sqlmodel import Session

    with Session(engine) as session:
        return check.active_people(session)


def test_teams_off_half_set_up_and_malformed_ids(small_plan_engine: Engine) -> None:
    people = _people(small_plan_engine)
    off = teams_check.check(Settings(), small_plan_engine, people)
    assert not off.configured and off.findings[0].level is Level.OFF
    half = teams_check.check(Settings(teams_app_id="inte-ett-guid"), small_plan_engine, people)
    failed = [f.text for f in half.findings if f.level is Level.FAIL]
    assert any("CLIENTSECRET" in text and "TENANTID" in text for text in failed)
    assert any("app-id" in text and "GUID" in text for text in failed)
    assert half.reach["Ola Götesson"] == Reach(False, "har inte skrivit till kubot i Teams än")


def test_teams_without_tokens_on_purpose_warns_and_a_malformed_tenant_fails(small_plan_engine: Engine) -> None:
    people = _people(small_plan_engine)
    anonymous = teams_check.check(Settings(teams_anonymous=True), small_plan_engine, people)
    assert anonymous.configured
    assert [f.line for f in anonymous.findings if f.level is Level.WARN] == [
        "! Teams tar emot anrop utan token (KUBOT_TEAMS_ANONYMOUS) – bara för lokal provning med Agents Playground; "
        "ta bort variabeln i drift"]
    guid = "00000000-0000-0000-0000-000000000001"
    tenant = teams_check.check(Settings(teams_app_id=guid, teams_app_secret="hemligt", teams_tenant_id="rjl.se"),
                               small_plan_engine, people)
    assert [f.text for f in tenant.findings if "GUID" in f.text] == [
        "Teams klient-id (tenant) i CONNECTIONS__SERVICE_CONNECTION__SETTINGS__TENANTID är inget GUID"]
    assert not [f for f in tenant.findings if f.level is Level.OK], "no ✓ for a registration that is wrong"


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="on 3.12 the Teams SDK may be installed")
def test_teams_set_up_on_a_python_without_its_sdk_says_how_to_install_it(small_plan_engine: Engine) -> None:
    guid = "00000000-0000-0000-0000-000000000001"
    found = teams_check.check(Settings(teams_app_id=guid, teams_app_secret="hemligt", teams_tenant_id=guid),
                              small_plan_engine, _people(small_plan_engine))
    assert "✗ Teams-delen är inte installerad här – kör kubot med Python 3.12 och pip install -e '.[teams]'" in \
        [f.line for f in found.findings]


def test_kubot_check_exits_0_on_a_fresh_install_and_1_when_misconfigured(tmp_path: Path) -> None:
    env = {"PATH": str(Path(sys.executable).parent), "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"),
           "KUBOT_LOG_FILE": str(tmp_path / "kubot.log")}
    fresh = subprocess.run(["kubot", "check"], env=env, capture_output=True, text=True, timeout=60)
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    assert "✓ Databasen nås" in fresh.stdout and "– Slack är av" in fresh.stdout
    assert fresh.stdout.splitlines()[-1].startswith("Allt som behövs är på plats")
    broken = subprocess.run(
        ["kubot", "kontroll"], env={**env, "SLACK_BOT_TOKEN": "xoxb-1"}, capture_output=True, text=True, timeout=60
    )
    assert broken.returncode == 1
    assert "✗ Slack är halvt inställt: SLACK_SIGNING_SECRET saknas" in broken.stdout
    assert broken.stdout.splitlines()[-1].startswith("1 fel att rätta")


def test_an_administrator_asks_for_kontroll_in_chat(small_plan_engine: Engine, tmp_path: Path) -> None:
    bot = Bot(small_plan_engine, Settings(report_dir=tmp_path / "rapporter"), clock=lambda: NOW)
    reply = console.render(console.say(bot, "Ola Götesson", "kontroll"))
    assert "✓ Databasens schema är aktuellt" in reply and "Plan för" in reply
    refused = console.render(console.say(bot, "Liselotte Karlsson", "kontroll"))
    assert "Databasen" not in refused
