"""Sign-up, sign-in, claim and review pages: errors next to the field, typed values kept."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from stakeholders.models import Delivery, Ownership, Resident, User
from tests import factories as f

SIGNUP = reverse("stakeholders:signup")
CONFIRM = reverse("stakeholders:signup_confirm")
CLAIM = reverse("stakeholders:claim_create")
PHONE = "13807719999"


def signup_data(**overrides):
    data = {
        "name": "陈小梅",
        "password1": "Quiet-River-2026",
        "password2": "Quiet-River-2026",
        "is_party_member": "on",
        "consent": "on",
    }
    data.update(overrides)
    return data


def ask_code(client, identifier=PHONE):
    return client.post(SIGNUP, {"identifier": identifier})


def sign_up(client, identifier=PHONE, **overrides):
    assert ask_code(client, identifier)["Location"] == CONFIRM
    return client.post(CONFIRM, signup_data(code=f.sent_code(identifier), **overrides))


@pytest.mark.django_db
def test_signup_proves_the_phone_with_a_code_then_creates_the_resident_and_sends_to_claim(client):
    asked = ask_code(client, "138 0771 9999")
    assert asked.status_code == 302 and asked["Location"] == CONFIRM
    page = client.get(CONFIRM).content.decode()
    assert "138****9999" in page and "6 位验证码" in page and 'autocomplete="one-time-code"' in page
    response = client.post(CONFIRM, signup_data(code=f.sent_code(PHONE)))
    assert response.status_code == 302 and response["Location"] == CLAIM
    resident = Resident.objects.get(phone=PHONE)
    assert resident.name == "陈小梅" and resident.party_claim == "pending" and not resident.is_party_member
    assert client.get(reverse("home")).context["user"].username == PHONE
    assert client.get(CONFIRM)["Location"] == reverse("home")  # signed in: nothing more to confirm


@pytest.mark.django_db
def test_the_confirm_page_without_a_number_goes_back_to_the_first_step(client):
    assert client.get(CONFIRM)["Location"] == SIGNUP


@pytest.mark.django_db
def test_signup_first_step_error_is_next_to_the_field(client):
    response = ask_code(client, "12345")
    assert response.status_code == 400
    assert "请输入" in " ".join(response.context["form"].errors["identifier"])
    assert 'id="id_identifier_error"' in response.content.decode() and 'value="12345"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"password2": "Different-2026"}, "password2", "两次输入的密码不一致"),
        ({"password1": "12345678", "password2": "12345678"}, "password1", "密码"),
        ({"consent": ""}, "consent", "勾选"),
        ({"code": "12ab"}, "code", "6 位数字"),
        ({"code": "WRONG"}, "code", "验证码不正确"),
    ],
)
def test_signup_errors_are_shown_next_to_the_field_in_chinese_and_input_is_kept(client, overrides, field, message):
    assert ask_code(client)["Location"] == CONFIRM
    sent = f.sent_code(PHONE)
    wrong = "000000" if sent != "000000" else "111111"
    data = {**signup_data(code=sent), **overrides}
    if data["code"] == "WRONG":
        data["code"] = wrong
    response = client.post(CONFIRM, data)
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert message in " ".join(form.errors[field])
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html  # the message sits next to its field
    assert 'value="陈小梅"' in html  # what was typed is still there
    assert not User.objects.filter(username=PHONE).exists()


@pytest.mark.django_db
def test_signup_with_a_taken_phone_answers_as_for_a_new_one_and_tells_the_owner_by_sms(client):
    """No enumeration: the page answers the same; the message goes to the number's owner."""
    f.ResidentFactory(phone=PHONE)
    fresh, taken = Client(), client
    answers = [ask_code(c, n) for c, n in ((fresh, "13807718888"), (taken, PHONE))]
    assert [a.status_code for a in answers] == [302, 302] and answers[0]["Location"] == answers[1]["Location"]
    pages = [_without_tokens(c.get(CONFIRM).content.decode()) for c in (fresh, taken)]
    # The same page but for the number itself (masked, and in the resend form's hidden field).
    assert re.sub("13807718888|138\\*{4}8888", "X", pages[0]) == re.sub(f"{PHONE}|138\\*{{4}}9999", "X", pages[1])
    told = Delivery.objects.filter(address=PHONE, kind="verification_code").get()
    assert "已有账户" in told.body and not re.search(r"\d{6}", told.body.replace(PHONE, ""))
    refused = taken.post(CONFIRM, signup_data(code="123456"))
    assert refused.status_code == 400 and "验证码不正确" in " ".join(refused.context["form"].errors["code"])


