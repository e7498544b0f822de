"""Registering a resident: the phone or e-mail they typed is proved with a one-time code first.

1. `registration_code_send` — the portal sends a 6-digit code to the address (SMS or e-mail,
   through the outbox). If the address already has an account no code is sent; the message there
   says so and how to sign in or reset the password. The answer on the page is the same either way,
   and so are the limits, so nobody learns from the portal whether a number is registered.
2. `resident_register` — name, password and the code: the account is made only with a live code
   for that address (REGISTER_CODE_MINUTES, at most REGISTER_CODE_TRIES wrong tries). A wrong,
   expired or used code — and any code for an address that has an account — gets one answer.

Limits (settings): one code per address per REGISTER_CODE_INTERVAL_SECONDS, REGISTER_CODES_PER_HOUR
per address and REGISTER_CODES_PER_REQUESTER_HOUR per requesting address, counted in the database
(they hold when the cache is away). Only a keyed hash of each code is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.errors import errors_for
from core.tasks import enqueue

from .models import Delivery, Resident, User, VerificationCode
from .tasks import send_deliveries
from .text import PHONE_RE, mask_phone, normalize_phone

ERRORS = {
    "identifier_invalid": _("Enter a mainland mobile number (11 digits, starting with 1) or an e-mail address."),
    "identifier_taken": _(
        "An account with this phone number or e-mail already exists. Sign in, or reset your password."
    ),
    "code_too_soon": _("A code was sent less than a minute ago. Wait %(seconds)s seconds before asking again."),
    "code_limit": _("Too many codes were asked for. Try again in an hour."),
    "code_invalid": _(
        "This code is wrong, has expired or was already used. Check the latest message, or ask for a new code."
    ),
}
_error = errors_for(ERRORS)
CODE_DIGITS = 6


@dataclass(frozen=True)
class CodeSent:
    identifier: str  # normalized: what the second step registers
    shown: str  # masked, for the page: 138****0099, li***@example.cn
    minutes: int


def parse_identifier(value: str) -> tuple[str, str]:
    """('phone'|'email', normalized value) for what a resident typed to register or sign in."""
    value = (value or "").strip()
    phone = normalize_phone(value)
    if PHONE_RE.match(phone):
        return "phone", phone
    if "@" in value and "." in value.rsplit("@", 1)[-1] and " " not in value:
        return "email", value.lower()
    raise _error("identifier_invalid")


def identifier_taken(kind: str, value: str) -> bool:
    if kind == "phone":
        return Resident.objects.filter(phone=value).exists() or User.objects.filter(username=value).exists()
    return User.objects.filter(email__iexact=value).exists() or User.objects.filter(username__iexact=value).exists()


def shown(kind: str, value: str) -> str:
    if kind == "phone":
        return mask_phone(value)
    name, domain = value.split("@", 1)
    return f"{name[:2]}***@{domain}"


def _digest(identifier: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"register:{identifier}:{code}".encode(), hashlib.sha256).hexdigest()


def _parsed(identifier: str) -> tuple[str, str]:
    try:
        return parse_identifier(identifier)
    except ValidationError as error:
        raise ValidationError({"identifier": error}) from None


@transaction.atomic
def registration_code_send(*, identifier: str, requested_from: str | None = None, now=None) -> CodeSent:
    """Send a one-time code to the address (or, if it has an account, a message saying so)."""
    kind, value = _parsed(identifier)
    now = now or timezone.now()
    hour_ago = now - timedelta(hours=1)
    recent = list(
        VerificationCode.objects.select_for_update()
        .filter(identifier=value, created_at__gte=hour_ago)
        .values_list("created_at", flat=True)
    )
    wait = settings.REGISTER_CODE_INTERVAL_SECONDS - min(((now - t).total_seconds() for t in recent), default=10**9)
    if wait > 0:
        raise _error("code_too_soon", "identifier", seconds=int(wait) + 1)
    over_requester = (
        requested_from is not None
        and VerificationCode.objects.filter(requested_from=requested_from, created_at__gte=hour_ago).count()
        >= settings.REGISTER_CODES_PER_REQUESTER_HOUR
    )
    if len(recent) >= settings.REGISTER_CODES_PER_HOUR or over_requester:
        raise _error("code_limit", "identifier")
    existing = identifier_taken(kind, value)
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    minutes = settings.REGISTER_CODE_MINUTES
    row = VerificationCode.objects.create(
        identifier=value,
        digest="" if existing else _digest(value, code),
        for_existing_account=existing,
        requested_from=requested_from,
        created_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )
    if existing:
        text = gettext(
            "Someone asked to register with this number or e-mail, which already has an account. "
            "Sign in with it; if you forgot the password, reset it on the sign-in page. "
            "If it was not you, ignore this message."
        )
    else:
        text = gettext(
            "Your registration code is %(code)s (valid %(minutes)s minutes). Do not tell it to anyone. "
            "If you did not ask for it, ignore this message."
        ) % {"code": code, "minutes": minutes}
    batch = uuid.uuid4()
    Delivery.objects.create(
        key=f"code:{row.pk}",
        batch=batch,
        channel=Delivery.Channel.SMS if kind == "phone" else Delivery.Channel.EMAIL,
        user=None,
        kind="verification_code",
        address=value,
        subject=gettext("Your registration code"),
        body=f"【{settings.SMS_SIGNATURE}】{text}",
    )
    transaction.on_commit(lambda: enqueue(send_deliveries, str(batch)))  # else the sweep sends it
    return CodeSent(identifier=value, shown=shown(kind, value), minutes=minutes)


def _live_code(value: str, code: str, now) -> VerificationCode | None:
    """The address's live code that matches, locked; a wrong code counts against every live one."""
    live = list(
        VerificationCode.objects.select_for_update()
        .filter(
            identifier=value,
            for_existing_account=False,
            used_at__isnull=True,
            expires_at__gt=now,
            tries__lt=settings.REGISTER_CODE_TRIES,
        )
        .order_by("-created_at")
    )
    wanted = _digest(value, (code or "").strip())
    for row in live:
        if hmac.compare_digest(row.digest, wanted):
            return row
    VerificationCode.objects.filter(pk__in=[row.pk for row in live]).update(tries=F("tries") + 1)
    return None


def resident_register(
    *, name: str, identifier: str, code: str, password: str, is_party_member: bool = False, now=None
) -> User:
    """Create a user with a Resident profile, once the address is proved by its code. The phone
    or e-mail is also the username."""
    kind, value = _parsed(identifier)
    now = now or timezone.now()
    with transaction.atomic():  # committed on its own: a wrong try counts even though we refuse
        matched = _live_code(value, code, now)
    if matched is None:
        raise _error("code_invalid", "code")
    user = User(username=value, email=value if kind == "email" else "")
    user.set_password(password)
    # "I am a Party member" is a claim the community Party branch confirms (stakeholders/party.py).
    resident = Resident(
        name=name.strip(), phone=value if kind == "phone" else None, party_claim="pending" if is_party_member else ""
    )
    try:
        with transaction.atomic():
            locked = VerificationCode.objects.select_for_update().get(pk=matched.pk)
            if locked.used_at is not None:  # the same code sent twice at once
                raise _error("code_invalid", "code")
            locked.used_at = now
            locked.save(update_fields=["used_at"])
            user.full_clean(exclude=["password"])
            user.save()
            resident.user = user
            resident.full_clean()
            resident.save()
    except IntegrityError:  # registered meanwhile (only the holder of a live code gets this far)
        raise _error("identifier_taken", "identifier") from None
    return user
