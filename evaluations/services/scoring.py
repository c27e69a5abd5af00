"""Score arithmetic: one assessment's score, the combined score of the sources, the tier rule,
and the set-based aggregators (one GROUP BY query per source) that feed them.

"考核评议。上级党组织要对基层党组织、基层党组织对党员开展创先争优活动情况进行考核，并采取适当方式
组织党员、群众进行评议。" (seed, part 四 (四))

Arithmetic (all ``Decimal``, rounded once at the end, ROUND_HALF_UP to 2 places):

- an assessment's score is the weighted mean of its level scores,
  ``Σ weight_i × level_score_i / Σ weight_i``;
- a source's score for a target is that source's assessment score (self, superior: one per
  period), or the plain mean of the submitted assessments (peer: several authors), or what
  ``evaluations.services.mass`` reports (mass);
- the combined score is the weighted mean over the sources that are present (have a score and a
  weight > 0): the present weights are renormalised to sum to 1, so a missing source neither
  counts as 0 nor changes the others' relative weight. No source present → no combined score.
"""

import importlib.util
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.utils.translation import gettext as _

from orgs import queries

from ..enums import AssessmentStatus, Source, Target, TierLevel
from ..models import Assessment, Period, SourceWeights

CENT = Decimal("0.01")
SOURCES = (Source.SELF, Source.SUPERIOR, Source.PEER, Source.MASS)

# Defaults when no SourceWeights row applies (issue 4: "e.g. self 20, mass 40, superior 40").
# Members have no self-assessment: 上级(基层党组织)考核 40, 党员评议 30, 群众评议 30.
DEFAULT_WEIGHTS = {
    Target.ORG: {"self": Decimal(20), "superior": Decimal(40), "peer": Decimal(0), "mass": Decimal(40)},
    Target.MEMBER: {"self": Decimal(0), "superior": Decimal(40), "peer": Decimal(30), "mass": Decimal(30)},
}
DEFAULT_THRESHOLDS = {
    "advanced_score": Decimal(85),
    "advanced_level_score": Decimal(80),
    "backward_score": Decimal(60),
    "backward_level_score": Decimal(0),
}


