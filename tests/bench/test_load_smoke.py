"""The load bench's journeys (bench/locustfile.py) run once each against the live server, so that they cannot
rot silently: every step of every journey finds its form and answers what the journey expects."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import bench_load  # noqa: E402  (bench/ is not a package: scripts run by path)

pytestmark = pytest.mark.slow

# Every request of every journey (locust request names: "<journey>｜<step>").
STEPS = {
    "基准 /healthz": ["healthz"],
    "登录": ["登录页", "提交用户名密码"],
    "书记": [
        "工作台",
        "实施方案",
        "站内信",
        "活动记录列表",
        "活动记录 填写页",
        "活动记录 提交",
        "承诺 填写页",
        "承诺 提交",
        "推荐 填写页",
        "推荐 提交",
    ],  # fmt: skip
    "截止高峰": ["方案 修改页", "方案 保存", "方案 提交"],
    "组织部": ["待我审批", "方案 筛选", "方案 审阅", "方案 审批通过", "党员 列表", "下级组织"],
    "领导小组": ["看板 全省", "看板 市", "看板 县", "看板 乡镇", "看板 后进", "看板 分领域", "看板 明细"],
    "群众评议": ["评议页", "提交评议"],
}


@pytest.mark.django_db(transaction=True)
def test_every_journey_step_answers_as_expected(live_server, settings, tmp_path, seed_campaign, seed_criteria):
    # seed_campaign / seed_criteria: the data migrations' rows, gone on PostgreSQL after an earlier transactional
    # test emptied the database
    # As in the bench: the users come through a proxy that says HTTPS and forwards one address per person.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_COUNT = 1
    call_command("load_demo", stdout=io.StringIO())
    call_command("demo_campaign", stdout=io.StringIO())
    fixture = bench_load.prepare_fixture(
        secretaries=1, county_users=1, province_users=1, tokens=2, password="Smoke-2010-load", plans_per_county_user=1
    )
    (tmp_path / "fixture.json").write_text(json.dumps(fixture, ensure_ascii=False), encoding="utf-8")
    env = {
        **os.environ,
        "LOAD_FIXTURE": str(tmp_path / "fixture.json"),
        "LOAD_RESULTS": str(tmp_path / "results.json"),
    }
    run = subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(bench_load.LOCUSTFILE), "--headless", "--host", live_server.url,
         "-u", "1", "-r", "1", "--run-time", "180s", "--only-summary", "--loglevel", "WARNING", "SmokeUser"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert results["errors"] == {}, results["messages"]
    assert results["notes"] == {}
    expected = {f"{journey}｜{step}" for journey, steps in STEPS.items() for step in steps}
    assert expected <= set(results["times"]), sorted(expected - set(results["times"]))
