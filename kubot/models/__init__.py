"""SQLModel tables: the plan, the records staff log, and the journal of every change.

Importing this package registers every table on `SQLModel.metadata`, which Alembic reads.
"""

from kubot.models.chat import Inbound, SlowJob
from kubot.models.conversations import ChatConversation
from kubot.models.evaluation import Deadline, Evaluation, VerdictRecord
from kubot.models.journal import Change, Entry, PendingReply
from kubot.models.plan import (
    Activity,
    Area,
    ChatIdentity,
    Goal,
    Indicator,
    IndicatorTarget,
    Municipality,
    Network,
    NetworkInvitee,
    PlanVersion,
    Staff,
    StaffArea,
    StrategicGoal,
    SurveyQuestion,
)
from kubot.models.records import (
    ActivityStatus,
    Analysis,
    Attendance,
    AttendancePresence,
    Course,
    CourseParticipants,
    EconomyLine,
    Event,
    ExampleMark,
    FundingApplication,
    IndicatorResult,
    NarrativeText,
    StaffFinancing,
    StaffFte,
    SurveyResponse,
    TargetChange,
)
from kubot.models.reminders import Absence, Dispatch, OutboxMessage, Snooze, WorkerLock
from kubot.models.signoff import ReportSignoff

__all__ = [
    "Absence",
    "Activity",
    "ActivityStatus",
    "Analysis",
    "Area",
    "Attendance",
    "AttendancePresence",
    "Change",
    "ChatConversation",
    "ChatIdentity",
    "Course",
    "CourseParticipants",
    "Deadline",
    "Dispatch",
    "EconomyLine",
    "Entry",
    "Evaluation",
    "Event",
    "ExampleMark",
    "FundingApplication",
    "Goal",
    "Inbound",
    "Indicator",
    "IndicatorResult",
    "IndicatorTarget",
    "Municipality",
    "NarrativeText",
    "Network",
    "NetworkInvitee",
    "OutboxMessage",
    "PendingReply",
    "PlanVersion",
    "ReportSignoff",
    "SlowJob",
    "Snooze",
    "Staff",
    "StaffArea",
    "StaffFinancing",
    "StaffFte",
    "StrategicGoal",
    "SurveyQuestion",
    "SurveyResponse",
    "TargetChange",
    "VerdictRecord",
    "WorkerLock",
]
