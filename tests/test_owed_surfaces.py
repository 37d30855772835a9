"""Every surface that says what is still owed lists the same items: `saknas` in chat, the Slack Home tab,
a reminder's "rapportera" modal, the Teams card, the reminder itself, and the report's internal note.

The walk covers every person of the sample plan, in the demo year (Verksamhetsberättelse 2018 as chat
entries) and in a year with nothing logged (2022), on three days of each tertial: while it runs, the
day of its first reminder, and the day of its escalation. Each surface is rendered as a person sees
it and read back into item codes; a surface that lists at most N says how many more there are, and
that count is checked too.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from kubot import deadlines, demo, evaluation, owed
from kubot.adapters import compose, console
from kubot.chat.core import Bot
from kubot.journal import Origin
from kubot.models import Area, Staff
from kubot.periods import Period
from kubot.reminders import delivery, schedule
from kubot.report import content, gather, parts
from kubot.settings import Settings
from kubot.slack import home
from kubot.teams import cards
from kubot.verdicts import ActivityVerdict, Snapshot

DEADLINES = {1: (5, 15), 2: (9, 14), 3: (1, 18)}  # month and day; T3's falls in the next year
MORE = re.compile(r"… och (\d+) till")


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, Settings]]:
    work = tmp_path_factory.mktemp("owed")
    settings = Settings(database_url=f"sqlite:///{work / 'kubot.db'}", report_dir=work / "rapporter")
    engine = compose.start(settings)
    demo.load(engine, settings)
    with Session(engine) as session:
        for year in (2018, 2022):
            for tertial, (month, day) in DEADLINES.items():
                period = Period(year, tertial)
                if deadlines.deadline_for(session, period) is None:
                    due = date(year + (tertial == 3), month, day)
                    deadlines.set_deadline(
                        session, origin=Origin(None, "test"), period=period, due_on=due, today=date(year, 1, 2)
                    )
        session.commit()
    yield engine, settings
    engine.dispose()


def _days(session: Session, settings: Settings, year: int) -> list[date]:
    """Per tertial: a day while it runs, its first reminder, its escalation."""
    plan = schedule.ReminderPlan.from_settings(settings)
    days = []
    for tertial in (1, 2, 3):
        period = Period(year, tertial)
        due = deadlines.deadline_for(session, period)
        assert due is not None
        slots = schedule.usable_slots(due, plan, period.end)
        days += [date(year, 4 * tertial - 2, 15), slots[0].day, next(s.day for s in slots if s.escalation)]
    return days


def _bulleted(text: str) -> tuple[list[str], int]:
    """The codes of "• code – name" lines, and how many the text says it lists in all."""
    codes = [line[2:].split(" – ")[0] for line in text.splitlines() if line.startswith("• ")]
    more = MORE.search(text)
    return codes, len(codes) + (int(more.group(1)) if more else 0)


def _chat(bot: Bot, session: Session, name: str, ask: str) -> list[str]:
    """Every item `saknas …` lists, page after page."""
    session.rollback()  # kubot begins every transaction IMMEDIATE on SQLite: the reader lets go while chat writes
    codes: list[str] = []
    page = 1
    while True:
        reply = console.say(bot, name, f"{ask} sida {page}")
        found, _ = _bulleted(reply.text)
        codes += found
        if "Skriv ”mer”" not in reply.text:
            total = re.search(r"\((\d+) st\)", reply.text)
            assert (int(total.group(1)) if total else 0) == len(codes), reply.text
            return codes
        page += 1


def _slack(blocks: list[dict[str, Any]]) -> tuple[list[str], int]:
    """The owed lines at the top of a Home tab or modal, up to the first divider."""
    lines = []
    for block in blocks:
        if block["type"] == "divider":
            break
        if block["type"] == "section":
            lines.append(block["text"]["text"])
    codes = [line.split(" – ")[0] for line in lines[1:] if " – " in line and not line.startswith("…")]
    more = next((int(m.group(1)) for line in lines if (m := MORE.search(line))), 0)
    return codes, len(codes) + more


def _teams(card: dict[str, Any]) -> tuple[list[str], int]:
    texts = [item["text"] for container in card["body"] if container["type"] == "Container"
             for item in container["items"] if item["type"] == "TextBlock"]
    more = next(
        (
            int(m.group(1))
            for block in card["body"]
            if block["type"] == "TextBlock" and (m := MORE.search(block["text"]))
        ),
        0,
    )
    codes = [text.split(" – ")[0] for text in texts]
    return codes, len(codes) + more


def _reminder(text: str) -> tuple[list[str], int]:
    """The "Det här saknas från dig (N):" part of a reminder; N is what it says it lists."""
    owed_part = text.split("Det här saknas från dig (", 1)[1].split("\n\n", 1)[0]
    codes, _ = _bulleted(owed_part)
    return codes, int(owed_part.split(")", 1)[0])


def _report_items(monkeypatch: pytest.MonkeyPatch, data: gather.ReportData, snapshot: Snapshot, area: str | None,
                  day: date) -> Counter[str]:
    """What the report's internal note says is missing for the goals it covers: results and statuses."""
    noted: list[str] = []
    miss = parts.Context.miss

    def spy(ctx: parts.Context, what: str, owner: str | None = None) -> None:
        noted.append(what)
        miss(ctx, what, owner)

    with monkeypatch.context() as patch:
        patch.setattr(parts.Context, "miss", spy)
        content.build(
            data, snapshot, content.Request(snapshot.period, area), made_at=datetime.combine(day, time(9), UTC)
        )
    return Counter(what for what in noted if what.startswith(("resultat för ”", "status för aktiviteten ”")))


