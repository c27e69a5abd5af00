"""The member list's pages (keyset: "下一页" / "上一页" continue from a row) and its count: exact ("共 N 名") up
to the limit, the planner's estimate labelled "约 N 人" above it on PostgreSQL, exact on SQLite."""

import re
from html import unescape

import pytest
from django.db import connection
from django.urls import reverse

from orgs.enums import Role
from orgs.models import Member
from orgs.views.members import rounded
from tests.factories import MemberFactory, make_org, user_with_role

pytestmark = pytest.mark.django_db

URL = reverse("orgs:member_list")
POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def many(world):
    """73 members under 正定县 in five branches (the branches' paths interleave with world's), so that pages
    cross organizations; 2 of every 3 are 农民."""
    branches = [world.branch_a, world.branch_a2] + [
        make_org(world.town_a, sector="rural", name=f"第{i}村党支部") for i in range(3)
    ]
    for i in range(73):
        MemberFactory(org=branches[i % 5], name=f"党员{i:02d}", category="farmer" if i % 3 else "in_service")
    return branches


@pytest.fixture
def zzb(world):
    return user_with_role(world.county_a, Role.ORG_DEPARTMENT)


def expected_order(**filters):
    """What the county sees, in tree order (organization path, then id)."""
    qs = Member.objects.filter(org_path__startswith="0001").exclude(name="王志强").filter(**filters)
    return list(qs.order_by("org_path", "id").values_list("name", flat=True))


def link(html, rel):
    match = re.search(rf'rel="{rel}" href="([^"]+)"', html)
    return unescape(match.group(1)) if match else None


def walk(client, start, rel):
    """Follow the ``rel`` links from ``start``: [(url, names on the page)], page by page."""
    pages = []
    url = start
    while url:
        response = client.get(URL + url)
        assert response.status_code == 200
        pages.append((url, [m.name for m in response.context["object_list"]]))
        url = link(response.content.decode(), rel)
        assert len(pages) < 20
    return pages


