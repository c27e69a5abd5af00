"""Public pages for the masses (no login): an organization's published plan and commitments.

"并采取适当方式向群众公布，进行承诺，接受群众监督。" (seed, part 四.(一)). Members appear only by
name and post: the page is built from plain values, never from the member object, so nothing
personal (ID number, mobile, birth date) can reach the template.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View

from ..models import Commitment, FulfilmentRecord, Plan
from ..queries import plans as q


@method_decorator(login_not_required, name="dispatch")
class PublicOrgView(View):
    def get(self, request, code):
        org = q.public_org_or_404(code)
        plan = (
            Plan.objects.filter(org=org, status=Plan.Status.PUBLISHED)
            .select_related("campaign")
            .order_by("-campaign__start_date")
            .first()
        )
        published = Commitment.objects.filter(org=org, status=Commitment.Status.PUBLISHED)
        if plan is not None:
            published = published.filter(campaign=plan.campaign)
        else:
            latest = published.order_by("-campaign__start_date").values_list("campaign_id", flat=True).first()
            if latest is None:
                raise Http404("nothing published")
            published = published.filter(campaign_id=latest)
        rows = list(
            published.order_by("member_id", "published_at", "id").values(
                "id", "content", "fulfilment", "published_at", "plan_id", "member__name", "member__post"
            )
        )
        records = {}
        for r in (
            FulfilmentRecord.objects.filter(commitment_id__in=[row["id"] for row in rows])
            .order_by("date", "id")
            .values("commitment_id", "date", "description", "fulfilment")
        ):
            records.setdefault(r["commitment_id"], []).append(r)
        labels = dict(Commitment._meta.get_field("fulfilment").choices)
        org_rows, member_rows = [], []
        for row in rows:
            item = {
                "content": row["content"],
                "fulfilment": labels.get(row["fulfilment"], ""),
                "fulfilment_code": row["fulfilment"],
                "published_at": row["published_at"],
                "from_plan": row["plan_id"] is not None,
                "records": [{**r, "fulfilment": labels.get(r["fulfilment"], "")} for r in records.get(row["id"], [])],
            }
            if row["member__name"] is None:
                org_rows.append(item)
            else:
                member_rows.append({**item, "name": row["member__name"], "post": row["member__post"]})
        plan_view = None
        if plan is not None:
            plan_view = {
                "campaign": plan.campaign.name,
                "theme": plan.theme,
                "carriers": plan.carriers_text,
                "goals": plan.goals,
                "measures": plan.measures,
                "rectification": plan.rectification,
                "commitments": plan.commitments,
                "published_at": plan.published_at,
            }
        context = {
            "org_name": org.name,
            "plan": plan_view,
            "org_commitments": org_rows,
            "member_commitments": member_rows,
        }
        return render(request, "campaign/public_org.html", context)
