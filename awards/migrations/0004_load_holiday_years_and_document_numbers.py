import re

from django.db import migrations


def load(apps, schema_editor):
    """The State Council's holiday schedules of 2004—2026 (chinese-calendar) as complete years, and the
    issuer, year and serial of every decision already written (a repeated number keeps no parts)."""
    from awards.holiday_data import LIBRARY_YEARS, load_library_years
    from awards.models.documents import DOC_NUMBER_PATTERN

    load_library_years(apps.get_model("awards", "HolidayYear"), apps.get_model("awards", "CalendarDay"), LIBRARY_YEARS)
    Decision = apps.get_model("awards", "Decision")
    seen = set()
    for decision in Decision.objects.select_related("award_round").order_by("pk"):
        match = re.match(DOC_NUMBER_PATTERN, decision.doc_number or "")
        key = (decision.award_round.owner_org_id, int(match["year"]), int(match["serial"])) if match else None
        if key is None or key in seen:
            continue
        seen.add(key)
        Decision.objects.filter(pk=decision.pk).update(issuer_org_id=key[0], doc_year=key[1], doc_serial=key[2])


class Migration(migrations.Migration):
    dependencies = [("awards", "0003_holiday_schedule_issuers_rules")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
