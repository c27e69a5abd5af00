"""Every URL pattern answers 404, never 500, for a NUL byte or an over-long value in a path parameter,
and for a NUL byte in the query string."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from orgs.enums import Role
from tests.factories import user_with_role

PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
HUGE_INT = "9" * 30
LONG_TEXT = "甲" * 300


def _routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = str(entry.pattern)
        if route.startswith("^") or route.startswith("admin/"):
            continue  # regex patterns (admin, static): Django's own
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route


def _with_params(route: str) -> list[tuple[str, str]]:
    """One URL per parameter: that parameter malformed (NUL / too long), the others harmless."""
    params = list(PARAM.finditer(route))
    urls = []
    for target in params:
        for bad_name in ("nul", "long"):

            def value(m, target=target, bad_name=bad_name):
                converter = m.group("converter") or "str"
                if m.start() != target.start():
                    return "1" if converter == "int" else "x"
                if bad_name == "nul":
                    return "1%00" if converter != "int" else "%00"
                return HUGE_INT if converter == "int" else LONG_TEXT

            urls.append((bad_name, "/" + PARAM.sub(lambda m: value(m), route)))
    return urls


def _cases():
    cases = []
    for route in _routes():
        for kind, url in _with_params(route):
            cases.append(pytest.param(url, id=f"{kind}:{route}"))
    return cases


@pytest.mark.parametrize("url", _cases())
def test_malformed_path_parameter_is_404(client, world, url):
    user = user_with_role(world.province, Role.ORG_DEPARTMENT)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(url)
    assert response.status_code == 404, url


@pytest.mark.parametrize("url", ["/orgs/?q=%00", "/orgs/members/?name=a%00b", "/?x%00=1", "/orgs/%00/"])
def test_nul_anywhere_in_the_url_is_404(client, world, url):
    user = user_with_role(world.province, Role.ORG_DEPARTMENT)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(url).status_code == 404


def test_anonymous_nul_is_404_not_a_login_redirect(client, db):
    assert client.get("/dashboards/%00/").status_code == 404
