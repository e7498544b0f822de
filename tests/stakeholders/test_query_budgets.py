"""Query budgets for every stakeholders page: 10× the claims and estates add no queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stakeholders.models import User
from tests import factories as f
from tests.portal.test_dashboards import grow

# (who, url builder, budget)
PAGES = {
    "signup (anonymous)": (None, lambda c: reverse("stakeholders:signup"), 2),
    "login (anonymous)": (None, lambda c: reverse("login"), 2),
    "claim form": ("plain_resident", lambda c: reverse("stakeholders:claim_create"), 8),
    "claim form, room step": (
        "plain_resident",
        lambda c: (
            reverse("stakeholders:claim_create")
            + f"?estate={c.estate_a1.pk}&building={c.homes_a1[0].building_id}&unit=1"
        ),
        11,
    ),
    "review queue": ("comm_a1_staff", lambda c: reverse("stakeholders:review_list"), 8),
    "review queue, verified": ("comm_a1_staff", lambda c: reverse("stakeholders:review_list") + "?status=verified", 8),
    "review detail": ("comm_a1_staff", lambda c: reverse("stakeholders:review_detail", args=[c.pending_a1.pk]), 9),
    "public estates": (None, lambda c: reverse("disclosure:estates"), 4),
}


def measure(client, city, who, url) -> int:
    client.logout()
    if who:
        obj = getattr(city, who)
        client.force_login(User.objects.get(pk=(obj.user if hasattr(obj, "user") else obj).pk))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_page_query_budgets_hold_and_do_not_grow_with_data(city, client, django_assert_max_num_queries):
    before = {name: measure(client, city, who, url(city)) for name, (who, url, _b) in PAGES.items()}
    grow(city)
    # the queue's own community also gets 10× the claims
    for home in f.households(f.BuildingFactory(estate=city.estate_a1b), 20):
        f.claim(f.ResidentFactory(), home)
    after = {name: measure(client, city, who, url(city)) for name, (who, url, _b) in PAGES.items()}
    assert after == before
    for who, url, budget in PAGES.values():
        client.logout()
        if who:
            obj = getattr(city, who)
            client.force_login(User.objects.get(pk=(obj.user if hasattr(obj, "user") else obj).pk))
        with django_assert_max_num_queries(budget):
            client.get(url(city))
