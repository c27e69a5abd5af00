"""群众评议 without accounts: batches of one-time tokens, the QR sheet, answers, paper tallies, results
and the mass scores that enter the combined score.

"各领域、各行业、各单位开展创先争优活动，要让广大群众充分参与到活动中来，主动听取群众意见建议，接受群众监督"
(seed, part 三); "考核评议。上级党组织要对基层党组织、基层党组织对党员开展创先争优活动情况进行考核，并采取适当
方式组织党员、群众进行评议。" (seed, part 四).

Token rules: a token (``mass_tokens``: 16 characters without look-alikes, printed as ``ABCD-EFGH-JKMN-PQRS`` and
typed in any case, with or without the dashes; older tokens as issued) is stored only as its SHA-256 digest; it
is used once (a conditional UPDATE … WHERE used_at IS NULL in the same transaction as the answers), only inside
the batch's window; the plaintext exists only while the QR sheet is rendered,
which happens when the batch is created (in a Celery task for big batches).
"""

import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from common import jobs as background
from common.history import save_as
from common.numbers import percent
from orgs import queries, ratelimit
from orgs.models import Member, Org, User

from ..enums import Target
from ..models import CriteriaSet, MassAnswer, MassBatch, MassBatchStatus, MassTally, MassToken, Period
from ..queries import mass as queries_mass
from .mass_tokens import grouped, new_token, token_candidates, token_digest

logger = logging.getLogger(__name__)

MAX_TOKENS_PER_BATCH = 5000
TWO_PLACES = Decimal("0.01")
ONE_PLACE = Decimal("0.1")
SHEET_COLUMNS = 3


def async_threshold() -> int:
    """Batches with more tokens than this render their sheet in a Celery task."""
    return getattr(settings, "MASS_SHEET_ASYNC_TOKENS", 200)


# ---- creating a batch and its sheet ---------------------------------------------------------


def batch_members(org: Org):
    """Members evaluated by a member batch: the organization's own members."""
    return Member.objects.filter(org=org).order_by("name", "id")


def create_batch(
    org: Org,
    *,
    by: User,
    period: Period,
    criteria_set: CriteriaSet,
    target: str,
    tokens_per_target: int,
    opens_at,
    closes_at,
    base_url: str,
    title: str = "",
) -> MassBatch:
    """Create a batch; its tokens and QR sheet are generated now (small batches) or by a task.

    org_department creates any batch in its subtree. The secretary of a basic organization creates
    member batches of its own organization ("基层党组织……组织群众对党员进行评议", seed 四 (二) 1); the
    masses' evaluation of the organization itself stays with its superiors.
    """
    check_can_create(by, org, target)
    errors = {}
    if criteria_set.target != target:
        errors["criteria_set"] = _("评价标准的评价对象与本批次不一致")
    if closes_at <= opens_at:
        errors["closes_at"] = _("截止时间必须晚于开始时间")
    if tokens_per_target < 1:
        errors["tokens_per_target"] = _("二维码数至少为 1")
    targets = 1
    if target == Target.MEMBER:
        targets = batch_members(org).count()
        if targets == 0:
            errors["org_code"] = _("该组织没有直属党员，不能组织群众评议党员")
    total = targets * tokens_per_target
    if total > MAX_TOKENS_PER_BATCH and "tokens_per_target" not in errors:
        errors["tokens_per_target"] = _("一个批次最多 %(max)s 个二维码，本批次需要 %(n)s 个，请分批创建") % {
            "max": MAX_TOKENS_PER_BATCH,
            "n": total,
        }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        batch = MassBatch.objects.create(
            period=period,
            target=target,
            org=org,
            org_path=org.path,
            criteria_set=criteria_set,
            title=title,
            tokens_per_target=tokens_per_target,
            token_count=total,
            opens_at=opens_at,
            closes_at=closes_at,
            public_base_url=base_url.rstrip("/"),
            created_by=by,
        )
        if total > async_threshold():
            # A background job (common.jobs) published after the commit.
            background.enqueue("evaluations.generate_mass_sheet", owner=by, target=batch, batch_id=batch.pk)
    if total <= async_threshold():
        try:
            generate_sheet(batch.pk)
        except Exception:  # marked failed by generate_sheet; the batch page says so
            logger.warning("mass sheet of batch %s could not be rendered", batch.pk)
        batch.refresh_from_db()
    return batch


