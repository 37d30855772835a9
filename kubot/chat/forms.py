"""The chat forms, described once for every platform: what each asks, and the command it composes.

A form is for what is clumsy to type. It has no rules of its own: submitting it composes the
command text a person could type, and the chat core decides, so a form and a sentence can never
disagree. A platform adapter draws a `Form` its own way (a Slack modal, a Teams Adaptive Card),
reads what was submitted back into plain `Values` (field id → text, or the options ticked), and
shows a refusal beside the field `refusal` names. Each record kind describes its own forms (`FORMS` in
`kubot/kinds/<kind>/chat.py`); this module holds what they are made of and gathers them (`known`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from functools import cache

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from kubot import access, kinds
from kubot.access import Action, Reportable
from kubot.chat.registry import COMMANDS, EXAMPLES
from kubot.models import Area, Staff
from kubot.models.plan import Role
from kubot.periods import Period
from kubot.plan import queries as plan_queries

Option = tuple[str, str]  # (value, what the person sees)
Values = Mapping[str, str | Sequence[str]]  # field id → what was entered, or the values of the options ticked
PER_MUNICIPALITY = "from-"  # id prefix of the course form's participant counts, one per municipality
OUTSIDE = f"{PER_MUNICIPALITY}externa"  # and the count of those from elsewhere


class Kind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long text"
    NUMBER = "number"  # a whole number, 0 or more
    DATE = "date"
    MENU = "menu"  # one of the options
    CHOICES = "choices"  # any of the options
    TOGGLE = "toggle"  # yes ("true") or no
    NOTE = "note"  # no input: the label is a line of text between the fields


@dataclass(frozen=True)
class Field:
    id: str
    label: str
    kind: Kind
    optional: bool = False
    hint: str = ""  # shown with the field (Slack: under it, Teams: inside it)
    initial: str | tuple[str, ...] = ""  # a tuple for the options ticked at the start
    options: tuple[Option, ...] = ()
    about: tuple[str, ...] = ()  # words in a refusal that mean it is about this field
    # A menu the rest of the form depends on (the network, whose invitees are listed) redraws the form
    # when chosen; this says what to do then.
    redraws: str = ""


@dataclass(frozen=True)
class Form:
    kind: str  # the command the form composes
    title: str  # at most 24 characters (Slack's limit)
    submit: str  # the button, at most 24 characters
    fields: tuple[Field, ...]

    @property
    def inputs(self) -> list[Field]:
        return [f for f in self.fields if f.kind != Kind.NOTE]

    def find(self, field_id: str) -> Field | None:
        return next((f for f in self.fields if f.id == field_id), None)


@dataclass(frozen=True)
class Problem:
    """What to show beside a field (None: above the whole form)."""

    field: str | None
    text: str


def text(values: Values, field_id: str) -> str:
    """What was entered in a field, "" when nothing; options ticked are joined with commas."""
    value = values.get(field_id) or ""
    return (value if isinstance(value, str) else ", ".join(value)).strip()


def ticked(values: Values, field_id: str) -> list[str]:
    """The options ticked in a field (a platform may send them as one comma-separated text)."""
    value = values.get(field_id) or ()
    found = value.split(",") if isinstance(value, str) else value
    return [v.strip() for v in found if v.strip()]


# --- the forms ---------------------------------------------------------------------------------

Build = Callable[[Session, Staff | None, date, Values], tuple[Field, ...]]


@dataclass(frozen=True)
class FormSpec:
    """A form's description: the command it composes (`kind`), its title and button, its fields, and the command
    text."""

    kind: str
    title: str
    submit: str
    build: Build
    command: Callable[[Form, Values], str]
    typed: bool = True  # opened by writing the bare command; else only by a button that fills it in


def plan_id(session: Session, today: date) -> int:
    return plan_queries.plan_id(session, today.year)


def reportable(session: Session, actor: Staff | None, query: SelectOfScalar[Reportable]) -> list[Reportable]:
    """What the form lists is what `actor` may report for: the same rule the command applies."""
    return access.reportable(session, actor, session.exec(query).all()) if actor is not None else []


def may_open(session: Session, actor: Staff, kind: str) -> bool:
    """Whether `actor` may send what form `kind` composes: a form is offered only to those who may."""
    return access.may(session, actor, Action.USE, COMMANDS[kind].role)


def periods(today: date) -> tuple[Option, ...]:
    """The tertial we are in and the five before it, newest first."""
    found = [Period.containing(today)]
    for _ in range(5):
        last = found[-1]
        found.append(Period(last.year, last.tertial - 1) if last.tertial > 1 else Period(last.year - 1, 3))
    return tuple((p.code, p.label) for p in found)


def with_comment(command: str, values: Values, field_id: str) -> str:
    comment = " ".join(text(values, field_id).split())  # one line, as typed in a chat
    return f"{command}: {comment}" if comment else command


def _report(session: Session, actor: Staff | None, today: date, preset: Values) -> tuple[Field, ...]:
    shown = periods(today)
    areas = tuple((a.code, a.name) for a in session.exec(select(Area).order_by(col(Area.name))))
    return (Field("period", "Period", Kind.MENU, options=shown, initial=shown[0][0], about=("period", "tertial")),
            Field("area", "Område (valfritt)", Kind.MENU, optional=True, options=areas,
                  hint="tomt för hela organisationen", about=("område",)),
            Field("dnr", "Diarienummer (valfritt)", Kind.TEXT, optional=True, about=("dnr", "diarienummer")))


def _report_command(form: Form, values: Values) -> str:
    area, dnr = text(values, "area"), text(values, "dnr")
    return f"rapport {text(values, 'period')}" + (f" {area}" if area else "") + (f" dnr {dnr}" if dnr else "")


REPORT = FormSpec("rapport", "Beställ rapportutkast", "Beställ utkastet", _report, _report_command)
USER = "användare"  # the link form's field of the chat user, a mention <@id|name> the button fills in
_NAMED = re.compile(r"^<@[^|>\s]+\|([^>]*)>$")


def _link(session: Session, actor: Staff | None, today: date, preset: Values) -> tuple[Field, ...]:
    """The chat user (by the name the platform gave, never the id) and the person in the plan they are,
    preselected when the plan has someone of that very name."""
    mention = text(preset, USER)
    named = _NAMED.match(mention)
    shown = named.group(1).strip() if named else ""
    people = tuple(
        (name, name) for name in session.exec(select(Staff.name).where(Staff.active).order_by(col(Staff.name)))
    )
    same = next((name for name, _ in people if shown and name.casefold() == shown.casefold()), "")
    return (
        Field(
            USER,
            "Chattanvändaren",
            Kind.MENU,
            options=((mention, shown or "den nämnda användaren"),),
            initial=mention,
            about=("användaren",),
        ),
        Field("person", "Personen i planen", Kind.MENU, options=people, initial=same, about=("person", "heter")),
    )


LINK = FormSpec("koppla", "Koppla användare", "Koppla", _link,
                lambda form, values: f"koppla {text(values, USER)} {text(values, 'person')}", typed=False)


def _absence(session: Session, actor: Staff | None, today: date, preset: Values) -> tuple[Field, ...]:
    days = (Field("first", "Första dagen", Kind.DATE, initial=today.isoformat(), about=("första dagen",)),
            Field("last", "Sista dagen", Kind.DATE, about=("sista dagen", "har redan varit", "längre än")))
    if actor is None or not access.may(session, actor, Action.USE, Role.MANAGER):
        return days
    people = tuple(
        (s.name, s.name) for s in session.exec(select(Staff).where(col(Staff.active)).order_by(col(Staff.name)))
    )
    return (Field("person", "Vem (valfritt)", Kind.MENU, optional=True, options=people, hint="tomt för dig själv",
                  about=("någon annan", "finns ingen", "tillgång")), *days)


def _absence_command(form: Form, values: Values) -> str:
    person = text(values, "person")
    return f"frånvarande {person + ' ' if person else ''}{text(values, 'first')} till {text(values, 'last')}"


ABSENCE = FormSpec("frånvarande", "Frånvaro", "Spara frånvaron", _absence, _absence_command)


@cache
def known() -> dict[str, FormSpec]:
    """Every form by the command it composes: each record kind's (`FORMS` of its chat half), the report's,
    `koppla`'s and the absence's."""
    specs = [spec for kind in kinds.KINDS for spec in kinds.chat_half(kind).FORMS]
    return {spec.kind: spec for spec in (*specs, REPORT, LINK, ABSENCE)}


def typed(command_name: str) -> bool:
    """Whether writing `command_name` alone opens its form (a form only a button fills in does not)."""
    spec = known().get(command_name)
    return spec is not None and spec.typed


def build(session: Session, kind: str, actor: Staff | None, today: date, preset: Values | None = None) -> Form:
    """Form `kind` for `actor` today, filled in with `preset` (what was entered, or what a button fills in)."""
    spec, preset = known()[kind], dict(preset or {})
    filled = tuple(_filled(f, preset) for f in spec.build(session, actor, today, preset))
    return Form(kind, spec.title, spec.submit, filled)


def redraw(session: Session, kind: str, actor: Staff | None, today: date, values: Values, before: Values) -> Form:
    """Form `kind` drawn again after a menu it depends on was changed (`before`: that menu as it was drawn).

    What was filled in is kept. Of the options that now depend on the new choice, those the person had
    unticked stay unticked and those ticked stay ticked; the rest start as the form starts them (the
    network's invitees ticked), and options the new choice does not offer are not shown."""
    was = build(session, kind, actor, today, {**values, **before})
    choices = {f.id for f in was.inputs if f.kind == Kind.CHOICES}
    fresh = build(session, kind, actor, today, {k: v for k, v in values.items() if k not in choices})
    kept = []
    for field in fresh.fields:
        old = was.find(field.id)
        if field.kind == Kind.CHOICES and old is not None and old.kind == Kind.CHOICES:
            on = set(ticked(values, field.id))
            off = {value for value, _ in old.options} - on
            field = replace(field, initial=tuple(value for value, _ in field.options
                                                 if value in on or (value in field.initial and value not in off)))
        kept.append(field)
    return replace(fresh, fields=tuple(kept))


def asking(field: Field) -> str:
    """What a required field left empty says: a menu is chosen from, the rest are filled in."""
    return f"{'Välj' if field.kind == Kind.MENU else 'Fyll i'} {field.label.lower()}."


def _filled(field: Field, preset: Values) -> Field:
    if field.kind == Kind.NOTE or field.id not in preset:
        return field
    if field.kind == Kind.CHOICES:
        return replace(field, initial=tuple(ticked(preset, field.id)))
    return replace(field, initial=text(preset, field.id)) if text(preset, field.id) else field


def command(form: Form, values: Values) -> str:
    """The chat command a submitted form stands for."""
    return known()[form.kind].command(form, values)


def missing(form: Form, values: Values) -> Problem | None:
    """The first field that must be filled in and was left empty."""
    empty = next((f for f in form.inputs if not f.optional and not text(values, f.id)), None)
    return Problem(empty.id, asking(empty)) if empty else None


def refusal(form: Form, values: Values, reply: str) -> Problem:
    """The core's refusal of a submitted form, beside the field it is about: the field whose word it uses
    (the longest such word, so "det externa priset" is not about the price), else the field whose entry it
    quotes. The examples the core adds for typing are left out: the form's fields show the way instead."""
    problem = reply.split(EXAMPLES)[0].strip()
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])", problem)
    kept = [sentence for sentence in sentences if not _TYPING.search(sentence)]
    if len(kept) < len(sentences) and kept:
        problem = " ".join(kept)  # how to type a message is no help in a form
    said = problem.casefold()
    told = re.sub(r"”[^”]*”", "", said)  # a quoted example ("t.ex. ”aktivitet …”") is not what it is about
    worded = [(len(word), f.id) for f in form.inputs for word in f.about
              if re.search(rf"(?<!\w){re.escape(word.casefold())}", told)]  # "kommun", not in "primärkommunalt"
    field = max(worded, key=lambda found: found[0])[1] if worded else next(
        (f.id for f in form.inputs if (entered := text(values, f.id)) and entered.casefold() in said), None)
    if problem != reply.split(EXAMPLES)[0].strip() and (named := form.find(field or "")) is not None:
        problem += f" Är det en ny registrering, ändra ”{named.label}”."
    return Problem(field, problem)


# Sentences of a refusal that tell how to type a message ("lägg till ordet ”ytterligare” sist i meddelandet").
_TYPING = re.compile(r"lägg till ordet|i meddelandet|sist i|skriv ”rätta|följt av hela meddelandet", re.IGNORECASE)
