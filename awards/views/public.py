"""The public 公示 page of a round: no login, nothing personal, objections taken during the period.

Only name, unit, post and category are shown — never an ID number, a phone number or a birth date.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic.base import TemplateResponseMixin

from common.errors import RefusalMixin
from common.net import client_ip

from ..forms.nominations import ObjectionForm
from ..models import AwardRound
from ..services import publicity as services
from ..services.documents import issuing_body_for
from ..services.rounds import shown_publicity_end, today


class PublicRoundView(RefusalMixin, TemplateResponseMixin, View):
    template_name = "awards/public_round.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.award_round = AwardRound.objects.filter(code=kwargs["code"]).select_related("owner_org").first()
        if self.award_round is None:
            raise Http404("no such award round")
        self.state = services.publicity_state(self.award_round, today())

    def candidates(self):
        return services.public_candidates(self.award_round)

    def form(self, data=None):
        return ObjectionForm(
            data,
            candidates=self.candidates(),
            requires_identity=self.award_round.objection_requires_identity,
        )

    def render(self, form=None, status=200):
        is_open = self.state == services.PublicityState.OPEN
        return self.render_to_response(
            {
                "award_round": self.award_round,
                "state": self.state,
                "is_open": is_open,
                "candidates": list(self.candidates()) if is_open else [],
                "publicity_end": shown_publicity_end(self.award_round),
                "issuer": issuing_body_for(self.award_round.owner_org),
                "form": (form or self.form()) if is_open else None,
            },
            status=status,
        )

    refusal_status = 400

    def render_refused(self, form):
        return self.render(form)

    def get(self, request, *args, **kwargs):
        return self.render()

    def post(self, request, *args, **kwargs):
        if self.state != services.PublicityState.OPEN:
            messages.error(request, _("公示期外不能提出异议"))
            return redirect("awards:public", code=self.award_round.code)
        if services.rate_limited(client_ip(request)):
            form = self.form(request.POST)
            form.errors.clear()
            form.add_error(None, _("提交过于频繁，请稍后再试"))
            return self.render(form, status=429)
        form = self.refusal_form = self.form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            services.file_objection(data["nomination"], content=data["content"], name=data["name"], phone=data["phone"])
            messages.success(request, _("您的异议已提交，我们将认真核实处理。"))
            return redirect("awards:public", code=self.award_round.code)
        return self.render(form, status=400)
