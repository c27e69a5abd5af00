"""Request hygiene that every view relies on.

A NUL byte or another control character in any part of a URL, or a path parameter that no column
can hold, is a request for something that cannot exist: it answers 404 before a view sends it to
the database (PostgreSQL refuses NUL in a string and integers beyond 64 bits, which would be a 500).
"""

import re

from django.http import Http404

# C0 controls (NUL included) and DEL; tabs and newlines have no business in a URL either.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_INT_MAX = 2**63 - 1
# Longer than any code, token or slug the portal stores (codes are ≤ 32, tokens 43 characters).
MAX_PARAM_LENGTH = 255


def _bad_text(value: str) -> bool:
    return bool(_CONTROL.search(value))


class RejectMalformedRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _bad_text(request.path_info) or any(
            _bad_text(key) or _bad_text(value) for key, values in request.GET.lists() for value in [key, *values]
        ):
            raise Http404("malformed URL")
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and not -_INT_MAX <= value <= _INT_MAX:
                raise Http404("path parameter out of range")
            if isinstance(value, str) and len(value) > MAX_PARAM_LENGTH:
                raise Http404("path parameter too long")
        return None
