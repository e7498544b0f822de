"""Sign in with a mobile number, an e-mail address or a username (residents register with a phone
or e-mail; staff accounts are created with usernames)."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from .models import User
from .text import PHONE_RE, normalize_phone


class IdentifierBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        identifier = username.strip()
        phone = normalize_phone(identifier)
        query = Q(username__iexact=identifier) | Q(email__iexact=identifier)
        if PHONE_RE.match(phone):
            query |= Q(username=phone) | Q(resident__phone=phone)
        candidates = list(User.objects.filter(query).distinct()[:2])
        if len(candidates) != 1:
            # Run the hasher anyway so response time does not reveal whether an account exists.
            User().set_password(password)
            return None
        user = candidates[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
