"""The chat commands. Each docstring is the command's help: summary, then working examples."""

from __future__ import annotations

import re
from datetime import date

from sqlmodel import select

from kubot import facts, journal, records
from kubot import formatting as fmt
from kubot.chat import values
from kubot.chat.registry import COMMANDS, Context, Scope, Usage, command, unique_commands
from kubot.models import Area, Goal, Indicator, Staff, StaffArea
from kubot.models.plan import Role
from kubot.models.records import ActivityState, TargetChange, ThreeK
from kubot.periods import Period, PeriodError
from kubot.port import Reply

_MONTH = r"(?:jan|feb|mar|apr|maj|jun|jul|aug|sep|okt|nov|dec)[a-zåäö]*\.?"
_DATE = re.compile(
    rf"(?<!\S)(\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}/\d{{1,2}}(?:[-/ ]\d{{4}}|-\d{{2}})?|\d{{1,2}} {_MONTH}(?: \d{{4}})?"
    r"|idag|i dag|igår|i går|förrgår|i förrgår|today|yesterday)(?!\S)",
    re.IGNORECASE,
)
_NUMBER = r"-?\d{1,3}(?:[  ]\d{3})+(?:,\d+)?|-?\d+(?:[,.]\d+)?"
_PERIOD = re.compile(r"(?<!\S)(?:t\s?\d[ -]?\d{4}|\d{4}[ -]?t\d)(?!\S)", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\S)(20\d\d)(?!\S)")


def _accepted(recorded: records.Recorded) -> Reply:
    entry = recorded.entry
    if recorded.duplicate:
        return Reply(f"Det här meddelandet är redan registrerat som #{entry.id}: {entry.summary}", accepted=True)
    return Reply(f"Registrerat #{entry.id}: {entry.summary}\nÅngra med: ångra {entry.id}", accepted=True)


def _take(pattern: str | re.Pattern[str], text: str) -> tuple[re.Match[str] | None, str]:
    """The first match of `pattern` and the text with it cut out."""
    match = re.search(pattern, text, re.IGNORECASE) if isinstance(pattern, str) else pattern.search(text)
    if match is None:
        return None, text
    return match, (text[: match.start()] + " " + text[match.end():]).strip()


def _split_at_date(ctx: Context, text: str) -> tuple[str, date | None, str]:
    match = _DATE.search(text)
    if match is None:
        return text.strip(), None, ""
    return text[: match.start()].strip(), values.parse_date(match.group(1), ctx.today), text[match.end():].strip()


def take_period(ctx: Context, text: str) -> tuple[Period, str]:
    """The period named in `text` (default: the tertial we are in) and the text without it."""
    match, rest = _take(_PERIOD, text)
    if match is None:
        return Period.containing(ctx.today), rest
    try:
        return Period.parse(match.group(0)), rest
    except PeriodError as exc:
        raise Usage(str(exc)) from exc


def _number(text: str) -> float:
    return float(values.parse_number(text))


def _leftover(text: str) -> None:
    if text.strip(" ,.;"):
        raise Usage(f"Jag förstod inte ”{text.strip()[:60]}”.")


# --- logging records -----------------------------------------------------------------------------

@command("närvaro", "narvaro", "attendance", role=Role.STAFF, scope=Scope.ANY_AREA)
def attendance(ctx: Context, args: str) -> Reply:
    """Registrera närvaron vid ett nätverksmöte: nätverk, datum och vilka kommuner som var där.
    Exempel: närvaro PKS 2022-03-10 12 av 13
    Exempel: närvaro socialchefsnätverket idag alla utom Habo, Mullsjö
    Exempel: närvaro kommundirektörer 12/5 Aneby, Eksjö, Gislaved kvinnor 5 män 7
    """
    women, args = _take(r"(?<!\S)kvinnor:?\s*(\d+)(?!\S)", args)
    men, args = _take(r"(?<!\S)män:?\s*(\d+)(?!\S)", args)
    network_text, held_on, who = _split_at_date(ctx, args)
    if not network_text:
        raise Usage("Skriv vilket nätverk mötet gällde.")
    if held_on is None:
        raise Usage("Skriv mötets datum, t.ex. 2022-03-10, 12/5 eller idag.")
    if not who:
        raise Usage("Skriv vilka som var där: ”12 av 13”, ”alla”, ”alla utom Habo” eller kommunernas namn.")
    lexicon = ctx.lexicon(held_on.year)
    network_code = lexicon.network(network_text)
    network = records.network(ctx.session, network_code)
    guests = {m.code: m.name for m in records.invited(ctx.session, network)}
    common = {"origin": ctx.origin, "network_code": network_code, "held_on": held_on, "today": ctx.today,
              "women": int(women.group(1)) if women else None, "men": int(men.group(1)) if men else None}
    counted = re.match(r"(\d+)\s*(?:av|/)\s*(\d+)(?!\S)", who, re.IGNORECASE) or re.match(r"(\d+)(?!\S)", who)
    if counted:
        _leftover(who[counted.end():])
        if counted.lastindex == 2 and int(counted.group(2)) != len(guests):
            raise Usage(f"{network.name} har {len(guests)} inbjudna, inte {counted.group(2)}. "
                        f"Skriv t.ex. ”{min(int(counted.group(1)), len(guests))} av {len(guests)}”.")
        return _accepted(records.log_attendance(ctx.session, present_count=int(counted.group(1)), **common))  # type: ignore[arg-type]
    # "alla" means everyone invited to this network; named municipalities are checked against the invitation.
    everyone = re.match(r"(alla|samtliga)(?!\S)", who, re.IGNORECASE) is not None
    present = values.parse_municipalities(who, guests if everyone else lexicon.municipalities)
    return _accepted(records.log_attendance(ctx.session, present=present, **common))  # type: ignore[arg-type]


