"""Many people writing at once: every accepted message is stored once, none is refused for a busy database.

The probe behind issue 14 had 72–76 % of eight concurrent chat writers refused on SQLite
("database is locked"); a transaction that read first could not wait for the write lock.
Throughput and latency figures are in bench/concurrency.py, not here.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine
from sqlmodel import col, select

from kubot import db
from kubot.chat.core import Bot
from kubot.models import Entry
from kubot.port import Incoming
from kubot.settings import Settings
from tests.conftest import NOW
from tests.reliability.conftest import ROOT, kubot_env

WRITERS = ("Ola Götesson", "Liselotte Karlsson", "Maria Chef")


def _stored_events(engine: Engine) -> list[str]:
    with db.session_scope(engine) as session:
        return [
            e.message_text for e in session.exec(select(Entry).where(Entry.kind == "händelse").order_by(col(Entry.id)))
        ]


def test_eight_chat_threads_writing_at_once_all_get_their_messages_stored_once(small_plan_engine: Engine) -> None:
    bot = Bot(small_plan_engine, Settings(), clock=lambda: NOW)

    def writer(thread: int) -> list[bool | None]:
        answers = []
        for i in range(100):
            text = f"händelse social kompetens: tråd {thread} meddelande {i}"
            # Half the writers send platform message ids (Slack, Teams), half none (the console, kubot say).
            message_id = f"{thread}-{i}" if thread % 2 else None
            reply = bot.handle(
                Incoming(text=text, platform="console", sender=WRITERS[thread % 3], message_id=message_id)
            )
            answers.append(reply.accepted)
        return answers

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = [a for thread in pool.map(writer, range(8)) for a in thread]

    assert answers.count(True) == 800, f"{answers.count(True)} of 800 accepted"
    stored = _stored_events(small_plan_engine)
    assert len(stored) == 800 and len(set(stored)) == 800


def test_eight_kubot_say_processes_at_once_all_get_their_messages_stored_once(
    small_plan_engine: Engine, database_url: str
) -> None:
    env = kubot_env(database_url)
    per_process = 2
    script = ";".join(
        [
            "import sys",
            "from kubot.cli import main",
            (
                "codes = [main(['say', '--as', 'Ola Götesson', f'händelse social: process {sys.argv[1]} nr {i}'])"
                f" for i in range({per_process})]"
            ),
            "sys.exit(max(codes))",
        ]
    )
    processes = [subprocess.Popen([sys.executable, "-c", script, str(p)], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for p in range(8)]
    outputs = [p.communicate(timeout=240) for p in processes]

    assert [p.returncode for p in processes] == [0] * 8, outputs
    assert sum(out.count("Registrerat #") for out, _ in outputs) == 8 * per_process
    stored = _stored_events(small_plan_engine)
    assert sorted(stored) == sorted(
        f"händelse social: process {p} nr {i}" for p in range(8) for i in range(per_process)
    )


def _queue_up(lock: db._FairLock, writers: list[tuple[str, bool]], order: list[str]) -> list[threading.Thread]:
    """Start each writer (name, urgent) and wait until it stands in line, so the line is in this order."""
    def writer(name: str, first: bool) -> None:
        assert lock.acquire(timeout=10, first=first)
        order.append(name)
        lock.release()

    threads = []
    for name, first in writers:
        threads.append(threading.Thread(target=writer, args=(name, first)))
        threads[-1].start()
        deadline = time.monotonic() + 10
        while lock.waiting() < len(threads) and time.monotonic() < deadline:
            time.sleep(0.005)
    return threads


def test_acknowledgements_write_ahead_of_the_handling_already_waiting_and_in_their_own_order() -> None:
    """On SQLite the writers of one process queue in turn; the platform waits on the inbound ledger's
    write (Slack's 3 seconds), so it is next after the writer holding the lock, not after every handler."""
    lock = db._FairLock()
    order: list[str] = []
    assert lock.acquire(timeout=1)  # a handler's transaction holds the lock
    threads = _queue_up(lock, [("handler 0", False), ("handler 1", False), ("ack 0", True), ("ack 1", True)], order)
    lock.release()
    for thread in threads:
        thread.join(timeout=10)

    assert order == ["ack 0", "ack 1", "handler 0", "handler 1"]


def test_a_stream_of_acknowledgements_slows_the_handling_but_never_stops_it() -> None:
    lock = db._FairLock()
    order: list[str] = []
    assert lock.acquire(timeout=1)
    threads = _queue_up(lock, [("handler", False), ("ack 0", True), ("ack 1", True)], order)
    time.sleep(db._FairLock.LONGEST_BEHIND)  # the handler has waited its longest
    lock.release()
    for thread in threads:
        thread.join(timeout=10)

    assert order == ["handler", "ack 0", "ack 1"]
