"""Award rounds (list, detail, create, edit) and the quota page of each level.

Permission order (orgs.views.mixins): anonymous → login; outside scope → 404; wrong role → 403.
"""

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView, TemplateView

from common.errors import DomainError, RefusalMixin, by_field
from common.views import ServiceFormView
from orgs import queries
from orgs.enums import OrgLevel
from orgs.views.mixins import RoleRequiredMixin, ScopedObjectMixin

from .. import rules
from ..forms.nominations import OwnQuotaForm, QuotaFormSet, RoundForm
from ..models import Nomination
from ..queries import nominations as q
from ..services import quotas as quota_services
from ..services import rounds as services
from ..services.holidays import can_manage_schedule
from ..services.publicity import publicity_state

PER_PAGE = 30


class RoundListView(RoleRequiredMixin, ListView):
    allowed_roles = q.READ_ROLES
    template_name = "awards/round_list.html"
    context_object_name = "rounds"
    paginate_by = PER_PAGE

    def get_queryset(self):
        return q.round_list(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_create=queries.has_role(self.request.user, q.MANAGE_ROLES),
            can_manage_schedule=can_manage_schedule(self.request.user),
            **kwargs,
        )


class RoundCreateView(RoleRequiredMixin, ServiceFormView):
    allowed_roles = q.MANAGE_ROLES
    template_name = "awards/round_form.html"

    def get_form(self, form_class=None):
        return RoundForm(**self.get_form_kwargs(), user=self.request.user)

    def get_initial(self):
        tops = queries.top_orgs(self.request.user, q.MANAGE_ROLES)
        return {"owner_code": tops[0].code if tops else "", "publicity_working_days": 5}

    def get_cancel_url(self):
        return reverse("awards:round_list")

    def perform(self, data):
        data = dict(data)
        owner = data.pop("owner_code")
        try:
            return services.create_round(by=self.request.user, owner_org=owner, **data)
        except PermissionDenied:
            raise DomainError(_("您不能为该组织创建表彰轮次"), field="owner_code") from None

    def get_success_message(self, award_round):
        return _("已创建表彰轮次“%(name)s”") % {"name": award_round.name}

    def get_success_url(self, award_round=None):
        return reverse("awards:round_detail", args=[award_round.code])


class RoundScopedMixin(ScopedObjectMixin):
    """A round the user sees (404 otherwise); a read role on its subtree or above (403 otherwise)."""

    allowed_roles = q.READ_ROLES
    fetch = staticmethod(q.get_round_or_404)
    lookup_kwarg = "code"

    def check_role(self, award_round):
        if not q.rounds_for(self.request.user, roles=self.allowed_roles).filter(pk=award_round.pk).exists():
            raise PermissionDenied


class RoundDetailView(RoundScopedMixin, TemplateView):
    template_name = "awards/round_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        award_round = self.object
        counts = dict(
            q.nominations_for(user)
            .filter(award_round=award_round)
            .values_list("status")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("status", "n")
        )
        status_counts = [(label, counts.get(value, 0)) for value, label in Nomination.Status.choices]
        day = services.today()
        return super().get_context_data(
            award_round=award_round,
            categories=list(award_round.categories.all()),
            publicity_end=services.shown_publicity_end(award_round),
            publicity_changes=list(award_round.publicity_changes.select_related("by")),
            rules=rules.RULES,
            publicity_state=publicity_state(award_round, day),
            nomination_error=services.nomination_window_error(award_round, day),
            status_counts=status_counts,
            can_manage=services.can_manage_round(user, award_round),
            can_nominate=queries.has_role(user, q.NOMINATE_ROLES),
            levels=list(q.levels_for(user, award_round)[:50]),
            home_level=q.home_level(user, award_round),
            **kwargs,
        )


