"""Reading the ruleset files: YAML with Swedish keys, checked completely before anything is used.

A ruleset judges one kind of fact (an indicator for a period, an activity …). It declares
the fields its facts carry, named constants (thresholds and bands are data, not code), and
rules: each a name, a plain-Swedish explanation with {fält} placeholders, conditions that must
all hold, and the outcome it gives. The rules of a ruleset should exclude each other: every
fact must be matched by exactly one of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rules.conditions import Condition, ConditionError, parse

RULES_DIR = Path(__file__).parent
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class RuleError(ValueError):
    """A ruleset that cannot be used, naming the file and the problem in Swedish."""


class _RuleFile(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    namn: str
    förklaring: str
    när: list[str] = Field(min_length=1)
    utfall: str


class _RulesetFile(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    regelverk: str
    beskrivning: str
    fält: dict[str, str] = Field(min_length=1)
    konstanter: dict[str, float] = Field(default_factory=dict)
    regler: list[_RuleFile] = Field(min_length=1)


@dataclass(frozen=True)
class Rule:
    name: str
    explanation: str
    conditions: tuple[Condition, ...]
    source: tuple[str, ...]
    outcome: str


@dataclass(frozen=True)
class Ruleset:
    name: str
    description: str
    fields: dict[str, str]
    constants: dict[str, float]
    rules: tuple[Rule, ...]
    path: Path

    def rule(self, name: str) -> Rule:
        return next(r for r in self.rules if r.name == name)


@dataclass(frozen=True)
class Rulebook:
    """Every ruleset in force, by name."""

    rulesets: dict[str, Ruleset]

    def __getitem__(self, name: str) -> Ruleset:
        return self.rulesets[name]


def load(directory: Path = RULES_DIR) -> Rulebook:
    """All `*.yaml` rulesets in `directory`; the first problem found raises RuleError."""
    rulesets: dict[str, Ruleset] = {}
    for path in sorted(directory.glob("*.yaml")):
        ruleset = load_file(path)
        if ruleset.name in rulesets:
            raise RuleError(
                f"{path.name}: regelverket ”{ruleset.name}” finns redan i {rulesets[ruleset.name].path.name}."
            )
        rulesets[ruleset.name] = ruleset
    if not rulesets:
        raise RuleError(f"{directory}: inga regelverk (*.yaml) hittades.")
    return Rulebook(rulesets)


def load_file(path: Path) -> Ruleset:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"{path.name}: kan inte läsas ({exc}).") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"rad {mark.line + 1}: " if mark else ""
        raise RuleError(f"{path.name}: {where}felaktig YAML ({getattr(exc, 'problem', exc)}).") from exc
    try:
        file = _RulesetFile.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        problem = "okänt fält" if error["type"] == "extra_forbidden" else error["msg"]
        raise RuleError(f"{path.name}: {where}: {problem}.") from exc
    fields = set(file.fält)
    rules: list[Rule] = []
    for position, rule in enumerate(file.regler, start=1):
        where = f"{path.name}: regel {position} (”{rule.namn}”)"
        if any(r.name == rule.namn for r in rules):
            raise RuleError(f"{where}: namnet används redan i samma regelverk.")
        try:
            conditions = tuple(parse(line, fields, file.konstanter) for line in rule.när)
        except ConditionError as exc:
            raise RuleError(f"{where}: {exc}.") from exc
        unknown = [name for name in _PLACEHOLDER.findall(rule.förklaring) if name not in fields]
        if unknown:
            raise RuleError(f"{where}: förklaringen nämner okänt fält ”{unknown[0]}”.")
        rules.append(Rule(rule.namn, rule.förklaring, conditions, tuple(rule.när), rule.utfall))
    return Ruleset(file.regelverk, file.beskrivning, dict(file.fält), dict(file.konstanter), tuple(rules), path)
