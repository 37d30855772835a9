"""The chat command that orders a report draft in Word."""

from __future__ import annotations

import re

from kubot.chat.registry import Context, Scope, Usage, command
from kubot.models.plan import Role
from kubot.periods import Period, PeriodError
from kubot.port import Reply

_PERIOD = re.compile(r"^\s*(t\s?\d\s*[-/]?\s*\d{4}|\d{4}\s*[-/]?\s*t\s?\d|\d{4})(?!\S)", re.IGNORECASE)
_DNR = re.compile(r"(?:^|\s)dnr:?\s+(\S.*)$", re.IGNORECASE)


@command("rapport", "report", role=Role.MANAGER, scope=Scope.READ, slow="Jag bygger rapporten, den kommer här om en stund.")
def report(ctx: Context, args: str) -> Reply:
    """Beställ ett rapportutkast i Word: T1, T2 (delårsrapport) eller T3 (verksamhetsberättelse), ev. för ett område och med diarienummer.
    Exempel: rapport T3 2018
    Exempel: rapport T2 2018 Barn och unga
    Exempel: rapport T3 2018 dnr RJL 2017/1522
    """
    match = _PERIOD.match(args)
    if match is None:
        raise Usage("Skriv vilken period rapporten gäller: T1, T2 eller T3 och året, t.ex. ”rapport T2 2022”.")
    try:
        period = Period.parse(match.group(1))
    except PeriodError as exc:
        raise Usage(str(exc)) from exc
    rest = args[match.end():].strip()
    dnr_match = _DNR.search(rest)
    dnr = dnr_match.group(1).strip() if dnr_match else None
    area_text = (rest[: dnr_match.start()] if dnr_match else rest).strip()
    area = ctx.lexicon(period.year).area(area_text) if area_text else None
    author = f"{ctx.actor.name}, {ctx.actor.title}" if ctx.actor.title else ctx.actor.name
    # The report stack (python-docx, matplotlib) is loaded only when a report is ordered: every
    # other message, and every `kubot say`, answers without paying for it.
    from kubot.report import build, content

    request = content.Request(period, area=area, dnr=dnr, author=author)
    try:
        built = build.build(ctx.session, request, ctx.settings, now=ctx.now, trigger="chatt", actor_id=ctx.actor.id)
    except build.ReportError as exc:
        return Reply(str(exc), accepted=False)
    number = f" nr {built.snapshot_id}" if built.snapshot_id is not None else ""
    # A report ordered in a shared channel is for the channel.
    return Reply(f"Rapporten byggs … klar: {built.title} ({period.code}), utkast i Word. "
                 f"Bedömningarna kommer från utvärdering{number} som gjordes nu.", files=(built.path,), public=True)
