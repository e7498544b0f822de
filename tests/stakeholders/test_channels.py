"""The one notification service: in-app always, e-mail and SMS by default per kind and by the
user's own settings, idempotent keys, the outbox claimed once per message, the sweep."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from stakeholders import services
from stakeholders.models import Delivery, Notification, NotificationPreference, User
from stakeholders.notifications import LocmemSmsBackend, wanted_channels
from tests import factories as f

K = Notification.Kind


@pytest.fixture(autouse=True)
def _clean_outbox():
    LocmemSmsBackend.outbox.clear()
    yield
    LocmemSmsBackend.outbox.clear()


@pytest.fixture
def person(db):
    resident = f.ResidentFactory(phone="13912345678")
    User.objects.filter(pk=resident.user_id).update(email="zhang@example.cn")
    return User.objects.get(pk=resident.user_id)


@pytest.mark.django_db
def test_defaults_send_email_and_sms_where_it_matters(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            users=[person], kind=K.VOTE_OPENED, url="/projects/votes/v1/", title="加装电梯", closes="2026-12-15"
        )
    assert Notification.objects.filter(user=person).count() == 1
    assert set(Delivery.objects.values_list("channel", "status")) == {("email", "sent"), ("sms", "sent")}
    (sms,) = LocmemSmsBackend.outbox
    assert (
        sms["to"] == "13912345678"
        and "加装电梯" in sms["text"]
        and "http://127.0.0.1:8000/projects/votes/v1/" in sms["text"]
    )
    (email,) = mail.outbox
    assert email.to == ["zhang@example.cn"] and "加装电梯" in email.body
    # A vote result goes by e-mail only by default.
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(users=[person], kind=K.VOTE_CLOSED, title="加装电梯", result="passed")
    assert len(LocmemSmsBackend.outbox) == 1 and len(mail.outbox) == 2


@pytest.mark.django_db
def test_users_choose_their_channels(client, person, django_capture_on_commit_callbacks):
    client.force_login(person)
    page = client.get(reverse("stakeholders:notification_settings"))
    assert page.status_code == 200 and "139****5678" in page.content.decode()
    choices = {f"email__{k}": "on" for k in K.values} | {"sms__vote_closed": "on"}  # no SMS at all but vote results
    assert client.post(reverse("stakeholders:notification_settings"), choices).status_code == 302
    preference = NotificationPreference.objects.get(user=person)
    assert wanted_channels(K.VOTE_OPENED, preference) == {"email"}
    assert wanted_channels(K.VOTE_CLOSED, preference) == {"email", "sms"}
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(users=[person], kind=K.VOTE_OPENED, title="t", closes="c")
        services.notify(users=[person], kind=K.VOTE_CLOSED, title="t", result="passed")
    assert list(Delivery.objects.filter(channel="sms").values_list("kind", flat=True)) == [K.VOTE_CLOSED]
    assert len(LocmemSmsBackend.outbox) == 1  # only the result by SMS
    assert Notification.objects.filter(user=person).count() == 2  # in-app always
    page = client.get(reverse("stakeholders:notification_settings")).content.decode()
    import re

    assert re.search(r'<input[^>]*name="sms__vote_closed"[^>]*checked', page)
    assert not re.search(r'<input[^>]*name="sms__vote_opened"[^>]*checked', page)


@pytest.mark.django_db
def test_a_channel_without_an_address_is_not_offered_ticked(client, person):
    """Field test: e-mail was ticked for an account with no e-mail, and the screen reader read
    "联名邀请: email". Without an address the channel is unticked and cannot be changed; the choice
    stored for it is kept; every label is words."""
    import re

    person.email = ""
    person.save(update_fields=["email"])
    client.force_login(person)
    page = client.get(reverse("stakeholders:notification_settings")).content.decode()
    email_boxes = re.findall(r'<input[^>]*name="email__[^"]+"[^>]*>', page)
    assert email_boxes and all("disabled" in box and "checked" not in box for box in email_boxes)
    assert re.search(r'<input[^>]*name="sms__vote_opened"[^>]*checked', page)  # the phone is there: SMS stays offered
    assert "联名邀请：电子邮件" in page and ": email" not in page and "：email" not in page
    assert client.post(reverse("stakeholders:notification_settings"), {"sms__vote_opened": "on"}).status_code == 302
    preference = NotificationPreference.objects.get(user=person)
    assert wanted_channels(K.VOTE_OPENED, preference) == {"email", "sms"}  # e-mail's default kept for later


@pytest.mark.django_db
def test_a_key_never_notifies_twice(person, django_capture_on_commit_callbacks):
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            services.notify(
                users=[person, person.pk],
                kind=K.SURVEY_INVITED,
                key="survey1:invite:7",
                estate="甲小区",
                closes="2026-12-31",
            )
    assert Notification.objects.filter(user=person).count() == 1
    assert Delivery.objects.count() == 2 and len(LocmemSmsBackend.outbox) == 1


class FlakyGateway:
    calls = 0

    def send(self, *, to, text, key):
        FlakyGateway.calls += 1
        raise ConnectionError("gateway timeout")


@pytest.mark.django_db
def test_channel_errors_retry_then_fail_and_stuck_messages_are_marked_unknown(person, settings):
    settings.SMS_BACKEND = "tests.stakeholders.test_channels.FlakyGateway"
    settings.DELIVERY_MAX_ATTEMPTS = 2
    batch = services.notify_each(
        notices=[services.Notice(user_id=person.pk, kind=K.COMPLAINT_UPDATED, params={}, key="c1")], send=False
    )
    assert services.deliveries_send(batch=batch) == {"sent": 1, "failed": 1, "skipped": 0}  # e-mail fine, SMS failed
    sms = Delivery.objects.get(channel="sms")
    assert (sms.status, sms.attempts, sms.error) == ("pending", 1, "gateway timeout")
    services.deliveries_send(batch=batch)
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == ("failed", 2)
    assert services.deliveries_send(batch=batch) == {"sent": 0, "failed": 0, "skipped": 0}
    assert FlakyGateway.calls == 2
    # A message whose sender died mid-call is never resent: the sweep marks it unknown.
    Delivery.objects.filter(pk=sms.pk).update(status="sending", claimed_at=timezone.now() - timedelta(hours=1))
    assert services.deliveries_sweep()["unknown"] == 1
    assert Delivery.objects.get(pk=sms.pk).status == "unknown"


@pytest.mark.django_db
def test_the_sweep_sends_what_a_lost_task_left(person, settings):
    batch = services.notify_each(
        notices=[services.Notice(user_id=person.pk, kind=K.SURVEY_REMINDER, params={"estate": "甲", "closes": "x"})],
        send=False,
    )
    assert services.deliveries_sweep()["sent"] == 0  # written less than a minute ago: its task may still come
    Delivery.objects.filter(batch=batch).update(created_at=timezone.now() - timedelta(minutes=2))
    assert services.deliveries_sweep()["sent"] == 2
    assert len(LocmemSmsBackend.outbox) == 1


@pytest.mark.django_db
def test_people_without_addresses_get_in_app_only(db, django_capture_on_commit_callbacks):
    staff = f.UserFactory(username="staff-no-mail")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(users=[staff], kind=K.COMPLAINT_ESCALATED, estate="甲", reason="acknowledge")
    assert Notification.objects.get(user=staff).text
    assert Delivery.objects.count() == 0


@pytest.mark.django_db
def test_settings_page_query_budget(client, person, django_assert_max_num_queries):
    client.force_login(person)
    with django_assert_max_num_queries(7):
        client.get(reverse("stakeholders:notification_settings"))
