"""成果展示: photos chosen by the 组织部 from activity-record images and published stories' covers of its subtree,
ordered and captioned; public only where marked, and photos served publicly only from a public exhibition."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from campaign.models import ExhibitionItem, StoryStatus
from campaign.queries import bulletins as bq
from campaign.services import bulletins as services
from campaign.services.attachments import attach_files
from tests.factories.campaign_activities import make_activity, make_story, pdf_upload, png_upload
from tests.factories.campaign_masses import People

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world):
    return People(world)


@pytest.fixture
def images(world, people, campaign):
    activity_a = make_activity(world.branch_a, campaign, title="塔元庄主题党日")
    activity_b = make_activity(world.branch_b, campaign, title="滦州主题党日")
    published = make_story(world.branch_a2, campaign, status=StoryStatus.PUBLISHED, title="中学典型")
    draft = make_story(world.branch_a, campaign, status=StoryStatus.DRAFT, title="草稿")
    (a_photo,) = attach_files(activity_a, [png_upload("a.png")], org=world.branch_a, by=people.secretary_a)
    (a_pdf,) = attach_files(activity_a, [pdf_upload("a.pdf")], org=world.branch_a, by=people.secretary_a)
    (b_photo,) = attach_files(activity_b, [png_upload("b.png")], org=world.branch_b, by=people.secretary_b)
    (cover,) = attach_files(published, [png_upload("cover.png")], org=world.branch_a2, by=people.secretary_a2)
    (draft_cover,) = attach_files(draft, [png_upload("draft.png")], org=world.branch_a, by=people.secretary_a)
    published.cover = cover
    published.save(update_fields=["cover"])
    draft.cover = draft_cover
    draft.save(update_fields=["cover"])
    return {"a": a_photo, "pdf": a_pdf, "b": b_photo, "cover": cover, "draft_cover": draft_cover}


def text(response):
    return response.content.decode()


def test_candidates_are_activity_images_and_published_covers_of_the_subtree(world, images):
    found = set(bq.candidate_images(world.county_a).values_list("pk", flat=True))
    assert found == {images["a"].pk, images["cover"].pk}
    assert set(bq.candidate_images(world.branch_a).values_list("pk", flat=True)) == {images["a"].pk}
    assert set(bq.candidate_images(world.province).values_list("pk", flat=True)) == {
        images["a"].pk,
        images["cover"].pk,
        images["b"].pk,
    }


def test_org_department_builds_the_exhibition(world, people, images, login):
    client = login(people.county_od)
    photos = client.get(reverse("campaign:exhibition_photos", args=[world.county_a.code]))
    assert [a.pk for a in photos.context["object_list"]] == [images["cover"].pk, images["a"].pk]
    for key, caption in (("a", "塔元庄村党员义务修路"), ("cover", "中学党员先锋岗")):
        response = client.post(
            reverse("campaign:exhibition_photos", args=[world.county_a.code]),
            {"attachment": images[key].pk, "caption": caption},
        )
        assert response.status_code == 302
    page = text(client.get(reverse("campaign:exhibition", args=[world.county_a.code])))
    assert page.index("塔元庄村党员义务修路") < page.index("中学党员先锋岗")
    second = ExhibitionItem.objects.get(caption="中学党员先锋岗")
    client.post(reverse("campaign:exhibition_item", args=[world.county_a.code, second.pk]), {"action": "up"})
    client.post(
        reverse("campaign:exhibition_item", args=[world.county_a.code, second.pk]),
        {"action": "caption", "caption": "正定镇中学党员先锋岗"},
    )
    page = text(client.get(reverse("campaign:exhibition", args=[world.county_a.code])))
    assert page.index("正定镇中学党员先锋岗") < page.index("塔元庄村党员义务修路")
    # the same photo twice, a photo of another subtree, a PDF, an unpublished cover: refused
    exhibition = second.exhibition
    for key, message in (
        ("a", "这张图片已在展览中"),
        ("b", "只能选用本地区"),
        ("pdf", "只能选用本地区"),
        ("draft_cover", "只能选用本地区"),
    ):
        with pytest.raises(ValidationError) as error:
            services.add_exhibition_item(world.county_a, images[key], by=people.county_od, caption="x")
        assert message in str(error.value), key
    with pytest.raises(ValidationError):
        services.add_exhibition_item(world.county_a, images["a"], by=people.county_od, caption="  ")
    assert exhibition.items.count() == 2
    client.post(reverse("campaign:exhibition_item", args=[world.county_a.code, second.pk]), {"action": "remove"})
    assert exhibition.items.count() == 1


def test_exhibition_permissions(world, people, images, login):
    services.add_exhibition_item(world.county_a, images["a"], by=people.county_od, caption="修路")
    url = reverse("campaign:exhibition", args=[world.county_a.code])
    assert "修路" in text(login(people.county_lg).get(url))  # readers in scope see it
    assert "选用图片" not in text(login(people.county_lg).get(url))
    for who in ("county_lg", "sector"):
        client = login(getattr(people, who))
        assert client.get(reverse("campaign:exhibition_edit", args=[world.county_a.code])).status_code == 403, who
        assert client.get(reverse("campaign:exhibition_photos", args=[world.county_a.code])).status_code == 403, who
    assert login(people.city_b_od).get(url).status_code == 404
    assert (
        login(people.city_b_od).get(reverse("campaign:exhibition_edit", args=[world.county_a.code])).status_code == 404
    )
    with pytest.raises(PermissionDenied):
        services.add_exhibition_item(world.county_a, images["cover"], by=people.county_lg, caption="x")
    with pytest.raises(PermissionDenied):
        services.save_exhibition(world.county_a, by=people.secretary_a, title="x", public=True)


def test_public_only_where_marked_and_photos_only_from_public_exhibitions(client, world, people, images, login):
    item = services.add_exhibition_item(world.county_a, images["a"], by=people.county_od, caption="党员义务修路")
    county_b_item = services.add_exhibition_item(world.city_b, images["b"], by=people.city_b_od, caption="滦州")
    public_page = reverse("campaign:public_exhibition", args=[world.county_a.code])
    photo = reverse("campaign:public_exhibition_photo", args=[world.county_a.code, item.pk])
    assert client.get(public_page).status_code == 404  # not marked public yet
    assert client.get(photo).status_code == 404
    response = login(people.county_od).post(
        reverse("campaign:exhibition_edit", args=[world.county_a.code]),
        {"title": "正定县创先争优活动成果展", "intro": "集中展示活动成果", "public": "on"},
    )
    assert response.status_code == 302
    client.logout()
    page = client.get(public_page)
    assert page.status_code == 200
    assert "正定县创先争优活动成果展" in text(page) and "党员义务修路" in text(page) and photo in text(page)
    image = client.get(photo)
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")
    # an item of a non-public exhibition, under this code or its own: 404; the plain attachment needs a login
    assert (
        client.get(
            reverse("campaign:public_exhibition_photo", args=[world.county_a.code, county_b_item.pk])
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("campaign:public_exhibition_photo", args=[world.city_b.code, county_b_item.pk])).status_code
        == 404
    )
    assert client.get(reverse("campaign:attachment", args=[images["a"].pk])).status_code == 302
    # unmarked again: gone from the public
    services.save_exhibition(world.county_a, by=people.county_od, title="正定县创先争优活动成果展", public=False)
    assert client.get(public_page).status_code == 404
    assert client.get(photo).status_code == 404
