"""群众工作 models, one module per area; all re-exported here: the 群众工作站 register (``stations``) and the
registers of 党员联系户, 干群恳谈会 and 矛盾纠纷 (``masses``)."""

from .masses import (
    Dispute,
    DisputeCategory,
    DisputeOutcome,
    DisputeStep,
    Household,
    HouseholdLink,
    MassMeeting,
    ServiceKind,
    ServiceRecord,
)
from .stations import Station, StationDuty, Visit, VisitStatus, VisitTopic

__all__ = [
    "Dispute",
    "DisputeCategory",
    "DisputeOutcome",
    "DisputeStep",
    "Household",
    "HouseholdLink",
    "MassMeeting",
    "ServiceKind",
    "ServiceRecord",
    "Station",
    "StationDuty",
    "Visit",
    "VisitStatus",
    "VisitTopic",
]
