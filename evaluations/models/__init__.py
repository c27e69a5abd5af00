"""Evaluation models, one module per area; all re-exported here."""

from .assessments import Assessment, AssessmentScore, Period
from .criteria import CriteriaSet, Criterion

__all__ = ["Assessment", "AssessmentScore", "Criterion", "CriteriaSet", "Period"]
