"""The economy per area as of a date: the figures people type, and the ones kubot computes.

The typed figures are the columns of Verksamhetsberättelse 2018's Bilaga 2 that come out of
the finance system, plus money paid out to the municipalities and how the outcome was
financed. Sums and shares (disponibla medel, kvarvarande medel, total financing, the
municipalities' share) are computed here, never typed, so they always add up. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

# (stored name, words people use for it in chat and as spreadsheet column headers)
TYPED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ingående medel", ("ingående", "ingående medel")),
    ("erhållna medel", ("erhållna", "erhållna medel")),
    ("budget förbrukning", ("budget", "budget förbrukning")),
    ("utfall förbrukning", ("utfall", "utfall förbrukning")),
    ("varav statliga", ("statliga", "varav statliga", "varav statliga medel")),
    ("redovisat resultat", ("resultat", "redovisat resultat")),
    ("utbetalt till kommunerna", ("utbetalt", "utbetalt till kommunerna")),
    ("finansiering kommunerna", ("kommunerna", "finansiering kommunerna")),
    ("finansiering staten", ("staten", "finansiering staten")),
    ("finansiering övriga", ("övriga", "finansiering övriga")),
)
ITEMS = tuple(name for name, _ in TYPED)
COMPUTED = ("disponibla medel", "kvarvarande medel", "total finansiering", "andel kommunerna")
# The largest amount in tkr that is plausible for one line (10 000 000 tkr = 10 miljarder kr).
MAX_TKR = 10_000_000


def item_for(word: str) -> str | None:
    """The stored item a chat word or column header names ("utfall" → "utfall förbrukning"), or None."""
    folded = " ".join(word.casefold().replace("_", " ").split())
    for name, words in TYPED:
        if folded == name or folded in words:
            return name
    return None


def words_example() -> str:
    return ", ".join(words[0] for _, words in TYPED)


@dataclass(frozen=True)
class AreaEconomy:
    """One area's figures in tkr as of a day; a typed figure that was never given is None."""

    area: str
    as_of: date
    typed: Mapping[str, float]

    def get(self, item: str) -> float | None:
        return self.typed.get(item)

    @property
    def available(self) -> float | None:
        """Disponibla medel = ingående + erhållna medel."""
        parts = [self.typed.get("ingående medel"), self.typed.get("erhållna medel")]
        return None if all(p is None for p in parts) else sum(p or 0.0 for p in parts)

    @property
    def remaining(self) -> float | None:
        """Kvarvarande medel = disponibla medel − utfall förbrukning."""
        available, spent = self.available, self.typed.get("utfall förbrukning")
        return None if available is None or spent is None else available - spent

    @property
    def financing_total(self) -> float | None:
        parts = [self.typed.get(f"finansiering {who}") for who in ("kommunerna", "staten", "övriga")]
        return None if all(p is None for p in parts) else sum(p or 0.0 for p in parts)

    @property
    def municipal_share(self) -> float | None:
        """The municipalities' share of the financing, in per cent."""
        total = self.financing_total
        municipal = self.typed.get("finansiering kommunerna")
        return None if not total or municipal is None else 100 * municipal / total

    def value(self, column: str) -> float | None:
        computed = {"disponibla medel": self.available, "kvarvarande medel": self.remaining,
                    "total finansiering": self.financing_total, "andel kommunerna": self.municipal_share}
        return computed[column] if column in computed else self.typed.get(column)


def total(areas: Iterable[AreaEconomy], column: str) -> float | None:
    """The sum of a column over the areas; a share is recomputed from the summed parts, never added."""
    rows = list(areas)
    if column == "andel kommunerna":
        municipal = total(rows, "finansiering kommunerna")
        whole = total(rows, "total finansiering")
        return None if not whole or municipal is None else 100 * municipal / whole
    values = [row.value(column) for row in rows]
    return None if all(v is None for v in values) else sum(v or 0.0 for v in values)


def check(figures: Mapping[str, float]) -> list[str]:
    """Swedish problems with one area's typed figures (empty when they are fine)."""
    problems = []
    for item, amount in figures.items():
        if item not in ITEMS:
            problems.append(f"”{item}” är ingen ekonomisk uppgift kubot tar emot (räknas fram eller okänd).")
        elif not abs(amount) <= MAX_TKR:
            problems.append(f"{item}: {amount:g} tkr är inte ett rimligt belopp.")
    # Transfers between areas make the other columns negative in the accounts (Bilaga 2: "Därav Ledning/stab …").
    for item in ("utbetalt till kommunerna", "finansiering kommunerna", "finansiering staten", "finansiering övriga"):
        if figures.get(item, 0.0) < 0:
            problems.append(f"{item} kan inte vara negativt.")
    return problems
