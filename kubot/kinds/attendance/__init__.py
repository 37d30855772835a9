"""Närvaro: who of the invited came to a network's meetings (by name or by count, optionally by gender)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select as select_rows
from sqlmodel import Session, col, select

from kubot import derived
from kubot.journal import is_active
from kubot.kinds.base import Ask, Facts, IndicatorSource, IndicatorValue, Kind, Window, every_period, share
from kubot.models import Attendance, AttendancePresence, Entry, Indicator, Network
from kubot.models.plan import Source
from kubot.periods import Period
from kubot.plan.queries import invited

NAME = "närvaro"
# An indicator over many networks gets the general form; a list of 30 alternatives helps nobody.
MAX_NAMED_NETWORKS = 3


def meetings(facts: Facts) -> list[derived.AttendanceFact]:
    return facts.of(NAME, [])


def load(window: Window) -> list[derived.AttendanceFact]:
    session, networks, municipality_code = window.session, window.networks, window.municipality_code
    # Columns rather than model objects: building an ORM object per row costs more than the query (a
    # database after ten years holds thousands of meetings and courses for the two years a report reads).
    rows = session.execute(
        select_rows(
            col(Attendance.id),
            col(Attendance.network_id),
            col(Attendance.held_on),
            col(Attendance.names_known),
            col(Attendance.invited_count),
            col(Attendance.present_count),
            col(Attendance.women),
            col(Attendance.men),
        )
        .join(Entry, is_active(Attendance.entry_id, window.recorded_by))
        .where(col(Attendance.held_on).between(window.start, window.end))
        .order_by(col(Attendance.held_on))
    ).all()
    presence: dict[int, set[str]] = defaultdict(set)
    invited_then: dict[int, set[str]] = defaultdict(set)
    for attendance_id, municipality_id, present in session.exec(
        select(AttendancePresence.attendance_id, AttendancePresence.municipality_id, AttendancePresence.present)
        .where(col(AttendancePresence.attendance_id).in_([m[0] for m in rows]))
    ):
        invited_then[attendance_id].add(municipality_code[municipality_id])
        if present:
            presence[attendance_id].add(municipality_code[municipality_id])
    invited_codes: dict[int, frozenset[str]] = {}
    found = []
    for meeting_id, network_id, held_on, names_known, invited_count, present_count, women, men in rows:
        assert meeting_id is not None
        if not names_known and network_id not in invited_codes:
            invited_codes[network_id] = frozenset(x.code for x in invited(session, networks[network_id]))
        found.append(derived.AttendanceFact(
            network=networks[network_id].code, day=held_on,
            # Who was invited is taken from the meeting itself when names were logged: the network may change later.
            invited=frozenset(invited_then[meeting_id]) if names_known else invited_codes[network_id],
            present=frozenset(presence[meeting_id]) if names_known else None,
            invited_count=invited_count, present_count=present_count, women=women, men=men,
        ))
    return found


def _overall(indicator: Indicator, facts: Facts, period: Period, target: float | None) -> IndicatorValue:
    return share(derived.attendance(meetings(facts), period, frozenset(indicator.networks) or None))


def _each_municipality(indicator: Indicator, facts: Facts, period: Period, target: float | None) -> IndicatorValue:
    """For "every municipality at least X %" the value is the lowest municipality's share and `below` names those
    under `target`."""
    networks = frozenset(indicator.networks) or None
    shares = derived.attendance_by_municipality(meetings(facts), period, networks)
    if not shares:
        return IndicatorValue(None)
    lowest = min(shares.values(), key=lambda r: r.value or 0.0)
    below = tuple(derived.municipalities_below(meetings(facts), period, target, networks)) if target is not None else ()
    return IndicatorValue(lowest.percent, lowest, below)


def how(session: Session, ask: Ask) -> str:
    """"närvaro PKS <datum> <antal> av 13": the network and how many it invites filled in when the plan knows them."""
    if not 0 < len(ask.networks) <= MAX_NAMED_NETWORKS:
        return "närvaro <nätverk> <datum> <antal> av <inbjudna>"
    found = {n.code: n for n in session.exec(select(Network).where(col(Network.code).in_(ask.networks)))}
    return " eller ".join(
        f"närvaro {code} <datum> <antal> av {len(invited(session, found[code])) if code in found else '<inbjudna>'}"
        for code in ask.networks)


def prefill(ask: Ask) -> dict[str, str]:
    return {"network": ask.networks[0]} if len(ask.networks) == 1 else {}


KIND = Kind(
    name=NAME,
    package=__name__,
    tables=(Attendance, AttendancePresence),
    load=load,
    sources=(
        IndicatorSource(
            Source.ATTENDANCE, "närvaron vid nätverksmötena", _overall, every_period, how, "närvaro", prefill
        ),
        IndicatorSource(
            Source.ATTENDANCE_EACH_MUNICIPALITY,
            "varje kommuns närvaro vid nätverksmötena",
            _each_municipality,
            every_period,
            how,
            "närvaro",
            prefill,
        ),
    ),
)