@pytest.mark.parametrize("walk_the_index", [False, True], ids=["few: sorted", "many: index order"])
@pytest.mark.parametrize("filters", [{}, {"category": "farmer"}])
def test_next_and_previous_links_never_repeat_or_skip_a_row(
    world, many, zzb, login, monkeypatch, filters, walk_the_index
):
    """Both ways of reading a page on PostgreSQL — the tree-order index, or the sparse matches found and sorted
    (orgs.views.members.SPARSE) — give the same pages."""
    from orgs.views import members

    monkeypatch.setattr(members, "SPARSE", 10**9 if walk_the_index else 0)  # 0: every list is sparse
    client = login(zzb)
    want = expected_order(**filters)
    forward = walk(client, "?" + "&".join(f"{k}={v}" for k, v in filters.items()), "next")
    assert len(forward) == -(-len(want) // 30) >= 2
    assert [len(names) for _url, names in forward[:-1]] == [30] * (len(forward) - 1)
    assert [name for _url, names in forward for name in names] == want
    # back from the last page by "上一页": the same pages in reverse
    backward = walk(client, forward[-1][0], "prev")
    assert [names for _url, names in backward] == [names for _url, names in reversed(forward)]


def test_first_page_has_no_previous_link_and_later_pages_a_first_page_link(world, many, zzb, login):
    client = login(zzb)
    html = client.get(URL).content.decode()
    assert link(html, "prev") is None and link(html, "next") and "首页" not in html
    html = client.get(URL + link(html, "next")).content.decode()
    assert link(html, "prev") and "首页" in html


def test_old_page_numbers_still_work(world, many, zzb, login):
    response = login(zzb).get(URL, {"page": 2})
    assert [m.name for m in response.context["object_list"]] == expected_order()[30:60]
    assert login(zzb).get(URL, {"page": "1000"}).status_code == 404
    assert login(zzb).get(URL, {"page": "x"}).status_code == 404


def test_a_broken_cursor_shows_the_first_page(world, many, zzb, login):
    response = login(zzb).get(URL, {"after": "0001'; DROP TABLE x;--.5"})
    assert response.status_code == 200
    assert [m.name for m in response.context["object_list"]] == expected_order()[:30]


def test_a_member_added_between_pages_is_neither_repeated_nor_skipped(world, many, zzb, login):
    """The next page starts right after the last row shown, whatever was added or removed in between."""
    client = login(zzb)
    first = client.get(URL)
    seen = [m.name for m in first.context["object_list"]]
    MemberFactory(org=world.branch_a, name="新来的")
    Member.objects.filter(name=seen[0]).delete()
    rest = [m.name for m in client.get(URL + link(first.content.decode(), "next")).context["object_list"]]
    now = expected_order()
    assert rest == now[now.index(seen[-1]) + 1 :][:30]
    assert not set(seen) & set(rest)


def test_cursor_outside_the_scope_shows_nothing_outside_it(world, many, zzb, login):
    response = login(zzb).get(URL, {"after": "0001.1"})
    names = [m.name for m in response.context["object_list"]]
    assert "王志强" not in names


# --- the count ------------------------------------------------------------------------------------


def count_text(html):
    match = re.search(r'id="member-count">\s*(.*?)\s*</p>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(1))).strip()


def test_unfiltered_count_comes_from_the_rollups_exactly(world, many, zzb, login, settings):
    settings.EXACT_COUNT_LIMIT = 5
    html = login(zzb).get(URL).content.decode()
    assert count_text(html) == f"共 {len(expected_order())} 名"


def test_small_lists_are_counted_exactly(world, many, zzb, login, settings):
    settings.EXACT_COUNT_LIMIT = 5
    html = login(zzb).get(URL, {"q": "党员0"}).content.decode()  # 党员00 … 党员09: one page
    assert count_text(html) == "共 10 名"
    assert "约" not in count_text(html)


@pytest.mark.skipif(POSTGRES, reason="SQLite counts exactly; the PostgreSQL path is tested below")
def test_sqlite_counts_exactly_above_the_limit(world, many, zzb, login, settings):
    settings.EXACT_COUNT_LIMIT = 5
    html = login(zzb).get(URL, {"category": "farmer"}).content.decode()
    assert count_text(html) == f"共 {len(expected_order(category='farmer'))} 名"


@pytest.mark.skipif(not POSTGRES, reason="the estimate is PostgreSQL's (EXPLAIN); set DATABASE_URL to a PostgreSQL")
def test_postgres_labels_the_estimate_above_the_limit(world, many, zzb, login, settings):
    settings.EXACT_COUNT_LIMIT = 5
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orgs_member")
    client = login(zzb)
    html = client.get(URL, {"category": "farmer"}).content.decode()
    text = count_text(html)
    true = len(expected_order(category="farmer"))
    assert text.startswith("约 ") and "人" in text and "估算" in text, text
    shown = int(re.search(r"约 ([\d,]+) 人", text).group(1).replace(",", ""))
    assert shown > 5 and 0.5 * true <= shown <= 2 * true
    # below the limit: exact, no "约"
    settings.EXACT_COUNT_LIMIT = 10_000
    assert count_text(client.get(URL, {"category": "farmer"}).content.decode()) == f"共 {true} 名"


@pytest.mark.skipif(not POSTGRES, reason="the estimate is PostgreSQL's (EXPLAIN); set DATABASE_URL to a PostgreSQL")
def test_postgres_says_at_least_when_the_estimate_was_low(world, many, zzb, login, settings, monkeypatch):
    from orgs import queries

    settings.EXACT_COUNT_LIMIT = 5
    monkeypatch.setattr(queries, "estimate_members", lambda qs: 3)  # the planner thought 3
    html = login(zzb).get(URL, {"category": "farmer"}).content.decode()
    assert count_text(html) == "5 人以上"


@pytest.mark.skipif(not POSTGRES, reason="the estimate is PostgreSQL's (EXPLAIN); set DATABASE_URL to a PostgreSQL")
def test_postgres_never_shows_an_estimate_for_a_list_on_one_page(world, many, zzb, login, settings, monkeypatch):
    from orgs import queries

    settings.EXACT_COUNT_LIMIT = 5
    monkeypatch.setattr(queries, "estimate_members", lambda qs: 40_000)  # the planner is wrong
    html = login(zzb).get(URL, {"q": "党员0"}).content.decode()
    assert count_text(html) == "共 10 名"


def test_estimates_are_rounded_to_two_digits():
    assert [rounded(n) for n in (7, 99, 123, 38_093, 4_199_586)] == [7, 99, 120, 38_000, 4_200_000]
