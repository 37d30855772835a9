"""The short `hjälp`: the commands a person may use, grouped by what they want to do, in a few lines.

Each command's own examples are shown by `hjälp <kommando>`; this overview names the commands and
gives one example per group, so it fits a chat window (at most `MAX_LINES` lines for every role).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kubot.chat.registry import Command
from kubot.models.plan import Role

MAX_LINES = 15
CLOSING = "Skriv hjälp <kommando> för exempel."
# What a person wants to do → the commands for it, in the order shown; a command not named here
# (a new one) goes with the administrators' if only they may use it, else with the questions.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Rapportera",
        (
            "närvaro",
            "resultat",
            "analys",
            "aktivitet",
            "kurs",
            "ansökan",
            "beslut",
            "enkät",
            "händelse",
            "klar",
            "ångra",
            "rätta",
            "exempel",
        ),
    ),
    (
        "Fråga",
        (
            "status",
            "saknas",
            "varför",
            "ansvarig",
            "vem",
            "påminnelser",
            "påminn",
            "inte-min-uppgift",
            "frånvarande",
            "rapportstatus",
            "hjälp",
        ),
    ),
    ("Rapporter", ("rapport", "text", "ekonomi", "årsarbetare", "godkänn")),
    ("Administrera", ("målvärde", "deadline", "koppla", "inaktivera", "aktivera", "kontroll")),
)


def overview(commands: Sequence[Command], may_use: Callable[[Role], bool]) -> str:
    """The grouped list of the commands the person may use, each group with its first command's example."""
    usable = [c for c in commands if may_use(c.role)]
    named = {name for _, names in GROUPS for name in names}
    lines = ["Det här kan jag:"]
    for title, names in GROUPS:
        extra = [c for c in usable if c.name not in named and (c.role == Role.ADMIN) == (title == "Administrera")]
        group = [c for name in names for c in usable if c.name == name] + (
            extra if title in ("Fråga", "Administrera") else []
        )
        if not group:
            continue
        lines.append(f"{title}: {', '.join(c.name for c in group)}")
        example = next((c.examples[0] for c in group if c.examples), None)
        if example:
            lines.append(f"  t.ex. {example}")
    lines.append(CLOSING)
    return "\n".join(lines)
