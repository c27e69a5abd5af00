"""Choosing an organization: pinyin keys kept current, the scoped search, the picker's partials, the form
field and the tree page's search."""

import importlib
import re
from types import SimpleNamespace

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.actors import SYSTEM
from orgs import queries, services
from orgs.demo import loader
from orgs.enums import OrgLevel, Role
from orgs.forms.fields import OrgPickerField
from orgs.io.columns import ORGS
from orgs.io.orgs_import import OrgImporter
from orgs.io.reader import Table
from orgs.models import Org
from orgs.pinyin import name_keys
from tests.factories import make_org, user_with_role

NOT_FOUND = "未找到该组织，或不在您的管理范围内"


@pytest.fixture
def people(world):
    return SimpleNamespace(
        county_od=user_with_role(world.county_a, Role.ORG_DEPARTMENT, username="zd_zzb"),
        county_b_od=user_with_role(world.county_b, Role.ORG_DEPARTMENT, username="lx_zzb"),
        province_lg=user_with_role(world.province, Role.LEADING_GROUP, username="sheng_ldxz"),
        secretary=user_with_role(world.branch_a, Role.SECRETARY, username="shuji"),
        school_ss=user_with_role(world.city_a, Role.SECTOR_SUPERVISOR, sector="school", username="jy_hy"),
    )


def names(orgs):
    return [o.name for o in orgs]


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


# --- the pinyin keys ---------------------------------------------------------------------------


def test_name_keys():
    assert name_keys("塔元庄村党支部") == ("tyzcdzb", "tayuanzhuangcundangzhibu")
    assert name_keys("中国银行正定支行党支部")[0] == "zgyhzdzxdzb"  # 银行: the phrase decides the reading
    assert name_keys("第3党支部（ABC）") == ("d3dzbabc", "di3dangzhibuabc")
    assert name_keys("") == ("", "")


def test_keys_are_stored_on_create_and_rename(world):
    branch = world.branch_a
    assert (branch.name_initials, branch.name_pinyin) == ("tyzcdzb", "tayuanzhuangcundangzhibu")
    assert Org.objects.get(code="130000").name_initials == "hbs"  # a root made by treebeard's add_root
    services.update_org(branch, by=SYSTEM, fields={"name": "永安村党支部"})
    stored = Org.objects.get(pk=branch.pk)
    assert (stored.name_initials, stored.name_pinyin) == ("yacdzb", "yongancundangzhibu")
    services.update_org(stored, by=SYSTEM, fields={"sector": "school"})  # other fields: keys untouched
    assert Org.objects.get(pk=branch.pk).name_initials == "yacdzb"
    assert queries.search_orgs(user_with_role(world.province), "yac").orgs == [stored]
    assert queries.search_orgs(user_with_role(world.province), "tyz").orgs == []


def test_import_keeps_keys_current(world, people):
    rows = [
        (2, ["130123100301", "北关村党支部", world.town_a.code, "党支部", "农村", "否"]),
        (3, [world.branch_a.code, "塔元庄村第一党支部", world.town_a.code, "党支部", "农村", "否"]),
    ]
    outcome = OrgImporter(people.county_od, Table(kind=ORGS, rows=rows)).apply()
    assert outcome.ok, outcome.errors
    created = Org.objects.get(code="130123100301")
    assert (created.name_initials, created.name_pinyin) == ("bgcdzb", "beiguancundangzhibu")
    renamed = Org.objects.get(code=world.branch_a.code)
    assert renamed.name_initials == "tyzcdydzb"
    assert names(queries.search_orgs(people.county_od, "bgc").orgs) == ["北关村党支部"]


def test_data_migration_fills_existing_rows(world):
    Org.objects.update(name_initials="", name_pinyin="")
    migration = importlib.import_module("orgs.migrations.0005_org_name_pinyin")
    migration.fill_name_keys(apps, SimpleNamespace(connection=connection))
    assert dict(Org.objects.values_list("code", "name_initials"))[world.branch_a.code] == "tyzcdzb"
    assert not Org.objects.filter(name_initials="").exists()


def test_demo_loader_fills_keys(db):
    loader.load("demo")
    assert not Org.objects.filter(name_initials="").exists()
    assert Org.objects.get(code="130123").name_initials == "zdxw"  # 正定县委
    some = Org.objects.filter(level=OrgLevel.BASIC).order_by("?")[:20]
    assert all((o.name_initials, o.name_pinyin) == name_keys(o.name) for o in some)


