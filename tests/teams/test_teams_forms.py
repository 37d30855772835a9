"""Teams forms (Adaptive Cards): they compose the chat command, and a rejection comes back in the card."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from kubot.models import (
    Attendance,
    AttendancePresence,
    Course,
    CourseParticipants,
    IndicatorResult,
    Municipality,
    Network,
)
from tests.teams.conftest import MARIA, OLA, Teams, texts


def _card(activity: dict[str, Any]) -> dict[str, Any]:
    [attachment] = activity["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    return attachment["content"]


def _inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in card["body"] if "id" in e}


def _open(teams: Teams, command: str, **kw: Any) -> dict[str, Any]:
    teams.say(command, **kw)
    return _card(teams.connector.sent()[-1])


def _submit(teams: Teams, card: dict[str, Any], who: dict[str, str] | None = None, **values: Any) -> dict[str, Any]:
    """Fill in the card as Teams would (its presets, changed by `values`) and press its button."""
    data = {**card["actions"][0]["data"], **{k: v.get("value", "") for k, v in _inputs(card).items()}, **values}
    status, answer = teams.submit(data, **(who or {}))
    assert status == 200 and answer["statusCode"] == 200
    assert answer["type"] == "application/vnd.microsoft.card.adaptive"
    return answer["value"]


def _with_network(teams: Teams, network: str) -> dict[str, Any]:
    """Open the attendance card and choose `network`: the card comes back listing its invitees."""
    return _submit(teams, _open(teams, "närvaro"), network=network)


def test_the_attendance_card_asks_for_the_network_instead_of_choosing_one(teams: Teams) -> None:
    fields = _inputs(_open(teams, "närvaro"))
    assert [c["title"] for c in fields["network"]["choices"]] == ["PKS", "Reko"]
    assert "value" not in fields["network"], "no network is chosen for the person"
    assert fields["network"]["isRequired"] is True and fields["network"]["errorMessage"] == "Välj nätverk."
    assert "present" not in fields, "the invitees are listed once a network is chosen"


def test_an_attendance_card_sent_without_a_network_is_refused_beside_it_and_stores_nothing(
        teams: Teams, small_plan_engine: Engine) -> None:
    again = _submit(teams, _open(teams, "närvaro"), women="3")
    body = again["body"]
    at = next(i for i, e in enumerate(body) if e.get("id") == "network")
    assert body[at + 1]["text"] == "Välj nätverk." and body[at + 1]["color"] == "Attention"
    assert _inputs(again)["women"]["value"] == 3, "what was filled in is kept"
    with Session(small_plan_engine) as session:
        assert session.exec(select(Attendance)).all() == []


def test_attendance_form_lists_the_chosen_networks_invitees_all_ticked(teams: Teams, small_plan_engine: Engine) -> None:
    fields = _inputs(_with_network(teams, "pks"))
    assert fields["network"]["value"] == "pks"
    assert fields["date"] == {**fields["date"], "type": "Input.Date", "value": "2022-11-23"}
    present = fields["present"]
    assert present["type"] == "Input.ChoiceSet" and present["isMultiSelect"] is True
    assert present["value"] == ",".join(c["value"] for c in present["choices"])
    assert len(present["choices"]) == 3
    with Session(small_plan_engine) as session:
        assert session.exec(select(Attendance)).all() == [], "choosing the network registers nothing"


def test_attendance_form_stores_the_ticked_municipalities(teams: Teams, small_plan_engine: Engine) -> None:
    card = _with_network(teams, "pks")
    choices = [c["value"] for c in _inputs(card)["present"]["choices"]]
    done = _submit(teams, card, present=",".join(choices[:2]), date="2022-11-21", women="3")
    assert texts(done)[1].startswith("Registrerat #") and "närvaro 2 av 3" in texts(done)[1]
    assert "actions" not in done, "a registered form cannot be sent a second time"
    with Session(small_plan_engine) as session:
        attendance = session.exec(select(Attendance)).one()
        present = session.exec(
            select(Municipality.name)
            .join(AttendancePresence)
            .where(AttendancePresence.attendance_id == attendance.id, col(AttendancePresence.present))
            .order_by(col(Municipality.name))
        ).all()
        assert attendance.network_id == session.exec(select(Network.id).where(Network.code == "pks")).one()
    assert list(present) == sorted(choices[:2]) and attendance.women == 3


def test_choosing_another_network_lists_its_invitees_before_anything_is_stored(teams: Teams,
                                                                                small_plan_engine: Engine) -> None:
    card = _with_network(teams, "pks")
    refreshed = _submit(teams, card, network="reko")
    fields = _inputs(refreshed)
    assert fields["network"]["value"] == "reko"
    reko = [c["title"] for c in fields["present"]["choices"]]
    assert len(reko) == 3 and reko != [c["title"] for c in _inputs(card)["present"]["choices"]]
    with Session(small_plan_engine) as session:
        assert session.exec(select(Attendance)).all() == []


def test_changing_the_network_keeps_what_the_person_unticked(teams: Teams) -> None:
    pks = _with_network(teams, "pks")
    assert "Eksjö" in _inputs(pks)["present"]["value"].split(",")
    unticked = ",".join(m for m in _inputs(pks)["present"]["value"].split(",") if m != "Eksjö")
    reko = _inputs(_submit(teams, pks, network="reko", present=unticked))["present"]
    offered = [c["value"] for c in reko["choices"]]
    ticks = reko["value"].split(",")
    assert "Eksjö" in offered and "Eksjö" not in ticks, "unticked in PKS, still unticked"
    assert "Aneby" in ticks, "ticked in PKS, still ticked"
    assert set(offered) - {"Aneby", "Eksjö"} <= set(ticks), "Reko's other invitees start ticked"
    assert set(ticks) <= set(offered), "a municipality Reko does not invite is not shown"


def test_a_rejected_form_comes_back_filled_in_with_the_problem_beside_the_field(teams: Teams,
                                                                                  small_plan_engine: Engine) -> None:
    card = _with_network(teams, "pks")
    again = _submit(teams, card, date="2022-12-24")
    body = again["body"]
    at = next(i for i, e in enumerate(body) if e.get("id") == "date")
    assert body[at]["value"] == "2022-12-24", "what the person filled in is kept"
    problem = body[at + 1]
    assert problem["type"] == "TextBlock" and problem["color"] == "Attention"
    assert "2022-12-24" in problem["text"] or "framtiden" in problem["text"]
    with Session(small_plan_engine) as session:
        assert session.exec(select(Attendance)).all() == []


def test_result_form_offers_only_my_indicators_and_stores_the_result(teams: Teams, small_plan_engine: Engine) -> None:
    card = _open(teams, "resultat")
    fields = _inputs(card)
    assert [c["value"] for c in fields["indicator"]["choices"]] == ["brukarrev", "handlaggningstid"]
    assert fields["period"]["value"] == "T3 2022"
    done = _submit(teams, card, indicator="brukarrev", value="4", analysis="Fyra av fem revisioner klara.")
    assert texts(done)[1].startswith("Registrerat #")
    with Session(small_plan_engine) as session:
        result = session.exec(select(IndicatorResult)).one()
    assert (result.indicator_code, result.value) == ("brukarrev", 4)


def test_a_form_without_a_required_value_asks_for_it_beside_the_field(teams: Teams) -> None:
    card = _open(teams, "resultat")
    again = _submit(teams, card, indicator="brukarrev", value="")
    body = again["body"]
    at = next(i for i, e in enumerate(body) if e.get("id") == "value")
    assert body[at + 1]["text"] == "Fyll i resultat."


def test_activity_form_sets_the_status(teams: Teams) -> None:
    card = _open(teams, "aktivitet", sender=OLA, name="Ola Götesson")
    fields = _inputs(card)
    assert [c["value"] for c in fields["activity"]["choices"]] == ["pks-moten"]
    assert "pågår med problem" in [c["value"] for c in fields["state"]["choices"]]
    done = _submit(teams, card, who={"sender": OLA, "name": "Ola Götesson"}, activity="pks-moten",
                   state="pågår med problem", comment="ett möte inställt")
    assert texts(done)[1].startswith("Registrerat #") and "pågår med problem" in texts(done)[1]


def test_course_form_registers_the_course(teams: Teams) -> None:
    card = _open(teams, "kurs")
    done = _submit(teams, card, name="Motiverande samtal", date="2022-11-02", participants="20", digital="true",
                   price="4 500", external="7 500")
    assert texts(done)[1].startswith("Registrerat #") and "Motiverande samtal" in texts(done)[1]


def test_report_form_opens_only_for_managers_and_staff_are_told_before_filling_it_in(teams: Teams) -> None:
    teams.say("rapport")
    assert "”rapport” kan bara chefer och administratörer använda" in str(teams.connector.sent()[-1])
    card = _open(teams, "rapport", sender=MARIA, name="Maria Chef")
    assert [c["value"] for c in _inputs(card)["period"]["choices"]][:2] == ["T3 2022", "T2 2022"]


def _course_participants(engine: Engine) -> tuple[list[int], dict[str, int]]:
    """Each course's participants, and those per municipality (by name)."""
    with Session(engine) as session:
        totals = list(session.exec(select(Course.participants)))
        per = session.exec(select(Municipality.name, CourseParticipants.count).join(CourseParticipants)).all()
    return totals, dict(per)


