"""Forms, reports and reminders in Slack, end to end through the running app and the fake Slack."""

from __future__ import annotations

import json
import threading
from collections import Counter
from datetime import date, time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from kubot import db
from kubot.adapters import compose
from kubot.models import (
    Attendance,
    ChatIdentity,
    Course,
    CourseParticipants,
    Dispatch,
    Municipality,
    OutboxMessage,
    SlowJob,
    Staff,
)
from kubot.reminders import delivery, sending
from kubot.settings import Settings
from kubot.slack import forms
from tests.conftest import at, server_paths
from tests.slack.conftest import MARIA_EMAIL, Kubot
from tests.slack.fake_slack import FakeSlack
from tests.test_reminders_exactly_once import ESCALATION_DAY

MARIA = "U0MARIA"


def selected(value: str) -> dict[str, Any]:
    return {"a": {"type": "static_select", "selected_option": {"value": value}}}


def typed(value: str) -> dict[str, Any]:
    return {"a": {"type": "plain_text_input", "value": value}}


def ticked(*values: str) -> dict[str, Any]:
    return {"a": {"type": "checkboxes", "selected_options": [{"value": v} for v in values]}}


def test_the_attendance_form_presets_the_networks_invitees_and_stores_what_was_ticked(
    kubot: Kubot, fake: FakeSlack, small_plan_engine: Engine
) -> None:
    fake.emails[MARIA] = MARIA_EMAIL
    assert kubot.command(MARIA, "närvaro").status == 200
    [opened] = fake.wait_for("views.open")
    view = opened.params["view"]
    assert view["callback_id"] == forms.CALLBACK and "present:0" not in json.dumps(view)
    kubot.interaction({"type": "block_actions", "team": {"id": "T1"}, "user": {"id": MARIA}, "api_app_id": "A1",
                       "trigger_id": "t.9", "container": {"type": "view", "view_id": "VFORM1"},
                       "view": {**view, "id": "VFORM1", "hash": "h1"},
                       "actions": [{"type": "static_select", "action_id": forms.REDRAW, "block_id": "network",
                                    "selected_option": {"value": "pks"}, "action_ts": "1"}]})
    [updated] = fake.wait_for("views.update")
    [group] = [b for b in updated.params["view"]["blocks"] if b.get("block_id") == "present:0"]
    invited = [o["value"] for o in group["element"]["initial_options"]]
    assert len(invited) == 3, "PKS invites three municipalities, all ticked to begin with"

    answer = kubot.submit(
        MARIA,
        updated.params["view"],
        {
            "network": selected("pks"),
            "date": {"a": {"selected_date": "2022-03-10"}},
            "present:0": ticked(*invited[:2]),
            "women": typed("2"),
        },
    )
    assert answer.status == 200 and answer.body == "", "the form closes"
    [confirmation] = fake.wait_for("chat.postMessage")
    assert confirmation.params["channel"] == "D0DM" and f"frånvarande: {invited[2]}" in confirmation.params["text"]
    with Session(small_plan_engine) as session:
        [stored] = session.exec(select(Attendance)).all()
        assert stored.women == 2


def test_a_typed_form_is_acknowledged_without_waiting_for_slack_to_open_it(kubot: Kubot, fake: FakeSlack) -> None:
    fake.emails[MARIA] = MARIA_EMAIL
    opening = fake.held["views.open"] = threading.Event()
    assert kubot.command(MARIA, "närvaro").status == 200
    [opened] = fake.wait_for("views.open")
    assert fake.holding == 1, "answered while Slack was still opening the form"
    opening.set()
    assert opened.params["view"]["callback_id"] == forms.CALLBACK


def test_a_reminders_rapportera_button_is_acknowledged_before_its_list_opens(kubot: Kubot, fake: FakeSlack) -> None:
    fake.emails[MARIA] = MARIA_EMAIL
    opening = fake.held["views.open"] = threading.Event()
    assert kubot.click(MARIA, "saknas T2 2022").status == 200
    fake.wait_for("views.open")
    assert fake.holding == 1, "answered while Slack was still opening the list"
    opening.set()