def check_can_create(user: User, org: Org, target: str) -> None:
    """PermissionDenied outside the user's managing roles; a field error where a secretary picked what
    only org_department may do."""
    if queries_mass.can_create_batch(user, org, target):
        return
    if not queries.covers(user, org, queries_mass.MASS_BRANCH_ROLES):
        raise PermissionDenied
    if not org.is_basic:
        raise ValidationError(
            {"org_code": _("“%(name)s”不是基层党组织：书记只能组织群众评议本组织的党员") % {"name": org.name}}
        )
    raise ValidationError({"target": _("群众对党组织本身的评议由上级组织部组织；书记可组织群众评议本组织党员")})


def close_batch(batch: MassBatch, *, by: User, at=None) -> MassBatch:
    """结束评议: close the batch now (``closes_at`` = now). Tokens not yet used are refused from then
    on; a phone that opened the page before gets the "已结束" page on submitting."""
    if not queries_mass.can_manage_batch(by, batch):
        raise PermissionDenied
    at = at or timezone.now()
    with transaction.atomic():
        locked = MassBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.closes_at <= at:
            raise ValidationError(_("本批次评议已经结束"))
        locked.closes_at = at
        fields = ["closes_at"]
        if locked.opens_at > at:  # not yet open: it never will be
            locked.opens_at = at
            fields.append("opens_at")
        save_as(locked, by=by, update_fields=fields)
    return locked


def answer_url(batch: MassBatch, token: str) -> str:
    return batch.public_base_url + reverse("evaluations:mass_answer", args=[token])


def qr_data_uri(url: str) -> str:
    import segno

    return segno.make(url, error="m", micro=False).png_data_uri(scale=10, border=4, dark="#000", light="#fff")


def render_sheet(batch: MassBatch, cells: list[dict]) -> bytes:
    """The printable sheet: one cell per token with its QR code (the answer URL), its 评议码 in groups of four,
    the entry page's short address to type it on, the organization (or member) and instructions."""
    from weasyprint import HTML

    padded = cells + [None] * (-len(cells) % SHEET_COLUMNS)
    rows = [padded[i : i + SHEET_COLUMNS] for i in range(0, len(padded), SHEET_COLUMNS)]
    html = render_to_string(
        "evaluations/mass_sheet_pdf.html",
        {
            "batch": batch,
            "rows": rows,
            "criteria_set": batch.criteria_set,
            "enter_url": batch.public_base_url + reverse("evaluations:mass_enter"),
        },
    )
    return HTML(string=html).write_pdf()


def generate_sheet(batch_id: int) -> None:
    """Create the tokens of a batch and render its QR sheet. Safe to run twice: a batch that is
    already ready is left alone, and tokens are stored in the same transaction that marks it ready."""
    batch = MassBatch.objects.select_related("org", "criteria_set", "period").filter(pk=batch_id).first()
    if batch is None or batch.status == MassBatchStatus.READY:
        return
    try:
        targets = list(batch_members(batch.org)) if batch.target == Target.MEMBER else [None]
        cells = []
        tokens = []
        for member in targets:
            for _n in range(batch.tokens_per_target):
                token = new_token()
                cells.append({"member": member, "qr": qr_data_uri(answer_url(batch, token)), "code": grouped(token)})
                tokens.append(MassToken(batch=batch, member=member, digest=token_digest(token)))
        pdf = render_sheet(batch, cells)
        del cells
    except Exception:
        logger.exception("mass sheet %s failed", batch_id)
        MassBatch.objects.filter(pk=batch_id).exclude(status=MassBatchStatus.READY).update(
            status=MassBatchStatus.FAILED
        )
        raise
    saved = ""
    try:
        with transaction.atomic():
            locked = MassBatch.objects.select_for_update().get(pk=batch_id)
            if locked.status == MassBatchStatus.READY:
                return
            bulk_create_with_history(tokens, MassToken, batch_size=1000, default_user=batch.created_by)
            locked.sheet.save(f"{locked.pk}-{secrets.token_hex(8)}.pdf", ContentFile(pdf), save=False)
            saved = locked.sheet.name
            locked.status = MassBatchStatus.READY
            locked.token_count = len(tokens)
            locked.save(update_fields=["sheet", "status", "token_count"])
    except Exception:
        if saved:  # no tokens were stored: a sheet of them must not remain
            MassBatch.sheet.field.storage.delete(saved)
        raise


def delete_sheet(batch: MassBatch, *, by: User) -> None:
    """Destroy the printed sheet's file (the only place the tokens exist) once it has been printed."""
    if not queries_mass.can_manage_batch(by, batch):
        raise PermissionDenied
    if batch.sheet:
        batch.sheet.delete(save=False)
        MassBatch.objects.filter(pk=batch.pk).update(sheet="")
        batch.sheet = ""


