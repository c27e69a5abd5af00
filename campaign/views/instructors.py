"""党建工作指导员 (the 组织部 assigns them; an instructor's own page) and the 大学生村官 list.

Order of checks on every page: anonymous → login; outside the scope → 404; wrong role → 403.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView

from common.errors import RefusalMixin
from common.views import ServiceActionView
from orgs import queries
from orgs.forms.accounts import UserCreateForm
from orgs.forms.fields import within_filter_org
from orgs.views.mixins import PagedMixin, RoleRequiredMixin

from ..forms import instructors as forms
from ..queries import instructors as mq
from ..services import instructors as services

# --- 党建工作指导员 -------------------------------------------------------------------------------


class InstructorListView(RefusalMixin, PagedMixin, RoleRequiredMixin, ListView):
    """The 组织部's instructors: assignments in its subtree, and the forms to assign one."""

    allowed_roles = mq.INSTRUCTOR_MANAGE_ROLES
    template_name = "campaign/instructors_list.html"

    def get_queryset(self):
        return (
            mq.instructor_assignments_for(self.request.user)
            .select_related("user", "org")
            .order_by("user__username", "org__path", "id")
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("assign_form", forms.AssignInstructorForm(by=self.request.user))
        kwargs.setdefault("account_form", UserCreateForm(prefix="new"))
        kwargs.setdefault("orgs_form", forms.NewInstructorOrgsForm(by=self.request.user, prefix="new"))
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        """``assign``: an existing account; ``create``: a new account. Errors re-render the page."""
        self.object_list = self.get_queryset()
        if request.POST.get("action") == "create":
            account_form = self.refusal_form = UserCreateForm(request.POST, prefix="new")
            orgs_form = forms.NewInstructorOrgsForm(request.POST, by=request.user, prefix="new")
            self.refusal_form_key, self.refusal_context = "account_form", {"orgs_form": orgs_form}
            if account_form.is_valid() and orgs_form.is_valid():
                data = account_form.cleaned_data
                user = services.create_instructor(
                    by=request.user,
                    username=data["username"],
                    password=data["password1"],
                    full_name=data["full_name"],
                    mobile=data.get("mobile") or "",
                    orgs=orgs_form.cleaned_data["org_codes"],
                )
                messages.success(request, _("已新建指导员账号“%(name)s”并完成派驻") % {"name": user.username})
                return redirect("campaign:instructor_list")
            return self.render_to_response(self.get_context_data(account_form=account_form, orgs_form=orgs_form))
        form = self.refusal_form = forms.AssignInstructorForm(request.POST, by=request.user)
        self.refusal_form_key = "assign_form"
        if form.is_valid():
            services.assign_instructor(form.cleaned_data["username"], form.cleaned_data["org_codes"], by=request.user)
            messages.success(request, _("已派驻党建工作指导员"))
            return redirect("campaign:instructor_list")
        return self.render_to_response(self.get_context_data(assign_form=form))


class InstructorRemoveView(RoleRequiredMixin, ServiceActionView):
    allowed_roles = mq.INSTRUCTOR_MANAGE_ROLES
    success_message = gettext_lazy("已撤销派驻")

    def perform(self):
        assignments = mq.instructor_assignments_for(self.request.user).select_related("org")
        services.remove_instructor(get_object_or_404(assignments, pk=self.kwargs["pk"]), by=self.request.user)

    def get_success_url(self):
        return reverse("campaign:instructor_list")


class InstructorHomeView(RoleRequiredMixin, TemplateView):
    """The instructor's own page (its start page): the basic organizations it guides, with their work, the newest
    activity record of each and whether it came in since the instructor's last remark, and a remark link."""

    allowed_roles = queries.GUIDE_ROLES
    template_name = "campaign/instructors_home.html"

    def get_context_data(self, **kwargs):
        rows = mq.guided_orgs(self.request.user)
        awaiting = sum(row.awaiting_remark for row in rows)
        return super().get_context_data(rows=rows, awaiting=awaiting, **kwargs)


# --- 大学生村官 ------------------------------------------------------------------------------------


class CollegeOfficialListView(PagedMixin, RoleRequiredMixin, ListView):
    """Members flagged 大学生村官 in scope: "注重发挥党建工作指导员和大学生“村官”在创先争优活动中的作用"."""

    allowed_roles = queries.READ_MEMBER_ROLES
    template_name = "campaign/instructors_college_officials.html"

    def get_queryset(self):
        user = self.request.user
        self.filter_form = forms.CollegeOfficialFilterForm(
            self.request.GET or None, user=user, roles=queries.READ_MEMBER_ROLES
        )
        qs = within_filter_org(
            mq.college_officials(user), user, self.filter_form, queries.READ_MEMBER_ROLES, path="org_path"
        )
        name = (self.filter_form.cleaned_data.get("q") or "").strip() if self.filter_form.is_valid() else ""
        if name:
            qs = qs.filter(name__startswith=name)
        return qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form, **kwargs)
