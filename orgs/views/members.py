"""Members: list with search and filters, detail, create, edit, transfer, full ID on demand."""

import re
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from common.errors import DomainError
from common.net import client_ip
from common.views import ServiceFormView

from .. import queries, services
from ..filters import MemberFilter
from ..forms.records import MemberForm, MemberTransferForm
from ..models import Member
from ..pagination import SURELY_LARGE, exact_count_limit
from ..panels import member_panels
from ..validators import mask_id_number
from .mixins import RoleRequiredMixin, ScopedObjectMixin
from .tree import ancestors_of

PER_PAGE = 30
DUPLICATE_ID_NUMBER = gettext_lazy("该身份证号已登记，不能重复录入")
# Matches that fewer than one member in SPARSE of the scope are sparse: walking the tree order could pass most
# of the subtree before the 30th, so they are found (by the name's GIN index, pg_trgm or — for two characters —
# the name's characters; or whichever index the planner likes for a counted combination) and sorted instead.
SPARSE = 1_000
# An estimate SURELY_LARGE (orgs.pagination) times the exact-count limit is taken as it is ("约 N 人") without
# counting; below it the list is counted up to the limit first: the planner's estimate of a combination can be far
# off (it cannot know that no 离退休 member is 36 to 45), and the count tells whether the matches are sparse.
# ``?page=N`` (links from before keyset pagination, bookmarks) is read with an offset, up to here.
MAX_OFFSET_PAGE = 100
CURSOR = re.compile(r"^([0-9A-Z]{1,255})\.([0-9]{1,18})$")


def rounded(n: int) -> int:
    """An estimate to two significant digits (38,093 → 38,000): it is no more precise than that."""
    digits = len(str(n)) - 2
    return round(n, -digits) if digits > 0 else n


@dataclass(frozen=True)
class MemberCount:
    """How many members the list has: ``exact``, ``estimated`` (the planner's estimate, shown as "约 N 人")
    or ``at_least`` (more than the exact-count limit, which the estimate did not foresee)."""

    value: int
    kind: str = "exact"

    @property
    def exact(self) -> bool:
        return self.kind == "exact"

    @property
    def estimated(self) -> bool:
        return self.kind == "estimated"


@dataclass
class KeysetPage:
    """One page of members in tree order and where the pages before and after it start."""

    rows: list
    has_previous: bool
    has_next: bool
    first: bool

    @property
    def previous_cursor(self) -> str:
        return f"{self.rows[0].org_path}.{self.rows[0].pk}" if self.rows else ""

    @property
    def next_cursor(self) -> str:
        return f"{self.rows[-1].org_path}.{self.rows[-1].pk}" if self.rows else ""


def _cursor(value):
    match = CURSOR.match(value or "")
    return (match.group(1), int(match.group(2))) if match else None


def _labelled(rows: list) -> list:
    """Each row with its labels (``gender_label`` …): ``get_FOO_display`` builds a dict of every choice per call,
    90 calls a page (bench/README.md, 党员列表)."""
    labels = {
        name: {value: str(label) for value, label in Member._meta.get_field(name).flatchoices}
        for name in ("gender", "status", "category")
    }
    for row in rows:
        row.gender_label = labels["gender"].get(row.gender, row.gender)
        row.status_label = labels["status"].get(row.status, row.status)
        row.category_label = labels["category"].get(row.category, row.category)
    return rows


def _rows(ids, *, reverse=False) -> list:
    """The members whose ids ``ids`` (a sliced subquery) selects, with their organizations, in tree order.

    The subquery reads only index columns: the filters are checked on the covering index's entries, and only
    the 31 rows of the page are fetched from the table (PostgreSQL's index scans check a filter after
    fetching the row; the index-only scan of the subquery checks it on the entry)."""
    rows = queries.members_in_tree_order(Member.objects.filter(pk__in=ids).select_related("org"), reverse=reverse)
    return _labelled(list(rows))


