"""Commendation models, one module per area; all re-exported here."""

from .rounds import AwardCategory, AwardRound, CalendarDay, Quota

__all__ = ["AwardCategory", "AwardRound", "CalendarDay", "Quota"]
