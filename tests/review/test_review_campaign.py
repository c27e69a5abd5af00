"""Review findings in campaign/: each test shows a leak or a wrong answer across scope or role."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaign.models import Attachment, ExhibitionItem, InspectionMethod
from campaign.services.attachments import attach_files
from orgs.enums import Role
from tests.factories import user_with_role
from tests.factories.campaign_activities import MINIMAL_PDF, campaign_in_phase, make_activity, png_bytes
from tests.factories.campaign_supervision import make_inspection, png_file


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def activity_image(world, seed_campaign):
    record = make_activity(world.branch_a, campaign_in_phase(seed_campaign, 2))
    (image,) = attach_files(
        record, [SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")], org=world.branch_a, by=None
    )
    return image


def test_member_role_cannot_download_activity_attachment_it_cannot_read(world, login, activity_image):
    """A plain party member may not open the branch's activity records (403): nor their files."""
    member = user_with_role(world.branch_a, Role.MEMBER)
    client = login(member)
    record_url = reverse("campaign:activity_detail", args=[activity_image.owner_id])
    assert client.get(record_url).status_code == 403
    assert client.get(reverse("campaign:attachment", args=[activity_image.pk])).status_code == 403


def test_covert_inspection_files_stay_on_the_supervising_side(world, login):
    """暗访 evidence is filed under the issuing node; a non-supervising role there must not download it."""
    county_od = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    inspection = make_inspection(world.branch_a, county_od, method=InspectionMethod.COVERT_VISIT, files=[png_file()])
    attachment = Attachment.objects.get(owner_id=inspection.pk, owner_type__model="inspection")
    url = reverse("campaign:attachment", args=[attachment.pk])
    # The county committee's secretary covers the issuing node, but the inspection itself is hidden from it (404).
    county_secretary = user_with_role(world.county_a, Role.SECRETARY)
    client = login(county_secretary)
    assert client.get(reverse("campaign:supervision_inspection_detail", args=[inspection.pk])).status_code == 404
    assert client.get(url).status_code == 404
    # The issuing side still downloads it.
    assert login(county_od).get(url).status_code == 200


def test_exhibition_post_with_other_subtrees_attachment_is_404(world, login, activity_image):
    """A crafted attachment id of another city answers 404 and writes nothing (no existence oracle)."""
    city_b_od = user_with_role(world.city_b, Role.ORG_DEPARTMENT)
    response = login(city_b_od).post(
        reverse("campaign:exhibition_photos", args=[world.city_b.code]),
        {"attachment": activity_image.pk, "caption": "借用别人的照片"},
    )
    assert response.status_code == 404
    assert not ExhibitionItem.objects.exists()


def test_nomination_evidence_follows_the_nomination_read_rules(world, login, tmp_path, settings):
    """事迹材料 are readable by those who may open the nomination, not by every role covering the org."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from campaign.services.attachments import attach_files, attachments_of
    from orgs.enums import Role
    from tests.factories import user_with_role
    from tests.factories.awards_nominations import Staff, make_round, nominate_member

    settings.MEDIA_ROOT = tmp_path
    staff = Staff(world)
    award_round = make_round(world.province)
    nomination = nominate_member(award_round, world, by=staff.secretary)
    attach_files(nomination, [SimpleUploadedFile("事迹.pdf", MINIMAL_PDF)], org=world.branch_a, by=None)
    url = reverse("campaign:attachment", args=[attachments_of(nomination).get().pk])

    assert login(staff.secretary).get(url).status_code == 200
    assert login(staff.county).get(url).status_code == 200
    for role in (Role.MEMBER, Role.SECTOR_SUPERVISOR):
        other = user_with_role(world.branch_a, role, sector="rural" if role == Role.SECTOR_SUPERVISOR else "")
        assert login(other).get(url).status_code == 403, role
    assert login(staff.city_b).get(url).status_code == 404
