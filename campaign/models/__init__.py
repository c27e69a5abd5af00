"""Campaign models, one module per area; all re-exported here."""

from .attachments import Attachment
from .notifications import Notification, OutgoingMessage, ReminderDelivery
from .timeline import Campaign, Milestone, MilestoneDone, Phase

__all__ = [
    "Attachment",
    "Campaign",
    "Milestone",
    "MilestoneDone",
    "Notification",
    "OutgoingMessage",
    "Phase",
    "ReminderDelivery",
]
