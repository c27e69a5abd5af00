"""The API's reads of results: tiers per period (``evaluations.queries.scoring``), award rounds, nominations and
the commendation list (``awards.queries.nominations`` / ``documents``), each with the page's scope and
role: outside the scope → 404, wrong role inside it → 403."""

from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from awards.models import Nomination
from awards.queries import documents as queries_documents
from awards.queries import nominations as queries_nominations
from awards.services.nominations import final_list
from evaluations.enums import TierLevel
from evaluations.queries import scoring as queries_scoring
from orgs import queries
from orgs.enums import Sector

from ..pagination import invalid_cursor
from ..serializers import work as w
from .core import MAX_FILTER_CHARS, PATH, IdPages, KeyPages, PortalAPIView, cursor_id
from .work import get_period

# --- tiers ----------------------------------------------------------------------------------------


@extend_schema(tags=[gettext_lazy("考核评议")])
class TierListView(KeyPages, PortalAPIView):
    """The tier of each organization in scope for a period, as the tier page (书记, 组织部, 领导小组, 行业主管)."""

    allowed_roles = queries_scoring.READ_ROLES
    serializer_class = w.TierSerializer

    key = "org__path"

    @extend_schema(
        summary=gettext_lazy("考核期间的档次"),
        operation_id="tiers_list",
        description=gettext_lazy("该期间您范围内各组织的档次（先进、中间、后进；调整后的为准），按组织树顺序。"),
        parameters=[
            OpenApiParameter("tier", OpenApiTypes.STR, enum=TierLevel.values, description=gettext_lazy("只看一个档次")),
            OpenApiParameter("sector", OpenApiTypes.STR, enum=Sector.values, description=gettext_lazy("只看一个领域")),
            OpenApiParameter(
                "org", {"type": "string", "maxLength": MAX_FILTER_CHARS}, description=gettext_lazy("组织编码（含下级）")
            ),
        ],
        responses=w.TierSerializer(many=True),
    )
    def get(self, request, code):
        period = get_period(code)
        tiers = queries_scoring.tiers_for(request.user).filter(period=period).select_related("org", "period")
        tier = self.choice_param(
            "tier", TierLevel.values, _("档次应为 %(v)s 之一") % {"v": "、".join(TierLevel.values)}
        )
        if tier:
            tiers = tiers.filter(eff=tier)
        sector = self.choice_param("sector", Sector.values, _("没有这个领域"))
        if sector:
            tiers = tiers.filter(org__sector=sector)
        org = self.org_param("org")
        if org is not None:
            tiers = tiers.filter(org__path__startswith=org.path)
        return self.paged(tiers, w.TierSerializer)


# --- award rounds and nominations -----------------------------------------------------------------


class RoundScoped(PortalAPIView):
    """A round by its code: 404 outside the user's reach, 403 for a role that may not read it (the round pages)."""

    allowed_roles = queries_nominations.READ_ROLES

    def get_round(self, code):
        award_round = queries_nominations.get_round_or_404(self.request.user, code)
        self.check_role(award_round)
        return award_round

    def check_role(self, award_round):
        if (
            not queries_nominations.rounds_for(self.request.user, roles=self.allowed_roles)
            .filter(pk=award_round.pk)
            .exists()
        ):
            raise PermissionDenied(_("您的角色不能查看该表彰轮次"))


@extend_schema(tags=[gettext_lazy("评选表彰")])
class RoundListView(IdPages, RoundScoped):
    serializer_class = w.AwardRoundSerializer

    @extend_schema(
        summary=gettext_lazy("表彰轮次"),
        operation_id="award_rounds_list",
        description=gettext_lazy("您所在组织之上或之下的表彰轮次（与评选表彰页面相同）。"),
        responses=w.AwardRoundSerializer(many=True),
    )
    def get(self, request):
        rounds = queries_nominations.rounds_for(request.user).select_related("owner_org", "campaign")
        return self.paged(rounds, w.AwardRoundSerializer)


