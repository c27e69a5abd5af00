"""The catalog is complete (issue 16.3): under a pseudo-locale the portal's pages show no Chinese text of their own.

The pseudo-locale exists only here: the committed zh_Hans catalog with every translation wrapped in ⟦…⟧, compiled
into a temporary LOCALE_PATHS as the language `en-xa` and made the site's language. A text the code or a template
shows without passing through gettext stays bare Chinese and fails the test, named with its surroundings.

The pages: the demo of README's "Demo accounts" (`load_demo` + `demo_campaign`, its 党建工作指导员 `zhidaoyuan`
included) with a 数据管理员 of 正定县 made here; every account's start page,
every link of its navigation bar and the pages the README tells it to try first, then one level deeper: every page
those link to (each view once, downloads left out), and the public pages. The demo's data is
Chinese too (names of organizations and people, titles, texts typed in): every string the database holds is data,
not a message, and is taken out of the page before the check. What is left must be ⟦wrapped⟧ or not Chinese.
"""

import html
import io
import re
import subprocess

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command
from django.db import models, transaction
from django.test import override_settings
from django.urls import Resolver404, resolve, reverse

from demo import codes
from tests.common.test_catalog import CATALOG

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# A run of Chinese text: Han characters with the CJK and full-width punctuation between them.
RUN = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff][\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef“”‘’—·]*…?"
)
# A run this long found inside a data string is data cut short; a message rarely is that long and inside one.
DATA_PART_MIN = 8
WRAPPED = re.compile(r"⟦[^⟦⟧]*⟧")
PSEUDO = "en-xa"

ACCOUNTS = [
    "shuji",
    "dangyuan",
    "cunguan",
    "zhengding_zzb",
    "shijiazhuang_zzb",
    "sheng_zzb",
    "sheng_ldxz",
    "gaoxiao_hy",
    "zhidaoyuan",
    "pseudo_data_manager",
]
# Links not followed: files (PDF, xlsx, QR sheets, attachments) cost time and hold no page; leaving is no page.
NOT_FOLLOWED = re.compile(r"pdf|xlsx|export|download|sheet|certificate|attachment|file|logout|media|csv|qr")
# README's "try first", beyond the navigation bar.
TRY_FIRST = {
    "shuji": lambda: [
        reverse("awards:nomination_create", args=[codes.NOMINATION_ROUND]),
        reverse("evaluations:report_list"),
    ],
    "zhengding_zzb": lambda: [
        reverse("campaign:plan_list") + "?pending=on",
        reverse("awards:shortlist", args=[codes.PUBLICITY_ROUND]),
        reverse("awards:review", args=[codes.NOMINATION_ROUND, "130123100"]),
    ],
    "shijiazhuang_zzb": lambda: [reverse("awards:quota", args=[codes.NOMINATION_ROUND, "130100"])],
    "sheng_zzb": lambda: [
        reverse("awards:quota", args=[codes.NOMINATION_ROUND, "130000"]),
        reverse("evaluations:period_list"),
    ],
    "sheng_ldxz": lambda: [reverse("dashboards:node", args=[codes.COUNTY])],
    "zhidaoyuan": lambda: [reverse("campaign:supervision_remark_create") + f"?org={codes.BRANCH}"],
    "pseudo_data_manager": lambda: [reverse("admin:index")],
}


def make_extra_accounts():
    """A 数据管理员 on the demo's county (ASCII name: no data to take out)."""
    from orgs.enums import Role
    from orgs.models import Org
    from tests.factories import user_with_role

    user_with_role(
        Org.objects.get(code=codes.COUNTY), Role.DATA_MANAGER, username="pseudo_data_manager", full_name="DM"
    )


@pytest.fixture(scope="module")
def pseudo_locale(tmp_path_factory):
    """The committed catalog, every msgstr wrapped in ⟦…⟧, compiled as en-xa into a temporary LOCALE_PATHS."""
    root = tmp_path_factory.mktemp("pseudo-locale")
    target = root / "en_XA" / "LC_MESSAGES"
    target.mkdir(parents=True)
    # An ASCII comma closes and reopens the wrapper: `yesno:_("是,否")` splits its message at the commas.
    wrap = ["sed", "-e", "s/,/⟧,⟦/g", "-e", "1s/^/⟦/", "-e", "$s/$/⟧/"]
    po = target / "django.po"
    subprocess.run(["msgfilter", "--keep-header", "-i", str(CATALOG / "django.po"), "-o", str(po), *wrap], check=True)
    subprocess.run(["msgfmt", "--check-format", "-o", str(target / "django.mo"), str(po)], check=True)
    return root


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """README's demo for today, once per module, rolled back at the end."""
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        with transaction.atomic():
            call_command("load_demo", stdout=io.StringIO())
            call_command("demo_campaign", stdout=io.StringIO())
            make_extra_accounts()
            yield data_strings()
            transaction.set_rollback(True)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def data_strings():
    """Every Chinese string the database holds (and each of its lines), longest first: data, not messages."""
    found = set()
    for model in apps.get_models(include_auto_created=True):
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields).iterator():
            for value in _strings(list(row)):
                if HAN.search(value):
                    found.add(value.strip())
                    found.update(line.strip() for line in value.splitlines())
    return sorted((s for s in found if HAN.search(s)), key=len, reverse=True)


