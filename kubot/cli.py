"""The `kubot` command: the console, one-off messages, database upkeep and plan import/export."""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from kubot import data_commands, db, evaluation, say_link
from kubot import formatting as fmt
from kubot.adapters import compose, console, outbox, routing
from kubot.chat import lexicon
from kubot.chat.core import Bot
from kubot.cli_arguments import parser
from kubot.cli_errors import guarded, log_to_file
from kubot.journal import Origin
from kubot.models import Staff
from kubot.models.plan import Role
from kubot.periods import Period, PeriodError
from kubot.port import NotConfigured
from kubot.reminders import delivery, schedule, sending
from kubot.settings import Settings
from kubot.values import ValueProblem
from kubot.verdicts import STATUS_SYMBOLS, Due, Snapshot, Status


def _worker(settings: Settings, once: bool, at: datetime | None) -> int:
    if at is not None and not once:
        print("--at går bara att använda med --once.", file=sys.stderr)
        return 2
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=settings.timezone)
    from kubot.reminders import worker  # APScheduler is for the worker only: `kubot say` starts without it

    return worker.run(
        settings,
        lambda: compose.start(settings),
        lambda engine: compose.delivering_sender(settings, engine),
        once=once,
        at=at,
    )


def _reminders(settings: Settings, day: date | None, dry_run: bool) -> int:
    today = datetime.now(settings.timezone).date()
    if not dry_run and day not in (None, today):
        print("Påminnelser skickas bara för i dag; använd --dry-run för att se en annan dag.", file=sys.stderr)
        return 2
    engine = compose.start(settings)
    moment = (
        schedule.local_moment(day or today, settings.reminder_time, settings.timezone) if day else datetime.now(UTC)
    )
    if dry_run:
        with Session(engine) as session:
            planned = delivery.plan(session, now=moment, settings=settings)
            session.rollback()  # the evaluation made for the preview is not kept
    else:
        try:
            sender = compose.delivering_sender(settings, engine)
        except NotConfigured as exc:
            print(str(exc), file=sys.stderr)
            return 2
        outcome = delivery.send_due(engine, settings, sender, now=moment)
        planned = outcome.planned
    when = f"{moment.astimezone(settings.timezone):%Y-%m-%d %H:%M}"
    if not planned:
        print(f"Inga påminnelser är aktuella {when}.")
        return 0
    print(f"Påminnelser aktuella {when}{' (torrkörning, inget skickas)' if dry_run else ''}:")
    for item in planned:
        status = "redan skickad" if item.sent else ("skulle skickas" if dry_run else "skickad nu")
        print(f"\n● {item.kind} till {item.recipient}, {item.period.code} – {item.why} [{status}]")
        print("  " + item.message.text.replace("\n", "\n  "))
    return 0


def _teams(settings: Settings, args: argparse.Namespace) -> int:
    if args.teams_command == "package":
        from kubot.teams import package as teams_package  # only for this command, not every start

        try:
            out = teams_package.build(args.app_id or settings.teams_app_id, args.domain, args.out)
        except teams_package.PackageError as exc:
            print(exc, file=sys.stderr)
            return 2
        print(
            f"Teams-appens paket är skrivet till {out}. Ladda upp det i Teams administrationscenter under Hantera"
            " appar."
        )
        return 0
    try:
        from kubot.teams import server
    except ImportError:
        print("Teams-stödet är inte installerat. Det kräver Python 3.12: pip install 'kubot[teams]'.", file=sys.stderr)
        return 1
    engine = compose.start(settings)
    # Slow commands (a report) are answered at once and finished through the sender, like reminders.
    return server.serve(Bot(engine, settings, sender=compose.sender(settings, engine)))


def _outbox(settings: Settings, name: str | None, unread: bool) -> int:
    engine = compose.start(settings)
    platforms = " och ".join(routing.shown(s.platform) for s in routing.platform_senders(settings, engine))
    if not platforms:
        print(
            "Konsolens utkorg: här hamnar kubots meddelanden eftersom ingen chattplattform (Slack, Teams) är"
            " inställd.\n"
        )
    else:
        print(f"Konsolens utkorg används inte: kubot skickar sina meddelanden i {platforms}. "
              "Här finns bara det som kom hit innan dess.\n")
    with db.session_scope(engine) as session:
        messages = outbox.messages(session, name, unread_only=unread)
        if not messages:
            print("Utkorgen är tom." if name is None else f"Inga meddelanden till {name}.")
        for message in messages:
            state = "oläst" if message.read_at is None else "läst"
            print(f"Till {message.address} ({state}) {outbox.render(message)}\n")
    return 0


