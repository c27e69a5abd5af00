"""Every error of the API as RFC 9457 problem details (``application/problem+json``) in Chinese.

Body: ``type`` (a URI reference naming the kind of problem), ``title`` (short, Chinese), ``status``, ``detail``
(what happened, Chinese), ``instance`` (the request path) and, for bad input, ``errors``: one entry per field
(``field`` is the JSON field or query parameter; ``null`` for the request as a whole) with its Chinese message.

A service refuses with Django's ``ValidationError`` ({field: 中文}) or ``PermissionDenied``: 400 with the field
(409 when the record changed meanwhile or is in a state that forbids the step), 403. No exception's own text
reaches a client except these messages written for users.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from common import errors

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "/api/problems/"
# Codes of service errors that mean "the record is not in a state for this" (409), not "your input is wrong".
CONFLICT_CODES = frozenset({errors.STALE, "status", "exists", "conflict"})


class ProblemJSONRenderer(JSONRenderer):
    """Lets a client ask for ``Accept: application/problem+json``."""

    media_type = PROBLEM_CONTENT_TYPE


def _text(value) -> str:
    if isinstance(value, str | Promise):
        return f"{value}"
    return ""


def _flatten_drf(detail, prefix="") -> list[dict]:
    """DRF's nested error detail as a flat list of {field, detail, code}."""
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            if key in ("non_field_errors", "__all__"):
                name = None
            elif isinstance(key, int):  # a list's item (DRF keys the errors of ``many=True`` by index)
                name = f"{prefix}[{key}]"
            else:
                name = f"{prefix}.{key}" if prefix else f"{key}"
            out += _flatten_drf(value, name or prefix)
        return out
    if isinstance(detail, list):
        out = []
        for n, value in enumerate(detail):
            if isinstance(value, dict | list):
                out += _flatten_drf(value, f"{prefix}[{n}]" if prefix else f"[{n}]")
            else:
                out += _flatten_drf(value, prefix)
        return out
    return [{"field": prefix or None, "detail": _text(detail), "code": getattr(detail, "code", "invalid")}]


def _flatten_django(error: DjangoValidationError) -> list[dict]:
    if hasattr(error, "error_dict"):
        out = []
        for field, errors in error.error_dict.items():
            name = None if field in ("__all__", "non_field_errors") else field
            for e in errors:
                out += [{"field": name, "detail": m, "code": e.code or "invalid"} for m in e.messages]
        return out
    return [{"field": None, "detail": m, "code": e.code or "invalid"} for e in error.error_list for m in e.messages]


def _body(request, status, slug, title, detail) -> dict:
    return {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path if request is not None else "",
    }


