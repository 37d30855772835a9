"""The chat half of staff: its command(s), whose docstrings are their help and examples, and its form."""

from __future__ import annotations

import re

from kubot.chat import forms, grammar, values
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

_FORMS = {"tillsvidare": EmploymentForm.PERMANENT, "tillsvidareanställda": EmploymentForm.PERMANENT,
          "visstid": EmploymentForm.FIXED_TERM, "visstidsanställda": EmploymentForm.FIXED_TERM,
          "tjänsteköp": EmploymentForm.SECONDED, "tjansteköp": EmploymentForm.SECONDED, "tjanstekop": EmploymentForm.SECONDED}


@declare("årsarbetare", "arsarbetare", "fte", role=Role.MANAGER, scope=Scope.ANY_AREA)
def staff_fte(ctx: Context, args: str) -> Reply:
    """Registrera antalet årsarbetare per anställningsform för ett år (tillsvidare, visstid, tjänsteköp).
    Exempel: årsarbetare 2018: tillsvidare 22,5 visstid 17 tjänsteköp 9,6
    """
    head, colon, rest = args.partition(":")
    if not colon:
        head, rest = "", args
    year_match = re.fullmatch(r"\s*(?:år\s+)?(20\d\d)\s*", head) if head.strip() else None
    if head.strip() and year_match is None:
        raise Usage("Skriv året före kolon, t.ex. ”årsarbetare 2018: tillsvidare 22,5 visstid 17 tjänsteköp 9,6”.")
    year = int(year_match.group(1)) if year_match else ctx.today.year
    if year > ctx.today.year:
        raise Usage(f"Året {year} har inte börjat än.")
    ftes: dict[EmploymentForm, float] = {}
    for word, amount in re.findall(rf"([a-zåäö]+)\s*:?\s*({grammar.NUMBER})", rest, re.IGNORECASE):
        form = _FORMS.get(word.casefold())
        if form is None:
            raise Usage(f"”{word}” är ingen anställningsform. Skriv tillsvidare, visstid eller tjänsteköp.")
        ftes[form] = float(values.parse_number(amount))
    leftover = re.sub(rf"([a-zåäö]+)\s*:?\s*({grammar.NUMBER})", "", rest, flags=re.IGNORECASE).strip(" ,;.")
    if leftover or not ftes:
        raise Usage("Skriv anställningsform och antal årsarbetare, t.ex. ”tillsvidare 22,5 visstid 17 tjänsteköp 9,6”.")
    return accepted(ctx, record.log_staff_fte(ctx.session, origin=ctx.origin, year=year, ftes=ftes))


COMMANDS = (staff_fte,)
FORMS: tuple[forms.FormSpec, ...] = ()
