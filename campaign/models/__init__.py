"""Campaign models, one module per area; all re-exported here."""

from .activities import ActivityRecord
from .attachments import Attachment
from .badges import BadgeEntry, BadgeKind, BadgeWearing
from .bulletins import Bulletin, BulletinItem, BulletinRecipient, BulletinStatus, Exhibition, ExhibitionItem
from .commitments import Commitment, Fulfilment, FulfilmentRecord
from .guidance import GuidanceContactPoint, GuidanceGroup, GuidanceGroupMember
from .notifications import Notification, OutgoingMessage, ReminderDelivery
from .plans import Plan, PlanVersion
from .publicity import Story, StoryKind, StoryStatus
from .reports import ImplementationReport, ReportingBody
from .supervision import (
    ContactPoint,
    ContactVisit,
    Inspection,
    InspectionMethod,
    LeadingGroup,
    LeadingGroupMember,
    RectificationOrder,
    RectificationResponse,
    Remark,
)
from .timeline import Campaign, Milestone, MilestoneDone, Phase

__all__ = [
    "Bulletin",
    "BulletinItem",
    "BulletinRecipient",
    "BulletinStatus",
    "Exhibition",
    "ExhibitionItem",
    "ActivityRecord",
    "ImplementationReport",
    "ReportingBody",
    "GuidanceGroup",
    "GuidanceGroupMember",
    "GuidanceContactPoint",
    "Story",
    "StoryKind",
    "StoryStatus",
    "Attachment",
    "BadgeEntry",
    "BadgeKind",
    "BadgeWearing",
    "Campaign",
    "Commitment",
    "Fulfilment",
    "FulfilmentRecord",
    "Milestone",
    "MilestoneDone",
    "Notification",
    "OutgoingMessage",
    "Phase",
    "Plan",
    "PlanVersion",
    "ReminderDelivery",
    "ContactPoint",
    "ContactVisit",
    "Inspection",
    "InspectionMethod",
    "LeadingGroup",
    "LeadingGroupMember",
    "RectificationOrder",
    "RectificationResponse",
    "Remark",
]
