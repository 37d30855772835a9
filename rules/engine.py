"""The one place that talks to durable-rules.

durable-rules is unmaintained since 2020 and has sharp edges, kept away from callers here:
- its `Host` registers a ruleset name once per process and runs background dispatch threads
  that have raised errors when posted to from several threads, so this module drives the
  C engine (`durable_rules_engine`) directly and synchronously, one run at a time;
- asserted facts stay until retracted, so facts are posted as events, which are consumed when
  a rule fires and not kept when none does; every run posts in one long-lived session, with
  event ids unique per run, because a session per run must be deleted afterwards and
  `delete_state` crashes the process (SIGSEGV) for a session in which no rule fired, while
  sessions left undeleted fill the engine until it raises MemoryError;
- a ruleset handle lives until deleted, so `close()` deletes every handle it created.
Callers see only `RuleEngine.run(ruleset, facts) -> rules`: replacing the engine touches
nothing else.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any, Literal, overload

import durable_rules_engine as durable

from rules.conditions import Arithmetic, Comparison, Condition, Field, Presence
from rules.rulebook import Rule, Rulebook, RuleError, Ruleset

# Every event carries its ruleset's name under this key and every rule requires it: the
# engine's session state is a fact too, and would otherwise match rules made only of "saknas".
_MARK = "regelverk"
_RESERVED = {"id", "sid", _MARK}
_OPERATORS = {"!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}
_ARITHMETIC = {"*": "$mul", "+": "$add", "-": "$sub", "/": "$div"}
_runs = itertools.count(1)
_SLICE = 500
_SESSION = "kubot"


def _term(value: Any) -> Any:
    if isinstance(value, Field):
        return {"$m": value.name}
    if isinstance(value, Arithmetic):
        return {_ARITHMETIC[value.operator]: {"$l": _term(value.left), "$r": _term(value.right)}}
    return value


def _expression(condition: Condition) -> dict[str, Any]:
    if isinstance(condition, Presence):
        return {"$ex" if condition.present else "$nex": {condition.field: 1}}
    assert isinstance(condition, Comparison)
    term = {condition.field: _term(condition.operand)}
    return term if condition.operator == "==" else {_OPERATORS[condition.operator]: term}


def _definition(ruleset: Ruleset) -> dict[str, Any]:
    reserved = _RESERVED & set(ruleset.fields)
    if reserved:
        raise RuleError(f"{ruleset.path.name}: fältnamnet ”{sorted(reserved)[0]}” är reserverat.")
    return {
        rule.name: {"all": [{"m": {"$and": [{_MARK: ruleset.name}, *(_expression(c) for c in rule.conditions)]}}]}
        for rule in ruleset.rules
    }


class RuleEngine:
    """Compiled rulesets, ready to judge facts. Use as a context manager, or call `close()`."""

    def __init__(self, rulebook: Rulebook) -> None:
        self.rulebook = rulebook
        self._lock = threading.Lock()
        self._handles: dict[str, int] = {}
        try:
            for name, ruleset in rulebook.rulesets.items():
                definition = json.dumps(_definition(ruleset), ensure_ascii=False)
                try:
                    self._handles[name] = durable.create_ruleset(name, definition)
                except Exception as exc:  # the C engine reports bad definitions as bare errors
                    raise RuleError(f"{ruleset.path.name}: regelmotorn kan inte läsa regelverket ({exc}).") from exc
        except BaseException:
            self.close()
            raise

    @overload
    def run(
        self, ruleset: str, facts: Sequence[Mapping[str, Any]], *, every_fact: Literal[True] = True
    ) -> list[Rule]: ...

    @overload
    def run(self, ruleset: str, facts: Sequence[Mapping[str, Any]], *, every_fact: bool) -> list[Rule | None]: ...

    def run(
        self, ruleset: str, facts: Sequence[Mapping[str, Any]], *, every_fact: bool = True
    ) -> list[Rule] | list[Rule | None]:
        """The rule of `ruleset` that matched each fact, in the facts' order (None: no rule matched).

        A fact with a field the ruleset does not declare raises RuleError, and so does a fact
        no rule matches when `every_fact` is set: both mean the facts and the rules have
        drifted apart. Rulesets that only flag some facts (warnings) pass every_fact=False.
        """
        definition = self.rulebook[ruleset]
        if not facts:
            return []
        declared = set(definition.fields)
        events = []
        for fact in facts:
            unknown = set(fact) - declared
            if unknown:
                raise RuleError(
                    f"{definition.path.name}: faktat har fält som regelverket inte känner:"
                    f" {', '.join(sorted(unknown))}."
                )
            events.append({**{k: v for k, v in fact.items() if v is not None}, _MARK: ruleset, "sid": _SESSION})
        matched: list[Rule | None] = [None] * len(facts)
        with self._lock:
            handle = self._handles[ruleset]
            run = next(_runs)
            # A batch's cost grows faster than its size, so big runs are posted in slices.
            for first in range(0, len(events), _SLICE):
                batch = [{**e, "id": f"{run}-{first + n}"} for n, e in enumerate(events[first:first + _SLICE])]
                # The result code speaks of one event only, so the fired actions are always collected.
                durable.assert_events(handle, json.dumps(batch, ensure_ascii=False))
                for rule_name, event in self._fired(handle):
                    matched[int(event["id"].rpartition("-")[2])] = definition.rule(rule_name)
        missing = next((i for i, rule in enumerate(matched) if rule is None), None)
        if every_fact and missing is not None:
            raise RuleError(f"{definition.path.name}: ingen regel passar faktat {dict(facts[missing])}.")
        return matched

    @staticmethod
    def _fired(handle: int) -> list[tuple[str, dict[str, Any]]]:
        fired: list[tuple[str, dict[str, Any]]] = []
        started = durable.start_action(handle)
        while started:
            _state, message, action = started
            while message:
                for rule_name, matched in json.loads(message).items():
                    fired.append((rule_name, matched["m"]))
                message = durable.complete_and_start_action(handle, action)
            started = durable.start_action(handle)
        return fired

    def close(self) -> None:
        with self._lock:
            for handle in self._handles.values():
                durable.delete_ruleset(handle)
            self._handles.clear()

    def __enter__(self) -> RuleEngine:
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()
