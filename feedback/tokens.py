"""Survey links that work without signing in: `/feedback/answer/<invitation id>/<token>/`.

The token is Django's TimestampSigner over "<invitation id>-<nonce>" (HMAC-SHA256 with SECRET_KEY
and a salt of its own), so it cannot be forged or moved to another invitation; the nonce is random
per invitation, so knowing an id is not enough even to someone who could sign. It expires when the
survey closes, and at the latest SURVEY_LINK_MAX_AGE_DAYS after it was made; it is single-use
because a household has at most one answer (a unique constraint).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing

SALT = "feedback.survey-invitation"
WILLINGNESS_SALT = "feedback.willingness-invitation"  # a willingness letter's token never opens a satisfaction survey


class BadToken(Exception):
    """`code` is "forged" (bad signature, malformed or for another invitation) or "expired"."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _signer(salt: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=salt, algorithm="sha256")


def make_token(invitation, *, salt: str = SALT) -> str:
    return _signer(salt).sign(f"{invitation.pk}-{invitation.nonce}")


def read_token(token: str, *, invitation_id: int, salt: str = SALT) -> str:
    """The nonce the token carries for `invitation_id`; BadToken otherwise."""
    try:
        value = _signer(salt).unsign(token, max_age=timedelta(days=settings.SURVEY_LINK_MAX_AGE_DAYS))
    except signing.SignatureExpired:
        raise BadToken("expired") from None
    except signing.BadSignature:
        raise BadToken("forged") from None
    pk, _sep, nonce = value.partition("-")
    if not pk.isdigit() or int(pk) != invitation_id or not nonce:
        raise BadToken("forged")
    return nonce
