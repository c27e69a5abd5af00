"""The access log and the error log as production writes them: one JSON object per line, each with the request id.

The test settings log plainly at WARNING; these tests install the LOGGING of config/settings/base.py (the one
production runs) with its stream redirected into a buffer, and put the test settings' logging back afterwards.
"""

import copy
import io
import json
import logging
import logging.config
import re

import pytest
from django.test import Client

from common import logging as portal_logging
from orgs.enums import Role
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

TOKEN = "Zq3vN8-secretTOKEN_4711abcdefghijklmnopqrstuv"
HEX_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def log_output(settings):
    """The production LOGGING (JSON) writing into a buffer; returns a function giving the raw text so far."""
    from config.settings import base

    config = copy.deepcopy(base.LOGGING)
    stream = io.StringIO()
    config["handlers"]["stderr"]["stream"] = stream
    config["handlers"]["stderr"]["formatter"] = "json"
    config["loggers"]["portal.access"]["level"] = "INFO"
    logging.config.dictConfig(config)
    yield stream.getvalue
    logging.config.dictConfig(settings.LOGGING)


def records(raw: str) -> list[dict]:
    """Every physical line is one JSON object (a traceback included)."""
    return [json.loads(line) for line in raw.splitlines()]


def access_lines(raw):
    return [r for r in records(raw) if r["logger"] == "portal.access"]


def test_a_request_writes_one_access_line_with_every_field(world, client, log_output):
    user = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    client.force_login(user)
    response = client.get("/healthz?q=张建国&page=2")
    assert response.status_code == 200

    raw = log_output()
    (line,) = access_lines(raw)
    assert line["method"] == "GET"
    assert line["path"] == "/healthz"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0 and 0 <= line["cpu_ms"] <= line["duration_ms"] + 1
    assert line["user_id"] == user.pk
    assert line["client"] == "127.0.0.1"
    assert line["level"] == "INFO"
    assert HEX_ID.fullmatch(line["request_id"])
    assert response["X-Request-ID"] == line["request_id"]
    assert line["message"].startswith("GET /healthz 200 ") and line["message"].endswith(f"user={user.pk}")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d", line["time"])
    assert "张建国" not in raw and "page=2" not in raw  # the query string stays out of the log


def test_an_anonymous_request_and_each_request_its_own_id(client, log_output):
    first = client.get("/healthz")
    second = client.get("/accounts/login/")
    lines = access_lines(log_output())
    assert [(line["path"], line["status"], line["user_id"]) for line in lines] == [
        ("/healthz", 200, None),
        ("/accounts/login/", 200, None),
    ]
    assert lines[0]["message"].endswith("user=-")
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_the_proxys_request_id_and_client_address_are_used_behind_a_trusted_proxy(client, settings, log_output):
    settings.TRUSTED_PROXY_COUNT = 1
    proxied = {"HTTP_X_FORWARDED_FOR": "203.0.113.9", "REMOTE_ADDR": "127.0.0.1"}
    nginx_id = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    ok = client.get("/healthz", HTTP_X_REQUEST_ID=nginx_id, **proxied)
    forged = client.get("/healthz", HTTP_X_REQUEST_ID='x" injected\tline', **proxied)
    settings.TRUSTED_PROXY_COUNT = 0
    direct = client.get("/healthz", HTTP_X_REQUEST_ID=nginx_id, HTTP_X_FORWARDED_FOR="203.0.113.9")

    lines = access_lines(log_output())
    assert ok["X-Request-ID"] == nginx_id and lines[0]["request_id"] == nginx_id
    assert lines[0]["client"] == "203.0.113.9"
    # an id that is not a plain token is replaced, so nobody writes into the log through the header
    assert HEX_ID.fullmatch(forged["X-Request-ID"]) and lines[1]["request_id"] == forged["X-Request-ID"]
    # no trusted proxy: the header is the client's own, neither id nor address is taken from it
    assert direct["X-Request-ID"] != nginx_id and HEX_ID.fullmatch(direct["X-Request-ID"])
    assert lines[2]["client"] == "127.0.0.1"


def test_a_one_time_token_never_reaches_the_log(client, log_output):
    client.get(f"/evaluations/m/{TOKEN}/?x=1")
    client.post(f"/evaluations/m/{TOKEN}/", {"c1": "satisfied"})
    client.get(f"/evaluations/m/{TOKEN}%00/")  # malformed: answered 404 before any view, still masked
    client.get("/evaluations/m/thanks/")

    raw = log_output()
    assert TOKEN not in raw and TOKEN[:20] not in raw
    paths = [line["path"] for line in access_lines(raw)]
    assert paths == ["/evaluations/m/<token>/"] * 3 + ["/evaluations/m/thanks/"]
    assert [line["method"] for line in access_lines(raw)][:2] == ["GET", "POST"]
    assert access_lines(raw)[2]["status"] == 404


