"""`frånvarande`: a person away is not reminded meanwhile. The reminder comes the working day they are
back when the deadline allows; otherwise their manager is told what is missing, once."""

from __future__ import annotations

import json
from datetime import date, time, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from kubot import db, deadlines
from kubot.adapters import console, outbox
from kubot.chat.core import Bot
from kubot.journal import Origin
from kubot.models import Absence, Dispatch, Entry, Staff
from kubot.plan import importing, loading
from kubot.settings import Settings
from tests.conftest import PLANS, T2, at
from tests.slack.fake_slack import FakeSlack
from tests.test_reminders_delivery import link, worker
from tests.test_reminders_walk import Clock, run_days, sent

LISELOTTE = "Liselotte Karlsson"


def away(engine: Engine, text: str, who: str = LISELOTTE, on: date = date(2023, 8, 21)) -> str:
    bot = Bot(engine, Settings(), clock=lambda: at(on, time(10, 0)))
    reply = console.say(bot, who, text)
    assert reply.accepted is True, reply.text
    return reply.text


def absences(engine: Engine) -> list[tuple[str, date, date]]:
    with Session(engine) as session:
        names = {s.id: s.name for s in session.exec(select(Staff))}
        return [(names[a.staff_id], a.first_day, a.last_day) for a in session.exec(select(Absence))]


def test_an_absence_is_echoed_with_its_days_journaled_with_who_and_undone_with_angra(t2: Engine) -> None:
    bot = Bot(t2, Settings(), clock=lambda: at(date(2023, 12, 1), time(10, 0)))
    reply = console.say(bot, LISELOTTE, "frånvarande 20/12–6/1")
    assert reply.accepted is True
    assert (
        reply.text
        == "Registrerat #3: Liselotte Karlsson frånvarande onsdag 2023-12-20 – lördag 2024-01-06 (18 dagar). "
        "Dina påminnelser som faller då kommer måndag 2024-01-08, första arbetsdagen efter; kan en deadline "
        "inte vänta så länge får chefen veta vad som saknas.\nÅngra med: ångra 3"
    )
    with Session(t2) as session:
        entry = session.exec(select(Entry).where(Entry.kind == "frånvaro")).one()
        actor = session.get(Staff, entry.actor_id)
    assert actor is not None and actor.name == LISELOTTE and entry.channel == "console" and entry.created_at is not None
    assert console.say(bot, LISELOTTE, "ångra").text.startswith(
        "Ångrat #3: Liselotte Karlsson frånvarande 2023-12-20–2024-01-06"
    )
    assert console.say(bot, LISELOTTE, "frånvarande 2023-12-20 till 2024-01-06").text.startswith(
        "Registrerat #4: Liselotte Karlsson frånvarande onsdag 2023-12-20 – lördag 2024-01-06")


def test_a_manager_may_name_the_absent_person_and_staff_may_not(t2: Engine) -> None:
    bot = Bot(t2, Settings(), clock=lambda: at(date(2023, 12, 1), time(10, 0)))
    refused = console.say(bot, LISELOTTE, "frånvarande Maria Chef 20/12–6/1")
    assert refused.accepted is False and refused.text.startswith("Bara chefer och administratörer anmäler någon annan")
    assert absences(t2) == []
    named = console.say(bot, "Maria Chef", "frånvarande Liselotte Karlsson 20/12–6/1")
    assert named.accepted is True and "Liselotte Karlsson frånvarande onsdag 2023-12-20" in named.text
    assert "Liselottes påminnelser" in named.text
    assert absences(t2) == [(LISELOTTE, date(2023, 12, 20), date(2024, 1, 6))]


@pytest.mark.parametrize(("message", "why"), [
    ("frånvarande", "Skriv första och sista dagen du är borta, t.ex. ”frånvarande 20/12–6/1”"),
    ("frånvarande snart", "Skriv första och sista dagen du är borta"),
    ("frånvarande 31/11–3/12", "Den 31 november 2023 finns inte – november 2023 har 30 dagar."),
    ("frånvarande 2024-01-06 till 2023-12-20", "Sista dagen 2023-12-20 kommer före den första (2024-01-06)."),
    ("frånvarande 1/11–20/11", "2023-11-01–2023-11-20 har redan varit."),
    ("frånvarande 2023-12-01 till 2025-01-06", "är längre än ett år"),
    ("frånvarande Nils Okänd 20/12–6/1", "Det finns ingen ”Nils Okänd” i planen."),
])
def test_bad_input_is_refused_with_an_example_and_nothing_is_stored(t2: Engine, message: str, why: str) -> None:
    bot = Bot(t2, Settings(), clock=lambda: at(date(2023, 12, 1), time(10, 0)))
    reply = console.say(bot, "Maria Chef", message)
    assert reply.accepted is False and why in reply.text, reply.text
    assert "frånvarande 20/12–6/1" in console.render(reply), "a correct example"
    assert absences(t2) == []