def _noted(snapshot: Snapshot, codes: list[str]) -> Counter[str]:
    """How the report's note words the items with `codes`."""
    verdicts = {v.code: v for v in (*snapshot.indicators, *snapshot.activities)}
    return Counter(f"status för aktiviteten ”{verdicts[c].name}”" if isinstance(verdicts[c], ActivityVerdict)
                   else f"resultat för ”{verdicts[c].name}”" for c in codes)


@pytest.mark.parametrize("year", [2018, 2022], ids=["demo-2018", "empty-2022"])
def test_every_surface_lists_the_same_owed_items_for_every_person_on_every_day(
        walk: tuple[Engine, Settings], year: int, monkeypatch: pytest.MonkeyPatch) -> None:
    engine, settings = walk
    # The data does not change during the walk, so each (period, day) is judged once; every surface
    # still asks through `evaluation.current` as it does in use.
    judged: dict[tuple[Period, date], Snapshot] = {}
    current = evaluation.current

    def cached(session: Session, period: Period, *, today: date) -> Snapshot:
        if (period, today) not in judged:
            judged[(period, today)] = current(session, period, today=today)
        return judged[(period, today)]

    monkeypatch.setattr(evaluation, "current", cached)
    evaluate: Callable[[Session, Period, date], Snapshot] = lambda s, p, d: cached(s, p, today=d)  # noqa: E731
    walked = Counter[str]()
    with Session(engine) as session:
        people = list(session.exec(select(Staff).where(Staff.active)))
        editor = next(p for p in people if p.role == "admin")
        top_areas = list(session.exec(select(Area.code).where(col(Area.parent_id).is_(None))))
        for day in _days(session, settings, year):
            now = datetime.combine(day, time(8, 30), settings.timezone)
            planned = delivery.plan(session, now=now, settings=settings, evaluate=evaluate)
            periods = {Period.containing(day)} | {p.period for p in planned}
            bot = Bot(engine, settings, clock=lambda now=now: now + timedelta(hours=2))
            for period in sorted(periods, key=lambda p: (p.year, p.tertial)):
                snapshot = cached(session, period, today=day)
                data = gather.load(session, period, day)
                unassigned = [
                    p for p in planned if p.kind == "ej-ansvarig" and p.period == period and p.recipient_id == editor.id
                ]
                by_person: dict[int, list[str]] = {}
                for person in people:
                    listed = _chat(bot, session, person.name, f"saknas {period.code}")
                    by_person[person.id or 0] = listed
                    surfaces = {"modal": _slack(home.owed_view(session, person, period, day)["blocks"])}
                    if period == Period.containing(day):
                        surfaces["Home tab"] = _slack(home.view(session, person, day)["blocks"])
                    found = owed.of_person(session, person.id, period, day)
                    assert found is not None
                    surfaces["Teams card"] = _teams(cards.owed_card(period, found[1]))
                    reminders = [
                        p
                        for p in planned
                        if p.kind == "påminnelse" and p.period == period and p.recipient_id == person.id
                    ]
                    if reminders:
                        surfaces["reminder"] = _reminder(reminders[0].message.text)
                    elif listed and period in {p.period for p in planned if p.kind == "påminnelse"}:
                        pytest.fail(f"{person.name} owes {len(listed)} for {period.code} on {day} but got no reminder")
                    for surface, (codes, total) in surfaces.items():
                        assert codes == listed[: len(codes)] and total == len(listed), (
                            f"{surface} for {person.name}, {period.code} on {day}: {codes} (of {total}) vs saknas"
                            f" {listed}"
                        )
                    walked["person-days"] += 1
                # An area's `saknas` and the area's report list the same items; so do the organisation's
                # report and what everyone (or, without a responsible, nobody) owes for its own goals.
                verdicts = {v.code: v for v in (*snapshot.indicators, *snapshot.activities)}
                for area in top_areas:
                    listed = _chat(bot, session, editor.name, f"saknas {area} {period.code}")
                    assert _report_items(monkeypatch, data, snapshot, area, day) == _noted(snapshot, listed), (
                        area,
                        period,
                        day,
                    )
                own = [c for codes in by_person.values() for c in codes if verdicts[c].area is None]
                nobodys = [v.code for v in owed.owed_verdicts(snapshot) if v.area is None and v.responsible_id is None]
                if unassigned:
                    codes, total = _bulleted(unassigned[0].message.text)
                    everything = [v.code for v in owed.owed_verdicts(snapshot) if v.responsible_id is None]
                    assert codes == everything[:len(codes)] and total == len(everything)
                assert _report_items(monkeypatch, data, snapshot, None, day) == _noted(snapshot, own + nobodys)
                walked["periods"] += 1
    assert walked["person-days"] >= 9 * len(people) and walked["periods"] >= 9