def _indicator(ctx: Context, text: str, year: int) -> Indicator:
    code = ctx.lexicon(year).indicator(text)
    indicator = records.indicator_in_force(ctx.session, code, year)
    _check_may_report(ctx, indicator.responsible_id, indicator.goal_id, f"mätetalet {indicator.code}")
    return indicator


def _check_may_report(ctx: Context, responsible_id: int | None, goal_id: int, what: str) -> None:
    """Staff report for what they are responsible for, or for their areas; managers for everything."""
    if ctx.has_role(Role.MANAGER) or responsible_id == ctx.actor.id:
        return
    goal = ctx.session.get(Goal, goal_id)
    my_areas = set(ctx.session.exec(select(StaffArea.area_id).where(StaffArea.staff_id == ctx.actor.id)))
    area_id = goal.area_id if goal else None
    while area_id is not None:
        if area_id in my_areas:
            return
        area = ctx.session.get(Area, area_id)
        area_id = area.parent_id if area else None
    owner = ctx.session.get(Staff, responsible_id) if responsible_id else None
    raise Usage(f"Du kan inte rapportera för {what}: det hör inte till dina områden. "
                f"Ansvarig är {owner.name if owner else 'en chef eller administratör'}.")


@command("resultat", "result", role=Role.STAFF, scope=Scope.OWN_AREA)
def result(ctx: Context, args: str) -> Reply:
    """Rapportera ett inmatat mätetals resultat för en period, gärna med analys efter kolon.
    Exempel: resultat nojd-medarbetare 79 % T2 2022: Målvärde nås nästan. En marginell minskning jämfört med 2021.
    Exempel: resultat fri-fritidsbank 3 T1 2022
    """
    head, _, analysis = args.partition(":")
    period, head = take_period(ctx, head)
    value_match = re.search(rf"(?<!\S)({_NUMBER})\s*%?\s*$|(?<!\S)(ja|nej)\s*$", head, re.IGNORECASE)
    if value_match is None:
        raise Usage("Skriv mätetalets kod och resultatet, t.ex. ”resultat nojd-medarbetare 79 % T2 2022”.")
    name = head[: value_match.start()].strip()
    if not name:
        raise Usage("Skriv vilket mätetal resultatet gäller, före värdet.")
    indicator = _indicator(ctx, name, period.year)
    raw = value_match.group(1)
    value = (1.0 if value_match.group(2).lower() == "ja" else 0.0) if raw is None else _number(raw)
    return _accepted(records.log_result(ctx.session, origin=ctx.origin, indicator_code=indicator.code, period=period,
                                        today=ctx.today, value=value, analysis=analysis))


@command("analys", "analysis", role=Role.STAFF, scope=Scope.OWN_AREA)
def analysis(ctx: Context, args: str) -> Reply:
    """Skriv analystexten till ett mätetal för en period – den står bredvid resultatet i rapporten.
    Exempel: analys narvaro-pks T2 2022: PKS har sedan mätningarnas början legat över målvärdet på 80 %.
    """
    head, colon, text = args.partition(":")
    if not colon:
        raise Usage("Skriv analysen efter ett kolon.")
    period, name = take_period(ctx, head)
    if not name:
        raise Usage("Skriv vilket mätetal analysen gäller.")
    indicator = _indicator(ctx, name, period.year)
    return _accepted(records.log_analysis(ctx.session, origin=ctx.origin, indicator_code=indicator.code, period=period, text=text))


