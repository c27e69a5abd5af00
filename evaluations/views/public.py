"""The public 群众评议 page: no account, one answer per token, nothing that identifies the person.

"要让广大群众充分参与到活动中来，主动听取群众意见建议，接受群众监督" (seed, part 三).

Every request counts against the address's rate limit (the address is hashed in the cache and never
stored). An unknown, tampered or guessed token gets the same neutral page with status 404.
"""

from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache

from common.errors import RefusalMixin
from common.net import client_ip

from ..forms.mass import MassAnswerForm, MassCodeForm
from ..services import mass as services

REFUSALS = {
    # reason: (status, message)
    "invalid": (404, _("二维码无效。请核对网址是否完整，或向发放二维码的单位咨询。")),
    "used": (410, _("这个二维码已经使用过了。每个二维码只能评议一次，感谢您的参与。")),
    "not_open": (403, _("评议尚未开始，请在开始时间以后再扫码。")),
    "closed": (410, _("本次评议已结束，感谢您的关注。")),
}
# Submitting after the batch closed (it closed, or was ended early, while the page was open).
CLOSED_ON_SUBMIT = _("本次评议已结束，您这次填写的评议未能提交。感谢您的关注。")


def public_headers(response):
    # same-origin: the token URL never leaves the site (no-referrer would make browsers send
    # "Origin: null" on the form post, which CSRF protection rightly refuses)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def message_page(request, kind, message, *, status=200, batch=None):
    """The page a visitor sees instead of the form: ``kind`` thanks, refusal or limited."""
    context = {"kind": kind, "message": message, "batch": batch}
    return public_headers(render(request, "evaluations/public_message.html", context, status=status))


def refused(request, error: services.TokenRefused):
    status, message = REFUSALS[error.reason]
    if error.reason == "closed" and request.method == "POST":
        message = CLOSED_ON_SUBMIT
    batch = error.batch if error.reason in ("not_open", "closed") else None
    return message_page(request, "refusal", message, status=status, batch=batch)


@method_decorator(never_cache, name="dispatch")
class MassAnswerView(RefusalMixin, View):
    def dispatch(self, request, *args, **kwargs):
        if services.hit_rate_limit(client_ip(request)):
            return message_page(request, "limited", _("访问过于频繁，请稍后（约十分钟后）再试。"), status=429)
        return super().dispatch(request, *args, **kwargs)

    def form_for(self, row, data=None):
        criteria_set = row.batch.criteria_set
        return MassAnswerForm(data, criteria=criteria_set.criteria.all(), levels=criteria_set.levels)

    refusal_status = 400

    def render_refused(self, form):
        return self.page(self.request, self.row, form)

    def page(self, request, row, form, status=200):
        context = {"batch": row.batch, "member": row.member, "form": form}
        return public_headers(render(request, "evaluations/public_answer.html", context, status=status))

    def get(self, request, token):
        try:
            row = services.find_token(token)
        except services.TokenRefused as error:
            return refused(request, error)
        return self.page(request, row, self.form_for(row))

    def post(self, request, token):
        try:
            row = services.find_token(token)
        except services.TokenRefused as error:
            return refused(request, error)
        form = self.refusal_form = self.form_for(row, request.POST)
        if not form.is_valid():
            return self.page(request, row, form, status=400)
        self.row = row
        try:
            services.submit_answers(token, form.choices())
        except services.TokenRefused as error:
            return refused(request, error)
        return redirect("evaluations:mass_thanks")


@method_decorator(never_cache, name="dispatch")
class MassEnterView(View):
    """Where a 评议码 is typed by hand (the QR sheet prints this address): a code that can be one goes on to its
    answer page, which decides whether it is valid; nothing is looked up here."""

    def get(self, request):
        form = MassCodeForm(request.GET if "code" in request.GET else None)
        if form.is_valid():
            return redirect("evaluations:mass_answer", form.cleaned_data["code"])
        status = 400 if form.is_bound else 200
        return public_headers(render(request, "evaluations/public_enter.html", {"form": form}, status=status))


@method_decorator(never_cache, name="dispatch")
class MassThanksView(View):
    def get(self, request):
        return message_page(request, "thanks", _("评议已提交，感谢您对党组织和党员的监督！"))
