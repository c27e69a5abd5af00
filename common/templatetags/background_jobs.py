"""{% latest_job target [kind] as background %}: the newest background job of an object, for
templates/common/_job_notice.html (a partial polled by htmx has no view context to carry it)."""

from django import template

from common import jobs

register = template.Library()


@register.simple_tag
def latest_job(target, kind=None):
    return jobs.latest(target, kind)
