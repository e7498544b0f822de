"""Messages left `unknown` (the sender stopped mid-call) or `failed` are listed for platform admins,
who send them again from the admin after checking the gateway; nothing else is ever resent."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from stakeholders import permissions, services
from stakeholders.models import Delivery, Notification
from stakeholders.notifications import LocmemSmsBackend

S = Delivery.Status


@pytest.fixture(autouse=True)
def _clean_outbox():
    LocmemSmsBackend.outbox.clear()
    yield
    LocmemSmsBackend.outbox.clear()


def delivery(user, status, text="您反映的问题已更新"):
    return Delivery.objects.create(
        key=f"test:{uuid.uuid4().hex}",
        batch=uuid.uuid4(),
        channel=Delivery.Channel.SMS,
        user=user,
        kind=Notification.Kind.COMPLAINT_UPDATED,
        address="13912345678",
        body=text,
        status=status,
        attempts=1,
    )


ROLES = ["admin", "bureau", "street_a_staff", "comm_a1_staff", "contractor", "resident"]


def _user(city, role):
    return city.owner_a1.user if role == "resident" else getattr(city, role)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("status", S.values)
def test_who_may_send_a_message_again_in_which_state(city, role, status):
    row = delivery(city.owner_a1.user, status)
    expected = role == "admin" and status in ("unknown", "failed")
    assert permissions.can_resend_delivery(_user(city, role), row) is expected


@pytest.mark.django_db
def test_an_admin_resends_unknown_and_failed_messages_once_and_nothing_else(city, django_capture_on_commit_callbacks):
    person = city.owner_a1.user
    rows = {status: delivery(person, status, text=f"消息 {status}") for status in S.values}
    with django_capture_on_commit_callbacks(execute=True):
        queued = services.deliveries_resend(ids=[r.pk for r in rows.values()], actor=city.admin)
    assert queued == 2
    texts = sorted(m["text"] for m in LocmemSmsBackend.outbox)
    assert len(texts) == 2 and "消息 unknown" in texts[0] + texts[1] and "消息 failed" in texts[0] + texts[1]
    for status, row in rows.items():
        row.refresh_from_db()
        if status in ("unknown", "failed"):
            assert row.status == S.SENT and row.resent_by == city.admin and row.resent_at is not None
        else:
            assert row.status == status and row.resent_by is None  # left alone: never sent twice
    # Sending them again once more does nothing: they are sent now.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_resend(ids=[r.pk for r in rows.values()], actor=city.admin) == 0
    assert len(LocmemSmsBackend.outbox) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
def test_no_one_else_may_send_messages_again(city, role):
    row = delivery(city.owner_a1.user, S.UNKNOWN)
    with pytest.raises(PermissionDenied):
        services.deliveries_resend(ids=[row.pk], actor=_user(city, role))
    row.refresh_from_db()
    assert row.status == S.UNKNOWN


@pytest.mark.django_db
def test_the_admin_is_told_on_the_dashboard_and_resends_from_the_admin(
    city, client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    unknown, failed, sent = (delivery(city.owner_a1.user, s) for s in (S.UNKNOWN, S.FAILED, S.SENT))
    client.force_login(city.admin)
    with django_assert_max_num_queries(25):  # the admin dashboard's budget (tests/portal/test_dashboards.py)
        home = client.get("/").content.decode()
    assert 'data-testid="deliveries-to-check"' in home and "2 条短信或邮件可能没有送达" in home
    listed = client.get(reverse("admin:stakeholders_delivery_changelist") + "?status__in=unknown,failed")
    assert listed.status_code == 200
    shown = listed.context["cl"].result_list
    assert {d.pk for d in shown} == {unknown.pk, failed.pk}
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("admin:stakeholders_delivery_changelist"),
            {"action": "resend", "_selected_action": [unknown.pk, failed.pk, sent.pk]},
            follow=True,
        )
    assert "3 条中的 2 条将重新发送" in answer.content.decode()
    assert len(LocmemSmsBackend.outbox) == 2
    assert 'data-testid="deliveries-to-check"' not in client.get("/").content.decode()
