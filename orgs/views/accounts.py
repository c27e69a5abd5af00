import logging

from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView
from django.forms.utils import ErrorDict
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from common import login_guard

from .. import queries
from ..enums import Role

logger = logging.getLogger(__name__)


class PortalAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码错误。请注意密码区分大小写；连续输错多次账号将被暂时锁定。"),
        "inactive": _("该账号已停用，请联系组织部门。"),
    }


class PortalLoginView(LoginView):
    """The login, rate-limited by django-axes also when something behind it fails (common/login_guard.py): an
    error of axes' store or of an authentication backend answers 503 "登录服务暂不可用，请稍后重试" — never 500,
    never a login — and the attempt counts as a failure. Every such answer is the same whatever the password, with
    the session emptied and the CSRF token rotated as a successful login would have, so nothing tells a right
    password from a wrong one."""

    form_class = PortalAuthenticationForm
    redirect_authenticated_user = True
    unavailable_message = _("登录服务暂不可用，请稍后重试")

    def post(self, request, *args, **kwargs):
        try:
            response = super().post(request, *args, **kwargs)
        except Exception:
            logger.exception("login: an authentication error; login refused")
            login_guard.mark_unavailable(request)
            self._count_failure(request)
            response = None
        if response is not None and not login_guard.is_unavailable(request):
            return response
        return self.unavailable(request)

    def _count_failure(self, request):
        """The attempt counts against the lockout like a wrong password (django-axes listens to this signal)."""
        credentials = {"username": request.POST.get("username", "")}
        try:
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        except Exception:
            logger.exception("login: the failed attempt could not be counted")

    def unavailable(self, request):
        login_guard.undo_login(request)
        rotate_token(request)
        form = self.get_form_class()(request, data=request.POST)
        form.cleaned_data = {}
        form._errors = ErrorDict()
        form.add_error(None, self.unavailable_message)
        response = self.render_to_response(self.get_context_data(form=form), status=503)
        response["Retry-After"] = "60"
        return response


class HomeView(View):
    """Start page by role: a basic organization's secretary starts from his workbench ("基层党组织要具体负责本地
    本单位创先争优活动的组织实施", seed part 五), an organization department from what waits for it (组织部工作台),
    a member (and nothing else) from 我的创先争优, a 党建工作指导员 (and nothing else) from 我指导的组织, a 领导小组
    or 行业主管部门 (and nothing else) from the dashboard it watches, a 数据管理员 (and nothing else) from 数据管理,
    anybody else with a role from the organization tree. The workbench, instructor and dashboard URLs are named,
    not imported: orgs imports no higher app."""

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
        if Role.ORG_DEPARTMENT in roles:
            return redirect("workbench:department")
        if roles == {Role.MEMBER} or (not roles and user.member_id):
            return redirect("workbench:me")
        if roles and roles - {Role.MEMBER} <= queries.GUIDE_ROLES:
            return redirect("campaign:instructor_home")
        if roles and roles - {Role.MEMBER} <= queries.WATCH_ROLES:
            return redirect("dashboards:index")
        if roles - {Role.MEMBER} == {Role.DATA_MANAGER}:
            return redirect("admin:index")
        if roles:
            return redirect("orgs:tree")
        return render(request, "orgs/no_role.html", status=403)