def _without_tokens(html: str) -> str:
    return re.sub(r"[A-Za-z0-9]{64}", "CSRF", html)  # each visitor's own CSRF token (form and htmx header)


@pytest.mark.django_db
def test_sign_in_with_phone_and_wrong_password_message(client):
    sign_up(client)
    client.post(reverse("logout"))
    bad = client.post(reverse("login"), {"username": PHONE, "password": "nope"})
    assert bad.status_code == 200 and "密码" in " ".join(bad.context["form"].non_field_errors())
    assert f'value="{PHONE}"' in bad.content.decode()
    good = client.post(reverse("login"), {"username": "138 0771 9999", "password": "Quiet-River-2026"})
    assert good.status_code == 302


@pytest.mark.django_db
def test_password_reset_sends_mail_with_working_link(client):
    services_user = f.UserFactory(username="someone", email="someone@example.cn")
    response = client.post(reverse("password_reset"), {"email": "someone@example.cn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "someone@example.cn" in mail.outbox[0].to
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    confirm = client.get(link.split("testserver", 1)[1], follow=True)
    assert confirm.context["validlink"]
    done = client.post(
        confirm.redirect_chain[-1][0], {"new_password1": "New-Garden-77", "new_password2": "New-Garden-77"}
    )
    assert done.status_code == 302
    services_user.refresh_from_db()
    assert services_user.check_password("New-Garden-77")


# --- claiming ---------------------------------------------------------------------------------


def claim_data(city, household=None, **overrides):
    household = household or city.homes_a1[3]
    data = {
        "estate": household.building.estate_id,
        "building": household.building_id,
        "unit": household.unit,
        "household": household.pk,
        "proof": f.proof_file(),
    }
    data.update(overrides)
    return data


def test_claim_form_narrows_choices_step_by_step(city, client):
    client.force_login(city.plain_resident.user)
    first = client.get(CLAIM)
    assert first.context["form"].stage == "building" or first.context["form"].stage == "estate"
    home = city.homes_a1[3]
    partial = client.get(
        CLAIM,
        {"estate": home.building.estate_id, "building": home.building_id, "unit": "1"},
        headers={"HX-Request": "true"},
    )
    assert partial.status_code == 200
    assert [t.name for t in partial.templates][0] == "stakeholders/_claim_places.html"
    rooms = list(partial.context["form"].fields["household"].queryset)
    assert rooms == city.homes_a1  # only that building and entrance


def test_claim_form_offers_each_entrance_once_as_a_word(city, client):
    """Field test: after 桃源小区 and 1栋 the 单元 list offered "1" twelve times and "2" twelve times."""
    from tests import factories as f

    building = city.homes_a1[0].building
    f.households(building, 6, unit="2")
    client.force_login(city.plain_resident.user)
    partial = client.get(CLAIM, {"estate": building.estate_id, "building": building.pk}, headers={"HX-Request": "true"})
    choices = partial.context["form"].fields["unit"].choices
    assert [str(label) for value, label in choices if value] == ["1单元", "2单元"]
    html = partial.content.decode()
    assert html.count('value="1"') == 1 and ">1单元<" in html


def test_claim_succeeds_and_shows_pending_on_home(city, client):
    client.force_login(city.plain_resident.user)
    response = client.post(CLAIM, claim_data(city))
    assert response.status_code == 302
    ownership = Ownership.objects.get(resident=city.plain_resident)
    assert ownership.status == Ownership.Status.PENDING
    home = client.get(reverse("home")).content.decode()
    assert "待核验" in home


def test_claim_with_room_of_another_estate_is_refused_and_choices_are_kept(city, client):
    client.force_login(city.plain_resident.user)
    data = claim_data(city, household=city.homes_a1[3])
    data["household"] = city.homes_b1[2].pk  # tampered: a room in another street's estate
    response = client.post(CLAIM, data)
    assert response.status_code == 400
    assert "household" in response.context["form"].errors
    html = response.content.decode()
    assert f'<option value="{city.estate_a1.pk}" selected>' in html
    assert f'<option value="{city.homes_a1[3].building_id}" selected>' in html
    assert not Ownership.objects.filter(resident=city.plain_resident).exists()


@pytest.mark.parametrize(
    "proof, code_text",
    [
        (lambda: f.proof_file("virus.pdf", b"MZ\x90\x00 executable"), "不接受"),
        (lambda: f.proof_file("empty.png", b""), "空"),
        (lambda: f.proof_file("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40), "无法读取"),
    ],
)
def test_claim_with_bad_proof_explains_and_keeps_choices(city, client, proof, code_text):
    client.force_login(city.plain_resident.user)
    response = client.post(CLAIM, claim_data(city, proof=proof()))
    assert response.status_code == 400
    assert code_text in " ".join(response.context["form"].errors["proof"])
    assert f'<option value="{city.homes_a1[3].pk}" selected>' in response.content.decode()


def test_claim_proof_too_large(city, client, settings):
    settings.PROOF_MAX_BYTES = 1000
    client.force_login(city.plain_resident.user)
    response = client.post(CLAIM, claim_data(city, proof=f.proof_file(content=f.png_bytes((400, 400)))))
    assert response.status_code == 400
    assert "上限" in " ".join(response.context["form"].errors["proof"])


def test_duplicate_claim_through_the_form(city, client):
    client.force_login(city.claimant_a1.user)
    response = client.post(CLAIM, claim_data(city, household=city.homes_a1[1]))
    assert response.status_code == 400
    assert "已经认领" in " ".join(response.context["form"].errors["household"])


# --- reviewing ----------------------------------------------------------------------------------


def test_staff_verify_from_the_queue(city, client):
    client.force_login(city.comm_a1_staff)
    url = reverse("stakeholders:review_detail", args=[city.pending_a1.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["can_review"]
    response = client.post(url, {"action": "verify"})
    assert response.status_code == 302
    city.pending_a1.refresh_from_db()
    assert city.pending_a1.status == Ownership.Status.VERIFIED and city.pending_a1.is_voting_owner


def test_staff_reject_without_reason_keeps_page_and_explains(city, client):
    client.force_login(city.comm_a1_staff)
    url = reverse("stakeholders:review_detail", args=[city.pending_a1.pk])
    response = client.post(url, {"action": "reject", "reason": ""})
    assert response.status_code == 400
    assert "原因" in " ".join(response.context["reject_form"].errors["reason"])
    response = client.post(url, {"action": "reject", "reason": "产权证姓名与注册姓名不一致"})
    assert response.status_code == 302
    client.force_login(city.claimant_a1.user)
    assert "产权证姓名与注册姓名不一致" in client.get(reverse("home")).content.decode()


def test_second_verification_of_reviewed_claim_says_already_reviewed(city, client):
    client.force_login(city.comm_a1_staff)
    url = reverse("stakeholders:review_detail", args=[city.pending_a1.pk])
    client.post(url, {"action": "verify"})
    again = client.post(url, {"action": "verify"})
    assert again.status_code == 400
    assert "已经审核" in again.content.decode()


def test_proof_is_served_privately_with_safe_headers(city, client):
    client.force_login(city.claimant_a1.user)
    response = client.get(reverse("stakeholders:claim_proof", args=[city.pending_a1.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.django_db
def test_the_second_signup_page_keeps_its_query_budget(client, django_assert_max_num_queries):
    ask_code(client)
    with django_assert_max_num_queries(3):  # the session; nothing grows with data
        assert client.get(CONFIRM).status_code == 200
