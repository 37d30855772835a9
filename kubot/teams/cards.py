"""Teams forms as Adaptive Cards: what each form asks, and the chat command it composes.

A form has no business logic of its own: submitting it composes the same command text a
person could type, and the chat core decides. A rejection is shown in the card beside the
field it is about, with everything the person filled in kept. These are plain dictionaries
in the Adaptive Card schema (1.5), so building them needs no SDK.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from kubot import records
from kubot.models import Activity, Area, Indicator, Network, Staff
from kubot.models.plan import Role, Source
from kubot.models.records import ActivityState
from kubot.periods import Period
from kubot.planfile import version_for_year

Card = dict[str, Any]
Choice = tuple[str, str]  # (value, what the person sees)
FORM_KEY = "kubot_form"  # in an action's data: which form was submitted
SHOWN_KEY = "kubot_shown"  # in an action's data: the network whose invitees the card lists
VERB = "kubot.form"  # the Action.Execute verb of every kubot form


@dataclass(frozen=True)
class Input:
    id: str
    label: str
    kind: str  # text, multiline, number, date, choice, choices (multi-select), toggle
    required: bool = False
    placeholder: str = ""
    # Words in a rejection that mean it is about this input; the message is shown beside it.
    about: tuple[str, ...] = ()


@dataclass(frozen=True)
class Form:
    name: str
    title: str
    submit: str
    inputs: tuple[Input, ...]


FORMS: dict[str, Form] = {f.name: f for f in (
    Form("närvaro", "Närvaro vid nätverksmöte", "Registrera närvaron", (
        Input("network", "Nätverk", "choice", required=True, about=("nätverk",)),
        Input("date", "Mötets datum", "date", required=True, about=("datum", "framtiden", "dag")),
        Input("present", "Kommuner som var där", "choices", about=("kommun", "inbjudna", "av ")),
        Input("women", "Kvinnor (valfritt)", "number", about=("kvinnor",)),
        Input("men", "Män (valfritt)", "number", about=("män",)),
    )),
    Form("resultat", "Resultat för mitt mätetal", "Rapportera resultatet", (
        Input("indicator", "Mätetal", "choice", required=True, about=("mätetal",)),
        Input("value", "Resultat", "text", required=True, placeholder="t.ex. 79 %", about=("värde", "tal", "procent", "resultat")),
        Input("period", "Period", "choice", required=True, about=("period", "tertial")),
        Input("analysis", "Analys (valfritt)", "multiline", about=("analys",)),
    )),
    Form("aktivitet", "Aktivitetens status", "Spara statusen", (
        Input("activity", "Aktivitet", "choice", required=True, about=("aktivitet",)),
        Input("state", "Status", "choice", required=True, about=("status",)),
        Input("comment", "Kommentar (valfritt)", "multiline"),
    )),
    Form("kurs", "Kurs", "Registrera kursen", (
        Input("name", "Kursens namn", "text", required=True, about=("namn", "kurs")),
        Input("date", "Datum", "date", required=True, about=("datum", "framtiden")),
        Input("participants", "Antal deltagare", "number", required=True, about=("deltagare",)),
        Input("digital", "Digital kurs", "toggle"),
        Input("price", "Pris per deltagare, kr (valfritt)", "text", about=("pris",)),
        Input("external", "Externt pris, kr (valfritt)", "text", about=("extern",)),
    )),
    Form("rapport", "Beställ rapportutkast", "Beställ utkastet", (
        Input("period", "Period", "choice", required=True, about=("period", "tertial")),
        Input("area", "Område (valfritt)", "choice", about=("område",)),
        Input("dnr", "Diarienummer (valfritt)", "text", about=("dnr", "diarienummer")),
    )),
)}


@dataclass(frozen=True)
class Options:
    """What the choices of a form offer, and what is filled in before the person starts."""

    choices: Mapping[str, Sequence[Choice]] = field(default_factory=dict)
    values: Mapping[str, str] = field(default_factory=dict)


def compose(form: str, values: Mapping[str, Any]) -> str:
    """The chat command a submitted form stands for."""
    v = {k: str(values.get(k) or "").strip() for k in (i.id for i in FORMS[form].inputs)}
    if form == "närvaro":
        present = [p.strip() for p in v["present"].split(",") if p.strip()]
        text = f"närvaro {v['network']} {v['date']} {', '.join(present) if present else '0'}"
        return text + (f" kvinnor {v['women']}" if v["women"] else "") + (f" män {v['men']}" if v["men"] else "")
    if form == "resultat":
        return f"resultat {v['indicator']} {v['value']} {v['period']}" + (f": {v['analysis']}" if v["analysis"] else "")
    if form == "aktivitet":
        return f"aktivitet {v['activity']} {v['state']}" + (f": {v['comment']}" if v["comment"] else "")
    if form == "kurs":
        text = f"kurs {v['name']} {v['date']} {v['participants']} deltagare"
        return text + (" digital" if v["digital"] == "true" else "") + (f" pris {v['price']}" if v["price"] else "") \
            + (f" extern {v['external']}" if v["external"] else "")
    if form == "rapport":
        return f"rapport {v['period']}" + (f" {v['area']}" if v["area"] else "") + (f" dnr {v['dnr']}" if v["dnr"] else "")
    raise KeyError(form)


def missing(form: str, values: Mapping[str, Any]) -> Input | None:
    """The first required input left empty."""
    return next((i for i in FORMS[form].inputs if i.required and not str(values.get(i.id) or "").strip()), None)


def beside(form: str, problem: str) -> str | None:
    """The input a rejection is about, by the words it uses; None for the form as a whole."""
    lowered = problem.splitlines()[0].casefold() if problem else ""
    return next((i.id for i in FORMS[form].inputs if any(word in lowered for word in i.about)), None)


def form_card(form: str, options: Options, values: Mapping[str, Any] | None = None,
              problem: str | None = None, about: str | None = None) -> Card:
    """The form's card, filled in with `values` (or the presets), a problem shown beside input `about`."""
    spec = FORMS[form]
    filled = {**options.values, **{k: v for k, v in (values or {}).items() if v not in (None, "")}}
    body: list[dict[str, Any]] = [{"type": "TextBlock", "text": spec.title, "weight": "Bolder", "size": "Medium", "wrap": True}]
    placed = False
    for item in spec.inputs:
        body.append(_input(item, options.choices.get(item.id, ()), filled.get(item.id)))
        if problem and about == item.id:
            body.append(_problem(problem))
            placed = True
    if problem and not placed:
        body.insert(1, _problem(problem))
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "body": body,
        "actions": [{"type": "Action.Execute", "title": spec.submit, "verb": VERB,
                     "data": {FORM_KEY: form, **({SHOWN_KEY: filled["network"]} if "network" in filled else {})}}],
    }


