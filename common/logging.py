"""Logs an operator can parse: one JSON object per line on stderr, every line carrying the request's id.

* ``AccessLogMiddleware`` (first in MIDDLEWARE) gives each request an id — the reverse proxy's ``X-Request-ID``
  when a trusted proxy sent a sane one (nginx: ``$request_id``), a fresh one otherwise — sends it back in the
  response's ``X-Request-ID`` and writes one line per request to the logger ``portal.access``: method, path (no
  query string; one-time tokens masked), status, duration, user id, request id and the client address of
  ``common.net.client_ip``.
* ``RequestIdFilter`` (on the handler) stamps every record — Django's "Internal Server Error" with its traceback,
  a service's warning, a Celery task's failure — with the id of the request or task it belongs to, and masks a
  one-time token in a record that quotes the request's path.
* ``JsonFormatter`` (python-json-logger) writes a record as one JSON object: ``time``, ``level``, ``logger``,
  ``message``, ``request_id``, the record's extra fields and, for an exception, ``exc_info`` (the traceback as
  one string).
* A Celery task runs under the id of the request that enqueued it (a message header), so a failed import's
  traceback in the worker's log is found with the id the web request logged.

Configured in config/settings/base.py (LOGGING) and, for gunicorn's own messages, deploy/gunicorn.conf.py.
"""

import contextvars
import datetime
import logging
import re
import time
import uuid

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.conf import settings
from django.http import Http404
from django.urls import resolve
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as LibraryJsonFormatter

from .net import client_ip

access_logger = logging.getLogger("portal.access")

