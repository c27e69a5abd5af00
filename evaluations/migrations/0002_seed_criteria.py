from django.db import migrations


def load(apps, schema_editor):
    from evaluations.seed import load_seed_criteria

    load_seed_criteria(apps.get_model("evaluations", "CriteriaSet"), apps.get_model("evaluations", "Criterion"))


def unload(apps, schema_editor):
    apps.get_model("evaluations", "CriteriaSet").objects.filter(
        owner_org=None, code__in=["five-good", "five-models", "five-leads"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
