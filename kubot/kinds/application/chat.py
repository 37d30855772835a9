"""The chat half of application: its command(s), whose docstrings are their help and examples, and its form."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from kubot import values
from kubot.chat import forms, grammar
from kubot.chat.registry import (
    AGAIN,
    Context,
    Scope,
    Usage,
    accepted,
    declare,
)
from kubot.kinds.application import record
from kubot.models.plan import Role
from kubot.port import Reply

# Funders kubot knows by name, so "Digital välfärd Vinnova" splits without asking; funders of
# applications already logged are known too.
KNOWN_FUNDERS = ("Vinnova", "Forte", "ESF-rådet", "Svenska ESF-rådet", "Allmänna arvsfonden", "Arvsfonden",
                 "Folkhälsomyndigheten", "Socialstyrelsen", "Länsstyrelsen", "SKR", "Tillväxtverket", "Formas",
                 "Vetenskapsrådet", "Skolverket", "MUCF", "Region Jönköpings län", "Europeiska socialfonden")


@declare("ansökan", "ansokan", "application", comment=True, role=Role.STAFF, scope=Scope.ANY_AREA)
def application(ctx: Context, args: str) -> Reply:
    """Registrera en ansökan om externa medel: projekt, finansiär, sökt belopp och ev. beslut.
    Exempel: ansökan KOSTA ESF-rådet 27 000 000 beviljat 12 500 000
    Exempel: ansökan "Brukarstyrda brukarrevisioner" Forte 4 916 220 avslag 2022-06-01
    Exempel: ansökan "Sammanbrott i HVB-vården" Folkhälsomyndigheten 593 750 skickad 2021-10-01 avslag 2022-01-20
    """
    text = grammar.tidy(args)
    if re.search(r"(?<!\S)[0-9]+\s*av\s*[0-9]+(?!\S)", text):
        raise Usage("”… av …” är en närvaro, inte en ansökan. Skriv projekt, finansiär och sökt belopp.")
    again, text = grammar.take_flag(text, *AGAIN)
    sent_on, text = _take_sent_on(ctx, text)
    decided_on, text = grammar.take_date(text, ctx.today)
    granted, text = grammar.take_amount(text, "beviljat", "beviljades", "beviljats", "beviljad", "beviljade", "bevilja",
                                        what="det beviljade beloppet")
    rejected, text = grammar.take_flag(text, "avslag", "avslagen", "avslogs", "nej")
    sought, names = grammar.take_amount(text, what="det sökta beloppet")
    if sought is None:
        raise Usage("Skriv det sökta beloppet efter projekt och finansiär.")
    project, funder = _project_and_funder(ctx, names)
    return accepted(ctx, record.log_application(
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
    known = {
        values.fold(f): f for f in (*KNOWN_FUNDERS, *(a.funder for a, _ in record.applications_in_force(ctx.session)))
    }
    for start in range(1, len(words)):
        if values.fold(" ".join(words[start:])) in known:
            return " ".join(words[:start]), " ".join(words[start:])
    splits = [f"”{' '.join(words[:i])}” hos ”{' '.join(words[i:])}”" for i in range(1, len(words))]
    raise Usage(f"Jag vet inte var projektet slutar och finansiären börjar: {' eller '.join(splits[:3])}? "
                f"Skriv projektet inom citattecken, så här: ansökan ”{' '.join(words[:-1])}” {words[-1]} och beloppet.")


@declare("beslut", "decision", comment=True, role=Role.STAFF, scope=Scope.ANY_AREA)
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
    applications = {
        str(a.id): (a.project, f"{a.project} {a.funder}") for a, _ in record.applications_in_force(ctx.session)
    }
    if not applications:
        raise Usage("Det finns ingen ansökan att registrera ett beslut för. Registrera ansökan först med ”ansökan”.")
    chosen = values.match_name(name, applications, kind="ansökan")
    application_row, application_entry = next(
        (a, e) for a, e in record.applications_in_force(ctx.session) if str(a.id) == chosen
    )
    ctx.origin = replace(ctx.origin, corrects=application_entry)
    return accepted(ctx, record.decide(ctx.session, origin=ctx.origin, application=application_row,
                                         decided_on=decided_on or ctx.today, today=ctx.today,
                                         granted=float(granted) if granted is not None else None, rejected=rejected))


COMMANDS = (application, decision,)
FORMS: tuple[forms.FormSpec, ...] = ()
