"""`kubot check` (and `kontroll` in chat): is this installation set up so that nothing fails silently?

Each check gives one Swedish line, ✓ or ✗ with what to do; a warning (!) is worth knowing but
breaks nothing, and "–" marks a part that is off on purpose. The database, the plan, the report
folder and the public address are checked here; each chat platform checks its own credentials and
whom it can reach (a `kubot.checks` entry point, like the senders), so this module knows no platform.
"""

from __future__ import annotations

import os
import re
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from importlib.metadata import entry_points
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from kubot import db
from kubot.models import ChatIdentity, Staff
from kubot.plan import loading, queries
from kubot.settings import Settings
from kubot.troubles import file_trouble, network_trouble

HEALTH_TIMEOUT = 5.0


class Level(Enum):
    OK = "✓"
    OFF = "–"
    WARN = "!"
    FAIL = "✗"


@dataclass(frozen=True)
class Finding:
    level: Level
    text: str
    fix: str = ""

    @property
    def line(self) -> str:
        return f"{self.level.value} {self.text}" + (f" – {self.fix}" if self.fix else "")


@dataclass(frozen=True)
class Reach:
    """Whether a platform can reach one person, and why (or why not) in plain words."""

    ok: bool
    why: str


@dataclass(frozen=True)
class PlatformCheck:
    """What a chat platform says of itself: its configuration lines, and whom it reaches (by name)."""

    name: str
    findings: tuple[Finding, ...]
    configured: bool
    reach: Mapping[str, Reach] = field(default_factory=dict)
    # While a ✗ above stands: why nobody can be matched, as a clause after "eftersom" ("Slack inte svarar på …").
    trouble: str = ""

    @property
    def failed(self) -> bool:
        return any(f.level is Level.FAIL for f in self.findings)


@dataclass(frozen=True)
class Person:
    name: str
    email: str | None
    identities: Mapping[str, str]


PlatformChecker = Callable[[Settings, Engine, Sequence[Person]], PlatformCheck]


def platform_checkers() -> list[PlatformChecker]:
    return [point.load() for point in entry_points(group="kubot.checks")]


def run(settings: Settings, engine: Engine | None = None, *, today: date | None = None,
        checkers: Sequence[PlatformChecker] | None = None) -> list[Finding]:
    """Every check, in the order an administrator fixes things: database, plan, platforms, people, files.
    Without `engine`, the database is the one the settings name (and is left as it was found)."""
    today = today or datetime.now(settings.timezone).date()
    if engine is not None:
        return _run(settings, engine, today, checkers)
    try:
        own = db.make_engine(settings.database_url)
    except db.DatabaseUnavailable as exc:
        return [Finding(Level.FAIL, str(exc), "kontrollera DATABASE_URL")]
    try:
        return _run(settings, own, today, checkers)
    finally:
        own.dispose()


def _run(settings: Settings, engine: Engine, today: date, checkers: Sequence[PlatformChecker] | None) -> list[Finding]:
    # Only reads, so never the write lock: in chat the asking message's own transaction holds it.
    engine = engine.execution_options(**{db.READ_ONLY: True})
    findings = [Finding(Level.OK, f"Databasen nås: {db.describe(str(engine.url))}")]
    pending = db.pending_migrations(engine)
    people: list[Person] = []
    if not db.has_schema(engine):
        findings.append(
            Finding(
                Level.WARN,
                "Databasen är tom",
                "kubot skapar tabellerna och läser in exempelplanen när den startar; kubot db upgrade gör tabellerna"
                " direkt",
            )
        )
    elif pending:
        findings.append(Finding(Level.FAIL, f"Databasens schema är inte aktuellt ({len(pending)} uppdateringar saknas)",
                                "kör kubot db upgrade"))
    else:
        findings.append(Finding(Level.OK, "Databasens schema är aktuellt"))
        with Session(engine) as session:
            findings += plan_findings(session, today)
            people = active_people(session)
    platforms = [
        checker(settings, engine, people) for checker in (platform_checkers() if checkers is None else checkers)
    ]
    for platform in platforms:
        findings += platform.findings
    findings += people_findings(people, [p for p in platforms if p.configured])
    on = any(p.configured for p in platforms)
    findings.append(report_dir_finding(settings, on))
    findings.append(public_url_finding(settings, on))
    return findings


