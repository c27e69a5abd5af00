"""The commendation decision and its documents: the decision PDF (GB/T 9704-2012), the certificates
and the list as xlsx, rendered by a Celery task with its progress stored on the decision.

"2011年“七一”前，省、市、县(市、区)各级党委对先进基层党组织、优秀共产党员和优秀党务工作者进行一次集中表彰。"
(seed, part 四) — each level's committee commends in its own name: the decision is issued by the round's
owner (中共正定县委, 中共石家庄市委, 中共河北省委), its document number carries the owner's own 机关代字
(冀 for the province, 石 for 石家庄, 正 for 正定县 …: ``IssuerPrefix``, defaulting from the name) and is
unique per issuer and year, and its annex groups the commended under their superior one level below the
issuer. The round's 组织部 writes the decision and generates the documents from the final list
(``awards.services.nominations.final_list``). The web request only enqueues the task.
"""

import datetime
import io
import logging
import re
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from common import jobs as background
from common.history import save_as
from orgs import queries
from orgs.enums import OrgLevel
from orgs.models import Org, User

from .. import pdf
from ..models import AwardRound, Decision, DecisionStatus, IssuerPrefix
from ..models.documents import DOC_NUMBER_PATTERN
from ..queries.documents import can_manage_decision, subject_path
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


# ----- the issuer: its name and its 机关代字 -----

# The one-character abbreviations of the provinces (the province's 机关代字 by default: 河北 → 冀).
PROVINCE_ABBREVIATIONS = {
    "北京": "京", "天津": "津", "河北": "冀", "山西": "晋", "内蒙古": "蒙", "辽宁": "辽", "吉林": "吉",  # i18n: data
    "黑龙江": "黑", "上海": "沪", "江苏": "苏", "浙江": "浙", "安徽": "皖", "福建": "闽", "江西": "赣",  # i18n: data
    "山东": "鲁", "河南": "豫", "湖北": "鄂", "湖南": "湘", "广东": "粤", "广西": "桂", "海南": "琼",  # i18n: data
    "重庆": "渝", "四川": "川", "贵州": "黔", "云南": "滇", "西藏": "藏", "陕西": "陕", "甘肃": "甘",  # i18n: data
    "青海": "青", "宁夏": "宁", "新疆": "新",  # i18n: data
}  # fmt: skip
# What follows the 机关代字 in a proposed number: 创组 (创先争优活动领导小组), as in 冀创组〔2011〕8号.
PROPOSED_SUFFIX = "创组"  # i18n: data
PREFIX_RE = re.compile(r"^[\u4e00-\u9fff]{1,4}$")


def place_name(org: Org) -> str:
    """The committee's place name: 正定县委 and 正定县 → 正定县, 正定镇党委 → 正定镇, 长安街道党工委 → 长安街道."""
    name = org.name.strip()
    if name.startswith("中共"):  # i18n: data
        name = name[2:]
    for suffix in ("委员会", "党工委", "党委", "工委", "委"):  # i18n: data
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def issuing_body_for(owner: Org) -> str:
    """The committee's own name, never "…委委": 河北省 and 河北省委 → 中共河北省委, 石家庄市（委）→ 中共石家庄市委,
    正定县（委）→ 中共正定县委, 正定镇党委 → 中共正定镇委, 长安街道党工委 → 中共长安街道工委.

    A name that already begins with 中共 is the committee's name as it is; a committee of an institution
    (省国资委党委: its place name ends in 委 itself) keeps its own name after 中共."""
    name = owner.name.strip()
    if name.startswith("中共"):  # i18n: data
        return name
    if name.endswith("党工委"):  # i18n: data
        return _("中共%(name)s工委") % {"name": name[: -len("党工委")]}
    if name.endswith("党委"):  # i18n: data
        base = name[: -len("党委")]
        if base.endswith("委"):  # i18n: data
            return _("中共%(name)s") % {"name": name}
        return _("中共%(name)s委") % {"name": base}
    if name.endswith("委"):  # i18n: data
        return _("中共%(name)s") % {"name": name}
    return _("中共%(name)s委") % {"name": name}


def default_prefix(org: Org) -> str:
    """冀 for 河北省 (the province's abbreviation), the first character of the place name otherwise
    (石 for 石家庄市, 正 for 正定县)."""
    place = place_name(org)
    if org.level == OrgLevel.PROVINCE:
        for province, abbreviation in PROVINCE_ABBREVIATIONS.items():
            if place.startswith(province):
                return abbreviation
    return place[:1]


def issuer_prefix(org: Org) -> str:
    """The 机关代字 of ``org``: its ``IssuerPrefix`` when one is set, else the default."""
    found = IssuerPrefix.objects.filter(org=org).values_list("prefix", flat=True).first()
    return found or default_prefix(org)


