"""The chat forms (kubot.chat.forms) as Slack modals, and a submitted modal read back into their values."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from kubot.chat.forms import Field, Form, Kind, Problem
from kubot.slack.gate import Malformed
from kubot.slack.render import Block, plain

CALLBACK = "kubot-formular"  # callback_id of every form; private_metadata says which one
REDRAW = "kubot-formular-rita-om"  # action_id of a menu whose choice redraws the form (the network's invitees)
CHECKBOX_LIMIT = 10  # options in one checkbox group: longer lists take several blocks
GROUP = ":"  # block id of the n-th checkbox group of a field: "<field id>:<n>"
MENU_LIMIT = 100  # options in one menu
State = Mapping[str, Mapping[str, Any]]  # view.state.values: block id → action id → element state


def view(form: Form, conversation: str = "") -> dict[str, Any]:
    """The modal for `form`; `conversation` is where its answer goes."""
    metadata = json.dumps({"form": form.kind, "kanal": conversation})
    return {
        "type": "modal",
        "callback_id": CALLBACK,
        "private_metadata": metadata,
        "title": plain(form.title),
        "submit": plain(form.submit),
        "close": plain("Avbryt"),
        "blocks": [b for f in form.fields for b in _blocks(f)],
    }


def metadata(view_payload: Mapping[str, Any]) -> tuple[str, str]:
    """The form kind and the conversation a submitted or updated view belongs to."""
    try:
        data = json.loads(view_payload.get("private_metadata") or "{}")
        return str(data.get("form", "")), str(data.get("kanal", ""))
    except (ValueError, AttributeError) as error:  # not JSON, or JSON but not an object
        raise Malformed("view.private_metadata not a JSON object") from error


def drawn(view_payload: Mapping[str, Any]) -> dict[str, str]:
    """What the menus that redraw the form were when the view was drawn (before the person changed one)."""
    found = {}
    for block in view_payload.get("blocks") or []:
        if isinstance(block, Mapping) and block.get("dispatch_action"):
            chosen = (block.get("element") or {}).get("initial_option") or {}
            found[str(block.get("block_id", ""))] = str(chosen.get("value", ""))
    return found


def values(state: State) -> dict[str, str | list[str]]:
    """What was entered in a submitted modal, by field id."""
    found: dict[str, str | list[str]] = {}
    for block_id, actions in sorted(state.items()):
        field_id = block_id.partition(GROUP)[0]
        for element in actions.values():
            if "selected_options" in element:
                earlier = found.get(field_id)
                found[field_id] = [*(earlier if isinstance(earlier, list) else []),
                                   *(o["value"] for o in element["selected_options"] or [])]
            elif element.get("selected_option"):
                found[field_id] = str(element["selected_option"]["value"])
            else:
                found[field_id] = str(element.get("selected_date") or element.get("value") or "").strip()
    return found


def errors(form: Form, problem: Problem) -> dict[str, str]:
    """A view_submission's errors: the problem under its field's block (the first field's when it has none)."""
    field = form.find(problem.field or "") or form.inputs[0]
    return {f"{field.id}{GROUP}0" if field.kind == Kind.CHOICES else field.id: problem.text}


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text[:75]), "value": value}


def _blocks(field: Field) -> list[Block]:
    if field.kind == Kind.NOTE:
        return [{"type": "context", "elements": [plain(field.label)]}]
    if field.kind != Kind.CHOICES:
        return [_input(field, field.id, field.label, _element(field))]
    blocks = []
    for start in range(0, len(field.options), CHECKBOX_LIMIT):
        group = [_option(t, v) for v, t in field.options[start:start + CHECKBOX_LIMIT]]
        element: dict[str, Any] = {"type": "checkboxes", "options": group}
        if ticked := [o for o in group if o["value"] in field.initial]:
            element["initial_options"] = ticked
        blocks.append(_input(field, f"{field.id}{GROUP}{start // CHECKBOX_LIMIT}",
                             field.label if start == 0 else f"{field.label}, forts.", element))
    return blocks


def _input(field: Field, block_id: str, label: str, element: dict[str, Any]) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": {"action_id": block_id, **element},
        "optional": field.optional,
    }
    if field.hint:
        block["hint"] = plain(field.hint)
    if field.redraws:
        block["dispatch_action"] = True
    return block


def _element(field: Field) -> dict[str, Any]:
    initial = field.initial if isinstance(field.initial, str) else ""
    if field.kind == Kind.DATE:
        return {"type": "datepicker", **({"initial_date": initial} if initial else {})}
    if field.kind == Kind.NUMBER:
        return {"type": "number_input", "is_decimal_allowed": False, "min_value": "0",
                **({"initial_value": initial} if initial.isdigit() else {})}
    if field.kind == Kind.TOGGLE:
        yes = _option("Ja", "true")
        return {"type": "checkboxes", "options": [yes], **({"initial_options": [yes]} if initial == "true" else {})}
    if field.kind == Kind.MENU:
        options = [_option(t, v) for v, t in field.options[:MENU_LIMIT]]
        element: dict[str, Any] = {"type": "static_select", "options": options}
        if chosen := next((o for o in options if o["value"] == initial), None):
            element["initial_option"] = chosen
        return {**element, "action_id": REDRAW} if field.redraws else element
    element = {"type": "plain_text_input", "multiline": field.kind == Kind.LONG_TEXT}
    return {**element, "initial_value": initial} if initial else element
