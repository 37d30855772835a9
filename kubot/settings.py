"""The one place kubot reads its configuration from the environment."""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

import platformdirs


def default_database_url() -> str:
    """A SQLite file in the user's data directory (~/.local/share/kubot on Linux), so kubot finds
    the same database from whichever folder it is started."""
    return f"sqlite:///{platformdirs.user_data_path('kubot', appauthor=False) / 'kubot.db'}"


def default_log_file() -> Path:
    """The log file with the details of every error (~/.local/state/kubot/log/kubot.log on Linux)."""
    return platformdirs.user_log_path("kubot", appauthor=False) / "kubot.log"


def default_runtime_dir() -> Path:
    """A directory only this user can enter ($XDG_RUNTIME_DIR/kubot, else one in /run or /tmp),
    for the socket of the background process that answers `kubot say`."""
    with warnings.catch_warnings():  # a missing $XDG_RUNTIME_DIR is normal on servers; the fallback is safe
        warnings.simplefilter("ignore")
        try:
            return platformdirs.user_runtime_path("kubot", appauthor=False)
        except OSError:  # the /tmp fallback belongs to someone else: the user's own cache folder instead
            return platformdirs.user_cache_path("kubot", appauthor=False) / "run"


def default_report_dir() -> Path:
    """The report drafts beside the database in the user's data directory, not in whichever folder
    kubot was started from (on a Procfile platform that folder is thrown away at every restart)."""
    return platformdirs.user_data_path("kubot", appauthor=False) / "rapporter"


TEAMS_CONNECTION = "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__"
PLATFORMS_OFF = "KUBOT_PLATFORMS_OFF"


@dataclass(frozen=True)
class Settings:
    """Kubot's configuration; build it with `Settings.from_env()`."""

    database_url: str = field(default_factory=default_database_url)
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Stockholm"))
    slack_bot_token: str | None = field(default=None, repr=False)
    slack_signing_secret: str | None = field(default=None, repr=False)
    slack_app_token: str | None = field(default=None, repr=False)  # Socket Mode
    slack_api_url: str | None = None  # another Slack Web API address (the tests' own server)
    port: int = 3000  # where `kubot web` (and, in its own process, `kubot teams`) listens
    report_template: Path | None = None
    report_dir: Path = field(default_factory=default_report_dir)
    log_file: Path = field(default_factory=default_log_file)
    # `kubot say` leaves a process behind that answers the next message at once, and ends after
    # this many seconds without one; 0 answers every message in a process of its own.
    say_idle_seconds: float = 600
    runtime_dir: Path = field(default_factory=default_runtime_dir)
    # Reminders: working days before each report deadline, working days after it for the
    # escalation, and the local time they go out (outside the 02:00–03:00 DST change).
    reminder_days: tuple[int, ...] = (10, 5, 1)
    escalation_days: int = 1
    reminder_time: time = time(8, 30)
    # How often the worker checks that it still holds its lock and reaches the database (seconds).
    worker_check_seconds: float = 30
    # A request acknowledged to a platform is claimed this long by the process handling it, renewed
    # while it lives; after a crash another process takes it over once the claim has run out (seconds).
    inbound_lease_seconds: float = 60
    # Teams: the Azure bot registration, read under the Agents SDK's own variable names.
    teams_app_id: str | None = None
    teams_app_secret: str | None = None
    teams_tenant_id: str | None = None
    teams_anonymous: bool = False  # accept requests without a token (Emulator, Agents Playground)
    # Chat platforms the administrator has switched off on purpose ("slack", "teams"): kubot sends nothing
    # there, and the worker starts although people are linked to them (they are listed as not reached).
    platforms_off: frozenset[str] = frozenset()
    # The https address Slack and Teams call, so that `kubot check` can try it.
    public_url: str | None = None
    # The platform throws the disk away at every restart (Heroku sets DYNO in every process).
    ephemeral_disk: bool = False
    # An optional language model (an OpenAI-compatible chat-completions server the organisation hosts,
    # e.g. Ollama) that proposes a command for a message the grammar refuses; off without a URL.
    llm_url: str | None = None
    llm_model: str = "qwen2.5:7b"
    llm_key: str | None = field(default=None, repr=False)
    llm_timeout_seconds: float = 2.0

    @property
    def slack_configured(self) -> bool:
        return bool(self.slack_bot_token and self.slack_signing_secret)

    @property
    def teams_configured(self) -> bool:
        return bool(self.teams_app_id and self.teams_app_secret)

    def missing_for(self, platform: str) -> tuple[str, ...]:
        """The environment variables `platform` still needs before kubot can send there (none: all set)."""
        if platform == "slack":
            return () if self.slack_bot_token else ("SLACK_BOT_TOKEN",)
        if platform == "teams" and not self.teams_anonymous:
            return tuple(TEAMS_CONNECTION + key for key, value in (("CLIENTID", self.teams_app_id),
                                                                  ("CLIENTSECRET", self.teams_app_secret)) if not value)
        return ()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        template = env.get("KUBOT_REPORT_TEMPLATE")
        return cls(
            database_url=env.get("DATABASE_URL") or default_database_url(),
            timezone=ZoneInfo(env.get("KUBOT_TIMEZONE") or "Europe/Stockholm"),
            slack_bot_token=env.get("SLACK_BOT_TOKEN") or None,
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            slack_app_token=env.get("SLACK_APP_TOKEN") or None,
            slack_api_url=env.get("SLACK_API_URL") or None,
            port=int(env.get("PORT") or 3000),
            report_template=Path(template) if template else None,
            report_dir=Path(env["KUBOT_REPORT_DIR"]) if env.get("KUBOT_REPORT_DIR") else default_report_dir(),
            log_file=Path(env.get("KUBOT_LOG_FILE") or default_log_file()),
            say_idle_seconds=float(env.get("KUBOT_SAY_IDLE") or 600),
            runtime_dir=Path(env.get("KUBOT_RUNTIME_DIR") or default_runtime_dir()),
            reminder_days=(
                tuple(int(d) for d in env["KUBOT_REMINDER_DAYS"].split(","))
                if env.get("KUBOT_REMINDER_DAYS")
                else (10, 5, 1)
            ),
            escalation_days=int(env.get("KUBOT_ESCALATION_DAYS") or 1),
            reminder_time=time.fromisoformat(env.get("KUBOT_REMINDER_TIME") or "08:30"),
            worker_check_seconds=float(env.get("KUBOT_WORKER_CHECK_SECONDS") or 30),
            inbound_lease_seconds=float(env.get("KUBOT_INBOUND_LEASE_SECONDS") or 60),
            teams_app_id=env.get(f"{TEAMS_CONNECTION}CLIENTID") or None,
            teams_app_secret=env.get(f"{TEAMS_CONNECTION}CLIENTSECRET") or None,
            teams_tenant_id=env.get(f"{TEAMS_CONNECTION}TENANTID") or None,
            teams_anonymous=env.get("KUBOT_TEAMS_ANONYMOUS", "").strip().lower() in {"1", "true", "ja"},
            public_url=env.get("KUBOT_PUBLIC_URL") or None,
            platforms_off=frozenset(
                p.strip().casefold() for p in (env.get(PLATFORMS_OFF) or "").split(",") if p.strip()
            ),
            ephemeral_disk=bool(env.get("DYNO")),
            llm_url=env.get("KUBOT_LLM_URL") or None,
            llm_model=env.get("KUBOT_LLM_MODEL") or "qwen2.5:7b",
            llm_key=env.get("KUBOT_LLM_KEY") or None,
            llm_timeout_seconds=float(env.get("KUBOT_LLM_TIMEOUT") or 2.0),
        )