_STATES = [
    ("pågår med allvarliga problem", ActivityState.SERIOUS_PROBLEMS), ("pågår med allvarligt problem", ActivityState.SERIOUS_PROBLEMS),
    ("allvarliga problem", ActivityState.SERIOUS_PROBLEMS), ("allvarligt problem", ActivityState.SERIOUS_PROBLEMS),
    ("pågår med problem", ActivityState.PROBLEMS), ("med problem", ActivityState.PROBLEMS), ("problem", ActivityState.PROBLEMS),
    ("pågår enligt plan", ActivityState.ON_TRACK), ("enligt plan", ActivityState.ON_TRACK), ("pågår", ActivityState.ON_TRACK),
    ("ej påbörjad", ActivityState.NOT_STARTED), ("inte påbörjad", ActivityState.NOT_STARTED), ("ej startad", ActivityState.NOT_STARTED),
    ("inte startad", ActivityState.NOT_STARTED), ("avbruten", ActivityState.CANCELLED), ("inställd", ActivityState.CANCELLED),
    ("klar", ActivityState.DONE), ("genomförd", ActivityState.DONE), ("avslutad", ActivityState.DONE), ("done", ActivityState.DONE),
]


@command("aktivitet", "activity", role=Role.STAFF, scope=Scope.OWN_AREA)
def activity(ctx: Context, args: str) -> Reply:
    """Ange en aktivitets status: pågår enligt plan, ej påbörjad, pågår med problem, pågår med allvarligt problem, avbruten eller klar.
    Exempel: aktivitet a-fin-brukarrev pågår med problem: två av fem revisioner genomförda
    Exempel: aktivitet a-pks-sammantraden klar
    """
    head, _, comment = args.partition(":")
    folded = head.casefold()
    for phrase, state in _STATES:  # noqa: B007 (the state that matched is used after the loop)
        match = re.search(rf"(?<!\S){re.escape(phrase)}\s*$", folded)
        if match:
            name = head[: match.start()].strip()
            break
    else:
        raise Usage("Skriv aktivitetens status efter koden: pågår enligt plan, ej påbörjad, pågår med problem, "
                    "pågår med allvarligt problem, avbruten eller klar.")
    if not name:
        raise Usage("Skriv vilken aktivitet det gäller, före statusen.")
    code = ctx.lexicon().activity(name)
    item = records.activity_in_force(ctx.session, code, ctx.today.year)
    _check_may_report(ctx, item.responsible_id, item.goal_id, f"aktiviteten {item.code}")
    return _accepted(records.log_activity_status(ctx.session, origin=ctx.origin, activity_code=code, state=state,
                                                 reported_on=ctx.today, comment=comment))


@command("kurs", "course", role=Role.STAFF, scope=Scope.ANY_AREA)
def course(ctx: Context, args: str) -> Reply:
    """Registrera en kurs: namn, datum, antal deltagare, ev. digital, pris per deltagare och externt pris.
    Exempel: kurs Motiverande samtal 2022-04-05 20 deltagare pris 4 500 extern 7 500
    Exempel: kurs GDPR 12 maj 30 deltagare digital pris 1 840 extern 4 999
    """
    name, held_on, rest = _split_at_date(ctx, args)
    if not name or held_on is None:
        raise Usage("Skriv kursens namn och sedan datum, t.ex. ”kurs GDPR 2022-05-12 30 deltagare”.")
    participants, rest = _take(r"(?<!\S)(\d+)\s*deltagare(?!\S)", rest)
    if participants is None:
        raise Usage("Skriv antalet deltagare, t.ex. ”20 deltagare”.")
    digital, rest = _take(r"(?<!\S)(digital|digitalt|distans)(?!\S)", rest)
    external, rest = _take(rf"(?<!\S)extern(?:t)?(?:\s+pris)?:?\s*({_NUMBER})(?:\s*kr)?(?!\S)", rest)
    price, rest = _take(rf"(?<!\S)pris:?\s*({_NUMBER})(?:\s*kr)?(?!\S)", rest)
    _leftover(rest)
    return _accepted(records.log_course(
        ctx.session, origin=ctx.origin, name=name, held_on=held_on, today=ctx.today,
        participants=values.parse_int(participants.group(1), minimum=1, maximum=100_000, what="antal deltagare"),
        digital=digital is not None, price=_number(price.group(1)) if price else None,
        external_price=_number(external.group(1)) if external else None,
    ))


