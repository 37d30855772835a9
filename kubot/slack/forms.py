"""Forms (Slack modals) for what is clumsy to type: each composes the command text the chat
language accepts, and the core handles it like a typed message. A form has no rules of its own,
so a form and a sentence can never disagree; a rejection is shown next to the field it concerns.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from kubot import records
from kubot.models import Activity, Area, Indicator, Network, Staff
from kubot.models.plan import Source
from kubot.periods import Period
from kubot.planfile import version_for_year
from kubot.slack.render import Block, plain

CALLBACK = "kubot-formular"  # callback_id of every form; private_metadata says which one
NETWORK_CHOSEN = "kubot-natverk-valt"  # action_id of the attendance form's network menu
CHECKBOX_LIMIT = 10  # options in one checkbox group
MENU_LIMIT = 100  # options in one menu
Values = Mapping[str, Mapping[str, Any]]  # view.state.values: block id → action id → element state


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text[:75]), "value": value}


def _input(block_id: str, label: str, element: dict[str, Any], optional: bool = False, hint: str = "") -> Block:
    block = {"type": "input", "block_id": block_id, "label": plain(label), "element": {"action_id": block_id, **element},
             "optional": optional}
    return {**block, "hint": plain(hint)} if hint else block


def _text(block_id: str, label: str, optional: bool = False, multiline: bool = False, hint: str = "", initial: str = "") -> Block:
    element: dict[str, Any] = {"type": "plain_text_input", "multiline": multiline}
    if initial:
        element["initial_value"] = initial
    return _input(block_id, label, element, optional, hint)


def _menu(block_id: str, label: str, options: list[tuple[str, str]], initial: str | None = None,
          dispatch: bool = False) -> Block:
    element: dict[str, Any] = {"type": "static_select", "options": [_option(t, v) for t, v in options[:MENU_LIMIT]]}
    if dispatch:
        element["action_id"] = NETWORK_CHOSEN
    chosen = next((o for o in element["options"] if o["value"] == initial), None)
    if chosen:
        element["initial_option"] = chosen
    block = _input(block_id, label, element)
    return {**block, "dispatch_action": True} if dispatch else block


def _date(block_id: str, label: str, today: date) -> Block:
    return _input(block_id, label, {"type": "datepicker", "initial_date": today.isoformat()})


def _periods(today: date) -> list[tuple[str, str]]:
    current = Period.containing(today)
    periods = [current]
    for _ in range(5):
        last = periods[-1]
        periods.append(Period(last.year, last.tertial - 1) if last.tertial > 1 else Period(last.year - 1, 3))
    return [(p.label, p.code) for p in periods]


def value(values: Values, block_id: str) -> str:
    """What was entered or chosen in a block, as text ("" when nothing)."""
    state: Mapping[str, Any] = next(iter(values.get(block_id, {}).values()), {})
    if state.get("selected_option"):
        return str(state["selected_option"]["value"])
    if state.get("selected_date"):
        return str(state["selected_date"])
    return str(state.get("value") or "").strip()


def chosen(values: Values, prefix: str) -> list[str]:
    """The values ticked in the checkbox groups whose block ids start with `prefix`."""
    return [option["value"] for block_id, actions in sorted(values.items()) if block_id.startswith(prefix)
            for state in actions.values() for option in state.get("selected_options", [])]


@dataclass(frozen=True)
class Form:
    """One form: its title, how its blocks are built, and how a submission becomes a command."""

    kind: str
    title: str
    build: Callable[[Session, Staff, date, Mapping[str, str]], list[Block]]
    compose: Callable[[Session, Values], str]


# --- attendance ------------------------------------------------------------------------------------

def _attendance_blocks(session: Session, actor: Staff, today: date, prefill: Mapping[str, str]) -> list[Block]:
    networks = session.exec(select(Network).order_by(col(Network.name))).all()
    code = prefill.get("natverk")
    blocks = [_menu("natverk", "Nätverk", [(n.name, n.code) for n in networks], initial=code, dispatch=True),
              _date("datum", "Mötesdatum", today)]
    network = next((n for n in networks if n.code == code), None)
    if network is None:
        blocks.append({"type": "context", "elements": [plain("Välj nätverk, så visas kommunerna som är inbjudna.")]})
    else:
        guests = records.invited(session, network)
        for start in range(0, len(guests), CHECKBOX_LIMIT):
            group = [_option(m.name, m.name) for m in guests[start:start + CHECKBOX_LIMIT]]
            label = "Närvarande" if start == 0 else "Närvarande, forts."
            blocks.append(_input(f"kommuner-{start // CHECKBOX_LIMIT}", label,
                                 {"type": "checkboxes", "options": group, "initial_options": group}, optional=True))
    blocks += [_input("kvinnor", "Kvinnor (valfritt)", {"type": "number_input", "is_decimal_allowed": False, "min_value": "0"},
                      optional=True),
               _input("man", "Män (valfritt)", {"type": "number_input", "is_decimal_allowed": False, "min_value": "0"},
                      optional=True)]
    return blocks


def _attendance_command(session: Session, values: Values) -> str:
    code = value(values, "natverk")
    present = chosen(values, "kommuner-")
    invited = len(records.invited(session, records.network(session, code)))
    who = "alla" if len(present) == invited else (", ".join(present) if present else f"0 av {invited}")
    extra = "".join(f" {word} {number}" for word, block in (("kvinnor", "kvinnor"), ("män", "man"))
                    if (number := value(values, block)))
    return f"närvaro {code} {value(values, 'datum')} {who}{extra}"


# --- result, activity, course, report --------------------------------------------------------------

def _plan_id(session: Session, today: date) -> int:
    version = version_for_year(session, today.year)
    return version.id if version and version.id is not None else -1


def _result_blocks(session: Session, actor: Staff, today: date, prefill: Mapping[str, str]) -> list[Block]:
    query = select(Indicator).where(Indicator.plan_id == _plan_id(session, today), Indicator.source == Source.TYPED)
    mine = [i for i in session.exec(query.order_by(col(Indicator.code))) if i.responsible_id == actor.id]
    every = mine or list(session.exec(query.order_by(col(Indicator.code))))
    return [_menu("matetal", "Mätetal", [(f"{i.code} – {i.name}", i.code) for i in every], initial=prefill.get("matetal")),
            _text("varde", "Resultat", hint="t.ex. 79 %, 3 eller ja"),
            _menu("period", "Period", _periods(today), initial=prefill.get("period")),
            _text("analys", "Analys (valfritt)", optional=True, multiline=True)]


def _result_command(session: Session, values: Values) -> str:
    analysis = value(values, "analys").replace("\n", " ")
    return f"resultat {value(values, 'matetal')} {value(values, 'varde')} {value(values, 'period')}" + (f": {analysis}" if analysis else "")


STATES = ["pågår enligt plan", "ej påbörjad", "pågår med problem", "pågår med allvarligt problem", "avbruten", "klar"]


def _activity_blocks(session: Session, actor: Staff, today: date, prefill: Mapping[str, str]) -> list[Block]:
    query = select(Activity).where(Activity.plan_id == _plan_id(session, today)).order_by(col(Activity.code))
    mine = [a for a in session.exec(query) if a.responsible_id == actor.id] or list(session.exec(query))
    return [_menu("aktivitet", "Aktivitet", [(f"{a.code} – {a.name}", a.code) for a in mine], initial=prefill.get("aktivitet")),
            _menu("status", "Status", [(s, s) for s in STATES]),
            _text("kommentar", "Kommentar (valfritt)", optional=True, multiline=True)]


def _activity_command(session: Session, values: Values) -> str:
    comment = value(values, "kommentar").replace("\n", " ")
    return f"aktivitet {value(values, 'aktivitet')} {value(values, 'status')}" + (f": {comment}" if comment else "")


def _course_blocks(session: Session, actor: Staff, today: date, prefill: Mapping[str, str]) -> list[Block]:
    return [_text("namn", "Kursens namn"), _date("datum", "Datum", today), _text("deltagare", "Antal deltagare"),
            _input("digital", "Form", {"type": "checkboxes", "options": [_option("Digital kurs", "digital")]}, optional=True),
            _text("pris", "Pris per deltagare, kr (valfritt)", optional=True),
            _text("extern", "Externt pris per deltagare, kr (valfritt)", optional=True)]


def _course_command(session: Session, values: Values) -> str:
    parts = [f"kurs {value(values, 'namn')} {value(values, 'datum')} {value(values, 'deltagare')} deltagare"]
    if chosen(values, "digital"):
        parts.append("digital")
    parts += [f"{word} {amount}" for word in ("pris", "extern") if (amount := value(values, word))]
    return " ".join(parts)


def _report_blocks(session: Session, actor: Staff, today: date, prefill: Mapping[str, str]) -> list[Block]:
    areas = [("Hela organisationen", "-")] + [(a.name, a.code) for a in session.exec(select(Area).order_by(col(Area.name)))]
    return [_menu("period", "Period", _periods(today), initial=prefill.get("period")),
            _menu("omrade", "Område", areas, initial="-"),
            _text("dnr", "Diarienummer (valfritt)", optional=True)]


def _report_command(session: Session, values: Values) -> str:
    area = value(values, "omrade")
    dnr = value(values, "dnr")
    return f"rapport {value(values, 'period')}" + (f" {area}" if area != "-" else "") + (f" dnr {dnr}" if dnr else "")


FORMS = {form.kind: form for form in (
    Form("närvaro", "Närvaro", _attendance_blocks, _attendance_command),
    Form("resultat", "Resultat", _result_blocks, _result_command),
    Form("aktivitet", "Aktivitetsstatus", _activity_blocks, _activity_command),
    Form("kurs", "Kurs", _course_blocks, _course_command),
    Form("rapport", "Beställ rapport", _report_blocks, _report_command),
)}


def view(session: Session, actor: Staff, kind: str, today: date, conversation: str = "",
         prefill: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The modal for form `kind`; `conversation` is where its answer goes."""
    form = FORMS[kind]
    metadata = json.dumps({"form": kind, "kanal": conversation})
    return {"type": "modal", "callback_id": CALLBACK, "private_metadata": metadata, "title": plain(form.title),
            "submit": plain("Skicka"), "close": plain("Avbryt"), "blocks": form.build(session, actor, today, prefill or {})}


def metadata(view_payload: Mapping[str, Any]) -> tuple[str, str]:
    """The form kind and the conversation a submitted or updated view belongs to."""
    data = json.loads(view_payload.get("private_metadata") or "{}")
    return data.get("form", ""), data.get("kanal", "")


def field_for(values: Values, order: list[str], problem: str) -> str:
    """The block a rejection is about: the field whose entry the message quotes, else the first field."""
    problem = problem.split("\nSå här kan det se ut")[0]  # the examples quote other values
    entered = [(block_id, value(values, block_id)) for block_id in order if block_id in values]
    quoted = [block_id for block_id, text in entered if text and text.casefold() in problem.casefold()]
    return (quoted or [block_id for block_id, _ in entered] or [""])[0]

