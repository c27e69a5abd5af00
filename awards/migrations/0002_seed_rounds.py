from django.db import migrations


def load(apps, schema_editor):
    from awards.seed import load_seed_calendar, load_seed_rounds

    load_seed_calendar(apps.get_model("awards", "CalendarDay"))
    load_seed_rounds(
        apps.get_model("awards", "AwardRound"),
        apps.get_model("awards", "AwardCategory"),
        apps.get_model("orgs", "Org"),
        apps.get_model("campaign", "Campaign"),
    )


class Migration(migrations.Migration):
    dependencies = [("awards", "0001_initial"), ("campaign", "0002_seed_campaign")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
