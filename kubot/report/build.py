"""Building a report file: check the request, evaluate the period, write the document safely.

The one entry point for chat and CLI. The template is checked before anything else; a
fresh evaluation of the period supplies the verdicts (and is stored, so the report can say
which snapshot it used); the document is written to a temporary file beside the target and
renamed into place, so a reader never sees half a file. A lock file per report (period and
area) makes a second request for the same report, in this or another process, get a clear
"already being built" answer instead of racing the first.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlmodel import Session, select

from kubot import evaluation
from kubot.models import Area
from kubot.periods import Period
from kubot.planfile import version_for_year
from kubot.report import content, document, gather
from kubot.settings import Settings


class ReportError(ValueError):
    """A report that cannot be made; the message is Swedish and says why and what to do."""


class ReportBusy(ReportError):
    """The same report is already being built."""


@dataclass(frozen=True)
class Built:
    path: Path
    title: str
    snapshot_id: int | None


def check_request(session: Session, request: content.Request, today: date) -> None:
    """Refuse a period that has not begun, a year without a plan, or an unknown area."""
    period = request.period
    if period.start > today:
        raise ReportError(f"{period.label} har inte börjat än – det går att göra rapporter för perioder som har börjat.")
    if version_for_year(session, period.year) is None:
        raise ReportError(f"Det finns ingen plan för {period.year}, så det finns inget att rapportera för {period.code}.")
    if request.area is not None and session.exec(select(Area.id).where(Area.code == request.area)).first() is None:
        raise ReportError(f"Området {request.area!r} finns inte i planen.")


def default_path(settings: Settings, stem: str, made_at: datetime) -> Path:
    local = made_at.astimezone(settings.timezone)
    return settings.report_dir / f"{stem}-{local:%Y%m%d-%H%M%S}.docx"


@contextmanager
def _exclusive(directory: Path, key: str) -> Iterator[None]:
    """Hold the lock for one report. flock is per open file, so it also separates threads of one process."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / f".{key}.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise ReportBusy("Den rapporten byggs redan på en annan begäran. Vänta en stund – den kommer strax.") from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.stem}-", suffix=".tmp", delete=False)  # noqa: SIM115 (closed below, renamed after)
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def build(
    session: Session, request: content.Request, settings: Settings, *, now: datetime, trigger: str,
    actor_id: int | None = None, out: Path | None = None,
) -> Built:
    """Evaluate `request.period` as of `now`, build the report and write it to `out` (default: the report directory)."""
    try:
        template = document.open_template(settings.report_template)
    except document.TemplateError as exc:
        raise ReportError(str(exc)) from exc
    today = now.astimezone(settings.timezone).date()
    check_request(session, request, today)
    period: Period = request.period
    key = content.report_name(period) if request.area is None else f"{content.report_name(period)}-{request.area}"
    lock_dir = (out.parent if out else settings.report_dir)
    with _exclusive(lock_dir, content.slug(key)):
        snapshot = evaluation.evaluate(session, period, today=today, trigger=trigger, actor_id=actor_id)
        report = content.build(gather.load(session, period), snapshot, request, made_at=now)
        data = document.render(report, template, built_in=settings.report_template is None)
        target = out or default_path(settings, report.file_stem, now)
        _write_atomically(target, data)
    return Built(target, report.title_page.title, snapshot.id)
