"""Publishing people's App Home tabs after their entries, off the request thread.

Entries in quick succession (a burst of messages, a form and its echo) share one publication a moment after
the last instead of one each: a home tab holds an evaluation of the whole plan, which costs far more than an
entry, Slack rate-limits views.publish per user, and only the newest view counts. A burst that goes on is still
shown every little while.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import Engine

from kubot import db
from kubot.slack import home

log = logging.getLogger(__name__)
QUIET_SECONDS = 1.0  # published this long after a user's last entry
LONGEST_WAIT_SECONDS = 10.0  # and at the latest this long after the first one not yet shown


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
        self._due: dict[str, tuple[float, float]] = {}  # user → (first, latest) entry not yet shown
        self._publishing: set[str] = set()
        self._changed = threading.Condition()
        self._timer: threading.Thread | None = None

    def publish_soon(self, user: str) -> None:
        now = time.monotonic()
        with self._changed:
            first, _ = self._due.get(user, (now, now))
            self._due[user] = (first, now)
            if self._timer is None:  # one thread while anything is due; it ends when nothing is
                self._timer = threading.Thread(target=self._wait_and_publish, name="slack-home-tabs", daemon=True)
                self._timer.start()
            self._changed.notify()

    def _wait_and_publish(self) -> None:
        with self._changed:
            while self._due:
                now = time.monotonic()
                ready = [user for user, (first, latest) in self._due.items() if user not in self._publishing
                         and (now - latest >= QUIET_SECONDS or now - first >= LONGEST_WAIT_SECONDS)]
                for user in ready:
                    del self._due[user]
                    self._publishing.add(user)
                    try:
                        self.later(functools.partial(self._publish_once, user))
                    except RuntimeError:  # the app is closing: no more threads to publish in
                        self._due.clear()
                        self._publishing.clear()
                        break
                self._changed.wait(QUIET_SECONDS / 4)
            self._timer = None

    def _publish_once(self, user: str) -> None:
        try:
            self.publish(user)
        finally:
            with self._changed:
                self._publishing.discard(user)

    def publish(self, user: str) -> None:
        try:
            actor = self.actor(user)
            if actor is None:
                return
            with db.read_scope(self.engine) as session:  # an evaluation: long, and it only reads
                view = home.view(session, actor, self.today())
            self.client.views_publish(user_id=user, view=view)
        except Exception:
            log.exception("could not publish the home tab of %s", user)
