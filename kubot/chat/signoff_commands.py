"""Saying in chat that one's part of a report is done, approving the report, and seeing where it stands."""

from __future__ import annotations

import re

from kubot import formatting as fmt
from kubot import signoff
from kubot.chat import grammar
from kubot.chat.registry import Context, Scope, Usage, command
from kubot.models.plan import Role
from kubot.periods import Period
from kubot.port import Reply

_ANYWAY = re.compile(r"(?:^|\s)ändå$", re.IGNORECASE)
_REPORT_WORD = re.compile(r"^(?:rapporten|rapport)\b\s*", re.IGNORECASE)


def _period(ctx: Context, text: str, example: str) -> tuple[Period, str]:
    period, rest = grammar.take_period(text, ctx.today, year_alone=True)
    if period is None:
        raise Usage(f"Skriv vilken rapport det gäller: T1, T2 eller T3 och året, t.ex. ”{example}”.")
    return period, grammar.tidy(rest)


@command("klar", "ready", role=Role.STAFF, scope=Scope.OWN_AREA)
def ready(ctx: Context, args: str) -> Reply:
    """Markera din del av rapporten som klar: ett strategiskt mål (sm1–sm6), ekonomin eller texterna.
    Exempel: klar sm2 T2 2022
    Exempel: klar ekonomi T2 2022
    Exempel: klar alla T2 2022
    """
    period, words = _period(ctx, args, "klar sm2 T2 2022")
    if not words:
        raise Usage("Skriv vilken del som är klar: ett strategiskt mål (t.ex. sm2), ekonomi eller texter.")
    try:
        if words.casefold() in ("alla", "allt", "alla delar"):
            recorded = signoff.mark_all_ready(ctx.session, origin=ctx.origin, period=period)
        else:
            try:
                part = signoff.find_part(ctx.session, period, words)
            except signoff.SignoffError as exc:
                raise Usage(str(exc)) from None
            recorded = signoff.mark_ready(ctx.session, origin=ctx.origin, period=period, part=part)
    except signoff.SignoffError as exc:
        return Reply(str(exc), accepted=False)
    left = signoff.state(ctx.session, period).unready
    after = (
        f"Kvar: {signoff.not_ready(left)}."
        if left
        else f"Alla delar är klara; en chef kan nu skriva: godkänn rapport {period.code}"
    )
    return Reply(
        f"Registrerat #{recorded.entry.id}: {recorded.entry.summary}.\n{after}\nÅngra med: ångra {recorded.entry.id}",
        accepted=True,
    )


@command("godkänn", "godkann", "approve", role=Role.MANAGER, scope=Scope.REPORT)
def approve(ctx: Context, args: str) -> Reply:
    """Godkänn rapporten när alla delar är klara (chefer och administratörer); den byggs sedan utan utkastmarkeringar.
    Exempel: godkänn rapport T2 2022
    """
    text = _REPORT_WORD.sub("", args.strip())
    anyway = bool(_ANYWAY.search(text))
    period, rest = _period(ctx, _ANYWAY.sub("", text), "godkänn rapport T2 2022")
    if rest:
        raise Usage(f"Skriv bara rapportens period efter godkänn, t.ex. ”godkänn rapport {period.code}”.")
    try:
        recorded = signoff.approve(ctx.session, origin=ctx.origin, period=period, anyway=anyway)
    except signoff.SignoffError as exc:
        return Reply(str(exc), accepted=False)
    return Reply(f"Registrerat #{recorded.entry.id}: {recorded.entry.summary}. Nästa ”rapport {period.code}” blir den "
                 f"slutliga versionen, utan utkastmarkeringar.\nÅngra med: ångra {recorded.entry.id}", accepted=True)


@command("rapportstatus", "report-status", role=Role.STAFF, scope=Scope.READ)
def report_status(ctx: Context, args: str) -> Reply:
    """Visa vilka delar av rapporten som är klara, vem som ansvarar för resten och om den är godkänd.
    Exempel: rapportstatus T2 2022
    """
    period, _ = _period(ctx, args, "rapportstatus T2 2022")
    now = signoff.state(ctx.session, period)
    lines = [f"{signoff.report_title(period)}:"]
    for part, mark in now.parts:
        done = (
            f"klar ({mark.by} {fmt.timestamp(mark.at)})"
            if mark
            else f"inte klar – {', '.join(part.owners) or 'ingen ansvarig'}"
        )
        lines.append(f"{'✓' if mark else '○'} {part.label}: {done}")
    if now.approval is not None:
        lines.append(f"Godkänd av {now.approval.by} {fmt.timestamp(now.approval.at)}.")
    elif not now.unready:
        lines.append(f"Alla delar är klara; en chef kan skriva: godkänn rapport {period.code}")
    else:
        lines.append(f"Inte godkänd än: {len(now.unready)} av {len(now.parts)} delar återstår.")
    return Reply("\n".join(lines))
