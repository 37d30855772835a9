"""The chat forms (kubot.chat.forms) as Adaptive Cards, and a submitted card read back into their values.

These are plain dictionaries in the Adaptive Card schema (1.5), so building them needs no SDK. A
refusal comes back in the card, beside the field it is about, with everything filled in kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kubot import owed
from kubot.chat.forms import Field, Form, Kind, Problem, Values, asking
from kubot.periods import Period

Card = dict[str, Any]
FORM_KEY = "kubot_form"  # in an action's data: which form was submitted
SHOWN_KEY = "kubot_shown"  # in an action's data: what the menus that redraw the form were when it was drawn
VERB = "kubot.form"  # the Action.Execute verb of every kubot form
OPEN_VERB = "kubot.form.open"  # a button that opens a form, filled in with what kubot knows
OPEN_KEY, PREFILL_KEY = "kubot_open", "kubot_fyll"  # in an open button's data: which form, and what it fills in
MAX_OWED = 40  # items listed with a button; the rest are counted (a card has a size limit)
SCHEMA = {"type": "AdaptiveCard", "$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "version": "1.5"}


def card(form: Form, problem: Problem | None = None) -> Card:
    """The form's card as filled in, with `problem` shown beside its field."""
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": form.title, "weight": "Bolder", "size": "Medium", "wrap": True}
    ]
    for field in form.fields:
        body.append(_element(field))
        if problem and problem.field == field.id:
            body.append(_problem(problem.text))
    if problem and form.find(problem.field or "") is None:
        body.insert(1, _problem(problem.text))
    shown = {f.id: f.initial for f in form.fields if f.redraws}
    return {**SCHEMA, "body": body, "actions": [{"type": "Action.Execute", "title": form.submit, "verb": VERB,
                                                "data": {FORM_KEY: form.kind, SHOWN_KEY: shown}}]}


def done_card(form: Form, text: str) -> Card:
    """What a submitted form turns into: kubot's answer, so the card cannot be sent twice."""
    return {**SCHEMA, "body": [{"type": "TextBlock", "text": form.title, "weight": "Bolder", "wrap": True},
                               {"type": "TextBlock", "text": text, "wrap": True, "color": "Good"}]}


def owed_card(period: Period, items: Sequence[owed.Owed]) -> Card:
    """What is still owed (`kubot.owed`, what `saknas` lists), each item with a button that opens its form."""
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": owed.heading(period, items), "weight": "Bolder", "wrap": True}
    ]
    for item in items[:MAX_OWED]:
        line: list[dict[str, Any]] = [
            {"type": "TextBlock", "text": f"{item.code} – {item.name} ({item.why})", "wrap": True}
        ]
        if item.form:
            line.append(
                {
                    "type": "ActionSet",
                    "actions": [
                        {
                            "type": "Action.Execute",
                            "title": "rapportera",
                            "verb": OPEN_VERB,
                            "data": {OPEN_KEY: item.form[0], PREFILL_KEY: dict(item.form[1])},
                        }
                    ],
                }
            )
        body.append({"type": "Container", "items": line, "separator": True})
    if len(items) > MAX_OWED:
        body.append({"type": "TextBlock", "wrap": True,
                     "text": f"… och {len(items) - MAX_OWED} till. Skriv ”saknas {period.code}” för hela listan."})
    return {**SCHEMA, "body": body}


def values(data: Mapping[str, Any]) -> dict[str, str]:
    """What was entered in a submitted card, by field id (options ticked come comma-separated)."""
    return {
        key: str(value).strip() for key, value in data.items() if key not in (FORM_KEY, SHOWN_KEY) and value is not None
    }


def shown(data: Mapping[str, Any]) -> Values:
    """What the menus that redraw the form were when the card was drawn."""
    found = data.get(SHOWN_KEY)
    found = found if isinstance(found, Mapping) else {}  # a card sent before the forms were shared said less
    return {str(key): str(value or "") for key, value in found.items()}


def redrawn(form: Form, data: Mapping[str, Any]) -> Field | None:
    """The menu that redraws the form, if it was changed since the card was drawn."""
    before = shown(data)
    return next(
        (f for f in form.inputs if f.redraws and str(data.get(f.id) or "") != str(before.get(f.id) or "")), None
    )


def _problem(text: str) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, "color": "Attention", "spacing": "Small"}


def _element(field: Field) -> dict[str, Any]:
    if field.kind == Kind.NOTE:
        return {"type": "TextBlock", "text": field.label, "wrap": True, "isSubtle": True}
    common: dict[str, Any] = {"id": field.id, "label": field.label, "isRequired": not field.optional}
    if not field.optional:
        common["errorMessage"] = asking(field)
    if field.hint:
        common["placeholder"] = field.hint
    initial = ",".join(field.initial) if isinstance(field.initial, tuple) else field.initial
    if initial and (field.kind != Kind.NUMBER or initial.lstrip("-").isdigit()):  # a number's value is a number
        common["value"] = int(initial) if field.kind == Kind.NUMBER else initial
    if field.kind in (Kind.MENU, Kind.CHOICES):
        multi = field.kind == Kind.CHOICES
        return {
            "type": "Input.ChoiceSet",
            **common,
            "isMultiSelect": multi,
            "style": "expanded" if multi else "compact",
            "choices": [{"title": title, "value": value} for value, title in field.options],
        }
    if field.kind == Kind.TOGGLE:
        return {"type": "Input.Toggle", **common, "title": "Ja", "valueOn": "true", "valueOff": "false"}
    if field.kind == Kind.DATE:
        return {"type": "Input.Date", **common}
    if field.kind == Kind.NUMBER:
        return {"type": "Input.Number", **common, "min": 0}
    return {"type": "Input.Text", **common, "isMultiline": field.kind == Kind.LONG_TEXT}
