"""The commendation decision and its documents: the decision PDF (GB/T 9704-2012), the certificates
and the list as xlsx, rendered by a Celery task with its progress stored on the decision.

"2011年“七一”前，省、市、县(市、区)各级党委对先进基层党组织、优秀共产党员和优秀党务工作者进行一次集中表彰。"
(seed, part 四) — the round's owner (its 组织部) writes the decision and generates the documents from
the final list (``awards.services.nominations.final_list``). The web request only enqueues the task.
"""

import datetime
import io
import logging
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from orgs.enums import OrgLevel
from orgs.models import Org, User

from .. import pdf
from ..models import AwardRound, Decision, DecisionStatus
from ..queries_documents import can_manage_decision
from .nominations import final_list

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = [
    "masthead",
    "doc_number",
    "issuing_body",
    "title",
    "addressee",
    "body",
    "attachment_title",
    "signed_on",
]
FILE_FIELDS = ["decision_file", "certificates_file", "list_file"]
# Progress steps written by the task (0–100).
STEP_CLAIMED, STEP_LIST, STEP_DECISION, STEP_CERTIFICATES, STEP_XLSX, STEP_DONE = 5, 10, 55, 90, 95, 100


def list_rows(award_round: AwardRound) -> list[dict]:
    """The final list as plain rows for awards.pdf: city, category, kind, name, unit, post."""
    rows = []
    for nomination in final_list(award_round).iterator(chunk_size=2000):
        rows.append(
            {
                "city": nomination.city_name,
                "category": nomination.category.get_code_display(),
                "kind": nomination.category.nominee_kind,
                "name": nomination.nominee_name,
                "unit": nomination.unit,
                "post": nomination.post,
            }
        )
    return rows


# "全省/全市/全县" in the default title, by the owner's level.
SCOPE_WORD = {OrgLevel.PROVINCE: _lazy("全省"), OrgLevel.CITY: _lazy("全市"), OrgLevel.COUNTY: _lazy("全县")}
PROVINCE_ADDRESSEE = _lazy("各市委，省委各部委，省直各部门党组（党委），各人民团体党组，各高等学校党委：")


def issuing_body_for(owner: Org) -> str:
    """中共 + the committee's place name + 委: 河北省 → 中共河北省委, 石家庄市 → 中共石家庄市委."""
    name = owner.name
    if name.startswith("中共"):
        return name
    return _("中共%(name)s委") % {"name": name}


def initial_values(award_round: AwardRound) -> dict:
    """A first draft of the decision, from the round's owner, categories and decision date."""
    owner = award_round.owner_org
    issuer = issuing_body_for(owner)
    scope = str(SCOPE_WORD.get(owner.level, ""))
    honours = "、".join(c.get_code_display() for c in award_round.categories.all())
    return {
        "masthead": _("%(issuer)s文件") % {"issuer": issuer},
        "issuing_body": issuer,
        "title": _("%(issuer)s关于表彰%(scope)s创先争优活动%(honours)s的决定")
        % {"issuer": issuer, "scope": scope, "honours": honours},
        "addressee": str(PROVINCE_ADDRESSEE) if owner.level == OrgLevel.PROVINCE else "",
        "body": _(
            "开展创先争优活动以来，各级基层党组织和广大共产党员立足本职、争创先进、争当优秀，"
            "涌现出一大批先进典型。\n"
            "为表彰先进、树立典型，%(issuer)s决定，对附件所列%(honours)s予以表彰。\n"
            "希望受到表彰的先进集体和个人珍惜荣誉，再接再厉，充分发挥示范带动作用。"
        )
        % {"issuer": issuer, "honours": honours},
        "attachment_title": _("%(scope)s创先争优活动%(honours)s名单") % {"scope": scope, "honours": honours},
        "signed_on": award_round.decision_date,
    }


def _clear_files(decision: Decision) -> list[str]:
    names = [getattr(decision, f).name for f in FILE_FIELDS if getattr(decision, f)]
    for f in FILE_FIELDS:
        setattr(decision, f, "")
    return names


def _delete_files_on_commit(names: list[str]) -> None:
    storage = Decision._meta.get_field("decision_file").storage
    if names:
        transaction.on_commit(lambda: [storage.delete(name) for name in names])


def save_decision(award_round: AwardRound, *, by: User, **values) -> Decision:
    """Create or edit the round's decision. Editing makes generated files stale: they are deleted
    and the documents must be generated again."""
    if not can_manage_decision(by, award_round):
        raise PermissionDenied
    with transaction.atomic():
        decision = Decision.objects.select_for_update().filter(award_round=award_round).first()
        if decision is None:
            decision = Decision(award_round=award_round, created_by=by)
        elif decision.running:
            raise ValidationError(_("文件正在生成，请生成完成后再修改"))
        for name in EDITABLE_FIELDS:
            if name in values:
                value = values[name]
                setattr(decision, name, value.strip() if isinstance(value, str) else value)
        decision.full_clean(exclude=["award_round", "created_by"])
        stale = _clear_files(decision) if decision.pk else []
        decision.status = DecisionStatus.DRAFT
        decision.progress = 0
        decision.error = ""
        decision.save()
        _delete_files_on_commit(stale)
    return decision


def _stale_before() -> datetime.datetime:
    """A task that started before this has died (the worker's hard time limit has passed)."""
    return timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)


