"""The report as plain data: what `content` produces and `document` renders into Word.

Nothing here knows about Word or the database, so a report's content can be built and
checked in tests as ordinary Python values. Text is final Swedish text, already formatted.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    """A piece of text with one look. `colour` is an RGB hex string such as "2E7D32"."""

    text: str
    bold: bool = False
    italic: bool = False
    colour: str | None = None
    # A status symbol: written in one symbol font and size so ●, ◆ and ■ look alike in weight.
    symbol: bool = False


@dataclass(frozen=True)
class Heading:
    """A heading; level 1 starts a chapter on a new page.

    Chapters and their sections are numbered ("3.2 Samtliga kommuner …") and appendices named
    ("Bilaga 2: …") once the report's sections are known, so leaving out an empty one leaves no gap.
    `kind` is "chapter", "appendix" or "plain" (not numbered).
    """

    text: str
    level: int
    kind: str = "chapter"


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]

    @classmethod
    def plain(cls, text: str, *, italic: bool = False) -> Paragraph:
        return cls((Run(text, italic=italic),))

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class Internal:
    """A note for the person who sends the report, clearly marked, to be deleted before sending."""

    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Cell:
    """A table cell: one or more paragraphs of runs."""

    paragraphs: tuple[Paragraph, ...]

    @classmethod
    def of(cls, *runs: Run) -> Cell:
        return cls((Paragraph(runs),))

    @classmethod
    def text(cls, text: str, *, bold: bool = False) -> Cell:
        return cls.of(Run(text, bold=bold))

    @property
    def plain(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


@dataclass(frozen=True)
class Table:
    """A table with a header row. `widths` are relative column widths; `numeric` columns align right.

    `total` marks the last row as a sum row (bold).
    """

    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[float, ...]
    numeric: frozenset[int] = frozenset()
    total: bool = False
    caption: str | None = None
    # Many columns: a smaller font so figures and headers fit without breaking.
    small: bool = False


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class BarChart:
    """Bars per category, one bar per series, in per cent; `target` draws the target line."""

    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    target: float | None = None


@dataclass(frozen=True)
class DistributionChart:
    """Stacked horizontal bars: for each row (a network), the shares of answers 1–6 in per cent."""

    title: str
    rows: tuple[str, ...]
    shares: tuple[tuple[float, ...], ...]
    answers: tuple[int, ...]


Chart = BarChart | DistributionChart
Block = Heading | Paragraph | Internal | Bullets | Table | Chart


@dataclass(frozen=True)
class TitlePage:
    organisation: str
    title: str
    period: str
    lines: tuple[str, ...]
    draft: str
    # Generation details for the document properties (not printed in the body).
    properties: str = ""


@dataclass(frozen=True)
class Report:
    title_page: TitlePage
    blocks: tuple[Block, ...]
    file_stem: str
    internal: tuple[Block, ...] = ()
    # Approved in chat (`godkänn rapport`): built without draft marks and internal notes.
    final: bool = False

    def headings(self, level: int | None = None) -> list[str]:
        return [b.text for b in self.blocks if isinstance(b, Heading) and (level is None or b.level == level)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def charts(self) -> list[Chart]:
        return [b for b in self.blocks if isinstance(b, BarChart | DistributionChart)]
