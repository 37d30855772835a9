"""The `kubot export`, `kubot backup` and `kubot restore` commands: all data back out, and back in."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kubot.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

NAMES = ("export", "backup", "restore")


def add_commands(commands: argparse._SubParsersAction[Any]) -> None:
    export = commands.add_parser("export", help="skriv ut alla registreringar och planen som Excel-bok och CSV-filer")
    export.add_argument(
        "--out", type=Path, metavar="KATALOG", help="katalog att skriva till (standard: kubot-export-DATUM-TID)"
    )
    backup = commands.add_parser("backup", help="ta en säkerhetskopia av hela databasen")
    backup.add_argument("file", type=Path, metavar="FIL")
    restore = commands.add_parser("restore", help="återställ databasen från en säkerhetskopia (kubot backup)")
    restore.add_argument("file", type=Path, metavar="FIL")
    restore.add_argument(
        "--ersätt",
        dest="replace",
        action="store_true",
        help="ersätt det som redan finns i databasen (annars vägrar kubot om det finns registreringar)",
    )


def run(args: argparse.Namespace, settings: Settings, start: Callable[[], Engine]) -> int:
    """Run export, backup or restore; `start` gives the engine on a migrated database with a plan."""
    # Imported here: openpyxl and the backup tools are needed only by these commands.
    from kubot import backup, db, export
    from kubot.troubles import file_trouble

    if args.command == "export":
        engine = start()
        out = args.out or Path(f"kubot-export-{datetime.now(settings.timezone):%Y%m%d-%H%M%S}")
        try:
            with db.read_scope(engine) as session:
                entries, files = export.export(session, out, settings.timezone)
        except OSError as exc:
            print(f"Kan inte skriva exporten till {out}: {file_trouble(exc)}.", file=sys.stderr)
            return 1
        print(
            f"Exporterade {entries} registreringar och planen till {out}/: {files[0].name} och {len(files) - 1} filer"
            " till (CSV och planfiler)."
        )
        return 0
    try:
        if args.command == "backup":
            described = backup.backup(start(), args.file)
            print(
                f"Säkerhetskopian är skriven till {args.file} ({described}). Återställ med: kubot restore {args.file}"
            )
            return 0
        print(backup.restore(db.make_engine(settings.database_url), args.file, replace=args.replace))
        return 0
    except backup.BackupError as exc:
        print(exc, file=sys.stderr)
        return 1
    except OSError as exc:
        writing = args.command == "backup"
        print(f"Kan inte {'skriva' if writing else 'läsa'} {args.file}: {file_trouble(exc, reading=not writing)}.",
              file=sys.stderr)
        return 1
