"""One worker pass over two platforms: Slack users and a Teams user each reminded once, nobody in the console outbox."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, select

from kubot.adapters import compose
from kubot.chat.core import Bot
from kubot.models import Dispatch, OutboxMessage, Staff
from kubot.reminders import delivery
from kubot.settings import Settings
from tests.conftest import at
from tests.slack.fake_slack import FakeSlack
from tests.teams.conftest import Teams, link
from tests.teams.connector import FakeConnector
from tests.test_reminders_exactly_once import ESCALATION_DAY

MARIA = "29:1maria"


def test_a_worker_run_reminds_slack_and_teams_users_each_exactly_once_and_leaves_nothing_in_the_console(
        t2: Engine, connector: FakeConnector, tmp_path: Path) -> None:
    slack = FakeSlack()
    settings = Settings(slack_bot_token="xoxb-test-token", slack_signing_secret="s", slack_api_url=slack.url,
                        teams_anonymous=True)
    link(t2, "Maria Chef", MARIA)  # Liselotte is U0LISE in Slack (the plan); Ola is U0OLA there
    link(t2, "Ola Götesson", "U0OLA", platform="slack")
    teams = Teams(Bot(t2, settings, clock=lambda: at(ESCALATION_DAY)), connector)
    try:
        teams.say("vem", sender=MARIA, name="Maria Chef")  # Maria has written to kubot in Teams
        connector.clear()
        now = at(ESCALATION_DAY)
        first = delivery.send_due(t2, settings, compose.sender(settings, t2), now=now)
        again = delivery.send_due(t2, settings, compose.sender(settings, t2), now=now.replace(minute=45))
    finally:
        teams.stop()
        slack.close()
    assert first.delivered > 0 and again.delivered == 0
    with Session(t2) as session:
        names = {s.id: s.name for s in session.exec(select(Staff))}
        # A combined message has a row of its own with no single recipient: count the reminders.
        reminders = [d for d in session.exec(select(Dispatch)) if d.delivered_at and d.recipient_id is not None]
        sent = Counter((names[d.recipient_id], d.platform) for d in reminders)
        outbox = Counter(session.exec(select(OutboxMessage.key)))
    assert {platform for (_, platform) in sent} == {"slack", "teams"}
    assert {name for (name, platform) in sent if platform == "slack"} == {"Liselotte Karlsson", "Ola Götesson"}
    assert {name for (name, platform) in sent if platform == "teams"} == {"Maria Chef"}
    teams_messages = connector.sent(f"a:personal-{MARIA}")
    assert len(teams_messages) == sum(n for (name, platform), n in sent.items() if platform == "teams")
    assert Counter(c.params["channel"] for c in slack.of("chat.postMessage")) == {
        "U0LISE": 1,
        "U0OLA": 1,
    }, "Ola's three in one message"
    assert outbox == Counter(), "with a platform on, the console outbox is not used"