def _report(settings: Settings, period_text: str, area_text: str | None, out: Path | None, dnr: str | None,
            author: str | None, per: date | None = None, pdf: bool = False) -> int:
    try:
        period = Period.parse(period_text)
    except PeriodError as exc:
        print(exc, file=sys.stderr)
        return 1
    from kubot.report import build as report_build  # the report stack only when a report is built
    from kubot.report import content
    from kubot.report import pdf as report_pdf

    engine = compose.start(settings)
    with db.session_scope(engine) as session:
        try:
            area = lexicon.load(session, period.year).area(area_text) if area_text else None
            request = content.Request(period, area=area, dnr=dnr, author=author or "")
            built = report_build.build(
                session, request, settings, now=datetime.now(UTC), trigger="cli", out=out, per=per
            )
        except (ValueProblem, report_build.ReportError) as exc:
            print(exc, file=sys.stderr)
            return 1
    print(f"{built.title} ({period.code}) är skriven till {built.path}")
    if pdf:
        try:
            print(f"PDF: {report_pdf.convert(built.path)}")
        except (report_pdf.PdfError, OSError, subprocess.SubprocessError) as exc:
            print(exc, file=sys.stderr)
            return 1
    return 0


def _demo(settings: Settings) -> int:
    from kubot import demo  # only for this command, not every start

    try:
        sent, stored = demo.load(compose.start(settings), settings)
    except demo.DemoError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(
        f"Demodata från Verksamhetsberättelse 2018: {sent} meddelanden, {stored} nya registreringar"
        + (" (resten fanns redan)." if stored < sent else ".")
        + ' Prova: kubot say --as "Ola Götesson" "rapport T3 2018"'
    )
    return 0


def _import(settings: Settings, kind: str, file: Path, per: date | None, name: str | None) -> int:
    if not file.is_file():
        print(f"Filen {file} finns inte.", file=sys.stderr)
        return 1
    # openpyxl (and numpy under it) only when a file is imported
    from kubot import economy_import, people_import
    from kubot.sheets import SheetError

    engine = compose.start(settings)
    try:
        with db.session_scope(engine) as session:
            actor = session.exec(select(Staff).where(Staff.name == name)).first() if name else None
            if name and actor is None:
                print(f"{name} finns inte bland personalen i planen.", file=sys.stderr)
                return 1
            origin = Origin(actor, "cli", message_text=f"import {kind} {file.name}")
            if kind == "personer":
                lines = people_import.import_file(session, file, origin).lines()
            else:
                lines = [f"Registrerat #{item.entry.id}: {item.entry.summary}\nÅngra med: ångra {item.entry.id}"
                         for item in economy_import.import_file(session, file, origin, per)]
    except SheetError as exc:
        print(exc, file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


def _plan_import(settings: Settings, file: Path, check_only: bool) -> int:
    from kubot.plan import importing, loading, schema  # the plan's file format: `kubot say` starts without it

    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"Kan inte läsa {file}: {exc}", file=sys.stderr)
        return 1
    try:
        plan = loading.load(text, str(file))
    except schema.PlanFileError as exc:
        print(exc, file=sys.stderr)
        return 1
    if check_only:
        print(f"{file}: planen är giltig ({plan.name}, gäller från {plan.first_year}).")
        return 0
    engine = compose.start(settings)
    with db.session_scope(engine) as session:
        imported = importing.apply(
            session, plan, Origin(actor=None, channel="cli", message_text=f"kubot plan import {file}")
        )
    print("\n".join([f"Planen {plan.name!r} är inläst och gäller från {plan.first_year}.", *imported.lines()]))
    return 0


def _plan_export(settings: Settings, year: int | None, out: Path | None) -> int:
    from kubot.plan import export as plan_export
    from kubot.plan import schema

    engine = compose.start(settings)
    with db.session_scope(engine) as session:
        try:
            text = plan_export.dump(session, year)
        except schema.PlanFileError as exc:
            print(exc, file=sys.stderr)
            return 1
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        print(f"Planen är skriven till {out}.")
    return 0


def _evaluate(settings: Settings, period_words: list[str], on: date | None) -> int:
    today = on or datetime.now(settings.timezone).date()
    try:
        period = Period.parse(" ".join(period_words)) if period_words else Period.containing(today)
    except PeriodError as exc:
        print(exc, file=sys.stderr)
        return 2
    engine = compose.start(settings)
    with db.session_scope(engine) as session:
        snapshot = evaluation.evaluate(session, period, today=today, trigger="cli")
    print(summary(snapshot))
    return 0


def summary(snapshot: Snapshot) -> str:
    """What an evaluation found, counted, for the CLI and the scheduler's log."""
    statuses = Counter(v.status for v in snapshot.indicators)
    dues = Counter([v.due for v in snapshot.indicators] + [v.due for v in snapshot.activities])
    lines = [f"Bedömning #{snapshot.id} av {snapshot.period.label}, per {fmt.day(snapshot.as_of)}:",
             "Mätetal: " + ", ".join(f"{STATUS_SYMBOLS[s]} {statuses[s]} {s}" for s in Status if statuses[s]) + ".",
             "Rapportering: " + ", ".join(f"{dues[d]} {d}" for d in Due if dues[d]) + "."]
    lines += [f"Varning: {w.text}" for w in snapshot.warnings]
    return "\n".join(lines)


