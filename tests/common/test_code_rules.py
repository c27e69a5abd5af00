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
    "api",
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


# An exception's own text, however it is turned into a string: str(exc), an f-string "{exc}", a % parameter
# {"error": exc}, repr(exc), exc.args, a formatted traceback.
EXCEPTION_TEXT = re.compile(
    r"str\((?:exc|e|err|error)\)"
    r"|\{(?:exc|err|error|e)(?:![rsa])?(?::[^}]*)?\}"
    r"|%\s*\{[^}]*:\s*(?:exc|err|error|e)\s*[,}]"
    r"|repr\((?:exc|e|err|error)\)|\b(?:exc|err|error|e)\.args\b|format_exc\("
    r"|type\((?:exc|e|err|error)\)\.__name__"
)
LOG_LINE = re.compile(r"^\s*(?:logger|logging|log)\.\w+\(")  # the log is for operators: it may name anything
EXCEPTION_TEXT_IN_TEMPLATES = re.compile(r"{{\s*(?:exc|exception|error\.args|e\.args)\b")
# Where an exception's text is kept on purpose, and why no user reads it there.
EXCEPTION_TEXT_ALLOWED = {
    # OutgoingMessage.last_error: the delivery log of the SMS/mail gateway, shown only to superusers in the admin.
    "campaign/services/delivery.py": "delivery log for operators",
    "campaign/sms.py": "gateway errors feed the delivery log above",
    # A PermissionDenied carries the Chinese text its service wrote (or none: the page says 无权操作).
    "api/exceptions.py": "PermissionDenied's own Chinese message",
}


def test_no_exception_text_reaches_a_page():
    """A user never reads an exception's text: pages, flash messages, import reports and stored job reasons carry
    Chinese messages written for them (the traceback goes to the log). Management commands may pass their own
    CommandError texts on."""
    offenders = [
        f"{path.relative_to(ROOT)}: {line.strip()}"
        for path in [*_python_files(), *(p for p in (ROOT / "api").rglob("*.py") if "migrations" not in p.parts)]
        if "commands" not in path.parts and str(path.relative_to(ROOT)) not in EXCEPTION_TEXT_ALLOWED
        for line in path.read_text().splitlines()
        if EXCEPTION_TEXT.search(line) and not LOG_LINE.match(line)
    ]
    for folder in (*APPS, "api", "templates"):
        for template in (ROOT / folder).rglob("*.html"):
            if match := EXCEPTION_TEXT_IN_TEMPLATES.search(template.read_text()):
                offenders.append(f"{template.relative_to(ROOT)}: {match.group(0)}")
    assert offenders == []


def test_the_exception_text_rule_catches_each_way_of_showing_it():
    for line in (
        "messages.error(request, str(exc))",
        'reason = f"失败：{exc}"',
        'raise ImportFileError(_("CSV 文件格式错误：%(error)s") % {"error": exc})',
        "detail = repr(err)",
        "text = error.args[0]",
        "job.failure_reason = traceback.format_exc()",
        'snapshot.error = f"{type(exc).__name__}（详情见日志）"',
    ):
        assert EXCEPTION_TEXT.search(line), line
    assert EXCEPTION_TEXT_IN_TEMPLATES.search("<p>{{ exception }}</p>")
    for line in ('f"{type(obj).__name__}"', '{"error": message}', "str(value)"):
        assert not EXCEPTION_TEXT.search(line), line


# SQL the ORM cannot write is composed by common.sql.compose (psycopg's identifier quoting on PostgreSQL, the
# backend's elsewhere) with every value a parameter: never by f-strings, % or .format().
SQL_BY_FORMATTING = re.compile(
    r"""\bf(?:\"\"\"|'''|"|')\s*(?:SELECT|INSERT|UPDATE|DELETE|WITH|ALTER|DROP|CREATE|COPY|ANALYZE|VACUUM|TRUNCATE)\b"""
    r"""|\.execute\(\s*f["']|\.execute\([^)]*%\s*\(|\.execute\([^)]*\.format\("""
)
# Files whose SQL is still built with f-strings, to be converted (an entry fails once the file is clean).
SQL_NOT_YET_COMPOSED: set[str] = set()


