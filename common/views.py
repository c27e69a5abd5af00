"""Views every app uses: a form page whose POST calls one service (also as a form on a record's page), a POST-only
action calling one service, 重试 of a failed background job (common.jobs), by its owner only, a stored file as the
answer, and a list narrowed by one choice from the query string."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import FormView

from . import jobs
from .errors import RefusalMixin
from .models import Job

# An uploaded file served back: never sniffed as another type, and no script in it runs as a page of the portal.
SANDBOXED = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox"}


def stored_file_response(stored, *, headers=None, **options) -> FileResponse:
    """The stored file ``stored`` as the answer (404 when the storage no longer has it): ``options`` go to
    ``FileResponse`` (content_type, as_attachment, filename), ``headers`` are set on the answer."""
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, **options)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


class ChoiceFilterMixin:
    """A list narrowed by one choice read from the query string (``?<choice_param>=``): one of the values of
    ``choice_options`` ((value, label) pairs), anything else is no choice (""). ``get_choice()`` answers it;
    ``filter_by_choice(queryset)`` keeps the rows whose field ``choice_param`` has it. The context keeps the choice
    under ``choice_param`` and the options under ``options_name``; with ``choice_in_query``, also ``query``: the
    choice for the pager's links."""

    choice_param = "status"
    choice_options = ()
    options_name = "statuses"
    choice_in_query = False

    def get_choice(self) -> str:
        value = self.request.GET.get(self.choice_param, "")
        return value if value in dict(self.choice_options) else ""

    def filter_by_choice(self, queryset):
        choice = self.get_choice()
        return queryset.filter(**{self.choice_param: choice}) if choice else queryset

    def get_context_data(self, **kwargs):
        choice = self.get_choice()
        kwargs.setdefault(self.choice_param, choice)
        kwargs.setdefault(self.options_name, self.choice_options)
        if self.choice_in_query:
            kwargs.setdefault("query", f"{self.choice_param}={choice}" if choice else "")
        return super().get_context_data(**kwargs)


class ServiceFormView(RefusalMixin, FormView):
    """A form page whose valid POST calls one service: ``perform(data)`` returns what it saved; a refusal lands at
    the form's field it names (``RefusalMixin``: 409 for a stale edit, 403/404 pages), nothing written; then the
    flash ``get_success_message(result)`` and a redirect to ``get_success_url(result)``. ``perform`` reads the
    bound form as ``self.form`` when it needs more than the cleaned data (``changed_data``, a form's own method).

    The page shows ``title`` and a cancel link to ``get_cancel_url()`` (context ``cancel_url``). Put the scope and
    role mixins before this class: they load ``self.object`` and check the role before the form is read."""

    title = ""
    success_message = gettext_lazy("已保存")

    def perform(self, data):
        raise NotImplementedError

    def get_cancel_url(self) -> str:
        raise NotImplementedError

    def get_success_message(self, result) -> str:
        return self.success_message

    def get_success_url(self, result=None) -> str:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", self.title)
        kwargs.setdefault("cancel_url", self.get_cancel_url())
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        self.form = form
        result = self.perform(form.cleaned_data)
        messages.success(self.request, self.get_success_message(result))
        return redirect(self.get_success_url(result))


class RecordPageFormView(ServiceFormView):
    """A form shown on a record's page and posted to an address of its own (POST only; GET answers 405): the
    view ``record_view`` shows the record, the form in its context as ``form_name``. An invalid form or a
    refusal shows that page again with the errors at the form's fields (``render_refused``); an invalid form
    answers ``refusal_status`` as an invalid refusal does."""

    http_method_names = ["post"]
    record_view = None
    form_name = ""

    def form_invalid(self, form):
        response = self.render_refused(form)
        response.status_code = self.refusal_status
        return response

    def render_refused(self, form):
        view = self.record_view(request=self.request, args=self.args, kwargs=self.kwargs, object=self.object)
        return view.render_to_response(view.get_context_data(**{self.form_name: form}))


class ServiceActionView(RefusalMixin, View):
    """A button (POST only; GET answers 405) that calls one service: ``perform()`` returns what it did, then the
    flash ``get_success_message(result)`` (``success_message``; none when empty) and a redirect to
    ``get_success_url()``; a refusal is a flash naming the field and a redirect to the same place (``RefusalMixin``;
    a stale one the 409 page). ``get_success_url`` is read before the service runs, so it may name the record the
    service deletes."""

    http_method_names = ["post"]
    success_message = ""

    def perform(self):
        raise NotImplementedError

    def get_success_message(self, result) -> str:
        return self.success_message

    def get_success_url(self) -> str:
        raise NotImplementedError

    def get_refusal_url(self) -> str:
        return self.get_success_url()

    def post(self, request, *args, **kwargs):
        target = self.get_success_url()
        result = self.perform()
        if message := self.get_success_message(result):
            messages.success(request, message)
        return redirect(target)


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
