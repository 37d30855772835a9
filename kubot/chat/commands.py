"""The chat commands. Each docstring is the command's help: summary, then working examples."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

from sqlmodel import select

from kubot import access, facts, journal, records
from kubot import formatting as fmt
from kubot.access import Action
from kubot.chat import grammar, help_text, values
from kubot.chat.lexicon import Lexicon
from kubot.chat.registry import COMMANDS, Context, Scope, Usage, command, unique_commands
from kubot.chat.values import ValueProblem
from kubot.models import Activity, Area, Indicator, Staff, StaffArea, StrategicGoal
from kubot.models.plan import Role
from kubot.models.records import ActivityState, TargetChange, ThreeK
from kubot.periods import Period
from kubot.plan import queries as plan_queries
from kubot.port import Reply


def _accepted(ctx: Context, recorded: records.Recorded) -> Reply:
    """The reply to a stored entry: its number, what was stored, and how to undo it. A comment is kept with it."""
    entry = recorded.entry
    if recorded.duplicate:
        return Reply(f"Det här meddelandet är redan registrerat som #{entry.id}: {entry.summary}", accepted=True)
    if ctx.comment:
        journal.comment(ctx.session, entry, ctx.comment)
    corrected = ctx.origin.corrects
    head = f"Rättat #{corrected.id} – ersatt av #{entry.id}" if corrected is not None else f"Registrerat #{entry.id}"
    return Reply(f"{head}: {entry.summary}\nÅngra med: ångra {entry.id}", accepted=True)


def take_period(ctx: Context, text: str) -> tuple[Period, str]:
    """The period named in `text` (a bare year is the whole year; default: the tertial we are in) and the text without it."""
    period, rest = grammar.take_period(text, ctx.today, year_alone=True)
    return period or Period.containing(ctx.today), rest


def _leftover(text: str) -> None:
    if text.strip(" ,.;:"):
        raise Usage(f"Jag förstod inte ”{text.strip()[:60]}”.")


# --- logging records -----------------------------------------------------------------------------

_EVERYONE = re.compile(r"(?<!\S)(?:alla|samtliga)(?!\S)", re.IGNORECASE)
# "alla var där (utom Habo)" says no more than "alla (utom Habo)".
_EVERYONE_CAME = re.compile(r"(?<!\S)(alla|samtliga)\s+(?:var\s+(?:där|med|på plats|närvarande)|kom|deltog)(?!\S)", re.IGNORECASE)
_AGAIN = ("ytterligare",)
# The word that makes a status's comment or an event one of the report's examples.
_EXAMPLE = ("exempel",)


@command("närvaro", "narvaro", "attendance", comment=True, role=Role.STAFF, scope=Scope.ANY_AREA)
def attendance(ctx: Context, args: str) -> Reply:
    """Registrera närvaron vid ett nätverksmöte: nätverk, datum och vilka kommuner som var där.
    Exempel: närvaro PKS 2022-03-10 12 av 13
    Exempel: närvaro socialchefsnätverket idag alla utom Habo, Mullsjö
    Exempel: närvaro kommundirektörer 12/5 Aneby, Eksjö, Gislaved kvinnor 5 män 7
    """
    text = _EVERYONE_CAME.sub(r"\1", grammar.tidy(args))
    again, text = grammar.take_flag(text, *_AGAIN)
    women, text = grammar.take_count(text, ("kvinnor",), what="antal kvinnor")
    men, text = grammar.take_count(text, ("män",), what="antal män")
    dated = grammar.split_at_date(text, ctx.today)
    if dated is None:
        raise Usage("Skriv mötets datum, t.ex. 2022-03-10, 12/5, idag eller i måndags.")
    before, held_on, after = dated
    lexicon = ctx.lexicon(held_on.year)
    counted, rest = grammar.take_ratio(f"{before} {after}")
    if counted is None and (bare := re.fullmatch(r"(.*?)\s*(?<!\S)([0-9]+)", after)):
        counted, rest = (grammar.count(bare[2], "antal närvarande"), 0), f"{before} {bare[1]}"
    if counted is not None:
        network_text, who = rest, ""
    elif (everyone := _EVERYONE.search(after)) or (everyone := _EVERYONE.search(before)):
        source = after if everyone.string is after else before
        network_text = f"{before if source is after else ''} {source[: everyone.start()]}"
        who = source[everyone.start():]
    elif before and after:
        network_text, who = before, after
    else:
        network_text, who = _network_first(lexicon, before or after)
    if not network_text.strip():
        raise Usage("Skriv vilket nätverk mötet gällde.")
    if counted is None and not who.strip():
        raise Usage("Skriv vilka som var där: ”12 av 13”, ”alla”, ”alla utom Habo” eller kommunernas namn.")
    network_code = lexicon.network(network_text.strip())
    network = records.network(ctx.session, network_code)
    guests = {m.code: m.name for m in plan_queries.invited(ctx.session, network)}
    common = {"origin": ctx.origin, "network_code": network_code, "held_on": held_on, "today": ctx.today,
              "women": women, "men": men, "again": again}
    if counted is not None:
        present, whole = counted
        if whole and whole != len(guests):
            raise Usage(f"{network.name} har {len(guests)} inbjudna, inte {whole}. "
                        f"Skriv t.ex. ”{min(present, len(guests))} av {len(guests)}”.")
        return _accepted(ctx, records.log_attendance(ctx.session, present_count=present, **common))  # type: ignore[arg-type]
    # "alla" means everyone invited to this network; named municipalities are checked against the invitation.
    everyone_invited = _EVERYONE.match(who.strip()) is not None
    present_codes = values.parse_municipalities(who, guests if everyone_invited else lexicon.municipalities)
    return _accepted(ctx, records.log_attendance(ctx.session, present=present_codes, **common))  # type: ignore[arg-type]


def _network_first(lexicon: Lexicon, text: str) -> tuple[str, str]:
    """Split "PKS Aneby, Eksjö" into the network's name and the municipalities after it: the longest
    run of first words that is a network's name; without one, the whole text is the name."""
    words = text.split()
    for length in range(len(words) - 1, 0, -1):
        try:
            lexicon.network(" ".join(words[:length]))
        except ValueProblem:
            continue
        return " ".join(words[:length]), " ".join(words[length:])
    return text, ""


