"""一定三有: the items (set by the province's or a county's 组织部), the villages × items page of a node with its
counts, one village's items, and recording a village's state on an item.

"深化“一定三有”机制" (seed, part 四.(二).5): the seed names the mechanism, not its items — they are data.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView

from campaign.services.attachments import attachments_of
from common.views import ServiceFormView
from orgs.views.mixins import PagedMixin, RoleRequiredMixin, ScopedObjectMixin

from .. import forms, services
from .. import queries as aq
from ..models import MeasureStatus
from .common import cleaned, top_node


class ItemListView(RoleRequiredMixin, ListView):
    """The items the user reads: those of its subtree and those set above it."""

    allowed_roles = aq.READ_ROLES
    template_name = "accountability/item_list.html"

    def get_queryset(self):
        return aq.items_for(self.request.user).select_related("scope").order_by("scope_path", "order", "id")

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(can_define=aq.item_scopes(user).exists(), **kwargs)
        for item in context["object_list"]:
            item.editable = aq.can_define_items(user, item.scope)
        return context


class ItemCreateView(RoleRequiredMixin, ServiceFormView):
    allowed_roles = aq.ITEM_ROLES
    template_name = "common/form.html"
    title = gettext_lazy("设定一定三有条目")

    def get_form(self, form_class=None):
        return forms.ItemForm(**self.get_form_kwargs(), user=self.request.user)

    def get_cancel_url(self):
        return reverse("accountability:item_list")

    def perform(self, data):
        fields = {name: data[name] for name in ("title", "description", "order")}
        return services.define_item(data["scope"], by=self.request.user, **fields)

    def get_success_message(self, item):
        return _("已设定条目“%(title)s”") % {"title": item.title}

    def get_success_url(self, item):
        return reverse("accountability:item_list")


class ItemEditView(ScopedObjectMixin, ServiceFormView):
    template_name = "common/form.html"
    fetch = staticmethod(aq.get_item_or_404)
    success_message = gettext_lazy("已保存修改")

    def check_role(self, item):
        if not aq.can_define_items(self.request.user, item.scope):
            raise PermissionDenied

    def get_form(self, form_class=None):
        return forms.ItemForm(**self.get_form_kwargs(), instance=self.object, user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("修改条目：%(title)s") % {"title": self.object.title}, org=self.object.scope, **kwargs
        )

    def get_cancel_url(self):
        return reverse("accountability:item_list")

    def perform(self, data):
        fields = {name: data[name] for name in ("title", "description", "order", "active")}
        return services.update_item(self.object, by=self.request.user, **fields)

    def get_success_url(self, item):
        return reverse("accountability:item_list")


class GridView(PagedMixin, RoleRequiredMixin, ListView):
    """The villages under a node × the items that apply to all of them, with per-item counts on top and, per
    village, all its items in place (including items a county set for its own villages)."""

    allowed_roles = aq.READ_ROLES
    template_name = "accountability/grid.html"

    def get_queryset(self):
        user = self.request.user
        params = self.request.GET or None
        # The node first (the items offered depend on it), then the whole filter.
        probe = forms.GridFilterForm(params, user=user, items=[])
        node = probe.cleaned_data.get("org") if probe.is_bound and "org" not in probe.errors else None
        self.node = node or top_node(user)
        self.items_under = aq.items_under(self.node)
        self.columns = list(aq.items_covering(self.node))
        self.filter_form = forms.GridFilterForm(params, user=user, items=self.items_under)
        data = cleaned(self.filter_form)
        qs = aq.villages_under(user, self.node).order_by("path")
        if data is None:
            return qs.none()
        item_pk, status = data.get("item"), data.get("status")
        if item_pk and status:
            item = next(i for i in self.items_under if i.pk == item_pk)
            qs = aq.filter_by_state(qs.filter(path__startswith=item.scope_path), item, status)
        return qs

    def get_context_data(self, **kwargs):
        counts = aq.measure_counts(self.request.user, self.node, self.columns)
        context = super().get_context_data(
            filter_form=self.filter_form,
            node=self.node,
            columns=self.columns,
            counts=counts,
            column_counts=[counts[item.pk] for item in self.columns],
            statuses=MeasureStatus,
            **kwargs,
        )
        page = list(context["object_list"])
        states = aq.village_states([v.pk for v in page], self.items_under)
        rows = []
        for village in page:
            applicable = [i for i in self.items_under if aq.applies(i, village)]
            cells = [states.get((village.pk, item.pk)) for item in self.columns]
            done = sum(
                1 for i in applicable if getattr(states.get((village.pk, i.pk)), "status", "") == MeasureStatus.DONE
            )
            rows.append({"village": village, "cells": cells, "applicable": len(applicable), "done": done})
        context["rows"] = rows
        return context


class VillageView(RoleRequiredMixin, TemplateView):
    """One village: every item that applies to it, its state, evidence and files."""

    allowed_roles = aq.READ_ROLES
    template_name = "accountability/village.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        village = aq.get_village_or_404(user, self.kwargs["code"])
        if not aq.can_read(user, village):
            raise PermissionDenied
        items = list(aq.items_covering(village))
        states = aq.village_states([village.pk], items)
        rows = []
        for item in items:
            state = states.get((village.pk, item.pk))
            rows.append({"item": item, "state": state, "files": list(attachments_of(state)) if state else []})
        return super().get_context_data(
            village=village,
            rows=rows,
            done=sum(1 for r in rows if r["state"] and r["state"].status == MeasureStatus.DONE),
            can_record=aq.can_record_measure(user, village),
            **kwargs,
        )


class MeasureRecordView(RoleRequiredMixin, ServiceFormView):
    """Record a village's state on one item (the village's secretary, or the 组织部 / township above it)."""

    allowed_roles = aq.MEASURE_WRITE_ROLES
    template_name = "accountability/measure_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.village = aq.get_village_or_404(request.user, kwargs["code"])
            self.item = aq.get_item_or_404(request.user, kwargs["item"])
            if not aq.applies(self.item, self.village):
                raise Http404("item does not apply")
            if not aq.can_record_measure(request.user, self.village):
                raise PermissionDenied
            self.state = self.village.measure_states.filter(item=self.item).first()
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return forms.MeasureForm(**self.get_form_kwargs())

    def get_initial(self):
        if self.state is None:
            return {"status": MeasureStatus.PENDING}
        return {"status": self.state.status, "evidence": self.state.evidence}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            village=self.village,
            item=self.item,
            files=list(attachments_of(self.state)) if self.state else [],
            **kwargs,
        )

    def get_cancel_url(self):
        return reverse("accountability:village", args=[self.village.code])

    def perform(self, data):
        fields = {name: data[name] for name in ("status", "evidence", "files")}
        return services.record_measure(self.village, self.item, by=self.request.user, **fields)

    def get_success_message(self, state):
        return _("已填报“%(title)s”的落实情况") % {"title": self.item.title}

    def get_success_url(self, state):
        return reverse("accountability:village", args=[self.village.code])
