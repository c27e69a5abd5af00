from django.db import migrations


def load(apps, schema_editor):
    from campaign.seed import load_seed_campaign

    load_seed_campaign(apps.get_model("campaign", "Campaign"), apps.get_model("campaign", "Phase"),
                       apps.get_model("campaign", "Milestone"))


def unload(apps, schema_editor):
    apps.get_model("campaign", "Campaign").objects.filter(code="cxzy-2010").delete()


class Migration(migrations.Migration):
    dependencies = [("campaign", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
