"""User and role management for org_department.

"各级党委组织部门要切实履行职责，抓好组织实施。" (seed, part 五) — the organization department
of a subtree keeps the accounts of that subtree: who may log in and with which role where.

The accounts listed are ``queries.users_for`` (a role inside the manager's subtree); of each,
only the roles inside that subtree are shown and changed. Outside the scope: 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from common.errors import RefusalMixin, add_to_form, by_field

from .. import queries, services
from ..forms.accounts import SERVICE_FIELD, PasswordResetForm, RoleAssignmentForm, UserCreateForm, UserSearchForm
from ..pagination import CappedPaginator, query_without_page
from .mixins import RoleRequiredMixin

PER_PAGE = 30


class ManagerMixin(RoleRequiredMixin):
    allowed_roles = queries.MANAGE_ROLES

    def scoped_roles(self):
        """The assignments this manager covers, with their organizations, in tree order."""
        return queries.assignments_for(self.request.user).select_related("org").order_by("org__path", "role", "pk")

    def get_account(self, pk):
        users = queries.users_for(self.request.user).select_related("member__org")
        return get_object_or_404(users, pk=pk)


class UserListView(ManagerMixin, ListView):
    template_name = "orgs/user_list.html"
    paginate_by = PER_PAGE
    paginator_class = CappedPaginator

    def get_queryset(self):
        users = queries.users_for(self.request.user)
        self.form = UserSearchForm(self.request.GET or None)
        if self.form.is_valid():
            data = self.form.cleaned_data
            if data["q"]:
                users = users.filter(Q(username__icontains=data["q"]) | Q(full_name__icontains=data["q"]))
            if data["role"]:
                with_role = queries.assignments_for(self.request.user).filter(role=data["role"])
                users = users.filter(pk__in=with_role.values("user_id"))
            if data["active"]:
                users = users.filter(is_active=data["active"] == "1")
        return users.order_by("username").prefetch_related(
            Prefetch("assignments", queryset=self.scoped_roles(), to_attr="scoped_roles")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=self.form, query=query_without_page(self.request), **kwargs)


class UserCreateView(RefusalMixin, ManagerMixin, View):
    template_name = "orgs/user_form.html"

    def get(self, request):
        role_form = RoleAssignmentForm(by=request.user, initial={"org_code": request.GET.get("org", "")})
        return self.render(UserCreateForm(), role_form)

    def refused(self, error):
        # Nothing was written (one transaction): show each message at its field, on the form that has it.
        user_form, role_form = self.forms
        for field, texts in by_field(error).items():
            if field in SERVICE_FIELD:
                role_form.add_error(SERVICE_FIELD[field], texts)
            else:
                add_to_form(user_form, ValidationError({field: texts}) if field else ValidationError(texts))
        return self.render(user_form, role_form)

    def post(self, request):
        user_form = UserCreateForm(request.POST)
        role_form = RoleAssignmentForm(request.POST, by=request.user)
        self.forms = user_form, role_form
        if not (user_form.is_valid() & role_form.is_valid()):
            return self.render(user_form, role_form)
        data, role = user_form.cleaned_data, role_form.cleaned_data
        try:
            account = services.create_account(
                by=request.user,
                username=data["username"],
                password=data["password1"],
                full_name=data["full_name"],
                mobile=data["mobile"],
                role=role["role"],
                org=role["org_code"],
                sector=role["sector"],
                member=role_form.member,
            )
        except IntegrityError:
            user_form.add_error("username", _("该用户名已被使用，请换一个"))
            return self.render(user_form, role_form)
        messages.success(request, _("已创建账号%(name)s") % {"name": account.username})
        return redirect("orgs:user_detail", pk=account.pk)

    def render(self, user_form, role_form):
        return render(self.request, self.template_name, {"user_form": user_form, "role_form": role_form})


class UserDetailView(RefusalMixin, ManagerMixin, View):
    """The account, its roles in the manager's subtree, and the account actions (POST ``action``)."""

    template_name = "orgs/user_detail.html"
    refusal_form_key = "password_form"
    refusal_fields = {None: "new_password1"}  # the password rules name no field: they are about the new one

    def get_refusal_url(self):
        return reverse("orgs:user_detail", args=[self.kwargs["pk"]])

    def render_refused(self, form):
        return self.render(self.get_account(self.kwargs["pk"]), **{self.refusal_form_key: form})

    def get(self, request, pk):
        return self.render(self.get_account(pk))

    def post(self, request, pk):
        account = self.get_account(pk)
        action = request.POST.get("action")
        if action in ("activate", "deactivate"):
            services.set_user_active(account, action == "activate", by=request.user)
            if account.is_active:
                messages.success(request, _("账号已启用"))
            else:
                messages.success(request, _("账号已停用，该用户将无法登录"))
            return redirect("orgs:user_detail", pk=account.pk)
        if action == "password":
            form = self.refusal_form = PasswordResetForm(request.POST, account=account)
            if form.is_valid():
                services.reset_password(account, form.cleaned_data["new_password1"], by=request.user)
                messages.success(request, _("新密码已设置，请通知本人登录后及时修改"))
                return redirect("orgs:user_detail", pk=account.pk)
            return self.render(account, password_form=form)
        return HttpResponseNotAllowed(["GET"])

    def render(self, account, *, role_form=None, password_form=None):
        roles = list(self.scoped_roles().filter(user=account))
        manager = self.request.user
        member = account.member
        if member is not None and not queries.covers_member(manager, member, queries.MANAGE_ROLES):
            member = None
        context = {
            "account": account,
            "roles": roles,
            "member": member,
            "is_self": account.pk == manager.pk,
            "can_manage_account": queries.can_manage_account(manager, account),
            "role_form": role_form or RoleAssignmentForm(by=manager, account=account),
            "password_form": password_form or PasswordResetForm(account=account),
        }
        return render(self.request, self.template_name, context)