def exit_code(findings: Sequence[Finding]) -> int:
    return 1 if any(f.level is Level.FAIL for f in findings) else 0


def render(findings: Sequence[Finding]) -> str:
    failed = sum(f.level is Level.FAIL for f in findings)
    warned = sum(f.level is Level.WARN for f in findings)
    warnings = f"{warned} {'varning' if warned == 1 else 'varningar'}"
    if failed:
        summary = f"{failed} fel att rätta" + (f" och {warnings}" if warned else "") + "."
    else:
        summary = "Allt som behövs är på plats" + (f" ({warnings})." if warned else ".")
    return "\n".join([*(f.line for f in findings), summary])


def plan_findings(session: Session, today: date) -> list[Finding]:
    findings = []
    sample_name = _sample_plan_name()
    for year in (today.year, today.year + 1):
        version = queries.version_for_year(session, year)
        if version is None:
            level = Level.FAIL if year == today.year else Level.WARN
            findings.append(Finding(level, f"Ingen plan gäller {year}", "läs in årets plan med kubot plan import FIL"))
        elif version.name == sample_name:
            findings.append(
                Finding(
                    Level.WARN,
                    f"Planen för {year} är exempelplanen ({version.name})",
                    "skriv ut den med kubot plan export, gör den till er egen och läs in den med kubot plan import",
                )
            )
        else:
            findings.append(Finding(Level.OK, f"Plan för {year}: {version.name} (gäller från {version.first_year})"))
    return findings


def _sample_plan_name() -> str:
    found = re.search(r"^namn:\s*(.+?)\s*$", loading.sample_text(), re.MULTILINE)
    return found.group(1) if found else ""


def active_people(session: Session) -> list[Person]:
    identities: dict[int, dict[str, str]] = {}
    for identity in session.exec(select(ChatIdentity)):
        identities.setdefault(identity.staff_id, {})[identity.platform] = identity.external_id
    staff = session.exec(select(Staff).where(col(Staff.active)).order_by(col(Staff.name))).all()
    return [Person(s.name, s.email, identities.get(s.id or 0, {})) for s in staff]


def people_findings(people: Sequence[Person], platforms: Sequence[PlatformCheck]) -> list[Finding]:
    """Who can be reached where, one line per situation naming everyone in it (26 lines that say the
    same thing hide the one that does not). With the console alone, the e-mail addresses a platform needs.
    A platform with a ✗ above reaches nobody, but the lines still say who lacks an e-mail, so that the
    administrator can fix both at once."""
    if not people:
        return []
    if not platforms:
        missing = [p.name for p in people if not p.email]
        if not missing:
            return [Finding(Level.OK, f"Alla {len(people)} personer har e-post i planen")]
        return [
            Finding(
                Level.WARN,
                f"{len(missing)} av {len(people)} personer saknar e-post i planen, som behövs för att "
                f"känna igen dem i Slack och Teams: {', '.join(missing)}",
                ADD_EMAIL,
            )
        ]
    groups: dict[tuple[bool, str, str], list[str]] = {}
    for person in people:
        reaches = [(p, _reach(p, person)) for p in platforms]
        situation = ", ".join(f"{p.name} {'✓' if r.ok else '✗'} {r.why}" for p, r in reaches)
        # Those the broken platform would match (linked, or with an e-mail) wait only for its fix.
        broken = [p.name for p in platforms if p.failed and (person.email or _linked(p, person))]
        if broken:
            fix = f"rätta felet med {' och '.join(broken)} ovan och kör kubot check igen"
        elif not person.email:
            fix = ADD_EMAIL
        else:
            fix = "koppla @användare Namn i chatten, eller be dem skriva till kubot"
        groups.setdefault((any(r.ok for _, r in reaches), situation, fix), []).append(person.name)
    findings = []
    for (ok, situation, fix), names in sorted(groups.items(), key=lambda item: (item[0][0], item[0][1])):
        who = f"{len(names)} {'person' if len(names) == 1 else 'personer'} ({', '.join(names)})"
        if ok:
            findings.append(Finding(Level.OK, f"{who} nås: {situation}"))
        else:
            findings.append(Finding(Level.FAIL, f"{who} nås inte av påminnelser: {situation}", fix))
    return findings


