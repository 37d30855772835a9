"""Händelse: an important event for "Viktiga händelser" and the 3 K examples, or an example under a strategic goal."""

from __future__ import annotations

from kubot.kinds.base import Kind
from kubot.models import Event, ExampleMark

NAME = "händelse"

# The report reads events and example marks itself (`kubot.report.gather`): they are text, not values.
KIND = Kind(name=NAME, package=__name__, tables=(Event, ExampleMark), load=lambda window: None, sources=())