class RoleAddView(UserDetailView):
    def get(self, request, pk):
        return redirect("orgs:user_detail", pk=pk)

    def post(self, request, pk):
        account = self.get_account(pk)
        form = self.refusal_form = RoleAssignmentForm(request.POST, by=request.user, account=account)
        self.refusal_form_key, self.refusal_fields = "role_form", SERVICE_FIELD
        if form.is_valid():
            data = form.cleaned_data
            with transaction.atomic():  # the role and the member link, or neither
                assignment = services.assign_role(
                    account, data["org_code"], data["role"], by=request.user, sector=data["sector"]
                )
                if form.member is not None:
                    services.link_member(account, form.member, by=request.user)
            messages.success(
                request,
                _("已授予“%(org)s”的%(role)s角色")
                % {"org": assignment.org.name, "role": assignment.get_role_display()},
            )
            return redirect("orgs:user_detail", pk=account.pk)
        return self.render(account, role_form=form)


class RoleDeleteView(RefusalMixin, ManagerMixin, View):
    """POST: withdraw one role (only a role on a node inside the manager's subtree)."""

    def get_refusal_url(self):
        assignment = get_object_or_404(self.scoped_roles(), pk=self.kwargs["pk"])
        return reverse("orgs:user_detail", args=[assignment.user_id])

    def get(self, request, pk):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, pk):
        assignment = get_object_or_404(self.scoped_roles().select_related("user"), pk=pk)
        account = assignment.user
        services.remove_assignment(assignment, by=request.user)
        messages.success(
            request,
            _("已撤销“%(org)s”的%(role)s角色") % {"org": assignment.org.name, "role": assignment.get_role_display()},
        )
        if not queries.users_for(request.user).filter(pk=account.pk).exists():
            messages.info(request, _("%(name)s 在您的管理范围内已没有角色，不再显示在用户列表中") % {"name": account})
            return redirect("orgs:user_list")
        return redirect("orgs:user_detail", pk=account.pk)