# --- the scoped search ---------------------------------------------------------------------------


TYPED = ["tyz", "TYZ", "ＴＹＺ", "tyz cdzb", "tayuan", "塔元", "塔元庄村党支部", " 130123100201 "]
TYPED.append("１３０１２３１００２０１")  # full-width digits from a Chinese input method


@pytest.mark.parametrize("typed", TYPED)
def test_search_by_initials_pinyin_name_or_code(world, people, typed):
    assert names(queries.search_orgs(people.county_od, typed).orgs) == ["塔元庄村党支部"]


def test_search_by_code_prefix(world, people):
    assert names(queries.search_orgs(people.county_od, "1301231002").orgs) == ["塔元庄村党支部", "正定镇中学党支部"]
    assert names(queries.search_orgs(people.county_od, "130123").orgs)[:2] == ["正定县", "正定镇"]


def test_search_orders_by_depth_then_path(world, people):
    found = queries.search_orgs(people.province_lg, "zd").orgs  # 正定县 正定镇 正定镇中学党支部
    assert names(found) == ["正定县", "正定镇", "正定镇中学党支部"]
    assert names(queries.search_orgs(people.province_lg, "正定").orgs) == names(found)


def test_another_countys_orgs_never_appear(world, people):
    od = people.county_od
    for typed in ["滦州村党支部", "滦", "lzc", "luanzhou", world.branch_b.code, "130223", world.city_a.code]:
        assert queries.search_orgs(od, typed).orgs == [], typed
    assert names(queries.search_orgs(people.county_b_od, "lzc").orgs) == ["滦州村党支部"]


def test_sector_scope(world, people):
    """A sector supervisor finds the organizations of its sector (and territorial committees), no others."""
    ss = people.school_ss
    assert names(queries.search_orgs(ss, "zd").orgs) == ["正定县", "正定镇", "正定镇中学党支部"]
    assert queries.search_orgs(ss, "tyz").orgs == []


def test_roles_and_levels_filters(world, people):
    lg = people.province_lg
    assert names(queries.search_orgs(lg, "tyz").orgs) == ["塔元庄村党支部"]
    assert queries.search_orgs(lg, "tyz", roles={Role.ORG_DEPARTMENT}).orgs == []  # may see, may not act
    both = user_with_role(world.county_a, Role.ORG_DEPARTMENT, username="both")
    both.assignments.create(org=world.province, role=Role.LEADING_GROUP)
    assert names(queries.search_orgs(both, "lzc").orgs) == ["滦州村党支部"]
    assert queries.search_orgs(both, "lzc", roles={Role.ORG_DEPARTMENT}).orgs == []
    basic = queries.search_orgs(lg, "zd", levels={OrgLevel.BASIC}).orgs
    assert names(basic) == ["正定镇中学党支部"]
    towns = queries.search_orgs(lg, "z", levels={OrgLevel.TOWNSHIP, OrgLevel.COUNTY}).orgs
    assert names(towns) == ["正定县", "正定镇"]


def test_limit_and_more(world, people):
    for i in range(25):
        make_org(world.town_a, code=f"13012310050{i:02d}", name=f"永安{i}村党支部")
    first = queries.search_orgs(people.county_od, "ya")
    assert len(first.orgs) == queries.SEARCH_LIMIT and first.more
    assert first.orgs[0].name == "永安0村党支部"  # tree order inside one depth
    rest = queries.search_orgs(people.county_od, "ya", limit=30)
    assert len(rest.orgs) == 25 and not rest.more


@pytest.mark.parametrize("typed", ["", "   ", "\x00", "%", "_", "'", "\\", "a" * 500, "塔" * 500])
def test_odd_input_never_breaks(world, people, typed):
    found = queries.search_orgs(people.county_od, typed)
    assert found.orgs == [] or all(o.path.startswith(world.county_a.path) for o in found.orgs)


def test_percent_and_underscore_are_literal(world, people):
    make_org(world.town_a, code="A_1", name="测试_支部")
    assert queries.search_orgs(people.county_od, "_").orgs == []  # "_" is no wildcard, and no key
    assert names(queries.search_orgs(people.county_od, "A_").orgs) == ["测试_支部"]
    assert queries.search_orgs(people.county_od, "%").orgs == []