@command("ansökan", "ansokan", "application", role=Role.STAFF, scope=Scope.ANY_AREA)
def application(ctx: Context, args: str) -> Reply:
    """Registrera en ansökan om externa medel: projekt, finansiär, sökt belopp och ev. beslut.
    Exempel: ansökan KOSTA ESF-rådet 27 000 000 beviljat 12 500 000
    Exempel: ansökan "Brukarstyrda brukarrevisioner" Forte 4 916 220 avslag 2022-06-01
    """
    date_match, rest = _take(_DATE, args)
    decided_on = values.parse_date(date_match.group(1), ctx.today) if date_match else ctx.today
    granted, rest = _take(rf"(?<!\S)bevilja(?:t|de|ts)?:?\s*({_NUMBER})(?:\s*kr)?(?!\S)", rest)
    rejected, rest = _take(r"(?<!\S)(avslag|avslagen|avslogs|nej)(?!\S)", rest)
    sought = re.search(rf"(?<!\S)({_NUMBER})(?:\s*kr)?\s*$", rest)
    if sought is None:
        raise Usage("Skriv det sökta beloppet efter projekt och finansiär.")
    names = rest[: sought.start()].strip()
    quoted = re.findall(r"[\"”“']([^\"”“']+)[\"”“']", names)
    if len(quoted) >= 2:
        project, funder = quoted[0], quoted[1]
    elif len(quoted) == 1:
        project, funder = quoted[0], re.sub(r"[\"”“'][^\"”“']+[\"”“']", "", names).strip()
    else:
        project, _, funder = names.partition(" ")
    if not project or not funder:
        raise Usage("Skriv både projekt och finansiär före beloppet; namn med mellanslag inom citattecken.")
    return _accepted(records.log_application(
        ctx.session, origin=ctx.origin, project=project, funder=funder, sought=_number(sought.group(1)),
        granted=_number(granted.group(1)) if granted else None, rejected=rejected is not None,
        decided_on=decided_on, today=ctx.today,
    ))


@command("enkät", "enkat", "survey", role=Role.STAFF, scope=Scope.ANY_AREA)
def survey(ctx: Context, args: str) -> Reply:
    """Registrera svaren på en enkätfråga i ett nätverk: antal svar per skalsteg 1–6, ev. ”vet ej” och år.
    Exempel: enkät samverkan-kommuner socialchefsnätverket 0 1 3 4 6 5 vet ej 2
    """
    dont_know, rest = _take(r"(?<!\S)vet ej:?\s*(\d+)(?!\S)", args)
    year_match = re.search(r"(?<!\S)(?:år\s+)?(20\d\d)\s*$", rest)
    year = int(year_match.group(1)) if year_match else ctx.today.year
    if year_match:
        rest = rest[: year_match.start()]
    counts = re.search(r"(?<!\S)(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$", rest)
    if counts is None:
        raise Usage("Skriv sex antal, ett per skalsteg 1–6, efter fråga och nätverk.")
    question_text, _, network_text = rest[: counts.start()].strip().partition(" ")
    if not network_text:
        raise Usage("Skriv frågans kod och nätverket före antalen.")
    if year > ctx.today.year:
        raise Usage(f"Året {year} har inte börjat än.")
    lexicon = ctx.lexicon(year)
    return _accepted(records.log_survey(
        ctx.session, origin=ctx.origin, year=year, question_code=lexicon.question(question_text),
        network_code=lexicon.network(network_text),
        counts=tuple(int(n) for n in counts.groups()),  # type: ignore[arg-type]
        dont_know=int(dont_know.group(1)) if dont_know else 0,
    ))


_THREE_K = {"kostnad": ThreeK.COST, "kostnadseffektivitet": ThreeK.COST, "kompetens": ThreeK.COMPETENCE,
            "kompetenshöjning": ThreeK.COMPETENCE, "kvalitet": ThreeK.QUALITY, "kvalitetshöjning": ThreeK.QUALITY}


@command("händelse", "handelse", "event", role=Role.STAFF, scope=Scope.ANY_AREA)
def event(ctx: Context, args: str) -> Reply:
    """Registrera en viktig händelse eller ett exempel för rapporten: område, ev. 3K-effekt (kostnad, kompetens, kvalitet), och text efter kolon.
    Exempel: händelse Barnahus kompetens: Fyra utbildningsinsatser om hedersrelaterat våld.
    """
    head, colon, text = args.partition(":")
    if not colon:
        raise Usage("Skriv händelsen efter ett kolon.")
    day, head = _take(_DATE, head)
    kind, head = _take(rf"(?<!\S)({'|'.join(_THREE_K)})(?!\S)", head)
    return _accepted(records.log_event(
        ctx.session, origin=ctx.origin, area_code=ctx.lexicon().area(head) if head else None,
        occurred_on=values.parse_date(day.group(1), ctx.today) if day else ctx.today,
        text=text, three_k=_THREE_K[kind.group(1).lower()] if kind else None,
    ))