def can_set_prefix(user: User, org: Org) -> bool:
    """The 组织部 covering the issuing committee (a province, city, county or township) sets its 代字."""
    return org.level != OrgLevel.BASIC and queries.covers(user, org, queries.MANAGE_ROLES)


def set_issuer_prefix(org: Org, *, by: User, prefix: str) -> IssuerPrefix:
    """Change the 机关代字 of an issuing committee (1–4 Chinese characters). Numbers already issued keep theirs."""
    if not can_set_prefix(by, org):
        raise PermissionDenied
    prefix = (prefix or "").strip()
    if not PREFIX_RE.match(prefix):
        raise ValidationError({"prefix": _("机关代字应为 1 至 4 个汉字，如：冀、石、正")})
    with transaction.atomic():
        row = IssuerPrefix.objects.select_for_update().filter(org=org).first() or IssuerPrefix(org=org)
        row.prefix = prefix
        row.updated_by = by
        save_as(row, by=by)
    return row


# ----- the document number -----


def example_number(prefix: str) -> str:
    return f"{prefix}{PROPOSED_SUFFIX}〔2011〕8号"  # i18n: data


def parse_doc_number(value: str, *, prefix: str, issuer: str) -> tuple[str, int, int]:
    """(机关代字, year, serial) of a document number of the issuer whose 代字 is ``prefix``.

    Raises ValidationError {"doc_number": …} naming the rule broken: the shape (代字〔年份〕序号号, no
    leading zero) or the 代字 not being the issuer's own."""
    value = (value or "").strip()
    match = re.match(DOC_NUMBER_PATTERN, value)
    if not match:
        raise ValidationError(
            {
                "doc_number": _(
                    "发文字号格式应为“%(example)s”：机关代字、六角括号〔〕内四位年份、序号（不编虚位）和“号”"
                )
                % {"example": example_number(prefix)}
            }
        )
    if not match["prefix"].startswith(prefix):
        raise ValidationError(
            {
                "doc_number": _(
                    "发文字号应以%(issuer)s的机关代字“%(prefix)s”开头（如“%(example)s”）：文号属于发文机关，"
                    "不能使用其他机关的代字“%(given)s”"
                )
                % {
                    "issuer": issuer,
                    "prefix": prefix,
                    "example": example_number(prefix),
                    "given": match["prefix"],
                }
            }
        )
    return match["prefix"], int(match["year"]), int(match["serial"])


def next_doc_number(award_round: AwardRound, year: int | None = None) -> str:
    """The next free number of the round's issuer in ``year`` (the decision date's year by default),
    continuing the issuer's latest 代字 when it has one that fits."""
    owner = award_round.owner_org
    year = year or award_round.decision_date.year
    prefix = issuer_prefix(owner)
    issued = Decision.objects.filter(issuer_org=owner, doc_year=year).exclude(award_round=award_round)
    last = issued.aggregate(n=Max("doc_serial"))["n"] or 0
    latest = (
        Decision.objects.filter(issuer_org=owner, doc_number__startswith=prefix)
        .order_by("-doc_year", "-doc_serial")
        .values_list("doc_number", flat=True)
        .first()
    )
    match = re.match(DOC_NUMBER_PATTERN, latest or "")
    code = match["prefix"] if match else prefix + PROPOSED_SUFFIX
    return f"{code}〔{year}〕{last + 1}号"  # i18n: data


def _number_taken_message(decision: Decision, issuer: str, year: int, serial: int, proposal: str) -> str:
    return _(
        "%(issuer)s %(year)s 年的第 %(serial)s 号文号已被“%(title)s”使用：同一发文机关同一年的文号不能重复，"
        "下一个可用文号是 %(next)s"
    ) % {"issuer": issuer, "year": year, "serial": serial, "title": decision.title, "next": proposal}


# ----- the list -----

# The annex's first column, by the issuer's level: the level below it.
GROUP_LABELS = {
    OrgLevel.PROVINCE: _lazy("市"),
    OrgLevel.CITY: _lazy("县（市、区）"),
    OrgLevel.COUNTY: _lazy("乡镇（街道）"),
    OrgLevel.TOWNSHIP: _lazy("单位"),
}


def group_label(award_round: AwardRound) -> str:
    return str(GROUP_LABELS.get(award_round.owner_org.level, _lazy("单位")))