# ---- answering ---------------------------------------------------------------------------------


class TokenRefused(Exception):
    """``reason``: invalid (unknown, tampered, guessed), used, not_open, closed."""

    def __init__(self, reason: str, batch: MassBatch | None = None):
        super().__init__(reason)
        self.reason = reason
        self.batch = batch


def find_token(token: str, *, at=None) -> MassToken:
    """The unused token inside its window, or TokenRefused. Unknown and malformed tokens are refused
    alike ("invalid"): nothing tells a guesser how close it came."""
    candidates = token_candidates(token)
    if not candidates:
        raise TokenRefused("invalid")
    row = (
        MassToken.objects.select_related("batch", "batch__org", "batch__criteria_set", "member", "member__org")
        .filter(digest__in=[token_digest(c) for c in candidates], batch__status=MassBatchStatus.READY)
        .first()
    )
    if row is None:
        raise TokenRefused("invalid")
    batch = row.batch
    at = at or timezone.now()
    if row.used_at is not None:
        raise TokenRefused("used", batch)
    if at < batch.opens_at:
        raise TokenRefused("not_open", batch)
    if at >= batch.closes_at:
        raise TokenRefused("closed", batch)
    return row


def submit_answers(token: str, choices: dict[int, str], *, at=None) -> MassBatch:
    """Store one answer sheet. ``choices``: criterion id → level key, one for every criterion.

    The token is marked used with a conditional UPDATE in the same transaction as the answers, so two
    concurrent submissions of one token store one sheet. The answers do not point at the token.
    """
    at = at or timezone.now()
    row = find_token(token, at=at)
    batch = row.batch
    criteria = list(batch.criteria_set.criteria.all())
    keys = {level["key"] for level in batch.criteria_set.levels}
    if set(choices) != {c.pk for c in criteria} or not set(choices.values()) <= keys:
        raise ValidationError(_("请对每个评价项目选择一个等次"))
    with transaction.atomic():
        if not claim_token(row.pk, at=at):
            raise TokenRefused("used", batch)
        MassAnswer.objects.bulk_create(
            MassAnswer(batch=batch, member_id=row.member_id, criterion=c, level=choices[c.pk]) for c in criteria
        )
    return batch


def claim_token(token_id: int, *, at) -> bool:
    """Mark the token used unless somebody did already: one conditional UPDATE, True if this call won.

    Deliberately no history row: its time would sit beside the anonymous answers (MassAnswer keeps none,
    see common.history); ``used_at`` on the token is the record."""
    return MassToken.objects.filter(pk=token_id, used_at__isnull=True).update(used_at=at) == 1


# ---- per-address rate limiting -----------------------------------------------------------------


def rate_limit_key(ip: str) -> str:
    return ratelimit.address_key("mass-rl:", ip)


def hit_rate_limit(ip: str) -> bool:
    """Count one request from ``ip``; True once it made more than MASS_RATE_LIMIT requests inside
    MASS_RATE_WINDOW seconds."""
    return ratelimit.hit(
        rate_limit_key(ip),
        limit=getattr(settings, "MASS_RATE_LIMIT", 20),
        window=getattr(settings, "MASS_RATE_WINDOW", 600),
    )


# ---- paper tallies -----------------------------------------------------------------------------


def save_tallies(batch: MassBatch, *, by: User, member: Member | None, counts: dict[tuple[int, str], int]) -> int:
    """Replace the paper-ballot tallies of ``batch`` (for ``member`` in a member batch).

    ``counts``: (criterion id, level key) → ballots. Every criterion's total must be the same: each paper
    ballot rates every criterion. Returns the number of ballots.
    """
    if not queries_mass.can_manage_batch(by, batch):
        raise PermissionDenied
    if (batch.target == Target.MEMBER) != (member is not None):
        raise ValidationError({"member": _("请选择要录入选票的党员")})
    if member is not None and not MassToken.objects.filter(batch=batch, member=member).exists():
        raise ValidationError({"member": _("该党员不在本批次的评议对象中")})
    criteria = list(batch.criteria_set.criteria.all())
    keys = [level["key"] for level in batch.criteria_set.levels]
    totals = {}
    for c in criteria:
        total = 0
        for key in keys:
            n = counts.get((c.pk, key), 0)
            if n < 0:
                raise ValidationError(_("票数不能为负数"))
            total += n
        totals[c.pk] = total
    if len(set(totals.values())) > 1:
        raise ValidationError(_("各评价项目的票数合计必须相等（每张选票对每个项目都要评价）"))
    with transaction.atomic():
        MassBatch.objects.select_for_update().filter(pk=batch.pk).first()
        MassTally.objects.filter(batch=batch, member=member).delete()
        bulk_create_with_history(
            [
                MassTally(batch=batch, member=member, criterion=c, level=key, count=counts[(c.pk, key)], entered_by=by)
                for c in criteria
                for key in keys
                if counts.get((c.pk, key), 0) > 0
            ],
            MassTally,
            default_user=by,
        )
    return next(iter(totals.values()), 0)


