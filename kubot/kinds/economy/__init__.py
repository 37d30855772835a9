"""Ekonomi: an area's economy in tkr as of a day (typed in chat or imported from a spreadsheet)."""

from __future__ import annotations

from kubot.kinds.base import Kind
from kubot.models import EconomyLine

NAME = "ekonomi"

# The report reads the economy itself (`kubot.report.gather`): the tables in tkr, not indicator values.
KIND = Kind(name=NAME, package=__name__, tables=(EconomyLine,), load=lambda window: None, sources=())
