"""A task that fails, for the worker log test (loaded into the test's worker with --include)."""

from celery import shared_task


@shared_task(name="tests.deploy.fail")
def fail():
    raise ValueError("导入文件损坏（测试）")
