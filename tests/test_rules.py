"""The rulesets in rules/, pinned with tables of cases: facts in, verdict and rule name out."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kubot import evaluation
from rules import rulebook
from rules.engine import RuleEngine
from rules.rulebook import RuleError


@pytest.fixture(scope="module")
def engine() -> Iterator[RuleEngine]:
    with evaluation.load_rules() as loaded:
        yield loaded


def status(engine: RuleEngine, target: float | None, value: float | None, *, unit: str = "procent",
           direction: str = "högre", partly_from: float = 0.6, empty: bool = False) -> tuple[str, str]:
    fact = {"enhet": unit, "riktning": direction, "målvärde": target, "värde": value, "delvis_från": partly_from,
            "tomt_underlag": empty}
    rule = engine.run("status", [fact])[0]
    assert rule is not None
    return rule.outcome, rule.name


# The organisation's published judgements (DOMAIN.md), which the default band must reproduce.
PUBLISHED = [
    (80, 81, "uppfyllt"),
    (80, 68, "delvis uppfyllt"), (80, 76, "delvis uppfyllt"), (80, 67, "delvis uppfyllt"),
    (100, 61, "delvis uppfyllt"),
    (100, 55, "inte uppfyllt"), (100, 52, "inte uppfyllt"), (100, 47, "inte uppfyllt"),
    (100, 40, "inte uppfyllt"), (100, 35, "inte uppfyllt"),
]


@pytest.mark.parametrize(("target", "result", "expected"), PUBLISHED)
def test_default_band_classifies_the_published_examples_as_published(engine: RuleEngine, target: float,
                                                                       result: float, expected: str) -> None:
    assert status(engine, target, result)[0] == expected


@pytest.mark.parametrize(("target", "result", "expected", "rule"), [
    (10, 8, "uppfyllt", "lägre-uppfyllt"),
    (10, 10, "uppfyllt", "lägre-uppfyllt"),
    (10, 12, "delvis uppfyllt", "lägre-delvis"),
    (10, 16, "delvis uppfyllt", "lägre-delvis"),
    (10, 17, "inte uppfyllt", "lägre-inte-uppfyllt"),
])
def test_lower_is_better_mirrors_the_band(
    engine: RuleEngine, target: float, result: float, expected: str, rule: str
) -> None:
    assert status(engine, target, result, unit="antal", direction="lägre") == (expected, rule)


@pytest.mark.parametrize(("target", "result", "expected"), [(1, 1, "uppfyllt"), (1, 0, "inte uppfyllt")])
def test_yes_no_indicators_are_met_or_not_never_partly(
    engine: RuleEngine, target: float, result: float, expected: str
) -> None:
    assert status(engine, target, result, unit="janej")[0] == expected


@pytest.mark.parametrize(("band", "result", "expected"), [
    (0.9, 68, "inte uppfyllt"), (0.9, 72, "delvis uppfyllt"), (0.5, 41, "delvis uppfyllt"), (0.5, 39, "inte uppfyllt"),
])
def test_an_indicator_can_have_its_own_band(engine: RuleEngine, band: float, result: float, expected: str) -> None:
    assert status(engine, 80, result, partly_from=band)[0] == expected


@pytest.mark.parametrize(("target", "value", "empty", "expected"), [
    (None, None, False, ("inget målvärde", "inget-målvärde")),
    (None, 75, False, ("inget målvärde", "inget-målvärde")),
    (80, None, False, ("inget resultat", "inget-resultat")),
    (50, None, True, ("inget resultat", "inget-underlag")),
])
def test_missing_target_result_or_basis_gives_a_defined_verdict(
    engine: RuleEngine, target: float | None, value: float | None, empty: bool, expected: tuple[str, str]
) -> None:
    assert status(engine, target, value, empty=empty) == expected


@pytest.mark.parametrize(("unit", "value", "previous", "expected", "rule"), [
    ("procent", 81, 80, "oförändrat", "procent-oförändrat"),
    ("procent", 82, 80, "oförändrat", "procent-oförändrat"),
    ("procent", 78, 80, "oförändrat", "procent-oförändrat"),
    ("procent", 82.5, 80, "ökning", "procent-ökning"),
    ("procent", 77.9, 80, "minskning", "procent-minskning"),
    ("antal", 10, 10, "oförändrat", "antal-oförändrat"),
    ("antal", 10.5, 10, "oförändrat", "antal-oförändrat"),
    ("antal", 11, 10, "ökning", "antal-ökning"),
    ("kronor", 900, 1000, "minskning", "antal-minskning"),
    ("antal", 1, 0, "ökning", "antal-ökning"),
    ("antal", 0, 0, "oförändrat", "antal-oförändrat"),
    ("procent", 80, None, "ingen", "inget-att-jämföra-med"),
    ("procent", None, 80, "ingen", "inget-värde"),
])
def test_trend_against_the_same_period_last_year_with_a_no_change_band(
        engine: RuleEngine, unit: str, value: float | None, previous: float | None, expected: str, rule: str) -> None:
    matched = engine.run("trend", [{"enhet": unit, "värde": value, "föregående": previous}])[0]
    assert matched is not None and (matched.outcome, matched.name) == (expected, rule)


def due(engine: RuleEngine, *, reported: bool = False, measured: int = 8, end_month: int = 8, ended: bool = True,
        passed: bool = False, deadline: str | None = "2022-09-15") -> tuple[str, str]:
    fact: dict[str, Any] = {
        "föremål": "mätetal",
        "rapporterat": reported,
        "mätmånad": measured,
        "slutmånad": end_month,
        "perioden_slut": ended,
        "tidsgräns_passerad": passed,
        "mätmånad_namn": "x",
        "tidsgräns": deadline,
    }
    rule = engine.run("rapportering", [fact])[0]
    assert rule is not None
    return rule.outcome, rule.name


@pytest.mark.parametrize(("case", "expected"), [
    ({"reported": True}, ("inrapporterat", "inrapporterat")),
    ({"measured": 11}, ("mäts senare", "mäts-senare")),  # the November survey in T2
    ({"measured": 11, "end_month": 12}, ("saknas", "saknas-före-tidsgräns")),  # … and in T3
    ({"measured": 12, "end_month": 4, "ended": False}, ("mäts senare", "mäts-senare")),
    ({"ended": False}, ("pågår", "perioden-pågår")),
    ({}, ("saknas", "saknas-före-tidsgräns")),
    ({"deadline": None}, ("saknas", "saknas-ingen-tidsgräns")),
    ({"passed": True}, ("försenat", "försenat")),
    ({"passed": True, "reported": True}, ("inrapporterat", "inrapporterat")),
])
def test_due_and_overdue_follow_measurement_timing_and_deadline(engine: RuleEngine, case: dict[str, Any],
                                                                expected: tuple[str, str]) -> None:
    assert due(engine, **case) == expected


@pytest.mark.parametrize(("latest", "before", "warned"), [(50, 60, True), (79.9, 79.9, True), (90, 60, False),
                                                         (60, 80, False)])
def test_early_warning_after_two_meetings_in_a_row_below_target(engine: RuleEngine, latest: float, before: float,
                                                                warned: bool) -> None:
    fact = {"nätverk": "Reko", "senaste": latest, "näst_senaste": before, "målvärde": 80, "senaste_dag": "2022-05-12"}
    assert (engine.run("varningar", [fact], every_fact=False)[0] is not None) == warned


def test_many_evaluations_and_reloads_in_one_process_give_the_same_verdicts() -> None:
    facts = [
        {"enhet": "procent", "riktning": "högre", "målvärde": t, "värde": v, "delvis_från": 0.6, "tomt_underlag": False}
        for t, v, _ in PUBLISHED
    ]
    expected = [e for _, _, e in PUBLISHED]
    for _ in range(20):  # durable-rules registers names once per process in its own Host; ours must not care
        with evaluation.load_rules() as engine:
            for _ in range(10):
                assert [r.outcome for r in engine.run("status", facts) if r] == expected


def test_a_fact_the_rules_do_not_know_is_refused(engine: RuleEngine) -> None:
    with pytest.raises(RuleError, match=r"status\.yaml: faktat har fält som regelverket inte känner: färg"):
        engine.run("status", [{"enhet": "procent", "färg": "grön"}])


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    for path in rulebook.RULES_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


@pytest.mark.parametrize(("old", "new", "message"), [
    ("regler:", "regler: [", "status.yaml: rad \\d+: felaktig YAML"),
    ("konstanter:", "färger: [grön]\nkonstanter:", "status.yaml: färger: okänt fält"),
    ("      - värde >= målvärde\n    utfall: uppfyllt", "      - värdet >= målvärde\n    utfall: uppfyllt",
     "status.yaml: regel 4 \\(”janej-uppfyllt”\\): okänt fält ”värdet”"),
    ("      - värde >= målvärde\n    utfall: uppfyllt", "      - värde >= målvärde\n    utfall: jättebra",
     "status.yaml: regeln ”janej-uppfyllt” har okänt utfall ”jättebra”"),
    ("      - värde >= målvärde\n    utfall: uppfyllt", "      - värde är stort\n    utfall: uppfyllt",
     "status.yaml: regel 4 .*är inget villkor"),
    ("förklaring: Resultatet {värde} motsvarar målvärdet", "förklaring: Resultatet {resultat} motsvarar målvärdet",
     "status.yaml: regel 4 .*förklaringen nämner okänt fält ”resultat”"),
    ("  - namn: janej-inte-uppfyllt", "  - namn: janej-uppfyllt", "status.yaml: regel 5 .*namnet används redan"),
])
def test_a_broken_ruleset_is_refused_with_its_name_and_what_is_wrong(
        rules_copy: Path, old: str, new: str, message: str) -> None:
    path = rules_copy / "status.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RuleError, match=message):
        evaluation.load_rules(rules_copy)


def test_runs_where_no_rule_fires_neither_crash_nor_fill_the_engine(engine: RuleEngine) -> None:
    # Deleting a durable-rules session in which nothing fired killed the process, and keeping
    # one session per run filled the engine until MemoryError: both seen with warnings.
    quiet = {"nätverk": "PKS", "senaste": 92.3, "näst_senaste": 100.0, "målvärde": 80.0, "senaste_dag": "2018-05-01"}
    for _ in range(3000):
        engine.run("status", [{"enhet": "procent", "riktning": "högre", "målvärde": 80, "värde": 81,
                               "delvis_från": 0.6, "tomt_underlag": False}])
        assert engine.run("varningar", [quiet], every_fact=False) == [None]


def test_a_batch_where_only_some_facts_match_finds_each_match(engine: RuleEngine) -> None:
    quiet = {"nätverk": "PKS", "senaste": 92.3, "näst_senaste": 100.0, "målvärde": 80.0, "senaste_dag": "2018-05-01"}
    low = {**quiet, "nätverk": "Reko", "senaste": 50.0, "näst_senaste": 60.0}
    matched = engine.run("varningar", [quiet, low, quiet, low], every_fact=False)
    assert [rule.name if rule else None for rule in matched] == [
        None, "närvaro-under-mål-två-möten", None, "närvaro-under-mål-två-möten"]
