"""Buttons that do what cannot be undone carry the question static/js/confirm.js asks (data-confirm). Besides the
ones the first slice marked (tests/browser/test_confirm.py presses one), the review found three that went
without: 审定表彰名单 (every candidate is commended), 结束评议 (the unused QR codes stop working) and deleting the
QR sheet (its codes cannot be printed again)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

# (template, the URL name its form posts to, the question)
ASKING = [
    ("awards/templates/awards/nomination_shortlist.html", "awards:publicity_start", "确定进入公示吗？"),
    ("awards/templates/awards/nomination_shortlist.html", "awards:approve_list", "确定审定表彰名单吗？"),
    ("evaluations/templates/evaluations/mass_batch_detail.html", "evaluations:mass_batch_close", "确定结束评议吗？"),
    ("evaluations/templates/evaluations/mass_sheet_status.html", "evaluations:mass_batch_sheet_delete", "确定删除吗？"),
    ("evaluations/templates/evaluations/public_answer.html", "", "确定提交吗？"),
    ("campaign/templates/campaign/plan_detail.html", "campaign:plan_publish", "确定向群众公布吗？"),
    ("orgs/templates/orgs/import_detail.html", "orgs:import_apply", "确定导入吗？"),
]


def _form(template: str, url_name: str) -> str:
    text = (Path(settings.BASE_DIR) / template).read_text()
    forms = re.findall(r"<form\b.*?</form>", text, flags=re.S)
    found = [f for f in forms if f"{{% url '{url_name}'" in f] if url_name else forms
    assert len(found) == 1, (template, url_name)
    return found[0]


@pytest.mark.parametrize(("template", "url_name", "question"), ASKING)
def test_the_irreversible_button_asks_first(template, url_name, question):
    buttons = re.findall(r"<button\b[^>]*>", _form(template, url_name))
    asking = [b for b in buttons if 'type="submit"' in b and "data-confirm=" in b]
    assert len(asking) == 1, buttons
    assert question in asking[0]
