"""The zh_Hans catalog (issue 16.3): complete, in step with the code, compiled and loaded.

`manage.py makemessages` (common/management/commands/makemessages.py) writes it; run on a clean copy of the
checkout it must change nothing but the POT-Creation-Date header — a message added, changed or removed in the code
or the templates without updating the catalog fails here. The pseudo-locale test (tests/test_pseudo_locale.py)
proves the other half: every text the pages show goes through it.
"""

import gettext
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
CATALOG = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"
# What makemessages does not scan, or what is too big to copy for nothing.
NOT_COPIED = shutil.ignore_patterns(
    ".*", "node_modules", "tests", "bench", "var", "staticfiles", "media", "__pycache__", "*.sqlite3*"
)


def _without_creation_date(text):
    return "\n".join(line for line in text.splitlines() if not line.startswith('"POT-Creation-Date:'))


def test_makemessages_on_a_clean_checkout_changes_nothing(tmp_path):
    copy = tmp_path / "checkout"
    shutil.copytree(ROOT, copy, ignore=NOT_COPIED)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages"],
        cwd=copy,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.test", "HOME": str(tmp_path)},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    committed = (CATALOG / "django.po").read_text(encoding="utf-8")
    regenerated = (copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    assert _without_creation_date(regenerated) == _without_creation_date(committed), (
        "the catalog is out of step with the code: run `manage.py makemessages` and commit locale/"
    )


def test_every_message_is_translated_none_fuzzy():
    po = str(CATALOG / "django.po")
    for flag in ("--untranslated", "--only-fuzzy"):
        out = subprocess.run(["msgattrib", flag, po], capture_output=True, text=True, check=True).stdout
        assert out.strip() == "", f"msgattrib {flag}:\n{out[:2000]}"
    stats = subprocess.run(["msgfmt", "--statistics", "-o", "/dev/null", po], capture_output=True, text=True)
    assert stats.returncode == 0, stats.stderr
    assert "untranslated" not in stats.stderr and "fuzzy" not in stats.stderr
    assert int(stats.stderr.split()[0]) > 3000  # the whole portal, not a few project additions


def test_committed_mo_is_the_compiled_po(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(compiled), str(CATALOG / "django.po")], check=True)
    with open(compiled, "rb") as fresh, open(CATALOG / "django.mo", "rb") as committed:
        assert gettext.GNUTranslations(committed)._catalog == gettext.GNUTranslations(fresh)._catalog


def test_the_catalog_is_loaded():
    with translation.override("zh-hans"):
        # The project's own wording wins over DRF's catalog: only the project catalog holds this msgstr.
        assert translation.gettext("This field is required.") == "这个字段是必填项。"
        assert translation.gettext("Enter a valid email address.") == "输入一个有效的 Email 地址。"


def _unmarked_literals():
    spec = importlib.util.spec_from_file_location("i18n_mark", ROOT / "scripts" / "i18n_mark.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    found = []
    for rel in module.python_files():
        if module.is_data_file(rel):
            continue
        _source, finder = module.scan(rel)
        found += [f"{rel}:{node.lineno}: {node.value[:60]}" for node, _lazy in finder.found]
        found += [f"{rel}:{node.lineno}: f-string" for node in finder.skipped_fstrings]
        found += [f"{rel}:{node.lineno}: gettext at import" for node in finder.eager]
    return found


def test_no_chinese_literal_in_the_code_escapes_gettext():
    """scripts/i18n_mark.py finds no Chinese string literal outside gettext, except data (seed, demo, file formats,
    lines marked ``# i18n: data``), and no gettext run at import: what the pages do not show is covered too (API
    texts, PDFs, xlsx, errors)."""
    assert _unmarked_literals() == []
