"""Årsarbetare: full-time equivalents by employment form for a year, for the staff table."""

from __future__ import annotations

from kubot.kinds.base import Kind
from kubot.models import StaffFinancing, StaffFte

NAME = "årsarbetare"

KIND = Kind(name=NAME, package=__name__, tables=(StaffFte, StaffFinancing), load=lambda window: None, sources=())
