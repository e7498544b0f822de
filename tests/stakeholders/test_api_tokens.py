"""API tokens (issue 16, item 6): the field test found a token surviving password change and logout,
and signing in again returning the same token. Now: a fresh token at every sign-in (the old one
stops), a lifetime (API_TOKEN_DAYS), revoked by the API's logout and by any password change."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories as f

PHONE = "13807718888"


@pytest.fixture
def resident(db):
    return f.ResidentFactory(phone=PHONE, user__username=PHONE)


def token_for(password=f.PASSWORD) -> str:
    answer = APIClient().post(reverse("api-token"), {"username": PHONE, "password": password}, format="json")
    assert answer.status_code == 200, answer.content
    return answer.json()["token"]


def refused(answer) -> bool:
    """Session authentication comes first in the API's list, so DRF answers a bad token 403 (not 401)."""
    return answer.status_code == 403 and answer.json()["code"] in {"authentication_failed", "token_expired"}


def me(token: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get(reverse("api-notifications"))


def test_signing_in_again_gives_a_new_token_and_ends_the_old(resident):
    first = token_for()
    assert me(first).status_code == 200
    second = token_for()
    assert second != first
    assert me(second).status_code == 200 and refused(me(first))


def test_a_token_expires_after_its_lifetime(resident, settings):
    token = token_for()
    Token.objects.filter(key=token).update(created=timezone.now() - timedelta(days=settings.API_TOKEN_DAYS, minutes=1))
    with translation.override("zh-hans"):
        answer = me(token)
    assert refused(answer) and answer.json()["code"] == "token_expired" and "重新登录" in answer.json()["message"]
    assert not Token.objects.filter(key=token).exists()  # and it is gone


def test_logout_revokes_the_token(resident):
    token = token_for()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post(reverse("api-logout")).status_code == 204
    assert refused(me(token))


def test_a_password_change_revokes_every_token(resident):
    token = token_for()
    web = Client()
    assert web.post(reverse("login"), {"username": PHONE, "password": f.PASSWORD}).status_code == 302
    changed = web.post(
        reverse("password_change"),
        {"old_password": f.PASSWORD, "new_password1": "Fresh-Lantern-2027", "new_password2": "Fresh-Lantern-2027"},
    )
    assert changed.status_code == 302
    assert refused(me(token))
    assert me(token_for("Fresh-Lantern-2027")).status_code == 200


def test_open311_refuses_an_expired_api_key(resident, settings, city):
    token = token_for()
    Token.objects.filter(key=token).update(created=timezone.now() - timedelta(days=settings.API_TOKEN_DAYS + 1))
    answer = Client().post(
        "/open311/v2/requests.json", {"api_key": token, "service_code": "quality", "description": "x"}
    )
    assert answer.status_code == 403