def _linked(platform: PlatformCheck, person: Person) -> bool:
    return platform.reach.get(person.name, Reach(False, "")).ok


def _reach(platform: PlatformCheck, person: Person) -> Reach:
    reach = platform.reach.get(person.name, Reach(False, "okänd"))
    if not platform.failed:
        return reach
    because = platform.trouble or f"inställningen av {platform.name} har fel"
    if reach.ok:
        return Reach(False, f"kopplad, men nås inte eftersom {because}")
    if not person.email:
        return Reach(False, "ingen e-post i planen")
    return Reach(False, f"kunde inte matchas i {platform.name} eftersom {because}")


ADD_EMAIL = "kubot plan export, lägg till e-post: på personerna och kubot plan import"


def report_dir_finding(settings: Settings, platform_on: bool) -> Finding:
    folder = settings.report_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return Finding(Level.FAIL, f"Rapportkatalogen {folder} går inte att skriva i ({file_trouble(exc)})",
                       "sätt KUBOT_REPORT_DIR till en katalog som kubot får skriva i")
    if platform_on and _ephemeral(folder, settings):
        return Finding(Level.WARN, f"Rapportkatalogen {folder} försvinner vid omstart",
                       "sätt KUBOT_REPORT_DIR till en beständig katalog (en monterad disk)")
    return Finding(Level.OK, f"Rapporterna sparas i {folder}")


def _ephemeral(folder: Path, settings: Settings) -> bool:
    """A relative folder lives in the process's working directory, which a Procfile platform throws
    away at every restart, as it does the whole disk when it says so (Heroku's dynos)."""
    if settings.ephemeral_disk or not folder.is_absolute():
        return True
    return Path(os.path.realpath(folder)).is_relative_to(os.path.realpath(tempfile.gettempdir()))


def public_url_finding(settings: Settings, platform_on: bool) -> Finding:
    url = settings.public_url
    if not url:
        if platform_on:
            return Finding(Level.WARN, "Den publika adressen är inte angiven, så den kan inte provas",
                           "sätt KUBOT_PUBLIC_URL till adressen Slack och Teams anropar (https://…)")
        return Finding(Level.OFF, "Ingen publik adress behövs (ingen chattplattform är på)")
    if not url.startswith("https://") and not re.match(r"http://(127\.|localhost[:/])", url):
        return Finding(
            Level.FAIL, f"Den publika adressen {url} är inte https", "Slack och Teams anropar bara https-adresser"
        )
    health = url.rstrip("/") + "/healthz"
    try:
        with urllib.request.urlopen(health, timeout=HEALTH_TIMEOUT) as answer:
            status = answer.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except OSError as exc:  # URLError and TimeoutError are OSErrors
        return Finding(Level.FAIL, f"Den publika adressen svarar inte på {health} ({network_trouble(exc)})",
                       "starta kubot web eller kubot teams och kontrollera adressen")
    if status != 200:
        return Finding(Level.FAIL, f"Den publika adressen svarar {status} på {health}", "se kubots logg")
    return Finding(Level.OK, f"Den publika adressen svarar: {health}")
