"""Microsoft Teams: the only place kubot uses the Microsoft 365 Agents SDK (the `teams` extra, Python 3.12).

This module itself imports no SDK, so that the routing sender can ask it on any Python whether
Teams is set up (see `sender`, registered as a `kubot.senders` entry point)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from kubot.settings import Settings

if TYPE_CHECKING:
    from kubot.port import Sender

log = logging.getLogger(__name__)


def sender(settings: Settings, engine: Engine) -> Sender | None:
    """The Teams sender when Teams is set up (or in anonymous test mode) and its SDK is installed."""
    if not (settings.teams_configured or settings.teams_anonymous):
        return None
    try:
        from kubot.teams.proactive import TeamsSender
    except ImportError:
        log.warning("Teams is configured but its SDK is not installed (pip install 'kubot[teams]', Python 3.12)")
        return None
    return TeamsSender(engine, settings)
