"""Every write to personal API tokens: create (the secret is returned once) and revoke.

A token is ``cxzy_`` followed by 43 random URL-safe characters (32 bytes from ``secrets``); only the SHA-256
of the whole token is stored, so a stolen database yields no usable token.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.history import save_as
from orgs.models import User

from .models import ApiToken

TOKEN_PREFIX = "cxzy_"  # noqa: S105 - the visible prefix of every token, not a secret
SHOWN_PREFIX = 12
MAX_ACTIVE_TOKENS = 10


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def create_token(user: User, *, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new token of ``user`` valid for ``days`` days: the row and the secret (to show once, never again)."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("请先登录"))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写令牌的用途说明")})
    if len(name) > 60:
        raise ValidationError({"name": _("用途说明不能超过 60 个字")})
    days = settings.API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError({"days": _("有效期应为 1 至 %(max)s 天") % {"max": settings.API_TOKEN_MAX_DAYS}})
    User.objects.select_for_update().filter(pk=user.pk).first()  # one creation at a time per user
    now = timezone.now()
    active = ApiToken.objects.filter(user=user, revoked_at=None, expires_at__gt=now).count()
    if active >= MAX_ACTIVE_TOKENS:
        raise ValidationError({"name": _("有效令牌最多 %(n)s 个，请先撤销不再使用的令牌") % {"n": MAX_ACTIVE_TOKENS}})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        prefix=secret[:SHOWN_PREFIX],
        digest=digest_of(secret),
        expires_at=now + datetime.timedelta(days=days),
    )
    save_as(token, by=user)
    return token, secret


@transaction.atomic
def revoke_token(token: ApiToken, *, by: User) -> ApiToken:
    """Revoke one of the user's own tokens (at once: the next request with it answers 401)."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != by.pk:
        raise PermissionDenied(_("只能撤销自己的令牌"))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        save_as(token, by=by, update_fields=["revoked_at"])
    return token


def tokens_of(user: User):
    return ApiToken.objects.filter(user=user)
