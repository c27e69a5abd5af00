"""The organization picker's htmx partials: matches for what the user typed, and a node's children.

Both answer tree items (``orgs/_picker_items.html``) for static/js/org-picker.js. Everything comes
from the scope gateway: ``roles=`` only narrows the scope to the organizations the user may act on
with those roles, ``levels=`` marks which items may be chosen (the others can only be opened).
"""

import re

from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.views.generic import TemplateView

from .. import queries
from ..enums import OrgLevel, Role
from .mixins import RoleRequiredMixin

PICKER_LIMIT = queries.SEARCH_LIMIT
CHILDREN_LIMIT = 100
MAX_LEVEL = 16  # aria-level of a node's children, as the script asks for them (the tree is 6 deep)


def _choices(raw, allowed) -> frozenset | None:
    """A comma-separated parameter as a set of known values (unknown ones are ignored); None when absent."""
    if not raw:
        return None
    values = frozenset(part.strip() for part in str(raw).split(",")) & frozenset(allowed)
    return values or None


class PickerMixin(RoleRequiredMixin):
    template_name = "orgs/_picker_items.html"

    def dispatch(self, request, *args, **kwargs):
        self.roles = _choices(request.GET.get("roles"), Role.values)
        # Asked for roles none of which exist: nothing may be picked (never the whole scope).
        if request.GET.get("roles") and self.roles is None:
            self.roles = frozenset()
        self.levels = _choices(request.GET.get("levels"), OrgLevel.values)
        return super().dispatch(request, *args, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        """Without the request: the page's context processors (navigation, inbox) would cost queries on
        every keystroke, and these items need none of them."""
        return HttpResponse(render_to_string(self.template_name, context), **response_kwargs)

    def query_string(self) -> str:
        """What the children's URLs carry on: the filters, not the text or the level."""
        params = self.request.GET.copy()
        for name in ("q", "level"):
            params.pop(name, None)
        return params.urlencode()

    def level(self) -> int:
        """The tree level (aria-level) of the items answered: the list is flat, levels say the nesting."""
        raw = self.request.GET.get("level", "")
        return min(int(raw), MAX_LEVEL) if re.fullmatch(r"[1-9][0-9]?", raw) else 1

    def items_context(self, orgs, *, more=False, **kwargs):
        for org in queries.with_trails(self.request.user, orgs):
            org.selectable = not self.levels or org.level in self.levels
        return {"items": orgs, "more": more, "level": self.level(), "query_string": self.query_string(), **kwargs}


class OrgPickerView(PickerMixin, TemplateView):
    """``?q=``: up to 20 matches by name, code or pinyin initials, highest first; without ``q``: the
    user's top nodes, where walking the tree starts."""

    def get_context_data(self, **kwargs):
        user = self.request.user
        text = queries.search_text(self.request.GET.get("q", ""))
        if text:
            found = queries.search_orgs(user, text, roles=self.roles, levels=self.levels, limit=PICKER_LIMIT)
            return super().get_context_data(**self.items_context(found.orgs, more=found.more, searched=True), **kwargs)
        return super().get_context_data(**self.items_context(queries.top_orgs(user, self.roles)), **kwargs)


class OrgPickerChildrenView(PickerMixin, TemplateView):
    """The children of one node in the scope (404 outside it), the first 100 in tree order."""

    def get_context_data(self, **kwargs):
        user = self.request.user
        code = self.kwargs["code"]
        parent = None
        if "\x00" not in code:
            parent = queries.orgs_for(user, roles=self.roles).filter(code=code).first()
        if parent is None:
            raise Http404("no such organization in scope")
        children = list(queries.children_of(user, parent, roles=self.roles)[: CHILDREN_LIMIT + 1])
        more = len(children) > CHILDREN_LIMIT
        return super().get_context_data(**self.items_context(children[:CHILDREN_LIMIT], more=more), **kwargs)