def round_score(value) -> Decimal:
    """ROUND_HALF_UP to 2 places (82.125 → 82.13, never banker's rounding)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def weighted_mean(pairs) -> Decimal | None:
    """``pairs``: (weight, score). None when the weights sum to 0 (nothing to average)."""
    total_weight = Decimal(0)
    total = Decimal(0)
    for weight, score in pairs:
        weight = Decimal(weight)
        total_weight += weight
        total += weight * Decimal(score)
    if total_weight <= 0:
        return None
    return round_score(total / total_weight)


def combine(scores_by_source: dict[str, Decimal | None], weights: dict[str, Decimal]) -> Decimal | None:
    """The combined score: the weighted mean of the present sources (score not None, weight > 0),
    their weights renormalised. E.g. weights self 20 / superior 40 / mass 40 with no mass result:
    (20 × self + 40 × superior) / 60. No source present → None (no score, no tier)."""
    pairs = [
        (weights.get(source, 0) or 0, score)
        for source, score in scores_by_source.items()
        if score is not None and (weights.get(source, 0) or 0) > 0
    ]
    return weighted_mean(pairs)


# --- source weights and tier thresholds per subtree ------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """Weights and thresholds that apply to one subtree and period."""

    weights: dict
    advanced_score: Decimal = DEFAULT_THRESHOLDS["advanced_score"]
    advanced_level_score: Decimal = DEFAULT_THRESHOLDS["advanced_level_score"]
    backward_score: Decimal = DEFAULT_THRESHOLDS["backward_score"]
    backward_level_score: Decimal = DEFAULT_THRESHOLDS["backward_level_score"]
    source: SourceWeights | None = None

    @classmethod
    def default(cls, target=Target.ORG):
        return cls(weights=dict(DEFAULT_WEIGHTS[target]))

    @classmethod
    def from_row(cls, row: SourceWeights):
        return cls(
            weights=row.as_weights(),
            advanced_score=row.advanced_score,
            advanced_level_score=row.advanced_level_score,
            backward_score=row.backward_score,
            backward_level_score=row.backward_level_score,
            source=row,
        )


class RuleBook:
    """All SourceWeights rows that may apply in a period (one query), resolved per org path like
    criteria sets: the deepest owner that is an ancestor-or-self of the org wins, a row for the
    period beats a row for every period at the same owner; else the province row; else defaults."""

    def __init__(self, period: Period, target=Target.ORG):
        self.target = target
        rows = SourceWeights.objects.filter(target=target).filter(Q(period=None) | Q(period=period))
        self.by_path: dict[str, Rule] = {}
        chosen: dict[str, SourceWeights] = {}
        for row in rows.select_related("owner_org"):
            key = row.owner_org.path if row.owner_org_id else ""
            if key not in chosen or (row.period_id and not chosen[key].period_id):
                chosen[key] = row
        self.by_path = {key: Rule.from_row(row) for key, row in chosen.items()}
        self.default = self.by_path.get("", Rule.default(target))

    def for_path(self, path: str) -> Rule:
        for end in range(len(path), 0, -4):
            rule = self.by_path.get(path[:end])
            if rule is not None:
                return rule
        return self.default


def rule_for(org, period: Period, target=Target.ORG) -> Rule:
    return RuleBook(period, target).for_path(org.path)


def tier_for(score: Decimal | None, lowest_level_score: Decimal | None, rule: Rule) -> str | None:
    """The tier from the combined score and the 五个好 results of the superior assessment.

    "使处于先进的当好标杆、中间状态的规范提高、相对后进的改变面貌" (seed, part 四 (三) 3).

    - no combined score → None (未评定);
    - 后进 when the score < ``backward_score`` (default 60) or any criterion of the superior
      assessment has a level score ≤ ``backward_level_score`` (default 0: 不满意);
    - 先进 when the score ≥ ``advanced_score`` (default 85) and there is a submitted superior
      assessment whose every criterion has a level score ≥ ``advanced_level_score`` (default 80:
      比较满意 or better) — no 先进 without the superior's 考核;
    - else 中间.
    ``lowest_level_score`` is the lowest level score of the superior assessment (None: none).
    """
    if score is None:
        return None
    if score < rule.backward_score or (
        lowest_level_score is not None and lowest_level_score <= rule.backward_level_score
    ):
        return TierLevel.BACKWARD
    if (
        score >= rule.advanced_score
        and lowest_level_score is not None
        and lowest_level_score >= rule.advanced_level_score
    ):
        return TierLevel.ADVANCED
    return TierLevel.MIDDLE


# --- set-based aggregators: one GROUP BY query per source ---------------------------------------


def _submitted(period, source, target):
    return Assessment.objects.filter(
        period=period, source=source, target=target, status=AssessmentStatus.SUBMITTED, score__isnull=False
    )


def _for_orgs(qs, orgs):
    return qs if orgs is None else qs.filter(org__in=orgs)


def _for_members(qs, members):
    return qs if members is None else qs.filter(member__in=members)


def _mean_by(qs, key) -> dict:
    rows = qs.values(key).annotate(total=Sum("score"), n=Count("id")).values_list(key, "total", "n")
    return {pk: round_score(Decimal(total) / n) for pk, total, n in rows if n}


def self_scores(period, orgs=None) -> dict[int, Decimal]:
    """org id → the submitted self-assessment's score (``orgs``: a queryset, None for all)."""
    qs = _for_orgs(_submitted(period, Source.SELF, Target.ORG), orgs)
    return {pk: Decimal(score) for pk, score in qs.values_list("org_id", "score")}


def superior_scores(period, orgs=None) -> dict[int, tuple[Decimal, Decimal | None]]:
    """org id → (the superior assessment's score, its lowest level score) in one aggregate query."""
    qs = _for_orgs(_submitted(period, Source.SUPERIOR, Target.ORG), orgs)
    rows = qs.values("org_id").annotate(s=Max("score"), low=Min("scores__points")).values_list("org_id", "s", "low")
    return {pk: (Decimal(s), None if low is None else Decimal(low)) for pk, s, low in rows}


def peer_scores(period, orgs=None) -> dict[int, Decimal]:
    """org id → mean of the submitted peer assessments of the organization."""
    return _mean_by(_for_orgs(_submitted(period, Source.PEER, Target.ORG), orgs), "org_id")


def member_self_scores(period, members=None) -> dict[int, Decimal]:
    """member id → the member's own submitted 五个模范 self-assessment score."""
    qs = _for_members(_submitted(period, Source.SELF, Target.MEMBER), members)
    return {pk: Decimal(score) for pk, score in qs.values_list("member_id", "score")}


def member_superior_scores(period, members=None) -> dict[int, Decimal]:
    qs = _for_members(_submitted(period, Source.SUPERIOR, Target.MEMBER), members)
    return {pk: Decimal(score) for pk, score in qs.values_list("member_id", "score")}


