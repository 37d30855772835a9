"""One answer to "may this person do this", asked by commands, forms and the Home tab alike."""

from __future__ import annotations

from sqlmodel import Session

from kubot import access
from kubot.access import Action
from kubot.chat import forms
from kubot.models import Indicator
from kubot.models.plan import Role
from kubot.plan import queries
from tests.conftest import staff


def test_staff_may_report_for_their_own_items_and_their_areas_goals_but_not_others(session: Session) -> None:
    # works in missbruk, responsible for brukarrev and handlaggningstid
    liselotte = staff(session, "Liselotte Karlsson")
    mine = queries.item(session, Indicator, "brukarrev", 2022)
    others = queries.item(session, Indicator, "narvaro-pks", 2022)
    assert mine is not None and others is not None
    assert access.may(session, liselotte, Action.REPORT, mine)
    assert not access.may(session, liselotte, Action.REPORT, others)
    assert access.may(session, staff(session, "Maria Chef"), Action.REPORT, others)


def test_a_form_is_offered_only_to_those_who_may_send_what_it_composes(session: Session) -> None:
    liselotte, maria = staff(session, "Liselotte Karlsson"), staff(session, "Maria Chef")
    assert forms.may_open(session, liselotte, "resultat") and not forms.may_open(session, liselotte, "rapport")
    assert forms.may_open(session, maria, "rapport")


def test_the_ladder_gives_each_role_what_the_roles_below_it_may() -> None:
    assert access.roles_at_least(Role.MANAGER) == (Role.MANAGER, Role.ADMIN)
    assert access.at_least(Role.ADMIN, Role.STAFF) and not access.at_least(Role.STAFF, Role.MANAGER)
