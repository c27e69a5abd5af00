"""Cursor pages: ``?cursor=`` (opaque, from the previous page's ``next``) and ``?page_size=`` (1 to
``settings.API_MAX_PAGE_SIZE``; larger is refused with 400, not cut silently).

Each list view says its order and how to continue after a row (``order_rows``, ``rows_after``, ``cursor_of``);
members continue in tree order off the member indexes with the UI's own keyset functions (orgs.queries), so
page 10,000 costs what page 1 costs.
"""

import base64
import binascii
import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

CURSOR_MAX_CHARS = 400


def page_size(request) -> int:
    raw = request.query_params.get("page_size")
    maximum = settings.API_MAX_PAGE_SIZE
    if raw is None or raw == "":
        return settings.API_PAGE_SIZE
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise ValidationError({"page_size": [_("每页条数应为 1 至 %(max)s 的整数") % {"max": maximum}]})
    return int(raw)


def encode_cursor(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def invalid_cursor():
    return ValidationError({"cursor": [_("游标无效，请从第一页重新读取")]})


def decode_cursor(request) -> list | None:
    raw = request.query_params.get("cursor")
    if raw is None or raw == "":
        return None
    if len(raw) > CURSOR_MAX_CHARS or not raw.isascii():
        raise invalid_cursor()
    try:
        values = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise invalid_cursor() from None
    if not isinstance(values, list):
        raise invalid_cursor()
    return values


class CursorPagination(BasePagination):
    """Forward pages in the view's order; ``next`` is null on the last page."""

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = page_size(request)
        cursor = decode_cursor(request)
        rows = view.order_rows(queryset)
        if cursor is not None:
            rows = view.rows_after(rows, cursor)
        rows = list(rows[: size + 1])
        self.next_cursor = encode_cursor(view.cursor_of(rows[size - 1])) if len(rows) > size else None
        return rows[:size]

    def get_next_link(self):
        if self.next_cursor is None:
            return None
        return replace_query_param(self.request.build_absolute_uri(), "cursor", self.next_cursor)

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": _("下一页的地址（含游标）；最后一页为 null"),
                },
                "results": {**schema, "description": _("本页的记录")},
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "cursor",
                "required": False,
                "in": "query",
                "description": _("游标：取自上一页 next 地址，不要自行构造"),
                "schema": {"type": "string", "maxLength": CURSOR_MAX_CHARS},
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": _("每页条数，默认 %(default)s，最多 %(max)s")
                % {"default": settings.API_PAGE_SIZE, "max": settings.API_MAX_PAGE_SIZE},
                "schema": {"type": "integer", "minimum": 1, "maximum": settings.API_MAX_PAGE_SIZE},
            },
        ]