def test_changing_the_network_in_the_attendance_form_keeps_what_was_unticked(kubot: Kubot, fake: FakeSlack) -> None:
    fake.emails[MARIA] = MARIA_EMAIL
    kubot.command(MARIA, "närvaro")
    [opened] = fake.wait_for("views.open")

    def choose(view: dict[str, Any], network: str, state: dict[str, Any]) -> dict[str, Any]:
        before = len(fake.of("views.update"))
        kubot.interaction({"type": "block_actions", "team": {"id": "T1"}, "user": {"id": MARIA}, "api_app_id": "A1",
                           "trigger_id": "t.9", "container": {"type": "view", "view_id": "VFORM1"},
                           "view": {**view, "id": "VFORM1", "hash": "h1", "state": {"values": state}},
                           "actions": [{"type": "static_select", "action_id": forms.REDRAW, "block_id": "network",
                                        "selected_option": {"value": network}, "action_ts": "1"}]})
        return fake.wait_for("views.update", before + 1)[-1].params["view"]

    def present(view: dict[str, Any]) -> tuple[list[str], list[str]]:
        groups = [b["element"] for b in view["blocks"] if str(b.get("block_id", "")).startswith("present:")]
        return ([o["value"] for g in groups for o in g["options"]],
                [o["value"] for g in groups for o in g.get("initial_options", [])])

    pks = choose(opened.params["view"], "pks", {})
    assert "Eksjö" in present(pks)[1]
    kept = [m for m in present(pks)[1] if m != "Eksjö"]
    offered, ticks = present(choose(pks, "reko", {"network": selected("reko"), "present:0": ticked(*kept)}))
    assert "Eksjö" in offered and "Eksjö" not in ticks, "unticked for PKS, still unticked for Reko"
    assert "Aneby" in ticks and set(ticks) <= set(offered)


def test_a_rejected_form_shows_the_problem_next_to_its_field_and_stores_nothing(kubot: Kubot, fake: FakeSlack,
                                                                               small_plan_engine: Engine) -> None:
    fake.emails[MARIA] = MARIA_EMAIL
    kubot.command(MARIA, "närvaro")
    [opened] = fake.wait_for("views.open")
    answer = kubot.submit(
        MARIA,
        opened.params["view"],
        {"network": selected("pks"), "date": {"a": {"selected_date": "2023-01-01"}}, "present:0": ticked("Aneby")},
    )
    errors = answer.json()
    assert errors["response_action"] == "errors" and list(errors["errors"]) == ["date"]
    assert "ligger i framtiden" in errors["errors"]["date"]
    with Session(small_plan_engine) as session:
        assert session.exec(select(Attendance)).all() == []
    assert fake.of("chat.postMessage") == []


def test_a_result_form_with_an_impossible_value_points_at_the_value(kubot: Kubot, fake: FakeSlack) -> None:
    fake.emails[MARIA] = MARIA_EMAIL
    kubot.command(MARIA, "resultat")
    [opened] = fake.wait_for("views.open")
    answer = kubot.submit(MARIA, opened.params["view"], {"indicator": selected("arbetsmiljo"), "value": typed("170"),
                                                         "period": selected("T2 2022")})
    assert list(answer.json()["errors"]) == ["value"]


def number(value: str) -> dict[str, Any]:
    return {"a": {"type": "number_input", "value": value}}


def test_the_course_form_stores_participants_per_municipality_and_points_at_a_negative_count(
        kubot: Kubot, fake: FakeSlack, small_plan_engine: Engine) -> None:
    fake.emails[MARIA] = MARIA_EMAIL
    kubot.command(MARIA, "kurs")
    [opened] = fake.wait_for("views.open")
    view = opened.params["view"]
    counts = {b["label"]["text"]: b["block_id"] for b in view["blocks"]
              if b.get("element", {}).get("type") == "number_input" and b["block_id"] != "participants"}
    assert list(counts) == [
        "Aneby",
        "Eksjö",
        "Habo",
        "Region Jönköpings län",
        "Externa",
    ], "the plan's municipalities, then externa"
    entered = {
        "name": typed("Arkivering"),
        "date": {"a": {"selected_date": "2022-05-05"}},
        counts["Eksjö"]: number("2"),
        counts["Externa"]: number("4"),
    }

    refused = kubot.submit(MARIA, view, {**entered, counts["Aneby"]: number("-3")}).json()
    assert list(refused["errors"]) == [counts["Aneby"]] and "Aneby" in refused["errors"][counts["Aneby"]]
    with Session(small_plan_engine) as session:
        assert session.exec(select(Course)).all() == []

    answer = kubot.submit(MARIA, view, {**entered, counts["Aneby"]: number("3")}, view_id="VFORM2")
    assert answer.status == 200 and answer.body == "", "the form closes"
    [confirmation] = fake.wait_for("chat.postMessage")
    assert "9 deltagare (Aneby 3, Eksjö 2, externa 4)" in confirmation.params["text"]
    with Session(small_plan_engine) as session:
        [course] = session.exec(select(Course)).all()
        per = dict(session.exec(select(Municipality.name, CourseParticipants.count).join(CourseParticipants)).all())
    assert course.participants == 9 and per == {"Aneby": 3, "Eksjö": 2}