def annex_groups(award_round: AwardRound, nominations) -> dict[int, Org]:
    """{nomination id: the organization it is listed under}: the nominee's superior one level below the
    issuer (the province lists by city, a city by county, a county by township), or the issuer itself for
    a nominee directly under it (a county's own 机关党委). One query."""
    owner = award_round.owner_org
    length = Org.steplen * (owner.depth + 1)
    paths = {n.pk: subject_path(n)[:length] for n in nominations}
    found = {
        o.path: o
        for o in Org.objects.filter(path__in={p for p in paths.values() if len(p) == length})
        .exclude(level=OrgLevel.BASIC)
        .only("pk", "path", "name", "depth", "level")
    }
    return {pk: found.get(path, owner) for pk, path in paths.items()}


def list_rows(award_round: AwardRound) -> list[dict]:
    """The final list as plain rows for awards.pdf, in the annex's order: the group (``city``: the
    superior one level below the issuer), category, then name; with kind, unit and post."""
    nominations = list(final_list(award_round).iterator(chunk_size=2000))
    groups = annex_groups(award_round, nominations)
    nominations.sort(key=lambda n: (groups[n.pk].path, n.category.order, n.nominee_name, n.pk))
    return [
        {
            "city": groups[n.pk].name,
            "category": n.category.get_code_display(),
            "kind": n.category.nominee_kind,
            "name": n.nominee_name,
            "unit": n.unit,
            "post": n.post,
        }
        for n in nominations
    ]


# "全省/全市/全县" in the default title, by the owner's level.
SCOPE_WORD = {OrgLevel.PROVINCE: _lazy("全省"), OrgLevel.CITY: _lazy("全市"), OrgLevel.COUNTY: _lazy("全县")}
PROVINCE_ADDRESSEE = _lazy("各市委，省委各部委，省直各部门党组（党委），各人民团体党组，各高等学校党委：")


def initial_values(award_round: AwardRound) -> dict:
    """A first draft of the decision, from the round's owner, categories and decision date, with the
    issuer's next free document number."""
    owner = award_round.owner_org
    issuer = issuing_body_for(owner)
    scope = str(SCOPE_WORD.get(owner.level, ""))
    honours = "、".join(c.get_code_display() for c in award_round.categories.all())
    return {
        "masthead": _("%(issuer)s文件") % {"issuer": issuer},
        "doc_number": next_doc_number(award_round),
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
    owner = award_round.owner_org
    issuer = issuing_body_for(owner)
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
        _code, year, serial = parse_doc_number(decision.doc_number, prefix=issuer_prefix(owner), issuer=issuer)
        taken = (
            Decision.objects.filter(issuer_org=owner, doc_year=year, doc_serial=serial)
            .exclude(award_round=award_round)
            .first()
        )
        if taken is not None:
            proposal = next_doc_number(award_round, year)
            raise ValidationError({"doc_number": _number_taken_message(taken, issuer, year, serial, proposal)})
        decision.full_clean(exclude=["award_round", "created_by"])
        stale = _clear_files(decision) if decision.pk else []
        decision.status = DecisionStatus.DRAFT
        decision.progress = 0
        decision.error = ""
        try:
            with transaction.atomic():
                save_as(decision, by=by)
        except IntegrityError:
            # Another decision of the same issuer took the number in between.
            raise ValidationError({"doc_number": _("该发文字号刚被另一份表彰决定使用，请使用下一个可用文号")}) from None
        _delete_files_on_commit(stale)
    return decision


def _stale_before() -> datetime.datetime:
    """A task that started before this has died (the worker's hard time limit has passed)."""
    return timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)


def request_generation(decision: Decision, *, by: User) -> Decision:
    """ "生成文件": queue the task that renders the three files (after commit; the request renders nothing)."""
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
        # A background job (common.jobs) published after the commit; the previous generation's job is cancelled.
        background.enqueue(
            "awards.generate_decision_documents",
            owner=by,
            target=locked,
            supersede=True,
            decision_id=locked.pk,
            generation=locked.generation,
        )
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
        pdf.write_list_xlsx(rows, buffer, title=decision.attachment_title, group_label=group_label(award_round))
        _progress(decision_id, generation, STEP_XLSX)
    except Exception:
        logger.exception("decision documents %s failed", decision_id)
        Decision.objects.filter(pk=decision_id, generation=generation).update(
            status=DecisionStatus.FAILED, error=_("生成失败：排版文件时出错（详情已记入日志），请重新生成或联系管理员")
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
    except Exception:
        logger.exception("storing decision documents %s failed", decision_id)
        storage = Decision._meta.get_field("decision_file").storage
        for name in saved:
            storage.delete(name)
        Decision.objects.filter(pk=decision_id, generation=generation).update(
            status=DecisionStatus.FAILED,
            error=_("保存文件失败：无法写入文件存储（详情已记入日志），请重新生成或联系管理员"),
        )
