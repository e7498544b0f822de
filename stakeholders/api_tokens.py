"""API tokens that expire and can be revoked (issue 16): DRF's Token, with a lifetime
(API_TOKEN_DAYS), a fresh key at every sign-in (the old one stops working), revoked by the API's
logout and by any password change or reset. `Authorization: Token <key>` as before."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

EXPIRED = _("This token has expired or was revoked: sign in again for a new one (POST /api/v1/auth/token/).")


def lifetime() -> timedelta:
    return timedelta(days=settings.API_TOKEN_DAYS)


def is_current(token: Token, now=None) -> bool:
    return token.created >= (now or timezone.now()) - lifetime()


def user_of_key(key: str):
    """The active user a current token belongs to, or None (Open311's api_key uses this too)."""
    token = Token.objects.select_related("user").filter(key=key).first() if key else None
    if token is None or not token.user.is_active or not is_current(token):
        return None
    return token.user


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if not is_current(token):
            token.delete()
            raise AuthenticationFailed(EXPIRED, code="token_expired")
        return user, token
