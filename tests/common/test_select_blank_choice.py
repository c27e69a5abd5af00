"""The blank choice of a select reads "请选择" in every form, never Django's "---------" (the phone walk-through
found both). The rule is said once: the project's form renderer (FORM_RENDERER) renders Django's blank choice
with common/templates/django/forms/widgets/select_option.html. A form that gives the blank choice words of its
own (a filter's "全部", "不以指导小组名义") keeps them."""

import copy
import importlib
import pkgutil

import pytest
from django import forms
from django.urls import reverse

from orgs.enums import Role
from tests.factories import user_with_role
from tests.factories.campaign_activities import campaign_in_phase

APPS = ["common", "orgs", "campaign", "evaluations", "awards", "masswork", "accountability", "dashboards", "api"]
DASHES = "---------"


def _project_forms():
    for app in APPS:
        for name in ("forms", "filters", "member_filters", "admin"):
            try:
                module = importlib.import_module(f"{app}.{name}")
            except ModuleNotFoundError:
                continue
            for sub in pkgutil.iter_modules(getattr(module, "__path__", [])):
                importlib.import_module(f"{app}.{name}.{sub.name}")

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return {cls for cls in subclasses(forms.BaseForm) if cls.__module__.split(".")[0] in APPS}


def _blank_choices():
    """(form, field, widget) of every declared select that offers a blank choice, the widget holding that choice
    alone (the rest may need a user or a queryset the form is given later)."""
    found = []
    for form in _project_forms():
        for name, field in getattr(form, "base_fields", {}).items():
            if isinstance(field, forms.ModelChoiceField):
                blank = [("", field.empty_label)] if field.empty_label is not None else []
            elif isinstance(field, forms.ChoiceField):
                blank = [(value, label) for value, label in field.choices if value == ""]
            else:
                continue
            if blank:
                widget = copy.copy(field.widget)
                widget.choices = blank
                found.append((f"{form.__module__}.{form.__name__}.{name}", widget))
    return found


def test_every_declared_select_shows_its_blank_choice_without_dashes():
    found = _blank_choices()
    assert len(found) > 50  # the scan sees the project's forms (models, filters, admin)
    shown = {where: widget.render("x", "") for where, widget in found}
    assert [where for where, html in shown.items() if DASHES in html or ">—<" in html] == []
    # Django's own blank choice became 请选择: a model field with choices, a foreign key, a plain choice field
    for where in (
        "campaign.forms.activities.ActivityForm.activity_type",
        "masswork.forms.stations.VisitForm.handled_by",
        "orgs.forms.accounts.RoleAssignmentForm.sector",
    ):
        assert '<option value="" selected>请选择</option>' in shown[where], where
    # words of the form's own are kept
    assert ">全部</option>" in shown["campaign.forms.plans.PlanFilterForm.status"]
    assert ">不以指导小组名义</option>" in shown["campaign.forms.supervision.InspectionForm.guidance_group"]


@pytest.mark.django_db
def test_real_pages_say_please_choose(world, seed_campaign, login):
    campaign_in_phase(seed_campaign, 2)
    page = login(user_with_role(world.branch_a, Role.SECRETARY)).get(reverse("campaign:activity_create"))
    html = page.content.decode()
    assert page.status_code == 200 and DASHES not in html
    assert '<option value="" selected>请选择</option>' in html

    sheng = user_with_role(world.province, Role.ORG_DEPARTMENT, username="sheng_zzb_sel")
    page = login(sheng).get(reverse("campaign:guidance_create")).content.decode()
    assert DASHES not in page and '<option value="" selected>请选择</option>' in page
