"""``demo_campaign`` refuses clearly when it cannot build: no demo province, a day that is not a date."""

import io

import pytest
from django.core.management import CommandError, call_command

from campaign.models import Campaign


def test_without_load_demo_it_says_what_to_run_and_writes_nothing(db):
    with pytest.raises(CommandError, match="请先运行 manage.py load_demo"):
        call_command("demo_campaign", "--today", "2027-02-28", stdout=io.StringIO())
    assert not Campaign.objects.filter(code="cxzy-demo").exists()


def test_a_day_that_is_not_a_date_is_refused_in_chinese(db):
    with pytest.raises(CommandError, match="日期格式应为 YYYY-MM-DD"):
        call_command("demo_campaign", "--today", "2027-02-30", stdout=io.StringIO())
