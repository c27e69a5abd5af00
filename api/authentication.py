"""Who calls the API: a personal token (``Authorization: Bearer <令牌>``, or ``Token <令牌>``) or the
browser's session (with Django's CSRF check on writes, as every form of the portal)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import ApiToken
from .tokens import digest_of

KEYWORDS = (b"bearer", b"token")
# last_used_at is written at most once a minute per token: no write on every request.
LAST_USED_STEP = datetime.timedelta(minutes=1)


class TokenAuthentication(authentication.BaseAuthentication):
    """A token that is unknown, revoked, expired or whose account is disabled answers 401."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Authorization 请求头格式应为“Bearer 令牌”"))
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("令牌无效")) from None
        token = ApiToken.objects.select_related("user").filter(digest=digest_of(secret)).first()
        now = timezone.now()
        if token is None:
            raise exceptions.AuthenticationFailed(_("令牌无效"))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("令牌已撤销"))
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("令牌已过期"))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("账号已停用"))
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_STEP:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class PortalSessionAuthentication(authentication.SessionAuthentication):
    """The browser's login session (Swagger UI, the portal's own scripts); writes need the CSRF token."""
