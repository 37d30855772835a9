"""`kubot import personer` onboards everyone from HR's list: e-mail (what recognises them in Slack and
Teams), areas, role and title; a file with a problem names its row and column and changes nothing.
A plan file without e-mail addresses keeps the ones kubot has, and the plan import counts them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine
from sqlmodel import Session, select

from kubot import db, journal
from kubot.journal import Origin
from kubot.models import Area, Staff, StaffArea
from kubot.people_import import import_file
from kubot.plan import importing, loading
from kubot.sheets import SheetError
from tests.conftest import PLANS


def _people(engine: Engine) -> dict[str, tuple[str | None, str, str, list[str]]]:
    with Session(engine) as session:
        found = {}
        for person in session.exec(select(Staff)):
            areas = session.exec(
                select(Area.code)
                .join(StaffArea, StaffArea.area_id == Area.id)  # type: ignore[arg-type]
                .where(StaffArea.staff_id == person.id)
            ).all()
            found[person.name] = (person.email, person.role, person.title, sorted(areas))
        return found


def _import(engine: Engine, path: Path) -> importing.Imported | object:
    with db.session_scope(engine) as session:
        return import_file(session, path, Origin(None, "cli"))


def test_a_csv_from_hr_sets_e_mail_areas_role_and_adds_new_people(small_plan_engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "personal.csv"
    path.write_text("Namn;E-post;Område;Roll;Titel\n"
                    "Liselotte Karlsson;Liselotte.Karlsson@rjl.se;missbruk, social;;utvecklingsledare\n"
                    "Maria Chef;maria.chef@rjl.se;;;\n"
                    "Anna Nykvist;anna.nykvist@rjl.se;Social välfärd;chef;\n", encoding="utf-8")
    imported = _import(small_plan_engine, path)
    people = _people(small_plan_engine)
    assert people["Liselotte Karlsson"] == (
        "liselotte.karlsson@rjl.se",
        "personal",
        "utvecklingsledare",
        ["missbruk", "social"],
    )
    assert people["Maria Chef"][0] == "maria.chef@rjl.se" and people["Maria Chef"][1] == "chef"
    assert people["Maria Chef"][3] == [], "an empty area cell clears the areas"
    assert people["Anna Nykvist"][:2] == ("anna.nykvist@rjl.se", "chef")
    text = "\n".join(imported.lines())  # type: ignore[attr-defined]
    assert "3 rader, 1 nya, 2 ändrade, 3 e-postadresser tillagda, 0 ändrade" in text
    assert "Nya: Anna Nykvist." in text


def test_an_excel_file_without_an_area_column_leaves_the_areas(small_plan_engine: Engine, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["namn", "e-post"])
    sheet.append(["Liselotte Karlsson", "liselotte@rjl.se"])
    book.save(tmp_path / "personal.xlsx")
    before = _people(small_plan_engine)["Liselotte Karlsson"][3]
    _import(small_plan_engine, tmp_path / "personal.xlsx")
    assert _people(small_plan_engine)["Liselotte Karlsson"] == ("liselotte@rjl.se", "personal", "", before)


def test_every_problem_names_row_and_column_and_nothing_is_imported(small_plan_engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "personal.csv"
    path.write_text("namn,e-post,område,roll\n"
                    "Liselotte Karlsson,liselotte.rjl.se,missbruk,\n"
                    ",ingen@rjl.se,,\n"
                    "Maria Chef,maria@rjl.se,Rymden,kung\n"
                    "Ola Götesson,ola@rjl.se,,\n"
                    "Pelle Ny,OLA@rjl.se,,\n", encoding="utf-8")
    before = _people(small_plan_engine)
    with pytest.raises(SheetError) as refused:
        _import(small_plan_engine, path)
    problems = refused.value.problems
    assert any(p.startswith("rad 2, kolumn 2 (e-post): ”liselotte.rjl.se” är ingen e-postadress") for p in problems)
    assert any(p.startswith("rad 3, kolumn 1 (namn): namnet saknas") for p in problems)
    assert any(p.startswith("rad 4, kolumn 3 (område):") for p in problems)
    assert any(p.startswith("rad 4, kolumn 4 (roll): ”kung” är ingen roll") for p in problems)
    assert "rad 6: ola@rjl.se är redan Ola Götessons adress (rad 5)" in problems
    assert str(refused.value).startswith("personal.csv: ingenting importerades")
    assert _people(small_plan_engine) == before


def test_an_address_that_is_someone_elses_in_the_plan_is_refused(small_plan_engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("namn;e-post\nMaria Chef;maria@rjl.se\n", encoding="utf-8")
    _import(small_plan_engine, tmp_path / "a.csv")
    (tmp_path / "b.csv").write_text("namn;e-post\nOla Götesson;MARIA@rjl.se\n", encoding="utf-8")
    with pytest.raises(SheetError) as refused:
        _import(small_plan_engine, tmp_path / "b.csv")
    assert refused.value.problems == ["rad 2: maria@rjl.se är redan Maria Chefs adress i planen"]


def test_the_import_is_journaled_and_says_how_to_change_it_back(small_plan_engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("namn;e-post\nMaria Chef;maria@rjl.se\n", encoding="utf-8")
    imported = _import(small_plan_engine, tmp_path / "a.csv")
    entry_id = imported.recorded.entry.id  # type: ignore[attr-defined]
    with db.session_scope(small_plan_engine) as session:
        admin = session.exec(select(Staff).where(Staff.name == "Ola Götesson")).one()
        with pytest.raises(journal.JournalError, match="ny kubot import personer"):
            journal.undo(session, entry_id=entry_id, origin=Origin(admin, "console"))


def test_a_plan_file_without_e_mail_keeps_the_addresses_and_counts_new_ones(
    small_plan_engine: Engine, tmp_path: Path
) -> None:
    (tmp_path / "a.csv").write_text("namn;e-post\nMaria Chef;maria@rjl.se\n", encoding="utf-8")
    _import(small_plan_engine, tmp_path / "a.csv")
    small = (PLANS / "small.yaml").read_text(encoding="utf-8")
    with db.session_scope(small_plan_engine) as session:
        again = importing.apply(session, loading.load(small), Origin(None, "cli"))
    assert _people(small_plan_engine)["Maria Chef"][0] == "maria@rjl.se"
    assert not any("E-post" in line for line in again.lines())
    with_mail = small.replace("chatt: {slack: U0LISE}", "chatt: {slack: U0LISE}, e-post: lise@rjl.se") \
                     .replace("{namn: Maria Chef,", "{namn: Maria Chef, e-post: maria.chef@rjl.se,")
    with db.session_scope(small_plan_engine) as session:
        counted = importing.apply(session, loading.load(with_mail), Origin(None, "cli"))
    assert "E-post: 1 adress tillagda, 1 ändrade (den känner igen personerna i Slack och Teams)." in counted.lines()


def test_kubot_import_personer_prints_the_summary_or_the_problems(tmp_path: Path) -> None:
    env = {"PATH": str(Path(sys.executable).parent), "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"),
           "KUBOT_LOG_FILE": str(tmp_path / "kubot.log")}
    good = tmp_path / "personal.csv"
    good.write_text("namn;e-post\nOla Götesson;ola.gotesson@rjl.se\n", encoding="utf-8")
    done = subprocess.run(
        ["kubot", "import", "personer", str(good)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "1 e-postadresser tillagda" in done.stdout
    bad = tmp_path / "fel.csv"
    bad.write_text("namn;e-post\nOla Götesson;ola\n", encoding="utf-8")
    refused = subprocess.run(
        ["kubot", "import", "personer", str(bad)], env=env, capture_output=True, text=True, timeout=120
    )
    assert refused.returncode == 1
    assert "fel.csv: ingenting importerades (1 fel)" in refused.stderr and "rad 2, kolumn 2 (e-post)" in refused.stderr
