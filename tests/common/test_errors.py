"""The one error vocabulary (common.errors): where a refusal lands and what the user is answered.

A small form view stands in for the portal's views (they all use the same mixin); what is asserted is what the
user sees: the message at its field, the field named in words when it is not on the form, 409 for a stale edit,
the 403 / 404 pages, a flash message naming the field for a button with no form — never an exception's text."""

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.views import View
from django.views.generic import FormView

from common.errors import (
    FORBIDDEN,
    NOT_FOUND,
    DomainError,
    RefusalMixin,
    StaleEdit,
    add_to_form,
    refusal_of,
    refusal_text,
    refusals,
)


class PeriodForm(forms.Form):
    start = forms.DateField(label="开始日期")
    end = forms.DateField(label="结束日期")


class PeriodView(RefusalMixin, FormView):
    form_class = PeriodForm
    refusal_labels = {"reason": "延期原因"}
    refusal = None  # what the "service" raises

    def form_valid(self, form):
        raise self.refusal

    def render_to_response(self, context, **kwargs):
        response = HttpResponse("form", **kwargs)
        response.form = context["form"]
        return response


class ButtonView(RefusalMixin, View):
    refusal = None
    refusal_url = "/back/"

    def post(self, request):
        raise self.refusal


def _post(view, refusal, data=None):
    request = RequestFactory().post("/", data or {"start": "2026-10-01", "end": "2026-10-09"})
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request, view.as_view(refusal=refusal)(request)


def test_a_field_rule_lands_at_its_field():
    refusal = DomainError("不得早于开始后第5个工作日（2026-10-14）", field="end")
    _, response = _post(PeriodView, refusal)
    assert response.status_code == 200
    assert response.form.errors == {"end": ["不得早于开始后第5个工作日（2026-10-14）"]}


def test_a_field_not_on_the_form_is_named_in_words():
    refusal = DomainError({"reason": "延长公示期须写明原因", "start": "公示开始后不能改动开始日期"})
    _, response = _post(PeriodView, refusal)
    assert response.form.errors["start"] == ["公示开始后不能改动开始日期"]
    assert response.form.non_field_errors() == ["延期原因：延长公示期须写明原因"]


def test_a_stale_edit_answers_409_and_keeps_what_was_typed():
    _, response = _post(PeriodView, StaleEdit())
    assert response.status_code == 409
    assert "已被他人修改" in response.form.non_field_errors()[0]
    assert response.form.data["end"] == "2026-10-09"


@pytest.mark.parametrize(("kind", "page"), [(FORBIDDEN, PermissionDenied), (NOT_FOUND, Http404)])
def test_forbidden_and_not_found_answer_their_pages(kind, page):
    with pytest.raises(page):
        _post(PeriodView, DomainError("不能操作", kind=kind))


def test_a_button_refusal_is_a_flash_message_and_a_redirect():
    request, response = _post(ButtonView, ValidationError("已印发的简报不能删除"))
    assert response.status_code == 302 and response.url == "/back/"
    assert [str(m) for m in get_messages(request)] == ["已印发的简报不能删除"]


def test_a_stale_button_answers_the_409_page():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request.user = AnonymousUser()
    response = ButtonView.as_view(refusal=StaleEdit())(request)
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode() and "/back/" in response.content.decode()


def test_a_button_refusal_with_a_known_label_names_it():
    class LabelledButton(ButtonView):
        refusal_labels = {"end": "公示结束日期"}

    request, response = _post(LabelledButton, DomainError("不得早于开始后第5个工作日", field="end"))
    assert [str(m) for m in get_messages(request)] == ["公示结束日期：不得早于开始后第5个工作日"]


def test_the_old_validation_errors_still_work_and_exception_text_is_never_shown():
    """A plain ValidationError (services not yet converted) goes the same way; an error with no message of its
    own gets the generic Chinese one, never a Python text."""
    assert refusal_text(ValidationError("只能审阅已提交的报告")) == "只能审阅已提交的报告"
    assert "DomainError" not in refusal_text(DomainError())
    form = PeriodForm({"start": "2026-10-01", "end": "2026-10-09"})
    form.is_valid()
    add_to_form(form, ValidationError({"end": ["不得早于开始日期"]}))
    assert form.errors["end"] == ["不得早于开始日期"]
    assert isinstance(DomainError("x", field="end"), ValidationError)


def test_function_views_and_checks():
    @refusals("/list/")
    def delete(request):
        raise DomainError("已公布的表彰不能删除")

    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    response = delete(request)
    assert response.status_code == 302 and [str(m) for m in get_messages(request)] == ["已公布的表彰不能删除"]

    def check(day):
        if day > 5:
            raise DomainError("超过期限", field="day")

    assert refusal_of(check, 1) == ""
    assert refusal_of(check, 9, labels={"day": "天数"}) == "天数：超过期限"


def test_a_button_refusal_names_the_field_by_the_records_model():
    """No label passed: the flash message names the field by the verbose name of the record the view acts on
    (``model`` / ``self.object``), else by the one verbose name the project gives a field of that name."""
    from awards.models import Nomination
    from campaign.models import Plan

    class NominationButton(ButtonView):
        model = Nomination

    request, _response = _post(NominationButton, DomainError("名额已用完，不能再上报", field="category"))
    assert [str(m) for m in get_messages(request)] == ["表彰类别：名额已用完，不能再上报"]

    class PlanButton(ButtonView):
        def post(self, request):
            self.object = Plan()
            raise self.refusal

    request, _response = _post(PlanButton, DomainError("退回方案时必须填写退回原因", field="return_reason"))
    assert [str(m) for m in get_messages(request)] == ["退回原因：退回方案时必须填写退回原因"]
    # A field name that only one model of the project uses is named without a model ("推荐单位").
    request, _response = _post(ButtonView, DomainError("不在表彰范围内", field="nominating_org"))
    assert [str(m) for m in get_messages(request)] == ["推荐单位：不在表彰范围内"]
    # A name several models use for different things stays unnamed rather than named wrongly.
    request, _response = _post(ButtonView, DomainError("请填写", field="reason"))
    assert [str(m) for m in get_messages(request)] == ["请填写"]


def test_a_function_view_names_the_field_by_its_model():
    from campaign.models import Plan

    @refusals("/list/", model=Plan)
    def return_plan(request):
        raise DomainError("退回方案时必须填写退回原因", field="return_reason")

    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return_plan(request)
    assert [str(m) for m in get_messages(request)] == ["退回原因：退回方案时必须填写退回原因"]


def test_form_error_text_names_each_field_by_its_label():
    from common.errors import form_error_text

    form = PeriodForm({"start": "2026-10-01", "end": "2026-02-30"})
    form.is_valid()
    assert form_error_text(form).startswith("结束日期：")