def tally_initial(batch: MassBatch, member: Member | None) -> dict[tuple[int, str], int]:
    return {(t.criterion_id, t.level): t.count for t in MassTally.objects.filter(batch=batch, member=member)}


# ---- results -----------------------------------------------------------------------------------


@dataclass
class LevelResult:
    key: str
    label: str
    online: int = 0
    paper: int = 0
    percent: Decimal | None = None

    @property
    def count(self):
        return self.online + self.paper


@dataclass
class CriterionResult:
    criterion: object
    levels: list[LevelResult]
    total: int = 0


@dataclass
class TargetResult:
    member: Member | None
    issued: int = 0
    answered: int = 0
    ballots: int = 0
    criteria: list[CriterionResult] = field(default_factory=list)

    @property
    def participation(self):
        return percent(self.answered, self.issued)


def batch_results(batch: MassBatch) -> list[TargetResult]:
    """Counts and percentages per criterion and level (online answers + paper tallies), and the
    participation (sheets answered / tokens issued), per target (one for an org batch, one per member).
    A fixed number of queries whatever the size of the batch."""
    criteria = list(batch.criteria_set.criteria.all())
    levels = batch.criteria_set.levels
    online = defaultdict(int)
    for row in (
        MassAnswer.objects.filter(batch=batch).values("member_id", "criterion_id", "level").annotate(n=Count("pk"))
    ):
        online[(row["member_id"], row["criterion_id"], row["level"])] = row["n"]
    paper = defaultdict(int)
    for row in MassTally.objects.filter(batch=batch).values("member_id", "criterion_id", "level", "count"):
        paper[(row["member_id"], row["criterion_id"], row["level"])] += row["count"]
    issued = {
        row["member_id"]: (row["issued"], row["used"])
        for row in MassToken.objects.filter(batch=batch)
        .values("member_id")
        .annotate(issued=Count("pk"), used=Count("pk", filter=Q(used_at__isnull=False)))
    }
    if batch.target == Target.MEMBER:
        members = Member.objects.filter(pk__in=[m for m in issued if m is not None]).order_by("name", "id")
        targets = list(members)
    else:
        targets = [None]
    results = []
    for member in targets:
        member_id = member.pk if member else None
        n_issued, n_used = issued.get(member_id, (0, 0))
        result = TargetResult(member=member, issued=n_issued, answered=n_used)
        for c in criteria:
            rows = [
                LevelResult(
                    key=level["key"],
                    label=level["label"],
                    online=online[(member_id, c.pk, level["key"])],
                    paper=paper[(member_id, c.pk, level["key"])],
                )
                for level in levels
            ]
            total = sum(r.count for r in rows)
            for r in rows:
                r.percent = percent(r.count, total)
            result.criteria.append(CriterionResult(criterion=c, levels=rows, total=total))
        if criteria:
            result.ballots = sum(r.paper for r in result.criteria[0].levels)
        results.append(result)
    return results


# ---- scores for the combined score (used by the scoring area) ----------------------------------


def _level_score_case(batches) -> Case:
    """A SQL CASE giving each answer's level score from its batch's criteria-set levels."""
    whens = []
    sets = CriteriaSet.objects.filter(pk__in=batches.values("criteria_set_id").distinct())
    for criteria_set in sets:
        for level in criteria_set.levels:
            whens.append(
                When(batch__criteria_set_id=criteria_set.pk, level=level["key"], then=Value(int(level["score"])))
            )
    return Case(*whens, default=Value(None), output_field=IntegerField()) if whens else None