def test_a_report_ordered_in_a_channel_arrives_there_as_a_word_file_named_by_its_title(
        kubot: Kubot, fake: FakeSlack, small_plan_engine: Engine, slack_settings: Settings) -> None:
    fake.emails[MARIA] = MARIA_EMAIL
    kubot.command(MARIA, "rapport T2 2022", channel="C0LEDNING")
    [ack] = fake.wait_for("response/1")
    assert ack.params["text"] == "Jag bygger rapporten, den kommer här om en stund."
    [done] = fake.wait_for("files.completeUploadExternal", timeout=60)
    assert done.params["channel_id"] == "C0LEDNING" and "Rapporten byggs … klar" in done.params["initial_comment"]
    [upload] = fake.uploads.values()
    assert upload.startswith(b"PK"), "a .docx is a zip file"
    [asked] = fake.of("files.getUploadURLExternal")
    [file] = json.loads(done.params["files"])
    assert file["title"] == "Delårsrapport januari–augusti 2022 (utkast 23 nov 2022)"
    assert asked.params["filename"] == "Delårsrapport januari–augusti 2022 (utkast 23 nov 2022).docx"
    shown = [done.params["initial_comment"], file["title"], asked.params["filename"]]
    assert [
        p for text in shown for p in server_paths(text, slack_settings.report_dir)
    ] == [], "the channel sees no server path"
    kubot.app.bot.close()
    with Session(small_plan_engine) as session:
        assert session.exec(select(SlowJob.state)).all() == ["done"]


def test_a_report_ordered_in_a_channel_the_bot_is_not_in_comes_by_direct_message(kubot: Kubot, fake: FakeSlack) -> None:
    fake.emails[MARIA] = MARIA_EMAIL
    fake.outside.add("C0HEMLIG")
    kubot.command(MARIA, "rapport T2 2022", channel="C0HEMLIG")
    refused, delivered = fake.wait_for("files.completeUploadExternal", 2, timeout=60)
    assert refused.params["channel_id"] == "C0HEMLIG"
    assert delivered.params["channel_id"] == f"D{MARIA}"
    assert (
        "inte med i kanalen" in delivered.params["initial_comment"]
        and "/invite @kubot" in delivered.params["initial_comment"]
    )


def test_a_worker_run_reminds_slack_users_each_once_through_rate_limits_and_lists_the_rest_for_the_admin(
        t2: Engine, fake: FakeSlack, tmp_path: Path) -> None:
    settings = Settings(slack_bot_token="xoxb-test-token", slack_signing_secret="s", slack_api_url=fake.url)
    with db.session_scope(t2) as session:  # Ola is in Slack too; Maria is not (no e-mail in the plan)
        ola = session.exec(select(Staff).where(Staff.name == "Ola Götesson")).one()
        session.add(ChatIdentity(staff_id=ola.id or 0, platform="slack", external_id="U0OLA"))
    fake.rate_limited["chat.postMessage"] = 1
    sender = compose.sender(settings, t2)
    now = at(ESCALATION_DAY)
    first = delivery.send_due(t2, settings, sender, now=now)
    again = delivery.send_due(t2, settings, compose.sender(settings, t2), now=now.replace(minute=45))
    assert first.delivered == 5 and again.delivered == 0, "four reminders and Ola's list of who was not reached"
    assert list(first.deliveries.unreached) == ["Maria Chef"]
    posted = fake.of("chat.postMessage")
    assert (
        Counter(c.params["channel"] for c in posted) == {"U0OLA": 1, "U0LISE": 1}
        and len(fake.of("chat.postMessage (429)")) == 1
    )
    lise, ola = (next(c for c in posted if c.params["channel"] == who) for who in ("U0LISE", "U0OLA"))
    assert "Hej Liselotte!" in lise.params["text"]
    assert [b["elements"][0]["text"]["text"] for b in lise.params["blocks"] if b["type"] == "actions"] == ["rapportera"]
    assert (
        "• Maria Chef (chefens sammanställning): har ingen e-post i planen" in ola.params["text"]
    ), "in Ola's one message"
    with Session(t2) as session:
        assert (
            session.exec(select(OutboxMessage)).all() == []
        ), "nothing is left in the console outbox, which nobody reads"
        platforms = Counter(session.exec(select(Dispatch.platform).where(col(Dispatch.recipient_id).is_not(None))))
        # Ola's parts went out as one message, which the outbound ledger holds under a key of its own.
        combined = session.exec(select(Dispatch).where(col(Dispatch.recipient_id).is_(None))).all()
    assert platforms == Counter({"slack": 5, "": 1})
    assert [(c.platform, c.address, c.delivered_at is not None) for c in combined] == [("slack", "U0OLA", True)]


