"""Building a report file: check the request, evaluate the period as of its cut-off, write the document safely.

The one entry point for chat and CLI (a plain function: a chat adapter may run it in the background).
The template is checked before anything else; an evaluation of the period as of the report's
cut-off supplies the verdicts (and is stored, so the report can say which snapshot it used).

The cut-off is `--per` when given, else the report's deadline, else the period's end: records
dated later do not count and decisions made later are still pending. With a deadline or `--per`,
entries recorded after the cut-off do not count either, so the same report can be made again
later with the same numbers.

The document is written to a temporary file beside the target and linked into place under a
name no other report has (a second report in the same second gets "-2"), so a reader never
sees half a file and no report overwrites another. A lock per report (period and area), kept
outside the report directory, makes a second request for the same report get a clear
"already being built" answer instead of racing the first; nothing is left beside the report.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlmodel import Session

from kubot import evaluation, facts, signoff
from kubot import formatting as fmt
from kubot.deadlines import deadline_for
from kubot.periods import Period
from kubot.plan import queries as plan_queries
from kubot.report import content, document, gather, template
from kubot.settings import Settings
from kubot.troubles import file_trouble

LOCK_DIR = Path(tempfile.gettempdir()) / "kubot-rapportlas"
NAME_MAX = 255


class ReportError(ValueError):
    """A report that cannot be made; the message is Swedish and says why and what to do."""


class ReportBusy(ReportError):
    """The same report is already being built."""


class ServerProblem(ReportError):
    """The server cannot make the file (the template, the report folder); the message names the paths, for
    the console and the log. A chat user gets `IN_CHAT` instead: the server's folders are nothing of theirs."""

    IN_CHAT = ("Rapporten kunde inte sparas på servern. Be en administratör skriva ”kontroll” till mig; "
               "den visar vad som behöver rättas.")


@dataclass(frozen=True)
class Built:
    """A report written to `path`; `file_title` is what a person sees the file called ("Verksamhetsberättelse
    2026 (utkast 4 dec 2026)"), the file name on disk being only for kubot to keep reports apart."""

    path: Path
    title: str
    snapshot_id: int | None
    as_of: date
    file_title: str


def check_request(session: Session, request: content.Request, today: date) -> None:
    """Refuse a period that has not begun, a year without a plan, or an unknown area."""
    period = request.period
    if period.start > today:
        raise ReportError(
            f"{period.label} har inte börjat än – det går att göra rapporter för perioder som har börjat."
        )
    if not plan_queries.has_plan(session, period.year):
        raise ReportError(
            f"Det finns ingen plan för {period.year}, så det finns inget att rapportera för {period.code}."
        )
    if request.area is not None and plan_queries.area(session, request.area) is None:
        raise ReportError(f"Området {request.area!r} finns inte i planen.")


def cutoff(session: Session, period: Period, per: date | None) -> tuple[date, bool]:
    """The report's cut-off and whether it is firm (chosen or a deadline), so later entries are left out too."""
    if per is not None:
        if per < period.start:
            raise ReportError(
                f"{per.isoformat()} ligger före {period.label} – välj ett datum från {period.start.isoformat()}."
            )
        return per, True
    deadline = deadline_for(session, period)
    if deadline is not None:
        return deadline, True
    return period.end, False


def default_path(settings: Settings, stem: str, made_at: datetime) -> Path:
    local = made_at.astimezone(settings.timezone)
    return settings.report_dir / f"{stem}-{local:%Y%m%d-%H%M%S}.docx"


