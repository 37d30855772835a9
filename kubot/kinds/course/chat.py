"""The chat half of course: its command(s), whose docstrings are their help and examples, and its form."""

from __future__ import annotations

import re
from datetime import date

from sqlmodel import Session, col, select

from kubot import values
from kubot.chat import forms, grammar
from kubot.chat.registry import (
    AGAIN,
    Context,
    Scope,
    Usage,
    accepted,
    declare,
    leftover,
)
from kubot.kinds.course import record
from kubot.models import Municipality, Staff
from kubot.models.plan import Role
from kubot.port import Reply


@declare("kurs", "course", comment=True, role=Role.STAFF, scope=Scope.ANY_AREA)
def course(ctx: Context, args: str) -> Reply:
    """Registrera en kurs: namn, datum, antal deltagare eller deltagare per kommun (och externa), ev. digital, pris
    per deltagare och externt pris.
    Exempel: kurs Motiverande samtal 2022-04-05 20 deltagare pris 4 500 extern 7 500
    Exempel: kurs GDPR 12 maj 30 deltagare digital pris 1 840 extern 4 999
    Exempel: kurs Arkivering 2022-05-05 Aneby 3, Eksjö 2, externa 4
    """
    text = grammar.tidy(args)
    again, text = grammar.take_flag(text, *AGAIN)
    dated = grammar.split_at_date(text, ctx.today)
    if dated is None:
        raise Usage("Skriv kursdagens datum, t.ex. 2022-05-12, 12 maj eller i måndags.")
    name, held_on, rest = dated
    participants, rest = grammar.take_count(rest, ("deltagare", "deltagarna"), what="antal deltagare", minimum=1)
    if participants is None:
        participants, name = grammar.take_count(name, ("deltagare", "deltagarna"), what="antal deltagare", minimum=1)
    if not name.strip():
        raise Usage("Skriv kursens namn före datumet.")
    digital, rest = grammar.take_flag(rest, "digital", "digitalt", "distans")
    outside, rest = grammar.take_count(rest, ("externa", "övriga", "utanför länet"), what="antal externa deltagare")
    external, rest = grammar.take_amount(rest, "externt pris", "extern", "externt", what="det externa priset")
    price, rest = grammar.take_amount(rest, "pris", what="priset")
    by_municipality = _participants_by_municipality(ctx, rest, held_on.year)
    if participants is None and not by_municipality and outside is None:
        raise Usage(
            "Skriv antalet deltagare, t.ex. ”20 deltagare”, eller deltagare per kommun, t.ex. ”Aneby 3, Eksjö 2,"
            " externa 4”."
        )
    return accepted(ctx, record.log_course(
        ctx.session, origin=ctx.origin, name=name.strip(), held_on=held_on, today=ctx.today, participants=participants,
        by_municipality=by_municipality, outside=outside or 0, digital=digital,
        price=float(price) if price is not None else None,
        external_price=float(external) if external is not None else None, again=again,
    ))


# "Eksjö 2", "Aneby: 3"; a sign is read with the count so that "Aneby -3" is refused, not taken as 3.
_MUNICIPALITY_COUNT = re.compile(r"([^\d,;+−-]+?)\s*:?\s*([+−-]?\d+)(?=\s*(?:[,;]|och\s|$))")


def _participants_by_municipality(ctx: Context, text: str, year: int) -> dict[str, int]:
    """ "Aneby 3, Eksjö 2" → {"aneby": 3, "eksjo": 2}; anything else left over is refused."""
    pairs = _MUNICIPALITY_COUNT.findall(text)
    leftover(_MUNICIPALITY_COUNT.sub("", text).replace("och", ""))
    names = ctx.lexicon(year).municipalities
    municipalities = {code: (name,) for code, name in names.items()}
    counts: dict[str, int] = {}
    for name, count in pairs:
        code = values.match_name(name.strip().removeprefix("och ").strip(), municipalities, kind="kommun")
        counts[code] = counts.get(code, 0) + grammar.count(count, f"antal deltagare från {names[code]}")
    return counts



def _course(session: Session, actor: Staff | None, today: date, preset: forms.Values) -> tuple[forms.Field, ...]:
    places = session.exec(select(Municipality).order_by(col(Municipality.name))).all()
    return (
        forms.Field("name", "Kursens namn", forms.Kind.TEXT, about=("namn", "kursen")),
        forms.Field(
            "date", "Datum", forms.Kind.DATE, initial=today.isoformat(), about=("datum", "framtiden", "finns redan")
        ),
        forms.Field(
            "participants",
            "Antal deltagare",
            forms.Kind.NUMBER,
            optional=True,
            hint="eller per kommun längre ned",
            about=("antalet deltagare", "totalt"),
        ),
        forms.Field("digital", "Digital kurs", forms.Kind.TOGGLE, optional=True),
        forms.Field("price", "Pris per deltagare, kr (valfritt)", forms.Kind.TEXT, optional=True, about=("priset",)),
        forms.Field(
            "external",
            "Externt pris per deltagare, kr (valfritt)",
            forms.Kind.TEXT,
            optional=True,
            about=("externa priset",),
        ),
        forms.Field(
            "per-municipality",
            "Deltagare per kommun (valfritt): fyll i dem som var med, så räknas antalet ut.",
            forms.Kind.NOTE,
        ),
        *(
            forms.Field(
                f"{forms.PER_MUNICIPALITY}{m.code}", m.name, forms.Kind.NUMBER, optional=True, about=(f"från {m.name}",)
            )
            for m in places
        ),
        forms.Field(
            forms.OUTSIDE,
            "Externa",
            forms.Kind.NUMBER,
            optional=True,
            hint="deltagare från andra än dessa",
            about=("externa deltagare",),
        ),
    )


def _course_command(form: forms.Form, values: forms.Values) -> str:
    # The counts read "Aneby 3, Eksjö 2, externa 4", like a typed message (a municipality's field is labelled with its
    # name).
    counts = ", ".join(f"{'externa' if f.id == forms.OUTSIDE else f.label} {count}" for f in form.inputs
                       if f.id.startswith(forms.PER_MUNICIPALITY) and (count := forms.text(values, f.id)))
    total = forms.text(values, "participants")
    parts = ["kurs", forms.text(values, "name"), forms.text(values, "date"), f"{total} deltagare" if total else "",
             "digital" if forms.text(values, "digital") == "true" else "", counts,
             *(f"{word} {amount}" for word, field_id in (("pris", "price"), ("extern", "external"))
               if (amount := forms.text(values, field_id)))]
    return " ".join(part for part in parts if part)


COMMANDS = (course,)
FORMS = (forms.FormSpec("kurs", "Kurs", "Registrera kursen", _course, _course_command),)