def _indicator(ctx: Context, text: str, year: int) -> Indicator:
    code = ctx.lexicon(year).indicator(text)
    indicator = records.indicator_in_force(ctx.session, code, year)
    _check_may_report(ctx, indicator, f"mätetalet {indicator.code}")
    return indicator


def _check_may_report(ctx: Context, item: Indicator | Activity, what: str) -> None:
    if access.may(ctx.session, ctx.actor, Action.REPORT, item):
        return
    owner = ctx.session.get(Staff, item.responsible_id) if item.responsible_id else None
    raise records.NotAllowed(f"Du kan inte rapportera för {what}: det hör inte till dina områden. "
                f"Ansvarig är {owner.name if owner else 'en chef eller administratör'}.")


@command("resultat", "result", role=Role.STAFF, scope=Scope.OWN_AREA)
def result(ctx: Context, args: str) -> Reply:
    """Rapportera ett inmatat mätetals resultat för en period, gärna med analys efter kolon.
    Exempel: resultat nojd-medarbetare 79 % T2 2022: Målvärde nås nästan. En marginell minskning jämfört med 2021.
    Exempel: resultat fri-fritidsbank 3 T1 2022
    """
    head, analysis_text = grammar.split_comment(args)
    period, head = take_period(ctx, grammar.tidy(head))
    split = grammar.split_last_value(head, yes_no=True)
    if split is None:
        raise Usage("Skriv mätetalets kod och resultatet, t.ex. ”resultat nojd-medarbetare 79 % T2 2022”.")
    name, raw = split
    if not name:
        raise Usage("Skriv vilket mätetal resultatet gäller, före värdet.")
    indicator = _indicator(ctx, name, period.year)
    value = {"ja": 1.0, "nej": 0.0}[raw] if raw in ("ja", "nej") else float(values.parse_number(raw))
    return _accepted(ctx, records.log_result(ctx.session, origin=ctx.origin, indicator_code=indicator.code, period=period,
                                             today=ctx.today, value=value, analysis=analysis_text))


