"""The background job: one row per piece of work handed to a Celery worker (common.jobs).

The row is written in the caller's transaction and is the truth about the work: the Celery message only says
"job 12, attempt 1 may run now". A message that is lost (broker down), redelivered (worker died) or duplicated
changes nothing by itself; the sweeper (common.jobs.sweep) reads these rows to publish what was never published
and to resume or fail what a dead worker left running.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.fields import set_null_fk


class Job(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("待处理")
        RUNNING = "running", _("处理中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")
        SUPERSEDED = "superseded", _("已取消")

    kind = models.CharField(_("类型"), max_length=64)
    kwargs = models.JSONField(_("参数"), default=dict, blank=True)
    owner = set_null_fk(settings.AUTH_USER_MODEL, _("提交人"))
    # What the job works on, as "app_label.model:pk" (orgs.importjob:12): the pages find their job by it.
    target = models.CharField(_("对象"), max_length=100, blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.PENDING)
    # The token carried by the message: a message of an older attempt is ignored.
    attempt = models.PositiveIntegerField(_("第几次"), default=1)
    max_attempts = models.PositiveIntegerField(_("最多次数"), default=3)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    # When the job (re)entered 待处理: the age the sweeper and /readyz look at.
    pending_since = models.DateTimeField(_("待处理起始"), default=timezone.now)
    published_at = models.DateTimeField(_("交给后台时间"), null=True, blank=True)
    publish_failed_at = models.DateTimeField(_("交给后台失败时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    failure_reason = models.CharField(_("失败原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sweeper's two questions, each over the few rows in that state.
            models.Index(fields=["pending_since"], name="job_pending", condition=Q(state="pending")),
            models.Index(fields=["heartbeat_at"], name="job_running", condition=Q(state="running")),
            # A page's job: the latest of its target.
            models.Index(fields=["target", "kind", "-id"], name="job_target"),
            # Cleaning up finished jobs.
            models.Index(fields=["finished_at"], name="job_finished", condition=~Q(state__in=["pending", "running"])),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk} · {self.get_state_display()}"

    @property
    def waiting_for_broker(self) -> bool:
        """Committed but not handed to the broker yet because it was unreachable: the sweeper will."""
        return self.state == self.State.PENDING and self.publish_failed_at is not None and self.published_at is None