def _many(world, n, start=0):
    for i in range(start, start + n):
        make_org(world.town_a, code=f"130123100{600 + i}", name=f"西关{i}村党支部")


def counted(world, measure) -> list:
    """``measure(total)`` (which returns its query count) with 1, then with 30 matching organizations."""
    counts = []
    for n, total in ((1, 1), (29, 30)):
        _many(world, n, start=total - n)
        counts.append(measure(total))
    return counts


def test_search_query_count_is_constant(world, people):
    od = people.county_od
    queries.assignments(od)

    def measure(total):
        with CaptureQueriesContext(connection) as ctx:
            found = queries.search_orgs(od, "xg", limit=50)
            queries.with_trails(od, found.orgs)
        assert len(found.orgs) == total and found.orgs[0].trail == ["正定县", "正定镇"]
        return len(ctx.captured_queries)

    assert counted(world, measure) == [2, 2]  # the search, the trails


# --- the picker's partials -------------------------------------------------------------------


def picker(client, **params):
    return client.get(reverse("orgs:picker"), params)


def test_picker_permissions(world, people, login, client):
    url = reverse("orgs:picker")
    anonymous = client.get(url, {"q": "tyz"})
    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]
    no_role = user_with_role(world.branch_a, Role.MEMBER, username="plain")
    no_role.assignments.all().delete()
    assert login(no_role).get(url, {"q": "tyz"}).status_code == 403
    client = login(people.county_od)
    own = picker(client, q="tyz")
    assert own.status_code == 200
    assert 'data-code="130123100201"' in own.content.decode() and "塔元庄村党支部" in text(own)
    other = reverse("orgs:picker_children", args=[world.town_b.code])
    assert client.get(other).status_code == 404
    assert client.get(reverse("orgs:picker_children", args=["no\x00such"])).status_code == 404
    mine = client.get(reverse("orgs:picker_children", args=[world.town_a.code]))
    assert mine.status_code == 200 and "正定镇中学党支部" in text(mine) and "滦州" not in text(mine)


def test_picker_without_query_starts_at_the_top_nodes(world, people, login):
    page = text(picker(login(people.county_od)))
    assert "正定县" in page and "石家庄市" not in page and "河北省" not in page
    children_url = reverse("orgs:picker_children", args=[world.county_a.code])
    assert f'data-children="{children_url}"' in page and 'aria-expanded="false"' in page


def test_picker_roles_and_levels(world, people, login):
    client = login(people.secretary)
    page = text(picker(client, q="tyz", roles=Role.ORG_DEPARTMENT))
    assert "没有找到组织" in page and "data-code" not in page  # may see it, may not act on it
    assert "塔元庄村党支部" in text(picker(client, q="tyz", roles=Role.SECRETARY))
    assert "data-code" not in text(picker(client, q="tyz", roles="no-such-role"))
    client = login(people.county_od)
    page = picker(client, levels=OrgLevel.BASIC).content.decode()
    # the county is shown to be opened, not chosen; its children keep the same filter
    assert 'aria-disabled="true"' in page and "展开后选择下级组织" in page
    assert f"{reverse('orgs:picker_children', args=[world.county_a.code])}?levels=basic" in page
    basic = picker(client, q="zd", levels=OrgLevel.BASIC).content.decode()
    assert "正定镇中学党支部" in basic and 'data-code="130123"' not in basic
    assert 'aria-selected="false"' in basic


def test_picker_more_hint(world, people, login):
    _many(world, 25)
    page = text(picker(login(people.county_od), q="xg"))
    assert page.count('class="org-picker-item"') == 20
    assert "仅显示前 20 个结果，请输入更多文字缩小范围" in page


def test_picker_query_count_is_constant(world, people, login):
    client = login(people.county_od)

    def measure(total):
        with CaptureQueriesContext(connection) as search:
            found = picker(client, q="xg")
        with CaptureQueriesContext(connection) as children:
            listed = client.get(reverse("orgs:picker_children", args=[world.town_a.code]))
        assert text(found).count('class="org-picker-item"') == min(total, 20)
        assert text(listed).count('class="org-picker-item"') == total + 2
        return len(search.captured_queries), len(children.captured_queries)

    counts = counted(world, measure)
    # on SQLite: session, user, role assignments, then the search and the trails / the node, children, trails
    assert counts[0] == counts[1] and counts[0][0] <= 5 and counts[0][1] <= 6, counts


# --- the form field -------------------------------------------------------------------------------


