"""One request budget per token (per account for the browser's session): ``settings.API_THROTTLE_RATE``."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from common.net import client_ip

from .models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    scope = "api_token"

    def get_rate(self):
        return settings.API_THROTTLE_RATE

    def allow_request(self, request, view):
        # The rate is read on each request (a setting the tests and deployments may change).
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"anon-{client_ip(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
