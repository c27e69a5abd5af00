from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from api.exceptions import api_or_page_404, api_or_page_500
from common.health import healthz, readyz
from orgs.views.accounts import HomeView, PortalLoginView


def favicon(request):
    """Browsers ask every site for /favicon.ico, whatever the page links: send them to the vendored icon (its
    hashed name in production, so no 404 in the logs)."""
    return redirect(static("favicon.ico"))


urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("favicon.ico", favicon, name="favicon"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("accounts/login/", PortalLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("", include("orgs.urls")),
    path("campaign/", include("campaign.urls")),
    path("evaluations/", include("evaluations.urls")),
    path("awards/", include("awards.urls")),
    path("", include("masswork.urls")),
    path("accountability/", include("accountability.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("jobs/", include("common.urls")),
    path("", include("workbench.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]

# Under /api/ errors are problem details (api/exceptions.py); elsewhere Django's pages (templates/404.html …).
handler404 = api_or_page_404
handler500 = api_or_page_500