@extend_schema(tags=[gettext_lazy("评选表彰")])
class RoundDetailView(RoundScoped):
    serializer_class = w.AwardRoundSerializer
    pagination_class = None

    @extend_schema(
        summary=gettext_lazy("表彰轮次"),
        operation_id="award_rounds_retrieve",
        description=gettext_lazy("一个表彰轮次的安排。"),
    )
    def get(self, request, code):
        return Response(w.AwardRoundSerializer(self.get_round(code)).data)


@extend_schema(tags=[gettext_lazy("评选表彰")])
class NominationListView(IdPages, RoundScoped):
    serializer_class = w.NominationSerializer

    @extend_schema(
        summary=gettext_lazy("推荐列表"),
        operation_id="award_rounds_nominations",
        description=gettext_lazy("该轮次中由您范围内的组织作出的推荐及其状态（与推荐列表页面相同）。"),
        parameters=[
            OpenApiParameter(
                "status", OpenApiTypes.STR, enum=Nomination.Status.values, description=gettext_lazy("只看一种状态")
            )
        ],
        responses=w.NominationSerializer(many=True),
    )
    def get(self, request, code):
        award_round = self.get_round(code)
        rows = queries_nominations.nomination_list(request.user, award_round).select_related("award_round")
        status = self.choice_param(
            "status", Nomination.Status.values, _("状态应为 %(v)s 之一") % {"v": "、".join(Nomination.Status.values)}
        )
        if status:
            rows = rows.filter(status=status)
        return self.paged(rows, w.NominationSerializer)


@extend_schema(tags=[gettext_lazy("评选表彰")])
class NominationDetailView(PortalAPIView):
    allowed_roles = queries_nominations.READ_ROLES
    serializer_class = w.NominationSerializer
    pagination_class = None

    @extend_schema(
        summary=gettext_lazy("推荐"),
        operation_id="nominations_retrieve",
        description=gettext_lazy("一条推荐及其状态。"),
    )
    def get(self, request, pk):
        nomination = queries_nominations.get_nomination_or_404(request.user, pk)
        if not queries.covers(request.user, nomination.nominating_org, queries_nominations.READ_ROLES):
            raise PermissionDenied(_("您的角色不能查看该推荐"))
        return Response(w.NominationSerializer(nomination).data)


LAST = "~"  # after every path character (0-9, A-Z): a nominee without a city comes last, as in the decision


@extend_schema(tags=[gettext_lazy("评选表彰")])
class CommendedListView(RoundScoped):
    """The commendation list of a round (approved nominations) in the decision's order: city, category, name."""

    allowed_roles = queries_documents.DECISION_READ_ROLES
    serializer_class = w.CommendedSerializer

    def check_role(self, award_round):
        if not queries_documents.can_read_decision(self.request.user, award_round):
            raise PermissionDenied(_("只有组织部门和领导小组可以查看表彰名单"))

    def order_rows(self, queryset):
        return queryset.annotate(city_key=Coalesce(F("city__path"), Value(LAST))).order_by(
            "city_key", "category__order", "nominee_name", "id"
        )

    def rows_after(self, queryset, cursor):
        if (
            len(cursor) != 4
            or not isinstance(cursor[0], str)
            or not (cursor[0] == LAST or PATH.match(cursor[0]))
            or type(cursor[1]) is not int
            or not isinstance(cursor[2], str)
            or len(cursor[2]) > 100
        ):
            raise invalid_cursor()
        city, order, name, pk = cursor[0], cursor[1], cursor[2], cursor_id(cursor[3:])
        return queryset.filter(
            Q(city_key__gt=city)
            | Q(city_key=city, category__order__gt=order)
            | Q(city_key=city, category__order=order, nominee_name__gt=name)
            | Q(city_key=city, category__order=order, nominee_name=name, id__gt=pk)
        )

    def cursor_of(self, row):
        return [row.city_key, row.category.order, row.nominee_name, row.pk]

    @extend_schema(
        summary=gettext_lazy("表彰名单"),
        operation_id="award_rounds_commended",
        description=gettext_lazy(
            "该轮次已批准表彰的对象，与表彰决定所附名单相同的顺序（市、类别、姓名）；组织部门和领导小组可看。"
        ),
        responses=w.CommendedSerializer(many=True),
    )
    def get(self, request, code):
        award_round = self.get_round(code)
        return self.paged(final_list(award_round), w.CommendedSerializer)
