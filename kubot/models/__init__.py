"""SQLModel tables: the plan, the records staff log, and the journal of every change.

Importing this package registers every table on `SQLModel.metadata`, which Alembic reads.
"""

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
from kubot.models.reminders import Dispatch, OutboxMessage, Snooze, WorkerLock
from kubot.models.records import (
    ActivityStatus,
    Analysis,
    Attendance,
    AttendancePresence,
    Course,
    CourseParticipants,
    EconomyLine,
    Event,
    FundingApplication,
    IndicatorResult,
    StaffFte,
    SurveyResponse,
    TargetChange,
)

__all__ = [
    "Activity", "ActivityStatus", "Analysis", "Area", "Attendance", "AttendancePresence", "Change",
    "ChatIdentity", "Course", "CourseParticipants", "Deadline", "EconomyLine", "Entry", "Evaluation", "Event", "FundingApplication",
    "Goal", "Indicator", "PendingReply", "IndicatorResult", "IndicatorTarget", "Municipality", "Network", "NetworkInvitee",
    "PlanVersion", "Staff", "StaffArea", "StaffFte", "StrategicGoal", "SurveyQuestion", "SurveyResponse", "TargetChange",
    "VerdictRecord", "Dispatch", "OutboxMessage", "Snooze", "WorkerLock",
]
