"""Registering a resident: what they typed (a phone or an e-mail) and the account it becomes."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from core.errors import errors_for

from .models import Resident, User
from .text import PHONE_RE, normalize_phone

ERRORS = {
    "identifier_invalid": _("Enter a mainland mobile number (11 digits, starting with 1) or an e-mail address."),
    "identifier_taken": _(
        "An account with this phone number or e-mail already exists. Sign in, or reset your password."
    ),
}
_error = errors_for(ERRORS)


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


@transaction.atomic
def resident_register(*, name: str, identifier: str, password: str, is_party_member: bool = False) -> User:
    """Create a user with a Resident profile. The phone or e-mail is also the username."""
    try:
        kind, value = parse_identifier(identifier)
    except ValidationError as error:
        raise ValidationError({"identifier": error}) from None
    if identifier_taken(kind, value):
        raise _error("identifier_taken", "identifier")
    user = User(username=value, email=value if kind == "email" else "")
    user.set_password(password)
    resident = Resident(name=name.strip(), phone=value if kind == "phone" else None, is_party_member=is_party_member)
    try:
        with transaction.atomic():
            user.full_clean(exclude=["password"])
            user.save()
            resident.user = user
            resident.full_clean()
            resident.save()
    except IntegrityError:  # a concurrent sign-up with the same phone or e-mail
        raise _error("identifier_taken", "identifier") from None
    return user
