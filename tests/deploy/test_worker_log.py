"""A real Celery worker, started as deploy/systemd/portal-worker.service starts it, logs a failed task as one JSON
line with its traceback and the id of the request that enqueued it (skipped without REDIS_URL)."""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from common import logging as portal_logging

ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = [
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="a real worker needs Redis: set REDIS_URL"),
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),  # send_task always publishes
]


def _lines(path):
    return [line for line in path.read_text().splitlines() if line.strip()]


def _wait(path, predicate, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(predicate(line) for line in _lines(path)):
            return
        time.sleep(0.2)
    raise AssertionError(f"the worker did not log it in time:\n{path.read_text()[-3000:]}")


def test_a_failed_task_is_one_json_line_with_the_request_id_of_its_sender(tmp_path):
    from config.celery import app

    queue = f"deploy-log-{uuid.uuid4().hex}"  # a queue of its own: no other worker on this Redis takes the task
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DJANGO_DEBUG": "false",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
    }
    log = tmp_path / "worker.log"
    with open(log, "w") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "--app", "config", "--quiet", "worker", "--loglevel", "INFO", "-O", "fair",
             "--pool", "solo", "--queues", queue, "--include", "tests.deploy.failing_tasks",
             "--without-mingle", "--without-gossip", "--without-heartbeat"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        _wait(log, lambda line: "ready" in line)
        request_id = uuid.uuid4().hex
        reset = portal_logging._request_id.set(request_id)  # as inside a web request
        try:
            app.send_task("tests.deploy.fail", queue=queue)
        finally:
            portal_logging._request_id.reset(reset)
        _wait(log, lambda line: '"level": "ERROR"' in line)
    finally:
        worker.terminate()
        worker.wait(timeout=60)

    lines = _lines(log)
    # every line is one JSON object, except the notice Celery prints itself (not through logging) when stopped
    assert [line for line in lines if not line.startswith("{")] == ["worker: Warm shutdown (MainProcess)"]
    records = [json.loads(line) for line in lines if line.startswith("{")]
    if os.getuid() == 0:  # Celery's warning about running as root went through logging too
        assert any(r["level"] == "WARNING" and r["logger"] == "py.warnings" for r in records)
    (failure,) = [r for r in records if r["level"] == "ERROR"]
    assert failure["logger"] == "celery.app.trace"
    assert failure["request_id"] == request_id
    assert failure["exc_info"].startswith("Traceback (most recent call last):")
    assert "ValueError: 导入文件损坏（测试）" in failure["exc_info"]
