"""Hostile plan files are refused before anything is built from them, with one Swedish line saying why.

The probe behind issue 14 sent a 620-byte plan of nested aliases ("billion laughs") that ran for
over 90 s and reached 5 GB, and a 1.8 KB one that printed a million errors. How fast the refusal
is, is measured in bench/hostile_plans.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kubot.cli import main
from kubot.plan import loading, schema
from tests.conftest import PLANS

SMALL = (PLANS / "small.yaml").read_text(encoding="utf-8")


def billion_laughs(levels: int = 9) -> str:
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"lol{i}: &lol{i} [{', '.join([f'*lol{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def refusal(text: str) -> str:
    with pytest.raises(schema.PlanFileError) as refused:
        loading.load(text, "fientlig.yaml")
    return str(refused.value)


def test_a_billion_laughs_plan_is_refused_for_its_aliases() -> None:
    text = billion_laughs()
    assert len(text.encode()) < 700
    assert "alias (*namn) gör filen mer än 10 gånger större än den är skriven" in refusal(text)


def test_aliases_that_expand_to_many_wrong_goals_are_refused_instead_of_listing_each_error() -> None:
    goals = "bad: &bad [" + ", ".join(["{kod: FEL, namn: x, mål: [{kod: FEL}]}"] * 20) + "]\n"
    more = "more: &more [" + ", ".join(["*bad"] * 40) + "]\n"
    text = SMALL.split("strategiska_mål:")[0] + goals + more + "strategiska_mål: [" + ", ".join(["*more"] * 40) + "]\n"
    message = refusal(text)
    assert "gånger större" in message and len(message.splitlines()) == 2


def test_a_plan_nested_too_deep_is_refused_with_the_line() -> None:
    assert "rad 1: filen är nästlad i fler än 40 nivåer" in refusal("namn: " + "[" * 100)


def test_an_alias_pointing_into_itself_is_refused() -> None:
    assert "pekar på sig självt" in refusal("namn: &a [x, *a]\n")


def test_a_plan_with_many_mistakes_lists_the_first_twenty_and_counts_the_rest() -> None:
    people = "personal:\n" + "".join(f"  - {{namn: Person {i}, roll: chefen}}\n" for i in range(60))
    message = refusal(SMALL.replace("personal:\n", people + "gammal_personal:\n"))
    assert "planen lästes inte in (61 fel)" in message
    assert message.count("har värdet 'chefen'") == 20
    assert "… och 41 fel till av samma slag" in message


def test_a_hostile_plan_file_writes_nothing(monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    file = tmp_path / "skratt.yaml"
    file.write_text(SMALL + billion_laughs(), encoding="utf-8")
    assert main(["plan", "import", str(file)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{file}: planen lästes inte in (1 fel)") and "Traceback" not in err
    assert main(["plan", "export"]) == 0
    assert "Testplan" not in capsys.readouterr().out