@command("analys", "analysis", role=Role.STAFF, scope=Scope.OWN_AREA)
def analysis(ctx: Context, args: str) -> Reply:
    """Skriv analystexten till ett mätetal för en period – den står bredvid resultatet i rapporten.
    Exempel: analys narvaro-pks T2 2022: PKS har sedan mätningarnas början legat över målvärdet på 80 %.
    """
    head, text = grammar.split_comment(args)
    if not text:
        raise Usage("Skriv analysen efter ett kolon.")
    period, name = take_period(ctx, grammar.tidy(head))
    if not name:
        raise Usage("Skriv vilket mätetal analysen gäller.")
    indicator = _indicator(ctx, name, period.year)
    return _accepted(ctx, records.log_analysis(ctx.session, origin=ctx.origin, indicator_code=indicator.code, period=period, text=text))


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
    """Ange en aktivitets status: pågår enligt plan, ej påbörjad, pågår med problem, pågår med allvarligt problem, avbruten eller klar. Med ordet exempel blir kommentaren ett exempel i rapporten.
    Exempel: aktivitet a-fin-brukarrev pågår med problem: två av fem revisioner genomförda
    Exempel: aktivitet a-pks-sammantraden klar
    Exempel: aktivitet a-forskningsstrategi klar exempel: Ledningsgruppen har godkänt forskningsstrategin.
    """
    head, comment = grammar.split_comment(args)
    example, head = grammar.take_flag(grammar.tidy(head), *_EXAMPLE)
    name, state, after = _split_at_state(head)
    if state is None:
        raise Usage(f"Jag hittar ingen status i ”{head}”. Skriv statusen efter aktiviteten: pågår enligt plan, ej påbörjad, "
                    f"pågår med problem, pågår med allvarligt problem, avbruten eller klar, t.ex. ”aktivitet {head or 'a-pks-sammantraden'} klar”.")
    if not name:
        raise Usage(f"Skriv vilken aktivitet det gäller, före statusen, t.ex. ”aktivitet a-pks-sammantraden {head}”.")
    # What follows the status after a comma or a dash is the comment: "reko inställd, ingen kom".
    comment = " ".join(part for part in (after, comment) if part)
    code = ctx.lexicon().activity(name)
    item = records.activity_in_force(ctx.session, code, ctx.today.year)
    _check_may_report(ctx, item, f"aktiviteten {item.code}")
    return _accepted(ctx, records.log_activity_status(ctx.session, origin=ctx.origin, activity_code=code, state=state,
                                                 reported_on=ctx.today, comment=comment, example=example))


def _split_at_state(head: str) -> tuple[str, ActivityState | None, str]:
    """The activity's name, the status written first after it, and what follows the status."""
    folded = head.casefold()
    found = [(match.start(), -len(phrase), match.end(), state) for phrase, state in _STATES
             if (match := re.search(rf"(?<!\S){re.escape(phrase)}(?=$|[\s,;:.!–-])", folded))]
    if not found:
        return head, None, ""
    start, _, end, state = min(found, key=lambda hit: hit[:2])
    return head[:start].strip(" ,"), state, head[end:].strip(" ,;:.–-")


@command("kurs", "course", comment=True, role=Role.STAFF, scope=Scope.ANY_AREA)
def course(ctx: Context, args: str) -> Reply:
    """Registrera en kurs: namn, datum, antal deltagare eller deltagare per kommun (och externa), ev. digital, pris per deltagare och externt pris.
    Exempel: kurs Motiverande samtal 2022-04-05 20 deltagare pris 4 500 extern 7 500
    Exempel: kurs GDPR 12 maj 30 deltagare digital pris 1 840 extern 4 999
    Exempel: kurs Arkivering 2022-05-05 Aneby 3, Eksjö 2, externa 4
    """
    text = grammar.tidy(args)
    again, text = grammar.take_flag(text, *_AGAIN)
    dated = grammar.split_at_date(text, ctx.today)
    if dated is None:
        raise Usage("Skriv kursdagens datum, t.ex. 2022-05-12, 12 maj eller i måndags.")
    name, held_on, rest = dated
    participants, rest = grammar.take_count(rest, ("deltagare", "deltagarna"), what="antal deltagare", minimum=1)
    if participants is None:
        participants, name = grammar.take_count(name, ("deltagare", "deltagarna"), what="antal deltagare", minimum=1)
    if not name.strip():
        raise Usage("Skriv kursens namn före datumet.")
    digital, rest = grammar.take_flag(rest, "digital", "digitalt", "distans")
    outside, rest = grammar.take_count(rest, ("externa", "övriga", "utanför länet"), what="antal externa deltagare")
    external, rest = grammar.take_amount(rest, "externt pris", "extern", "externt", what="det externa priset")
    price, rest = grammar.take_amount(rest, "pris", what="priset")
    by_municipality = _participants_by_municipality(ctx, rest, held_on.year)
    if participants is None and not by_municipality and outside is None:
        raise Usage("Skriv antalet deltagare, t.ex. ”20 deltagare”, eller deltagare per kommun, t.ex. ”Aneby 3, Eksjö 2, externa 4”.")
    return _accepted(ctx, records.log_course(
        ctx.session, origin=ctx.origin, name=name.strip(), held_on=held_on, today=ctx.today, participants=participants,
        by_municipality=by_municipality, outside=outside or 0, digital=digital,
        price=float(price) if price is not None else None,
        external_price=float(external) if external is not None else None, again=again,
    ))


