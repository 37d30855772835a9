"""Text: a named section of report prose (inledning, analys per strategiskt mål, …) for a period."""

from __future__ import annotations

from kubot.kinds.base import Kind
from kubot.models import NarrativeText

NAME = "text"

KIND = Kind(name=NAME, package=__name__, tables=(NarrativeText,), load=lambda window: None, sources=())