def bare_chinese(page, data):
    """The runs of Chinese left on a page once the wrapped messages and the data are taken out, each with its
    context. Data cut short (a run ending in … that begins a data string, or a run of DATA_PART_MIN characters or
    more found inside one) is data too."""
    # A form's values (value="…") are what the user typed or what the data holds, not messages.
    text = html.unescape(re.sub(r'\svalue="[^"]*"', "", page))
    while True:
        stripped = WRAPPED.sub("", text)
        if stripped == text:
            break
        text = stripped

    # Data cut short by truncatechars (an inbox message's preview): an element's text ending in … that begins a
    # data string, whatever it holds (digits break a run, so the run test below would see only its last piece).
    def drop_truncated(match):
        shown = match.group(1).strip()
        return ">…" if shown and any(value.startswith(shown) for value in data) else match.group(0)

    text = re.sub(r">([^<>]+)…", drop_truncated, text)
    for value in data:
        if value in text:
            text = text.replace(value, "")
    bare = {}
    for match in RUN.finditer(text):
        run = match.group(0)
        if run.endswith("…") and any(value.startswith(run[:-1]) for value in data):
            continue
        if len(run) >= DATA_PART_MIN and any(run in value for value in data):
            continue  # data cut short without an ellipsis (an object's __str__ in the admin's lists)
        bare.setdefault(run, text[max(0, match.start() - 60) : match.end() + 20].strip())
    return list(bare.values())


def links_in(page, tag):
    """The site's links inside the first <tag>…</tag> of a page, in order."""
    part = re.search(rf"<{tag}\b.*?</{tag}>", page, flags=re.S)
    links = re.findall(r'href="(/[^"#]*)"', part.group(0)) if part else []
    return [html.unescape(link) for link in links if not link.startswith("/static/")]


def view_name(url):
    try:
        return resolve(url.split("?")[0]).view_name
    except Resolver404:
        return None


@pytest.mark.slow
@pytest.mark.django_db
def test_no_page_of_any_role_shows_chinese_outside_the_catalog(demo, pseudo_locale, client, settings):
    from orgs.models import User

    settings.LOCALE_PATHS = [pseudo_locale]
    settings.LANGUAGES = [(PSEUDO, "Pseudo")]
    settings.LANGUAGE_CODE = PSEUDO
    cache.clear()
    failures = {}
    seen = 0

    def check(url, linked=False):
        nonlocal seen
        response = client.get(url, follow=True)
        if linked and response.status_code in (403, 404, 405):
            return response  # a link to what this role may not open: no page to check
        assert response.status_code == 200, (who, url, response.status_code)
        if "text/html" not in response.get("Content-Type", ""):
            return response
        seen += 1
        page = response.content.decode()
        assert "⟦" in page, f"{url}: the pseudo-locale is not active"
        bare = bare_chinese(page, demo)
        if bare:
            failures[f"{who} {url}"] = bare[:5]
        return page

    who = "anonymous"
    for url in [reverse("login"), "/awards/public/demo-zhengding/"]:
        check(url)
    followed = set()  # views opened one level deep, once each over all accounts
    for who in ACCOUNTS:
        client.force_login(User.objects.get(username=who))
        start = check("/")
        tried = TRY_FIRST.get(who, list)()
        main_pages = dict.fromkeys([*links_in(start, "nav"), *tried])
        deeper = []
        for url in main_pages:
            page = check(url, linked=url not in tried)
            if isinstance(page, str):
                deeper += links_in(page, "main")
        for url in dict.fromkeys(deeper):
            name = view_name(url)
            if name is None or name in followed or url in main_pages or NOT_FOLLOWED.search(f"{name} {url}"):
                continue
            followed.add(name)
            check(url, linked=True)
        client.logout()
    assert seen > 150
    assert not failures, "Chinese outside the catalog:\n" + "\n".join(f"{k}: {v}" for k, v in failures.items())