# "Eksjö 2", "Aneby: 3"; a sign is read with the count so that "Aneby -3" is refused, not taken as 3.
_MUNICIPALITY_COUNT = re.compile(r"([^\d,;+−-]+?)\s*:?\s*([+−-]?\d+)(?=\s*(?:[,;]|och\s|$))")


def _participants_by_municipality(ctx: Context, text: str, year: int) -> dict[str, int]:
    """ "Aneby 3, Eksjö 2" → {"aneby": 3, "eksjo": 2}; anything else left over is refused."""
    pairs = _MUNICIPALITY_COUNT.findall(text)
    _leftover(_MUNICIPALITY_COUNT.sub("", text).replace("och", ""))
    names = ctx.lexicon(year).municipalities
    municipalities = {code: (name,) for code, name in names.items()}
    counts: dict[str, int] = {}
    for name, count in pairs:
        code = values.match_name(name.strip().removeprefix("och ").strip(), municipalities, kind="kommun")
        counts[code] = counts.get(code, 0) + grammar.count(count, f"antal deltagare från {names[code]}")
    return counts


# Funders kubot knows by name, so "Digital välfärd Vinnova" splits without asking; funders of
# applications already logged are known too.
KNOWN_FUNDERS = ("Vinnova", "Forte", "ESF-rådet", "Svenska ESF-rådet", "Allmänna arvsfonden", "Arvsfonden",
                 "Folkhälsomyndigheten", "Socialstyrelsen", "Länsstyrelsen", "SKR", "Tillväxtverket", "Formas",
                 "Vetenskapsrådet", "Skolverket", "MUCF", "Region Jönköpings län", "Europeiska socialfonden")


@command("ansökan", "ansokan", "application", comment=True, role=Role.STAFF, scope=Scope.ANY_AREA)
def application(ctx: Context, args: str) -> Reply:
    """Registrera en ansökan om externa medel: projekt, finansiär, sökt belopp och ev. beslut.
    Exempel: ansökan KOSTA ESF-rådet 27 000 000 beviljat 12 500 000
    Exempel: ansökan "Brukarstyrda brukarrevisioner" Forte 4 916 220 avslag 2022-06-01
    Exempel: ansökan "Sammanbrott i HVB-vården" Folkhälsomyndigheten 593 750 skickad 2021-10-01 avslag 2022-01-20
    """
    text = grammar.tidy(args)
    if re.search(r"(?<!\S)[0-9]+\s*av\s*[0-9]+(?!\S)", text):
        raise Usage("”… av …” är en närvaro, inte en ansökan. Skriv projekt, finansiär och sökt belopp.")
    again, text = grammar.take_flag(text, *_AGAIN)
    sent_on, text = _take_sent_on(ctx, text)
    decided_on, text = grammar.take_date(text, ctx.today)
    granted, text = grammar.take_amount(text, "beviljat", "beviljades", "beviljats", "beviljad", "beviljade", "bevilja",
                                        what="det beviljade beloppet")
    rejected, text = grammar.take_flag(text, "avslag", "avslagen", "avslogs", "nej")
    sought, names = grammar.take_amount(text, what="det sökta beloppet")
    if sought is None:
        raise Usage("Skriv det sökta beloppet efter projekt och finansiär.")
    project, funder = _project_and_funder(ctx, names)
    return _accepted(ctx, records.log_application(
        ctx.session, origin=ctx.origin, project=project, funder=funder, sought=float(sought),
        granted=float(granted) if granted is not None else None, rejected=rejected,
        decided_on=decided_on or ctx.today, today=ctx.today, sent_on=sent_on, again=again,
    ))


