from django.core.management import call_command
from django.utils import timezone

from awards.models import AwardRound, Quota
from campaign.models import Campaign
from campaign.services.timeline import current_campaign, phase_order_on
from evaluations.models import Period


def test_demo_campaign_is_running_and_repeatable(db):
    call_command("load_demo", verbosity=0)
    call_command("demo_campaign", verbosity=0)
    call_command("demo_campaign", verbosity=0)  # a second run changes nothing
    demo = Campaign.objects.get(code="cxzy-demo")
    assert current_campaign() == demo
    assert phase_order_on(demo) == 1
    assert Campaign.objects.filter(code="cxzy-demo").count() == 1
    assert Period.objects.filter(campaign=demo).count() == 1
    # the seed's historical rounds now that the province exists, and an open demo round
    assert set(AwardRound.objects.values_list("code", flat=True)) >= {"2011-qiyi", "2012-qiyi", "demo-qiyi"}
    demo_round = AwardRound.objects.get(code="demo-qiyi")
    today = timezone.localdate()
    assert demo_round.nomination_opens <= today <= demo_round.nomination_closes
    province_quota = Quota.objects.get(
        category__award_round=demo_round, category__code="excellent_member", org__code="130000"
    )
    assert province_quota.amount == 30
    assert Quota.objects.filter(category__award_round=demo_round, org__code="130123").count() == 3
