"""The economy per area as of a date: the figures people type, and the ones kubot computes.

The typed figures are the columns of the organisation's accounts table (Bilaga 2 of
Verksamhetsberättelse 2018, Table 1 of the delårsrapport's §2.2) that come out of the finance
system, plus money paid out to the municipalities and how each area is financed. Sums and shares
(disponibla medel, kvarvarande medel, total financing, every financer's share, subtotals, the
accumulated result) are computed here, never typed, so they always add up. How the organisation
prints a row – its order, whether its remainder is earmarked money or left blank, its footnote,
the subtotal groups – comes from the plan (`Layout`). Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

# The financers of an area, as the organisation names them in its financing table.
FINANCERS = ("kommunerna", "staten", "övriga")

# (stored name, words people use for it in chat and as spreadsheet column headers)
TYPED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ingående medel", ("ingående", "ingående medel", "ingående balans")),
    ("erhållna medel", ("erhållna", "erhållna medel")),
    ("budget förbrukning", ("budget", "budget förbrukning")),
    ("utfall förbrukning", ("utfall", "utfall förbrukning")),
    ("utbetalt till kommunerna", ("utbetalt", "utbetalt till kommunerna", "utbetalt till kommuner")),
    (
        "varav statliga",
        ("statliga", "varav statliga", "varav statliga medel", "varav kvarvarande fonderade statliga medel"),
    ),
    ("redovisat resultat", ("resultat", "redovisat resultat")),
    ("tidigare års resultat", ("tidigare", "tidigare års resultat", "resultat från tidigare år")),
    (
        "finansiering kommunerna",
        ("kommunerna", "finansiering kommunerna", "länets kommuner", "finansiering via länets kommuner"),
    ),
    ("finansiering staten", ("staten", "finansiering staten", "finansiering via staten")),
    ("finansiering övriga", ("övriga", "finansiering övriga", "finansiering via övriga")),
)
ITEMS = tuple(name for name, _ in TYPED)
SHARES = tuple(f"andel {who}" for who in FINANCERS)
# (computed name, words for it in a spreadsheet header)
COMPUTED_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("disponibla medel", ("disponibla", "disponibla medel")),
    ("kvarvarande medel", ("kvarvarande", "kvarvarande medel")),
    ("total finansiering", ("total finansiering", "summa finansiering")),
    *((share, (share, f"andel finansiering via {share.removeprefix('andel ')}")) for share in SHARES),
)
COMPUTED = tuple(name for name, _ in COMPUTED_WORDS)
# The largest amount in tkr that is plausible for one line (10 000 000 tkr = 10 miljarder kr).
MAX_TKR = 10_000_000
# A year, a date or footnote stars in a column header say when or refer below; they do not name the figure.
_HEADER_NOISE = re.compile(r"\b\d{4}(?:\s*-\s*\d{1,2}\s*-\s*\d{1,2})?\b|\*+|\(tkr\)|\btkr\b|[*:]")


def _fold(word: str) -> str:
    return " ".join(_HEADER_NOISE.sub(" ", word.casefold().replace("_", " ").replace("\u00ad", "")).split())


def item_for(word: str) -> str | None:
    """The stored item a chat word or column header names ("Utfall 2022-08-31" → "utfall förbrukning"), or None."""
    folded = _fold(word)
    for name, words in TYPED:
        if folded == name or folded in words:
            return name
    return None


def computed_for(word: str) -> str | None:
    """The computed figure a column header names ("Kvarvarande medel 2022-08-31" → "kvarvarande medel"), or None."""
    folded = _fold(word)
    return next((name for name, words in COMPUTED_WORDS if folded in words), None)


def words_example() -> str:
    return ", ".join(words[0] for _, words in TYPED)


@dataclass(frozen=True)
class RowRule:
    """How the plan has the organisation print one area's row."""

    area: str
    # False: the remainder is a result, not earmarked money, and is left blank (and out of the sum).
    carried: bool = True
    footnote: str = ""
    # Per financer, the per cent of disponibla medel it pays when no financing is typed for the area.
    split: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Subtotal:
    """A "Varav …" line under the sum: the sum over some of the areas."""

    title: str
    areas: tuple[str, ...]


@dataclass(frozen=True)
class Layout:
    """The plan's economy section: rows in the organisation's order, subtotal groups, column titles."""

    rows: tuple[RowRule, ...] = ()
    subtotals: tuple[Subtotal, ...] = ()
    # Column titles the organisation uses instead of kubot's ("ingående medel" → "Ingående balans").
    titles: Mapping[str, str] = field(default_factory=dict)
    # The area whose accounts carry the result from earlier years (the sheet's "Underskott från tidigare år").
    earlier_area: str | None = None

    def rule(self, area: str) -> RowRule:
        return next((rule for rule in self.rows if rule.area == area), RowRule(area))

    def position(self, area: str) -> int | None:
        return next((index for index, rule in enumerate(self.rows) if rule.area == area), None)