def test_course_form_takes_participants_per_municipality_and_refuses_a_count_that_is_no_number(
        teams: Teams, small_plan_engine: Engine) -> None:
    card = _open(teams, "kurs")
    per = {e["label"]: e["id"] for e in card["body"] if e.get("type") == "Input.Number" and e["id"] != "participants"}
    assert list(per) == [
        "Aneby",
        "Eksjö",
        "Habo",
        "Region Jönköpings län",
        "Externa",
    ], "the plan's municipalities, then externa"

    again = _submit(teams, card, name="Arkivering", date="2022-05-05", **{per["Aneby"]: "tre", per["Eksjö"]: "2"})
    body = again["body"]
    at = next(i for i, e in enumerate(body) if e.get("id") == per["Aneby"])
    assert body[at + 1]["color"] == "Attention" and "Aneby tre" in body[at + 1]["text"]
    assert _inputs(again)["name"]["value"] == "Arkivering" and _inputs(again)[per["Eksjö"]]["value"] == 2
    assert _course_participants(small_plan_engine) == ([], {})

    done = _submit(teams, again, **{per["Aneby"]: "3", per["Externa"]: "4"})
    assert "9 deltagare (Aneby 3, Eksjö 2, externa 4)" in texts(done)[1]
    assert _course_participants(small_plan_engine) == ([9], {"Aneby": 3, "Eksjö": 2})


def test_a_reminders_rapportera_lists_what_is_missing_and_each_items_button_opens_its_form_filled_in(
    teams: Teams,
) -> None:
    status, _ = teams.submit({"command": "saknas T2 2022"}, verb="kubot.command")
    assert status == 200
    listed = _card(teams.connector.sent()[-1])
    lines = [
        item["text"]
        for c in listed["body"]
        if c["type"] == "Container"
        for item in c["items"]
        if item["type"] == "TextBlock"
    ]
    assert texts(listed)[0] == "Det här saknas från dig för T2 2022 (januari–augusti):"
    assert [line.split(" – ")[0] for line in lines] == ["brukarrev", "handlaggningstid"], "what saknas lists"
    [button] = next(item for item in listed["body"][1]["items"] if item["type"] == "ActionSet")["actions"]
    status, _ = teams.submit(button["data"], verb=button["verb"])
    assert status == 200
    form = _card(teams.connector.sent()[-1])
    assert _inputs(form)["indicator"]["value"] == "brukarrev" and _inputs(form)["period"]["value"] == "T2 2022"
