"""The Teams app package: what an admin uploads to install kubot in their tenant (needs no Teams SDK)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from kubot.chat.core import Bot  # noqa: F401  (registers the commands)
from kubot.chat.registry import COMMANDS
from kubot.cli import main

APP_ID = "6F1C2D3E-0000-4000-8000-1234567890AB"


def _package(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> zipfile.ZipFile:
    out = tmp_path / "kubot-teams.zip"
    assert main(["teams", "package", "--app-id", APP_ID, "--domain", "https://kubot.rjl.se/", "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    return zipfile.ZipFile(out)


def test_the_package_has_the_manifest_and_both_icons_at_its_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = _package(tmp_path, capsys)
    assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
    assert Image.open(io.BytesIO(package.read("color.png"))).size == (192, 192)
    outline = Image.open(io.BytesIO(package.read("outline.png")))
    assert outline.size == (32, 32) and outline.mode == "RGBA"


def test_the_manifest_names_this_installations_bot_and_domain(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = json.loads(_package(tmp_path, capsys).read("manifest.json"))
    [bot] = manifest["bots"]
    assert manifest["id"] == bot["botId"] == APP_ID.lower()
    assert manifest["validDomains"] == ["kubot.rjl.se"]
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"} and bot["supportsFiles"] is True
    assert "{{" not in json.dumps(manifest)


def test_the_command_list_starts_with_help_and_offers_only_real_commands(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    [commands] = json.loads(_package(tmp_path, capsys).read("manifest.json"))["bots"][0]["commandLists"]
    titles = [c["title"] for c in commands["commands"]]
    assert titles[0] == "hjälp" and len(titles) <= 10
    assert all(COMMANDS[t].name == t for t in titles)
    assert all(len(c["description"]) <= 128 for c in commands["commands"])


@pytest.mark.parametrize(("app_id", "domain", "problem"), [
    (None, "kubot.rjl.se", "Ange botens app-id"),
    ("kubot", "kubot.rjl.se", "Ange botens app-id"),
    (APP_ID, "https://kubot.rjl.se/api/messages", "Ange domänen"),
])
def test_a_package_without_a_valid_app_id_or_domain_is_refused_with_an_example(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        app_id: str | None, domain: str, problem: str) -> None:
    monkeypatch.delenv("CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID", raising=False)
    out = tmp_path / "kubot-teams.zip"
    assert (
        main(["teams", "package", *(["--app-id", app_id] if app_id else []), "--domain", domain, "--out", str(out)])
        == 2
    )
    assert capsys.readouterr().err.startswith(problem)
    assert not out.exists()


def test_the_app_id_can_come_from_the_sdks_environment_variable(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID", APP_ID)
    out = tmp_path / "kubot-teams.zip"
    assert main(["teams", "package", "--domain", "kubot.rjl.se", "--out", str(out)]) == 0
    assert json.loads(zipfile.ZipFile(out).read("manifest.json"))["id"] == APP_ID.lower()
