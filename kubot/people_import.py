"""`kubot import personer FIL.xlsx|.csv`: the staff register from HR's list — name, e-mail, areas, role.

The e-mail address is what recognises a person in Slack and Teams, so this is the short way to
onboard everyone without editing the plan file. One row per person; the column "namn" is required,
"e-post", "område" (codes or names, separated by commas), "roll" (personal, chef, admin) and
"titel" are optional: a column the file does not have leaves that field as it is, an empty cell in
a column it has clears it (an empty role keeps the role). A name kubot does not know is a new person.
Every problem names its row and column, and nothing is imported unless the whole file is right.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from kubot import formatting as fmt
from kubot import journal
from kubot.journal import Origin, Recorded
from kubot.models import Area, Staff, StaffArea
from kubot.models.plan import Role
from kubot.sheets import Cell, SheetError, rows
from kubot.text import storable
from kubot.values import ValueProblem, match_name

HEADERS = {
    "name": ("namn", "name"),
    "email": ("e-post", "epost", "e-postadress", "email", "e-mail", "mejl"),
    "areas": ("område", "områden", "omrade", "omraden", "area", "areas"),
    "role": ("roll", "role"),
    "title": ("titel", "title", "befattning"),
}
ROLES = {"personal": Role.STAFF, "medarbetare": Role.STAFF, "staff": Role.STAFF, "chef": Role.MANAGER,
         "manager": Role.MANAGER, "admin": Role.ADMIN, "administratör": Role.ADMIN, "administrator": Role.ADMIN}
EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")
LIST_SEPARATOR = re.compile(r"\s*(?:[,;/]|\boch\b)\s*")
MAX_NAME = 200


@dataclass(frozen=True)
class PersonRow:
    """One row, checked: None for a column the file does not have (the field stays as it is)."""

    row: int
    name: str
    email: str | None = None
    areas: tuple[str, ...] | None = None
    role: Role | None = None
    title: str | None = None
    given: frozenset[str] = field(default_factory=frozenset)


def read(path: Path, areas: Mapping[str, str]) -> list[PersonRow]:
    """The people in the file; raises SheetError with every problem found."""
    problems: list[str] = []
    found: list[PersonRow] = []
    for cells in rows(path):
        by_field = _by_field(cells)
        row = cells[0].row if cells else 0
        if "name" not in by_field:
            problems.append(
                f"rad {row}: kolumnen ”namn” saknas i rubrikraden (kolumner: namn, e-post, område, roll, titel)"
            )
            break
        try:
            found.append(_person(row, by_field, areas))
        except ValueError as exc:
            problems.extend(str(exc).splitlines())
    problems += _twice(found)
    if problems:
        raise SheetError(path, list(dict.fromkeys(problems)))
    if not found:
        raise SheetError(path, ["filen har inga personer att importera"])
    return found


def _by_field(cells: Sequence[Cell]) -> dict[str, Cell]:
    known = {header: name for name, headers in HEADERS.items() for header in headers}
    return {known[c.header.casefold()]: c for c in cells if c.header.casefold() in known}


def _text(cell: Cell | None) -> str:
    return storable(" ".join(str(cell.value).split())) if cell is not None and cell.value is not None else ""


def _person(row: int, cells: Mapping[str, Cell], areas: Mapping[str, str]) -> PersonRow:
    problems = []
    name = _text(cells["name"])
    if not name:
        problems.append(f"{cells['name'].where}: namnet saknas – skriv för- och efternamn, t.ex. ”Liselotte Karlsson”")
    elif len(name) > MAX_NAME:
        problems.append(f"{cells['name'].where}: namnet är längre än {MAX_NAME} tecken")
    email = _text(cells.get("email")).lower() or None
    if email is not None and not EMAIL.fullmatch(email):
        problems.append(
            f"{cells['email'].where}: ”{email[:60]}” är ingen e-postadress – skriv t.ex. liselotte.karlsson@rjl.se"
        )
    chosen: tuple[str, ...] | None = None
    if "areas" in cells:
        chosen = ()
        for word in (w for w in LIST_SEPARATOR.split(_text(cells["areas"])) if w):
            try:
                chosen += (match_name(word, {code: (title,) for code, title in areas.items()}, kind="område"),)
            except ValueProblem as exc:
                problems.append(f"{cells['areas'].where}: {exc}")
    role = None
    if word := _text(cells.get("role")).casefold():
        role = ROLES.get(word)
        if role is None:
            problems.append(f"{cells['role'].where}: ”{word[:30]}” är ingen roll – skriv personal, chef eller admin")
    if problems:
        raise ValueError("\n".join(problems))
    return PersonRow(row, name, email, chosen, role, _text(cells["title"]) if "title" in cells else None,
                     frozenset(cells))


def _twice(found: Sequence[PersonRow]) -> list[str]:
    problems = []
    names: dict[str, int] = {}
    emails: dict[str, PersonRow] = {}
    for person in found:
        if (first := names.setdefault(person.name.casefold(), person.row)) != person.row:
            problems.append(f"rad {person.row}: {person.name} står redan på rad {first}")
        if person.email and (other := emails.setdefault(person.email, person)) is not person:
            problems.append(
                f"rad {person.row}: {person.email} är redan {fmt.genitive(other.name)} adress (rad {other.row})"
            )
    return problems


@dataclass(frozen=True)
class Imported:
    recorded: Recorded
    added: tuple[str, ...]
    changed: tuple[str, ...]
    emails_added: int
    emails_changed: int

    def lines(self) -> list[str]:
        lines = [f"Registrerat #{self.recorded.entry.id}: {self.recorded.entry.summary}"]
        if self.added:
            lines.append("Nya: " + ", ".join(self.added) + ".")
        if self.changed:
            lines.append("Ändrade: " + ", ".join(self.changed) + ".")
        lines.append(
            "Personerna i planen följer med nästa kubot plan export; läs in samma fil igen för att ändra tillbaka."
        )
        return lines


def _state(session: Session, staff: Staff) -> dict[str, object]:
    areas = session.exec(select(Area.code).join(StaffArea, col(StaffArea.area_id) == col(Area.id))
                         .where(StaffArea.staff_id == staff.id).order_by(col(Area.code))).all()
    return {"email": staff.email, "role": staff.role, "title": staff.title, "areas": list(areas)}


def import_file(session: Session, path: Path, origin: Origin) -> Imported:
    """Check the whole file, then update the register in one entry; raises SheetError and writes nothing on any
    problem."""
    area_rows = {a.code: a for a in session.exec(select(Area))}
    people = read(path, {code: a.name for code, a in area_rows.items()})
    existing = {p.name.casefold(): p for p in session.exec(select(Staff))}
    problems = [
        f"rad {person.row}: {person.email} är redan {fmt.genitive(owner.name)} adress i planen"
        for person in people
        if person.email
        and (owner := session.exec(select(Staff).where(func.lower(Staff.email) == person.email)).first()) is not None
        and owner.name.casefold() != person.name.casefold()
    ]
    if problems:
        raise SheetError(path, problems)
    added: list[str] = []
    changed: list[str] = []
    before: dict[str, dict[str, object]] = {}
    emails_added = emails_changed = 0
    for person in people:
        staff = existing.get(person.name.casefold())
        if staff is None:
            staff = Staff(name=person.name, role=person.role or Role.STAFF)
            session.add(staff)
            session.flush()
            added.append(person.name)
        was = _state(session, staff)
        if "email" in person.given:
            staff.email = person.email
        if person.role is not None:
            staff.role = person.role
        if person.title is not None:
            staff.title = person.title
        session.add(staff)
        if person.areas is not None:
            session.exec(delete(StaffArea).where(col(StaffArea.staff_id) == staff.id))
            session.add_all(StaffArea(staff_id=staff.id or 0, area_id=area_rows[code].id or 0) for code in person.areas)
        session.flush()
        if staff.name not in added and _state(session, staff) != was:
            changed.append(staff.name)
            before[staff.name] = was
        emails_added += bool(staff.email and not was["email"])
        emails_changed += bool(staff.email and was["email"] and staff.email != was["email"])
    summary = f"Personer från {path.name}: {len(people)} rader, {len(added)} nya, {len(changed)} ändrade, " \
              f"{emails_added} e-postadresser tillagda, {emails_changed} ändrade"
    recorded = journal.record(session, kind=journal.PEOPLE_KIND, summary=summary, origin=origin, rows=[],
                              detail={"file": path.name, "added": added, "before": before})
    return Imported(recorded, tuple(added), tuple(changed), emails_added, emails_changed)
