"""Questions in plain words, and greetings: a small, explicit list of patterns, each mapped
to the command that answers it. No language model: what kubot understands is listed here.

    vad har jag kvar att rapportera?     → saknas
    hur går det för PKS?                 → status PKS (a network or an area: indicators, meetings, what is missing)
    hur har socialcheferna svarat?       → status socialcheferna
    vem är ansvarig för narvaro-pks?     → ansvarig narvaro-pks
    när är deadline?                     → påminnelser
    hej / tack!                          → one line and one useful hint
"""

from __future__ import annotations

import re

_QUESTIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), command)
    for pattern, command in (
        (
            (
                r"(?:vad|vilka|vilket) (?:har|ska|behöver) jag (?:kvar|rapportera|lämna"
                r" in|göra)\b.*?(?P<rest>\bt[123]\b.*)?"
            ),
            "saknas",
        ),
        (r"vad saknas(?: för mig)?\b(?P<rest>.*)", "saknas"),
        (r"hur (?:går det|ligger vi till|ser det ut) (?:för|med|i) (?P<rest>.+)", "status"),
        (r"hur (?:går det|ligger vi till|ser det ut)(?P<rest>)", "status"),
        (r"hur (?:har|gick det för) (?P<rest>.+?) (?:svarat|i enkäten)", "status"),
        (r"vem (?:är|var) (?:ansvarig|ansvarar) (?:för|över) (?P<rest>.+)", "ansvarig"),
        (r"vem ansvarar för (?:mätetalet |aktiviteten )?(?P<rest>.+)", "ansvarig"),
        (r"när (?:är|går|ska) (?:deadline|deadlinen|sista dag(?:en)?|rapporten)\b.*", "påminnelser"),
        (r"vem är jag", "vem"),
        (r"vad kan (?:du|kubot)(?: göra)?", "hjälp"),
    )
)
_GREETING = re.compile(
    r"(?:hej|hejsan|hallå|tjena|tja|god (?:morgon|dag|kväll|eftermiddag)|hello|hi)(?: kubot)?", re.IGNORECASE
)
_THANKS = re.compile(
    r"(?:tack|tackar|tack så mycket|tusen tack|tack för hjälpen|toppen,? tack|bra,? tack)(?: kubot)?", re.IGNORECASE
)
_HINT = "Skriv till exempel ”saknas” för att se vad du har kvar att rapportera, eller ”hjälp” för allt jag kan."


def small_talk(text: str, first_name: str) -> str | None:
    """A one-line answer with one hint to a greeting or a thanks; None for anything else."""
    plain = text.strip(" !.?,")
    if _GREETING.fullmatch(plain):
        return f"Hej {first_name}! {_HINT}"
    if _THANKS.fullmatch(plain):
        return "Varsågod! Skriv ”saknas” när du vill se vad som är kvar att rapportera."
    return None


def as_command(text: str) -> str | None:
    """The command a plain-word question stands for ("hur går det för PKS?" → "status PKS"), or None."""
    plain = text.strip().rstrip(" ?!.")
    for pattern, command in _QUESTIONS:
        if match := pattern.fullmatch(plain):
            rest = (match.groupdict().get("rest") or "").strip()
            return f"{command} {rest}".strip()
    return None