def request_generation(decision: Decision, *, by: User) -> Decision:
    """ "生成文件": queue the task that renders the three files (after commit; the request renders nothing)."""
    from ..tasks import generate_decision_documents

    if not can_manage_decision(by, decision.award_round):
        raise PermissionDenied
    with transaction.atomic():
        locked = Decision.objects.select_for_update().get(pk=decision.pk)
        stuck = locked.status == DecisionStatus.GENERATING and (
            locked.started_at is None or locked.started_at < _stale_before()
        )
        if locked.running and not stuck:
            raise ValidationError(_("文件正在生成，请稍候"))
        if not final_list(decision.award_round).exists():
            raise ValidationError(_("终审名单中还没有批准表彰的对象，不能生成文件"))
        locked.generation += 1
        locked.status = DecisionStatus.QUEUED
        locked.progress = 0
        locked.error = ""
        locked.started_at = None
        locked.save(update_fields=["generation", "status", "progress", "error", "started_at", "updated_at"])
        decision_id, generation = locked.pk, locked.generation
        transaction.on_commit(lambda: generate_decision_documents.delay(decision_id=decision_id, generation=generation))
    return locked


def _progress(decision_id: int, generation: int, value: int) -> None:
    Decision.objects.filter(pk=decision_id, generation=generation, status=DecisionStatus.GENERATING).update(
        progress=value
    )


def _claim(decision_id: int, generation: int) -> bool:
    """QUEUED → GENERATING for this generation; a task redelivered after its worker died may take
    over a GENERATING one that is past the time limit. Any other state: someone else did it."""
    now = timezone.now()
    base = Decision.objects.filter(pk=decision_id, generation=generation)
    claimed = base.filter(status=DecisionStatus.QUEUED).update(
        status=DecisionStatus.GENERATING, progress=STEP_CLAIMED, started_at=now
    )
    if not claimed:
        claimed = base.filter(status=DecisionStatus.GENERATING, started_at__lt=_stale_before()).update(
            progress=STEP_CLAIMED, started_at=now
        )
    return bool(claimed)


def generate_documents(decision_id: int, generation: int | None = None) -> None:
    """The task's body: render the decision, the certificates and the xlsx and store them.

    Safe to run twice: only the run that moves this generation from 排队中 to 生成中 renders, and the
    files are stored only while the decision still is at that generation (an edit or a newer
    request in between makes the run's output stale: it is dropped)."""
    decision = Decision.objects.select_related("award_round").filter(pk=decision_id).first()
    if decision is None:
        return
    generation = decision.generation if generation is None else generation
    if not _claim(decision_id, generation):
        return
    award_round = decision.award_round
    try:
        rows = list_rows(award_round)
        _progress(decision_id, generation, STEP_LIST)
        decision_pdf = pdf.render_decision(decision, rows)
        _progress(decision_id, generation, STEP_DECISION)
        span = STEP_CERTIFICATES - STEP_DECISION
        certificates_pdf = pdf.render_certificates(
            decision,
            rows,
            round_name=award_round.name,
            on_progress=lambda done, total: _progress(
                decision_id, generation, STEP_DECISION + span * done // max(total, 1)
            ),
        )
        _progress(decision_id, generation, STEP_CERTIFICATES)
        buffer = io.BytesIO()
        pdf.write_list_xlsx(rows, buffer, title=decision.attachment_title)
        _progress(decision_id, generation, STEP_XLSX)
    except Exception as exc:
        logger.exception("decision documents %s failed", decision_id)
        Decision.objects.filter(pk=decision_id, generation=generation).update(
            status=DecisionStatus.FAILED, error=_("生成失败：%(error)s") % {"error": str(exc)[:500]}
        )
        return
    _store(decision_id, generation, rows, decision_pdf, certificates_pdf, buffer.getvalue(), award_round.code)


def _store(decision_id, generation, rows, decision_pdf, certificates_pdf, xlsx, code) -> None:
    token = secrets.token_hex(6)
    contents = {
        "decision_file": (f"{code}-{token}-decision.pdf", decision_pdf),
        "certificates_file": (f"{code}-{token}-certificates.pdf", certificates_pdf),
        "list_file": (f"{code}-{token}-list.xlsx", xlsx),
    }
    saved = []
    try:
        with transaction.atomic():
            locked = Decision.objects.select_for_update().get(pk=decision_id)
            if locked.generation != generation or locked.status != DecisionStatus.GENERATING:
                return
            old = _clear_files(locked)
            for field_name, (name, content) in contents.items():
                getattr(locked, field_name).save(name, ContentFile(content), save=False)
                saved.append(getattr(locked, field_name).name)
            locked.status = DecisionStatus.READY
            locked.progress = STEP_DONE
            locked.generated_at = timezone.now()
            locked.list_count = len(rows)
            locked.save(update_fields=[*FILE_FIELDS, "status", "progress", "generated_at", "list_count", "updated_at"])
            _delete_files_on_commit(old)
    except Exception as exc:
        logger.exception("storing decision documents %s failed", decision_id)
        storage = Decision._meta.get_field("decision_file").storage
        for name in saved:
            storage.delete(name)
        Decision.objects.filter(pk=decision_id, generation=generation).update(
            status=DecisionStatus.FAILED, error=_("保存文件失败：%(error)s") % {"error": str(exc)[:500]}
        )