def member_peer_scores(period, members=None) -> dict[int, Decimal]:
    """member id → mean of the submitted 党员评议 (each author once; a secretary's recorded result
    counts as one of them)."""
    return _mean_by(_for_members(_submitted(period, Source.PEER, Target.MEMBER), members), "member_id")


def _mass_module():
    """evaluations.services.mass (the 群众评议 area) when it exists; None means "no mass source"."""
    if importlib.util.find_spec("evaluations.services.mass") is None:
        return None
    from . import mass

    return mass


def mass_scores(period, orgs) -> dict[int, Decimal]:
    module = _mass_module()
    func = getattr(module, "mass_scores", None) if module else None
    return {pk: Decimal(v) for pk, v in (func(period, orgs) if func else {}).items() if v is not None}


def mass_member_scores(period, members) -> dict[int, Decimal]:
    module = _mass_module()
    func = getattr(module, "mass_member_scores", None) if module else None
    return {pk: Decimal(v) for pk, v in (func(period, members) if func else {}).items() if v is not None}


def org_source_scores(period, orgs) -> dict[int, dict]:
    """org id → {"self", "superior", "peer", "mass", "lowest"} for every org with any source."""
    from orgs.models import Org

    orgs = Org.objects.all() if orgs is None else orgs
    out: dict[int, dict] = {}

    def row(pk):
        return out.setdefault(pk, {"self": None, "superior": None, "peer": None, "mass": None, "lowest": None})

    for pk, score in self_scores(period, orgs).items():
        row(pk)["self"] = score
    for pk, (score, lowest) in superior_scores(period, orgs).items():
        row(pk)["superior"] = score
        row(pk)["lowest"] = lowest
    for pk, score in peer_scores(period, orgs).items():
        row(pk)["peer"] = score
    for pk, score in mass_scores(period, orgs).items():
        row(pk)["mass"] = score
    return out


def member_scores(period, members) -> dict[int, dict]:
    """member id → {"self", "superior", "peer", "mass", "score"}: the combined score of a member with
    the member weights of the member's subtree (set-based: one query per source, one for the paths).
    The member's own self-assessment weighs 0 by default (DEFAULT_WEIGHTS): it is shown beside the
    others but does not raise his own score unless a 组织部 gives it a weight."""
    book = RuleBook(period, Target.MEMBER)
    out: dict[int, dict] = {}

    def row(pk):
        return out.setdefault(pk, {"self": None, "superior": None, "peer": None, "mass": None})

    for pk, score in member_self_scores(period, members).items():
        row(pk)["self"] = score
    for pk, score in member_superior_scores(period, members).items():
        row(pk)["superior"] = score
    for pk, score in member_peer_scores(period, members).items():
        row(pk)["peer"] = score
    for pk, score in mass_member_scores(period, members).items():
        row(pk)["mass"] = score
    if out:
        from orgs.models import Member

        paths = dict(Member.objects.filter(pk__in=list(out)).values_list("pk", "org_path"))
        for pk, scores in out.items():
            rule = book.for_path(paths.get(pk, ""))
            scores["score"] = combine({s: scores[s] for s in ("self", "superior", "peer", "mass")}, rule.weights)
    return out


def set_weights(owner_org, period, *, target=Target.ORG, by, **values) -> SourceWeights:
    """An org_department sets the source weights and tier thresholds for its subtree (``owner_org``)
    and a period (None: every period). ``values``: the four ``*_weight`` and four threshold fields."""
    if not queries.can_manage(by, owner_org):
        raise PermissionDenied(_("只有本范围的组织部可以设置权重"))
    fields = [f"{s}_weight" for s in ("self", "superior", "peer", "mass")]
    thresholds = list(DEFAULT_THRESHOLDS)
    data = {}
    for name in fields + thresholds:
        value = values.get(name, DEFAULT_THRESHOLDS.get(name, Decimal(0)))
        value = Decimal(str(value))
        if value < 0 or (name in thresholds and value > 100):
            raise ValidationError({name: _("取值超出范围")})
        data[name] = value
    if sum(data[f] for f in fields) <= 0:
        raise ValidationError({"superior_weight": _("各来源权重之和必须大于 0")})
    if data["backward_score"] > data["advanced_score"]:
        raise ValidationError({"backward_score": _("后进分数线不能高于先进分数线")})
    with transaction.atomic():
        row, _created = SourceWeights.objects.update_or_create(
            owner_org=owner_org, period=period, target=target, defaults={**data, "set_by": by}
        )
    return row