@dataclass(frozen=True)
class AreaEconomy:
    """One area's figures in tkr as of a day; a typed figure that was never given is None."""

    area: str
    as_of: date
    typed: Mapping[str, float]
    rule: RowRule | None = None

    def get(self, item: str) -> float | None:
        return self.typed.get(item)

    @property
    def carried(self) -> bool:
        return self.rule is None or self.rule.carried

    @property
    def available(self) -> float | None:
        """Disponibla medel = ingående + erhållna medel."""
        parts = [self.typed.get("ingående medel"), self.typed.get("erhållna medel")]
        return None if all(p is None for p in parts) else sum(p or 0.0 for p in parts)

    @property
    def remaining(self) -> float | None:
        """Kvarvarande medel = disponibla medel − utfall förbrukning − utbetalt till kommunerna.

        None when the plan leaves the area's remainder blank: what is left there is a result
        (redovisat resultat), not money carried forward.
        """
        available, spent = self.available, self.typed.get("utfall förbrukning")
        if not self.carried or available is None or spent is None:
            return None
        return available - spent - self.typed.get("utbetalt till kommunerna", 0.0)

    def financing(self, who: str) -> float | None:
        """What a financer pays: typed, or else the plan's split of disponibla medel."""
        typed = [self.typed.get(f"finansiering {f}") for f in FINANCERS]
        if any(t is not None for t in typed):
            return self.typed.get(f"finansiering {who}", 0.0)
        split, available = (self.rule.split if self.rule else {}), self.available
        if not split or available is None:
            return None
        return available * split.get(who, 0.0) / 100

    @property
    def financing_total(self) -> float | None:
        parts = [self.financing(who) for who in FINANCERS]
        return None if all(p is None for p in parts) else sum(p or 0.0 for p in parts)

    @property
    def municipal_share(self) -> float | None:
        """The municipalities' share of the financing, in per cent."""
        return self.value("andel kommunerna")

    def value(self, column: str) -> float | None:
        if column in SHARES:
            return _share(self.financing(column.removeprefix("andel ")), self.financing_total)
        if column.startswith("finansiering "):
            return self.financing(column.removeprefix("finansiering "))
        computed = {"disponibla medel": self.available, "kvarvarande medel": self.remaining,
                    "total finansiering": self.financing_total}
        return computed[column] if column in computed else self.typed.get(column)


def _share(part: float | None, whole: float | None) -> float | None:
    return None if not whole or part is None else 100 * part / whole


def total(areas: Iterable[AreaEconomy], column: str) -> float | None:
    """The sum of a column over the areas; a share is recomputed from the summed parts, never added."""
    rows = list(areas)
    if column in SHARES:
        return _share(total(rows, "finansiering " + column.removeprefix("andel ")), total(rows, "total finansiering"))
    values = [row.value(column) for row in rows]
    return None if all(v is None for v in values) else sum(v or 0.0 for v in values)


def accumulated(areas: Sequence[AreaEconomy]) -> tuple[float, float] | None:
    """(result from earlier years, accumulated result), when an earlier years' result was given."""
    earlier = total(areas, "tidigare års resultat")
    if earlier is None:
        return None
    return earlier, earlier + (total(areas, "redovisat resultat") or 0.0)


def ordered(areas: Iterable[AreaEconomy], layout: Layout, plan_order: Mapping[str, int]) -> list[AreaEconomy]:
    """The rows in the plan's economy order; areas it does not list follow in the order of the plan's areas."""
    rows = [AreaEconomy(row.area, row.as_of, row.typed, layout.rule(row.area)) for row in areas]

    def key(row: AreaEconomy) -> tuple[int, int]:
        position = layout.position(row.area)
        return (0, position) if position is not None else (1, plan_order.get(row.area, len(plan_order)))

    return sorted(rows, key=key)


def check(figures: Mapping[str, float]) -> list[str]:
    """Swedish problems with one area's typed figures (empty when they are fine)."""
    problems = []
    for item, amount in figures.items():
        if item not in ITEMS:
            problems.append(f"”{item}” är ingen ekonomisk uppgift kubot tar emot (räknas fram eller okänd).")
        elif not abs(amount) <= MAX_TKR:
            problems.append(f"{item}: {amount:g} tkr är inte ett rimligt belopp.")
    # Transfers between areas make the other columns negative in the accounts (Bilaga 2: "Därav Ledning/stab …").
    for item in ("utbetalt till kommunerna", *(f"finansiering {who}" for who in FINANCERS)):
        if figures.get(item, 0.0) < 0:
            problems.append(f"{item} kan inte vara negativt.")
    return problems


def check_split(split: Mapping[str, float]) -> str | None:
    """Why a plan's financer split cannot be used, or None: known financers, per cent summing to 100."""
    unknown = [who for who in split if who not in FINANCERS]
    if unknown:
        return f"okänd finansiär ”{unknown[0]}” – skriv {', '.join(FINANCERS)}"
    if split and abs(sum(split.values()) - 100) > 0.01:
        return f"andelarna blir {sum(split.values()):g} % – de ska bli 100 %"
    return None
