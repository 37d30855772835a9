"""The chat half of attendance: its command(s), whose docstrings are their help and examples, and its form."""

from __future__ import annotations

import re
from datetime import date

from sqlmodel import Session, col, select

from kubot import records, values
from kubot.chat import forms, grammar
from kubot.chat.lexicon import Lexicon
from kubot.chat.registry import (
    AGAIN,
    Context,
    Scope,
    Usage,
    accepted,
    declare,
)
from kubot.kinds.attendance import record
from kubot.models import Network, Staff
from kubot.models.plan import Role
from kubot.plan import queries as plan_queries
from kubot.port import Reply
from kubot.values import ValueProblem

_EVERYONE = re.compile(r"(?<!\S)(?:alla|samtliga)(?!\S)", re.IGNORECASE)


# "alla var där (utom Habo)" says no more than "alla (utom Habo)".
_EVERYONE_CAME = re.compile(
    r"(?<!\S)(alla|samtliga)\s+(?:var\s+(?:där|med|på plats|närvarande)|kom|deltog)(?![^\s,.;:!?])", re.IGNORECASE
)


@declare("närvaro", "narvaro", "attendance", comment=True, role=Role.STAFF, scope=Scope.ANY_AREA)
def attendance(ctx: Context, args: str) -> Reply:
    """Registrera närvaron vid ett nätverksmöte: nätverk, datum och vilka kommuner som var där.
    Exempel: närvaro PKS 2022-03-10 12 av 13
    Exempel: närvaro socialchefsnätverket idag alla utom Habo, Mullsjö
    Exempel: närvaro kommundirektörer 12/5 Aneby, Eksjö, Gislaved kvinnor 5 män 7
    Exempel: närvaro skolchefer 2022-11-21 11 av 13 via Teams
    """
    # "alla var på plats" says who came, so it goes before "på plats" can be read as how the meeting was held.
    channel, text = grammar.take_channel(_EVERYONE_CAME.sub(r"\1", grammar.tidy(args)))
    again, text = grammar.take_flag(text, *AGAIN)
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
              "women": women, "men": men, "again": again, "channel": channel}
    if counted is not None:
        present, whole = counted
        if whole and whole != len(guests):
            raise Usage(f"{network.name} har {len(guests)} inbjudna, inte {whole}. "
                        f"Skriv t.ex. ”{min(present, len(guests))} av {len(guests)}”.")
        return accepted(ctx, record.log_attendance(ctx.session, present_count=present, **common))  # type: ignore[arg-type]
    # "alla" means everyone invited to this network; named municipalities are checked against the invitation.
    everyone_invited = _EVERYONE.match(who.strip()) is not None
    present_codes = values.parse_municipalities(who, guests if everyone_invited else lexicon.municipalities)
    return accepted(ctx, record.log_attendance(ctx.session, present=present_codes, **common))  # type: ignore[arg-type]


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



def _attendance(session: Session, actor: Staff | None, today: date, preset: forms.Values) -> tuple[forms.Field, ...]:
    networks = session.exec(select(Network).order_by(col(Network.name))).all()
    chosen = next((n for n in networks if n.code == forms.text(preset, "network")), None)
    fields = [
        forms.Field(
            "network",
            "Nätverk",
            forms.Kind.MENU,
            options=tuple((n.code, n.name) for n in networks),
            about=("nätverk",),
            redraws="Kryssa i vilka av nätverkets inbjudna som var där.",
        ),
        forms.Field(
            "date",
            "Mötets datum",
            forms.Kind.DATE,
            initial=today.isoformat(),
            about=("datum", "framtiden", "dag", "finns redan"),
        ),
    ]
    if chosen is None:  # asked, never guessed: a preselected network logs the meeting for the wrong one
        fields.append(forms.Field("present", "Välj nätverk, så visas kommunerna som är inbjudna.", forms.Kind.NOTE))
    else:
        guests = tuple((m.name, m.name) for m in plan_queries.invited(session, chosen))
        fields.append(forms.Field("present", "Kommuner som var där", forms.Kind.CHOICES, optional=True, options=guests,
                            initial=tuple(value for value, _ in guests), about=("kommun", "inbjudna")))
    return (*fields, forms.Field("women", "Kvinnor (valfritt)", forms.Kind.NUMBER, optional=True, about=("kvinnor",)),
            forms.Field("men", "Män (valfritt)", forms.Kind.NUMBER, optional=True, about=("män",)))


def _attendance_command(form: forms.Form, values: forms.Values) -> str:
    present = form.find("present")
    invited = [value for value, _ in present.options] if present else []
    there = forms.ticked(values, "present")
    who = "alla" if there and set(there) == set(invited) else ", ".join(there) or f"0 av {len(invited)}"
    counts = "".join(f" {word} {number}" for word, field_id in (("kvinnor", "women"), ("män", "men"))
                     if (number := forms.text(values, field_id)))
    return f"närvaro {forms.text(values, 'network')} {forms.text(values, 'date')} {who}{counts}"


COMMANDS = (attendance,)
FORMS = (
    forms.FormSpec("närvaro", "Närvaro vid nätverksmöte", "Registrera närvaron", _attendance, _attendance_command),
)
