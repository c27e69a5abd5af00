"""Rules of the code base that a reviewer would otherwise have to remember."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "common",
    "orgs",
    "campaign",
    "evaluations",
    "awards",
    "dashboards",
    "workbench",
    "demo",
    "masswork",
    "accountability",
    "config",
)


def _python_files():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_the_client_address_is_read_in_one_place():
    """Rate limits, the audit log and the login lockout must agree on who the client is (common.net)."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in _python_files()
        if path != ROOT / "common" / "net.py" and re.search(r"REMOTE_ADDR|X_FORWARDED_FOR", path.read_text())
    ]
    assert offenders == []


# The apps from the bottom of the hierarchy up: an app may use what is below it, never what is above.
HIERARCHY = ("orgs", "campaign", "evaluations", "awards", "dashboards")


def _tag_libraries_of(app):
    folder = ROOT / app / "templatetags"
    return {path.stem for path in folder.glob("*.py") if path.stem != "__init__"} if folder.exists() else set()


def test_a_lower_app_loads_no_tag_library_of_a_higher_app():
    """Higher apps add to a lower app's pages through its slots (orgs.panels), not by being loaded from below."""
    offenders = []
    for level, app in enumerate(HIERARCHY):
        higher = set().union(*(_tag_libraries_of(above) for above in HIERARCHY[level + 1 :]))
        for template in (ROOT / app / "templates").rglob("*.html"):
            for loaded in re.findall(r"{%\s*load\s+([^%]+?)\s*%}", template.read_text()):
                offenders += [f"{template.relative_to(ROOT)} loads {lib}" for lib in loaded.split() if lib in higher]
    assert offenders == []


def test_a_lower_app_imports_no_higher_app():
    """orgs ← campaign ← evaluations ← awards ← dashboards: no import runs back up (module or function level)."""
    offenders = []
    for level, app in enumerate(HIERARCHY[:-1]):
        higher = HIERARCHY[level + 1 :]
        pattern = re.compile(rf"^\s*(?:from|import)\s+({'|'.join(higher)})\b", re.M)
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts and (match := pattern.search(path.read_text())):
                offenders.append(f"{path.relative_to(ROOT)} imports {match.group(1)}")
    assert offenders == []


def test_no_exception_text_reaches_a_page():
    """A user never reads an exception's text: pages and stored reasons carry Chinese messages written for them
    (the traceback goes to the log). Management commands may pass their own CommandError texts on."""
    pattern = re.compile(r"str\((?:exc|e|err|error)\)")
    offenders = [
        str(path.relative_to(ROOT))
        for path in _python_files()
        if "commands" not in path.parts and pattern.search(path.read_text())
    ]
    assert offenders == []