def _problem(request, status, slug, title, detail, *, errors=None, headers=None) -> Response:
    body = _body(request, status, slug, title, detail)
    if errors is not None:
        body["errors"] = errors
    return Response(body, status=status, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def _plain_problem(request, status, slug, title, detail) -> JsonResponse:
    """A problem outside DRF's views (Django's 404 / 500 handlers), where no renderer runs."""
    return JsonResponse(
        _body(request, status, slug, title, detail),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def is_conflict(error: DjangoValidationError) -> bool:
    """A service error meaning the record changed meanwhile (``common.errors`` kind ``stale``) or is in a state
    that forbids the step (codes ``status``, ``exists``): 409."""
    if errors.kind_of(error) == errors.STALE:
        return True
    if hasattr(error, "error_dict"):
        codes = {e.code for errs in error.error_dict.values() for e in errs}
    else:
        codes = {e.code for e in error.error_list}
    return bool(codes & CONFLICT_CODES)


def problem_for_validation(request, error: DjangoValidationError) -> Response:
    kind = errors.kind_of(error)
    if kind == errors.FORBIDDEN:
        return _problem(request, 403, "forbidden", _("无权操作"), errors.refusal_text(error))
    if kind == errors.NOT_FOUND:
        return _problem(request, 404, "not-found", _("未找到"), _("对象不存在，或不在您的管理范围内"))
    listed = _flatten_django(error)
    detail = errors.refusal_text(error) or _("请求未通过校验")  # each message with its field's name, in Chinese
    if is_conflict(error):
        return _problem(request, 409, "conflict", _("与当前状态冲突"), detail, errors=listed)
    return _problem(request, 400, "validation", _("请求数据有误"), detail, errors=listed)


def problem_details_handler(exc, context):
    request = context.get("request") if context else None
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None) is not None:
        headers["Retry-After"] = f"{int(exc.wait) + 1}"

    if isinstance(exc, DjangoValidationError):
        return problem_for_validation(request, exc)
    if isinstance(exc, Http404 | exceptions.NotFound):
        return _problem(request, 404, "not-found", _("未找到"), _("对象不存在，或不在您的管理范围内"))
    if isinstance(exc, DjangoPermissionDenied):
        detail = _text(exc.args[0]) if exc.args else ""
        return _problem(request, 403, "forbidden", _("无权操作"), detail or _("您的角色不能进行此操作"))
    if isinstance(exc, exceptions.ParseError):
        return _problem(request, 400, "parse-error", _("请求格式错误"), _("请求体不是有效的 JSON"), errors=[])
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten_drf(exc.detail)
        detail = "；".join(f"{e['field']}：{e['detail']}" if e["field"] else e["detail"] for e in errors)
        return _problem(request, 400, "validation", _("请求数据有误"), detail, errors=errors)
    if isinstance(exc, exceptions.NotAuthenticated):
        return _problem(
            request,
            401,
            "not-authenticated",
            _("未认证"),
            _("请使用个人 API 令牌（Authorization: Bearer 令牌）或先登录"),
            headers=headers,
        )
    if isinstance(exc, exceptions.AuthenticationFailed):
        return _problem(request, 401, "authentication-failed", _("认证失败"), _text(exc.detail), headers=headers)
    if isinstance(exc, exceptions.PermissionDenied):
        detail = _text(exc.detail)
        if not detail or detail == _text(exceptions.PermissionDenied.default_detail):
            detail = _("您的角色不能进行此操作")
        return _problem(request, exc.status_code, "forbidden", _("无权操作"), detail, headers=headers)
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _problem(
            request,
            405,
            "method-not-allowed",
            _("不支持的请求方法"),
            _("此地址不支持 %(method)s 请求") % {"method": request.method if request else ""},
        )
    if isinstance(exc, exceptions.Throttled):
        return _problem(
            request,
            429,
            "throttled",
            _("请求过于频繁"),
            _("请求过于频繁，请 %(s)s 秒后再试") % {"s": headers.get("Retry-After", "60")},
            headers=headers,
        )
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return _problem(request, 415, "unsupported-media-type", _("不支持的内容类型"), _("请求体应为 application/json"))
    if isinstance(exc, exceptions.NotAcceptable):
        return _problem(request, 406, "not-acceptable", _("无法提供所要求的格式"), _("接口只返回 application/json"))
    if isinstance(exc, exceptions.APIException):
        return _problem(request, exc.status_code, "error", _("请求未能完成"), _text(exc.detail), headers=headers)
    return None  # an unexpected error: Django's 500 (logged with its traceback)


def not_found(request, *args, **kwargs):
    """Any other address under /api/: a 404 problem, not the HTML page."""
    return _plain_problem(request, 404, "not-found", _("未找到"), _("没有这个接口地址，或地址中含有不允许的字符"))


def api_or_page_404(request, exception=None):
    """The portal's 404 handler (config/urls.py): a problem for addresses under /api/ (e.g. a control character
    in the query string, refused by common.middleware before any view), Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return not_found(request)
    from django.views import defaults

    return defaults.page_not_found(request, exception)


def api_or_page_500(request):
    """The portal's 500 handler: a problem under /api/ (the traceback goes to the log), the page elsewhere."""
    if request.path.startswith("/api/"):
        return _plain_problem(
            request, 500, "server-error", _("服务器内部错误"), _("服务器处理请求时出错，已记录，请稍后再试")
        )
    from django.views import defaults

    return defaults.server_error(request)