def _take_sent_on(ctx: Context, text: str) -> tuple[date | None, str]:
    """"skickad 2021-10-01": the day the application was sent, and the text without it."""
    sent_word = re.search(r"(?<!\S)skickad(?:es)?:?\s+", text, re.IGNORECASE)
    if sent_word is None:
        return None, text
    found = grammar.split_at_date(text[sent_word.end():], ctx.today)
    if found is None or found[0]:
        raise Usage("Skriv datumet då ansökan skickades efter ”skickad”, t.ex. ”skickad 2022-10-01”.")
    return found[1], f"{text[: sent_word.start()]} {found[2]}".strip()


def _project_and_funder(ctx: Context, names: str) -> tuple[str, str]:
    """Project and funder from the words before the amount. Quotes settle it; otherwise only
    two words, or a funder kubot knows at the end, do – anything else is asked about."""
    quoted = re.findall(r"[\"”“']([^\"”“']+)[\"”“']", names)
    if len(quoted) >= 2:
        return quoted[0].strip(), quoted[1].strip()
    if len(quoted) == 1:
        return quoted[0].strip(), re.sub(r"[\"”“'][^\"”“']+[\"”“']", "", names).strip()
    words = names.split()
    if not words:
        raise Usage("Skriv projekt och finansiär före beloppet.")
    if not all(re.search(r"[^\W\d_]{2}", word) for word in words) or len(words) < 2:
        raise Usage("Skriv både projekt och finansiär före beloppet; namn med mellanslag inom citattecken.")
    if len(words) == 2:
        return words[0], words[1]
    known = {values.fold(f): f for f in (*KNOWN_FUNDERS, *(a.funder for a, _ in records.applications_in_force(ctx.session)))}
    for start in range(1, len(words)):
        if values.fold(" ".join(words[start:])) in known:
            return " ".join(words[:start]), " ".join(words[start:])
    splits = [f"”{' '.join(words[:i])}” hos ”{' '.join(words[i:])}”" for i in range(1, len(words))]
    raise Usage(f"Jag vet inte var projektet slutar och finansiären börjar: {' eller '.join(splits[:3])}? "
                f"Skriv projektet inom citattecken, så här: ansökan ”{' '.join(words[:-1])}” {words[-1]} och beloppet.")


@command("beslut", "decision", comment=True, role=Role.STAFF, scope=Scope.ANY_AREA)
def decision(ctx: Context, args: str) -> Reply:
    """Registrera beslutet om en ansökan som redan finns: beviljat belopp eller avslag, ev. datum.
    Exempel: beslut KOSTA beviljat 500 000
    Exempel: beslut KOSTA avslag 2022-06-01
    """
    text = grammar.tidy(args)
    decided_on, text = grammar.take_date(text, ctx.today)
    granted, text = grammar.take_amount(text, "beviljat", "beviljades", "beviljats", "beviljad", "beviljade", "bevilja",
                                        what="det beviljade beloppet")
    rejected, text = grammar.take_flag(text, "avslag", "avslagen", "avslogs", "nej")
    if granted is None and not rejected:
        raise Usage("Skriv projektet och beslutet: ”beviljat” och beloppet, eller ”avslag”.")
    name = text.strip(" \"”“'")
    if not name:
        raise Usage("Skriv vilket projekt beslutet gäller.")
    applications = {str(a.id): (a.project, f"{a.project} {a.funder}") for a, _ in records.applications_in_force(ctx.session)}
    if not applications:
        raise Usage("Det finns ingen ansökan att registrera ett beslut för. Registrera ansökan först med ”ansökan”.")
    chosen = values.match_name(name, applications, kind="ansökan")
    application_row, application_entry = next((a, e) for a, e in records.applications_in_force(ctx.session) if str(a.id) == chosen)
    ctx.origin = replace(ctx.origin, corrects=application_entry)
    return _accepted(ctx, records.decide(ctx.session, origin=ctx.origin, application=application_row,
                                         decided_on=decided_on or ctx.today, today=ctx.today,
                                         granted=float(granted) if granted is not None else None, rejected=rejected))


