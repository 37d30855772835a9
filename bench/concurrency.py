"""Benchmark: many writers at once through the chat core, on SQLite and PostgreSQL.

    python bench/concurrency.py [--messages 100] [--processes 8] [--per-process 10] [--indicators 5000]

For each backend (SQLite in a temporary file; PostgreSQL when KUBOT_TEST_POSTGRES_URL is set,
in a database of its own) it prints, for 8 writer threads × MESSAGES messages through
`Bot.handle`: messages tried / accepted / stored, throughput and latency (median, 95th
percentile, max). Measured in the same run as baselines: one writer alone (the ratio says what
concurrency costs per message), and on SQLite the same 8 threads with deferred transactions
(how kubot wrote before issue 14: the share refused is the defect). Then 8 parallel `kubot say`
processes, and one writer's waits while a plan with INDICATORS indicators is imported.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url

from kubot import db
from kubot.adapters import (
    compose,
    console,  # noqa: F401  (the console recognises people by name)
)
from kubot.chat.core import Bot
from kubot.journal import Origin
from kubot.models import Entry
from kubot.plan import importing, loading
from kubot.port import Incoming
from kubot.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2022, 11, 23, 9, 0, tzinfo=UTC)
WRITER = "Ola Götesson"


def stored(engine: Engine, marker: str) -> int:
    with engine.connect() as connection:
        marked = Entry.message_text.like(f"%{marker}%")  # type: ignore[attr-defined]
        return connection.execute(select(func.count()).select_from(Entry).where(marked)).scalar_one()


def writers(engine: Engine, threads: int, messages: int, marker: str, ids: bool = True) -> dict[str, float]:
    """`threads` writers; with `ids` each message has a platform message id (as Slack and Teams give)."""
    bot = Bot(engine, Settings(), clock=lambda: NOW)

    def write(thread: int) -> list[tuple[bool, float]]:
        results = []
        for i in range(messages):
            started = time.perf_counter()
            reply = bot.handle(Incoming(text=f"händelse social kompetens: {marker} {thread}-{i}", platform="console",
                                        sender=WRITER, message_id=f"{marker}-{thread}-{i}" if ids else None))
            results.append((reply.accepted is True, time.perf_counter() - started))
        return results

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = [r for part in pool.map(write, range(threads)) for r in part]
    wall = time.perf_counter() - started
    latencies = sorted(seconds for _, seconds in results)
    return {"tried": len(results), "accepted": sum(ok for ok, _ in results), "stored": stored(engine, marker),
            "per_second": len(results) / wall, "median_ms": 1000 * statistics.median(latencies),
            "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))], "max_ms": 1000 * latencies[-1]}


def show(label: str, figures: dict[str, float]) -> None:
    share = 100 * figures["accepted"] / figures["tried"]
    print(
        f"  {label:<38} {figures['tried']:>5.0f} tried {figures['accepted']:>5.0f} accepted ({share:5.1f} %)"
        f" {figures['stored']:>5.0f} stored | {figures['per_second']:6.1f} msg/s | median {figures['median_ms']:6.1f}"
        f" ms, p95 {figures['p95_ms']:6.1f} ms, max {figures['max_ms']:7.1f} ms"
    )


def processes(url: str, count: int, per_process: int, engine: Engine) -> None:
    marker = f"p{uuid.uuid4().hex[:6]}"
    script = ";".join(
        [
            "import sys",
            "from kubot.cli import main",
            (
                f"sys.exit(sum(main(['say', '--as', '{WRITER}', f'händelse social: {marker} {{sys.argv[1]}}-{{i}}'])"
                f" for i in range({per_process})))"
            ),
        ]
    )
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    running = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(p)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for p in range(count)
    ]
    outputs = [p.communicate() for p in running]
    wall = time.perf_counter() - started
    accepted = sum(out.count("Registrerat #") for out, _ in outputs)
    print(
        f"  {count} `kubot say` processes × {per_process}:        {count * per_process:>5} tried {accepted:>5} accepted"
        f" ({100 * accepted / (count * per_process):5.1f} %) {stored(engine, marker):>5} stored | {wall:.1f} s wall,"
        f" {count * per_process / wall:.1f} msg/s (each process starts kubot)"
    )


def big_plan(indicators: int) -> str:
    plan = loading.sample_text()
    extra = "".join(f"          - {{kod: bench-{i}, namn: Genererat mätetal {i}, enhet: antal, målvärde: {i % 50}}}\n"
                    for i in range(indicators))
    marker = "        mätetal:\n"
    at = plan.index(marker) + len(marker)
    return plan[:at] + extra + plan[at:]


def during_import(engine: Engine, indicators: int) -> None:
    plan = loading.load(big_plan(indicators), "stor plan")
    waits: list[float] = []
    refused = 0
    done = threading.Event()
    bot = Bot(engine, Settings(), clock=lambda: NOW)

    def write() -> None:
        nonlocal refused
        i = 0
        while not done.is_set():
            started = time.perf_counter()
            reply = bot.handle(Incoming(text=f"händelse social: under import {i}", platform="console", sender=WRITER,
                                        message_id=f"imp-{uuid.uuid4().hex}"))
            waits.append(time.perf_counter() - started)
            refused += reply.accepted is not True
            i += 1
            time.sleep(0.05)

    writer = threading.Thread(target=write)
    writer.start()
    time.sleep(0.3)
    started = time.perf_counter()
    with db.session_scope(engine) as session:
        importing.apply(session, plan, Origin(None, "bench"))
    seconds = time.perf_counter() - started
    time.sleep(0.3)
    done.set()
    writer.join()
    print(
        f"  plan import with {indicators} extra indicators: {seconds:.1f} s; a writer meanwhile: {len(waits)} messages,"
        f" {refused} refused, longest wait {max(waits):.1f} s (busy timeout {db.BUSY_TIMEOUT_MS / 1000:.0f} s)"
    )


def bench(label: str, url: str, args: argparse.Namespace) -> None:
    engine = compose.start(Settings(database_url=url))
    print(f"{label}:")
    alone = writers(engine, 1, args.messages, f"a{uuid.uuid4().hex[:6]}")
    show("1 writer thread (baseline)", alone)
    eight = writers(engine, 8, args.messages, f"e{uuid.uuid4().hex[:6]}")
    show("8 writer threads", eight)
    show("8 writer threads, no message ids", writers(engine, 8, args.messages, f"n{uuid.uuid4().hex[:6]}", ids=False))
    if engine.dialect.name == "sqlite":
        deferred = engine.execution_options(**{db.READ_ONLY: True})  # plain BEGIN: kubot's writes before issue 14
        show("8 threads, deferred BEGIN (old)", writers(deferred, 8, args.messages, f"d{uuid.uuid4().hex[:6]}"))
        show(
            "8 threads, no ids, deferred BEGIN (old)",
            writers(deferred, 8, args.messages, f"o{uuid.uuid4().hex[:6]}", ids=False),
        )
    print(f"  throughput 8 threads / 1 thread: {eight['per_second'] / alone['per_second']:.2f}×; "
          f"median latency ratio {eight['median_ms'] / alone['median_ms']:.1f}×")
    processes(url, args.processes, args.per_process, engine)
    during_import(engine, args.indicators)
    engine.dispose()


def main() -> None:
    logging.disable(logging.ERROR)  # the refused writes of the old-behaviour baseline log a traceback each
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100, help="messages per writer thread")
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--per-process", type=int, default=10)
    parser.add_argument("--indicators", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        bench("SQLite", f"sqlite:///{Path(work) / 'bench.db'}", args)
    server = os.environ.get("KUBOT_TEST_POSTGRES_URL")
    if server:
        name = f"kubot_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(make_url(db._driver_url(server)), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            bench("PostgreSQL", make_url(server).set(database=name).render_as_string(hide_password=False), args)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
