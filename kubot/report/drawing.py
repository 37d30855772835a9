"""Drawing a report's charts side by side in worker processes while the document is written.

Charts are independent and drawing them is CPU-bound Python holding the GIL, so threads do not
help; processes do. The pool lives for one report and is closed afterwards. It is forked when
this is the only thread (the command line: the workers start at once, sharing the matplotlib
already loaded); a server builds reports in worker threads, and forking a process with other
threads can copy a lock some thread holds, so there the workers come from a fork server that
has loaded only the chart module. With one CPU, or one chart to draw, or when no pool can be
started, the charts are drawn here one after the other: the images are the same either way.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from multiprocessing.context import BaseContext

from kubot.report import charts
from kubot.report.model import Chart

# More workers than charts or CPUs only costs process starts.
MAX_WORKERS = 8


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _context() -> BaseContext:
    if threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    server = multiprocessing.get_context("forkserver")
    server.set_forkserver_preload([charts.__name__])
    return server


def _pool(workers: int) -> ProcessPoolExecutor | None:
    try:
        # A worker's garbage collector leaves alone what it started with (the whole report process when
        # forked): scanning that again and again costs time and copies pages the parent still shares.
        return ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=gc.freeze)
    except (OSError, ValueError, NotImplementedError):  # no such processes here (not Linux, no semaphores): draw here
        return None


def _submit(pool: ProcessPoolExecutor | None, todo: Sequence[Chart]) -> dict[Chart, Future[charts.Image]]:
    if pool is None:
        return {}
    try:
        return {chart: pool.submit(charts.render, chart) for chart in todo}
    except (OSError, BrokenProcessPool):
        return {}


@contextmanager
def drawing(wanted: Sequence[Chart]) -> Iterator[Callable[[Chart], charts.Image]]:
    """Start drawing the charts not yet in the chart cache; yields a function that gives a chart's image,
    waiting for it if it is still being drawn. Every image drawn goes into the cache."""
    todo = [chart for chart in dict.fromkeys(wanted) if not charts.is_cached(chart)]
    workers = min(len(todo), _cpus(), MAX_WORKERS)
    pool = _pool(workers) if workers > 1 else None
    futures = _submit(pool, todo)

    def image(chart: Chart) -> charts.Image:
        future = futures.pop(chart, None)
        if future is None:
            return charts.render_cached(chart)
        try:
            drawn = future.result()
        except (OSError, BrokenProcessPool):  # a worker died: draw it here
            drawn = charts.render(chart)
        charts.remember(chart, drawn)
        return drawn

    try:
        yield image
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
