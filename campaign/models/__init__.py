"""Campaign models, one module per area; all re-exported here."""

from .notifications import Notification, OutgoingMessage, ReminderDelivery
from .timeline import Campaign, Milestone, MilestoneDone, Phase

__all__ = [
    "Campaign",
    "Milestone",
    "MilestoneDone",
    "Notification",
    "OutgoingMessage",
    "Phase",
    "ReminderDelivery",
]
