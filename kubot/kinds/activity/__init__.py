"""Aktivitet: an activity's status (pågår enligt plan … klar) with a comment, optionally an example in the report.

Statuses are not indicator values: evaluation reads them as the activities' verdicts."""

from __future__ import annotations

from kubot.kinds.base import Kind
from kubot.models import ActivityStatus
from kubot.models.records import ActivityState

NAME = "aktivitet"


def how(code: str) -> str:
    """The chat command that reports an activity's status."""
    return f"aktivitet {code} {ActivityState.ON_TRACK.value}"


def prefill(code: str) -> dict[str, str]:
    return {"activity": code}


KIND = Kind(name=NAME, package=__name__, tables=(ActivityStatus,), load=lambda window: None, sources=())