@contextmanager
def _exclusive(directory: Path, key: str) -> Iterator[None]:
    """Hold the lock for one report of one report directory. flock is per open file, so it also separates
    threads of one process; the lock file lives in the temporary directory, never beside the reports."""
    LOCK_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    digest = hashlib.sha256(f"{directory.resolve()}\0{key}".encode()).hexdigest()[:32]
    with open(LOCK_DIR / f"{digest}.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise ReportBusy(
                "Den rapporten byggs redan på en annan begäran. Vänta en stund – den kommer strax."
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _free_name(target: Path, attempt: int) -> Path:
    return target if attempt == 1 else target.with_name(f"{target.stem}-{attempt}{target.suffix}")


def write_new(target: Path, data: bytes) -> Path:
    """Write `data` under `target`, or `target-2`, `-3` … if that name is taken; never replace a file. Returns the path.

    The file gets ordinary permissions (0666 less the umask), like any file the user creates.
    """
    directory = target.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
        if len(target.name.encode()) > NAME_MAX:
            raise ServerProblem(
                f"Filnamnet ”{target.name[:40]}…” är för långt ({len(target.name.encode())} byte; högst {NAME_MAX}). "
                "Välj ett kortare namn."
            )
        # Closed below, after the move into place.
        handle = tempfile.NamedTemporaryFile(dir=directory, prefix=".kubot-", suffix=".tmp", delete=False)  # noqa: SIM115
        try:
            with handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(handle.name, 0o666 & ~_umask())
            for attempt in range(1, 1000):
                candidate = _free_name(target, attempt)
                try:
                    os.link(handle.name, candidate)  # fails if the name exists: no report replaces another
                    return candidate
                except FileExistsError:
                    continue
            raise ServerProblem(f"Det finns redan 999 rapporter som heter {target.name} i {directory}.")
        finally:
            Path(handle.name).unlink(missing_ok=True)
    except OSError as exc:
        raise ServerProblem(describe_os_error(exc, target)) from exc


def describe_os_error(exc: OSError, target: Path) -> str:
    """A Swedish sentence for why a report file could not be written."""
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        return (
            f"Disken är full – rapporten kunde inte sparas i {target.parent}. Frigör utrymme eller välj en annan"
            " katalog."
        )
    if exc.errno == errno.ENAMETOOLONG:
        return f"Filnamnet eller sökvägen är för lång: {str(target)[:80]}… Välj ett kortare namn."
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"Kubot får inte skriva i {target.parent}. Välj en annan katalog eller ändra behörigheten."
    if exc.errno == errno.EISDIR:
        return f"{target} är en katalog. Ange ett filnamn, t.ex. {target / 'rapport.docx'}."
    if exc.errno == errno.ENOTDIR:
        return f"En del av sökvägen {target.parent} är en fil, inte en katalog."
    return f"Rapporten kunde inte sparas i {target}: {file_trouble(exc)}."


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a name too long to look up is not a directory; writing it says why
        return False


def output_path(out: Path | None, default: Path) -> Path:
    """The file to write: `out` as given (a directory gets the default name inside it), else the default."""
    if out is None:
        return default
    if _is_dir(out):
        return out / default.name
    if out.suffix.lower() != ".docx":
        raise ReportError(
            f"Rapporten skrivs som Word-fil: ange ett namn som slutar på .docx, t.ex. {out.with_suffix('.docx').name}."
        )
    return out


def build(
    session: Session, request: content.Request, settings: Settings, *, now: datetime, trigger: str,
    actor_id: int | None = None, out: Path | None = None, per: date | None = None,
) -> Built:
    """Evaluate `request.period` as of its cut-off, build the report and write it to `out` (default: the report
    directory)."""
    try:
        word = template.open_template(settings.report_template)
    except template.TemplateError as exc:
        raise ServerProblem(str(exc)) from exc
    today = now.astimezone(settings.timezone).date()
    check_request(session, request, today)
    period: Period = request.period
    as_of, firm = cutoff(session, period, per)
    # Entries recorded up to the end of the cut-off day (Swedish time) count.
    recorded_by = datetime.combine(as_of + timedelta(days=1), time(), settings.timezone) if firm else None
    key = content.report_name(period) if request.area is None else f"{content.report_name(period)}-{request.area}"
    target_dir = out.parent if out is not None and not _is_dir(out) else out or settings.report_dir
    with _exclusive(target_dir, content.slug(key)):
        known = facts.for_period(session, period, as_of=as_of, recorded_by=recorded_by)
        snapshot = evaluation.evaluate(session, period, today=today, trigger=trigger, actor_id=actor_id, cutoff=as_of,
                                       recorded_by=recorded_by, known=known)
        # The approval is the organisation's: a report for one area stays a draft.
        signoffs = signoff.state(session, period) if request.area is None else None
        report = content.build(
            gather.load(session, period, as_of, recorded_by=recorded_by, known=known),
            snapshot,
            request,
            made_at=now,
            signoffs=signoffs,
        )
        data = document.render(report, word, built_in=settings.report_template is None)
        target = output_path(out, default_path(settings, report.file_stem, now))
        path = write_new(target, data)
    state = "godkänd" if report.final else "utkast"
    file_title = f"{report.title_page.title} ({state} {fmt.day_short(now.astimezone(settings.timezone).date())})"
    return Built(path.resolve(), report.title_page.title, snapshot.id, snapshot.as_of, file_title)
