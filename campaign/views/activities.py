"""Activity records of the five activities: list with filters, write, detail with attachments, edit, delete.

Permission order (orgs.views.mixins): anonymous → login; outside scope → 404; wrong role → 403.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView

from common.errors import refusal_of
from common.views import ServiceActionView, ServiceFormView
from orgs import queries
from orgs.views.mixins import ChooseOrgMixin, OrgRecordMixin, PagedMixin, RoleRequiredMixin

from ..enums import ActivityType
from ..forms.activities import ActivityFilterForm, ActivityForm
from ..models import Campaign
from ..models.activities import ACTIVITY_HELP
from ..queries import activities as q
from ..services import activities as services
from ..services.timeline import current_campaign, ensure_phase
from .plans import selected_campaign

BADGE_LIMIT = 200


def phase_error(campaign: Campaign | None) -> str:
    """Why activity records cannot be written today ('' when they can)."""
    if campaign is None:
        return _("当前没有创先争优活动")
    return refusal_of(ensure_phase, campaign, services.ACTIVITY_PHASES)


class ActivityListView(PagedMixin, RoleRequiredMixin, ListView):
    allowed_roles = q.READ_ROLES
    template_name = "campaign/activity_list.html"

    def get_queryset(self):
        user = self.request.user
        self.campaign = selected_campaign(self.request)
        self.filter_form = ActivityFilterForm(self.request.GET or None, user=user, roles=self.allowed_roles)
        self.filter_org = None
        self.filter_type = ""
        qs = q.activity_list(user)
        qs = qs.filter(campaign=self.campaign) if self.campaign else qs.none()
        if self.filter_form.is_bound:
            self.filter_form.is_valid()
            data = self.filter_form.cleaned_data
            if data.get("type"):
                self.filter_type = data["type"]
                qs = qs.filter(activity_type=data["type"])
            if data.get("month"):
                year, month = data["month"]
                start = datetime.date(year, month, 1)
                end = datetime.date(year + month // 12, month % 12 + 1, 1)
                qs = qs.filter(date__gte=start, date__lt=end)
            code = (data.get("org") or "").strip()
            if code:
                self.filter_org = queries.orgs_for(user, roles=self.allowed_roles).filter(code=code).first()
                if self.filter_org is None:
                    self.filter_form.add_error(
                        "org", _("找不到编码为“%(code)s”的组织，或它不在您的范围内") % {"code": code}
                    )
                    return qs.none()
                qs = qs.filter(org__path__startswith=self.filter_org.path)
        return qs

    def get_context_data(self, **kwargs):
        user = self.request.user
        badge = None
        if self.filter_type == ActivityType.BADGE_DEMO:
            rows = list(q.badge_members(user, org=self.filter_org)[: BADGE_LIMIT + 1])
            badge = {"members": rows[:BADGE_LIMIT], "more": len(rows) > BADGE_LIMIT, "limit": BADGE_LIMIT}
        return super().get_context_data(
            campaign=self.campaign,
            filter_form=self.filter_form,
            can_write=queries.has_role(user, q.WRITE_ROLES),
            badge=badge,
            activity_help=ACTIVITY_HELP.get(self.filter_type),
            **kwargs,
        )


class ActivityCreateView(ChooseOrgMixin, RoleRequiredMixin, ServiceFormView):
    """Pick the basic organization (by code, or the secretary's own), then write the record."""

    allowed_roles = q.WRITE_ROLES
    template_name = "campaign/activity_form.html"
    basic_only = True

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.campaign = current_campaign()
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        if self.org is None:
            return None
        return ActivityForm(**self.get_form_kwargs(), org=self.org)

    def get_initial(self):
        return {"date": timezone.localdate()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            campaign=self.campaign,
            phase_error=phase_error(self.campaign),
            **kwargs,
        )

    def get_cancel_url(self):
        return reverse("campaign:activity_list")

    def perform(self, data):
        names = ("activity_type", "date", "title", "description", "participant_count", "participants", "files")
        fields = {name: data[name] for name in names}
        return services.create_activity(self.org, by=self.request.user, campaign=self.campaign, **fields)

    def get_success_message(self, record):
        return _("已保存活动记录“%(title)s”") % {"title": record.title}

    def get_success_url(self, record):
        return reverse("campaign:activity_detail", args=[record.pk])


class ActivityScopedMixin(OrgRecordMixin):
    allowed_roles = q.READ_ROLES
    fetch = staticmethod(q.get_activity_or_404)


class ActivityWriteMixin(ActivityScopedMixin):
    allowed_roles = q.WRITE_ROLES

    def check_role(self, record):
        if not q.can_write_activity(self.request.user, record.org):
            raise PermissionDenied


class ActivityDetailView(ActivityScopedMixin, TemplateView):
    template_name = "campaign/activity_detail.html"

    def get_context_data(self, **kwargs):
        record = self.object
        attachments = list(record.attachments.order_by("pk"))
        can_write = q.can_write_activity(self.request.user, record.org)
        return super().get_context_data(
            record=record,
            images=[a for a in attachments if a.is_image],
            documents=[a for a in attachments if not a.is_image],
            participants=list(record.participants.order_by("name", "id")),
            can_write=can_write,
            phase_error=phase_error(record.campaign) if can_write else "",
            **kwargs,
        )


class ActivityEditView(ActivityWriteMixin, ServiceFormView):
    template_name = "campaign/activity_form.html"
    success_message = gettext_lazy("已保存修改")

    def get_form(self, form_class=None):
        return ActivityForm(**self.get_form_kwargs(), instance=self.object, org=self.object.org)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            record=self.object,
            org=self.object.org,
            campaign=self.object.campaign,
            phase_error=phase_error(self.object.campaign),
            **kwargs,
        )

    def get_cancel_url(self):
        return reverse("campaign:activity_detail", args=[self.object.pk])

    def perform(self, data):
        return services.update_activity(
            self.object,
            by=self.request.user,
            fields={name: data[name] for name in services.FIELDS},
            participants=data["participants"],
            files=data["files"],
            remove_attachments=data.get("remove_attachments") or [],
        )

    def get_success_url(self, record):
        return reverse("campaign:activity_detail", args=[self.object.pk])


class ActivityDeleteView(ActivityWriteMixin, ServiceActionView):
    def get_refusal_url(self):
        return reverse("campaign:activity_detail", args=[self.object.pk])

    def perform(self):
        services.delete_activity(self.object, by=self.request.user)

    def get_success_message(self, result):
        return _("已删除活动记录“%(title)s”") % {"title": self.object.title}

    def get_success_url(self):
        return reverse("campaign:activity_list")
