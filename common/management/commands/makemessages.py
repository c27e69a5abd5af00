"""`manage.py makemessages`: the project's zh_Hans catalog, complete, stable and compiled.

Django's command with the project's defaults:

- the locale is zh_Hans unless `-l`/`-a` says otherwise (the only language of the portal);
- the source language is Chinese, so every message is its own translation: an empty msgstr gets the msgid
  (msgstr[0] the msgid_plural) — the catalog holds every message, none empty, none fuzzy (no fuzzy matching);
  a msgstr already there (the project's additions to Django's and DRF's catalogs, `common/catalog.py`) is kept;
- no source locations and sorted output: the catalog changes when a message changes, not when code moves;
- no obsolete entries; the tests, the benchmarks, node_modules and the collected static files are not scanned;
- the .po is compiled to the committed .mo right after.

`tests/common/test_catalog.py` runs it on a clean copy of the checkout and fails when the committed catalog differs.
"""

from pathlib import Path

from django.core.management import CommandError
from django.core.management.commands import makemessages
from django.core.management.utils import popen_wrapper

IGNORED = ["tests/*", "bench/*", "node_modules/*", "staticfiles/*", "var/*", "scripts/*", "deploy/*"]


def _fill_entry(lines):
    """One PO entry (its lines): an empty msgstr / msgstr[0] gets the msgid / msgid_plural."""
    fields = {}  # keyword → (index of its first line, [string lines])
    current = None
    for i, line in enumerate(lines):
        if line.startswith(("msgid ", "msgid_plural ", "msgstr ", "msgstr[")):
            key, _, rest = line.partition(" ")
            current = key
            fields[key] = (i, [rest])
        elif line.startswith('"') and current:
            fields[current][1].append(line)
        else:
            current = None
    source = fields.get("msgid_plural") or fields.get("msgid")
    target_key = "msgstr[0]" if "msgid_plural" in fields else "msgstr"
    if source is None or target_key not in fields or fields["msgid"][1] == ['""']:
        return lines  # the header
    start, strings = fields[target_key]
    if any(s != '""' for s in strings):
        return lines
    return [*lines[:start], f"{target_key} {source[1][0]}", *source[1][1:], *lines[start + len(strings) :]]


def fill_catalog(path):
    """Every untranslated message of a PO file translated by itself (the source language is the target)."""
    text = Path(path).read_text(encoding="utf-8")
    blocks = text.split("\n\n")
    filled = ["\n".join(_fill_entry(block.split("\n"))) for block in blocks]
    Path(path).write_text("\n\n".join(filled), encoding="utf-8")


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching", "--sort-output"]
    msguniq_options = [*makemessages.Command.msguniq_options, "--sort-output"]
    msgattrib_options = [*makemessages.Command.msgattrib_options, "--sort-output"]

    def handle(self, *args, **options):
        if not options["locale"] and not options["all"]:
            options["locale"] = ["zh_Hans"]
        options["ignore_patterns"] = [*options["ignore_patterns"], *IGNORED]
        options["no_location"] = True
        options["no_obsolete"] = True
        options["no_wrap"] = True
        self.written = []
        super().handle(*args, **options)
        for pofile in self.written:
            _, errors, status = popen_wrapper(
                ["msgfmt", "--check-format", "-o", str(pofile.with_suffix(".mo")), str(pofile)]
            )
            if status:
                raise CommandError(f"msgfmt failed on {pofile}:\n{errors}")

    def write_po_file(self, potfile, locale):
        super().write_po_file(potfile, locale)
        pofile = Path(potfile).parent / locale / "LC_MESSAGES" / f"{self.domain}.po"
        fill_catalog(pofile)
        self.written.append(pofile)
