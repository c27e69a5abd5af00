"""Evaluation models, one module per area; all re-exported here."""

from .assessments import Assessment, AssessmentScore, Period
from .benchmarking import Benchmark, CatchUpMeasure, Exemplar, ExemplarKind, MeasureProgress
from .criteria import CriteriaSet, Criterion
from .mass import MassAnswer, MassBatch, MassBatchStatus, MassTally, MassToken
from .ratings import MemberRating, MemberResultsRelease
from .reports import PartyAnalysisParticipation, PartyAnalysisReport, ReportStatus
from .tiers import SourceWeights, Tier, TierRun, TierTarget

__all__ = ["Assessment", "AssessmentScore", "Criterion", "CriteriaSet", "Period"]
__all__ += ["SourceWeights", "Tier", "TierRun", "TierTarget"]
__all__ += ["Benchmark", "CatchUpMeasure", "Exemplar", "ExemplarKind", "MeasureProgress"]
__all__ += ["MassAnswer", "MassBatch", "MassBatchStatus", "MassTally", "MassToken"]
__all__ += ["PartyAnalysisParticipation", "PartyAnalysisReport", "ReportStatus"]
__all__ += ["MemberRating", "MemberResultsRelease"]
