"""One worker pass over three platforms: a Slack user, a Teams user and a console user, each reminded once."""

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


def test_a_worker_run_reminds_a_slack_a_teams_and_a_console_user_each_exactly_once(
        t2: Engine, connector: FakeConnector, tmp_path: Path) -> None:
    slack = FakeSlack()
    settings = Settings(slack_bot_token="xoxb-test-token", slack_signing_secret="s", slack_api_url=slack.url,
                        teams_anonymous=True)
    link(t2, "Maria Chef", MARIA)  # Liselotte is U0LISE in Slack (the plan); Ola is on the console
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
        sent = Counter((names[d.recipient_id], d.platform) for d in session.exec(select(Dispatch)) if d.delivered_at)
        outbox = Counter(session.exec(select(OutboxMessage.key)))
    assert {platform for (_, platform) in sent} == {"slack", "teams", "console"}
    assert {name for (name, platform) in sent if platform == "slack"} == {"Liselotte Karlsson"}
    assert {name for (name, platform) in sent if platform == "teams"} == {"Maria Chef"}
    assert "Ola Götesson" in {name for (name, platform) in sent if platform == "console"}
    teams_messages = connector.sent(f"a:personal-{MARIA}")
    assert len(teams_messages) == sum(n for (name, platform), n in sent.items() if platform == "teams")
    assert [c.params["channel"] for c in slack.of("chat.postMessage")] == ["U0LISE"]
    assert set(outbox.values()) == {1}, "each console message once"
