"""Acknowledged requests handed to worker threads, the inbound ledger holding what they cannot take yet.

A platform that wants its acknowledgement at once (Slack: 3 seconds) gets it as soon as the request is in the
inbound ledger; it never waits for the workers. In a burst, what they cannot take yet stays in the ledger,
stored and claimed by this process, and is handed to them as they finish, oldest first. Nothing waits in
memory beyond `room` requests, and a crash loses nothing: another start takes the ledger's rows over.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from kubot.adapters.inbound import InboundQueue

log = logging.getLogger(__name__)
ROOM = 200  # requests handed to the workers at most; the rest wait in the ledger

Request = dict[str, Any]


def logged(job: Callable[[], object]) -> Callable[[], None]:
    """`job` for a thread pool whose futures nobody reads: a failure is logged, not kept in its future."""
    def run() -> None:
        try:
            job()
        except Exception:
            log.exception("a job after an acknowledgement failed")

    return run


class Handoff:
    """`handle(number, request)` answers one request and marks it finished in the ledger."""

    def __init__(self, inbound: InboundQueue, handle: Callable[[int, Request], None], *, workers: int, name: str,
                 room: int = ROOM) -> None:
        self.inbound = inbound
        self.handle = handle
        self.room = room
        self.work = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        self._handed: set[int] = set()  # handed to the workers, not yet finished
        self._in_ledger_only = 0  # acknowledged while the workers had enough: the ledger holds them until later
        self._lock = threading.Lock()
        self._refilling = threading.Lock()

    def accept(self, message_id: str, request: Request) -> bool:
        """Keep the request and have it handled; False when its id is known already (a platform's retry, a
        button pressed again), and then it is not handled again."""
        number = self.inbound.accept(message_id, request)
        if number is None:
            return False
        with self._lock:
            if number in self._handed:  # a refill found it in the ledger first
                return True
            if self._in_ledger_only or len(self._handed) >= self.room:
                self._in_ledger_only += 1
                return True
            self._handed.add(number)
        self.work.submit(self._run, number, request)
        return True

    def refill(self) -> None:
        """Hand the workers the acknowledged requests only the ledger holds, as far as there is room."""
        if not self._refilling.acquire(blocking=False):
            return  # another thread is at it
        try:
            with self._lock:
                seen, room, handed = self._in_ledger_only, self.room - len(self._handed), set(self._handed)
            if not seen or room <= 0:
                return
            rows = self.inbound.held(room, handed)
            with self._lock:
                rows = [(number, request) for number, request in rows if number not in self._handed]
                self._handed.update(number for number, _ in rows)
                if len(rows) < room and self._in_ledger_only == seen:  # none left behind, none come since
                    self._in_ledger_only = 0
            for number, request in rows:
                self.work.submit(self._run, number, request)
        finally:
            self._refilling.release()

    def later(self, job: Callable[[], None]) -> None:
        """Run `job` in the workers (after the requests handed to them before it)."""
        self.work.submit(logged(job))

    def close(self) -> None:
        """Finish what the workers hold; what only the ledger holds is taken over at the next start."""
        self.work.shutdown(wait=True)

    def _run(self, number: int, request: Request) -> None:
        try:
            self.handle(number, request)
        finally:
            with self._lock:
                self._handed.discard(number)
            self.refill()
