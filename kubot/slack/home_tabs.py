"""Publishing people's App Home tabs after their entries, off the request thread.

Entries in quick succession (a burst of messages, a form and its echo) share one publication after the
last instead of one each: Slack rate-limits views.publish per user, and only the newest view counts.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlmodel import Session

from kubot.slack import home

log = logging.getLogger(__name__)


class HomeTabs:
    """`actor` finds the staff member behind a Slack user (None for a stranger); `later` runs a job in the
    app's worker threads."""

    def __init__(self, engine: Engine, client: WebClient, today: Callable[[], date], actor: Callable[[str], Any],
                 later: Callable[[Callable[[], None]], None]) -> None:
        self.engine = engine
        self.client = client
        self.today = today
        self.actor = actor
        self.later = later
        self._pending: dict[str, bool] = {}  # users whose tab is being published → publish once more after
        self._lock = threading.Lock()

    def publish_soon(self, user: str) -> None:
        with self._lock:
            if user in self._pending:
                self._pending[user] = True
                return
            self._pending[user] = False
        self.later(lambda: self._publish_until_current(user))

    def _publish_until_current(self, user: str) -> None:
        while True:
            self.publish(user)
            with self._lock:
                if not self._pending[user]:
                    del self._pending[user]
                    return
                self._pending[user] = False

    def publish(self, user: str) -> None:
        try:
            actor = self.actor(user)
            if actor is None:
                return
            with Session(self.engine) as session:
                view = home.view(session, actor, self.today())
            self.client.views_publish(user_id=user, view=view)
        except Exception:
            log.exception("could not publish the home tab of %s", user)
