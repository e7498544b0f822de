"""Registration proves the phone or e-mail with a one-time code (issue 16, item 5), and never tells
whether an address already has an account: same answers, same limits, the news goes to the address."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from stakeholders import services
from stakeholders.models import Resident, User, VerificationCode
from stakeholders.notifications import LocmemSmsBackend
from tests import factories as f
from tests.stakeholders.test_services import codes

PHONE = "13807716666"


@pytest.fixture(autouse=True)
def _clean_outbox():
    LocmemSmsBackend.outbox.clear()
    yield
    LocmemSmsBackend.outbox.clear()


def refused(**kwargs) -> set[str]:
    with pytest.raises(ValidationError) as error:
        services.resident_register(**{"name": "陈小梅", "password": f.PASSWORD, **kwargs})
    return codes(error.value)


@pytest.mark.django_db
def test_the_code_reaches_the_phone_or_the_mailbox_through_the_gateway(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.registration_code_send(identifier="+86 138-0771-6666")
        mailed = services.registration_code_send(identifier="Chen.XM@Example.cn")
    assert (sent.identifier, sent.shown, sent.minutes) == (PHONE, "138****6666", 10)
    assert mailed.shown == "ch***@example.cn"
    (sms,) = LocmemSmsBackend.outbox
    assert sms["to"] == PHONE and f.sent_code(PHONE) in sms["text"] and "10 分钟内有效" in sms["text"]
    (email,) = mail.outbox
    assert email.to == ["chen.xm@example.cn"] and f.sent_code("chen.xm@example.cn") in email.body
    # Only a keyed hash of the code is kept.
    code = f.sent_code(PHONE)
    row = VerificationCode.objects.get(identifier=PHONE)
    assert code not in row.digest and len(row.digest) == 64
    user = services.resident_register(name="陈小梅", identifier=PHONE, code=code, password=f.PASSWORD)
    assert user.resident.phone == PHONE and VerificationCode.objects.get(identifier=PHONE).used_at is not None


@pytest.mark.django_db
def test_an_address_with_an_account_gets_the_same_answer_and_a_message_saying_so(django_capture_on_commit_callbacks):
    f.ResidentFactory(phone=PHONE)
    with django_capture_on_commit_callbacks(execute=True):
        taken = services.registration_code_send(identifier=PHONE)
        fresh = services.registration_code_send(identifier="13807717777")
    assert (taken.shown[:3], taken.minutes) == (fresh.shown[:3], fresh.minutes)
    told = next(m for m in LocmemSmsBackend.outbox if m["to"] == PHONE)
    assert "已有账户" in told["text"] and "验证码是" not in told["text"]
    assert VerificationCode.objects.get(identifier=PHONE).digest == ""
    # Whatever code is tried, the answer is the one a wrong code gets.
    assert refused(identifier=PHONE, code="123456") == {"code_invalid"}
    assert refused(identifier="13807717777", code="000000" if f.sent_code("13807717777") != "000000" else "1") <= {
        "code_invalid"
    }
    assert User.objects.filter(username=PHONE).count() == 0  # the existing resident has no such user name


@pytest.mark.django_db
def test_a_code_expires_is_used_once_and_dies_after_five_wrong_tries(settings):
    settings.REGISTER_CODE_INTERVAL_SECONDS = 0
    now = timezone.now()
    services.registration_code_send(identifier=PHONE, now=now)
    code = f.sent_code(PHONE)
    assert refused(identifier=PHONE, code=code, now=now + timedelta(minutes=11)) == {"code_invalid"}
    services.registration_code_send(identifier=PHONE, now=now)
    code = f.sent_code(PHONE)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(settings.REGISTER_CODE_TRIES):
        assert refused(identifier=PHONE, code=wrong, now=now) == {"code_invalid"}
    assert refused(identifier=PHONE, code=code, now=now) == {"code_invalid"}  # too many wrong tries: dead
    services.registration_code_send(identifier=PHONE, now=now)
    code = f.sent_code(PHONE)
    services.resident_register(name="陈小梅", identifier=PHONE, code=code, password=f.PASSWORD, now=now)
    assert refused(identifier=PHONE, code=code, now=now) == {"code_invalid"}  # used
    assert Resident.objects.filter(phone=PHONE).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("has_account", [False, True])
def test_the_limits_are_the_same_whether_or_not_the_address_has_an_account(settings, has_account):
    if has_account:
        f.ResidentFactory(phone=PHONE)
    now = timezone.now()
    services.registration_code_send(identifier=PHONE, now=now)
    with pytest.raises(ValidationError) as error:
        services.registration_code_send(identifier=PHONE, now=now + timedelta(seconds=20))
    assert codes(error.value) == {"code_too_soon"} and "41 秒" in " ".join(error.value.messages)
    for minute in range(1, settings.REGISTER_CODES_PER_HOUR):
        services.registration_code_send(identifier=PHONE, now=now + timedelta(minutes=minute))
    with pytest.raises(ValidationError) as error:
        services.registration_code_send(identifier=PHONE, now=now + timedelta(minutes=30))
    assert codes(error.value) == {"code_limit"}
    assert services.registration_code_send(identifier=PHONE, now=now + timedelta(minutes=61)).minutes == 10


@pytest.mark.django_db
def test_one_requester_cannot_send_codes_to_the_whole_city(settings):
    for n in range(settings.REGISTER_CODES_PER_REQUESTER_HOUR):
        services.registration_code_send(identifier=f"1390771{n:04d}", requested_from="10.0.9.1")
    with pytest.raises(ValidationError) as error:
        services.registration_code_send(identifier="13907719999", requested_from="10.0.9.1")
    assert codes(error.value) == {"code_limit"}
    services.registration_code_send(identifier="13907719999", requested_from="10.0.9.2")  # another requester


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_code_sent_twice_at_once_makes_one_account():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    services.registration_code_send(identifier=PHONE)
    code = f.sent_code(PHONE)
    results, barrier = [], threading.Barrier(4)

    def attempt():
        barrier.wait()
        try:
            services.resident_register(name="陈小梅", identifier=PHONE, code=code, password=f.PASSWORD)
            results.append("made")
        except ValidationError as error:
            results.append(sorted(codes(error))[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["code_invalid"] * 3 + ["made"]
    assert User.objects.filter(username=PHONE).count() == 1
