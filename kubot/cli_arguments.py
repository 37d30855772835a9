"""What the `kubot` command takes: its commands and options, with their Swedish help texts."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from pathlib import Path

from kubot import data_commands
from kubot.cli_parser import SwedishParser


def parser() -> argparse.ArgumentParser:
    parser = SwedishParser(prog="kubot", description="Kubot – mål- och resultatuppföljning i chatten.")
    commands = parser.add_subparsers(dest="command", metavar="KOMMANDO")

    db_cmd = commands.add_parser("db", help="databasens schema")
    db_cmd.add_subparsers(dest="db_command", required=True, metavar="ÅTGÄRD").add_parser(
        "upgrade", help="uppgradera databasen till senaste schemat"
    )

    console = commands.add_parser("console", help="chatta med kubot i terminalen")
    console.add_argument("--as", dest="name", metavar="NAMN", help="vem du är (ditt namn i planen)")
    say = commands.add_parser("say", help="skicka ett meddelande och skriv ut svaret")
    say.add_argument("--as", dest="name", metavar="NAMN", required=True, help="vem som skriver")
    say.add_argument("message", metavar="MEDDELANDE")
    say.add_argument("--message-id", help=argparse.SUPPRESS)  # set by kubot.launch: one id per message

    evaluate = commands.add_parser(
        "evaluate", aliases=["bedöm"], help="bedöm alla mätetal för en period och spara resultatet"
    )
    evaluate.add_argument("period", nargs="*", metavar="PERIOD", help="t.ex. T2 2022 (standard: tertialen vi är i)")
    evaluate.add_argument(
        "--date", type=date.fromisoformat, metavar="ÅÅÅÅ-MM-DD", help="bedöm som om det vore denna dag"
    )

    plan = commands.add_parser("plan", help="läs in eller skriv ut planen (YAML)")
    plan_commands = plan.add_subparsers(dest="plan_command", required=True, metavar="ÅTGÄRD")
    plan_import = plan_commands.add_parser("import", help="läs in en planfil")
    plan_import.add_argument("file", type=Path, metavar="FIL")
    plan_import.add_argument("--check", action="store_true", help="kontrollera bara filen, skriv inget")
    plan_export = plan_commands.add_parser("export", help="skriv ut planen som YAML")
    plan_export.add_argument("--year", type=int, help="planen som gäller detta år (standard: den senaste)")
    plan_export.add_argument("--out", type=Path, help="fil att skriva till (standard: skärmen)")
    report = commands.add_parser(
        "report", help="gör ett rapportutkast i Word (delårsrapport eller verksamhetsberättelse)"
    )
    report.add_argument("period", metavar="PERIOD", help="T1, T2 eller T3 och året, t.ex. T2 2022 eller T3-2018")
    report.add_argument("year", nargs="?", metavar="ÅR", help="året, om det skrivs skilt från tertialen")
    report.add_argument("--area", metavar="OMRÅDE", help="bara ett partnerskap eller område (kod eller namn)")
    report.add_argument("--out", type=Path, metavar="FIL", help="fil att skriva till (standard: KUBOT_REPORT_DIR)")
    report.add_argument("--dnr", metavar="DNR", help="diarienummer till titelsidan")
    report.add_argument("--author", metavar="NAMN", help="författare på titelsidan")
    report.add_argument(
        "--per",
        type=date.fromisoformat,
        metavar="ÅÅÅÅ-MM-DD",
        help="uppgifterna som de var detta datum (standard: rapportens deadline, annars periodens slut)",
    )
    report.add_argument(
        "--pdf", action="store_true", help="skriv också en PDF med sidnummer i innehållsförteckningen (LibreOffice)"
    )
    commands.add_parser(
        "demo", help="läs in Verksamhetsberättelse 2018:s siffror som registreringar (för att prova rapporterna)"
    )
    imports = commands.add_parser("import", help="importera uppgifter ur en fil")
    import_kinds = imports.add_subparsers(dest="import_kind", required=True, metavar="SLAG")
    import_economy = import_kinds.add_parser(
        "ekonomi", help="ekonomin per område ur ett kalkylark (.xlsx eller .csv), i tkr"
    )
    import_economy.add_argument("file", type=Path, metavar="FIL")
    import_economy.add_argument("--per", type=date.fromisoformat, metavar="ÅÅÅÅ-MM-DD",
                                help="datumet uppgifterna gäller, om filen saknar kolumnen datum")
    import_economy.add_argument("--as", dest="name", metavar="NAMN", help="vem som importerar (ditt namn i planen)")
    import_people = import_kinds.add_parser(
        "personer", help="personalen ur ett kalkylark (.xlsx eller .csv): namn, e-post, område, roll, titel"
    )
    import_people.add_argument("file", type=Path, metavar="FIL")
    import_people.add_argument("--as", dest="name", metavar="NAMN", help="vem som importerar (ditt namn i planen)")
    worker_cmd = commands.add_parser("worker", help="kör schemaläggaren: påminnelser och nattlig utvärdering")
    worker_cmd.add_argument("--once", action="store_true", help="gör en omgång (ikappkörning) och avsluta")
    worker_cmd.add_argument("--at", type=datetime.fromisoformat, metavar="TIDPUNKT",
                            help="med --once: kör som om klockan vore TIDPUNKT (ÅÅÅÅ-MM-DDTHH:MM, svensk tid)")
    reminders = commands.add_parser("reminders", help="visa vilka påminnelser som ska gå ut en dag, och varför")
    reminders.add_argument("--date", type=date.fromisoformat, metavar="DATUM", help="dagen (standard: i dag)")
    reminders.add_argument("--dry-run", action="store_true", help="visa bara; skicka inget och spara inget")
    commands.add_parser("web", help="kör Slack-appen över HTTP på $PORT (/slack/events och /healthz)")
    commands.add_parser("socket", help="kör Slack-appen över Socket Mode (SLACK_APP_TOKEN), utan publik adress")
    teams = commands.add_parser(
        "teams", help="kör kubot i Microsoft Teams (/api/messages på $PORT), eller gör app-paketet"
    )
    teams_package = teams.add_subparsers(dest="teams_command", metavar="ÅTGÄRD").add_parser(
        "package", help="gör Teams-appens paket (zip) att ladda upp i Teams administrationscenter")
    teams_package.add_argument(
        "--app-id", metavar="GUID", help="botens app-id (standard: CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID)"
    )
    teams_package.add_argument(
        "--domain", metavar="DOMÄN", required=True, help="domänen kubot nås på, t.ex. kubot.rjl.se"
    )
    teams_package.add_argument(
        "--out", type=Path, default=Path("kubot-teams.zip"), metavar="FIL", help="standard: kubot-teams.zip"
    )
    box = commands.add_parser("outbox", help="visa meddelandena i konsolens utkorg")
    box.add_argument("--as", dest="name", metavar="NAMN", help="bara till den här personen")
    box.add_argument("--unread", action="store_true", help="bara olästa")
    commands.add_parser("check", aliases=["kontroll"],
                        help="kontrollera inställningarna: databas, plan, Slack, Teams, vem som nås, rapportkatalog")
    data_commands.add_commands(commands)
    return parser
