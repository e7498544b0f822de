"""Brute force (issue 16, item 1): the field test's 200 wrong passwords on the sign-in form and on
/api/v1/auth/token/ were all answered normally, then the right one worked. Now the account and the
address are locked after AXES_FAILURE_LIMIT failures, for AXES_COOLOFF_TIME, with a 429 that says
when to retry; an admin can unlock; the count does not reset by retyping the phone differently."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories as f

PHONE = "13807719999"


@pytest.fixture
def resident(db):
    return f.ResidentFactory(phone=PHONE, user__username=PHONE)


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_the_form_locks_an_account_after_the_limit_and_says_when_to_retry(resident):
    client = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, PHONE, "wrong").status_code == 200  # the form, with its message
    locked = sign_in(client, PHONE, "wrong")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "暂停 15 分钟" in page and 'data-testid="locked-out"' in page
    assert locked["Retry-After"] == str(15 * 60)
    # The right password does not get through while the lock lasts — from another address too.
    assert sign_in(Client(REMOTE_ADDR="10.0.0.2"), PHONE, f.PASSWORD).status_code == 429
    # After the cool-off it works again.
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - timedelta(minutes=16))
    assert sign_in(Client(REMOTE_ADDR="10.0.0.3"), PHONE, f.PASSWORD).status_code == 302


def test_retyping_the_phone_differently_counts_as_the_same_account(resident):
    spellings = ["138 0771 9999", "+86 13807719999", "13807719999", "138-0771-9999"]
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(REMOTE_ADDR=f"10.0.1.{n}"), spellings[n % len(spellings)], "wrong")
    assert sign_in(Client(REMOTE_ADDR="10.0.2.1"), PHONE, f.PASSWORD).status_code == 429


def test_one_address_trying_many_accounts_is_locked(db):
    client = Client(REMOTE_ADDR="10.0.3.1")
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"1380771{n:04d}", "wrong")
    other = f.ResidentFactory(phone="13900001111", user__username="13900001111")
    assert sign_in(client, "13900001111", f.PASSWORD).status_code == 429
    assert sign_in(Client(REMOTE_ADDR="10.0.3.2"), other.phone, f.PASSWORD).status_code == 302


def test_the_token_endpoint_locks_too_with_the_api_error_body(resident):
    api = APIClient(REMOTE_ADDR="10.0.4.1")
    url = reverse("api-token")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert api.post(url, {"username": PHONE, "password": "wrong"}, format="json").status_code == 400
    locked = api.post(url, {"username": PHONE, "password": "wrong"}, format="json")
    assert locked.status_code == 429 and locked.json()["code"] == "locked_out" and locked["Retry-After"]
    assert api.post(url, {"username": PHONE, "password": f.PASSWORD}, format="json").status_code == 429


def test_an_admin_unlocks_and_a_success_resets_the_count(resident):
    client = Client(REMOTE_ADDR="10.0.5.1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, PHONE, "wrong")
    assert sign_in(client, PHONE, f.PASSWORD).status_code == 429
    assert reset(username=PHONE) >= 1 and reset(ip="10.0.5.1") >= 0  # what /admin/axes/ and axes_reset do
    assert sign_in(client, PHONE, f.PASSWORD).status_code == 302
    # A success clears the account's failures: a few mistakes later do not add up to a lock.
    for round_ in range(2):
        other = Client(REMOTE_ADDR=f"10.0.6.{round_}")
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            sign_in(other, PHONE, "wrong")
        assert sign_in(other, PHONE, f.PASSWORD).status_code == 302


def test_registration_from_one_address_is_rate_limited_and_documented(db):
    from drf_spectacular.generators import SchemaGenerator

    api = APIClient(REMOTE_ADDR="10.0.7.1")
    url = reverse("api-register")
    answers = [
        api.post(
            url,
            {
                "name": "新住户",
                "identifier": f"1390000{n:04d}",
                "code": "123456",
                "password": "Quiet-River-2026",
                "consent": True,
            },
            format="json",
        )
        for n in range(6)
    ]
    assert [a.json()["code"] for a in answers[:5]] == ["code_invalid"] * 5  # answered (no code was sent)
    assert answers[5].status_code == 429 and answers[5].json()["code"] == "throttled"
    assert int(answers[5]["Retry-After"]) > 0 and "秒" in answers[5].json()["message"]
    # Another address is not slowed down by this one.
    other = APIClient(REMOTE_ADDR="10.0.7.2").post(
        url,
        {
            "name": "新住户",
            "identifier": "13900009999",
            "code": "123456",
            "password": "Quiet-River-2026",
            "consent": True,
        },
        format="json",
    )
    assert other.status_code == 400 and other.json()["code"] == "code_invalid"
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for path in (
        "/api/v1/auth/register/",
        "/api/v1/auth/register/code/",
        "/api/v1/auth/token/",
        "/api/v1/surveys/answers/",
    ):
        assert "429" in paths[path]["post"]["responses"], path


def test_the_locked_out_page_keeps_its_query_budget(resident, django_assert_max_num_queries):
    client = Client(REMOTE_ADDR="10.0.8.1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, PHONE, "wrong")
    with django_assert_max_num_queries(9):  # the lock checks (account, address), the page; flat
        assert sign_in(client, PHONE, f.PASSWORD).status_code == 429
