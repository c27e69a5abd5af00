from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from .. import queries


class PortalAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码错误。请注意密码区分大小写；连续输错多次账号将被暂时锁定。"),
        "inactive": _("该账号已停用，请联系组织部门。"),
    }


class PortalLoginView(LoginView):
    form_class = PortalAuthenticationForm
    redirect_authenticated_user = True


class HomeView(View):
    """Start page: the organization tree for anybody with a role."""

    def get(self, request):
        if not request.user.is_authenticated:
            return redirect("login")
        if queries.has_role(request.user):
            return redirect("orgs:tree")
        return render(request, "orgs/no_role.html", status=403)
