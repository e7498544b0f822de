"""Sign-in lock-out (django-axes, settings AXES_*): how an attempted account is named, and what a
locked-out person is told — a page in plain Chinese with when to try again, or the API's error
body, both 429 with Retry-After."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .text import normalize_phone

API_PREFIXES = ("/api/", "/open311/")


def lockout_username(request, credentials) -> str:
    """One account, however it is typed: "138 0771 0101", "+86 13807710101" and "13807710101" are
    the same phone; e-mail and usernames ignore case. Otherwise spacing would reset the count."""
    raw = (credentials or {}).get("username") or request.POST.get("username") or ""
    text = str(raw).strip()
    phone = normalize_phone(text)
    return phone if phone.isdigit() else text.lower()


def _minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def locked_out(request, original_response=None, credentials=None):
    minutes = _minutes()
    message = _(
        "Too many wrong passwords. Sign-in is paused for %(minutes)s minutes to protect the account; "
        "try again after that, or ask your community committee or the platform administrator to unlock it."
    ) % {"minutes": minutes}
    if request.path.startswith(API_PREFIXES):
        response = JsonResponse({"code": "locked_out", "message": message, "fields": {}}, status=429)
    else:
        response = render(request, "registration/locked_out.html", {"message": message, "minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