def test_a_reminder_due_while_away_comes_the_working_day_back_when_the_deadline_allows(t2: Engine) -> None:
    # The first reminder, Friday 1 September, falls in the absence; she is back on Wednesday the 6th.
    away(t2, "frånvarande 31/8–5/9")
    run_days(t2, date(2023, 8, 25), date(2023, 9, 20))
    assert [(when, stage) for when, kind, who, stage in sent(t2) if who == LISELOTTE] == [
        ("2023-09-06 08:30", "åter-2023-09-06"),
        ("2023-09-08 08:30", "före-5"),
        ("2023-09-14 08:30", "före-1"),
        ("2023-09-18 08:30", "efter-1"),
    ]
    assert ("2023-09-01 08:30", "påminnelse", "Ola Götesson", "före-10") in sent(t2), "the others are reminded as usual"
    assert not any(kind == "frånvaro" for _, kind, _, _ in sent(t2)), "nothing for the manager: it could wait"


def test_a_reminder_that_cannot_wait_for_the_return_goes_to_the_manager_once(t2: Engine) -> None:
    # Away from Monday 11 September to Friday the 22nd: back after the deadline (Friday the 15th).
    away(t2, "frånvarande 11/9–22/9")
    run_days(t2, date(2023, 8, 25), date(2023, 10, 2))
    assert [(when, kind, stage) for when, kind, who, stage in sent(t2) if who == LISELOTTE] == [
        ("2023-09-01 08:30", "påminnelse", "före-10"),
        ("2023-09-08 08:30", "påminnelse", "före-5"),
    ], "nothing while she is away"
    handovers = [(when, who) for when, kind, who, _ in sent(t2) if kind == "frånvaro"]
    assert handovers == [
        ("2023-09-14 08:30", "Maria Chef")
    ], "her manager hears it once, at the first reminder she misses"
    with db.session_scope(t2) as session:
        [text] = [m.text for m in outbox.messages(session, "Maria Chef") if "frånvarande" in m.text]
    assert text.startswith(
        "Hej Maria! Liselotte Karlsson är frånvarande till fredag 2023-09-22, och rapporten för T2 2023 "
        "(januari–augusti) ska vara klar fredag 2023-09-15, om 1 arbetsdag. Det här saknas från hen (1):"
    )
    assert "• brukarrev – Genomförda brukarrevisioner\n    skriv: resultat brukarrev <värde> T2 2023" in text


def test_undoing_the_absence_brings_the_reminders_back(t2: Engine) -> None:
    clock = Clock(at(date(2023, 8, 21)))
    bot = Bot(t2, Settings(), clock=clock)
    run_days(t2, date(2023, 8, 21), date(2023, 9, 15), clock, bot=bot, on_day={
        date(2023, 8, 21): [(LISELOTTE, "frånvarande 28/8–29/9")],
        date(2023, 9, 11): [(LISELOTTE, "ångra 3")],
    })
    assert [(when, kind, who) for when, kind, who, _ in sent(t2) if who in (LISELOTTE, "Maria Chef")] == [
        ("2023-09-01 08:30", "frånvaro", "Maria Chef"),  # away until after the deadline: her manager hears of it
        (
            "2023-09-12 07:00",
            "påminnelse",
            LISELOTTE,
        ),  # undone on the 11th: the reminder due then comes at the next run
        ("2023-09-14 08:30", "påminnelse", LISELOTTE),
    ]


def slack_days(engine: Engine, slack: FakeSlack, days: list[date], monkeypatch: pytest.MonkeyPatch,
               capsys: pytest.CaptureFixture[str], database_url: str) -> list[tuple[date, str, str, list[str]]]:
    """`kubot worker --once` at 08:30 on each day with Slack set up: what was posted, by day, channel, text and
    buttons."""
    link(engine, "Ola Götesson", "slack", "U0OLA")
    link(engine, "Maria Chef", "slack", "U0MARIA")
    posted: list[tuple[date, str, str, list[str]]] = []
    for day in days:
        before = len(slack.of("chat.postMessage"))
        code, _, err = worker(monkeypatch, capsys, database_url, at=f"{day.isoformat()}T08:30",
                              SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=slack.url)
        assert code == 0, err
        for call in slack.of("chat.postMessage")[before:]:
            blocks = call.params["blocks"]
            buttons = [e["text"]["text"] for b in (json.loads(blocks) if isinstance(blocks, str) else blocks)
                       if b["type"] == "actions" for e in b["elements"]]
            posted.append((day, call.params["channel"], call.params["text"], buttons))
    return posted


