"""Organizations (the party-organization tree), members, accounts and role assignments.

"全省所有基层党组织和党员都要积极投身创先争优活动，实现组织和党员全覆盖。" (seed, part 三)
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node

from common.fields import set_null_fk
from common.numbers import progress

from .enums import Gender, MemberCategory, MemberStatus, OrgKind, OrgLevel, Role, Sector
from .pinyin import INITIALS_MAX, PINYIN_MAX, fill_name_keys
from .validators import mask_id_number, mask_mobile, validate_id_number, validate_mobile


class Org(MP_Node):
    """A node of the party-organization tree: province → city → county → township → basic.

    System committees (省直机关工委, 省委教育工委 …) are ordinary nodes holding one sector.
    ``subtree_orgs`` and ``subtree_members`` are roll-ups kept current by ``orgs.services``
    so that the tree page answers without counting millions of rows.
    """

    steplen = 4

    code = models.CharField(_("组织编码"), max_length=32, unique=True)
    name = models.CharField(_("组织名称"), max_length=100)
    kind = models.CharField(_("组织类别"), max_length=8, choices=OrgKind.choices)
    level = models.CharField(_("层级"), max_length=10, choices=OrgLevel.choices)
    sector = models.CharField(_("所属领域"), max_length=16, choices=Sector.choices, blank=True)
    ethnic_religious = models.BooleanField(
        _("民族宗教聚居"),
        default=False,
        help_text=_("少数民族和信教群众聚居地区党组织还要突出把落实民族和宗教政策贯穿创先争优活动始终。"),
    )
    active = models.BooleanField(_("有效"), default=True)
    subtree_orgs = models.PositiveIntegerField(_("下级组织数"), default=0, editable=False)
    subtree_members = models.PositiveIntegerField(_("党员数"), default=0, editable=False)
    # Search keys of the name for the organization picker (orgs.pinyin): 塔元庄村党支部 → "tyzcdzb".
    name_initials = models.CharField(
        _("名称拼音首字母"), max_length=INITIALS_MAX, blank=True, default="", editable=False
    )
    name_pinyin = models.CharField(_("名称拼音"), max_length=PINYIN_MAX, blank=True, default="", editable=False)

    history = HistoricalRecords(
        excluded_fields=["numchild", "subtree_orgs", "subtree_members", "name_initials", "name_pinyin"]
    )

    node_order_by = None

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        indexes = [
            # LIKE 'prefix%' on any database collation (PostgreSQL; ignored elsewhere).
            models.Index(fields=["path"], name="org_path_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["level", "sector"], name="org_level_sector"),
            # The children of a node: depth = d + 1 AND path LIKE 'prefix%' without reading the subtree.
            models.Index(
                fields=["depth", "path"], name="org_depth_path", opclasses=["int4_ops", "varchar_pattern_ops"]
            ),
            # The picker's prefix searches: "tyz" → 塔元庄村党支部 (LIKE 'tyz%' on any collation).
            models.Index(fields=["name_initials"], name="org_initials_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["name_pinyin"], name="org_pinyin_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """Keep the name's pinyin keys in step with the name, whoever saves (services, treebeard, the admin).

        Bulk writers (the import, the demo loaders) bypass ``save()`` and fill the keys themselves.
        """
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "name" in update_fields:
            fill_name_keys(self)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "name_initials", "name_pinyin"}
        super().save(*args, **kwargs)

    @property
    def is_basic(self):
        return self.level == OrgLevel.BASIC

    def ancestor_paths(self, *, include_self=True):
        """Paths of every ancestor, computed from the materialized path (no query)."""
        stop = len(self.path) if include_self else len(self.path) - self.steplen
        return [self.path[:end] for end in range(self.steplen, stop + 1, self.steplen)]


# The member's columns the member list filters on, carried in its indexes (Member.Meta.indexes).
MEMBER_FACETS = (
    "org",
    "org_sector",
    "org_kind",
    "category",
    "status",
    "birth_date",
    "badge_demo_household",
    "badge_vanguard_post",
    "badge_responsibility_area",
)


class Member(models.Model):
    """A party member (党员). The ID number is personal information: see ``masked_id_number``."""

    org = models.ForeignKey(Org, verbose_name=_("所在组织"), on_delete=models.PROTECT, related_name="members")
    # Copy of org.path kept by orgs.services, so "members of a subtree" is one index range.
    org_path = models.CharField(max_length=255, editable=False)
    # Copy of org.sector kept by orgs.services, so a sector's members in tree order are one index range.
    org_sector = models.CharField(
        _("所在组织领域"), max_length=16, choices=Sector.choices, blank=True, default="", editable=False
    )
    # Copy of org.kind (党委/党工委/党总支/党支部), kept like org_sector: the member list's 组织类别 filter.
    org_kind = models.CharField(max_length=8, blank=True, default="", editable=False)
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")  # i18n: data
    birth_date = models.DateField(_("出生日期"))
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True, validators=[validate_id_number])
    mobile = models.CharField(_("手机号码"), max_length=11, blank=True, validators=[validate_mobile])
    join_date = models.DateField(_("入党日期"))
    status = models.CharField(_("党员状态"), max_length=12, choices=MemberStatus.choices, default=MemberStatus.FULL)
    category = models.CharField(
        _("人员类别"), max_length=12, choices=MemberCategory.choices, default=MemberCategory.IN_SERVICE
    )
    post = models.CharField(_("岗位"), max_length=100, blank=True)
    duties = models.TextField(
        _("岗位职责（设岗定责）"), blank=True, help_text=_("开展党员设岗定责等活动，激发党员队伍活力。")
    )
    badge_demo_household = models.BooleanField(_("党员示范户"), default=False)
    badge_vanguard_post = models.BooleanField(_("党员先锋岗"), default=False)
    badge_responsibility_area = models.BooleanField(_("党员责任区"), default=False)
    college_official = models.BooleanField(
        _("大学生村官"),
        default=False,
        help_text=_("注重发挥党建工作指导员和大学生“村官”在创先争优活动中的作用。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["org_path", "org_sector", "org_kind", "updated_at"])

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering = ["org_path", "id"]
        # The member list (orgs.views.members) reads a page in tree order (org_path, id) off one of these
        # indexes and checks every other filter on the index entry itself (the INCLUDE columns), so neither
        # the page nor the capped count visits the table for rows that do not match. Which index drives a
        # query is the planner's choice from the statistics (orgs/migrations/0007: extended statistics on
        # the facets, a finer histogram of org_path). Names and plans: bench/README.md (党员列表).
        # PostgreSQL only: opclasses and INCLUDE are ignored elsewhere.
        indexes = [
            models.Index(
                fields=["org_path", "id"],
                name="member_tree",
                opclasses=["varchar_pattern_ops", "int8_ops"],
                include=[*MEMBER_FACETS, "name"],
            ),
            models.Index(
                fields=["org_sector", "org_path", "id"],
                name="member_sector_tree",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "int8_ops"],
                include=[f for f in MEMBER_FACETS if f != "org_sector"],
            ),
            models.Index(
                fields=["category", "org_path", "id"],
                name="member_category_tree",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "int8_ops"],
                include=[f for f in MEMBER_FACETS if f != "category"],
            ),
            models.Index(
                fields=["org_kind", "org_path", "id"],
                name="member_kind_tree",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "int8_ops"],
            ),
            # Small subsets read in tree order: 预备党员 and the three 亮牌 flags.
            *(
                models.Index(
                    fields=["org_path", "id"],
                    name=name,
                    opclasses=["varchar_pattern_ops", "int8_ops"],
                    include=[f for f in MEMBER_FACETS if f != column],
                    condition=condition,
                )
                for name, column, condition in (
                    ("member_probationary_tree", "status", models.Q(status=MemberStatus.PROBATIONARY)),
                    ("member_demo_household_tree", "badge_demo_household", models.Q(badge_demo_household=True)),
                    ("member_vanguard_post_tree", "badge_vanguard_post", models.Q(badge_vanguard_post=True)),
                    ("member_resp_area_tree", "badge_responsibility_area", models.Q(badge_responsibility_area=True)),
                )
            ),
            # 大学生村官 in tree order (campaign's list of them): a few thousand of millions.
            models.Index(
                fields=["org_path", "id"],
                name="member_college_official_tree",
                opclasses=["varchar_pattern_ops", "int8_ops"],
                condition=models.Q(college_official=True),
            ),
            # An age band that few members fall in (a bitmap of the band, then the page sorted), alone or with
            # a category or 预备: combinations whose sizes the planner cannot foresee (离退休 of 36 to 45: none),
            # counted off these before the page is read (orgs.views.members).
            models.Index(fields=["birth_date"], name="member_birth_date"),
            models.Index(
                fields=["category", "birth_date"], name="member_category_birth", include=["org_path", "org_sector"]
            ),
            # A sector and a category together (高等学校 + 农民: none), counted without walking the sector.
            models.Index(fields=["org_sector", "category"], name="member_sector_category", include=["org_path"]),
            models.Index(
                fields=["birth_date"],
                name="member_probationary_birth",
                include=["org_path", "org_sector", "category"],
                condition=models.Q(status=MemberStatus.PROBATIONARY),
            ),
            models.Index(fields=["name"], name="member_name", opclasses=["varchar_pattern_ops"]),
        ]
        # Not declared here (PostgreSQL only, created by orgs/migrations/0007_member_list_indexes): GIN
        # indexes on the name for the name search (pg_trgm ``member_name_trgm``; single characters
        # ``member_name_chars``) and the extended statistics ``member_facets_stats``.

    def __str__(self):
        return self.name

    @property
    def masked_id_number(self):
        return mask_id_number(self.id_number)

    @property
    def masked_mobile(self):
        return mask_mobile(self.mobile)

    @property
    def badges(self):
        labels = []
        for field in ("badge_demo_household", "badge_vanguard_post", "badge_responsibility_area"):
            if getattr(self, field):
                labels.append(self._meta.get_field(field).verbose_name)
        return labels


class User(AbstractUser):
    """A portal account. What it may see comes from its role assignments (orgs.queries)."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    mobile = models.CharField(_("手机号码"), max_length=11, blank=True, validators=[validate_mobile])
    member = models.OneToOneField(
        Member,
        verbose_name=_("本人党员档案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )

    history = HistoricalRecords(excluded_fields=["password", "last_login"], m2m_fields=["groups", "user_permissions"])

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.full_name or self.username


class RoleAssignment(models.Model):
    """A role on an organization node; it covers the node's whole subtree (and one sector)."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="assignments")
    org = models.ForeignKey(Org, verbose_name=_("组织"), on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    sector = models.CharField(
        _("领域"),
        max_length=16,
        choices=Sector.choices,
        blank=True,
        help_text=_("行业主管部门只看本领域：省直有关部门要加强对相关领域(行业)创先争优活动的具体指导。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = set_null_fk(settings.AUTH_USER_MODEL, _("创建人"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "org", "role", "sector"], name="unique_role_assignment"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.org}"


class IdNumberView(models.Model):
    """Audit row: somebody saw (or exported) full ID numbers."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    purpose = models.CharField(_("用途"), max_length=20)
    count = models.PositiveIntegerField(_("条数"), default=1)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("身份证号查看记录")
        verbose_name_plural = _("身份证号查看记录")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user} {self.purpose} {self.at:%Y-%m-%d %H:%M}"


class ImportJob(models.Model):
    """An uploaded organization or member file: validated (dry run), then applied on confirmation."""

    class Kind(models.TextChoices):
        ORGS = "orgs", _("组织")
        MEMBERS = "members", _("党员")

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("已上传")
        VALIDATING = "validating", _("校验中")
        INVALID = "invalid", _("校验未通过")
        VALID = "valid", _("校验通过，待确认")
        APPLYING = "applying", _("导入中")
        DONE = "done", _("已导入")
        FAILED = "failed", _("导入失败")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.UPLOADED)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    created_by = models.ForeignKey(User, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    summary = models.JSONField(_("结果"), default=dict, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "processed_rows", "errors"])

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]

    def __str__(self):
        return self.original_name

    @property
    def progress_percent(self):
        return progress(self.processed_rows, self.total_rows)
