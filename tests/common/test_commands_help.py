"""Every management command of the portal prints its help (a lazy translation in argparse used to crash)."""

import pytest
from django.core.management import get_commands, load_command_class

PORTAL_APPS = {"common", "orgs", "campaign", "evaluations", "awards", "dashboards", "workbench", "demo"}
COMMANDS = sorted((name, app) for name, app in get_commands().items() if app in PORTAL_APPS)


def test_the_portal_has_commands():
    assert {"import_data", "export_data", "load_demo", "demo_campaign"} <= {name for name, _app in COMMANDS}


@pytest.mark.parametrize("name, app", COMMANDS)
def test_help_prints(name, app):
    command = load_command_class(app, name)
    help_text = command.create_parser("manage.py", name).format_help()
    assert f"manage.py {name}" in help_text
