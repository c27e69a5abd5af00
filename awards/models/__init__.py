"""Commendation models, one module per area; all re-exported here."""

from .basic import BasicAward, BasicCommendation
from .documents import CommendedExemplar, Decision, DecisionStatus, IssuerPrefix
from .nominations import Nomination, NominationStep, Objection
from .rounds import AwardCategory, AwardRound, CalendarDay, HolidayYear, PublicityChange, Quota

__all__ = ["AwardCategory", "AwardRound", "CalendarDay", "HolidayYear", "PublicityChange", "Quota"]
__all__ += ["Nomination", "NominationStep", "Objection"]
__all__ += ["CommendedExemplar", "Decision", "DecisionStatus", "IssuerPrefix"]
__all__ += ["BasicAward", "BasicCommendation"]
