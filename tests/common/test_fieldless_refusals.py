"""Code rule: a refusal about a field's value names its field; the refusals about no field are listed here.

A service that refuses because of what the user typed or chose (a date, a number, a quota, a 文号, an ID number, a
file…) raises ``DomainError(message, field="…")`` (or ``ValidationError({"field": message})``): the adapter puts
the message at that field of the form, or names the field in words on a page with no form (common.errors). A
refusal about the state of a record or of the campaign ("方案已审批，不能再修改", "活动尚未开始") is about no field.
Those are listed below, one place to read them all; a new refusal without a field fails this test until it either
names its field or is added here (a listed one that is gone fails too, so the list stays true).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("common", "orgs", "campaign", "evaluations", "awards", "dashboards", "workbench", "masswork", "accountability")
RAISED = {"DomainError", "ValidationError", "StaleEdit"}

# Refusals about a record's or the campaign's state, about who acts, or about the request as a whole: shown as
# the page's or the flash message's text, which says itself what it is about.
FIELDLESS = {
    "accountability/services.py": {"%(year)s年度述职已于%(at)s提交，不能再修改"},
    "awards/rules.py": {"“%(name)s”（%(category)s）：%(message)s"},
    "awards/services/basic.py": {
        "本次表彰当前状态为“%(status)s”，不能再修改",
        "本次表彰未选择公示，可直接公布",
        "请先添加表彰对象",
        "本次表彰已撤销",
        "该表彰当前不能撤销",
    },
    "awards/services/documents.py": {
        "文件正在生成，请稍候",
        "终审名单中还没有批准表彰的对象，不能生成文件",
        "文件正在生成，请生成完成后再修改",
    },
    "awards/services/exemplars.py": {"只有批准表彰的对象才能确定为先进典型", "该对象已由本单位确定为先进典型"},
    "awards/services/nominations.py": {
        "本组织不在“%(owner)s”的表彰范围内",
        "找不到上级审核单位",
        "该推荐当前状态为“%(status)s”，不能上报",
        "该推荐当前状态为“%(status)s”，不能退回",
        "该推荐当前状态为“%(status)s”，不能撤回",
        "只有拟表彰对象（公示前）可以记录纪检机关意见",
    },
    "awards/services/publicity.py": {
        "公示期外不能提出异议",
        "还有 %(n)s 个拟表彰对象未征求纪检机关意见，不能进入公示",
        "没有可以公示的拟表彰对象（纪检机关意见为“无异议”的）",
        "表彰决定日期已过，请先修改轮次的日期",
        "该异议已处理",
        "公示定于 %(start)s 开始，不能提前",
        "本轮公示已于 %(end)s 结束，不能再增加公示对象",
    },
    "campaign/services/activities.py": {"当前没有创先争优活动，不能填报活动记录"},
    "campaign/services/bulletins.py": {"简报已印发，不能再修改", "简报已印发，不能删除", "简报已经印发"},
    "campaign/services/commitments.py": {
        "请指定作出承诺的组织或党员",
        "承诺已向群众公开，内容不能再修改",
        "该承诺已经公开",
        "承诺向群众公开后才能记录兑现情况",
    },
    "campaign/services/instructors.py": {"这不是党建工作指导员的派驻"},
    "campaign/services/plans.py": {
        "只有基层党组织需要制定实施方案",
        "该组织在本次活动中已有实施方案，请打开原方案修改",
        "方案%(status)s，不能再修改",
        "方案%(status)s，不能重复提交",
        "只能审批已提交的方案，该方案当前%(status)s",
        "方案审批通过后才能公布，该方案当前%(status)s",
    },
    # The type checks of an upload: their callers put the message at the file's field ({"file": …}, {"cover": …}).
    "campaign/services/publicity.py": {
        "封面只能上传图片（JPG、PNG、GIF、WebP）",
        "当前没有创先争优活动，不能撰写宣传稿件",
        "稿件已提交审核或已发布，不能再修改",
        "稿件当前为“%(status)s”，不能%(action)s",
    },
    "campaign/services/reports.py": {
        "实施意见只能上传 PDF 文件",
        "当前没有创先争优活动，不能报送实施意见",
        "请在省委节点上登记省直系统党（工）委",
        "同时有其他人报送，请刷新后重试",
    },
    "campaign/services/supervision.py": {
        "该整改通知已验收通过，不能再报送整改情况",
        "整改情况已经报送，正在等待验收",
        "该整改通知已经验收通过",
        "整改单位尚未报送整改情况，不能验收",
        "%(name)s还有联系点，请先撤销其联系点",
    },
    "campaign/services/timeline.py": {
        "当前处于第%(ordinal)s步骤（%(name)s），不能进行此项操作",
        "当前不在活动的任何步骤内，不能进行此项操作",
        "活动尚未开始，不能登记完成情况",
        "活动已经结束，不能再登记完成情况",
        "“%(milestone)s”属于第%(ordinal)s步骤（%(phase)s），该步骤%(start)s才开始，现在不能登记完成",
        "该节点任务由相应业务自动登记完成，不能手工标记",
        "该节点任务不适用于此组织",
        "活动尚未开始，不能进行此项操作",
        "活动已经结束，不能进行此项操作",
    },
    # Validators of a model field: Django puts their message at the field they validate.
    "orgs/validators.py": {
        "手机号码应为以 1 开头的 11 位数字，第二位为 3—9",
        "请勿填写身份证号码：此处只描述情况（如“村民张某”），不得包含身份证号",
        "请填写11位手机号码或带区号的固定电话（如0311-87654321）",
    },
    "evaluations/services/assessments.py": {
        "群众评议通过评议码进行，不能在此填写",
        "党员评议的对象是党员",
        "_duplicate_message()",
        "没有适用的评价标准，请联系组织部",
    },
    "evaluations/services/benchmarking.py": {"请指定一个组织或一名党员"},
    "evaluations/services/criteria.py": {
        "该评价标准已有提交的评价，不能再修改权重和等次（已提交的得分按原标准计算）；如需调整，请复制一套新标准",
        "该范围和期间已有一套启用的评价标准",
    },
    # The paper tally is one grid: its totals are a rule of the whole grid, named in the message (票数).
    "evaluations/services/mass.py": {
        "请对每个评价项目选择一个等次",
        "各评价项目的票数合计必须相等（每张选票对每个项目都要评价）",
        "本批次评议已经结束",
        "票数不能为负数",
    },
    "evaluations/services/ratings.py": {"只有基层党组织发布本组织党员的评议结果", "本期间的党员评议结果已经发布"},
    "evaluations/services/reports.py": {
        "本次活动没有安排党性分析，不能撰写党性分析报告",
        "党性分析报告应在 %(start)s 至 %(due)s 期间撰写和提交",
        "本次活动没有安排党性分析，不能登记参加情况",
        "报告已提交，不能再修改",
        "只能审阅已提交、待审阅的报告",
    },
    "masswork/services/masses.py": {
        "该矛盾纠纷已%(outcome)s，不能再添加处理措施",
        "该矛盾纠纷已%(outcome)s，结果不能再修改",
    },
    "masswork/services/stations.py": {"“%(name)s”已停用，不能再登记来访", "message"},
    # Acting on one's own account: about the person, not a field.
    "orgs/services.py": {"不能撤销自己的组织部角色", "不能停用自己的账号", "请通过“修改密码”修改自己的密码"},
}


CHECKED_MODULES = ("services", "models", "rules", "tasks", "validators")


def _checked_files():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            parts = path.relative_to(ROOT).parts
            if "migrations" in parts or "tests" in parts:
                continue
            if "services" in parts or "models" in parts or path.stem in CHECKED_MODULES:
                yield path


def _message_key(node) -> str | None:
    """The refusal's message as the list above spells it; None when the message is about fields (a dict, a
    field=) or is a variable holding such a dict."""
    if any(k.arg == "field" for k in node.keywords) or not node.args:
        return None
    message = node.args[0]
    if isinstance(message, ast.Dict | ast.Name) and not (isinstance(message, ast.Name) and message.id == "message"):
        return None  # a dict of field → message (a variable named errors / duplicate / missing holds one)
    while isinstance(message, ast.BinOp):  # "…%(x)s…" % {…}: the text is on the left
        message = message.left
    if isinstance(message, ast.Name):
        return message.id
    for inner in ast.walk(message):
        if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
            return inner.value
    if isinstance(message, ast.Call) and isinstance(message.func, ast.Name):
        return f"{message.func.id}()"
    return ast.unparse(message)


def _fieldless_refusals() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in _checked_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            func = node.exc.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in RAISED and (key := _message_key(node.exc)) is not None:
                kind = [ast.unparse(k.value) for k in node.exc.keywords if k.arg == "kind"]
                if kind and kind[0].endswith(("FORBIDDEN", "NOT_FOUND")):
                    continue  # answered by the 403 / 404 page
                found.setdefault(str(path.relative_to(ROOT)), set()).add(key)
    return found


def test_every_refusal_without_a_field_is_listed():
    found = _fieldless_refusals()
    new = {path: sorted(keys - FIELDLESS.get(path, set())) for path, keys in found.items()}
    assert {path: keys for path, keys in new.items() if keys} == {}, (
        "a refusal about a field's value names its field (DomainError(…, field=…)); a refusal about a state is "
        "added to FIELDLESS"
    )
    gone = {path: sorted(keys - found.get(path, set())) for path, keys in FIELDLESS.items()}
    assert {path: keys for path, keys in gone.items() if keys} == {}, "no longer raised: remove from FIELDLESS"


def test_a_form_refuses_at_a_field():
    """A form's whole-form clean() that refuses names the field (``self.add_error(field, …)`` or a dict)."""
    offenders = []
    for app in APPS:
        for path in (p for p in (ROOT / app).rglob("*.py") if p.stem.startswith("forms") or "forms" in p.parts):
            forms = [
                node
                for node in ast.walk(ast.parse(path.read_text()))
                if isinstance(node, ast.ClassDef) and not node.name.endswith("Field")  # a field's clean is its own
            ]
            for node in (item for form in forms for item in form.body):
                if isinstance(node, ast.FunctionDef) and node.name == "clean":
                    for inner in ast.walk(node):
                        if (
                            isinstance(inner, ast.Raise)
                            and isinstance(inner.exc, ast.Call)
                            and getattr(inner.exc.func, "attr", getattr(inner.exc.func, "id", "")) == "ValidationError"
                            and _message_key(inner.exc) is not None
                        ):
                            offenders.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    assert offenders == []
