"""Import and export of organizations and members (stub: being written)."""

from django.http import HttpResponse
from django.views import View

from .mixins import RoleRequiredMixin
from ..enums import Role


class _Stub(RoleRequiredMixin, View):
    allowed_roles = {Role.ORG_DEPARTMENT}

    def get(self, request, *args, **kwargs):
        return HttpResponse("TODO")


ImportListView = TemplateDownloadView = ImportDetailView = ImportProgressView = ImportApplyView = ExportView = _Stub
