"""The App Home tab: what I still owe this tertial (a button per item opens its form), my latest
entries (with undo), and for managers and administrators the organisation at a glance."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from kubot import access, owed
from kubot import formatting as fmt
from kubot.access import Action
from kubot.chat import forms as chat_forms
from kubot.models import Entry, Goal, Staff, StrategicGoal
from kubot.periods import Period
from kubot.plan import queries as plan_queries
from kubot.slack.render import OPEN_FORM, Block, button, form_button, plain
from kubot.verdicts import STATUS_SYMBOLS, IndicatorVerdict, Snapshot, Status

UNDO = "kubot-kommando-angra"  # an undo button sends "ångra N" like any command button
LATEST = 5
MAX_BLOCKS = 100  # Slack's limit per view
MAX_ITEMS = 40  # owed items listed with a button; the rest are counted, so the view stays under MAX_BLOCKS


def _section(text: str) -> Block:
    return {"type": "section", "text": plain(text)}


def _owed(session: Session, actor: Staff, period: Period, today: date) -> tuple[list[Block], Snapshot | None]:
    """What the actor still owes for the period, a line per item with a button that opens its form."""
    found = owed.of_person(session, actor.id, period, today)
    if found is None:
        return [_section(f"Det finns ingen plan för {period.year} ännu.")], None
    snapshot, items = found
    blocks = [_section(owed.heading(period, items))]
    for item in items[:MAX_ITEMS]:
        line: Block = _section(f"{item.code} – {item.name} ({item.why})")
        if item.form:
            line["accessory"] = form_button(
                "rapportera", f"{OPEN_FORM}-{item.code}"[:255], item.form[0], dict(item.form[1])
            )
        blocks.append(line)
    if len(items) > MAX_ITEMS:
        blocks.append(
            _section(f"… och {len(items) - MAX_ITEMS} till. Skriv ”saknas {period.code}” till mig för hela listan.")
        )
    return blocks, snapshot


def owed_view(session: Session, actor: Staff, period: Period, today: date) -> dict[str, Any]:
    """The modal a reminder's "rapportera" opens: what is missing, each item with its form."""
    blocks, _ = _owed(session, actor, period, today)
    return {"type": "modal", "title": plain("Rapportera"), "close": plain("Stäng"), "blocks": blocks}


def view(session: Session, actor: Staff, today: date) -> dict[str, Any]:
    period = Period.containing(today)
    owing, snapshot = _owed(session, actor, period, today)
    blocks: list[Block] = [{"type": "header", "text": plain(f"Hej {actor.name.split()[0]}!")}, *owing]
    if snapshot is not None and access.may(session, actor, Action.SEE_ALL):
        blocks += [{"type": "divider"}, _section(f"Läget per strategiskt mål, {period.label}:"),
                   *_overview(session, list(snapshot.indicators), period)]
    entries = session.exec(select(Entry).where(Entry.actor_id == actor.id, col(Entry.undone_at).is_(None),
                                               col(Entry.replaced_by_id).is_(None))
                           .order_by(col(Entry.id).desc()).limit(LATEST)).all()
    blocks += [
        {"type": "divider"},
        _section("Dina senaste registreringar:" if entries else "Du har inte registrerat något ännu."),
    ]
    for entry in entries:
        blocks.append({**_section(f"#{entry.id} {fmt.timestamp(entry.created_at)}: {entry.summary}"),
                       "accessory": button("ångra", f"{UNDO}-{entry.id}", f"ångra {entry.id}")})
    forms = [
        (kind, label)
        for kind, label in (
            ("närvaro", "Närvaro"),
            ("resultat", "Resultat"),
            ("aktivitet", "Aktivitet"),
            ("kurs", "Kurs"),
            ("rapport", "Beställ rapport"),
        )
        if chat_forms.may_open(session, actor, kind)
    ]
    blocks += [
        {"type": "divider"},
        {"type": "actions", "elements": [form_button(label, f"{OPEN_FORM}-{kind}", kind, {}) for kind, label in forms]},
    ]
    return {"type": "home", "blocks": blocks[:MAX_BLOCKS]}


def _overview(session: Session, verdicts: list[IndicatorVerdict], period: Period) -> list[Block]:
    goals = {g.code: g.strategic_goal_id for g in plan_queries.items(session, Goal, period.year)}
    per_goal: dict[int, Counter[Status]] = {}
    for verdict in verdicts:
        per_goal.setdefault(goals.get(verdict.goal, 0), Counter())[verdict.status] += 1
    lines = []
    for strategic in plan_queries.items(session, StrategicGoal, period.year):
        counts = per_goal.get(strategic.id or 0, Counter())
        shown = "  ".join(f"{STATUS_SYMBOLS[s]} {counts[s]}" for s in Status if counts[s]) or "inga mätetal"
        lines.append(f"{strategic.name}: {shown}")
    return [_section("\n".join(lines))] if lines else []