WORKING_DAYS = [
    date(2023, 8, 28) + timedelta(days=n) for n in range(30) if (date(2023, 8, 28) + timedelta(days=n)).weekday() < 5
]


def test_in_slack_nothing_reaches_her_while_she_is_away_and_the_reminder_comes_the_day_she_is_back(
        t2: Engine, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        database_url: str) -> None:
    away(t2, "frånvarande 31/8–5/9")
    posted = slack_days(
        t2, slack, [d for d in WORKING_DAYS if d <= date(2023, 9, 8)], monkeypatch, capsys, database_url
    )
    assert [(day, text.split("\n")[0]) for day, channel, text, _ in posted if channel == "U0LISE"] == [
        (
            date(2023, 9, 6),
            "Hej Liselotte! Rapporten för T2 2023 (januari–augusti) ska vara klar fredag 2023-09-15, om 7 arbetsdagar.",
        ),
        (
            date(2023, 9, 8),
            "Hej Liselotte! Rapporten för T2 2023 (januari–augusti) ska vara klar fredag 2023-09-15, om 5 arbetsdagar.",
        ),
    ]
    assert (date(2023, 9, 1), "U0OLA") in [(day, channel) for day, channel, _, _ in posted], "the others as usual"
    assert not any(channel == "U0MARIA" for _, channel, _, _ in posted), "it could wait: her manager hears nothing"


def test_in_slack_her_manager_gets_the_hand_over_once_when_the_deadline_cannot_wait(
        t2: Engine, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        database_url: str) -> None:
    away(t2, "frånvarande 11/9–22/9")
    days = [d for d in WORKING_DAYS if date(2023, 9, 1) <= d <= date(2023, 9, 19)]
    posted = slack_days(t2, slack, days, monkeypatch, capsys, database_url)
    assert [day for day, channel, _, _ in posted if channel == "U0LISE"] == [
        date(2023, 9, 1),
        date(2023, 9, 8),
    ], "nothing while she is away"
    to_maria = [(day, text, buttons) for day, channel, text, buttons in posted if channel == "U0MARIA"]
    assert [day for day, _, _ in to_maria] == [
        date(2023, 9, 14),
        date(2023, 9, 18),
    ], "the hand-over, then the escalation"
    (_, handover, buttons), (_, escalation, _) = to_maria
    assert handover.startswith("Hej Maria! Liselotte Karlsson är frånvarande till fredag 2023-09-22, och rapporten för "
                               "T2 2023 (januari–augusti) ska vara klar fredag 2023-09-15, om 1 arbetsdag.")
    assert "• brukarrev – Genomförda brukarrevisioner" in handover and buttons == ["se vad som saknas"]
    assert "frånvarande" not in escalation, "once per absence: the escalation does not repeat it"
    assert "Liselotte Karlsson (1):\n• brukarrev" in escalation


def test_my_reminders_show_the_one_moved_to_my_return_and_the_one_my_manager_gets(t2: Engine) -> None:
    away(t2, "frånvarande 31/8–5/9")
    echo = away(t2, "frånvarande 12/9–22/9")
    assert (
        "\nDeadline för T2 2023 är fredag 2023-09-15, innan du är tillbaka, så din chef får veta vad som saknas från"
        " dig.\n"
        in echo
    )
    bot = Bot(t2, Settings(), clock=lambda: at(date(2023, 8, 21), time(10, 0)))
    listed = console.say(bot, LISELOTTE, "påminnelser").text
    assert "kommer fredag 2023-09-01" not in listed, "she is away then"
    assert (
        "  kommer onsdag 2023-09-06 kl. 08:30: påminnelse första arbetsdagen efter frånvaro, deadline 2023-09-15\n"
        in listed
    )
    assert "  kommer fredag 2023-09-08 kl. 08:30: 5 arbetsdagar före deadline 2023-09-15\n" in listed
    assert (
        "  ingen torsdag 2023-09-14 kl. 08:30 (1 arbetsdag före deadline 2023-09-15): du är frånvarande och deadline "
        "kan inte vänta, så din chef får veta vad som saknas\n"
        in listed
    )


def test_an_absence_that_every_deadline_outlasts_says_nothing_about_the_manager(t2: Engine) -> None:
    echo = away(t2, "frånvarande 2/10–6/10")
    assert "Deadline för" not in echo, "T2's reminders are over by then and T3 has no deadline yet"


