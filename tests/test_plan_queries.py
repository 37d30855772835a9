"""What kubot asks of the plan in force: one answer for every command, form, reminder and report."""

from __future__ import annotations

from sqlmodel import Session

from kubot.models import Activity, Indicator, StrategicGoal
from kubot.plan import queries
from kubot.plan.queries import AreaTree


def test_a_year_before_the_first_plan_has_no_plan_and_no_items(session: Session) -> None:
    assert not queries.has_plan(session, 2020)
    assert queries.item(session, Indicator, "narvaro-pks", 2020) is None
    assert queries.items(session, StrategicGoal, 2020) == []


def test_the_plan_of_its_first_year_stays_in_force_the_years_after(session: Session) -> None:
    found = queries.item(session, Activity, "pks-moten", 2023)
    assert found is not None and found.name == "PKS sammanträden"
    assert next(g.code for g in queries.items(session, StrategicGoal, 2023)) == "sm1"


def test_a_sub_area_lies_within_its_partnership_and_the_partnership_covers_it(session: Session) -> None:
    tree = queries.area_code_tree(session)
    assert tree.above("missbruk") == ["missbruk", "social"]
    assert tree.top("missbruk") == "social"
    assert tree.below("social") == {"social", "missbruk"}
    assert tree.below("missbruk") == {"missbruk"}


def test_an_area_tree_with_a_loop_in_it_still_answers() -> None:
    tree = AreaTree.of([("a", "b"), ("b", "a")])
    assert tree.above("a") == ["a", "b"]
    assert tree.below("a") == {"a", "b"}


def test_invited_are_the_named_municipalities_and_the_region_when_it_takes_part(session: Session) -> None:
    reko = queries.network(session, "reko")
    assert reko is not None
    invited = queries.invited(session, reko)
    assert {m.code for m in invited if not m.is_region} == {"aneby", "eksjo"}
    assert any(m.is_region for m in invited)
