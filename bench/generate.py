"""A generated year of records for the plan in force, for benchmarks: deterministic from a seed.

Everything is written through the record kinds' `log_*` functions (`kubot/kinds/*/record.py`), so the records are what
chat would have stored (journaled, validated). `scale` multiplies the volumes; scale 1 is
roughly a real year of Kommunal utveckling: about six meetings per network, 160 courses,
14 funding applications, the annual survey in every network, a result and an analysis for
every typed-in indicator, a status for every activity, events, economy lines and staff.

    from generate import generate_year      # from a script in bench/
    counts = generate_year(session, 2018, seed=1, scale=1.0)
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

from sqlmodel import Session, select

from kubot import economy, records
from kubot.journal import Origin
from kubot.kinds.activity.record import log_activity_status
from kubot.kinds.application.record import log_application
from kubot.kinds.attendance.record import log_attendance
from kubot.kinds.course.record import log_course
from kubot.kinds.economy.record import log_economy
from kubot.kinds.event.record import log_event
from kubot.kinds.result.record import log_analysis, log_result
from kubot.kinds.staff.record import log_staff_fte
from kubot.kinds.survey.record import log_survey
from kubot.models import Activity, Area, Indicator, Network, StaffFte, SurveyQuestion
from kubot.models.plan import Source, Timing, Unit
from kubot.models.records import ActivityState, EmploymentForm, ThreeK
from kubot.periods import Period
from kubot.plan import queries as plan_queries

ORIGIN = Origin(actor=None, channel="bench")
COURSES = (
    "Motiverande samtal",
    "GDPR",
    "Arbete på väg nivå 1-2",
    "Diplomerad upphandlare",
    "Molntjänster",
    "Entreprenadjuridik",
    "Gallra och bevara",
    "Kurs för överförmyndare",
    "Psykisk ohälsa hos äldre",
    "MI fördjupning",
)
FUNDERS = ("ESF-rådet", "Forte", "FORSS", "Vinnova", "Sveriges kulturråd", "MUCF", "Socialstyrelsen")
COMMENTS = (
    "Arbetet går enligt planen.",
    "Två av fem träffar genomförda.",
    "Utbildningen genomfördes för 40 deltagare.",
    "Förseningar på grund av vakanta tjänster.",
    "Klart och redovisat för styrgruppen.",
)


def _day(rng: random.Random, year: int, last: date) -> date:
    start = date(year, 1, 1)
    return start + timedelta(days=rng.randrange((last - start).days + 1))


def generate_year(
    session: Session, year: int, *, seed: int = 1, scale: float = 1.0, today: date | None = None
) -> Counter[str]:
    """Log a year of records for `year` (up to `today`, default 31 December); returns the count per kind."""
    rng = random.Random(f"{seed}-{year}")
    last = min(today or date(year, 12, 31), date(year, 12, 31))
    counts: Counter[str] = Counter()
    municipalities = records.municipalities_by_code(session)

    for network in session.exec(select(Network)).all():
        guests = [m.code for m in plan_queries.invited(session, network)]
        base = rng.uniform(0.5, 0.95)
        for _ in range(max(1, round(6 * scale))):
            present = frozenset(code for code in guests if rng.random() < base)
            women = rng.randrange(len(present) + 1)
            log_attendance(session, origin=ORIGIN, again=True, network_code=network.code, held_on=_day(rng, year, last),
                                   today=last, present=present, women=women, men=len(present) - women)
            counts["närvaro"] += 1

    for index in range(round(160 * scale)):
        participants = {code: rng.randrange(0, 6) for code in rng.sample(sorted(municipalities), 5)}
        participants = {code: n for code, n in participants.items() if n} or {"jonkoping": 3}
        price = rng.choice((1840, 1945, 2050, 2850, 4110, 4500, 5150, 21300))
        log_course(session, origin=ORIGIN, again=True, name=f"{COURSES[index % len(COURSES)]} {index + 1}",
                           held_on=_day(rng, year, last), today=last, by_municipality=participants,
                           digital=rng.random() < 0.3, price=price if index % 3 else None,
                           external_price=round(price * rng.uniform(1.1, 2.4)) if index % 3 else None)
        counts["kurs"] += 1

    for index in range(round(14 * scale)):
        sought = rng.randrange(200_000, 27_000_000, 1000)
        outcome = rng.random()
        log_application(session, origin=ORIGIN, again=True, project=f"Projekt {index + 1}", funder=rng.choice(FUNDERS),
                                sought=sought, decided_on=_day(rng, year, last), today=last,
                                granted=round(sought * rng.uniform(0.2, 1.0)) if outcome < 0.55 else None,
                                rejected=0.55 <= outcome < 0.9)
        counts["ansökan"] += 1

    networks = [n.code for n in session.exec(select(Network)).all()]
    if last >= date(year, 11, 30):
        for question in session.exec(select(SurveyQuestion)).all():
            for network in rng.sample(networks, min(len(networks), max(1, round(20 * scale)))):
                answers = tuple(rng.randrange(0, 3 + 2 * step) for step in range(6))
                log_survey(
                    session,
                    origin=ORIGIN,
                    year=year,
                    question_code=question.code,
                    network_code=network,
                    counts=answers if sum(answers) else (0, 0, 0, 0, 1, 0),
                    dont_know=rng.randrange(3),
                )  # type: ignore[arg-type]
                counts["enkät"] += 1

    indicators = plan_queries.items(session, Indicator, year)
    if indicators:
        period = Period.containing(last) if last < date(year, 12, 31) else Period(year, 3)
        for indicator in indicators:
            if indicator.timing == Timing.YEARLY and (indicator.measured_month or 12) > last.month:
                continue
            if indicator.source == Source.TYPED and rng.random() < 0.85:
                value = {Unit.PERCENT: rng.randrange(30, 101), Unit.COUNT: rng.randrange(0, 20),
                         Unit.KRONOR: rng.randrange(0, 5_000_000), Unit.YES_NO: rng.randrange(2)}[Unit(indicator.unit)]
                log_result(session, origin=ORIGIN, indicator_code=indicator.code, period=period, today=last,
                                   value=value, analysis="Resultatet följer planen." if rng.random() < 0.5 else "")
                counts["resultat"] += 1
            elif indicator.source != Source.TYPED and rng.random() < 0.4:
                log_analysis(session, origin=ORIGIN, indicator_code=indicator.code, period=period,
                                     text="Resultatet är räknat ur registreringarna; se diagrammet.")
                counts["analys"] += 1
        for activity in plan_queries.items(session, Activity, year):
            if rng.random() < 0.9:
                log_activity_status(session, origin=ORIGIN, activity_code=activity.code,
                                            state=rng.choice(list(ActivityState)), reported_on=_day(rng, year, last),
                                            comment=rng.choice(COMMENTS) if rng.random() < 0.4 else "")
                counts["aktivitet"] += 1
        areas = session.exec(select(Area)).all()
        for _ in range(round(30 * scale)):
            area = rng.choice(areas)
            log_event(session, origin=ORIGIN, area_code=area.code, occurred_on=_day(rng, year, last),
                              text=f"Viktig händelse inom {area.name}.", three_k=rng.choice([None, *ThreeK]))
            counts["händelse"] += 1
        log_economy(session, origin=ORIGIN, as_of=period.end, figures={
            area.code: {item: float(rng.randrange(100, 40_000)) for item in economy.ITEMS}
            for area in areas if area.parent_id is None})
        counts["ekonomi"] += 1
        for earlier in range(year - 2, year + 1):
            if session.exec(select(StaffFte).where(StaffFte.year == earlier)).first() is None:
                log_staff_fte(session, origin=ORIGIN, year=earlier,
                                      ftes={form: round(rng.uniform(5, 25), 1) for form in EmploymentForm})
                counts["årsarbetare"] += 1
    return counts