def test_in_slack_a_hand_over_while_her_manager_is_away_too_goes_to_the_administrator(
        t2: Engine, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        database_url: str) -> None:
    away(t2, "frånvarande 11/9–22/9")
    away(t2, "frånvarande 13/9–15/9", who="Maria Chef")
    days = [d for d in WORKING_DAYS if date(2023, 9, 13) <= d <= date(2023, 9, 14)]
    posted = slack_days(t2, slack, days, monkeypatch, capsys, database_url)
    assert not [day for day, channel, _, _ in posted if channel == "U0MARIA"], "she is away: not to her"
    [to_ola] = [text for day, channel, text, _ in posted if channel == "U0OLA" and day == date(2023, 9, 14)]
    assert "Liselotte Karlsson är frånvarande till fredag 2023-09-22" in to_ola
    assert "• brukarrev – Genomförda brukarrevisioner" in to_ola
    assert "Du får det här eftersom Maria Chef också är frånvarande." in to_ola
    with Session(t2) as session:
        to = Dispatch.recipient_id == Staff.id
        query = select(Staff.name).join(Dispatch, to).where(Dispatch.kind == "frånvaro")  # type: ignore[arg-type]
        handed = session.exec(query).all()
    assert handed == ["Ola Götesson"], "once, and only to him"


@pytest.fixture
def ladder(engine: Engine) -> Engine:
    """The reminder plan with an area above Maria's and its own manager, Karin Överchef."""
    text = (PLANS / "reminders.yaml").read_text(encoding="utf-8")
    text = text.replace("  - {kod: social, namn: FoUrum social välfärd och hälso- och sjukvård}",
                        "  - {kod: kommunal, namn: Kommunal utveckling}\n"
                        "  - {kod: social, namn: FoUrum social välfärd och hälso- och sjukvård, inom: kommunal}")
    text = text.replace("  - {namn: Maria Chef,",
                        "  - {namn: Karin Överchef, roll: chef, titel: förbundschef, områden: [kommunal]}\n"
                        "  - {namn: Maria Chef,")
    with db.session_scope(engine) as session:
        importing.apply(session, loading.load(text), Origin(None, "test"))
        deadlines.set_deadline(session, origin=Origin(None, "test"), period=T2, due_on=date(2023, 9, 15),
                               today=date(2023, 6, 1))
    return engine


def test_a_hand_over_while_her_manager_is_away_too_goes_to_the_next_manager_up(ladder: Engine) -> None:
    away(ladder, "frånvarande 11/9–22/9")
    away(ladder, "frånvarande 13/9–15/9", who="Maria Chef")
    run_days(ladder, date(2023, 9, 11), date(2023, 9, 15))
    assert [(when, who) for when, kind, who, _ in sent(ladder) if kind == "frånvaro"] == [
        ("2023-09-14 08:30", "Karin Överchef")]
    with db.session_scope(ladder) as session:
        [text] = [m.text for m in outbox.messages(session, "Karin Överchef") if "frånvarande" in m.text]
    assert text.startswith("Hej Karin! Liselotte Karlsson är frånvarande till fredag 2023-09-22")
    assert text.endswith("\nDu får det här eftersom Maria Chef också är frånvarande."), "she knows why it came to her"


def test_with_her_manager_here_the_hand_over_stays_with_the_nearest_manager(ladder: Engine) -> None:
    away(ladder, "frånvarande 11/9–22/9")
    run_days(ladder, date(2023, 9, 11), date(2023, 9, 15))
    handed = [(when, who) for when, kind, who, _ in sent(ladder) if kind == "frånvaro"]
    assert handed == [("2023-09-14 08:30", "Maria Chef")]
    with db.session_scope(ladder) as session:
        [text] = [m.text for m in outbox.messages(session, "Maria Chef") if "frånvarande" in m.text]
    assert "också är frånvarande" not in text


def test_an_escalation_while_her_manager_is_away_goes_to_the_next_manager_up(ladder: Engine) -> None:
    # The deadline is Friday 15 September; the escalation comes the working day after, when Maria is away.
    away(ladder, "frånvarande 18/9–22/9", who="Maria Chef")
    run_days(ladder, date(2023, 9, 11), date(2023, 9, 20))
    escalated = [(when, who) for when, kind, who, _ in sent(ladder) if kind == "eskalering"]
    assert ("2023-09-18 08:30", "Karin Överchef") in escalated
    assert "Maria Chef" not in [who for _, who in escalated], "nothing waits in the inbox of someone away"
    with db.session_scope(ladder) as session:
        [text] = [m.text for m in outbox.messages(session, "Karin Överchef") if "Liselotte" in m.text]
    assert "brukarrev" in text
