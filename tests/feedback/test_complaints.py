"""feedback/services.py's complaint functions: routing, deadlines, the lifecycle, escalation (once,
never for a resolved complaint), closing after the window, confidentiality, pages and budgets."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from feedback import selectors, services
from feedback.models import Complaint, ComplaintUpdate
from projects.models import Project
from stakeholders.models import Notification, User
from tests import factories as f
from tests.disclosure.test_public_pages import photo_upload

S = Complaint.Status


def file(project, resident, category="quality", text="外墙脚手架松动，有坠落危险", **kw):
    user = User.objects.get(pk=resident.user_id)
    return services.complaint_file(project=project, actor=user, category=category, text=text, **kw)


def fresh(user):
    return User.objects.get(pk=user.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "category, route, agency",
    [
        ("quality", "works", "contractor_org"),
        ("safety", "works", "contractor_org"),
        ("nuisance", "works", "contractor_org"),
        ("schedule", "works", "contractor_org"),
        ("other", "community", "comm_a1_org"),
    ],
)
def test_each_category_is_routed(city, works, category, route, agency):
    complaint = file(works, city.owner_a1, category)
    assert (complaint.route, complaint.agency) == (route, getattr(city, agency))
    assert complaint.status == S.SUBMITTED
    assert complaint.acknowledge_due == complaint.filed_at + timedelta(hours=48)
    assert complaint.resolve_due == complaint.filed_at + timedelta(days=15)


@pytest.mark.django_db
@pytest.mark.parametrize("category", ["fund_use", "integrity"])
def test_money_and_misconduct_go_to_the_integrity_channel_not_the_street_office(city, works, category):
    with pytest.raises(ValidationError) as caught:
        file(works, city.owner_a1, category)
    assert "/feedback/integrity/new/" in caught.value.message_dict["category"][0]
    assert not Complaint.objects.exists()


@pytest.mark.django_db
def test_works_problems_before_a_contractor_go_to_the_street_office(city):
    from tests.projects.conftest import project_at

    project = project_at(city, Project.Status.PLANNING)
    complaint = file(project, city.owner_a1, "quality")
    assert (complaint.route, complaint.agency) == ("street", city.street_a_org)


@pytest.mark.django_db
def test_the_filer_is_told_where_a_works_complaint_went_before_a_contractor_and_why(client, city):
    """Field test: the category said "转施工单位和监理处理" but the complaint silently went to the
    street office. The form says where it will go; the confirmation and the page say where and why."""
    from tests.projects.conftest import project_at

    project = project_at(city, Project.Status.PLANNING)
    client.force_login(city.owner_a1.user)
    form = client.get(reverse("feedback:complaint_file", args=[project.code])).content.decode()
    assert "本项目尚未确定施工单位，由街道办事处处理" in form
    response = client.post(
        reverse("feedback:complaint_file", args=[project.code]),
        {"category": "quality", "text": "楼道里堆着建材。"},
        follow=True,
    )
    page = response.content.decode()
    assert f"已转交{city.street_a_org.name}" in page
    assert 'data-testid="route-note"' in page and "本项目尚未确定施工单位" in page


@pytest.mark.django_db
def test_the_routed_organization_and_supervisor_are_notified(city, works):
    complaint = file(works, city.owner_a1, "quality")
    told = set(Notification.objects.filter(kind=Notification.Kind.COMPLAINT_FILED).values_list("user_id", flat=True))
    assert told == {city.contractor.pk, city.supervisor.pk}
    note = Notification.objects.filter(user=city.contractor).get()
    assert str(complaint.pk) in note.text and works.estate.name in note.text
    assert note.url == complaint.get_absolute_url()


@pytest.mark.django_db
def test_bad_input_keeps_the_form_and_says_what_is_wrong(client, city, works):
    client.force_login(city.owner_a1.user)
    url = reverse("feedback:complaint_file", args=[works.code])
    response = client.post(url, {"category": "quality", "text": "  ", "location": "3栋门口"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "请说清楚哪里有问题" in html
    assert 'value="3栋门口"' in html  # nothing typed is lost
    other_building = f.BuildingFactory(estate=city.estate_b1)
    response = client.post(url, {"category": "quality", "text": "漏水", "building": other_building.pk})
    assert response.status_code == 400
    assert Complaint.objects.count() == 0
    response = client.post(
        url, {"category": "quality", "text": "漏水", "photos": [photo_upload(f"p{i}.jpg") for i in range(5)]}
    )
    assert response.status_code == 400 and Complaint.objects.count() == 0
    broken = f.proof_file("x.jpg", b"\xff\xd8\xffnot really a jpeg", "image/jpeg")
    response = client.post(url, {"category": "quality", "text": "漏水", "photos": [broken]})
    assert response.status_code == 400 and Complaint.objects.count() == 0
    assert "漏水" in response.content.decode()


@pytest.mark.django_db
def test_only_residents_of_the_estate_file(city, works):
    with pytest.raises(PermissionDenied):
        file(works, city.owner_b1)
    with pytest.raises(PermissionDenied):
        file(works, city.plain_resident)
    assert file(works, city.claimant_a1).filed_by == city.claimant_a1  # a pending claim is enough


@pytest.mark.django_db
def test_file_with_photo_answer_and_resolve(client, city, works):
    client.force_login(city.owner_a1.user)
    response = client.post(
        reverse("feedback:complaint_file", args=[works.code]),
        {
            "category": "quality",
            "text": "3栋屋面刚做完防水又漏水",
            "location": "3栋顶楼",
            "photos": [photo_upload()],
        },
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == complaint.get_absolute_url()
    photo = complaint.photos.get()
    assert client.get(reverse("feedback:complaint_photo", args=[complaint.pk, photo.pk, "thumb"])).status_code == 200

    client.force_login(city.contractor)
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert "3栋屋面刚做完防水又漏水" in page and 'data-testid="action-acknowledged"' in page
    assert city.owner_a1.name not in page  # the contractor sees a masked name only
    assert client.get(reverse("feedback:complaint_photo", args=[complaint.pk, photo.pk, "full"])).status_code == 200
    client.post(complaint.get_absolute_url(), {"to": "acknowledged", "note": "明天上午到现场查看"})
    response = client.post(complaint.get_absolute_url(), {"to": "resolved", "note": ""})
    assert response.status_code == 400  # a resolution needs a message
    client.post(complaint.get_absolute_url(), {"to": "resolved", "note": "已重新铺设防水卷材，闭水试验合格"})
    complaint.refresh_from_db()
    assert complaint.status == S.RESOLVED and complaint.acknowledged_at and complaint.resolved_at

    client.force_login(city.owner_a1.user)
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert "闭水试验合格" in page and "施工公司" in page
    assert Notification.objects.filter(user=city.owner_a1.user, kind=Notification.Kind.COMPLAINT_UPDATED).count() == 2
    client.post(complaint.get_absolute_url(), {"to": "closed"})
    complaint.refresh_from_db()
    assert complaint.status == S.CLOSED and complaint.closed_at


@pytest.mark.django_db
def test_reopen_within_the_window_only(city, works):
    complaint = file(works, city.owner_a1)
    for to, note in (("in_progress", ""), ("resolved", "已修复")):
        complaint = services.complaint_transition(complaint=complaint, to=to, actor=fresh(city.contractor), note=note)
    filer = fresh(city.owner_a1.user)
    with pytest.raises(ValidationError) as error:
        services.complaint_transition(complaint=complaint, to="in_progress", actor=filer, note="")
    assert error.value.error_dict["note"][0].code == "note_required"
    reopened = services.complaint_transition(complaint=complaint, to="in_progress", actor=filer, note="下雨又漏了")
    assert (
        reopened.reopened == 1
        and reopened.resolved_at is None
        and reopened.resolve_due > timezone.now() + timedelta(days=14)
    )
    resolved = services.complaint_transition(
        complaint=reopened, to="resolved", actor=fresh(city.contractor), note="再次修复"
    )
    Complaint.objects.filter(pk=resolved.pk).update(resolved_at=timezone.now() - timedelta(days=15))
    resolved.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.complaint_transition(complaint=resolved, to="in_progress", actor=filer, note="又漏了")
    assert error.value.code == "reopen_window"
    with pytest.raises(PermissionDenied):  # the contractor cannot close it for the resident
        services.complaint_transition(complaint=resolved, to="closed", actor=fresh(city.contractor))


@pytest.mark.django_db
def test_escalation_fires_once_and_never_for_resolved(city, works):
    late = file(works, city.owner_a1, text="施工噪音晚上十点还没停")
    done = file(works, city.owner_a1, text="楼道灯不亮")
    done = services.complaint_transition(complaint=done, to="in_progress", actor=fresh(city.contractor))
    services.complaint_transition(complaint=done, to="resolved", actor=fresh(city.contractor), note="已更换灯具")
    on_time = file(works, city.owner_a1, text="垃圾没清运")
    past = timezone.now() - timedelta(hours=1)
    Complaint.objects.filter(pk__in=[late.pk, done.pk]).update(acknowledge_due=past, resolve_due=past)

    assert services.complaints_escalate_overdue() == [late.pk]
    assert services.complaints_escalate_overdue() == []  # a second run (or a re-delivered task) does nothing
    late.refresh_from_db()
    assert late.escalated_at and late.escalation == "acknowledge"
    assert ComplaintUpdate.objects.filter(complaint=late, author__isnull=True).count() == 1
    escalations = Notification.objects.filter(kind=Notification.Kind.COMPLAINT_ESCALATED)
    assert set(escalations.values_list("user_id", flat=True)) == {city.street_a_staff.pk, city.street_a_manager.pk}
    assert not Complaint.objects.get(pk=done.pk).escalated_at and not Complaint.objects.get(pk=on_time.pk).escalated_at
    # Once escalated, the street office may answer a works complaint too.
    services.complaint_transition(
        complaint=late, to="acknowledged", actor=fresh(city.street_a_staff), note="已督促施工单位"
    )


@pytest.mark.django_db
def test_resolved_complaints_close_after_the_window(city, works):
    complaint = file(works, city.owner_a1)
    complaint = services.complaint_transition(complaint=complaint, to="acknowledged", actor=fresh(city.contractor))
    complaint = services.complaint_transition(
        complaint=complaint, to="resolved", actor=fresh(city.contractor), note="处理好了"
    )
    assert services.complaints_close_resolved() == []
    assert services.complaints_close_resolved(now=timezone.now() + timedelta(days=15)) == [complaint.pk]
    complaint.refresh_from_db()
    assert complaint.status == S.CLOSED


@pytest.mark.django_db
def test_integrity_tips_are_never_visible_to_the_contractor(client, city, works):
    tip = f.legacy_tip(works, city.owner_a1, "integrity", text="项目经理要求居民私下加钱")
    funds = f.legacy_tip(works, city.owner_a1, "fund_use", text="账上材料款比实际多")
    works_problem = file(works, city.owner_a1, "quality")
    for user in (city.contractor, city.supervisor):
        visible = set(selectors.complaints_visible_to(fresh(user)).values_list("pk", flat=True))
        assert visible == {works_problem.pk}
        client.force_login(user)
        assert client.get(tip.get_absolute_url()).status_code == 404
        assert client.get(funds.get_absolute_url()).status_code == 404
        assert "私下加钱" not in client.get(reverse("feedback:complaints")).content.decode()
    # Escalation does not open it to them either.
    Complaint.objects.filter(pk=tip.pk).update(
        acknowledge_due=timezone.now() - timedelta(hours=1), resolve_due=timezone.now() - timedelta(minutes=1)
    )
    services.complaints_escalate_overdue()
    assert tip.pk not in set(selectors.complaints_visible_to(fresh(city.contractor)).values_list("pk", flat=True))
    assert not Notification.objects.filter(
        user__in=[city.contractor, city.supervisor], url=tip.get_absolute_url()
    ).exists()
    # The community committee does not see it; the street office and the bureau do.
    assert tip.pk not in set(selectors.complaints_visible_to(fresh(city.comm_a1_staff)).values_list("pk", flat=True))
    for user in (city.street_a_staff, city.bureau):
        assert tip.pk in set(selectors.complaints_visible_to(fresh(user)).values_list("pk", flat=True))


@pytest.mark.django_db
def test_replaced_contractor_loses_the_works_complaints(city, works):
    complaint = file(works, city.owner_a1, "quality")
    other = f.organization("contractor", "新施工公司")
    newcomer = f.staff(other, "newcomer")
    from projects import services as project_services

    f.procure(works, city.street_a_staff, "contractor", other)
    project_services.project_award(
        project=works, actor=fresh(city.street_a_manager), contractor=other, reason="进度严重滞后"
    )
    assert complaint.pk not in set(selectors.complaints_visible_to(fresh(city.contractor)).values_list("pk", flat=True))
    assert complaint.pk in set(selectors.complaints_visible_to(fresh(newcomer)).values_list("pk", flat=True))
    services.complaint_transition(complaint=complaint, to="acknowledged", actor=fresh(newcomer))


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_responders_acknowledging_at_once_get_one_result(city, works):
    complaint = file(works, city.owner_a1)
    outcomes, barrier = [], threading.Barrier(2)

    def act(user):
        from django.db import connection as conn

        try:
            barrier.wait()
            services.complaint_transition(complaint=complaint, to="acknowledged", actor=fresh(user), note="收到")
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error.code)
        finally:
            conn.close()

    threads = [threading.Thread(target=act, args=(u,)) for u in (city.contractor, city.supervisor)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(outcomes) == ["ok", "status_changed"]
    assert ComplaintUpdate.objects.filter(complaint=complaint, to_status="acknowledged").count() == 1


@pytest.mark.django_db
def test_public_page_shows_counts_and_medians_only(client, city, works):
    from django.core.cache import cache

    a = file(works, city.owner_a1, text="这段文字不能出现在公开页面上")
    b = f.legacy_tip(works, city.owner_a1, "integrity", text="举报内容也不能出现")
    Complaint.objects.filter(pk=a.pk).update(filed_at=timezone.now() - timedelta(hours=10))
    a.refresh_from_db()
    services.complaint_transition(complaint=a, to="acknowledged", actor=fresh(city.contractor))
    stats = selectors.public_complaint_stats(works)
    assert stats.total == 2 and dict((c, n) for c, _l, n in stats.by_status) == {
        "submitted": 1,
        "acknowledged": 1,
        "in_progress": 0,
        "resolved": 0,
        "closed": 0,
    }
    assert 9.9 <= float(stats.median_acknowledge_hours) <= 10.1
    cache.clear()
    html = client.get(reverse("disclosure:project", args=[works.code])).content.decode()
    assert 'data-testid="complaints-submitted">1<' in html
    for secret in ("这段文字不能出现", "举报内容", city.owner_a1.name, city.owner_a1.phone):
        assert secret not in html
    assert b.pk  # filed, counted, never shown


@pytest.mark.django_db
def test_query_budgets_of_complaint_pages_stay_flat(client, city, works, django_assert_max_num_queries):
    first = file(works, city.owner_a1, photos=[photo_upload()])
    client.force_login(city.contractor)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    list_url, detail_url = reverse("feedback:complaints"), first.get_absolute_url()
    small = count(list_url), count(detail_url)
    for i in range(30):
        c = file(works, city.owner_a1, text=f"问题{i}", photos=[photo_upload()] if i % 10 == 0 else [])
        services.complaint_message(complaint=first, actor=fresh(city.contractor), text=f"回复{i}")
        if i % 3 == 0:
            services.complaint_transition(complaint=c, to="acknowledged", actor=fresh(city.contractor))
    assert (count(list_url), count(detail_url)) == small
    with django_assert_max_num_queries(12):
        client.get(list_url + "?status=open&overdue=1")
    with django_assert_max_num_queries(14):
        client.get(detail_url)
    client.force_login(city.owner_a1.user)
    with django_assert_max_num_queries(12):
        client.get(list_url + "?mine=1")
    with django_assert_max_num_queries(12):
        client.get(reverse("feedback:complaint_file", args=[works.code]))


@pytest.mark.parametrize(
    "who, shown",
    [
        ("anonymous", "sign-in"),
        ("owner_a1", "link"),
        ("claimant_a1", "link"),
        ("owner_b1", None),
        ("plain_resident", None),
        ("street_a_staff", None),
        ("street_a_manager", None),
        ("comm_a1_staff", None),
        ("contractor", None),
        ("supervisor", None),
        ("bureau", None),
    ],
)
def test_the_public_page_offers_report_a_problem_only_to_whom_may_file(client, city, works, who, shown):
    """Field test: staff saw "居民：反映问题" on the public project page and landed on a 403."""
    from feedback import permissions as voice_permissions

    user = None
    if who != "anonymous":
        user = getattr(city, who)
        user = getattr(user, "user", user)
        client.force_login(user)
    page = client.get(reverse("disclosure:project", args=[works.code])).content.decode()
    filing = reverse("feedback:complaint_file", args=[works.code])
    if shown == "link":
        assert voice_permissions.can_file_complaint(user, works)
        assert f'href="{filing}" data-testid="report-problem"' in page
        assert client.get(filing).status_code == 200
    elif shown == "sign-in":
        assert "/accounts/login/?next=" in page and "登录后反映问题" in page
    else:
        assert (
            filing not in page
            and "反映问题" not in page.split('data-testid="public-complaints"')[1].split("</section>")[0]
        )


def test_a_resident_without_a_home_is_asked_to_claim_it_first(client, city):
    """Field test: a resident with no household who opened 反映问题 was told there was no project."""
    client.force_login(city.plain_resident.user)
    page = client.get(reverse("feedback:complaint_new")).content.decode()
    assert 'data-testid="claim-first"' in page and reverse("stakeholders:claim_create") in page


@pytest.mark.django_db
def test_overdue_is_one_rule_for_the_beat_job_the_lists_the_counts_and_the_pages(client, city, works):
    """feedback.lifecycle defines "overdue" once; the escalation, the ?overdue=1 filter, the home
    page's count and the badges on the list and the detail page all read it."""
    from feedback import lifecycle
    from tests.feedback.test_permissions import complaint_in

    CS = Complaint.Status
    past = timezone.now() - timedelta(hours=1)
    late = {
        "ack": complaint_in(city, works, route="works", status=CS.SUBMITTED),
        "working": complaint_in(city, works, route="works", status=CS.IN_PROGRESS),
        "resolved": complaint_in(city, works, route="works", status=CS.RESOLVED),
    }
    Complaint.objects.filter(pk=late["ack"].pk).update(acknowledge_due=past)
    Complaint.objects.filter(pk__in=[late["working"].pk, late["resolved"].pk]).update(
        acknowledge_due=past - timedelta(days=2), resolve_due=past
    )
    for c in late.values():
        c.refresh_from_db()
    now = timezone.now()
    overdue = {
        k for k, c in late.items() if lifecycle.acknowledgement_overdue(c, now) or lifecycle.resolution_overdue(c, now)
    }
    assert overdue == {"ack", "working"}  # a resolved complaint is not late, whatever its deadline
    assert set(Complaint.objects.filter(lifecycle.overdue_q(now)).values_list("pk", flat=True)) == {
        late["ack"].pk,
        late["working"].pk,
    }
    contractor = city.contractor
    assert selectors.complaint_counts(contractor)["overdue"] == 2
    client.force_login(contractor)
    listed = client.get(reverse("feedback:complaints"), {"overdue": "1"}).content.decode()
    assert listed.count("text-bg-warning") == 2
    # The detail page marks a deadline missed only while the complaint is open.
    marked = '<strong class="text-danger">已超期</strong>'
    assert marked in client.get(reverse("feedback:complaint", args=[late["working"].pk])).content.decode()
    assert marked in client.get(reverse("feedback:complaint", args=[late["ack"].pk])).content.decode()
    assert marked not in client.get(reverse("feedback:complaint", args=[late["resolved"].pk])).content.decode()