def _weighted_scores(batches, group: str, *, only=None) -> dict[int, Decimal]:
    """Weighted mean over criteria of the mean level score (answers and tallies), per ``group``
    (``org`` or ``member``), rounded half up to 2 places. Set-based: a few GROUP BY queries.
    ``only``: an extra filter on the answer and tally rows."""
    score = _level_score_case(batches)
    if score is None:  # no batches
        return {}
    key_field = "batch__org_id" if group == "org" else "member_id"
    only = only or Q()
    sums: dict[tuple[int, int], list] = defaultdict(lambda: [0, 0])
    weights = {}
    answers = (
        MassAnswer.objects.filter(only, batch__in=batches)
        .annotate(s=score)
        .filter(s__isnull=False)
        .values(key_field, "criterion_id", "criterion__weight")
        .annotate(total=Sum("s"), n=Count("pk"))
    )
    tallies = (
        MassTally.objects.filter(only, batch__in=batches)
        .annotate(s=score)
        .filter(s__isnull=False)
        .values(key_field, "criterion_id", "criterion__weight")
        .annotate(total=Sum(F("s") * F("count")), n=Sum("count"))
    )
    for rows in (answers, tallies):
        for row in rows:
            key = (row[key_field], row["criterion_id"])
            sums[key][0] += row["total"] or 0
            sums[key][1] += row["n"] or 0
            weights[row["criterion_id"]] = Decimal(row["criterion__weight"])
    weighted: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for (target_id, criterion_id), (total, n) in sums.items():
        if not n:
            continue
        w = weights[criterion_id]
        weighted[target_id][0] += w * Decimal(total) / Decimal(n)
        weighted[target_id][1] += w
    return {
        target_id: (num / den).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
        for target_id, (num, den) in weighted.items()
        if den
    }


def mass_scores(period: Period, orgs_queryset) -> dict[int, Decimal]:
    """Mass score (0–100) per organization from its org batches of ``period``: for each criterion the
    mean level score over online answers and paper tallies, then the weighted mean over criteria
    (criterion weights), Decimal rounded half up to 2 places. Organizations without answers are absent."""
    batches = MassBatch.objects.filter(period=period, target=Target.ORG)
    if orgs_queryset is not None:
        batches = batches.filter(org__in=orgs_queryset)
    return _weighted_scores(batches, "org")


def mass_member_scores(period: Period, members_queryset) -> dict[int, Decimal]:
    """The same per member, from the member batches of ``period``."""
    batches = MassBatch.objects.filter(period=period, target=Target.MEMBER)
    only = Q(member__in=members_queryset.values("pk")) if members_queryset is not None else None
    return _weighted_scores(batches, "member", only=only)


def member_results(batches, member: Member) -> dict[int, TargetResult]:
    """batch id → ``member``'s own results in each of ``batches`` (member batches), like
    ``batch_results`` for one member but over several batches at once: a fixed number of queries."""
    batches = list(batches)
    if not batches:
        return {}
    ids = [b.pk for b in batches]
    online = defaultdict(int)
    for row in (
        MassAnswer.objects.filter(batch_id__in=ids, member=member)
        .values("batch_id", "criterion_id", "level")
        .annotate(n=Count("pk"))
    ):
        online[(row["batch_id"], row["criterion_id"], row["level"])] = row["n"]
    paper = defaultdict(int)
    for row in MassTally.objects.filter(batch_id__in=ids, member=member).values(
        "batch_id", "criterion_id", "level", "count"
    ):
        paper[(row["batch_id"], row["criterion_id"], row["level"])] += row["count"]
    issued = {
        row["batch_id"]: (row["issued"], row["used"])
        for row in MassToken.objects.filter(batch_id__in=ids, member=member)
        .values("batch_id")
        .annotate(issued=Count("pk"), used=Count("pk", filter=Q(used_at__isnull=False)))
    }
    from ..models import Criterion

    criteria = defaultdict(list)
    for c in Criterion.objects.filter(criteria_set_id__in={b.criteria_set_id for b in batches}).order_by("order"):
        criteria[c.criteria_set_id].append(c)
    out = {}
    for batch in batches:
        n_issued, n_used = issued.get(batch.pk, (0, 0))
        result = TargetResult(member=member, issued=n_issued, answered=n_used)
        for c in criteria[batch.criteria_set_id]:
            rows = [
                LevelResult(
                    key=level["key"],
                    label=level["label"],
                    online=online[(batch.pk, c.pk, level["key"])],
                    paper=paper[(batch.pk, c.pk, level["key"])],
                )
                for level in batch.criteria_set.levels
            ]
            total = sum(r.count for r in rows)
            for r in rows:
                r.percent = percent(r.count, total)
            result.criteria.append(CriterionResult(criterion=c, levels=rows, total=total))
        if result.criteria:
            result.ballots = sum(r.paper for r in result.criteria[0].levels)
        out[batch.pk] = result
    return out
