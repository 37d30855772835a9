"""Reading a plan file: YAML text, loaded safely, into a validated `PlanFile`.

Every problem is reported with its line and field, in Swedish, so that an administrator can find
it in the file; hostile files (too large, too deep, aliases that explode) are refused first.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from typing import Any

import yaml
from pydantic import ValidationError

from kubot.plan.schema import PlanFile, PlanFileError, field_name, reference_problems

SAMPLE_PLAN = "sample_plan.yaml"


# A real plan is a few hundred kilobytes at most, nested about ten levels, with few or no aliases.
# The limits refuse hostile files (e.g. "billion laughs": aliases that expand exponentially) before
# anything is built from them.
MAX_PLAN_CHARS = 5_000_000
MAX_DEPTH = 40
MAX_ALIASES = 500
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: several times faster
MAX_EXPANSION = 10  # aliases may make the document at most ten times larger (plus a small allowance)


def _line(mark: Any) -> str:
    return f"rad {mark.line + 1}: " if mark is not None else ""


def _check_shape(text: str) -> None:
    """Refuse text that is too large, too deep or expands too much, cheaply and without recursion."""
    if len(text) > MAX_PLAN_CHARS:
        raise PlanFileError(
            "planen", [f"filen är för stor ({len(text):,} tecken; högst {MAX_PLAN_CHARS:,})".replace(",", " ")]
        )
    depth = aliases = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise PlanFileError(
                    "planen", [f"{_line(event.start_mark)}filen är nästlad i fler än {MAX_DEPTH} nivåer"]
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise PlanFileError(
                    "planen", [f"{_line(event.start_mark)}filen har fler än {MAX_ALIASES} alias (*namn)"]
                )


def _check_expansion(root: yaml.Node | None) -> None:
    """Refuse a document whose aliases expand it far beyond what is written (billion laughs)."""
    sizes: dict[int, int] = {}
    order: list[tuple[yaml.Node, bool]] = [(root, False)] if root is not None else []
    open_: set[int] = set()
    while order:  # post-order walk with an explicit stack: no recursion limit, shared nodes counted once
        node, children_done = order.pop()
        if id(node) in sizes:
            continue
        children = [v for pair in node.value for v in pair] if isinstance(node, yaml.MappingNode) else (
            node.value if isinstance(node, yaml.SequenceNode) else [])
        if not children_done:
            if id(node) in open_:
                raise PlanFileError("planen", [f"{_line(node.start_mark)}ett alias (*namn) pekar på sig självt"])
            open_.add(id(node))
            order.append((node, True))
            order.extend((child, False) for child in children if id(child) not in sizes)
            continue
        open_.discard(id(node))
        sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
        limit = MAX_EXPANSION * len(sizes) + 10_000
        if sizes[id(node)] > limit:
            raise PlanFileError("planen", [f"{_line(node.start_mark)}alias (*namn) gör filen mer än {MAX_EXPANSION} "
                                           "gånger större än den är skriven; skriv ut värdena i stället"])


def _node_at(node: yaml.Node | None, path: Sequence[str | int]) -> yaml.Node | None:
    """The YAML node at a pydantic error location, to report its line."""
    for step in path:
        if isinstance(node, yaml.MappingNode):
            node = next((value for key, value in node.value if key.value == step), node)
            if node is None:
                return None
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            return node
    return node



def _where(root: yaml.Node | None, path: Sequence[str | int]) -> str:
    node = _node_at(root, path)
    line = f"rad {node.start_mark.line + 1}" if node is not None else "okänd rad"
    return f"{line}, {field_name(path)}"


_PYDANTIC_SV = {
    "missing": "saknas men krävs",
    "extra_forbidden": "okänt fält",
    "int_parsing": "ska vara ett heltal",
    "int_from_float": "ska vara ett heltal",
    "float_parsing": "ska vara ett tal",
    "bool_parsing": "ska vara true eller false",
    "string_type": "ska vara text",
    "string_pattern_mismatch": "ska vara en kod med små bokstäver a–z, siffror och bindestreck",
    "enum": "har ett värde som inte finns",
    "literal_error": "ska vara 'alla' eller en lista med kommunkoder",
    "tuple_type": "ska vara en lista",
    "model_type": "ska vara en uppsättning fält (nyckel: värde)",
    "dict_type": "ska vara en uppsättning fält (nyckel: värde)",
    "greater_than_equal": "är för litet",
    "date_parsing": "ska vara ett datum som 2023-09-15",
    "date_from_datetime_parsing": "ska vara ett datum som 2023-09-15",
    "date_type": "ska vara ett datum som 2023-09-15",
    "less_than_equal": "är för stort",
}


def _describe(error: Any) -> str:
    kind = error["type"]
    if (error["loc"] and error["loc"][-1] in {"float", "dict[int,float]"}) or "målvärde" in error["loc"][-2:]:
        return f"ska vara ett tal, null eller ett värde per år som {{2022: 50, 2023: 55}} (fick {error['input']!r})"
    if kind == "enum":
        return f"har värdet {error['input']!r}; tillåtet är {error['ctx']['expected'].replace(' or ', ' eller ')}"
    if kind == "value_error":
        return str(error["ctx"]["error"])
    if kind == "string_too_long":
        return f"är för lång: högst {error['ctx']['max_length']} tecken (fick {len(error['input'])})"
    if kind == "string_pattern_mismatch" and "e-post" in error["loc"]:
        return f"ska vara en e-postadress som namn@kommun.se (fick {error['input']!r})"
    text = _PYDANTIC_SV.get(kind, error["msg"])
    return f"{text} (fick {error['input']!r})" if kind not in {"missing", "extra_forbidden"} else text


def load(text: str, source: str = "planen") -> PlanFile:
    """Parse and validate a plan; raises PlanFileError listing every problem with its line."""
    try:
        _check_shape(text)
        root = yaml.compose(text, Loader=_LOADER)
        _check_expansion(root)
        data = yaml.load(text, Loader=_LOADER)  # a safe loader (SafeLoader or its libyaml twin)
    except PlanFileError as exc:
        raise PlanFileError(source, exc.problems) from None
    except yaml.YAMLError as exc:
        raise PlanFileError(
            source,
            [f"{_line(getattr(exc, 'problem_mark', None))}filen är inte giltig YAML ({getattr(exc, 'problem', exc)})"],
        ) from exc
    if not isinstance(data, dict):
        raise PlanFileError(source, ["filen ska börja med fälten namn, gäller_från, organisation, kommuner …"])
    try:
        plan = PlanFile.model_validate(data)
    except ValidationError as exc:
        invalid: dict[str, str] = {}
        for error in exc.errors():
            # Union types add the tried alternative to the path; it means nothing to an administrator.
            path = [
                step
                for step in error["loc"]
                if not (isinstance(step, str) and ("[" in step or step in {"float", "int"}))
            ]
            invalid.setdefault(_where(root, path), _describe(error))
        raise PlanFileError(source, [f"{where}: {what}" for where, what in invalid.items()]) from exc
    problems = [f"{_where(root, path)}: {message}" for path, message in reference_problems(plan)]
    if problems:
        raise PlanFileError(source, problems)
    return plan



def sample_text() -> str:
    return resources.files("kubot.data").joinpath(SAMPLE_PLAN).read_text(encoding="utf-8")
