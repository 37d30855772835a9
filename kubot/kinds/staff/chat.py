"""The chat half of staff: its command(s), whose docstrings are their help and examples, and its form."""

from __future__ import annotations

import re

from kubot import values
from kubot.chat import forms, grammar
from kubot.chat.registry import (
    Context,
    Scope,
    Usage,
    accepted,
    declare,
)
from kubot.kinds.staff import record
from kubot.models.plan import Role
from kubot.models.records import EmploymentForm
from kubot.port import Reply

_FORMS = {
    "tillsvidare": EmploymentForm.PERMANENT,
    "tillsvidareanställda": EmploymentForm.PERMANENT,
    "visstid": EmploymentForm.FIXED_TERM,
    "visstidsanställda": EmploymentForm.FIXED_TERM,
    "tjänsteköp": EmploymentForm.SECONDED,
    "tjansteköp": EmploymentForm.SECONDED,
    "tjanstekop": EmploymentForm.SECONDED,
}


_FINANCERS = {"kommunerna": "kommunerna", "kommuner": "kommunerna", "kommunalt": "kommunerna",
              "externt": "externt", "extern": "externt", "externa": "externt"}


# Words around a financer that say nothing more: "finansierade av kommunerna 29,48", "varav externt 19,65".
_FTE_FILLER = re.compile(r"\b(?:varav|finansierade|finansierat|finansierad|av|och)\b", re.IGNORECASE)


_FTE_PAIR = re.compile(rf"([a-zåäö]+)\s*:?\s*({grammar.NUMBER})", re.IGNORECASE)


_FTE_EXAMPLE = "årsarbetare 2022: tillsvidare 30 visstid 10 tjänsteköp 9,13 kommunerna 29,48 externt 19,65"


@declare("årsarbetare", "arsarbetare", "fte", role=Role.MANAGER, scope=Scope.ANY_AREA)
def staff_fte(ctx: Context, args: str) -> Reply:
    """Registrera årsarbetare för ett år per anställningsform (tillsvidare, visstid, tjänsteköp) och per finansiär
    (kommunerna, externt); summorna ska stämma.
    Exempel: årsarbetare 2018: tillsvidare 22,5 visstid 17 tjänsteköp 9,6
    Exempel: årsarbetare 2022: kommunerna 29,48 externt 19,65
    """
    head, colon, rest = args.partition(":")
    if not colon:
        head, rest = "", args
    year_match = re.fullmatch(r"\s*(?:år\s+)?(20\d\d)\s*", head) if head.strip() else None
    if head.strip() and year_match is None:
        raise Usage(f"Skriv året före kolon, t.ex. ”{_FTE_EXAMPLE}”.")
    year = int(year_match.group(1)) if year_match else ctx.today.year
    if year > ctx.today.year:
        raise Usage(f"Året {year} har inte börjat än.")
    rest = _FTE_FILLER.sub(" ", rest)
    ftes: dict[EmploymentForm, float] = {}
    financed: dict[str, float] = {}
    for word, amount in _FTE_PAIR.findall(rest):
        form, financer = _FORMS.get(word.casefold()), _FINANCERS.get(word.casefold())
        if form is None and financer is None:
            raise Usage(
                f"”{word}” är varken en anställningsform eller en finansiär. Skriv tillsvidare, visstid eller"
                f" tjänsteköp, och kommunerna eller externt, t.ex. ”{_FTE_EXAMPLE}”."
            )
        if form is not None:
            ftes[form] = float(values.parse_number(amount))
        else:
            financed[financer or ""] = float(values.parse_number(amount))
    leftover = _FTE_PAIR.sub("", rest).strip(" ,;.")
    if leftover or not (ftes or financed):
        raise Usage(f"Skriv anställningsform eller finansiär och antal årsarbetare, t.ex. ”{_FTE_EXAMPLE}”.")
    return accepted(ctx, record.log_staff_fte(ctx.session, origin=ctx.origin, year=year, ftes=ftes, financed=financed))


COMMANDS = (staff_fte,)
FORMS: tuple[forms.FormSpec, ...] = ()
