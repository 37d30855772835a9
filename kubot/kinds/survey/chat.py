"""The chat half of survey: its command(s), whose docstrings are their help and examples, and its form."""

from __future__ import annotations

import re

from kubot.chat import forms, grammar
from kubot.chat.lexicon import Lexicon
from kubot.chat.registry import (
    Context,
    Scope,
    Usage,
    accepted,
    declare,
)
from kubot.kinds.survey import record
from kubot.models.plan import Role
from kubot.port import Reply
from kubot.values import ValueProblem

# Six counts as people list them: "0 1 3 4 6 5", "3, 5, 12, 20, 40 och 20", "3; 5; 12; 20; 40; 20".
_COUNT_SEPARATOR = r"(?:\s*[,;]\s*|\s+och\s+|\s+)"


_SIX_COUNTS = re.compile(r"(?<!\S)" + _COUNT_SEPARATOR.join([r"([0-9]+)"] * 6) + "$", re.IGNORECASE)


@declare("enkät", "enkat", "survey", comment=True, role=Role.STAFF, scope=Scope.ANY_AREA)
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
    return accepted(ctx, record.log_survey(
        ctx.session, origin=ctx.origin, year=year, question_code=question_code, network_code=network_code,
        counts=tuple(grammar.count(n, "antal svar") for n in counts.groups()),  # type: ignore[arg-type]
        dont_know=dont_know or 0,
    ))


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


COMMANDS = (survey,)
FORMS: tuple[forms.FormSpec, ...] = ()
