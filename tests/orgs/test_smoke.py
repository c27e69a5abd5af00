from orgs.enums import Role
from tests.factories import user_with_role

def test_smoke(world, login):
    u = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    c = login(u)
    for url in ["/orgs/", f"/orgs/{world.county_a.code}/", f"/orgs/{world.county_a.code}/children/", "/members/", f"/members/{world.member_a.pk}/", f"/members/{world.member_a.pk}/edit/", f"/members/{world.member_a.pk}/transfer/", "/members/new/", f"/orgs/{world.county_a.code}/add/", f"/orgs/{world.county_a.code}/edit/"]:
        r = c.get(url)
        assert r.status_code == 200, (url, r.status_code)
    assert c.get(f"/orgs/{world.county_b.code}/").status_code == 404
    r = c.get("/members/")
    assert "张建国" in r.content.decode() and "王志强" not in r.content.decode()
    assert world.province.subtree_members == 3
