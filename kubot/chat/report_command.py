"""The chat command that orders a report draft in Word."""

from __future__ import annotations

import logging
import re

from kubot import formatting as fmt
from kubot.chat import grammar
from kubot.chat.registry import Context, Scope, Usage, command
from kubot.models.plan import Role
from kubot.port import Attachment, Reply

log = logging.getLogger(__name__)
_DNR = re.compile(r"(?:^|\s)dnr:?\s+(\S.*)$", re.IGNORECASE)
_PER = re.compile(r"(?<!\S)per:?\s+", re.IGNORECASE)
# A report's own name says its tertial: "rapport verksamhetsberättelse 2026" is the report for T3 2026.
_REPORT_NAMES = {
    re.compile(r"(?<!\S)tertialrapport(?:en)?(?!\S)", re.IGNORECASE): "T1",
    re.compile(r"(?<!\S)delårsrapport(?:en)?(?!\S)", re.IGNORECASE): "T2",
    re.compile(r"(?<!\S)(?:verksamhetsberättelse(?:n)?|årsrapport(?:en)?)(?!\S)", re.IGNORECASE): "T3",
}


def _tertial_named(text: str) -> str:
    """The text with a report's name written as its tertial ("delårsrapport 2022" → "T2 2022")."""
    for name, tertial in _REPORT_NAMES.items():
        text = name.sub(tertial, text)
    return text


@command(
    "rapport", "report", slow="Jag bygger rapporten, den kommer här om en stund.", role=Role.MANAGER, scope=Scope.READ
)
def report(ctx: Context, args: str) -> Reply:
    """Beställ ett rapportutkast i Word: T1, T2 (delårsrapport) eller T3 (verksamhetsberättelse), ev. för ett område
    och med diarienummer.
    Exempel: rapport T3 2018
    Exempel: rapport T2 2018 Barn och unga
    Exempel: rapport T3 2018 dnr RJL 2017/1522
    Exempel: rapport T2 2018 per 2018-09-15
    Exempel: rapport verksamhetsberättelse 2018
    """
    dnr_match = _DNR.search(args)
    dnr = dnr_match.group(1).strip() if dnr_match else None
    text = _tertial_named(grammar.tidy(args[: dnr_match.start()] if dnr_match else args))
    per = None
    if per_word := _PER.search(text):
        found = grammar.split_at_date(text[per_word.end():], ctx.today)
        if found is None or found[0]:
            raise Usage("Skriv dagen som uppgifterna ska gälla efter ”per”, t.ex. ”per 2018-09-15”.")
        per, text = found[1], f"{text[: per_word.start()]} {found[2]}".strip()
    period, area_text = grammar.take_period(text, ctx.today, year_alone=True)
    if period is None:
        raise Usage("Skriv vilken period rapporten gäller: T1, T2 eller T3 och året, t.ex. ”rapport T2 2022”.")
    area = ctx.lexicon(period.year).area(area_text) if area_text else None
    author = f"{ctx.actor.name}, {ctx.actor.title}" if ctx.actor.title else ctx.actor.name
    # The report stack (python-docx, matplotlib) is loaded only when a report is ordered: every
    # other message, and every `kubot say`, answers without paying for it.
    from kubot.report import build, content

    request = content.Request(period, area=area, dnr=dnr, author=author)
    try:
        built = build.build(
            ctx.session, request, ctx.settings, now=ctx.now, trigger="chatt", actor_id=ctx.actor.id, per=per
        )
    except build.ServerProblem as exc:
        log.error("a report ordered in chat could not be made: %s", exc)  # the paths, for whoever runs the server
        return Reply(build.ServerProblem.IN_CHAT, accepted=False)
    except build.ReportError as exc:
        return Reply(str(exc), accepted=False)
    # A report ordered in a shared channel is for the channel. The file is named by its title: where it is
    # kept on the server is nothing a reader needs (the console shows the path beside the reply).
    return Reply(f"Rapporten byggs … klar: {built.title} ({period.code}), utkast i Word med uppgifterna per "
                 f"{fmt.day(built.as_of)}.", files=(Attachment(built.path, built.file_title),), public=True)