def test_sql_is_composed_with_the_database_quoting_not_string_formatting():
    offenders = {str(path.relative_to(ROOT)) for path in _python_files() if SQL_BY_FORMATTING.search(path.read_text())}
    assert offenders - SQL_NOT_YET_COMPOSED == set()
    assert SQL_NOT_YET_COMPOSED <= offenders, "converted: remove from SQL_NOT_YET_COMPOSED"


def _is_services(path) -> bool:
    return "services" in path.relative_to(ROOT).parts or path.stem.startswith("services")


def test_services_never_import_tasks():
    """No import circle inside an app: tasks call services; services enqueue jobs by name (common.jobs.enqueue,
    inside their transaction) and never import a tasks module, not even inside a function."""
    offenders = []
    for path in _python_files():
        if not _is_services(path):
            continue
        app = path.relative_to(ROOT).parts[0]
        pattern = re.compile(
            rf"^\s*(?:from|import)\s+(?:\.+|{app}\.)tasks\w*\b|^\s*from\s+(?:\.+|{app})\s+import\s+[^\n]*\btasks\w*\b",
            re.M,
        )
        if pattern.search(path.read_text()):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def _view_files():
    for path in _python_files():
        if "views" in path.relative_to(ROOT).parts or path.name == "views.py":
            yield path


def test_refusals_go_through_the_one_adapter():
    """Services refuse with a ValidationError (common.errors.DomainError); views never catch it by hand — the
    adapter (common.errors.RefusalMixin / refusals / run_on_form) puts the message at its field or answers 409 /
    403 / 404 — and never show a bare message without its field (``exc.messages[0]``). The old twins
    (``error_text``, ``first_error``, ``apply_service_error``, a form's own ``add_service_error``) stay deleted."""
    caught = re.compile(r"^\s*except\b[^:\n]*\bValidationError\b", re.M)
    bare = re.compile(r"\b\w+\.messages\[0\]|\.join\(\s*\w+\.messages\s*\)|messages\.error\([^)\n]*\.messages\b")
    offenders = []
    for path in _view_files():
        text = path.read_text()
        if caught.search(text):
            offenders.append(f"{path.relative_to(ROOT)}: except ValidationError")
        if bare.search(text):
            offenders.append(f"{path.relative_to(ROOT)}: a refusal's messages shown without the adapter")
    twins = re.compile(r"^\s*def (error_text|first_error|apply_service_error|apply_errors|add_service_error)\(", re.M)
    for path in _python_files():
        if match := twins.search(path.read_text()):
            offenders.append(f"{path.relative_to(ROOT)}: defines {match.group(1)} (use common.errors)")
    assert offenders == []


def test_no_module_imports_another_modules_private_names():
    """A helper two modules need is public in one shared place (common/, or the lowest app that all users
    import), not a ``_private`` name borrowed from a view or an exporter."""
    import ast

    offenders = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                borrowed = [a.name for a in node.names if a.name.startswith("_") and a.name.strip("_")]
                borrowed = [name for name in borrowed if not name.startswith("__")]
                offenders += [f"{path.relative_to(ROOT)}: {node.module} {name}" for name in borrowed]
    assert offenders == []


def test_one_layout_in_every_app():
    """Every app is laid out alike (README "Code map"): models, enums, queries, services, forms, views, tasks, urls —
    a module while it is small, a package with one module per area once it is not; no flat ``forms_*.py`` /
    ``queries_*.py`` siblings beside a package and no ``urls_parts/``."""
    layers = ("models", "enums", "queries", "services", "forms", "views", "tasks", "urls", "serializers")
    flat = re.compile(rf"^({'|'.join(layers)})_\w+\.py$")
    offenders = []
    for app in APPS:
        for path in (ROOT / app).iterdir():
            if flat.match(path.name) or path.name == "urls_parts":
                offenders.append(path.relative_to(ROOT).as_posix())
            elif path.suffix == ".py" and (ROOT / app / path.stem).is_dir() and path.stem in layers:
                offenders.append(f"{path.relative_to(ROOT).as_posix()} beside the package {path.stem}/")
    assert offenders == []