def read_page(queryset, params, *, by_index=True) -> KeysetPage:
    """The page the parameters ask for: ``before`` / ``after`` a row (keyset), ``page=N`` (offset, N ≤ 100),
    else the first: one query. ``by_index=False`` for a rare match (``members_in_tree_order``)."""
    before, after = _cursor(params.get("before")), _cursor(params.get("after"))
    if before:
        ids = queries.members_in_tree_order(queries.members_before(queryset, *before), reverse=True, by_index=by_index)
        rows = _rows(ids.values("pk")[: PER_PAGE + 1], reverse=True)
        rows.reverse()
        return KeysetPage(rows[-PER_PAGE:], has_previous=len(rows) > PER_PAGE, has_next=True, first=False)
    if after:
        ids = queries.members_in_tree_order(queries.members_after(queryset, *after), by_index=by_index)
        rows = _rows(ids.values("pk")[: PER_PAGE + 1])
        return KeysetPage(rows[:PER_PAGE], has_previous=True, has_next=len(rows) > PER_PAGE, first=False)
    number = params.get("page") or "1"
    if not number.isdigit() or not 1 <= int(number) <= MAX_OFFSET_PAGE:
        raise Http404("no such page")
    offset = (int(number) - 1) * PER_PAGE
    ids = queries.members_in_tree_order(queryset, by_index=by_index).values("pk")[offset : offset + PER_PAGE + 1]
    rows = _rows(ids)
    return KeysetPage(rows[:PER_PAGE], has_previous=offset > 0, has_next=len(rows) > PER_PAGE, first=offset == 0)


class MemberListView(RoleRequiredMixin, TemplateView):
    """党员: the members in the user's scope, filtered, a page at a time in tree order.

    Queries: (the user's roles, the tier period,) on PostgreSQL the planner's estimate (``EXPLAIN``) and — unless
    the list is unfiltered (the roll-ups hold its size) or surely larger than the exact-count limit — a count
    capped at the limit (in a transaction of its own); then the page, unless the count found nobody. On SQLite
    an exact count and the page.
    """

    allowed_roles = queries.READ_MEMBER_ROLES
    template_name = "orgs/member_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        params = self.request.GET
        base = queries.members_for(user, roles=self.allowed_roles)
        filters = {k: v for k, v in params.items() if k not in ("page", "after", "before")}
        filterset = MemberFilter(filters or None, queryset=base, user=user)
        queryset = filterset.qs if filterset.is_bound else base
        scope = [a for a in queries.assignments(user) if a.role in self.allowed_roles]
        count = estimate = None
        if filterset.is_bound and not filterset.form.is_valid():
            count = MemberCount(0)  # the errors are shown at the fields; the list is empty
        elif not filterset.is_filtered and not any(a.sector for a in scope):
            # The roll-ups hold the size of an unfiltered list (the user's highest nodes).
            count = MemberCount(sum(o.subtree_members for o in queries.top_orgs(user, self.allowed_roles)))
        else:
            estimate = queries.estimate_members(queryset)
        # The first digits of ID numbers pick members of one area, one corner of the tree: find and sort them.
        name, by_index = filterset.name_query, not filterset.id_prefix
        scope_size = getattr(filterset, "scope_size", None) or sum(
            o.subtree_members for o in queries.top_orgs(user, self.allowed_roles)
        )
        if estimate is not None and name and estimate * SPARSE < scope_size:
            # A rare name: the planner prices a LIKE on Chinese text far too cheaply to see that walking is slow.
            by_index = False
            if len(name) == 2:  # no trigram in two characters: the characters' index finds them
                queryset = queryset.filter(queries.name_has_chars(name))
        limit = exact_count_limit()
        counted = None
        if count is not None:
            pass
        elif estimate is None:
            count = MemberCount(queryset.count())  # SQLite: exact
        elif estimate > limit and (name or estimate > limit * SURELY_LARGE):
            # Surely above the limit (a name's estimate rests on its histogram): no count, the estimate.
            count = MemberCount(rounded(estimate), "estimated")
        else:
            counted = queries.count_members(queryset, limit)
            if counted <= limit:
                count = MemberCount(counted)
            elif estimate > limit:
                count = MemberCount(rounded(estimate), "estimated")
            else:
                count = MemberCount(limit, "at_least")  # more than the estimate foresaw
        if count.exact and count.value == 0:
            page = KeysetPage([], has_previous=False, has_next=False, first=True)  # counted: nobody to read
        else:
            if counted is not None and counted * SPARSE < scope_size:
                by_index = False  # sparse, counted
            page = read_page(queryset, params, by_index=by_index)
        if page.first and not page.has_next and not count.exact:
            count = MemberCount(len(page.rows))  # the whole list is on this page: no estimate needed
        query = params.copy()
        for key in ("page", "after", "before"):
            query.pop(key, None)
        return super().get_context_data(
            filter=filterset,
            object_list=page.rows,
            page=page,
            count=count,
            exact_count_limit=limit,
            query=query.urlencode(),
            can_manage=queries.has_role(user, queries.MANAGE_ROLES),
            **kwargs,
        )


