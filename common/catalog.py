"""Project additions to Django's and Django REST framework's zh_Hans catalogs.

These messages live in Django's and DRF's code; naming them here keeps them in the project's catalog
(`manage.py makemessages` scans only the project), where their zh_Hans text is kept. Nothing calls this.
"""

from django.utils.translation import gettext_noop, ngettext


def _messages():  # pragma: no cover - read by xgettext only
    # Translators: Django 5.2 changed this msgid (%(min_length)d → %d); its own zh_Hans catalog still carries only
    # the old one, so the message stayed English.
    ngettext(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        0,
    )
    # Django REST framework's zh_Hans catalog translates these msgids of Django's forms in other words and, as an
    # installed app, would win over Django's own: the project keeps Django's wording everywhere (pages and API).
    return [
        gettext_noop("This field is required."),
        gettext_noop("Enter a valid URL."),
        gettext_noop("Enter a valid email address."),
        gettext_noop("No file was submitted."),
        gettext_noop("The submitted file is empty."),
        gettext_noop("Upload a valid image. The file you uploaded was either not an image or a corrupted image."),
        gettext_noop("Value must be valid JSON."),
    ]
