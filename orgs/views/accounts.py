from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from .. import queries
from ..enums import Role


class PortalAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码错误。请注意密码区分大小写；连续输错多次账号将被暂时锁定。"),
        "inactive": _("该账号已停用，请联系组织部门。"),
    }


class PortalLoginView(LoginView):
    form_class = PortalAuthenticationForm
    redirect_authenticated_user = True


class HomeView(View):
    """Start page by role: a basic organization's secretary starts from his workbench ("基层党组织要具体负责本地
    本单位创先争优活动的组织实施", seed part 五), a member (and nothing else) from 我的创先争优, anybody else with a
    role from the organization tree. The workbench URLs are named, not imported: orgs imports no higher app."""

    def get(self, request):
        user = request.user
        if not user.is_authenticated:
            return redirect("login")
        roles = queries.roles_of(user)
        basic = {a.org.code for a in queries.assignments(user) if a.role == Role.SECRETARY and a.org.is_basic}
        if len(basic) == 1:
            return redirect("workbench:org", org_code=basic.pop())
        if basic:
            return redirect("workbench:index")
        if roles == {Role.MEMBER} or (not roles and user.member_id):
            return redirect("workbench:me")
        if roles:
            return redirect("orgs:tree")
        return render(request, "orgs/no_role.html", status=403)
