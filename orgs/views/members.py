"""Members: list with search and filters, detail, create, edit, transfer, full ID on demand."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from common.net import client_ip

from .. import queries, services
from ..filters import MemberFilter
from ..forms import MemberForm, MemberTransferForm, add_service_error
from ..pagination import CappedPaginator
from ..panels import member_panels
from ..validators import mask_id_number
from .mixins import RoleRequiredMixin, ScopedObjectMixin
from .tree import ancestors_of

PER_PAGE = 30


class MemberListView(RoleRequiredMixin, ListView):
    allowed_roles = queries.READ_MEMBER_ROLES
    template_name = "orgs/member_list.html"
    paginate_by = PER_PAGE
    paginator_class = CappedPaginator

    # Filters whose matches are spread over the whole tree: the page can walk the path index.
    SPREAD_FILTERS = frozenset({"q", "org", "status"})
    # Equality filters with an index of their own led by the column, then (org_path, id): one of them
    # (or a sector scope) still reads the page off an index in tree order.
    INDEXED_FILTERS = frozenset({"sector", "category"})

    def get_queryset(self):
        base = queries.members_for(self.request.user, roles=self.allowed_roles).select_related("org")
        self.filterset = MemberFilter(self.request.GET or None, queryset=base)
        queryset = self.filterset.qs if self.filterset.is_bound else base
        if self._tree_order_by_index():
            queryset = queries.members_in_tree_order(queryset)
        return queryset

    def _tree_order_by_index(self):
        """True when an index yields the page in tree order: the matches are spread over the tree, or
        picked by one equality column that leads an index followed by (org_path, id) — the sector
        (``member_sector_orgpath_id``, also for a one-sector scope) or the category
        (``member_category_orgpath_id``). Otherwise (kind, or sector and category together) the
        matches may cluster in one corner of the tree and the plain sorted order is kept."""
        scope = [a for a in queries.assignments(self.request.user) if a.role in self.allowed_roles]
        leading = set()
        if any(a.sector for a in scope):
            if len(scope) > 1:
                return False  # an OR of scopes: no single index range
            leading.add("sector")
        if self.filterset.is_bound:
            data = self.filterset.form.cleaned_data if self.filterset.form.is_valid() else {}
            for name, value in data.items():
                if not value or name in self.SPREAD_FILTERS:
                    continue
                if name not in self.INDEXED_FILTERS:
                    return False
                leading.add(name)
        return len(leading) <= 1

    def get_paginator(self, queryset, per_page, **kwargs):
        known = None
        if not self.filterset.is_filtered:
            scope = [a for a in queries.assignments(self.request.user) if a.role in self.allowed_roles]
            if not any(a.sector for a in scope):
                known = sum(o.subtree_members for o in queries.top_orgs(self.request.user, self.allowed_roles))
        return CappedPaginator(queryset, per_page, known_count=known, **kwargs)

    def get_context_data(self, **kwargs):
        params = self.request.GET.copy()
        params.pop("page", None)
        return super().get_context_data(
            filter=self.filterset,
            query=params.urlencode(),
            can_manage=queries.has_role(self.request.user, queries.MANAGE_ROLES),
            **kwargs,
        )


class MemberScopedMixin(ScopedObjectMixin):
    allowed_roles = queries.READ_MEMBER_ROLES

    def get_scoped_object(self):
        return queries.get_member_or_404(self.request.user, self.kwargs["pk"])

    def check_role(self, member):
        if not queries.covers_member(self.request.user, member, self.allowed_roles):
            raise PermissionDenied


class MemberDetailView(MemberScopedMixin, TemplateView):
    template_name = "orgs/member_detail.html"

    def get_context_data(self, **kwargs):
        member = self.object
        user = self.request.user
        can_manage = queries.can_manage(user, member.org)
        changes = []
        if can_manage:
            records = list(member.history.select_related("history_user").order_by("-history_date", "-history_id")[:51])
            for newer, older in zip(records, records[1:], strict=False):
                delta = newer.diff_against(older)
                changes.append(
                    {
                        "record": newer,
                        "changes": [
                            {
                                "field": member._meta.get_field(c.field).verbose_name,
                                "old": mask_id_number(c.old) if c.field == "id_number" else c.old,
                                "new": mask_id_number(c.new) if c.field == "id_number" else c.new,
                            }
                            for c in delta.changes
                        ],
                    }
                )
            if records:
                changes.append({"record": records[-1], "changes": [], "created": len(records) <= 50})
        return super().get_context_data(
            member=member,
            ancestors=ancestors_of(member.org) + [member.org],
            can_manage=can_manage,
            can_see_full_id=queries.can_see_full_id(user, member),
            changes=changes,
            panels=member_panels.render(self.request, member),
            **kwargs,
        )


class MemberIdNumberView(MemberScopedMixin, View):
    """POST: show the full ID number to org_department in scope; every view is audited."""

    allowed_roles = queries.MANAGE_ROLES

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, *args, **kwargs):
        services.record_id_view(request.user, member=self.object, purpose="detail", ip=client_ip(request))
        return render(request, "orgs/_id_number.html", {"member": self.object})


class MemberCreateView(RoleRequiredMixin, FormView):
    allowed_roles = queries.MANAGE_ROLES
    template_name = "orgs/member_form.html"
    form_class = MemberForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"org_code": self.request.GET.get("org", "")}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        org = data.pop("org_code")
        try:
            with transaction.atomic():
                member = services.create_member(org, by=self.request.user, **data)
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        except IntegrityError:
            form.add_error("id_number", _("该身份证号已登记，不能重复录入"))
            return self.form_invalid(form)
        messages.success(self.request, _("已添加党员%(name)s") % {"name": member.name})
        return redirect("orgs:member_detail", pk=member.pk)


class MemberEditView(MemberScopedMixin, FormView):
    allowed_roles = queries.MANAGE_ROLES
    template_name = "orgs/member_form.html"
    form_class = MemberForm

    def get(self, request, *args, **kwargs):
        # The edit form shows the full ID number: that is a full view, audited.
        services.record_id_view(request.user, member=self.object, purpose="edit", ip=client_ip(request))
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(member=self.object, ancestors=ancestors_of(self.object.org), **kwargs)

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name != "version"}
        if not fields:
            messages.info(self.request, _("没有修改任何内容"))
            return redirect("orgs:member_detail", pk=self.object.pk)
        try:
            services.update_member(
                queries.get_member_or_404(self.request.user, self.object.pk),
                by=self.request.user,
                fields=fields,
                expected_version=form.cleaned_data.get("version"),
            )
        except services.StaleEdit:
            form.add_error(
                None,
                _(
                    "保存失败：该党员信息在您编辑期间已被他人修改。请打开新窗口查看最新内容后重新填写，您的修改尚未保存。"
                ),
            )
            return self.form_invalid(form)
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        except IntegrityError:
            form.add_error("id_number", _("该身份证号已登记，不能重复录入"))
            return self.form_invalid(form)
        messages.success(self.request, _("党员信息已保存"))
        return redirect("orgs:member_detail", pk=self.object.pk)


class MemberTransferView(MemberScopedMixin, FormView):
    allowed_roles = queries.MANAGE_ROLES
    template_name = "orgs/member_transfer.html"
    form_class = MemberTransferForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "member": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(member=self.object, ancestors=ancestors_of(self.object.org), **kwargs)

    def form_valid(self, form):
        to_org = form.cleaned_data["to_org"]
        services.transfer_member(self.object, to_org, by=self.request.user, reason=form.cleaned_data["reason"])
        messages.success(
            self.request,
            _("%(name)s 的组织关系已转入“%(org)s”") % {"name": self.object.name, "org": to_org.name},
        )
        return redirect("orgs:member_detail", pk=self.object.pk)
