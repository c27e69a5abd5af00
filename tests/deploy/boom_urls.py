"""A URLconf for the error-log tests: the portal's own, plus views that fail."""

from django.http import HttpResponse
from django.urls import include, path


def boom(request, token=None):
    raise RuntimeError("内部细节 secret-detail-42")


def unavailable(request):
    return HttpResponse("暂不可用", status=503)


urlpatterns = [
    path("boom/", boom),
    path("unavailable/", unavailable),
    path("evaluations/m/<path:token>/", boom),
    path("", include("config.urls")),
]
