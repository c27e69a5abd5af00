"""The import template: exactly these headers, in this order (DESIGN.md, "Import template").

The header strings are a file format shared with every county's spreadsheets: they are data, not
interface text, and are never translated. The instructions sheet of the template is interface text.
"""

from django.utils.translation import gettext_lazy as _

from ..enums import Gender, MemberCategory, MemberStatus, OrgKind, Sector

ORGS = "orgs"
MEMBERS = "members"

ORG_COLUMNS = (
    "组织编码",
    "组织名称",
    "上级组织编码",
    "组织类别(党委/党工委/党总支/党支部)",
    "所属领域",
    "民族宗教聚居(是/否)",
)
MEMBER_COLUMNS = (
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "身份证号",
    "手机号码",
    "入党日期",
    "党员状态(正式/预备)",
    "人员类别",
    "所在组织编码",
    "岗位",
)
COLUMNS = {ORGS: ORG_COLUMNS, MEMBERS: MEMBER_COLUMNS}
KIND_LABELS = {ORGS: _("组织"), MEMBERS: _("党员")}

# Columns that hold text a spreadsheet must not turn into numbers (codes, ID and mobile numbers).
TEXT_COLUMNS = {
    ORGS: ("组织编码", "上级组织编码"),
    MEMBERS: ("身份证号", "手机号码", "所在组织编码"),
}
DATE_COLUMNS = ("出生日期", "入党日期")

YES = "是"
NO = "否"


def _labels(choices):
    return "、".join(str(label) for label in choices.labels)


def instructions(kind):
    """(column, required, how to fill it) for the template's second sheet "填写说明"."""
    required, optional = _("必填"), _("选填")
    if kind == ORGS:
        return [
            ("组织编码", required, _("本组织的唯一编码；已存在的编码将更新该组织，新编码将新建组织")),
            ("组织名称", required, _("不超过 100 个字")),
            (
                "上级组织编码",
                required,
                _("已有组织或本文件中其他行的组织编码，须在您的管理范围内；已有组织的上级不能通过导入调整"),
            ),
            ("组织类别(党委/党工委/党总支/党支部)", required, _labels(OrgKind)),
            ("所属领域", optional, _("可留空（地方党委）。可选：%(labels)s") % {"labels": _labels(Sector)}),
            ("民族宗教聚居(是/否)", optional, _("填“是”或“否”，留空视为“否”")),
        ]
    return [
        ("姓名", required, _("不超过 50 个字")),
        ("性别", required, _labels(Gender)),
        ("民族", required, _("如：汉族、回族、满族")),
        ("出生日期", required, _("格式 YYYY-MM-DD（也可使用 Excel 日期单元格），须与身份证号一致")),
        ("身份证号", required, _("18 位（或旧式 15 位），请设为文本格式；已存在的身份证号将更新该党员")),
        ("手机号码", optional, _("以 1 开头的 11 位数字，第二位为 3—9")),
        ("入党日期", required, _("格式 YYYY-MM-DD，入党时应年满十八周岁")),
        ("党员状态(正式/预备)", required, _labels(MemberStatus)),
        ("人员类别", required, _labels(MemberCategory)),
        (
            "所在组织编码",
            required,
            _("基层党组织（党委、党总支、党支部）的编码，须在您的管理范围内；改变编码即办理组织关系转接"),
        ),
        ("岗位", optional, _("不超过 100 个字")),
    ]
