"""The bell: notify() → unread count in the header → list → open marks read; only one's own."""

import pytest
from django.urls import reverse

from stakeholders import services
from stakeholders.models import Notification


def test_bell_counts_unread_and_opening_marks_read(city, client):
    user = city.owner_a1.user
    Notification.objects.filter(user=user).delete()  # the city fixture's claim decision aside
    sent = services.notify(
        users=[user, user.pk, None],
        kind=Notification.Kind.VOTE_OPENED,
        url="/projects/",
        title="是否申请改造",
        closes="2026-12-06 18:00",
    )
    assert sent == 1  # duplicates and None dropped
    services.notify(
        users=[user], kind=Notification.Kind.PLAN_PUBLISHED, url="https://evil.example/", number=1, estate="甲一小区"
    )
    client.force_login(user)
    home = client.get("/").content.decode()
    assert 'data-testid="unread-count">2<' in home
    listing = client.get(reverse("stakeholders:notifications")).content.decode()
    assert "表决已开始：“是否申请改造”，截止时间 2026-12-06 18:00。" in listing
    first = Notification.objects.get(kind=Notification.Kind.VOTE_OPENED)
    response = client.get(reverse("stakeholders:notification_open", args=[first.pk]))
    assert response.status_code == 302 and response.url == "/projects/"
    first.refresh_from_db()
    assert first.read_at is not None
    other = Notification.objects.get(kind=Notification.Kind.PLAN_PUBLISHED)
    # an off-site link is never followed
    assert client.get(reverse("stakeholders:notification_open", args=[other.pk])).url == reverse(
        "stakeholders:notifications"
    )
    assert 'data-testid="unread-count"' not in client.get("/").content.decode()


def test_mark_all_read_and_others_notifications_are_404(city, client):
    services.notify(
        users=[city.owner_a1.user, city.owner_b1.user],
        kind=Notification.Kind.VOTE_CLOSED,
        title="表决",
        result="passed",
    )
    theirs = Notification.objects.get(user=city.owner_b1.user, kind=Notification.Kind.VOTE_CLOSED)
    client.force_login(city.owner_a1.user)
    assert client.get(reverse("stakeholders:notification_open", args=[theirs.pk])).status_code == 404
    client.post(reverse("stakeholders:notifications"))
    assert not Notification.objects.filter(user=city.owner_a1.user, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=city.owner_b1.user, read_at__isnull=True).exists()
    client.logout()
    assert client.get(reverse("stakeholders:notifications")).status_code == 302


def test_notifications_page_query_budget_flat(city, client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = city.owner_a1.user
    services.notify(users=[user], kind=Notification.Kind.VOTE_CLOSED, title="表决", result="passed")
    client.force_login(user)
    client.get(reverse("stakeholders:notifications"))
    with CaptureQueriesContext(connection) as c:
        client.get(reverse("stakeholders:notifications"))
    for i in range(40):
        services.notify(users=[user], kind=Notification.Kind.VOTE_CLOSED, title=f"表决{i}", result="rejected")
    with django_assert_max_num_queries(len(c.captured_queries)):
        assert client.get(reverse("stakeholders:notifications")).status_code == 200


@pytest.mark.parametrize(
    "language, text", [("en", "The vote “表决” has closed: passed."), ("zh-hans", "表决“表决”已结束：通过。")]
)
def test_text_follows_the_readers_language(city, client, language, text):
    services.notify(users=[city.owner_a1.user], kind=Notification.Kind.VOTE_CLOSED, title="表决", result="passed")
    client.force_login(city.owner_a1.user)
    client.cookies["django_language"] = language
    assert text in client.get(reverse("stakeholders:notifications")).content.decode()
