"""`kubot teams package`: the Teams app package (manifest and icons, zipped) that an admin uploads.

The manifest in `teams/` has two placeholders: the bot's app id (from the Azure bot registration)
and the domain kubot is served from. Filling them in here keeps the file in the repository free
of any one installation's values.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from kubot.troubles import file_trouble

APP_DIR = Path(__file__).resolve().parents[2] / "teams"
FILES = ("manifest.json", "color.png", "outline.png")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+$")


class PackageError(ValueError):
    """Why no package could be made, in Swedish."""


def manifest(app_id: str | None, domain: str | None, source: Path = APP_DIR) -> dict[str, object]:
    """The manifest with this installation's app id and domain filled in."""
    if not app_id or not _GUID.match(app_id):
        raise PackageError("Ange botens app-id (ett GUID från Azure-registreringen), t.ex. "
                           "--app-id 6f1c2d3e-0000-4000-8000-1234567890ab, eller sätt "
                           "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID.")
    domain = (domain or "").removeprefix("https://").rstrip("/")
    if not _DOMAIN.match(domain):
        raise PackageError("Ange domänen som kubot nås på, utan https:// och sökväg, t.ex. --domain kubot.rjl.se.")
    try:
        text = (source / "manifest.json").read_text(encoding="utf-8")
    except OSError as exc:
        raise PackageError(f"Kan inte läsa Teams-manifestet i {source}: {file_trouble(exc, reading=True)}.") from exc
    filled: dict[str, object] = json.loads(
        text.replace("{{KUBOT_TEAMS_APP_ID}}", app_id.lower()).replace("{{KUBOT_DOMAIN}}", domain)
    )
    return filled


def build(app_id: str | None, domain: str | None, out: Path, source: Path = APP_DIR) -> Path:
    """Write the app package (a zip with the manifest and the two icons at its root) to `out`."""
    filled = manifest(app_id, domain, source)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(filled, ensure_ascii=False, indent=2))
        for name in FILES[1:]:
            package.write(source / name, name)
    return out
