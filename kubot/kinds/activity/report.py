"""The report half of aktivitet: nothing of its own beside the report's common parts."""

from __future__ import annotations

from kubot.kinds.base import ReportHalf

# Its records appear through the indicator and activity tables, the examples and the texts (`kubot.report.content`).
REPORT = ReportHalf()
