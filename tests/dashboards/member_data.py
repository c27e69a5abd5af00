"""党员队伍 data for the dashboard data set: 党性分析 participation, reports written by members not required to
write, the branch's ratings and its assessments of members on the 五个模范 — in this period and the last, in
three cities, with a member who moved after being rated and a draft that must not count."""

from evaluations.enums import MemberRatingLevel as L
from evaluations.enums import Source
from evaluations.models import MemberRating, PartyAnalysisParticipation, PartyAnalysisReport
from evaluations.models.reports import ReportStatus
from tests.factories.evaluations_scoring import make_assessment


def add_member_evaluations(dash):
    c, cur, prev = dash.campaign, dash.p_cur, dash.p_prev
    ma, mb, mc = dash.members[dash.branch_a], dash.members[dash.branch_b], dash.members[dash.c_rural]
    ms, mg = dash.members[dash.c_school], dash.members[dash.general_child]

    def took_part(member, day=None):
        PartyAnalysisParticipation.objects.create(
            campaign=c, member=member, org=member.org, org_path=member.org_path, took_part_on=day or dash.as_of
        )

    took_part(ma[2])  # a draft report and recorded participation: counts once
    took_part(ma[-1])  # the retired member of branch_a with an accepted report too: counts once
    took_part(mb[-1])  # retired, no report
    took_part(mc[-1])
    took_part(mg[1])
    # a retired member writes a report: written, not required
    PartyAnalysisReport.objects.create(
        campaign=c, member=mb[-2], org=mb[-2].org, org_path=mb[-2].org_path, content="自愿撰写",
        status=ReportStatus.SUBMITTED,
    )  # fmt: skip

    def rate(member, level, period=cur, org=None):
        org = org or member.org
        MemberRating.objects.create(
            period=period, member=member, org=org, org_path=org.path, level=level, reason="", rated_at=dash.as_of_dt
        )

    rate(ma[0], L.EXCELLENT)
    rate(ma[1], L.QUALIFIED)
    rate(ma[2], L.EXCELLENT)
    rate(mb[0], L.BASIC)
    rate(mb[1], L.UNQUALIFIED)
    rate(mc[0], L.EXCELLENT)
    rate(mc[1], L.QUALIFIED)
    rate(ms[0], L.QUALIFIED)
    rate(mg[0], L.EXCELLENT)
    rate(ma[3], L.EXCELLENT, period=prev)  # the last period: not counted now
    # rated by branch_a2 before he moved to c_soe: counts for branch_a2 (the organization on the row)
    rate(dash.members[dash.c_soe][0], L.QUALIFIED, org=dash.branch_a2)

    S, F, B, U = "satisfied", "fairly", "basically", "unsatisfied"
    make_assessment(cur, member=ma[0], source=Source.SUPERIOR, levels=[S, S, S, S, S])
    make_assessment(cur, member=ma[1], source=Source.SUPERIOR, levels=[S, F, S, B, F])
    make_assessment(cur, member=mb[0], source=Source.SUPERIOR, levels=[F, F, S, F, U])
    make_assessment(cur, member=mc[0], source=Source.SUPERIOR, levels=[S, S, F, S, S])
    make_assessment(cur, member=ms[0], source=Source.SUPERIOR, levels=[F, S, F, F, S])
    make_assessment(cur, member=mg[0], source=Source.SUPERIOR, levels=[B, B, B, S, B])
    make_assessment(cur, member=ma[2], source=Source.SUPERIOR, levels=S, submit=False)  # a draft
    make_assessment(cur, member=ma[2], source=Source.SELF, levels=S)  # his own: not the branch's
    make_assessment(prev, member=mc[1], source=Source.SUPERIOR, levels=S)  # the last period
