"""The plan file's `ekonomi:` section: how the organisation prints its economy tables.

    ekonomi:
      rubriker:                      # the organisation's own column titles (year and date are added)
        ingående medel: Ingående balans
      rader:                         # the rows in the order the organisation prints them
        - område: social
          fotnot: Av kvarvarande medel utgör statliga medel …
        - område: stab
          kvarvarande: tom           # a result, not earmarked money: left blank and out of the sum
        - område: utbildning
          finansiering: {kommunerna: 100}   # per cent of disponibla medel, when none is typed
      delsummor:
        - rubrik: Varav projektverksamhet
          områden: [change, kosta]
      tidigare_år: stab              # the area whose accounts carry the result from earlier years

The section is kept with the plan version as JSON (`PlanVersion.economy`) and read back as an
`economy.Layout` for the report and the spreadsheet import.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from kubot import economy

_Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=40)]
_Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True, max_length=400)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class EconomyRowSpec(_Model):
    area: _Code = Field(alias="område")
    remainder: Literal["fonderas", "tom"] = Field(default="fonderas", alias="kvarvarande")
    footnote: str = Field(default="", alias="fotnot", max_length=2000)
    split: dict[str, float] = Field(default_factory=dict, alias="finansiering")

    @field_validator("split")
    @classmethod
    def _split_adds_up(cls, value: dict[str, float]) -> dict[str, float]:
        if problem := economy.check_split(value):
            raise ValueError(problem)
        return value


class SubtotalSpec(_Model):
    title: _Text = Field(alias="rubrik")
    areas: tuple[_Code, ...] = Field(alias="områden", min_length=1)


class EconomySpec(_Model):
    titles: dict[str, _Text] = Field(default_factory=dict, alias="rubriker")
    rows: tuple[EconomyRowSpec, ...] = Field(default=(), alias="rader")
    subtotals: tuple[SubtotalSpec, ...] = Field(default=(), alias="delsummor")
    earlier_area: _Code | None = Field(default=None, alias="tidigare_år")

    @field_validator("titles")
    @classmethod
    def _titles_name_columns(cls, value: dict[str, str]) -> dict[str, str]:
        for column in value:
            if column not in (*economy.ITEMS, *economy.COMPUTED):
                raise ValueError(
                    f"”{column}” är ingen kolumn i ekonomitabellen – skriv t.ex. ”ingående medel” eller ”utfall"
                    " förbrukning”"
                )
        return value

    @model_validator(mode="after")
    def _each_area_once(self) -> EconomySpec:
        seen: set[str] = set()
        for row in self.rows:
            if row.area in seen:
                raise ValueError(f"området {row.area} står två gånger under rader")
            seen.add(row.area)
        return self

    def area_codes(self) -> list[tuple[list[str | int], str]]:
        """Every area code the section names, with its field path, for the plan's reference check."""
        found: list[tuple[list[str | int], str]] = [
            (["ekonomi", "rader", i, "område"], row.area) for i, row in enumerate(self.rows)
        ]
        for i, group in enumerate(self.subtotals):
            found.extend((["ekonomi", "delsummor", i, "områden", j], code) for j, code in enumerate(group.areas))
        if self.earlier_area is not None:
            found.append((["ekonomi", "tidigare_år"], self.earlier_area))
        return found

    def is_empty(self) -> bool:
        return not (self.titles or self.rows or self.subtotals or self.earlier_area)


def stored(spec: EconomySpec) -> str:
    """The section as kept with the plan version; "" when the plan has none."""
    return "" if spec.is_empty() else spec.model_dump_json(by_alias=True, exclude_defaults=True)


def from_stored(text: str) -> EconomySpec:
    return EconomySpec.model_validate_json(text) if text else EconomySpec()


def layout(spec: EconomySpec) -> economy.Layout:
    return economy.Layout(
        rows=tuple(
            economy.RowRule(row.area, carried=row.remainder == "fonderas", footnote=row.footnote, split=row.split)
            for row in spec.rows
        ),
        subtotals=tuple(economy.Subtotal(group.title, group.areas) for group in spec.subtotals),
        titles=spec.titles,
        earlier_area=spec.earlier_area,
    )