@command("enkät", "enkat", "survey", comment=True, role=Role.STAFF, scope=Scope.ANY_AREA)
def survey(ctx: Context, args: str) -> Reply:
    """Registrera svaren på en enkätfråga i ett nätverk: antal svar per skalsteg 1–6, ev. ”vet ej” och år.
    Exempel: enkät samverkan-kommuner socialchefsnätverket 0 1 3 4 6 5 vet ej 2
    """
    text = grammar.tidy(args)
    dont_know, text = grammar.take_count(text, ("vet ej", "vet inte"), what="antal ”vet ej”")
    given_year, text = grammar.take_year(text)
    year = given_year or ctx.today.year
    counts = _SIX_COUNTS.search(text)
    if counts is None:
        raise Usage("Skriv sex antal, ett per skalsteg 1–6, efter fråga och nätverk.")
    if year > ctx.today.year:
        raise Usage(f"Året {year} har inte börjat än.")
    lexicon = ctx.lexicon(year)
    question_code, network_code = _question_and_network(lexicon, text[: counts.start()].split())
    return _accepted(ctx, records.log_survey(
        ctx.session, origin=ctx.origin, year=year, question_code=question_code, network_code=network_code,
        counts=tuple(grammar.count(n, "antal svar") for n in counts.groups()),  # type: ignore[arg-type]
        dont_know=dont_know or 0,
    ))


# Six counts as people list them: "0 1 3 4 6 5", "3, 5, 12, 20, 40 och 20", "3; 5; 12; 20; 40; 20".
_COUNT_SEPARATOR = r"(?:\s*[,;]\s*|\s+och\s+|\s+)"
_SIX_COUNTS = re.compile(r"(?<!\S)" + _COUNT_SEPARATOR.join([r"([0-9]+)"] * 6) + "$", re.IGNORECASE)


def _question_and_network(lexicon: Lexicon, words: list[str]) -> tuple[str, str]:
    """The question and the network from the words before the counts; a split that is not
    certain (both readings name a real question and network) is asked about."""
    if len(words) < 2:
        raise Usage("Skriv frågans kod och nätverket före antalen.")
    readings: dict[tuple[str, str], str] = {}
    first_problem: ValueProblem | None = None
    for cut in range(1, len(words)):
        question_text, network_text = " ".join(words[:cut]), " ".join(words[cut:])
        try:
            readings.setdefault((lexicon.question(question_text), lexicon.network(network_text)),
                                f"fråga ”{question_text}” i nätverket ”{network_text}”")
        except ValueProblem as problem:
            first_problem = first_problem or problem
    if len(readings) == 1:
        return next(iter(readings))
    if readings:
        raise Usage(f"Jag är osäker på vad som är fråga och vad som är nätverk: {' eller '.join(readings.values())}? "
                    "Skriv frågans kod först, sedan nätverkets kod.")
    assert first_problem is not None
    raise first_problem


_THREE_K = {"kostnad": ThreeK.COST, "kostnadseffektivitet": ThreeK.COST, "kompetens": ThreeK.COMPETENCE,
            "kompetenshöjning": ThreeK.COMPETENCE, "kvalitet": ThreeK.QUALITY, "kvalitetshöjning": ThreeK.QUALITY}