REQUEST_ID_HEADER = "X-Request-ID"
# The Celery message header that carries the enqueuing request's id to the worker.
TASK_HEADER = "portal_request_id"
# What a proxy's id may look like: nginx's $request_id is 32 hex digits, others use UUIDs. Anything else (too
# long, spaces, quotes, control characters) is replaced by a fresh id, so nobody writes into the log through it.
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
# URL parameters that are secrets: the one-time token of the 群众评议 answer page (evaluations/m/<token>/).
# Whoever reads the log must not be able to answer in somebody's name.
SECRET_URL_KWARGS = frozenset({"token"})

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("portal_request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request (or Celery task) this thread is working for, if any."""
    return _request_id.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def incoming_request_id(request) -> str | None:
    """The proxy's id for this request, when there is a trusted proxy and the id looks like one."""
    if getattr(settings, "TRUSTED_PROXY_COUNT", 0) <= 0:
        return None  # no proxy: the header is whatever the client wrote
    value = request.headers.get(REQUEST_ID_HEADER, "")
    return value if _SANE_ID.fullmatch(value) else None


def _secrets(request) -> list[str]:
    """The values of the request's secret URL parameters (resolving the path if no view was reached)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Http404:  # Resolver404: no pattern, so no parameter either
            return []
    return [str(value) for name, value in match.kwargs.items() if name in SECRET_URL_KWARGS and value]


def _mask(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        for form in {secret, secret.encode("unicode_escape").decode("ascii")}:
            text = text.replace(form, "<token>")
    return text


def logged_path(request) -> str:
    """The path as the log shows it: without the query string, one-time tokens replaced by ``<token>``."""
    return _mask(request.path, _secrets(request))


def _user_id(request):
    user = getattr(request, "user", None)  # absent when a middleware answered before AuthenticationMiddleware
    if user is None:
        return None
    try:
        return user.pk if user.is_authenticated else None
    except Exception:  # noqa: BLE001  (the session or user lookup failed, e.g. the database is down: log anyway)
        return None


class AccessLogMiddleware:
    """Request id in, request id out, one access line per request. First in MIDDLEWARE, so the time and the
    status include every other middleware (the https redirect, the 404 of a malformed URL, the lockout page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = incoming_request_id(request) or new_request_id()
        request.request_id = request_id
        reset = _request_id.set(request_id)
        started, cpu_started = time.monotonic(), time.thread_time()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            if access_logger.isEnabledFor(logging.INFO):
                cpu_ms = (time.thread_time() - cpu_started) * 1000
                self.log(request, response, (time.monotonic() - started) * 1000, cpu_ms)
            return response
        finally:
            _request_id.reset(reset)

    @staticmethod
    def log(request, response, duration_ms, cpu_ms=None):
        path = logged_path(request)
        user_id = _user_id(request)
        access_logger.info(
            "%s %s %s %.0fms user=%s",
            request.method,
            path,
            response.status_code,
            duration_ms,
            "-" if user_id is None else user_id,
            extra={
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": round(duration_ms, 1),
                # CPU time of the thread that served the request: duration_ms much larger than cpu_ms (and the
                # database's share) means the request waited for a CPU — a busy machine, not a slow page
                "cpu_ms": None if cpu_ms is None else round(cpu_ms, 1),
                "user_id": user_id,
                "client": client_ip(request),
            },
        )


def _stamp(record):
    """The record's request id: the request it names (Django logs a 5xx answer after the middleware returned),
    else the request or task this thread is working for."""
    if not hasattr(record, "request_id"):
        record.request_id = getattr(getattr(record, "request", None), "request_id", None) or _request_id.get()


class RequestIdFilter(logging.Filter):
    """Every record gets ``request_id`` (None outside a request or task); a record about a request (Django's
    ``django.request`` and ``django.security`` loggers pass it as ``extra``) has its one-time tokens masked."""

    def filter(self, record):
        _stamp(record)
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path_info"):
            secrets = _secrets(request)
            if secrets:
                record.msg = _mask(str(record.msg), secrets)
                if isinstance(record.args, tuple):
                    record.args = tuple(_mask(a, secrets) if isinstance(a, str) else a for a in record.args)
        return True


class JsonFormatter(LibraryJsonFormatter):
    """One JSON object per record and line: time (ISO 8601, local time with its offset), level, logger, message,
    request_id, extra fields, exc_info. The request object Django attaches is left out (its repr shows the path
    with any token), and so are the internals of a record nobody searches by."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request", "server_time"])
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)
        # Python warnings (a library's deprecation, Celery's "running as root") become log records (py.warnings)
        # instead of plain text on stderr, so that stderr stays one JSON object per line.
        logging.captureWarnings(True)

    def format(self, record):
        _stamp(record)
        return super().format(record)

    def formatTime(self, record, datefmt=None):  # noqa: N802  (logging's name)
        moment = datetime.datetime.fromtimestamp(record.created).astimezone()
        return moment.isoformat(timespec="milliseconds")


class TextFormatter(logging.Formatter):
    """For a developer's terminal (LOG_FORMAT=text): the same facts, one line plus the traceback."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        super().__init__(*args, **kwargs)

    def format(self, record):
        _stamp(record)
        return super().format(record)


# Celery: the enqueuing request's id travels with the message; the worker runs the task under it (or under the
# task's own id when nothing enqueued it from a request, e.g. beat). Eager tasks run inside the request already.


@before_task_publish.connect(dispatch_uid="portal-request-id-publish")
def _send_request_id(headers=None, **kwargs):
    request_id = _request_id.get()
    if request_id and headers is not None and TASK_HEADER not in headers:
        headers[TASK_HEADER] = request_id


_task_resets: dict[str, contextvars.Token] = {}


@task_prerun.connect(dispatch_uid="portal-request-id-prerun")
def _enter_task(task_id=None, task=None, **kwargs):
    request_id = getattr(task.request, TASK_HEADER, None) if task is not None else None
    request_id = request_id or _request_id.get() or task_id
    if request_id and _SANE_ID.fullmatch(str(request_id)) and task_id:
        _task_resets[task_id] = _request_id.set(str(request_id))


@task_postrun.connect(dispatch_uid="portal-request-id-postrun")
def _leave_task(task_id=None, **kwargs):
    reset = _task_resets.pop(task_id, None) if task_id else None
    if reset is not None:
        try:
            _request_id.reset(reset)
        except ValueError:  # set in another context (a thread pool): nothing of ours to undo here
            _request_id.set(None)
