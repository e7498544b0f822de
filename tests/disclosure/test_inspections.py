"""The council supervises (issue 17, item 5): representatives of the estate's council in term post
inspection notes on the works that the contractor must answer by a deadline (public, no names; late
answers counted on the contractor's page; the street office told once), read the ledger's vouchers,
and follow the estate's works and community complaints without learning who filed them."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from disclosure import permissions, services
from disclosure.inspections import contractor_inspection_record
from disclosure.models import Inspection
from feedback import permissions as voice_permissions
from feedback import selectors as voice_selectors
from feedback.models import Complaint
from projects.models import Project
from stakeholders.models import Council, Notification
from tests import factories as f
from tests.disclosure.conftest import adopted_project, award, income, publish_budget

S = Project.Status


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def serving_council(city, owners, *, term_days=365, converted=False):
    """owners[0] sits on estate a1's council, filed and in term (or past it with term_days < 0)."""
    from stakeholders import services as people

    council = people.council_register(estate=city.estate_a1, actor=city.street_a_staff)
    people.council_member_add(council=council, resident=owners[0], actor=city.street_a_staff)
    today = timezone.localdate()
    Council.objects.filter(pk=council.pk).update(
        filed_on=today - timedelta(days=400),
        term_ends=today + timedelta(days=term_days),
        converted_on=today if converted else None,
    )
    return owners[0].user


@pytest.fixture
def works(city):
    p = adopted_project(city)
    publish_budget(city, p)
    award(city, p)
    return p


def _note(city, p, actor, **kw):
    return services.inspection_post(project=p.project, actor=actor, findings=kw.pop("findings", "屋面翘边"), **kw)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who, status, allowed",
    [
        ("member", S.CONTRACTED, True),
        ("member", S.UNDER_CONSTRUCTION, True),
        ("member", S.BUDGET_APPROVED, False),
        ("member", S.COMPLETED, False),
        ("expired_member", S.UNDER_CONSTRUCTION, False),
        ("converted_member", S.UNDER_CONSTRUCTION, True),
        ("owner", S.UNDER_CONSTRUCTION, False),
        ("comm_a1_staff", S.UNDER_CONSTRUCTION, False),
        ("street_a_staff", S.UNDER_CONSTRUCTION, False),
        ("contractor", S.UNDER_CONSTRUCTION, False),
        ("owner_b1", S.UNDER_CONSTRUCTION, False),
    ],
)
def test_who_posts_an_inspection_note_when(city, owners, works, who, status, allowed):
    if who.endswith("member"):
        user = serving_council(
            city, owners, term_days=-1 if who == "expired_member" else 365, converted=who == "converted_member"
        )
    else:
        user = {"owner": city.owner_a1.user, "owner_b1": city.owner_b1.user}.get(who) or getattr(city, who)
    Project.objects.filter(pk=works.project.pk).update(status=status)
    works.project.refresh_from_db()
    assert permissions.can_post_inspection(user, works.project) is allowed
    if allowed:
        assert _note(city, works, user).answered_at is None
    else:
        with pytest.raises(PermissionDenied):
            _note(city, works, user)
    assert Inspection.objects.count() == (1 if allowed else 0)


@pytest.mark.django_db
def test_a_note_goes_to_the_contractor_who_answers_once(city, owners, works):
    member = serving_council(city, owners)
    with pytest.raises(ValidationError) as empty:
        _note(city, works, member, findings="   ")
    assert "findings" in empty.value.message_dict
    note = _note(city, works, member, location="2栋屋面", photos=[f.proof_file("屋面.png")])
    assert note.organization == city.contractor_org and note.photos.count() == 1
    assert note.answer_due - note.posted_at == timedelta(days=7)
    told = Notification.objects.get(kind="inspection_posted")
    assert told.user == city.contractor and "甲一小区" in told.text
    # Only the project's contractor answers: not the supervisor, not the street office, not the member.
    for other in (city.supervisor, city.street_a_staff, member):
        assert permissions.can_answer_inspection(other, note) is False
        with pytest.raises(PermissionDenied):
            services.inspection_answer(inspection=note, actor=other, answer="好")
    with pytest.raises(ValidationError):
        services.inspection_answer(inspection=note, actor=city.contractor, answer=" ")
    services.inspection_answer(inspection=note, actor=city.contractor, answer="已重新粘贴并做闭水试验")
    note.refresh_from_db()
    assert note.answered_at and not note.is_overdue()
    assert Notification.objects.get(kind="inspection_answered").user == member
    with pytest.raises(ValidationError) as twice:
        services.inspection_answer(inspection=note, actor=city.contractor, answer="再答一次")
    assert twice.value.messages == [str(services.INSPECTION_ERRORS["already_answered"])]


@pytest.mark.django_db
def test_late_answers_are_reported_once_and_counted(city, owners, works):
    member = serving_council(city, owners)
    late, waiting, on_time = (_note(city, works, member, findings=t) for t in ("一", "二", "三"))
    past = timezone.now() - timedelta(days=1)
    Inspection.objects.filter(pk__in=[late.pk, waiting.pk]).update(answer_due=past)
    services.inspection_answer(inspection=late, actor=city.contractor, answer="晚了")
    services.inspection_answer(inspection=on_time, actor=city.contractor, answer="及时")
    assert services.inspections_overdue_notify() == 1  # `waiting`: the answered-late one is not waiting
    assert services.inspections_overdue_notify() == 0  # never twice
    told = Notification.objects.filter(kind="inspection_overdue")
    assert {n.user for n in told} == {city.street_a_staff, city.street_a_manager}
    assert contractor_inspection_record(city.contractor_org) == {"total": 3, "on_time": 1, "late": 1, "overdue": 1}
    page = Client().get(reverse("disclosure:contractor", args=[city.contractor_org.pk])).content.decode()
    assert "3 条记录：1 条按时答复，1 条迟复，1 条逾期未答复" in page