class PickForm(forms.Form):
    org_code = OrgPickerField(label="组织", roles={Role.ORG_DEPARTMENT})
    optional = OrgPickerField(label="可选", required=False, levels={OrgLevel.BASIC})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user


def test_field_cleans_to_the_org_in_scope(world, people):
    form = PickForm({"org_code": f" {world.branch_a.code} ", "optional": ""}, user=people.county_od)
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"org_code": world.branch_a, "optional": None}


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"org_code": "130223100201"}, "org_code", NOT_FOUND),  # another county, even by exact code
        ({"org_code": "130100"}, "org_code", NOT_FOUND),  # above the own node
        ({"org_code": "tyz"}, "org_code", NOT_FOUND),  # a search text is not a choice
        ({"org_code": "x" * 40}, "org_code", "确保该变量包含不超过 32 字符 (目前字符数 40)。"),
        ({"org_code": ""}, "org_code", "这个字段是必填项。"),
        ({"org_code": "a\x00b"}, "org_code", "不允许是用空字符串。"),
        ({"org_code": "130123100201", "optional": "130123100"}, "optional", "不能选择“正定镇”，请选择基层党组织"),
    ],
)
def test_field_errors(world, people, data, field, message):
    form = PickForm(data, user=people.county_od)
    assert not form.is_valid()
    assert form.errors[field] == [message]


def test_field_roles(world, people):
    form = PickForm({"org_code": world.branch_a.code}, user=people.province_lg)  # sees it, may not manage it
    assert form.errors["org_code"] == [NOT_FOUND]


def test_field_needs_a_user(world):
    class NoUser(forms.Form):
        org_code = OrgPickerField(label="组织")

    with pytest.raises(ImproperlyConfigured):
        NoUser({"org_code": world.branch_a.code}).is_valid()
    explicit = forms.Form()
    explicit.fields["org_code"] = OrgPickerField(label="组织", user=user_with_role(world.county_a))
    explicit.data, explicit.is_bound = {"org_code": world.branch_a.code}, True
    assert explicit.is_valid() and explicit.cleaned_data["org_code"] == world.branch_a


def test_widget_html(world, people):
    form = PickForm(initial={"org_code": world.branch_a}, user=people.county_od)
    html = str(form["org_code"])
    assert 'role="combobox"' in html and 'aria-expanded="false"' in html and 'aria-haspopup="tree"' in html
    assert 'aria-controls="id_org_code-tree"' in html and 'id="id_org_code-tree"' in html and 'role="tree"' in html
    assert 'value="130123100201"' in html and 'aria-describedby="id_org_code-chosen"' in html
    assert "已选择：塔元庄村党支部（130123100201） · 正定县 › 正定镇" in html
    assert f'data-url="{reverse("orgs:picker")}?roles=org_department"' in html
    assert "<script" not in html and "style=" not in html
    # a code outside the scope shows no name
    outside = PickForm({"org_code": world.branch_b.code}, user=people.county_od)
    assert "滦州" not in str(outside["org_code"])


def test_member_form_uses_the_picker(world, people, login):
    client = login(people.county_od)
    page = client.get(reverse("orgs:member_create"), {"org": world.branch_a.code}).content.decode()
    assert 'role="combobox"' in page and "已选择：塔元庄村党支部" in page
    assert 'data-url="/org-picker/?roles=org_department&amp;levels=basic"' in page


# --- the tree page's search -----------------------------------------------------------------------


def test_tree_page_search(world, people, login):
    client = login(people.county_od)
    page = text(client.get(reverse("orgs:tree"), {"q": "tyz"}))
    assert "“tyz”的查找结果" in page and "塔元庄村党支部" in page and "正定县 › 正定镇" in page
    assert reverse("orgs:org_detail", args=[world.branch_a.code]) in page
    other = text(client.get(reverse("orgs:tree"), {"q": world.branch_b.code}))
    assert "在您的管理范围内没有找到匹配的组织" in other and "滦州" not in other
    plain = text(client.get(reverse("orgs:tree")))
    assert "查找结果" not in plain and 'name="q"' in plain


def test_tree_search_query_count_is_constant(world, people, login):
    client = login(people.county_od)

    def measure(total):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("orgs:tree"), {"q": "xg"})
        assert text(response).count('class="org-search-result"') == total
        return len(ctx.captured_queries)

    counts = counted(world, measure)
    assert counts[0] == counts[1], counts