class MemberScopedMixin(ScopedObjectMixin):
    allowed_roles = queries.READ_MEMBER_ROLES
    fetch = staticmethod(queries.get_member_or_404)

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


class MemberCreateView(RoleRequiredMixin, ServiceFormView):
    allowed_roles = queries.MANAGE_ROLES
    template_name = "orgs/member_form.html"
    form_class = MemberForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"org_code": self.request.GET.get("org", "")}

    def get_cancel_url(self):
        return reverse("orgs:member_list")

    def perform(self, data):
        data = dict(data)
        org = data.pop("org_code")
        try:
            with transaction.atomic():
                return services.create_member(org, by=self.request.user, **data)
        except IntegrityError:
            raise DomainError(DUPLICATE_ID_NUMBER, field="id_number") from None

    def get_success_message(self, member):
        return _("已添加党员%(name)s") % {"name": member.name}

    def get_success_url(self, member=None):
        return reverse("orgs:member_detail", args=[member.pk])


class MemberEditView(MemberScopedMixin, ServiceFormView):
    allowed_roles = queries.MANAGE_ROLES
    refusal_stale_status = 200  # the member form has always answered a stale edit on the page itself (tests/orgs)
    template_name = "orgs/member_form.html"
    form_class = MemberForm
    success_message = gettext_lazy("党员信息已保存")

    def get(self, request, *args, **kwargs):
        # The edit form shows the full ID number: that is a full view, audited.
        services.record_id_view(request.user, member=self.object, purpose="edit", ip=client_ip(request))
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(member=self.object, ancestors=ancestors_of(self.object.org), **kwargs)

    def get_cancel_url(self):
        return reverse("orgs:member_detail", args=[self.object.pk])

    def changed_fields(self, form) -> dict:
        return {name: form.cleaned_data[name] for name in form.changed_data if name != "version"}

    def form_valid(self, form):
        if not self.changed_fields(form):
            messages.info(self.request, _("没有修改任何内容"))
            return redirect(self.get_success_url())
        return super().form_valid(form)

    def perform(self, data):
        try:
            return services.update_member(
                queries.get_member_or_404(self.request.user, self.object.pk),
                by=self.request.user,
                fields=self.changed_fields(self.form),
                expected_version=data.get("version"),
            )
        except IntegrityError:
            raise DomainError(DUPLICATE_ID_NUMBER, field="id_number") from None

    def get_success_url(self, member=None):
        return self.get_cancel_url()


class MemberTransferView(MemberScopedMixin, ServiceFormView):
    allowed_roles = queries.MANAGE_ROLES
    template_name = "orgs/member_transfer.html"
    form_class = MemberTransferForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "member": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(member=self.object, ancestors=ancestors_of(self.object.org), **kwargs)

    def get_cancel_url(self):
        return reverse("orgs:member_detail", args=[self.object.pk])

    def perform(self, data):
        return services.transfer_member(self.object, data["to_org"], by=self.request.user, reason=data["reason"])

    def get_success_message(self, member):
        return _("%(name)s 的组织关系已转入“%(org)s”") % {"name": member.name, "org": member.org.name}

    def get_success_url(self, member=None):
        return self.get_cancel_url()
