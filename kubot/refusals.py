"""Log lines about refused requests, which anyone on the internet can send as fast as they like.

Each refusal is told in one short line (status, reason, where it claims to come from), never with the
request's body or a traceback; after the first line of a reason the next ones are counted and told at
most every REPEAT seconds, so a flood of forgeries does not flood the log."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

REPEAT = 10.0  # seconds between two log lines about the same reason


class RefusalLog:
    def __init__(self, log: logging.Logger, what: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.log = log
        self.what = what
        self.clock = clock
        self._last: dict[str, float] = {}
        self._untold: dict[str, int] = {}
        self._lock = threading.Lock()

    def tell(self, status: int, reason: str, source: str = "") -> None:
        """`source`: who the request says it is from (a Slack team, a Teams tenant), "" when unknown."""
        now = self.clock()
        with self._lock:
            if now - self._last.get(reason, -REPEAT) < REPEAT:
                self._untold[reason] = self._untold.get(reason, 0) + 1
                return
            self._last[reason] = now
            more = self._untold.pop(reason, 0)
        self.log.warning("%s refused with %d: %s%s%s", self.what, status, reason, f" ({source})" if source else "",
                         f"; {more} more like it since the last line" if more else "")
