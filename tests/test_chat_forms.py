"""The chat forms described once for every platform: what a submitted form composes, and where the core's
refusal of it is shown. (Slack and Teams drawing them: tests/slack, tests/teams.)"""

from __future__ import annotations

import pytest
from sqlmodel import Session

from kubot.adapters import console
from kubot.chat import forms
from kubot.chat.core import Bot
from tests.conftest import NOW, staff

COURSE = {"name": "Arkivering", "date": "2022-05-05"}


def _form(session: Session, kind: str, values: forms.Values | None = None) -> forms.Form:
    return forms.build(session, kind, staff(session, "Liselotte Karlsson"), NOW.date(), values)


def _refused(bot: Bot, kind: str, values: forms.Values) -> forms.Problem:
    with Session(bot.engine) as session:
        form = _form(session, kind, values)
    reply = console.say(bot, "Liselotte Karlsson", forms.command(form, values))
    assert reply.accepted is False, reply.text
    return forms.refusal(form, values, reply.text)


@pytest.mark.parametrize(("entered", "field"), [
    ({"participants": "9", "price": "500", "external": "99 999 999 999"}, "external"),
    ({"participants": "9", "price": "99 999 999 999", "external": "500"}, "price"),
    ({"from-aneby": "3", "from-externa": "-4"}, "from-externa"),
    ({"from-aneby": "3", "from-eksjo": "-2"}, "from-eksjo"),
    ({"participants": "20", "from-aneby": "3"}, "participants"),
    ({}, "participants"),
])
def test_a_refused_course_form_points_at_the_field_the_refusal_is_about(
    bot: Bot, entered: dict[str, str], field: str
) -> None:
    problem = _refused(bot, "kurs", {**COURSE, **entered})
    assert problem.field == field, problem.text
    assert "Så här kan det se ut" not in problem.text, "the examples are for typing; the form's fields show the way"


def test_the_course_form_lists_every_municipality_of_the_plan_and_composes_the_typed_command(session: Session) -> None:
    form = _form(session, "kurs")
    counts = [f.label for f in form.inputs if f.id.startswith(forms.PER_MUNICIPALITY)]
    assert counts == ["Aneby", "Eksjö", "Habo", "Region Jönköpings län", "Externa"]
    values = {**COURSE, "digital": "true", "from-aneby": "3", "from-rjl": "2", "from-externa": "4", "price": "4 500"}
    assert (
        forms.command(form, values)
        == "kurs Arkivering 2022-05-05 digital Aneby 3, Region Jönköpings län 2, externa 4 pris 4 500"
    )



def test_the_activity_form_can_make_its_comment_an_example_for_the_report(bot: Bot) -> None:
    with Session(bot.engine) as session:
        form = forms.build(session, "aktivitet", staff(session, "Ola Götesson"), NOW.date())
    assert [f.id for f in form.inputs][-1] == "example"
    values = {"activity": "pks-moten", "state": "klar", "example": "true", "comment": "Sex sammanträden under året."}
    assert forms.command(form, values) == "aktivitet pks-moten klar exempel: Sex sammanträden under året."
    reply = console.say(bot, "Ola Götesson", forms.command(form, values))
    assert reply.accepted is True and "exempel" in reply.text.lower(), reply.text


def test_an_example_without_a_comment_is_shown_beside_the_comment_field(bot: Bot) -> None:
    values = {"activity": "pks-moten", "state": "klar", "example": "true"}
    with Session(bot.engine) as session:
        form = forms.build(session, "aktivitet", staff(session, "Ola Götesson"), NOW.date(), values)
    reply = console.say(bot, "Ola Götesson", forms.command(form, values))
    assert reply.accepted is False
    assert forms.refusal(form, values, reply.text).field == "comment", reply.text


def test_the_absence_form_asks_for_the_days_and_for_whom_only_a_manager(bot: Bot) -> None:
    with Session(bot.engine) as session:
        own = _form(session, "frånvarande")
        managers = forms.build(session, "frånvarande", staff(session, "Maria Chef"), NOW.date())
    assert [f.id for f in own.inputs] == ["first", "last"] and own.inputs[0].initial == NOW.date().isoformat()
    assert [f.id for f in managers.inputs] == ["person", "first", "last"]
    assert "Liselotte Karlsson" in [value for value, _ in managers.inputs[0].options]
    values = {"person": "Liselotte Karlsson", "first": "2022-12-20", "last": "2023-01-06"}
    assert forms.command(managers, values) == "frånvarande Liselotte Karlsson 2022-12-20 till 2023-01-06"
    reply = console.say(bot, "Maria Chef", forms.command(managers, values))
    assert reply.accepted is True and reply.text.startswith(
        "Registrerat #2: Liselotte Karlsson frånvarande tisdag 2022-12-20"
    )
    problem = _refused(bot, "frånvarande", {"first": "2022-12-20", "last": "2022-12-01"})
    assert problem.field == "last" and problem.text.startswith(
        "Sista dagen 2022-12-01 kommer före den första (2022-12-20)."
    ), problem
