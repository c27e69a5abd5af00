"""The API's writes of the campaign's work go through the pages' services: the same history rows as the pages
(milestone fulfilment, assessments, imports), the services' refusals as problems, and nothing half-written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from campaign.models import MilestoneDone
from evaluations.models import Assessment, AssessmentScore
from evaluations.services.criteria import applicable_set
from orgs.enums import Role
from orgs.models import ImportJob, Member
from tests.factories import user_with_role
from tests.factories.evaluations_scoring import make_period
from tests.orgs.test_import import MEMBER_COLUMNS, csv_bytes, member_row

pytestmark = pytest.mark.django_db


def ui(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


# --- milestone fulfilment -------------------------------------------------------------------------


def test_milestone_marks_leave_the_same_history_as_the_page(world, campaign, api):
    study = campaign.milestones.get(code="study")
    sec_ui, sec_api = user_with_role(world.branch_a, Role.SECRETARY), user_with_role(world.branch_a2, Role.SECRETARY)
    page = ui(sec_ui)
    assert page.post(reverse("campaign:milestone_mark", args=[study.pk, world.branch_a.code]), {"note": "集中学习"})
    page.post(reverse("campaign:milestone_unmark", args=[study.pk, world.branch_a.code]))
    page.post(reverse("campaign:milestone_mark", args=[study.pk, world.branch_a.code]), {"note": "集中学习"})

    client = api(sec_api)
    url = f"/api/v1/milestones/{study.pk}/orgs/{world.branch_a2.code}/"
    body = client.post(url + "done/", {"note": "集中学习"}, format="json").json()
    assert (body["done"], body["changed"], body["note"], body["milestone_name"]) == (True, True, "集中学习", "组织学习")
    assert client.post(url + "undone/").json()["changed"] is True
    client.post(url + "done/", {"note": "集中学习"}, format="json")
    again = client.post(url + "done/", {"note": "又一次"}, format="json").json()
    assert (again["changed"], again["note"]) == (False, "集中学习")  # idempotent, as the page

    def history(org, user):
        rows = MilestoneDone.history.filter(org_id=org.pk).order_by("history_id")
        return [(h.history_type, h.note, h.by_id == user.pk, h.history_user_id == user.pk) for h in rows]

    assert history(world.branch_a2, sec_api) == history(world.branch_a, sec_ui)
    assert history(world.branch_a2, sec_api) == [("+", "集中学习", True, True), ("-", "集中学习", True, True)] + [
        ("+", "集中学习", True, True)
    ]
    done = client.get(f"/api/v1/milestones/{study.pk}/orgs/?status=done").json()["results"]
    assert [(d["org"]["code"], d["note"]) for d in done] == [(world.branch_a2.code, "集中学习")]


def test_milestone_refusals_are_problems_and_write_nothing(world, campaign, seed_campaign, api):
    client = api(user_with_role(world.branch_a, Role.SECRETARY))
    summary = campaign.milestones.get(code="summary")  # a later step
    body = problem(client.post(f"/api/v1/milestones/{summary.pk}/orgs/{world.branch_a.code}/done/"), 400)
    assert "该步骤" in body["detail"] and "才开始，现在不能登记完成" in body["detail"]
    plan = campaign.milestones.get(code="plan")  # recorded by the plan workflow
    body = problem(client.post(f"/api/v1/milestones/{plan.pk}/orgs/{world.branch_a.code}/done/"), 400)
    assert body["detail"] == "该节点任务由相应业务自动登记完成，不能手工标记"
    past = seed_campaign.milestones.get(code="study")
    body = problem(client.post(f"/api/v1/milestones/{past.pk}/orgs/{world.branch_a.code}/done/"), 400)
    assert body["detail"] == "活动已经结束，不能再登记完成情况"
    study = campaign.milestones.get(code="study")
    mark = f"/api/v1/milestones/{study.pk}/orgs/{world.branch_a.code}/done/"
    for body, field in [({"note": "长" * 201}, "note"), ({"note": None}, "note"), ({"by": 1}, "by")]:
        answer = problem(client.post(mark, body, format="json"), 400)
        assert [e["field"] for e in answer["errors"]] == [field], body
    problem(client.post("/api/v1/milestones/999999/orgs/130123100201/done/"), 404)
    problem(
        client.post(f"/api/v1/milestones/{study.pk}/orgs/{world.branch_a.code}/undone/", {"x": 1}, format="json"), 400
    )
    assert not MilestoneDone.objects.exists() and not MilestoneDone.history.exists()


# --- assessments ----------------------------------------------------------------------------------


@pytest.fixture
def period(seed_criteria):
    return make_period(2011, code="y2011")


def test_assessment_draft_and_submit_leave_the_same_history_as_the_page(world, period, api):
    sec_ui, sec_api = user_with_role(world.branch_a, Role.SECRETARY), user_with_role(world.branch_a2, Role.SECRETARY)
    criteria = list(applicable_set(world.branch_a, period).criteria.all())
    assert [c.pk for c in applicable_set(world.branch_a2, period).criteria.all()] == [c.pk for c in criteria]
    first, rest = criteria[0], criteria[1:]

    url = reverse("evaluations:scoring_assess_org", args=["y2011", world.branch_a.code, "self"])
    draft = {f"level_{first.pk}": "satisfied", f"note_{first.pk}": "按时完成", "comment": "初稿"}
    assert ui(sec_ui).post(url, draft).status_code == 302
    full = {**draft, **{f"level_{c.pk}": "fairly" for c in rest}, "comment": "定稿", "action": "submit"}
    assert ui(sec_ui).post(url, full).status_code == 302

    client = api(sec_api)
    url = f"/api/v1/assessments/y2011/org/{world.branch_a2.code}/self/"
    body = {"scores": [{"criterion": first.pk, "level": "satisfied", "comment": "按时完成"}], "comment": "初稿"}
    response = client.post(url, body, format="json")
    assert response.status_code == 201 and response.json()["status"] == "draft"
    body = {
        "scores": body["scores"] + [{"criterion": c.pk, "level": "fairly"} for c in rest],
        "comment": "定稿",
        "submit": True,
    }
    response = client.post(url, body, format="json")
    assert response.status_code == 200
    answer = response.json()
    ui_assessment = Assessment.objects.get(org=world.branch_a)
    assert (answer["status"], answer["score"]) == ("submitted", float(ui_assessment.score))
    assert [(s["criterion"], s["level"]) for s in answer["scores"]] == [
        (s.criterion_id, s.level) for s in ui_assessment.scores.order_by("criterion__order")
    ]

    def history(org, user):
        assessment = Assessment.objects.get(org=org)
        rows = [
            (h.history_type, h.status, h.score, h.comment, h.author_id == user.pk, h.history_user_id == user.pk)
            for h in Assessment.history.filter(id=assessment.pk).order_by("history_id")
        ]
        scores = sorted(
            (h.criterion_id, h.history_type, h.level, h.points, h.comment, h.history_user_id == user.pk)
            for h in AssessmentScore.history.filter(assessment_id=assessment.pk)
        )
        return rows, scores

    assert history(world.branch_a2, sec_api) == history(world.branch_a, sec_ui)
    rows, scores = history(world.branch_a2, sec_api)
    assert [r[:2] for r in rows] == [("+", "draft"), ("~", "draft"), ("~", "submitted")]
    assert all(r[-1] for r in rows) and all(s[-1] for s in scores)  # every row names the API's user

    # submitted: locked, as the page (409), nothing changed
    locked = problem(client.post(url, {"scores": [], "comment": "改"}, format="json"), 409)
    assert locked["detail"] == "该评价已提交并锁定，不能再修改"
    assert Assessment.objects.get(org=world.branch_a2).comment == "定稿"


def test_assessment_refusals_write_nothing(world, period, seed_criteria, api):
    sec = user_with_role(world.branch_a, Role.SECRETARY)
    client = api(sec)
    url = f"/api/v1/assessments/y2011/org/{world.branch_a.code}/self/"
    criteria = list(applicable_set(world.branch_a, period).criteria.all())
    foreign = seed_criteria["five-models"].criteria.first()  # a criterion of another set: a foreign id in the body
    cases = [
        ({"scores": [{"criterion": foreign.pk, "level": "satisfied"}]}, 400, "scores[0].criterion"),
        ({"scores": [{"criterion": criteria[0].pk, "level": "satisfied"}] * 2}, 400, "scores[1].criterion"),
        ({"scores": [{"criterion": criteria[0].pk, "level": "nosuch"}]}, 400, None),
        ({"scores": [{"criterion": "one", "level": "satisfied"}]}, 400, "scores[0].criterion"),
        ({"scores": [{"criterion": criteria[0].pk, "level": "satisfied", "points": 100}]}, 400, "scores[0].points"),
        ({"scores": [], "author": 1}, 400, "author"),
        ({"scores": "all"}, 400, "scores"),
        ({"scores": [], "submit": "maybe"}, 400, "submit"),
        # submitting with criteria left out: the service refuses after the draft was made — rolled back
        ({"scores": [{"criterion": criteria[0].pk, "level": "satisfied"}], "submit": True}, 400, None),
    ]
    for body, status, field in cases:
        answer = problem(client.post(url, body, format="json"), status)
        if field:
            assert field in [e["field"] for e in answer["errors"]], (body, answer)
        assert not Assessment.objects.exists() and not Assessment.history.exists(), body
    problem(client.post(url, "{", content_type="application/json"), 400)
    problem(
        client.post(f"/api/v1/assessments/y2011/org/{world.branch_a.code}/mass/", {"scores": []}, format="json"), 404
    )
    problem(
        client.post(f"/api/v1/assessments/nosuch/org/{world.branch_a.code}/self/", {"scores": []}, format="json"), 404
    )
    assert not Assessment.objects.exists()


# --- imports --------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload_file(name, content):
    return SimpleUploadedFile(name, content)


def test_import_upload_dry_run_confirm_like_the_page(world, api, django_capture_on_commit_callbacks):
    page_user = user_with_role(world.county_a, Role.ORG_DEPARTMENT, full_name="页面")
    api_user = user_with_role(world.county_a, Role.ORG_DEPARTMENT, full_name="接口")
    page = ui(page_user)
    with django_capture_on_commit_callbacks(execute=True):
        page.post(
            reverse("orgs:import_list"),
            {"kind": "members", "file": upload_file("a.csv", csv_bytes(MEMBER_COLUMNS, [member_row(1)]))},
        )
    page_job = ImportJob.objects.get(created_by=page_user)
    with django_capture_on_commit_callbacks(execute=True):
        page.post(reverse("orgs:import_apply", args=[page_job.pk]))

    client = api(api_user)
    content = csv_bytes(MEMBER_COLUMNS, [member_row(2, 姓名="钱进")])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/imports/", {"kind": "members", "file": upload_file("b.csv", content)})
    assert response.status_code == 202
    job_url = response["Location"]
    assert job_url.endswith(f"/api/v1/imports/{ImportJob.objects.get(created_by=api_user).pk}/")
    job = client.get(job_url).json()
    assert (job["status"], job["running"], job["summary"]["created"], job["errors"]) == ("valid", False, 1, [])
    assert job["url"] == job_url and job["confirm_url"] == job_url + "confirm/"
    assert not Member.objects.filter(name="钱进").exists()  # the dry run wrote nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(job["confirm_url"])
    assert response.status_code == 202 and response["Location"] == job_url
    job = client.get(job_url).json()
    assert (job["status"], job["percent"], job["confirm_url"]) == ("done", 100, None)
    problem(client.post(job_url + "confirm/"), 409)  # applied once

    def history(job_user, name):
        job_rows = [
            (h.history_type, h.status, h.history_user_id == job_user.pk)
            for h in ImportJob.history.filter(created_by=job_user).order_by("history_id")
        ]
        member = Member.objects.get(name=name)
        member_rows = [
            (h.history_type, h.history_user_id == job_user.pk) for h in member.history.order_by("history_id")
        ]
        return job_rows, member_rows

    assert history(api_user, "钱进") == history(page_user, "赵新党")
    listed = client.get("/api/v1/imports/").json()["results"]
    assert [j["url"] for j in listed] == [job_url]


def test_a_bad_file_is_reported_row_by_row_and_cannot_be_confirmed(world, api, django_capture_on_commit_callbacks):
    client = api(user_with_role(world.county_a, Role.ORG_DEPARTMENT))
    content = csv_bytes(MEMBER_COLUMNS, [member_row(1, 性别="X"), member_row(2, 所在组织编码="130223100201")])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/imports/", {"kind": "members", "file": upload_file("c.csv", content)})
    job = client.get(response["Location"]).json()
    assert job["status"] == "invalid" and job["confirm_url"] is None
    assert {e["row"] for e in job["errors"]} == {2, 3} and job["errors_total"] == len(job["errors"])
    assert all(e["message"] for e in job["errors"])
    problem(client.post(job["url"] + "confirm/"), 409)
    assert Member.objects.count() == 3


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "members", "file": ("x.txt", b"hello")}, "file"),
        ({"kind": "nosuch", "file": ("x.csv", b"a,b")}, "kind"),
        ({"kind": "members"}, "file"),
        ({"kind": "members", "file": ("x.xlsx", b"not a zip")}, "file"),
        ({"kind": "members", "file": ("x.csv", b"a,b"), "org": "130223100201"}, "org"),
    ],
)
def test_bad_uploads_are_400_at_the_field_and_make_no_job(world, api, data, field):
    client = api(user_with_role(world.county_a, Role.ORG_DEPARTMENT))
    body = {k: upload_file(*v) if isinstance(v, tuple) else v for k, v in data.items()}
    answer = problem(client.post("/api/v1/imports/", body), 400)
    assert field in [e["field"] for e in answer["errors"]]
    assert not ImportJob.objects.exists()


def test_an_upload_as_json_is_415(world, api):
    client = api(user_with_role(world.county_a, Role.ORG_DEPARTMENT))
    problem(client.post("/api/v1/imports/", {"kind": "members"}, format="json"), 415)
    assert not ImportJob.objects.exists()


def test_a_huge_upload_is_refused(world, api, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 10
    client = api(user_with_role(world.county_a, Role.ORG_DEPARTMENT))
    answer = problem(client.post("/api/v1/imports/", {"kind": "members", "file": upload_file("x.csv", b"a" * 11)}), 400)
    assert "文件过大" in answer["detail"]
    assert not ImportJob.objects.exists()


# --- tokens that no longer open the door ------------------------------------------------------------


def _writes(world, campaign, period):
    study = campaign.milestones.get(code="study")
    return [
        (f"/api/v1/milestones/{study.pk}/orgs/{world.branch_a.code}/done/", {"note": "学习"}, "json"),
        (f"/api/v1/assessments/y2011/org/{world.branch_a.code}/self/", {"scores": []}, "json"),
        ("/api/v1/imports/", {"kind": "members", "file": ("x.csv", b"a,b")}, "multipart"),
    ]


def _nothing_written():
    assert not MilestoneDone.objects.exists() and not MilestoneDone.history.exists()
    assert not Assessment.objects.exists() and not Assessment.history.exists()
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("case", ["expired", "revoked", "lost_role", "disabled"])
def test_dead_tokens_write_nothing(world, campaign, period, api, case):
    from datetime import timedelta

    from django.utils import timezone

    from api.tokens import create_token, revoke_token

    sec = user_with_role(world.branch_a, Role.SECRETARY)
    sec.assignments.create(org=world.county_a, role=Role.ORG_DEPARTMENT)  # the import is the 组织部's
    token, secret = create_token(sec, name="同步")
    expected = 401
    if case == "expired":
        type(token).objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif case == "revoked":
        revoke_token(token, by=sec)
    elif case == "lost_role":
        sec.assignments.all().delete()
        expected = 403
    else:
        sec.is_active = False
        sec.save(update_fields=["is_active"])
    client = api(sec, token=secret)
    for url, body, fmt in _writes(world, campaign, period):
        data = {k: upload_file(*v) if isinstance(v, tuple) else v for k, v in body.items()}
        answer = problem(client.post(url, data, format=fmt), expected)
        assert answer["detail"], url
    _nothing_written()


def test_a_token_whose_user_lost_the_one_role_a_write_needs_is_403(world, api):
    user = user_with_role(world.branch_a, Role.SECRETARY)
    grant = user.assignments.create(org=world.county_a, role=Role.ORG_DEPARTMENT)
    client = api(user)
    assert client.get("/api/v1/imports/").status_code == 200
    grant.delete()  # the scope is read again on every request
    problem(client.post("/api/v1/imports/", {"kind": "members", "file": upload_file("x.csv", b"a,b")}), 403)
    problem(client.get("/api/v1/imports/"), 403)
    assert not ImportJob.objects.exists()
