import datetime

from django.db import migrations

PERIODS = [
    ("2010-annual", "2010年度", datetime.date(2010, 4, 1), datetime.date(2010, 12, 31)),
    ("2011-annual", "2011年度", datetime.date(2011, 1, 1), datetime.date(2011, 12, 31)),
    ("2012-annual", "2012年度（考核评议）", datetime.date(2012, 1, 1), datetime.date(2012, 11, 7)),
]


def load(apps, schema_editor):
    Period = apps.get_model("evaluations", "Period")
    campaign = apps.get_model("campaign", "Campaign").objects.filter(code="cxzy-2010").first()
    for code, name, start, end in PERIODS:
        Period.objects.get_or_create(
            code=code, defaults={"name": name, "start_date": start, "end_date": end, "campaign": campaign}
        )


def unload(apps, schema_editor):
    apps.get_model("evaluations", "Period").objects.filter(code__in=[p[0] for p in PERIODS]).delete()


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0002_seed_criteria"), ("campaign", "0002_seed_campaign")]
    operations = [migrations.RunPython(load, unload)]