def test_no_permission_check_is_skipped_by_a_missing_actor():
    """A service's check of ``by`` is skipped only for ``common.actors.SYSTEM``, never because ``by`` is None."""
    skip = re.compile(r"\bby is not None and not\b|\bif by is None:\s*return\b")
    offenders = [
        path.relative_to(ROOT).as_posix()
        for path in _python_files()
        if "services" in path.relative_to(ROOT).parts or path.name == "services.py"
        if skip.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


MAX_LINES = 600


def test_no_file_of_the_apps_passes_600_lines():
    """Code a reader can hold: no module or template of the apps over 600 lines (migrations, generated files such
    as the committed OpenAPI schema, and vendored static files aside)."""
    offenders = set()
    for app in (*APPS, "templates"):
        for path in (ROOT / app).rglob("*"):
            if path.suffix not in (".py", ".html", ".txt", ".js", ".css") or not path.is_file():
                continue
            if "migrations" in path.parts or "static" in path.parts:
                continue
            if len(path.read_text(encoding="utf-8").splitlines()) > MAX_LINES:
                offenders.add(path.relative_to(ROOT).as_posix())
    assert offenders == set()


# The author of a record's history row is named by common.history (save_as, delete_as, insert_once, save_changes,
# stamp_history), never by setting ``_history_user`` by hand before a save.
HISTORY_AUTHOR_SET = re.compile(r"\._history_user\s*=(?!=)|setattr\([^)\n]*[\"']_history_user[\"']")
# Where it is still set by hand, and why no helper of common.history fits there.
HISTORY_AUTHOR_ALLOWED = {
    # _sync_flags names the acting user (None for the daily sync) for the save that orgs.services.update_member
    # makes with by=SYSTEM: the member's service saves the record, not this one.
    "campaign/services/badges.py": "author of the save another app's service makes",
}


def test_the_history_author_is_named_in_one_place():
    """One way to save a record with its history's author (issue 15): the helpers of common.history; a file that
    still sets ``_history_user`` itself is listed with its reason (an entry fails once the file no longer does)."""
    offenders = {
        path.relative_to(ROOT).as_posix()
        for path in _python_files()
        if path != ROOT / "common" / "history.py" and HISTORY_AUTHOR_SET.search(path.read_text(encoding="utf-8"))
    }
    assert offenders - set(HISTORY_AUTHOR_ALLOWED) == set()
    assert set(HISTORY_AUTHOR_ALLOWED) <= offenders, "no longer set by hand: remove from HISTORY_AUTHOR_ALLOWED"


def test_the_history_author_rule_catches_each_way_of_setting_it():
    for line in ("record._history_user = by", "obj._history_user=request.user", 'setattr(obj, "_history_user", by)'):
        assert HISTORY_AUTHOR_SET.search(line), line
    for line in ("if obj._history_user == by:", "save_as(record, by=by)", "history_user=by"):
        assert not HISTORY_AUTHOR_SET.search(line), line


def _query_modules():
    for path in _python_files():
        if path.name == "queries.py" or (path.parent.name == "queries" and path.suffix == ".py"):
            yield path


def test_a_scoped_lookup_answers_404_in_one_place():
    """Every ``get_*_or_404`` of the apps' queries ends in orgs.queries.row_or_404 / first_or_404 (one query, a
    key that is no number or out of range a 404 too): no query module catches DoesNotExist or turns an empty
    ``.first()`` into its own 404. A 404 for what the row found is (not a village, not an image) stays the module's."""
    modules = list(_query_modules())
    assert ROOT / "orgs" / "queries.py" in modules and len(modules) > 10  # the walk finds them
    offenders = []
    for path in modules:
        text = path.read_text()
        if path == ROOT / "orgs" / "queries.py":
            text = re.sub(r"def first_or_404\(.*?\n\n\n", "", text, flags=re.S)  # the one place
        offenders += [
            f"{path.relative_to(ROOT)}: {m}"
            for m in re.findall(r"DoesNotExist|\.first\(\)\s*\n\s*\)?\s*if \w+ is None:\s*\n\s*raise Http404", text)
        ]
    assert offenders == []
