"""The chat half of uppdrag: the command (its docstring is its help and examples) and its form."""

from __future__ import annotations

import re
from datetime import date

from sqlmodel import Session, col, select

from kubot.chat import forms, grammar
from kubot.chat.registry import AGAIN, Context, Scope, Usage, accepted, declare
from kubot.kinds.commission import record
from kubot.models import Area, Staff
from kubot.models.plan import Role
from kubot.port import Reply

_EXAMPLE = "uppdrag Miljösamverkan 2018-05-14 3 uppdrag 120 deltagare: tillsynsdag"
_NOUNS = {"uppdrag": ("uppdrag",), "deltagare": ("deltagare", "deltagarna", "personer")}
# "3 uppdrag", "5 149 deltagare"; the number must stand alone, so the day of "2018-05-14 120 deltagare" is not read with
# it.
_COUNTED = re.compile(r"(?<![\d/:.,-])(?P<n>[0-9]{1,3}(?:[  ][0-9]{3})+|[0-9]+)\s*(?:st\.?\s*)?"
                      r"(?P<noun>uppdrag|deltagarna|deltagare|personer)(?!\w)", re.IGNORECASE)


def _take(text: str, noun: str, what: str) -> tuple[int | None, str]:
    """The count of `noun`: "3 uppdrag" first (how it is said), else "uppdrag 3" / "uppdrag: 3"."""
    for match in _COUNTED.finditer(text):
        if match["noun"].casefold() in _NOUNS[noun]:
            rest = f"{text[: match.start()]} {text[match.end():]}"
            return grammar.count(match["n"].replace(" ", "").replace(" ", ""), what, minimum=1), " ".join(rest.split())
    return grammar.take_count(text, _NOUNS[noun], what=what, minimum=1)


@declare("uppdrag", "commission", role=Role.STAFF, scope=Scope.ANY_AREA)
def commission(ctx: Context, args: str) -> Reply:
    """Registrera uppdrag som ett område har utfört åt kommunerna: område, datum, antal uppdrag (utan antal: ett) och
    antal deltagare, ev. kommentar efter kolon.
    Exempel: uppdrag Miljösamverkan 2018-05-14 3 uppdrag 120 deltagare: tillsynsdag
    Exempel: uppdrag FoUrum fritid 12 maj 80 deltagare
    Exempel: uppdrag CHANGE igår 2 uppdrag 150 deltagare
    """
    head, comment = grammar.split_comment(args)
    text = grammar.tidy(head)
    again, text = grammar.take_flag(text, *AGAIN)
    participants, text = _take(text, "deltagare", "antal deltagare")
    commissions, text = _take(text, "uppdrag", "antal uppdrag")
    dated = grammar.split_at_date(text, ctx.today)
    if dated is None:
        raise Usage(f"Skriv dagen då uppdraget utfördes, t.ex. 2018-05-14, 14 maj eller i måndags: ”{_EXAMPLE}”.")
    before, held_on, after = dated
    area_text = f"{before} {after}".strip(" ,")
    if not area_text:
        raise Usage(f"Skriv vilket område som utförde uppdraget, före datumet: ”{_EXAMPLE}”.")
    if participants is None:
        raise Usage(f"Skriv hur många som deltog, t.ex. ”120 deltagare”: ”{_EXAMPLE}”.")
    area = ctx.lexicon(held_on.year).area(area_text)
    return accepted(ctx, record.log_commission(
        ctx.session, origin=ctx.origin, area_code=area, held_on=held_on, today=ctx.today, participants=participants,
        commissions=commissions or 1, comment=comment, again=again))


def _form(session: Session, actor: Staff | None, today: date, preset: forms.Values) -> tuple[forms.Field, ...]:
    areas = tuple((a.code, a.name) for a in session.exec(select(Area).order_by(col(Area.name))))
    return (
        forms.Field("area", "Område", forms.Kind.MENU, options=areas, about=("område",)),
        forms.Field(
            "date",
            "Datum",
            forms.Kind.DATE,
            initial=today.isoformat(),
            about=("datum", "dagen", "framtiden", "finns redan"),
        ),
        forms.Field(
            "commissions", "Antal uppdrag", forms.Kind.NUMBER, initial="1", about=("antalet uppdrag", "antal uppdrag")
        ),
        forms.Field("participants", "Antal deltagare", forms.Kind.NUMBER, about=("deltagare", "deltog")),
        forms.Field("comment", "Kommentar (valfritt)", forms.Kind.LONG_TEXT, optional=True, about=("kommentar",)),
    )


def _command(form: forms.Form, values: forms.Values) -> str:
    return forms.with_comment(
        f"uppdrag {forms.text(values, 'area')} {forms.text(values, 'date')} "
        f"{forms.text(values, 'commissions') or 1} uppdrag {forms.text(values, 'participants')} deltagare",
        values,
        "comment",
    )


COMMANDS = (commission,)
FORMS = (forms.FormSpec("uppdrag", "Uppdrag", "Registrera uppdragen", _form, _command),)
