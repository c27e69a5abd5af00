"""Commendation models, one module per area; all re-exported here."""

from .basic import BasicAward, BasicCommendation
from .documents import CommendedExemplar, Decision, DecisionStatus
from .nominations import Nomination, NominationStep, Objection
from .rounds import AwardCategory, AwardRound, CalendarDay, Quota

__all__ = ["AwardCategory", "AwardRound", "CalendarDay", "Quota", "Nomination", "NominationStep", "Objection"]
__all__ += ["CommendedExemplar", "Decision", "DecisionStatus"]
__all__ += ["BasicAward", "BasicCommendation"]
