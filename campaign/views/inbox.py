"""The in-app inbox (站内信): one's own messages only; opening one marks it read and shows it whole, with a button
to the page it is about."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from common.views import ServiceActionView
from orgs.views.mixins import PagedMixin

from ..services import inbox as services


def safe_local_url(url: str) -> str:
    """``url`` if it is a path on this site ("/campaign/…"), else "" — never an open redirect."""
    url = (url or "").strip()
    if not url.startswith("/") or url.startswith("//") or "\\" in url:
        return ""
    return url if url_has_allowed_host_and_scheme(url, allowed_hosts=set(), require_https=False) else ""


class InboxView(LoginRequiredMixin, PagedMixin, ListView):
    template_name = "campaign/inbox_list.html"

    def get_queryset(self):
        return services.notifications_for(self.request.user)


class InboxOpenView(LoginRequiredMixin, TemplateView):
    """Marks the message read and shows it: a digest lists several items and ends with what to do, which a jump
    straight to the first item's page would hide. Its link (a local one only) is the page's button."""

    template_name = "campaign/inbox_detail.html"

    def get(self, request, *args, **kwargs):
        note = get_object_or_404(services.notifications_for(request.user), pk=kwargs["pk"])
        services.mark_read(note)
        return self.render_to_response(self.get_context_data(note=note, target=safe_local_url(note.url)))


class InboxReadAllView(LoginRequiredMixin, ServiceActionView):
    def perform(self):
        return services.mark_all_read(self.request.user)

    def get_success_message(self, n):
        return _("已将%(n)d条消息标为已读") % {"n": n}

    def get_success_url(self):
        return reverse("campaign:inbox")
