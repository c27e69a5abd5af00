"""个人API令牌: the page where a user creates (the secret shown once) and revokes his own tokens, and the API's
documentation pages (Swagger UI and Redoc from drf-spectacular-sidecar, no CDN)."""

import functools

from csp.decorators import csp_update
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from common.errors import add_to_form

from . import tokens
from .models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("用途说明"),
        max_length=60,
        help_text=gettext_lazy("例如：党员信息管理系统同步。令牌只在创建后显示一次。"),
    )
    days = forms.IntegerField(
        label=gettext_lazy("有效期（天）"),
        min_value=1,
        max_value=365,
        initial=90,
        help_text=gettext_lazy("1 至 365 天，到期后令牌失效。"),
    )


class TokenListView(LoginRequiredMixin, FormView):
    """The user's own tokens: prefix, purpose, created, expires, last used, state; a form to make one."""

    template_name = "api/tokens.html"
    form_class = TokenForm

    def get_initial(self):
        return {"days": settings.API_TOKEN_DAYS}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            tokens=tokens.tokens_of(self.request.user)[:50],
            new_secret=kwargs.pop("new_secret", None),
            new_token=kwargs.pop("new_token", None),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            token, secret = tokens.create_token(
                self.request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ValidationError as error:
            add_to_form(form, error)
            return self.form_invalid(form)
        # Shown in this answer only (no redirect that would carry it in a message or the URL); never again.
        response = self.render_to_response(
            self.get_context_data(form=self.form_class(initial=self.get_initial()), new_secret=secret, new_token=token)
        )
        response["Cache-Control"] = "no-store"
        return response


class TokenRevokeView(LoginRequiredMixin, View):
    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, pk):
        token = ApiToken.objects.filter(pk=pk, user=request.user).first()
        if token is None:
            raise Http404("no such token of this user")
        tokens.revoke_token(token, by=request.user)
        messages.success(request, _("令牌 %(prefix)s… 已撤销") % {"prefix": token.prefix})
        return redirect("api:tokens")


# The documentation pages load their scripts from our own static files; Swagger UI and Redoc set inline styles
# at run time (and Redoc runs its search in a blob: worker), which these two pages alone allow.
DOCS_CSP = {"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]}


@method_decorator(csp_update(DOCS_CSP), name="dispatch")
class SwaggerView(SpectacularSwaggerSplitView):
    permission_classes = [AllowAny]
    template_name = "api/swagger_ui.html"
    title = gettext_lazy("创先争优活动管理平台 API")


@method_decorator(csp_update(DOCS_CSP), name="dispatch")
class RedocView(SpectacularRedocView):
    permission_classes = [AllowAny]
    template_name = "api/redoc.html"
    title = gettext_lazy("创先争优活动管理平台 API")


# Redoc's bundle shows "API docs by Redocly" with a logo it loads from the vendor's CDN, whatever the options: the
# page's CSP would refuse it (img-src 'self'). The bundle is served from the vendored file with that one address
# pointing at the portal's own icon, so the page asks no other host for anything.
REDOC_BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
REDOC_CDN_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@functools.cache
def _redoc_bundle() -> bytes:
    with open(finders.find(REDOC_BUNDLE), "rb") as bundle:
        return bundle.read().replace(REDOC_CDN_LOGO.encode(), static("favicon.svg").encode())


def redoc_bundle(request):
    response = HttpResponse(_redoc_bundle(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response
