"""The `kubot` command: the console, database upkeep and plan import/export."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from kubot import app, db, planfile
from kubot.journal import Origin
from kubot.settings import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kubot", description="Kubot – mål- och resultatuppföljning i chatten.")
    commands = parser.add_subparsers(dest="command", metavar="KOMMANDO")

    db_cmd = commands.add_parser("db", help="databasens schema")
    db_cmd.add_subparsers(dest="db_command", required=True, metavar="ÅTGÄRD").add_parser(
        "upgrade", help="uppgradera databasen till senaste schemat"
    )

    plan = commands.add_parser("plan", help="läs in eller skriv ut planen (YAML)")
    plan_commands = plan.add_subparsers(dest="plan_command", required=True, metavar="ÅTGÄRD")
    plan_import = plan_commands.add_parser("import", help="läs in en planfil")
    plan_import.add_argument("file", type=Path, metavar="FIL")
    plan_import.add_argument("--check", action="store_true", help="kontrollera bara filen, skriv inget")
    plan_export = plan_commands.add_parser("export", help="skriv ut planen som YAML")
    plan_export.add_argument("--year", type=int, help="planen som gäller detta år (standard: den senaste)")
    plan_export.add_argument("--out", type=Path, help="fil att skriva till (standard: skärmen)")
    return parser


def _plan_import(settings: Settings, file: Path, check_only: bool) -> int:
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"Kan inte läsa {file}: {exc}", file=sys.stderr)
        return 1
    try:
        plan = planfile.load(text, str(file))
    except planfile.PlanFileError as exc:
        print(exc, file=sys.stderr)
        return 1
    if check_only:
        print(f"{file}: planen är giltig ({plan.name}, gäller från {plan.first_year}).")
        return 0
    engine = app.start(settings)
    with db.session_scope(engine) as session:
        planfile.apply(session, plan, Origin(actor=None, channel="cli", message_text=f"kubot plan import {file}"))
    print(f"Planen {plan.name!r} är inläst och gäller från {plan.first_year}.")
    return 0


def _plan_export(settings: Settings, year: int | None, out: Path | None) -> int:
    engine = app.start(settings)
    with db.session_scope(engine) as session:
        try:
            text = planfile.dump(session, year)
        except planfile.PlanFileError as exc:
            print(exc, file=sys.stderr)
            return 1
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        print(f"Planen är skriven till {out}.")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings.from_env()
    try:
        if args.command == "db":
            db.upgrade(db.make_engine(settings.database_url))
            print("Databasen har senaste schemat.")
            return 0
        if args.command == "plan" and args.plan_command == "import":
            return _plan_import(settings, args.file, args.check)
        if args.command == "plan" and args.plan_command == "export":
            return _plan_export(settings, args.year, args.out)
        app.start(settings)
        print(f"Kubot är redo ({db.public_url(settings.database_url)}).")
        return 0
    except db.DatabaseUnavailable as exc:
        print(exc, file=sys.stderr)
        return 1
