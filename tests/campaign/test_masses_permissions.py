"""The permission matrix of serving the masses, bulletins, exhibitions, instructors and 大学生村官:
every URL × role (the instructor included), always with the other city's data present.

anonymous → login redirect; another subtree → 404; wrong role in scope → 403; right role → 200.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import StoryStatus
from campaign.services import bulletins as bulletin_services
from masswork.services import masses as services
from tests.factories.campaign_activities import make_story
from tests.factories.campaign_masses import People, make_dispute, make_household, make_leading_group

pytestmark = pytest.mark.django_db

ROLES = ["leading_group", "org_department", "sector_supervisor", "secretary", "member", "instructor"]
USER_OF = {
    "leading_group": "city_lg",
    "org_department": "county_od",
    "sector_supervisor": "sector",
    "secretary": "secretary_a",
    "member": "member_a",
    "instructor": "instructor",
}
READERS = {"leading_group", "org_department", "sector_supervisor", "secretary", "instructor"}
WRITERS = {"org_department", "secretary"}


def expect(ok: set, *, hidden: set = frozenset()) -> dict:
    """200 for ``ok``, 404 for ``hidden`` (out of their scope), 403 for the rest."""
    return {role: 200 if role in ok else 404 if role in hidden else 403 for role in ROLES}


@pytest.fixture
def matrix(world, campaign):
    people = People(world)
    today = timezone.localdate()
    h_a = make_household(world.branch_a, people.secretary_a, members=[world.member_a])
    h_b = make_household(world.branch_b, people.secretary_b)
    meeting = {
        org: services.record_meeting(
            org, by=by, date=today, place="村委会", attendance=9, masses_count=5, issues="村道"
        )
        for org, by in ((world.branch_a, people.secretary_a), (world.branch_b, people.secretary_b))
    }
    d_a = make_dispute(world.branch_a, people.secretary_a)
    d_b = make_dispute(world.branch_b, people.secretary_b)
    make_leading_group(world.city_a)
    make_leading_group(world.city_b)
    story_a = make_story(world.branch_a, campaign, status=StoryStatus.PUBLISHED)
    story_b = make_story(world.branch_b, campaign, status=StoryStatus.PUBLISHED)
    b_a = bulletin_services.issue_bulletin(
        bulletin_services.create_bulletin(
            world.city_a, by=people.city_od, stories=[story_a], recipients=[world.county_a]
        ),
        by=people.city_od,
    )
    b_b = bulletin_services.issue_bulletin(
        bulletin_services.create_bulletin(
            world.city_b, by=people.city_b_od, stories=[story_b], recipients=[world.county_b]
        ),
        by=people.city_b_od,
    )
    everyone = set(ROLES)
    county_readers = {"leading_group", "org_department", "sector_supervisor"}
    below_county = {"secretary", "member", "instructor"}
    rows = [
        ("masses", reverse("masswork:masses"), None, expect(everyone)),
        ("household_list", reverse("masswork:household_list"), None, expect(everyone)),
        (
            "household_detail",
            reverse("masswork:household_detail", args=[h_a.pk]),
            reverse("masswork:household_detail", args=[h_b.pk]),
            expect(everyone),
        ),
        (
            "household_edit",
            reverse("masswork:household_edit", args=[h_a.pk]),
            reverse("masswork:household_edit", args=[h_b.pk]),
            expect(WRITERS),
        ),
        ("household_create", reverse("masswork:household_create"), None, expect(WRITERS)),
        ("no_contact", reverse("masswork:household_no_contact"), None, expect(WRITERS)),
        ("meeting_list", reverse("masswork:meeting_list"), None, expect(READERS)),
        (
            "meeting_detail",
            reverse("masswork:meeting_detail", args=[meeting[world.branch_a].pk]),
            reverse("masswork:meeting_detail", args=[meeting[world.branch_b].pk]),
            expect(READERS, hidden=set()),
        ),
        ("meeting_create", reverse("masswork:meeting_create"), None, expect(WRITERS)),
        ("dispute_list", reverse("masswork:dispute_list"), None, expect(READERS)),
        ("dispute_stats", reverse("masswork:dispute_stats"), None, expect(READERS)),
        (
            "dispute_detail",
            reverse("masswork:dispute_detail", args=[d_a.pk]),
            reverse("masswork:dispute_detail", args=[d_b.pk]),
            expect(READERS),
        ),
        ("dispute_create", reverse("masswork:dispute_create"), None, expect(WRITERS)),
        ("instructor_list", reverse("campaign:instructor_list"), None, expect({"org_department"})),
        ("instructor_home", reverse("campaign:instructor_home"), None, expect({"instructor"})),
        ("college_officials", reverse("campaign:college_official_list"), None, expect(READERS)),
        ("bulletin_list", reverse("campaign:bulletin_list"), None, expect(everyone)),
        (
            "bulletin_detail",
            reverse("campaign:bulletin_detail", args=[b_a.pk]),
            reverse("campaign:bulletin_detail", args=[b_b.pk]),
            expect(county_readers, hidden=below_county),
        ),
        (
            "bulletin_pdf",
            reverse("campaign:bulletin_pdf", args=[b_a.pk]),
            reverse("campaign:bulletin_pdf", args=[b_b.pk]),
            expect(county_readers, hidden=below_county),
        ),
        (
            "bulletin_create",
            reverse("campaign:bulletin_create"),
            None,
            expect({"leading_group", "org_department"}),
        ),
        (
            "exhibition",
            reverse("campaign:exhibition", args=[world.county_a.code]),
            reverse("campaign:exhibition", args=[world.county_b.code]),
            expect(county_readers, hidden=below_county),
        ),
        (
            "exhibition_edit",
            reverse("campaign:exhibition_edit", args=[world.county_a.code]),
            reverse("campaign:exhibition_edit", args=[world.county_b.code]),
            expect({"org_department"}, hidden=below_county),
        ),
        (
            "exhibition_photos",
            reverse("campaign:exhibition_photos", args=[world.county_a.code]),
            reverse("campaign:exhibition_photos", args=[world.county_b.code]),
            expect({"org_department"}, hidden=below_county),
        ),
    ]
    return people, rows


def test_anonymous_is_sent_to_login(client, matrix):
    _people, rows = matrix
    for name, url, _other, _expected in rows:
        response = client.get(url)
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login")), name


@pytest.mark.parametrize("role", ROLES)
def test_matrix(role, matrix, login):
    people, rows = matrix
    client = login(getattr(people, USER_OF[role]))
    for name, url, other, expected in rows:
        assert client.get(url).status_code == expected[role], (name, role)
        if other is not None:
            assert client.get(other).status_code == 404, (name, role, "other subtree")


def test_a_user_without_any_role_gets_403(matrix, login):
    people, rows = matrix
    client = login(people.no_role)
    for name, url, _other, _expected in rows:
        if name in ("masses", "household_list", "bulletin_list", "household_create"):
            assert client.get(url).status_code == 403, name