def test_a_reminders_rapportera_button_lists_what_is_missing_and_opens_each_items_form(
    kubot: Kubot, fake: FakeSlack
) -> None:
    fake.emails[MARIA] = MARIA_EMAIL
    kubot.click(MARIA, "saknas T2 2022")
    [opened] = fake.wait_for("views.open")
    modal = opened.params["view"]
    buttons = [b["accessory"] for b in modal["blocks"] if "accessory" in b]
    assert modal["type"] == "modal" and "Det här saknas från dig för T2 2022" in json.dumps(modal, ensure_ascii=False)
    assert buttons and all(b["text"]["text"] == "rapportera" for b in buttons)
    kubot.interaction({"type": "block_actions", "team": {"id": "T1"}, "user": {"id": MARIA}, "api_app_id": "A1",
                       "trigger_id": "t.form", "container": {"type": "view", "view_id": "VLIST"},
                       "view": {**modal, "id": "VLIST", "hash": "h1"},
                       "actions": [{**buttons[0], "block_id": "b", "action_ts": "1"}]})
    [pushed] = fake.wait_for("views.push")
    assert pushed.params["view"]["callback_id"] == forms.CALLBACK
    assert fake.of("chat.postMessage") == [] and fake.of("response/klick") == []


def test_not_my_task_pressed_twice_in_slack_tells_the_admin_once_and_answers_that_it_is_already_reported(
        kubot: Kubot, fake: FakeSlack, small_plan_engine: Engine) -> None:
    with db.session_scope(small_plan_engine) as session:
        ola = session.exec(select(Staff).where(Staff.name == "Ola Götesson")).one()
        session.add(ChatIdentity(staff_id=ola.id or 0, platform="slack", external_id="U0OLA"))
    said = []
    for press in (lambda: kubot.click("U0LISE", "inte-min-uppgift T2 2022", "kubot-kommando-2", "1700000000.000100"),
                  lambda: kubot.click("U0LISE", "inte-min-uppgift T2 2022", "kubot-kommando-2", "1700000000.000200"),
                  lambda: kubot.dm("U0LISE", "inte min uppgift T2 2022")):  # the button on two reminders, then typed
        before = len(fake.of("chat.postMessage"))
        press()
        [answer] = fake.wait_for("chat.postMessage", before + 1)[before:]
        said.append((answer.params["channel"], answer.params["text"]))
    assert said == [
        (
            "D0DM",
            (
                "Jag har meddelat Ola Götesson att brukarrev, handlaggningstid för T2 2022 inte är din uppgift (#2). "
                "Tills ansvaret ändras i planen fortsätter påminnelserna."
            ),
        ),
        (
            "D0DM",
            (
                "Det har jag redan meddelat Ola Götesson: brukarrev, handlaggningstid för T2 2022. Tills ansvaret"
                " ändras i planen fortsätter påminnelserna."
            ),
        ),
        (
            "D0DM",
            (
                "Det har jag redan meddelat Ola Götesson: brukarrev, handlaggningstid för T2 2022. Tills ansvaret"
                " ändras i planen fortsätter påminnelserna."
            ),
        ),
    ]
    for minute in (0, 1):  # the worker's delivery passes
        sending.deliver_pending(
            small_plan_engine,
            compose.sender(kubot.app.settings, small_plan_engine),
            at(date(2022, 11, 23), time(10, minute)),
        )
    to_ola = [c.params["text"] for c in fake.of("chat.postMessage") if c.params["channel"] == "U0OLA"]
    assert len(to_ola) == 1 and to_ola[0].startswith(
        "Liselotte Karlsson säger att det här inte är hens uppgift att rapportera för T2 2022:"
    )
    with Session(small_plan_engine) as session:
        notices = session.exec(select(Dispatch).where(Dispatch.kind == "inte-min")).all()
    assert [(n.platform, n.address, n.delivered_at is not None) for n in notices] == [("slack", "U0OLA", True)]