class RoundEditView(RoundScopedMixin, ServiceFormView):
    template_name = "awards/round_form.html"
    success_message = gettext_lazy("已保存修改")

    def check_role(self, award_round):
        if not services.can_manage_round(self.request.user, award_round):
            raise PermissionDenied

    def get_form(self, form_class=None):
        return RoundForm(**self.get_form_kwargs(), instance=self.object, user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(award_round=self.object, **kwargs)

    def get_cancel_url(self):
        return reverse("awards:round_detail", args=[self.object.code])

    def perform(self, data):
        data = {name: data[name] for name in services.EDITABLE_FIELDS if name in data}
        # The ModelForm has already copied the values onto the instance: reload before the service writes.
        self.object.refresh_from_db()
        return services.update_round(self.object, by=self.request.user, **data)

    def get_success_url(self, result=None):
        return reverse("awards:round_detail", args=[self.object.code])


# ----- quotas -----


class QuotaHomeView(RoundScopedMixin, View):
    """The quota page of the user's own level in the round."""

    def get(self, request, *args, **kwargs):
        level = q.home_level(request.user, self.object)
        if level is None or level.level == OrgLevel.BASIC:
            raise Http404("no level of this round in scope")
        return redirect("awards:quota", code=self.object.code, org=level.code)


class QuotaView(RefusalMixin, RoundScopedMixin, TemplateView):
    """One level's quotas: its own (set by the level above; the owner sets its own), what it has handed
    out, forwarded and has left, and its children's quotas as a form."""

    template_name = "awards/quota_detail.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_scoped_object()
        self.org = q.get_round_org_or_404(request.user, self.object, kwargs["org"])
        if self.org.level == OrgLevel.BASIC:
            raise Http404("basic organizations hold no quota page")
        if not queries.covers(request.user, self.org, q.READ_ROLES):
            raise PermissionDenied
        self.can_edit = quota_services.can_allocate(request.user, self.org)
        self.categories = list(self.object.categories.all())
        self.children = list(quota_services.quota_children(self.org))
        return self.with_refusals(partial(TemplateView.dispatch, self), request, *args, **kwargs)

    def children_rows(self):
        award_round = self.object
        quota = quota_services.amounts(award_round, self.children)
        used = quota_services.forwarded_counts(award_round, self.children)
        out = quota_services.handed_out(award_round, self.children)
        rows = []
        for child in self.children:
            rows.append(
                {
                    "org": child,
                    "cells": [
                        {
                            "category": c,
                            "quota": quota.get((child.pk, c.pk), 0),
                            "forwarded": used.get((child.pk, c.pk), 0),
                            "handed_out": out.get((child.pk, c.pk), 0),
                        }
                        for c in self.categories
                    ],
                }
            )
        return rows

    def make_formset(self, data=None):
        quota = quota_services.amounts(self.object, self.children)
        initial = [
            {"org": child.pk, **{f"c{c.pk}": quota.get((child.pk, c.pk), 0) for c in self.categories}}
            for child in self.children
        ]
        return QuotaFormSet(data, initial=initial, categories=self.categories, prefix="children")

    def make_own_form(self, data=None):
        own = quota_services.amounts(self.object, [self.org])
        initial = {f"c{c.pk}": own.get((self.org.pk, c.pk), 0) for c in self.categories}
        return OwnQuotaForm(data, initial=initial, categories=self.categories, prefix="own")

    def is_owner(self):
        return self.org.pk == self.object.owner_org_id

    def get_context_data(self, **kwargs):
        kwargs.setdefault("formset", self.make_formset() if self.can_edit and self.children else None)
        kwargs.setdefault("own_form", self.make_own_form() if self.can_edit and self.is_owner() else None)
        formset = kwargs["formset"]
        rows = self.children_rows()
        if formset is not None:
            for row, form in zip(rows, formset.forms, strict=False):
                row["form"] = form
                for cell in row["cells"]:
                    cell["field"] = form[f"c{cell['category'].pk}"]
        return super().get_context_data(
            award_round=self.object,
            org=self.org,
            categories=self.categories,
            summary=quota_services.summary(self.object, self.org),
            rows=rows,
            can_edit=self.can_edit,
            is_owner=self.is_owner(),
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data())

    def refused(self, error):
        """A quota refusal names cells "<org id>-<category id>" (own quota: "own-<category id>"): put each message
        in its cell; what names no cell shown above the table."""
        messages_by_key = by_field(error)
        if getattr(self, "refusal_formset", None) is None:
            form = self.refusal_form
            for key, texts in messages_by_key.items():
                form.add_error(f"c{key.split('-')[1]}" if key else None, texts)
            return self.render_to_response(self.get_context_data(own_form=form))
        formset, by_id = self.refusal_formset
        self.formset_errors = []
        for key, texts in messages_by_key.items():
            org_id, category_id = (int(part) for part in key.split("-")) if key else (None, None)
            if org_id in by_id:
                by_id[org_id].add_error(f"c{category_id}", texts)
            else:
                self.formset_errors += texts
        return self.render_to_response(self.get_context_data(formset=formset, formset_errors=self.formset_errors))

    def post(self, request, *args, **kwargs):
        if not self.can_edit:
            raise PermissionDenied
        award_round = self.object
        if "own" in request.POST:
            if not self.is_owner():
                raise PermissionDenied
            form = self.make_own_form(request.POST)
            if form.is_valid():
                self.refusal_form = form
                quota_services.set_owner_quota(award_round, form.amounts(), by=request.user)
                messages.success(request, _("已保存本级名额"))
                return redirect("awards:quota", code=award_round.code, org=self.org.code)
            return self.render_to_response(self.get_context_data(own_form=form))
        formset = self.make_formset(request.POST)
        if formset.is_valid():
            by_id = {form.cleaned_data["org"]: form for form in formset.forms}
            new = {
                (org_id, category_id): amount
                for org_id, form in by_id.items()
                for category_id, amount in form.amounts().items()
            }
            self.refusal_formset = (formset, by_id)
            quota_services.allocate(award_round, self.org, new, by=request.user)
            messages.success(request, _("已保存下级名额"))
            return redirect("awards:quota", code=award_round.code, org=self.org.code)
        return self.render_to_response(self.get_context_data(formset=formset))