def _console(settings: Settings, name: str | None) -> int:
    print(f"Databas: {db.describe(settings.database_url)}")
    engine = compose.start(settings)
    bot = Bot(engine, settings)
    with db.session_scope(engine) as session:
        staff = session.exec(select(Staff).where(Staff.active).order_by(col(Staff.id))).all()
        people = {s.name.casefold(): s.name for s in staff}
        admin = next((s.name for s in staff if s.role == Role.ADMIN), staff[0].name if staff else "")
    for _ in range(3):
        if name is None:
            try:
                name = input(f"Vem är du? Skriv ditt namn [{admin}]: ").strip() or admin
            except (EOFError, KeyboardInterrupt):
                print()
                return 0
        if name.casefold() in people:
            _show_outbox(settings, engine, people[name.casefold()])
            console.chat(bot, people[name.casefold()])
            return 0
        print(f"Jag känner inte igen ”{name}”. Personer i planen är t.ex. {', '.join(list(people.values())[:4])}.")
        name = None
    return 1


def _show_outbox(settings: Settings, engine: Engine, name: str) -> None:
    """Messages kubot sent while the person was away: delivered now if no worker did, then shown once."""
    sender = compose.sender(settings, engine)
    if sender.platform == console.PLATFORM:
        sending.deliver_pending(engine, sender, datetime.now(UTC))
    unread = outbox.take_unread(engine, name)
    if unread:
        print(f"Du har {len(unread)} {'nytt meddelande' if len(unread) == 1 else 'nya meddelanden'} från kubot:\n")
        print("\n\n".join(unread) + "\n")


def _slack(settings: Settings, how: str) -> int:
    missing = [
        name
        for name, value in (
            ("SLACK_BOT_TOKEN", settings.slack_bot_token),
            ("SLACK_SIGNING_SECRET", settings.slack_signing_secret if how == "web" else "-"),
            ("SLACK_APP_TOKEN", settings.slack_app_token if how == "socket" else "-"),
        )
        if not value
    ]
    if missing:
        print(f"kubot {how} behöver {' och '.join(missing)}; se avsnittet om Slack i README.", file=sys.stderr)
        return 2
    from kubot.slack import web as slack_web  # only a Slack start loads slack-bolt

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    engine = compose.start(settings)
    (slack_web.serve if how == "web" else slack_web.socket_mode)(engine, settings, compose.sender(settings, engine))
    return 0


def say(bot: Bot, args: argparse.Namespace) -> int:
    """`kubot say`: one message, its reply printed; exit code 1 when the message was refused."""
    reply = console.say(bot, args.name, args.message, message_id=args.message_id)
    print(console.render(reply))
    return 1 if reply.accepted is False else 0


def main(argv: Sequence[str] | None = None) -> int:
    """The `kubot` command: every failure is one Swedish line; tracebacks go to the log file."""
    args = parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except (KeyError, ValueError) as exc:  # a time zone, time or number that does not parse
        print(
            f"En inställning i miljön går inte att använda ({exc}). Se avsnittet Konfiguration i README.",
            file=sys.stderr,
        )
        return 2
    # Services (the worker, the Slack app) also log to stderr, which is what their operator reads.
    service = args.command in ("worker", "web", "socket") or (args.command is None and settings.slack_configured)
    log_to_file(settings.log_file, also_stderr=service)
    return guarded(lambda: _run(args, settings), database_url=settings.database_url, log_file=settings.log_file)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        if args.command in ("check", "kontroll"):
            from kubot import check  # it reaches out on the network: urllib and ssl are no cost for `kubot say`

            findings = check.run(settings)
            print(check.render(findings))
            return check.exit_code(findings)
        if args.command == "db":
            db.upgrade(db.make_engine(settings.database_url))
            print(f"Databasen {db.describe(settings.database_url)} har senaste schemat.")
            return 0
        if args.command == "plan" and args.plan_command == "import":
            return _plan_import(settings, args.file, args.check)
        if args.command == "plan" and args.plan_command == "export":
            return _plan_export(settings, args.year, args.out)
        if args.command == "report":
            period_text = f"{args.period} {args.year}" if args.year else args.period
            return _report(settings, period_text, args.area, args.out, args.dnr, args.author, args.per, args.pdf)
        if args.command == "demo":
            return _demo(settings)
        if args.command == "import":
            return _import(settings, args.import_kind, args.file, getattr(args, "per", None), args.name)
        if args.command == "worker":
            return _worker(settings, args.once, args.at)
        if args.command in data_commands.NAMES:
            return data_commands.run(args, settings, lambda: compose.start(settings))
        if args.command == "reminders":
            return _reminders(settings, args.date, args.dry_run)
        if args.command == "outbox":
            return _outbox(settings, args.name, args.unread)
        if args.command == "teams":
            return _teams(settings, args)
        if args.command in ("evaluate", "bedöm"):
            return _evaluate(settings, args.period, args.date)
        if args.command == "say":
            status = say(Bot(compose.start(settings), settings), args)
            say_link.start_server(settings)
            return status
        if args.command in ("web", "socket") or (args.command is None and settings.slack_configured):
            return _slack(settings, "web" if args.command is None else args.command)
        return _console(settings, getattr(args, "name", None))
    except db.DatabaseUnavailable as exc:
        print(exc, file=sys.stderr)
        return 1
