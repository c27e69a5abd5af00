"""The nomination rules (推荐规则): each a named check with the seed sentence or regulation it comes from.

"评选表彰对象要注重工作实绩和社会公认度，采取自下而上、层层推荐的方式产生。" (seed, part 四)

Every rule is applied at each stage a nominee passes — when it is nominated, each time a level forwards
it, when it goes into 公示 and when the owner approves the list — so a nominee that became ineligible on
the way (a member whose record now says 预备党员, a 纪检 objection recorded on another nomination of the
same nominee) is stopped where it stands. The round's page lists ``RULES`` under "推荐规则".

Decision on "nominated twice": a nominee (a member, or an organization) is nominated at most once per
round, whatever the category. The nominee kind decides what "the same nominee" is: a member nominated as
优秀共产党员 cannot also be nominated 优秀党务工作者 in the same round, and an organization is one
nominee across 先进基层党组织 and 先进县(市、区)委. A withdrawn nomination frees the place; a rejected one
does not (the level's decision stands). The database enforces it too (unique per round and nominee).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orgs.enums import MemberStatus
from orgs.models import Member, Org

from .enums import CategoryCode
from .models import AwardCategory, AwardRound, Nomination


class Stage(models.TextChoices):
    NOMINATE = "nominate", gettext_lazy("推荐")
    FORWARD = "forward", gettext_lazy("审核上报")
    PUBLICITY = "publicity", gettext_lazy("进入公示")
    DECISION = "decision", gettext_lazy("审定名单")


@dataclass(frozen=True)
class Subject:
    """What a rule looks at: a nominee in a category of a round (``nomination_id`` once it exists)."""

    award_round: AwardRound
    category: AwardCategory
    nominee: Org | Member
    nomination_id: int | None = None

    @property
    def is_member(self) -> bool:
        return isinstance(self.nominee, Member)


@dataclass(frozen=True)
class Rule:
    """``check`` takes subjects and returns {index of a subject: the refusal message} (one query per
    rule for any number of subjects); ``field`` is where a form shows the message."""

    code: str
    title: str
    reference: str
    check: Callable[[list[Subject]], dict[int, str]]
    field: str = "nominee"
    stages: tuple[str, ...] = tuple(Stage.values)

    @property
    def stage_labels(self) -> list[str]:
        return [str(Stage(s).label) for s in self.stages]


# Statuses in which a nomination holds its nominee's place in the round (a withdrawn one frees it).
HOLDING_STATUSES = [s for s in Nomination.Status.values if s != Nomination.Status.WITHDRAWN]


def _probationary(subjects: list[Subject]) -> dict[int, str]:
    message = _("预备党员不能被推荐为优秀共产党员（预备党员尚未转为正式党员）")
    return {
        i: message
        for i, s in enumerate(subjects)
        if s.category.code == CategoryCode.EXCELLENT_MEMBER
        and s.is_member
        and s.nominee.status == MemberStatus.PROBATIONARY
    }


def _nominee_q(subjects: list[Subject]) -> Q:
    members = [s.nominee.pk for s in subjects if s.is_member]
    orgs = [s.nominee.pk for s in subjects if not s.is_member]
    return Q(nominee_member_id__in=members) | Q(nominee_org_id__in=orgs)


def _key(is_member: bool, pk: int) -> tuple[str, int]:
    return ("member" if is_member else "org", pk)


def _once_per_round(subjects: list[Subject]) -> dict[int, str]:
    if not subjects:
        return {}
    rounds = {s.award_round.pk for s in subjects}
    holding: dict[tuple, list[Nomination]] = {}
    rows = (
        Nomination.objects.filter(_nominee_q(subjects), award_round_id__in=rounds, status__in=HOLDING_STATUSES)
        .select_related("category")
        .only("pk", "award_round_id", "nominee_member_id", "nominee_org_id", "category__code", "category_id")
        .order_by("pk")
    )
    for row in rows:
        is_member = row.nominee_member_id is not None
        holding.setdefault(
            (row.award_round_id, *_key(is_member, row.nominee_member_id or row.nominee_org_id)), []
        ).append(row)
    found = {}
    for i, s in enumerate(subjects):
        others = [
            n for n in holding.get((s.award_round.pk, *_key(s.is_member, s.nominee.pk)), []) if n.pk != s.nomination_id
        ]
        if not others:
            continue
        other = others[0]
        if other.category_id == s.category.pk:
            found[i] = _("“%(name)s”已被推荐为本轮“%(category)s”，同一轮次同一类别不能重复推荐") % {
                "name": s.nominee.name,
                "category": other.category,
            }
        else:
            found[i] = _(
                "“%(name)s”已被推荐为本轮“%(other)s”，同一轮次每个对象只能推荐一次（不能再推荐为“%(this)s”）"
            ) % {
                "name": s.nominee.name,
                "other": other.category,
                "this": s.category,
            }
    return found


def _discipline(subjects: list[Subject]) -> dict[int, str]:
    if not subjects:
        return {}
    rounds = {s.award_round.pk for s in subjects}
    objected = {
        (round_id, *_key(member_id is not None, member_id or org_id))
        for round_id, member_id, org_id in Nomination.objects.filter(
            _nominee_q(subjects), award_round_id__in=rounds, discipline_result=Nomination.Discipline.PROBLEM
        ).values_list("award_round_id", "nominee_member_id", "nominee_org_id")
    }
    message = _("纪检机关对“%(name)s”的意见为“有问题”，本轮不能推荐或表彰")
    return {
        i: message % {"name": s.nominee.name}
        for i, s in enumerate(subjects)
        if (s.award_round.pk, *_key(s.is_member, s.nominee.pk)) in objected
    }


RULES: tuple[Rule, ...] = (
    Rule(
        code="probationary_member",
        title=gettext_lazy("预备党员不能被推荐为优秀共产党员"),
        reference=gettext_lazy(
            "《中国共产党章程》第七条：预备党员的预备期为一年，预备期满经支部大会讨论通过方能转为正式党员；"
            "种子文件：“优秀共产党员的基本要求是，模范履行党章规定的义务”（二）"
        ),
        check=_probationary,
    ),
    Rule(
        code="once_per_round",
        title=gettext_lazy("同一对象在同一轮次只能推荐一次（跨类别亦然）"),
        reference=gettext_lazy(
            "种子文件：“评选表彰对象要注重工作实绩和社会公认度，采取自下而上、层层推荐的方式产生。”（四）——"
            "每个对象只有一条推荐路径；党员不能同时被推荐为优秀共产党员和优秀党务工作者，撤回的推荐不占名额"
        ),
        check=_once_per_round,
    ),
    Rule(
        code="discipline_objection",
        title=gettext_lazy("纪检机关有异议的对象本轮不能表彰"),
        reference=gettext_lazy(
            "种子文件：省委创先争优活动领导小组由“办公厅、纪检……等部门参加”（五）；"
            "评选表彰须征求纪检机关意见，意见为“有问题”的不能公示、不能表彰"
        ),
        check=_discipline,
    ),
)


def violations(subjects: list[Subject], *, stage: str) -> list[tuple[int, Rule, str]]:
    """(index of the subject, rule, message) of every rule a subject breaks at ``stage``."""
    found = []
    for rule in RULES:
        if stage in rule.stages:
            found += [(i, rule, message) for i, message in rule.check(subjects).items()]
    return sorted(found, key=lambda item: item[0])


def check(subject: Subject, *, stage: str) -> None:
    """Refuse one nominee that breaks a rule: ValidationError {field: [messages]} (nothing is written)."""
    errors: dict[str, list[str]] = {}
    for _i, rule, message in violations([subject], stage=stage):
        errors.setdefault(rule.field, []).append(message)
    if errors:
        raise ValidationError(errors)


def subject_of(nomination: Nomination, award_round: AwardRound | None = None) -> Subject:
    return Subject(award_round or nomination.award_round, nomination.category, nomination.nominee, nomination.pk)


def check_all(nominations, *, stage: str, award_round: AwardRound | None = None) -> None:
    """Refuse a batch (公示, the final list) when a nominee breaks a rule; each message names the nominee.

    Pass ``award_round`` when every nomination belongs to it (no query per nomination for it)."""
    nominations = list(nominations)
    found = violations([subject_of(n, award_round) for n in nominations], stage=stage)
    if found:
        raise ValidationError(
            [
                _("“%(name)s”（%(category)s）：%(message)s")
                % {"name": nominations[i].nominee_name, "category": nominations[i].category, "message": message}
                for i, _rule, message in found
            ]
        )
