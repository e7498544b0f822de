"""Double submission on the ledger (issue 16, item 10): the field test's 50 identical concurrent
ledger POSTs stored 50 rows. A submission key — the form's hidden token, the API's Idempotency-Key
header — makes a repeat return the entry the first one recorded."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from disclosure.models import LedgerEntry
from stakeholders.models import User
from tests import factories as f
from tests.stakeholders.test_services import _race

from .conftest import adopted_project, income, publish_budget


@pytest.fixture
def ledger(city):
    p = adopted_project(city)
    publish_budget(city, p)
    return p


@pytest.mark.django_db
def test_the_same_key_records_once_a_new_key_records_again(city, ledger):
    first = income(city, ledger, amount="100.00", submission_key="k-1")
    again = income(city, ledger, amount="100.00", submission_key="k-1")
    assert again.pk == first.pk and LedgerEntry.objects.count() == 1
    other = income(city, ledger, amount="100.00", submission_key="k-2")
    unkeyed = [income(city, ledger, amount="100.00") for _ in range(2)]  # no key: each is an entry
    assert other.pk != first.pk and len({e.pk for e in unkeyed}) == 2 and LedgerEntry.objects.count() == 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_identical_concurrent_api_posts_store_one_entry():
    city = f.build_city()
    p = adopted_project(city)
    publish_budget(city, p)
    staff = User.objects.get(pk=city.street_a_staff.pk)
    url = reverse("api-ledger", kwargs={"code": p.project.code})
    body = {
        "date": str(timezone.localdate()),
        "kind": "income",
        "amount": "500.00",
        "counterparty": "南宁市财政局",
        "source": "central_subsidy",
    }

    def post(_i):
        client = APIClient()
        client.force_authenticate(staff)
        return client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="pay-2026-12-01-a")

    answers = _race(50, post)
    assert all(getattr(a, "status_code", None) == 201 for a in answers), answers[:3]
    assert LedgerEntry.objects.filter(project=p.project).count() == 1
    assert {a.json()["seq"] for a in answers} == {1}  # every caller is told about the one entry


@pytest.mark.django_db
def test_the_page_form_sent_twice_records_one_entry(client, city, ledger):
    client.force_login(city.street_a_staff)
    url = reverse("disclosure:ledger", args=[ledger.project.code])
    page = client.get(url).content.decode()
    key = re.search(r'name="submission_key" value="([0-9a-f]{32})"', page).group(1)
    form = {
        "kind": "income",
        "date": str(timezone.localdate()),
        "amount": "88.00",
        "counterparty": "南宁市财政局",
        "source": "central_subsidy",
        "memo": "",
        "submission_key": key,
    }
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302  # the double tap: told it is recorded
    assert LedgerEntry.objects.filter(project=ledger.project).count() == 1
    # The next form shown carries a new key: a second real payment is recorded.
    fresh = re.search(r'name="submission_key" value="([0-9a-f]{32})"', client.get(url).content.decode()).group(1)
    assert fresh != key
    assert client.post(url, {**form, "submission_key": fresh}).status_code == 302
    assert LedgerEntry.objects.filter(project=ledger.project).count() == 2
