"""History on every record: every model of every app in this repository keeps django-simple-history
history, except the few listed with a reason in ``common.history.HISTORY_EXEMPT``."""

from django.apps import apps
from django.conf import settings
from django.db.migrations.loader import MigrationLoader

from common.history import (
    HISTORY_EXEMPT,
    has_history,
    models_without_history,
    project_app_configs,
    project_models,
)


def test_the_walk_covers_every_app_of_the_repository():
    labels = {config.label for config in project_app_configs()}
    # The apps the portal started with; any app added later is found the same way (its code lives here).
    assert {"common", "orgs", "campaign", "evaluations", "awards", "dashboards", "workbench", "demo"} <= labels
    # …and nothing from the virtualenv (admin, auth, simple_history, django_celery_beat …).
    assert not labels & {"admin", "auth", "contenttypes", "sessions", "simple_history", "axes", "django_celery_beat"}
    installed = {name.split(".")[0] for name in settings.INSTALLED_APPS}
    assert {config.name.split(".")[0] for config in project_app_configs()} <= installed
    assert len(project_models()) > 50


def test_every_model_has_history():
    missing = models_without_history()
    assert not missing, (
        "Models without history: "
        + ", ".join(missing)
        + ". Add `history = HistoricalRecords(...)` (and a migration) or, with a reason, an entry in"
        " common.history.HISTORY_EXEMPT."
    )


def test_exemptions_are_not_stale():
    for label, reason in HISTORY_EXEMPT.items():
        model = apps.get_model(label)  # LookupError when the exempt model is gone
        assert not has_history(model), f"{label} has history now: remove it from HISTORY_EXEMPT"
        assert model._meta.app_config in project_app_configs(), f"{label} is not a model of this repository"
        assert reason.strip(), f"{label}: say why it keeps no history"


def test_every_history_table_has_a_migration(settings):
    # A model that got HistoricalRecords without `makemigrations` would fail on its first save.
    settings.MIGRATION_MODULES = {}  # the migration files on disk, also under pytest --nomigrations
    state = MigrationLoader(None, ignore_no_migrations=True).project_state()
    missing = [
        f"{model._meta.app_label}.{model.history.model.__name__}"
        for model in project_models()
        if has_history(model) and (model._meta.app_label, model.history.model._meta.model_name) not in state.models
    ]
    assert not missing, "History models without a migration: " + ", ".join(missing)


def _history_m2m_names(model) -> set[str]:
    """The many-to-many fields simple-history records with ``model``'s history (``m2m_fields=[...]``)."""
    return {field.name for field in getattr(model.history.model, "_history_m2m_fields", ())}


def test_every_many_to_many_change_is_in_the_history():
    """An M2M on a model with history is recorded too: by ``HistoricalRecords(m2m_fields=[...])`` for an
    automatic through table, or by a through model that keeps its own history (HouseholdLink, StationDuty …)."""
    missing = []
    for model in project_models():
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                tracked = has_history(model) and field.name in _history_m2m_names(model)
            else:
                tracked = has_history(through) or through._meta.label in HISTORY_EXEMPT
            if not tracked and model._meta.label not in HISTORY_EXEMPT:
                missing.append(f"{model._meta.label}.{field.name}")
    assert not missing, (
        "Many-to-many fields whose changes leave no history: "
        + ", ".join(missing)
        + ". Add the field to `HistoricalRecords(m2m_fields=[...])` (and a migration), or give its through model"
        " history."
    )


def test_every_many_to_many_history_table_has_a_migration(settings):
    settings.MIGRATION_MODULES = {}
    state = MigrationLoader(None, ignore_no_migrations=True).project_state()
    missing = [
        f"{model._meta.app_label}.{m2m_model.__name__}"
        for model in project_models()
        if has_history(model)
        for m2m_model in _m2m_history_models(model)
        if (m2m_model._meta.app_label, m2m_model._meta.model_name) not in state.models
    ]
    assert not missing, "M2M history models without a migration: " + ", ".join(missing)


def _m2m_history_models(model):
    return [getattr(model.history.model, field.name).model for field in model.history.model._history_m2m_fields]


def test_changed_participants_of_an_activity_are_in_its_history(world, campaign):
    from tests.factories.campaign_activities import make_activity

    record = make_activity(world.branch_a, campaign)
    record.participants.add(world.member_a, world.member_b)
    record.participants.remove(world.member_b)
    latest = record.history.order_by("-history_id").first()
    assert latest.history_type == "~"
    assert [row.member for row in latest.participants.all()] == [world.member_a]
    before = record.history.order_by("-history_id")[1]
    assert {row.member for row in before.participants.all()} == {world.member_a, world.member_b}


# --- writes in bulk keep their history ---------------------------------------------------------------


def test_copied_and_edited_criteria_keep_history_with_the_editor(world, seed_criteria):
    from evaluations.services.criteria import copy_set, update_set
    from orgs.enums import Role
    from tests.factories import user_with_role

    dept = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    copy = copy_set(seed_criteria["five-good"], owner_org=world.county_a, period=None, by=dept)
    criteria = list(copy.criteria.order_by("order"))
    assert all(c.history.get().history_user == dept for c in criteria)
    first, *others = criteria
    items = [{"id": c.pk, "name": c.name, "description": c.description, "weight": c.weight} for c in criteria]
    items[0]["weight"] = first.weight + 1
    update_set(copy, by=dept, name=copy.name, description=copy.description, criteria=items, levels=copy.levels)
    latest = first.history.order_by("-history_id").first()
    assert (latest.history_type, latest.weight, latest.history_user) == ("~", first.weight + 1, dept)
    assert all(c.history.count() == 1 for c in others)  # unchanged criteria get no history row


def test_household_links_keep_history_with_the_user(world):
    from orgs.enums import Role
    from tests.factories import user_with_role
    from tests.factories.campaign_masses import make_household

    secretary = user_with_role(world.branch_a, Role.SECRETARY)
    household = make_household(world.branch_a, secretary, members=[world.member_a])
    link = household.links.get()
    assert link.history.get().history_user == secretary


def test_the_escalation_of_an_overdue_order_is_in_its_history(world):
    import datetime

    from django.utils import timezone

    from campaign.models import RectificationOrder
    from campaign.services.supervision import escalate_overdue_orders
    from orgs.enums import Role
    from tests.factories import user_with_role
    from tests.factories.campaign_supervision import make_order

    county = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    user_with_role(world.city_a, Role.ORG_DEPARTMENT)
    order = make_order(world.branch_a, county)
    RectificationOrder.objects.filter(pk=order.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    assert escalate_overdue_orders() == 1
    order.refresh_from_db()
    latest = order.history.order_by("-history_id").first()
    assert latest.escalated_at == order.escalated_at
    assert latest.history_change_reason == "逾期未完成，已报上级组织部"
    assert escalate_overdue_orders() == 0
    assert order.history.filter(history_change_reason="逾期未完成，已报上级组织部").count() == 1
