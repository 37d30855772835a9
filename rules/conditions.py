"""The condition language of the ruleset files: one comparison per line, all of which must hold.

    värde >= målvärde * delvis_från      a fact field against another, scaled
    enhet == 'janej'                      a field against a literal
    föregående finns / värde saknas       whether a field is present at all

Names that are neither a declared field nor a constant of the ruleset are errors, so a
misspelt field is caught when the file is loaded, not silently never matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Operator = Literal["==", "!=", "<", "<=", ">", ">="]
ArithmeticOperator = Literal["*", "+", "-", "/"]
Literal_ = float | str | bool


class ConditionError(ValueError):
    """A condition that cannot be read, with a Swedish explanation."""


@dataclass(frozen=True)
class Field:
    name: str


@dataclass(frozen=True)
class Arithmetic:
    left: Field
    operator: ArithmeticOperator
    right: Field | float


@dataclass(frozen=True)
class Comparison:
    field: str
    operator: Operator
    operand: Literal_ | Field | Arithmetic


@dataclass(frozen=True)
class Presence:
    field: str
    present: bool


Condition = Comparison | Presence

_NAME = r"[^\W\d]\w*"
_PRESENCE = re.compile(rf"^\s*({_NAME})\s+(finns|saknas)\s*$")
_COMPARISON = re.compile(rf"^\s*({_NAME})\s*(==|!=|<=|>=|<|>)\s*(.+?)\s*$")
_ARITHMETIC = re.compile(rf"^({_NAME})\s*([*+/-])\s*(.+)$")
_STRING = re.compile(r"^'([^']*)'$|^\"([^\"]*)\"$")
_BOOLEANS = {"sant": True, "falskt": False, "true": True, "false": False}


def parse(text: str, fields: set[str], constants: dict[str, float]) -> Condition:
    """One condition line, checked against the ruleset's declared fields and constants."""
    presence = _PRESENCE.match(text)
    if presence:
        return Presence(_field(presence.group(1), fields), presence.group(2) == "finns")
    comparison = _COMPARISON.match(text)
    if comparison is None:
        raise ConditionError(f"”{text}” är inget villkor; skriv t.ex. ”värde >= målvärde” eller ”värde finns”.")
    name, operator, operand = comparison.groups()
    return Comparison(_field(name, fields), operator, _operand(operand, fields, constants))  # type: ignore[arg-type]


def _field(name: str, fields: set[str]) -> str:
    if name not in fields:
        raise ConditionError(f"okänt fält ”{name}” (kända fält: {', '.join(sorted(fields))})")
    return name


def _operand(text: str, fields: set[str], constants: dict[str, float]) -> Literal_ | Field | Arithmetic:
    arithmetic = _ARITHMETIC.match(text)
    if arithmetic:
        left, operator, right = arithmetic.groups()
        right_value = _operand(right.strip(), fields, constants)
        if not isinstance(right_value, Field | float) or isinstance(right_value, bool):
            raise ConditionError(f"”{right.strip()}” i ”{text}” måste vara ett fält, en konstant eller ett tal.")
        return Arithmetic(Field(_field(left, fields)), operator, right_value)  # type: ignore[arg-type]
    string = _STRING.match(text)
    if string:
        return string.group(1) if string.group(1) is not None else string.group(2)
    if text in _BOOLEANS:
        return _BOOLEANS[text]
    if text in constants:
        return float(constants[text])
    try:
        return float(text.replace(",", "."))
    except ValueError:
        pass
    return Field(_field(text, fields))