@command("händelse", "handelse", "event", role=Role.STAFF, scope=Scope.ANY_AREA)
def event(ctx: Context, args: str) -> Reply:
    """Registrera en viktig händelse för rapporten: område, ev. 3K-effekt (kostnad, kompetens, kvalitet), och text efter kolon. Med ”exempel” och ett strategiskt mål (sm1–sm6) blir den ett exempel under det målet.
    Exempel: händelse Barnahus kompetens: Fyra utbildningsinsatser om hedersrelaterat våld.
    Exempel: händelse Miljösamverkan exempel sm2: Styrgruppen består från och med i år av samtliga miljöchefer i länet.
    """
    head, text = grammar.split_comment(args)
    if not text:
        own = ctx.session.exec(select(Area.name).join(StaffArea).where(StaffArea.staff_id == ctx.actor.id)).first()
        area = own or next(iter(ctx.lexicon().areas.values()), ("Barnahus",))[0]
        raise Usage(f"Skriv vilket område händelsen gäller före ett kolon, och händelsen efter, t.ex. "
                    f"”händelse {area}: {grammar.tidy(head) or 'Nytt avtal om …'}”.")
    day, head = grammar.take_date(grammar.tidy(head), ctx.today)
    occurred_on = day or ctx.today
    kind, head = _take_three_k(head)
    example, head = grammar.take_flag(head, *_EXAMPLE)
    example_of, head = _take_strategic_goal(ctx, head, occurred_on.year)
    if example_of and not example:
        raise Usage(f"Ska händelsen vara ett exempel under {example_of}? Skriv då ordet exempel före målet, "
                    f"t.ex. ”händelse Barnahus exempel {example_of}: …”.")
    return _accepted(ctx, records.log_event(
        ctx.session, origin=ctx.origin, area_code=ctx.lexicon().area(head) if head else None,
        occurred_on=occurred_on, text=text, three_k=kind, example=example, example_of=example_of,
    ))


def _take_strategic_goal(ctx: Context, text: str, year: int) -> tuple[str | None, str]:
    """A strategic goal's code standing alone ("sm2"), and the text without it."""
    for goal in plan_queries.items(ctx.session, StrategicGoal, year):
        found, rest = grammar.take_flag(text, goal.code)
        if found:
            return goal.code, rest
    return None, text


def _take_three_k(text: str) -> tuple[ThreeK | None, str]:
    for word, kind in _THREE_K.items():
        found, rest = grammar.take_flag(text, word)
        if found:
            return kind, rest
    return None, text


@command("målvärde", "malvarde", "target", role=Role.ADMIN, scope=Scope.ANY_AREA)
def target(ctx: Context, args: str) -> Reply:
    """Sätt ett mätetals målvärde för ett år (administratörer).
    Exempel: målvärde nojd-medarbetare 50 2022
    """
    given_year, head = grammar.take_year(grammar.tidy(args))
    year = given_year or ctx.today.year
    split = grammar.split_last_value(head)
    if split is None:
        raise Usage("Skriv mätetalets kod, målvärdet och året.")
    name, raw = split
    indicator = records.indicator_in_force(ctx.session, ctx.lexicon(year).indicator(name), year)
    value = float(values.parse_number(raw, allow_negative=True))
    if indicator.unit == "procent" and not 0 <= value <= 100:
        raise Usage(f"{fmt.number(value)} % är inte ett möjligt målvärde för en andel – en andel ligger mellan 0 och 100 %.")
    if not abs(value) <= records.MAX_AMOUNT:
        raise Usage(f"Målvärdet {fmt.number(value)} är orimligt stort.")
    before = facts.target_for(ctx.session, indicator, year)
    summary = f"Målvärde för {indicator.code} ”{indicator.name}” {year}: {fmt.in_unit(indicator.unit, value)}"
    summary += f" (tidigare {fmt.in_unit(indicator.unit, before)})" if before is not None else " (inget tidigare)"
    recorded = journal.record(ctx.session, kind="målvärde", summary=summary, origin=ctx.origin,
                              rows=[TargetChange(indicator_code=indicator.code, year=year, value=value)])
    return _accepted(ctx, recorded)


# --- corrections, questions and housekeeping -----------------------------------------------------

# "ångra" without a number undoes only an entry this fresh; an older one is named and asked about.
UNDO_RECENT = timedelta(minutes=10)