def done_card(form: str, text: str) -> Card:
    """What a submitted form turns into: kubot's answer, so the card cannot be sent twice."""
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "body": [{"type": "TextBlock", "text": FORMS[form].title, "weight": "Bolder", "wrap": True},
                 {"type": "TextBlock", "text": text, "wrap": True, "color": "Good"}],
    }


def _problem(text: str) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, "color": "Attention", "spacing": "Small"}


def _input(item: Input, choices: Sequence[Choice], value: Any) -> dict[str, Any]:
    common: dict[str, Any] = {"id": item.id, "label": item.label, "isRequired": item.required}
    if item.required:
        common["errorMessage"] = f"Fyll i {item.label.lower()}."
    if value not in (None, ""):
        common["value"] = str(value)
    if item.kind in ("choice", "choices"):
        multi = item.kind == "choices"
        return {"type": "Input.ChoiceSet", **common, "isMultiSelect": multi, "style": "expanded" if multi else "compact",
                "choices": [{"title": title, "value": value} for value, title in choices]}
    if item.kind == "toggle":
        return {"type": "Input.Toggle", **common, "title": item.label, "valueOn": "true", "valueOff": "false"}
    if item.kind == "date":
        return {"type": "Input.Date", **common}
    if item.kind == "number":
        return {"type": "Input.Number", **common, "min": 0}
    return {"type": "Input.Text", **common, "isMultiline": item.kind == "multiline", "placeholder": item.placeholder}


# --- what the forms offer, from the plan ---------------------------------------------------------

def options(session: Session, form: str, actor: Staff, today: date, preset: Mapping[str, str] | None = None) -> Options:
    """The choices and presets of `form` for `actor` today; `preset` fills in inputs (e.g. the network)."""
    preset = dict(preset or {})
    periods = _recent_periods(today)
    if form == "närvaro":
        networks = list(session.exec(select(Network).order_by(col(Network.name))))
        chosen = next((n for n in networks if n.code == preset.get("network")), networks[0] if networks else None)
        guests = [(m.name, m.name) for m in records.invited(session, chosen)] if chosen else []
        values = {"date": today.isoformat(), "present": ",".join(name for name, _ in guests), **preset}
        if chosen:
            values["network"] = chosen.code
        return Options({"network": [(n.code, n.name) for n in networks], "present": guests}, values)
    plan = version_for_year(session, today.year)
    plan_id = plan.id if plan else -1
    if form == "resultat":
        query = select(Indicator).where(Indicator.plan_id == plan_id, Indicator.source == Source.TYPED)
        if Role(actor.role) == Role.STAFF:
            query = query.where(Indicator.responsible_id == actor.id)
        indicators = [(i.code, i.name) for i in session.exec(query.order_by(col(Indicator.position)))]
        return Options({"indicator": indicators, "period": periods},
                       {"period": periods[0][0], **({"indicator": indicators[0][0]} if len(indicators) == 1 else {}), **preset})
    if form == "aktivitet":
        mine = select(Activity).where(Activity.plan_id == plan_id)
        if Role(actor.role) == Role.STAFF:
            mine = mine.where(Activity.responsible_id == actor.id)
        activities = [(a.code, a.name) for a in session.exec(mine.order_by(col(Activity.position)))]
        return Options({"activity": activities, "state": [(s.value, s.value) for s in ActivityState]}, dict(preset))
    if form == "kurs":
        return Options({}, {"date": today.isoformat(), **preset})
    if form == "rapport":
        areas = [(a.name, a.name) for a in session.exec(select(Area).order_by(col(Area.name)))]
        return Options({"period": periods, "area": areas}, {"period": periods[0][0], **preset})
    raise KeyError(form)


def _recent_periods(today: date) -> list[Choice]:
    """The tertial we are in and the five before it, newest first."""
    current = Period.containing(today)
    found, year, tertial = [], current.year, current.tertial
    for _ in range(6):
        found.append(Period(year, tertial).code)
        year, tertial = (year, tertial - 1) if tertial > 1 else (year - 1, 3)
    return [(code, code) for code in found]