def test_an_unhandled_error_logs_one_json_line_with_traceback_and_request_id(world, settings, log_output):
    settings.ROOT_URLCONF = "tests.deploy.boom_urls"
    user = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    client = Client(raise_request_exception=False)
    client.force_login(user)

    response = client.get("/boom/")

    assert response.status_code == 500
    page = response.content.decode()
    assert "服务器错误" in page and "系统出现错误，已记录。请稍后重试。" in page
    assert "secret-detail" not in page and "RuntimeError" not in page and "Traceback" not in page
    logged = records(log_output())
    errors = [r for r in logged if r["level"] == "ERROR"]
    assert len(errors) == 1
    (error,) = errors
    assert error["logger"] == "django.request"
    assert error["message"] == "Internal Server Error: /boom/"
    assert error["request_id"] == response["X-Request-ID"]
    assert error["exc_info"].startswith("Traceback (most recent call last):")
    assert "RuntimeError: 内部细节 secret-detail-42" in error["exc_info"]
    assert error["status_code"] == 500
    (access,) = [r for r in logged if r["logger"] == "portal.access"]
    assert (access["status"], access["user_id"], access["request_id"]) == (500, user.pk, error["request_id"])


def test_a_5xx_answer_is_logged_with_its_request_id(settings, log_output):
    """Django logs a 5xx answer a view returned after the middleware has finished: the id comes from the request."""
    settings.ROOT_URLCONF = "tests.deploy.boom_urls"
    response = Client().get("/unavailable/")
    assert response.status_code == 503
    (error,) = [r for r in records(log_output()) if r["level"] == "ERROR"]
    assert error["message"] == "Service Unavailable: /unavailable/"
    assert error["request_id"] == response["X-Request-ID"]


def test_an_error_on_a_token_page_does_not_log_the_token(settings, log_output):
    settings.ROOT_URLCONF = "tests.deploy.boom_urls"
    response = Client(raise_request_exception=False).get(f"/evaluations/m/{TOKEN}/")
    assert response.status_code == 500
    raw = log_output()
    assert TOKEN not in raw
    (error,) = [r for r in records(raw) if r["level"] == "ERROR"]
    assert error["message"] == "Internal Server Error: /evaluations/m/<token>/"
    assert "request" not in error  # the request object's repr would show the path


def test_a_log_line_outside_a_request_has_no_request_id(log_output):
    logging.getLogger("orgs.tasks").warning("导入任务 %s 未找到", 17)
    (line,) = records(log_output())
    assert line == {
        "time": line["time"],
        "level": "WARNING",
        "logger": "orgs.tasks",
        "message": "导入任务 17 未找到",
        "request_id": None,
    }


class _FakeTask:
    def __init__(self, **headers):
        self.request = type("Context", (), headers)()


def test_a_celery_task_runs_under_the_id_of_the_request_that_enqueued_it(log_output):
    from celery.signals import before_task_publish, task_postrun, task_prerun

    request_id = "4b1d0c0ffee04b1d0c0ffee04b1d0c0f"
    headers = {}
    reset = portal_logging._request_id.set(request_id)
    try:
        before_task_publish.send(sender="orgs.validate_import", headers=headers, body=())
    finally:
        portal_logging._request_id.reset(reset)
    assert headers == {portal_logging.TASK_HEADER: request_id}

    # in the worker: the header arrives as an attribute of task.request
    task = _FakeTask(**headers)
    task_prerun.send(sender=task, task_id="task-1", task=task)
    logging.getLogger("celery.app.trace").error("Task failed", exc_info=ValueError("坏文件"))
    task_postrun.send(sender=task, task_id="task-1", task=task)
    assert portal_logging.current_request_id() is None

    # a task nobody enqueued from a request (beat) logs under its own task id
    beat_task = _FakeTask()
    task_prerun.send(sender=beat_task, task_id="9f8e7d6c-5b4a-3928-1706-f5e4d3c2b1a0", task=beat_task)
    logging.getLogger("celery.app.trace").error("Task failed")
    task_postrun.send(sender=beat_task, task_id="9f8e7d6c-5b4a-3928-1706-f5e4d3c2b1a0", task=beat_task)

    failed, beat = records(log_output())
    assert failed["request_id"] == request_id and "ValueError: 坏文件" in failed["exc_info"]
    assert beat["request_id"] == "9f8e7d6c-5b4a-3928-1706-f5e4d3c2b1a0"
    assert portal_logging.current_request_id() is None
