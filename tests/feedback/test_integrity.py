"""The integrity channel (issue 21 item 3): integrity and fund-use reports go to the discipline-
inspection office and the housing bureau, never to the street office they may concern; filed with
no account or with an identity only the office sees; followed through a tracking code; escalated up;
counted in public per street without content."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from feedback import permissions as fp
from feedback import services
from feedback.models import IntegrityReport
from stakeholders.models import Membership, Notification, Organization, User
from tests import factories as f

CODE = re.compile(r'data-testid="tracking-code">([A-Z0-9-]{19})<')


@pytest.fixture
def office(city):
    org = f.organization(Organization.Kind.INSPECTION, "纪检监察组")
    city.inspector = f.staff(org, "inspector", Membership.Role.MANAGER)
    city.bureau_manager = f.staff(city.bureau_org, "bureau_manager", Membership.Role.MANAGER)
    return org


def fresh(user):
    return User.objects.get(pk=user.pk)


def file(city, **kw):
    return services.integrity_file(
        kind=kw.pop("kind", "integrity"),
        street=kw.pop("street", city.street_a),
        text=kw.pop("text", "项目经理要求每户私下交500元才给装新水表"),
        **kw,
    )


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
def test_anyone_reports_without_an_account_and_gets_a_code_once(city, office):
    page = Client().get(reverse("feedback:integrity_new"))
    assert page.status_code == 200 and 'name="link_account"' not in page.content.decode()
    key = re.search(r'name="submission_key" value="([0-9a-f]{32})"', page.content.decode()).group(1)
    form = {"kind": "fund_use", "street": city.street_a.pk, "text": "材料款比实际用量多了一倍", "submission_key": key}
    answer = Client().post(reverse("feedback:integrity_new"), form)
    code = CODE.search(answer.content.decode()).group(1)
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]
    report = IntegrityReport.objects.get()
    assert report.agency == office and report.reporter is None and report.tracking_hash != code
    assert code not in str(IntegrityReport.objects.values().get())  # only the hash is kept
    again = Client().post(reverse("feedback:integrity_new"), form)  # the double tap
    assert IntegrityReport.objects.count() == 1 and 'data-testid="integrity-repeat"' in again.content.decode()
    told = set(Notification.objects.filter(kind="integrity_filed").values_list("user_id", flat=True))
    assert {city.inspector.pk, city.bureau.pk, city.bureau_manager.pk} <= told
    assert not told & {city.street_a_staff.pk, city.street_a_manager.pk, city.comm_a1_staff.pk, city.contractor.pk}
    assert "材料款" not in " ".join(n.text for n in Notification.objects.all())  # no content in notices


@pytest.mark.django_db
def test_bad_or_hostile_input_is_told_next_to_the_field_and_kept(city, office):
    url = reverse("feedback:integrity_new")
    answer = Client().post(url, {"kind": "integrity", "street": city.street_a.pk, "text": "", "contact": "138"})
    assert answer.status_code == 400 and 'id="id_text_error"' in answer.content.decode()
    assert 'value="138"' in answer.content.decode()
    hostile = Client().post(url, {"kind": "integrity", "street": "99999999999999999999", "text": "a\x00b"})
    assert hostile.status_code == 400 and not IntegrityReport.objects.exists()


@pytest.mark.django_db
def test_a_resident_chooses_whether_the_report_names_them(city, office):
    hidden, _code = file(city, actor=city.owner_a1.user)
    named, _code = file(city, actor=city.owner_a1.user, link_account=True)
    assert hidden.reporter is None and named.reporter == city.owner_a1
    page = client_for(city.owner_a1.user).get(reverse("feedback:integrity_new")).content.decode()
    assert 'name="link_account"' in page


@pytest.mark.django_db
def test_the_street_office_never_sees_a_report_which_may_be_about_itself(city, office):
    report, _code = file(city, actor=city.owner_a1.user, link_account=True)
    desk, detail = reverse("feedback:integrity_desk"), reverse("feedback:integrity_report", args=[report.pk])
    readers = [city.inspector, city.bureau]
    outsiders = [
        city.street_a_staff,
        city.street_a_manager,
        city.street_b_staff,
        city.comm_a1_staff,
        city.contractor,
        city.supervisor,
        city.owner_a1.user,  # the reporter reads it through the code, not the desk
        city.admin,
    ]
    for user in readers:
        assert client_for(user).get(desk).status_code == 200
        assert client_for(user).get(detail).status_code == 200
    for user in outsiders:
        assert client_for(user).get(desk).status_code == 403, user
        assert client_for(user).get(detail).status_code == 404, user
        assert (
            client_for(user).post(reverse("feedback:integrity_act", args=[report.pk]), {"action": "close"}).status_code
            == 404
        )
    # Who filed it: the inspection office only — not the bureau.
    assert city.owner_a1.name in client_for(city.inspector).get(detail).content.decode()
    assert city.owner_a1.name not in client_for(city.bureau).get(detail).content.decode()
    assert not fp.can_see_integrity_reporter(fresh(city.bureau), report)


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["submitted", "acknowledged", "answered", "closed"])
def test_who_acts_on_a_report_in_each_state(city, office, state):
    report, _code = file(city)
    IntegrityReport.objects.filter(pk=report.pk).update(status=state)
    report.refresh_from_db()
    inspector, bureau = fresh(city.inspector), fresh(city.bureau)
    assert fp.can_acknowledge_integrity(inspector, report) is (state == "submitted")
    assert fp.can_answer_integrity(inspector, report) is (state != "closed")
    assert fp.can_close_integrity(inspector, report) is (state == "answered")
    assert fp.can_write_by_code(report) is (state != "closed")
    for user in (bureau, fresh(city.street_a_manager), fresh(city.admin)):
        assert not fp.can_acknowledge_integrity(user, report)
        assert not fp.can_answer_integrity(user, report)
        assert not fp.can_close_integrity(user, report)
    with pytest.raises(PermissionDenied):
        services.integrity_answer(report=report, actor=bureau, answer="已转交")


@pytest.mark.django_db
def test_the_reporter_reads_the_answer_through_the_code_and_adds_to_it(city, office, django_assert_max_num_queries):
    report, code = file(city, actor=city.owner_a1.user, link_account=True)
    track = reverse("feedback:integrity_track")
    typed = code.lower().replace("-", " ")  # however typed
    with django_assert_max_num_queries(8):
        page = Client().post(track, {"code": typed})
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "尚无答复" in page.content.decode() or "No answer yet" in page.content.decode()
    Client().post(track, {"code": code, "text": "补充：收钱的人自称是项目部的"})
    services.integrity_answer(report=report, actor=city.inspector, answer="已立案核查，涉事人员已停职。")
    assert Notification.objects.filter(user=city.owner_a1.user, kind="integrity_answered").exists()
    page = Client().post(track, {"code": code}).content.decode()
    assert "已立案核查" in page and "补充：收钱的人" in page
    wrong = Client().post(track, {"code": "AAAA-BBBB-CCCC-DDDD"})
    assert wrong.status_code == 404 and 'id="id_code_error"' in wrong.content.decode()
    services.integrity_close(report=report, actor=city.inspector)
    with pytest.raises(ValidationError):
        services.integrity_write_by_code(report=report, text="还有一件事")


@pytest.mark.django_db
def test_the_office_answers_on_its_desk(city, office, django_assert_max_num_queries):
    report, code = file(city)
    inspector = client_for(city.inspector)
    with django_assert_max_num_queries(12):
        assert inspector.get(reverse("feedback:integrity_desk")).status_code == 200
    act = reverse("feedback:integrity_act", args=[report.pk])
    assert inspector.post(act, {"action": "acknowledge"}).status_code == 302
    empty = inspector.post(act, {"action": "answer", "answer": ""})
    assert empty.status_code == 400 and 'id="id_answer_error"' in empty.content.decode()
    assert inspector.post(act, {"action": "answer", "answer": "经核查，款项用途与台账一致。"}).status_code == 302
    assert inspector.post(act, {"action": "close"}).status_code == 302
    report.refresh_from_db()
    assert report.status == "closed" and report.acknowledged_at and report.answered_at
    assert services.integrity_by_code(code) == report


@pytest.mark.django_db
def test_a_late_report_goes_up_not_back(city, office):
    report, _code = file(city)
    assert services.integrity_escalate_overdue() == 0
    later = timezone.now() + timedelta(days=4)
    assert services.integrity_escalate_overdue(now=later) == 1
    assert services.integrity_escalate_overdue(now=later) == 0  # once
    told = set(Notification.objects.filter(kind="integrity_overdue").values_list("user_id", flat=True))
    assert told == {city.inspector.pk, city.bureau_manager.pk}  # the managers: up, never the street office


@pytest.mark.django_db
def test_the_public_counts_per_street_without_content(client, city, office, django_assert_max_num_queries):
    first, _c = file(city)
    file(city, kind="fund_use", text="维修资金使用不公开")
    file(city, street=city.street_b, text="乙街道的事")
    services.integrity_answer(report=first, actor=city.inspector, answer="已核查")
    with django_assert_max_num_queries(4):
        html = client.get(reverse("disclosure:integrity")).content.decode()
    streets = dict(re.findall(r"<strong>(.+?)</strong>\s*<div class=\"small\">(.+?)</div>", html))
    assert "2 件受理" in streets[city.street_a.name] and "1 件已答复" in streets[city.street_a.name]
    assert "1 件受理" in streets[city.street_b.name]
    for private in ("私下交", "维修资金使用不公开", "乙街道的事", "已核查"):
        assert private not in html


@pytest.mark.django_db
def test_the_complaint_form_sends_money_and_misconduct_to_the_channel(city, office):
    from tests.feedback.conftest import completed_project

    project = completed_project(city, city.estate_a1)
    page = client_for(city.owner_a1.user).get(reverse("feedback:complaint_file", args=[project.code])).content.decode()
    assert 'value="integrity"' not in page and 'value="fund_use"' not in page
    assert f"{reverse('feedback:integrity_new')}?project={project.code}" in page
    form = client_for(city.owner_a1.user).get(f"{reverse('feedback:integrity_new')}?project={project.code}")
    assert project.estate.name in form.content.decode()


@pytest.mark.django_db
def test_the_form_and_the_report_page_stay_within_their_query_budgets(city, office, django_assert_max_num_queries):
    from tests.feedback.conftest import completed_project

    project = completed_project(city, city.estate_a1)
    url = f"{reverse('feedback:integrity_new')}?project={project.code}"
    with django_assert_max_num_queries(4):  # the project, the streets
        assert Client().get(url).status_code == 200
    report, _code = file(city)
    inspector = client_for(city.inspector)
    detail = reverse("feedback:integrity_report", args=[report.pk])
    inspector.get(detail)  # warm the session
    with django_assert_max_num_queries(10):
        assert inspector.get(detail).status_code == 200