@pytest.mark.django_db
def test_public_page_shows_notes_without_names_and_the_forms_to_who_may_act(
    city, owners, works, django_assert_max_num_queries
):
    member = serving_council(city, owners)
    note = _note(city, works, member, location="2栋屋面", photos=[f.proof_file("屋面.png")])
    url = reverse("disclosure:inspections", args=[works.project.code])
    with django_assert_max_num_queries(12):
        public = Client().get(url).content.decode()
    assert "屋面翘边" in public and "一位议事会代表" in public and "2栋屋面" in public
    assert owners[0].name not in public and owners[0].masked_name not in public
    assert 'data-testid="inspection-form"' not in public and 'data-testid="answer-form"' not in public
    photo = note.photos.get()
    image = Client().get(reverse("disclosure:inspection_photo", args=[photo.pk, "thumb"]))
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert 'data-testid="inspection-form"' in client_for(member).get(url).content.decode()
    contractor = client_for(city.contractor)
    assert 'data-testid="answer-form"' in contractor.get(url).content.decode()
    # The answer form keeps what was typed and says what is wrong, next to the field.
    bad = contractor.post(url, {"action": "answer", "note": note.pk, f"n{note.pk}-answer": ""})
    assert bad.status_code == 400 and "请写下您的答复" in bad.content.decode()
    done = contractor.post(url, {"action": "answer", "note": note.pk, f"n{note.pk}-answer": "已整改"})
    assert done.status_code == 302
    shown = Client().get(url).content.decode()
    assert "已整改" in shown and "施工公司" in shown
    # Posting through the page: a resident who is not on the council gets 403.
    refused = client_for(city.owner_a1.user).post(url, {"action": "note", "findings": "看看"})
    assert refused.status_code == 403
    posted = client_for(member).post(url, {"action": "note", "findings": ""})
    assert posted.status_code == 400 and "请写下您发现的问题" in posted.content.decode()
    body = Client().get(reverse("disclosure:project", args=[works.project.code])).content.decode()
    assert 'data-testid="public-inspections"' in body and "居民议事会共发布 1 条施工检查记录" in body


@pytest.mark.django_db
def test_the_council_in_term_reads_vouchers(city, owners, works):
    entry = income(city, works, voucher=f.proof_file("拨款凭证.png"))
    member = serving_council(city, owners)
    url = reverse("disclosure:ledger_voucher", args=[works.project.code, entry.seq])
    assert permissions.can_view_voucher(member, works.project)
    assert client_for(member).get(url).status_code == 200
    ledger_page = reverse("disclosure:ledger", args=[works.project.code])
    assert url in client_for(member).get(ledger_page).content.decode()  # the link is shown to them
    assert url not in client_for(city.owner_a1.user).get(ledger_page).content.decode()
    assert client_for(city.owner_a1.user).get(url).status_code in (403, 404)
    Council.objects.filter(estate=city.estate_a1).update(term_ends=timezone.localdate() - timedelta(days=1))
    assert client_for(member).get(url).status_code in (403, 404)


@pytest.mark.django_db
def test_council_members_follow_complaints_without_learning_who_filed(city, owners, works):
    from feedback import services as voice

    Project.objects.filter(pk=works.project.pk).update(status=S.UNDER_CONSTRUCTION)
    works.project.refresh_from_db()
    member = serving_council(city, owners)
    filer = owners[1]
    works_complaint = voice.complaint_file(
        project=works.project, actor=filer.user, category="quality", text="楼道墙面空鼓，一敲就掉"
    )
    voice.complaint_message(complaint=works_complaint, actor=filer.user, text="我家电话13900000000，白天在家")
    voice.complaint_transition(complaint=works_complaint, to="acknowledged", actor=city.contractor, note="明天去看")
    money = f.legacy_tip(works.project, filer, "fund_use", text="账目不清")
    complaint_ids = set(voice_selectors.complaints_visible_to(member).values_list("pk", flat=True))
    assert complaint_ids == {works_complaint.pk}  # never the money or integrity routes
    assert voice_permissions.can_view_complaint(member, works_complaint)
    assert not voice_permissions.can_view_complaint(member, money)
    assert not voice_permissions.can_see_complaint_filer(member, works_complaint)
    page = client_for(member).get(reverse("feedback:complaint", args=[works_complaint.pk])).content.decode()
    assert "楼道墙面空鼓" in page and "明天去看" in page and "施工公司" in page
    assert filer.name not in page and filer.masked_name not in page and "13900000000" not in page
    assert 'data-testid="message-form"' not in page and 'data-testid="action-' not in page
    assert client_for(member).get(reverse("feedback:complaint", args=[money.pk])).status_code == 404
    # The contractor answering it still sees who wrote and what they wrote.
    answering = client_for(city.contractor).get(reverse("feedback:complaint", args=[works_complaint.pk]))
    assert "13900000000" in answering.content.decode()
    assert Complaint.objects.count() == 2