@command("ångra", "angra", "undo", role=Role.STAFF, scope=Scope.OWN_ENTRIES)
def undo(ctx: Context, args: str) -> Reply:
    """Ångra din senaste registrering (om den är gjord nyss), eller en med dess nummer.
    Exempel: ångra
    Exempel: ångra 412
    """
    if args.strip():
        entry = journal.undo(ctx.session, entry_id=grammar.entry_number(args), origin=ctx.origin)
        return Reply(f"Ångrat #{entry.id}: {entry.summary}", accepted=True)
    latest = journal.latest(ctx.session, ctx.actor)
    if latest is None:
        raise journal.JournalError("Du har inget registrerat som går att ångra.")
    if not latest.active:
        return Reply(f"Din senaste registrering, #{latest.id}, är redan {'ångrad' if latest.undone_at else 'rättad'}. "
                     "Vill du ångra en äldre, skriv ”ångra” och dess nummer.", accepted=False)
    if ctx.now - latest.created_at > UNDO_RECENT:
        return Reply(f"Din senaste registrering är #{latest.id} från {fmt.timestamp(latest.created_at)}: {latest.summary}. "
                     f"Är det den du vill ångra, skriv ”ångra {latest.id}”.", accepted=False)
    entry = journal.undo(ctx.session, entry_id=latest.id or 0, origin=ctx.origin)
    return Reply(f"Ångrat #{entry.id}: {entry.summary}", accepted=True)


@command("rätta", "ratta", "correct", role=Role.STAFF, scope=Scope.OWN_ENTRIES)
def correct(ctx: Context, args: str) -> Reply:
    """Rätta en registrering: skriv dess nummer och hela meddelandet som det ska vara. Den gamla ersätts.
    Exempel: rätta 412 närvaro PKS 2022-03-10 11 av 13
    """
    number_text, _, text = args.strip().partition(" ")
    if not number_text:
        raise Usage("Skriv numret på registreringen och sedan hur den ska vara, t.ex. ”rätta 412 närvaro PKS 2022-03-10 11 av 13”.")
    entry = journal.own_entry(ctx.session, grammar.entry_number(number_text), ctx.actor, "rätta")
    kind_command = COMMANDS.get(entry.kind)
    if kind_command is None or entry.kind in ("målvärde",):
        raise Usage(f"#{entry.id} går inte att rätta här. Ångra den med ”ångra {entry.id}” och registrera den på nytt.")
    word, _, rest = text.strip().partition(" ")
    named = COMMANDS.get(values.fold(word).replace(" ", ""), None) or COMMANDS.get(word.casefold())
    if named is not None:
        if named is not kind_command:
            raise Usage(f"#{entry.id} är en registrering av {entry.kind}; rätta den med ett nytt meddelande om {entry.kind}.")
        text = rest
    if not text.strip():
        raise Usage(f"Skriv hur #{entry.id} ska vara efter numret, t.ex. ”rätta {entry.id} {entry.kind} …”.")
    ctx.origin = replace(ctx.origin, corrects=entry)
    return kind_command.handler(ctx, text.strip())


@command("exempel", "example", role=Role.STAFF, scope=Scope.CHOSEN_ENTRIES)
def example(ctx: Context, args: str) -> Reply:
    """Gör en aktivitets status eller en händelse till ett exempel i rapporten (”Exempel på aktiviteter”), med dess nummer; en händelse också med sitt strategiska mål. ”bort” tar bort den ur exemplen.
    Exempel: exempel 412
    Exempel: exempel 413 sm2
    Exempel: exempel 412 bort
    """
    removed, text = grammar.take_flag(grammar.tidy(args), "ta bort", "bort", "inte")
    number_text, _, goal = text.strip().partition(" ")
    if not number_text:
        raise Usage("Skriv numret på statusen eller händelsen, t.ex. ”exempel 412”.")
    number = grammar.entry_number(number_text)
    if removed and goal.strip():
        raise Usage(f"Skriv bara numret och ”bort”, t.ex. ”exempel {number} bort”.")
    entry = journal.own_entry(ctx.session, number, ctx.actor, "markera", managers=True)
    return _accepted(ctx, records.mark_example(ctx.session, origin=ctx.origin, marked=entry,
                                               strategic_goal_code=goal.strip() or None, shown=not removed))


@command("vem", "whoami", role=Role.STAFF, scope=Scope.READ)
def whoami(ctx: Context, args: str) -> Reply:
    """Visa vem kubot tror att du är, din roll och dina områden.
    Exempel: vem
    """
    areas = ctx.session.exec(select(Area.name).join(StaffArea).where(StaffArea.staff_id == ctx.actor.id)).all()
    role = access.ROLE_NAMES[Role(ctx.actor.role)]
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
    return Reply(help_text.overview(unique_commands(), ctx.has_role))
