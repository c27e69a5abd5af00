"""重试 of a failed background job (common.jobs), by its owner only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import jobs
from .models import Job


@login_required
@require_POST
def retry_job(request, pk):
    """POST from the page that shows the failed job. Anybody but its owner gets 404: another user's jobs do not
    exist for them (and the owner saw the page within their own scope)."""
    job = get_object_or_404(Job, pk=pk, owner=request.user)
    with jobs.watch() as watch:
        outcome = jobs.retry(job)
    if outcome == "retried":
        if watch.deferred:
            messages.warning(request, jobs.DEFERRED_MESSAGE)
        else:
            messages.success(request, _("已重新提交，处理完成后本页显示结果"))
    elif outcome == "superseded":
        messages.info(request, _("该任务已不需要重试：数据已在其他操作中处理"))
    else:
        messages.info(request, _("该任务当前不需要重试"))
    target = request.POST.get("next", "")
    host = {request.get_host()}
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts=host, require_https=request.is_secure())
    return redirect(target if safe else "/")