@command("målvärde", "malvarde", "target", role=Role.ADMIN, scope=Scope.ANY_AREA)
def target(ctx: Context, args: str) -> Reply:
    """Sätt ett mätetals målvärde för ett år (administratörer).
    Exempel: målvärde nojd-medarbetare 50 2022
    """
    year_match = re.search(r"(?<!\S)(20\d\d)\s*$", args)
    year = int(year_match.group(1)) if year_match else ctx.today.year
    head = args[: year_match.start()] if year_match else args
    value_match = re.search(rf"(?<!\S)({_NUMBER})\s*%?\s*$", head)
    if value_match is None:
        raise Usage("Skriv mätetalets kod, målvärdet och året.")
    indicator = records.indicator_in_force(ctx.session, ctx.lexicon(year).indicator(head[: value_match.start()].strip()), year)
    value = _number(value_match.group(1))
    before = facts.target_for(ctx.session, indicator, year)
    unit_value = fmt.in_unit(indicator.unit, value)
    summary = f"Målvärde för {indicator.code} ”{indicator.name}” {year}: {unit_value}"
    summary += f" (tidigare {fmt.in_unit(indicator.unit, before)})" if before is not None else " (inget tidigare)"
    if indicator.unit == "procent" and not 0 <= value <= 100:
        raise Usage(f"{fmt.number(value)} % är inte ett möjligt målvärde för en andel.")
    recorded = journal.record(ctx.session, kind="målvärde", summary=summary, origin=ctx.origin,
                              rows=[TargetChange(indicator_code=indicator.code, year=year, value=value)])
    return _accepted(recorded)


# --- questions and housekeeping ------------------------------------------------------------------

@command("ångra", "angra", "undo", role=Role.STAFF, scope=Scope.OWN_ENTRIES)
def undo(ctx: Context, args: str) -> Reply:
    """Ångra din senaste registrering, eller en äldre med dess nummer.
    Exempel: ångra
    Exempel: ångra 412
    """
    number = args.strip().lstrip("#")
    if number and not number.isdigit():
        raise Usage("Skriv ”ångra” för din senaste registrering eller ”ångra 412” för en viss.")
    entry = journal.undo(ctx.session, entry_id=int(number) if number else None, origin=ctx.origin)
    return Reply(f"Ångrat #{entry.id}: {entry.summary}", accepted=True)


@command("vem", "whoami", role=Role.STAFF, scope=Scope.READ)
def whoami(ctx: Context, args: str) -> Reply:
    """Visa vem kubot tror att du är, din roll och dina områden.
    Exempel: vem
    """
    areas = ctx.session.exec(select(Area.name).join(StaffArea).where(StaffArea.staff_id == ctx.actor.id)).all()
    role = {Role.STAFF: "medarbetare", Role.MANAGER: "chef", Role.ADMIN: "administratör"}[Role(ctx.actor.role)]
    title = f", {ctx.actor.title}" if ctx.actor.title else ""
    return Reply(f"Du är {ctx.actor.name}{title} – roll: {role}. Områden: {', '.join(areas) or 'inga angivna'}.")


@command("hjälp", "hjalp", "help", "?", role=Role.STAFF, scope=Scope.READ)
def help_(ctx: Context, args: str) -> Reply:
    """Visa vad kubot kan, eller hjälp och exempel för ett kommando.
    Exempel: hjälp närvaro
    """
    if args:
        wanted = COMMANDS.get(args.split()[0].lower())
        if wanted is None:
            raise Usage(f"Det finns inget kommando ”{args.split()[0][:30]}”. Skriv ”hjälp” för en lista.")
        lines = wanted.help.splitlines()
        examples = "\n".join(f"  {e}" for e in wanted.examples)
        aliases = f" (även: {', '.join(wanted.aliases)})" if wanted.aliases else ""
        return Reply(f"{wanted.name}{aliases}: {lines[0]}\nExempel:\n{examples}")
    rows = [f"• {c.name} – {c.summary}\n    t.ex. {c.examples[0]}" for c in unique_commands() if c.examples and ctx.has_role(c.role)]
    return Reply("Det här kan jag:\n" + "\n".join(rows) + "\nSkriv ”hjälp <kommando>” för fler exempel.")
