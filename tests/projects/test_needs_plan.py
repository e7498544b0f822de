"""Needs (点单) and the plan (三上三下): services, roles × states, pages, query budgets."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from projects import permissions as p
from projects import services
from projects.models import CatalogItem, Need, NeedSupport, PlanItem, PlanVersion, Project, Vote
from stakeholders.models import Notification
from tests import factories as f
from tests.projects.conftest import project_at
from tests.stakeholders.test_permissions import ROLES, actor
from tests.stakeholders.test_photos import phone_jpeg
from tests.stakeholders.test_services import _race, codes

S = Project.Status


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def item(code="roof"):
    return CatalogItem.objects.get(code=code)


def file_need(project, resident, code="roof", text="3栋屋面漏水"):
    return services.need_file(project=project, actor=resident.user, catalog_item=item(code), text=text)


def comment_period_over(version):
    """As if PLAN_COMMENT_DAYS had passed since the version was published."""
    PlanVersion.objects.filter(pk=version.pk).update(
        published_at=timezone.now() - timedelta(days=settings.PLAN_COMMENT_DAYS, minutes=1)
    )
    version.refresh_from_db()


def add_item(version, user, code="roof", cost="120000.00", funding=None):
    return services.plan_item_add(
        version=version,
        actor=user,
        catalog_item=item(code),
        description=f"{code} 改造",
        quantity=Decimal("800"),
        unit="m²",
        estimated_cost=Decimal(cost),
        funding=funding or {"central_subsidy": Decimal(cost) / 2, "local_finance": Decimal(cost) / 2},
    )


@pytest.mark.django_db
def test_catalog_is_loaded_with_three_classes_in_both_languages():
    from projects.catalog import CATALOG

    assert CatalogItem.objects.count() == len(CATALOG) == 38
    assert set(CatalogItem.objects.values_list("klass", flat=True)) == {"basic", "improvement", "enhancement", "other"}
    # Every item the guidance names (part 二(二)), in the list's order, "other" last.
    for code in ("security", "waste-sorting", "fibre", "illegal-structures", "parcel-lockers", "sports-fitness"):
        assert CatalogItem.objects.filter(code=code).exists(), code
    assert list(CatalogItem.objects.values_list("code", flat=True)) == [row[0] for row in CATALOG]
    elevator = CatalogItem.objects.get(code="elevator")
    assert (elevator.name_zh, elevator.name_en, elevator.klass) == ("加装电梯", "Elevator installation", "improvement")


# --- needs ---------------------------------------------------------------------------------------


def test_needs_are_filed_supported_once_and_ranked(city, owners, client):
    project = project_at(city, S.PLANNING)
    roof = file_need(project, city.owner_a1)
    lights = file_need(project, owners[0], "lighting", "楼道无灯")
    for owner in owners[1:]:
        services.need_support(need=lights, actor=owner.user)
    with pytest.raises(ValidationError) as error:
        services.need_support(need=lights, actor=owners[1].user)
    assert codes(error.value) == {"already_supported"}
    assert NeedSupport.objects.filter(need=roof).count() == 1  # the filer's own
    client.force_login(city.owner_a1.user)
    page = client.get(reverse("projects:needs", args=[project.code])).content.decode()
    assert page.index(lights.text) < page.index(roof.text)  # 3 supports before 1
    assert owners[0].masked_name in page and owners[0].name not in page


def test_need_photo_is_checked_and_private(city, owners, client):
    project = project_at(city, S.PLANNING)
    with pytest.raises(ValidationError) as error:
        services.need_file(
            project=project,
            actor=city.owner_a1.user,
            catalog_item=item(),
            text="漏水",
            photo=f.proof_file("x.pdf", b"%PDF-1.4 fake", "application/pdf"),
        )
    assert codes(error.value) == {"bad_image_type"}
    # A phone's photo: GPS position, camera, serial number. Neighbours see it, so it is re-encoded
    # like progress and complaint photos — nothing of the upload's metadata is kept.
    photo = SimpleUploadedFile("IMG_0001.jpg", phone_jpeg(), content_type="image/jpeg")
    need = services.need_file(project=project, actor=city.owner_a1.user, catalog_item=item(), text="漏水", photo=photo)
    url = reverse("projects:need_photo", args=[need.pk])
    client.force_login(owners[0].user)
    for response in (client.get(url), api_client(owners[0].user).get(reverse("api-need-photo", args=[need.pk]))):
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "private, no-store"
        body = b"".join(response.streaming_content)
        image = Image.open(io.BytesIO(body))
        assert dict(image.getexif()) == {} and b"GPS" not in body and b"Canon" not in body and b"SN-0123" not in body
        assert image.size == (200, 400)  # turned upright by the EXIF orientation, which is then dropped
    client.force_login(city.owner_b1.user)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to sign in


def test_triage_include_links_to_plan_item_decline_needs_a_reason(city, owners, council_a1):
    project = project_at(city, S.PLANNING)
    roof, lift = file_need(project, city.owner_a1), file_need(project, owners[1], "elevator", "加装电梯")
    with pytest.raises(ValidationError) as error:
        services.need_triage(need=lift, actor=council_a1.user, include=False, reason=" ")
    assert codes(error.value) == {"reason_required"}
    services.need_triage(need=lift, actor=council_a1.user, include=False, reason="本小区楼栋不具备加装条件")
    services.need_triage(need=roof, actor=city.comm_a1_staff, include=True)
    with pytest.raises(ValidationError) as error:
        services.need_triage(need=roof, actor=city.comm_a1_staff, include=False, reason="改主意")
    assert codes(error.value) == {"already_triaged"}
    # adding the roof item to a draft links the included need to it
    version = services.plan_version_start(project=project, actor=city.comm_a1_staff)
    plan_item = add_item(version, city.comm_a1_staff)
    roof.refresh_from_db()
    assert roof.plan_item == plan_item
    [declined] = Notification.objects.filter(user=owners[1].user, kind=Notification.Kind.NEED_TRIAGED)
    assert "不予纳入" in declined.text


@pytest.mark.django_db(transaction=True)
def test_double_clicked_support_counts_once():
    city = f.build_city()
    project = project_at(city, S.PLANNING)
    need = file_need(project, city.owner_a1)
    neighbour = f.verified_owner(city.homes_a1[3])
    results = _race(6, lambda i: services.need_support(need=need, actor=neighbour.user))
    assert sum(isinstance(r, NeedSupport) for r in results) == 1
    assert all(codes(r) == {"already_supported"} for r in results if not isinstance(r, NeedSupport))
    assert NeedSupport.objects.filter(need=need).count() == 2


# --- plan ----------------------------------------------------------------------------------------


def test_funding_must_add_up_to_the_cost(city):
    project = project_at(city, S.PLANNING)
    version = services.plan_version_start(project=project, actor=city.comm_a1_staff)
    with pytest.raises(ValidationError) as error:
        add_item(
            version,
            city.comm_a1_staff,
            cost="100000.00",
            funding={"central_subsidy": Decimal("60000"), "residents": Decimal("30000")},
        )
    assert codes(error.value) == {"funding_sum"}
    assert "90,000.00" in error.value.message_dict["estimated_cost"][0]
    assert not PlanItem.objects.exists()


def test_three_rounds_then_a_special_vote_adopts_the_plan(city, owners):
    project = project_at(city, S.PLANNING)
    v1 = services.plan_version_start(project=project, actor=city.comm_a1_staff)
    with pytest.raises(ValidationError) as error:
        services.plan_version_publish(version=v1, actor=city.street_a_manager)
    assert codes(error.value) == {"empty_plan"}
    add_item(v1, city.comm_a1_staff)
    services.plan_version_publish(version=v1, actor=city.street_a_manager)
    assert Notification.objects.filter(kind=Notification.Kind.PLAN_PUBLISHED).count() == 4  # verified owners
    services.plan_comment_add(version=v1, actor=owners[0].user, text="建议增加楼道照明")
    v2 = services.plan_version_start(project=project, actor=city.comm_a1_staff)
    v1.refresh_from_db()
    assert (v1.status, v2.number, v2.items.count()) == (PlanVersion.Status.SUPERSEDED, 2, 1)
    with pytest.raises(ValidationError):  # comments close with the revision
        services.plan_comment_add(version=v1, actor=owners[0].user, text="还有意见")
    add_item(v2, city.comm_a1_staff, "lighting", "30000.00")
    services.plan_version_publish(version=v2, actor=city.street_a_manager)
    comment_period_over(v2)
    f.management(v2)
    with pytest.raises(ValidationError) as waiting:  # v1's comment has no answer yet
        services.plan_vote_call(version=v2, actor=city.street_a_manager)
    assert codes(waiting.value) == {"comments_unanswered"}
    services.plan_comment_answer(
        comment=v1.comments.get(), actor=city.comm_a1_staff, response="adopted", reason="第二稿增加楼道照明"
    )
    vote = services.plan_vote_call(version=v2, actor=city.street_a_manager)
    assert (vote.purpose, vote.matter, vote.plan_version_id) == ("plan", "special", v2.pk)
    project.refresh_from_db()
    assert project.status == S.PLAN_VOTING
    for resident in [city.owner_a1, *owners]:  # 4 of 6 owners take part, all agree
        services.ballot_cast(vote=vote, actor=resident.user, choice="agree")
    services.votes_close_due(now=vote.closes_at)
    project.refresh_from_db()
    v2.refresh_from_db()
    assert (project.status, v2.status) == (S.PLAN_ADOPTED, PlanVersion.Status.ADOPTED)
    assert "第2稿" in project.events.last().note


def test_rejected_plan_goes_back_to_planning_with_the_next_version(city, owners):
    project = project_at(city, S.PLANNING)
    v1 = services.plan_version_start(project=project, actor=city.comm_a1_staff)
    add_item(v1, city.comm_a1_staff)
    services.plan_version_publish(version=v1, actor=city.street_a_manager)
    comment_period_over(v1)
    f.management(v1)
    vote = services.plan_vote_call(version=v1, actor=city.street_a_manager)
    # 4 take part, 3 agree: 3/4 of owners but 3/4 of area exactly too → passes; make one disagree more
    for resident, choice in zip([city.owner_a1, *owners], ["agree", "agree", "disagree", "disagree"]):
        services.ballot_cast(vote=vote, actor=resident.user, choice=choice)
    services.votes_close_due(now=vote.closes_at)
    project.refresh_from_db()
    v1.refresh_from_db()
    assert (Vote.objects.get(pk=vote.pk).result, project.status, v1.status) == ("rejected", S.PLANNING, "rejected")
    v2 = services.plan_version_start(project=project, actor=city.comm_a1_staff)
    assert v2.number == 2 and v2.items.count() == 1


def test_drafts_are_edited_only_by_drafters_and_only_while_draft(city, owners):
    project = project_at(city, S.PLANNING)
    version = services.plan_version_start(project=project, actor=city.comm_a1_staff)
    for user in (city.owner_a1.user, city.street_a_manager, city.comm_a2_staff):
        with pytest.raises(PermissionDenied):
            add_item(version, user)
    add_item(version, city.comm_a1_staff)
    services.plan_version_publish(version=version, actor=city.street_a_manager)
    with pytest.raises(ValidationError) as error:  # published: no more edits, told why
        add_item(version, city.comm_a1_staff)
    assert codes(error.value) == {"state_changed"}
    with pytest.raises(ValidationError) as error:  # the approver's second click: told it is done
        services.plan_version_publish(version=version, actor=city.street_a_manager)
    assert codes(error.value) == {"state_changed"}
    assert "已公示征求意见" in error.value.messages[0]


@pytest.mark.django_db(transaction=True)
def test_two_drafters_starting_at_once_make_one_version():
    city = f.build_city()
    project = project_at(city, S.PLANNING)
    results = _race(4, lambda i: services.plan_version_start(project=project, actor=city.comm_a1_staff))
    assert sum(isinstance(r, PlanVersion) for r in results) == 1
    assert all(codes(r) == {"version_busy"} for r in results if not isinstance(r, PlanVersion))
    assert PlanVersion.objects.count() == 1


# --- roles × states ------------------------------------------------------------------------------


EVERYONE = ROLES + ["council_a1"]
DRAFTERS = {"comm_a1_staff", "council_a1", "admin"}
OWNERS_A1 = {"owner_a1", "council_a1"}
RESIDENTS_A1 = OWNERS_A1 | {"claimant_a1"}  # needs come from everyone who lives there (issue 18)
APPROVERS = {"street_a_manager", "admin"}


def users(city, council_a1):
    found = {role: actor(city, role) for role in ROLES}
    found["council_a1"] = actor(city, "admin").__class__.objects.get(pk=council_a1.user_id)
    return found


def allowed(city, council_a1, ask):
    return {role for role, user in users(city, council_a1).items() if ask(user)}


@pytest.mark.parametrize("status", [S.PETITIONING, S.ACCEPTED, S.PLANNING, S.PLAN_VOTING, S.PLAN_ADOPTED])
def test_need_actions_by_role_and_state(city, council_a1, status):
    project = project_at(city, status)
    need = Need(project=project, catalog_item=item(), filed_by=city.owner_a1, text="x")
    declined = Need(project=project, catalog_item=item(), filed_by=city.owner_a1, text="x", status=Need.Status.DECLINED)
    collecting = status in (S.ACCEPTED, S.PLANNING)
    assert allowed(city, council_a1, lambda u: p.can_file_need(u, project)) == (RESIDENTS_A1 if collecting else set())
    assert allowed(city, council_a1, lambda u: p.can_support_need(u, need)) == (RESIDENTS_A1 if collecting else set())
    assert allowed(city, council_a1, lambda u: p.can_support_need(u, declined)) == set()
    assert allowed(city, council_a1, lambda u: p.can_triage_needs(u, project)) == (DRAFTERS if collecting else set())


@pytest.mark.parametrize("project_status", [S.ACCEPTED, S.PLANNING, S.PLAN_VOTING])
@pytest.mark.parametrize("version_status", ["draft", "published", "superseded", "voting", "adopted", "rejected"])
def test_plan_actions_by_role_and_state(city, council_a1, project_status, version_status):
    project = project_at(city, project_status)
    version = PlanVersion(project=project, number=1, status=version_status)
    planning = project_status == S.PLANNING
    expect = {
        "start": DRAFTERS if planning and version_status == "published" else set(),
        "edit": DRAFTERS if planning and version_status == "draft" else set(),
        "publish": APPROVERS if planning and version_status == "draft" else set(),
        "comment": (OWNERS_A1 | DRAFTERS) if planning and version_status == "published" else set(),
        "vote": APPROVERS if planning and version_status == "published" else set(),
    }
    asks = {
        "start": lambda u: p.can_start_plan_version(u, project, version),
        "edit": lambda u: p.can_edit_plan_version(u, version),
        "publish": lambda u: p.can_publish_plan_version(u, version),
        "comment": lambda u: p.can_comment_plan(u, version),
        "vote": lambda u: p.can_call_plan_vote(u, version),
    }
    assert {name: allowed(city, council_a1, ask) for name, ask in asks.items()} == expect
    assert allowed(city, council_a1, lambda u: p.can_start_plan_version(u, project, None)) == (
        DRAFTERS if planning else set()
    )


# --- pages ---------------------------------------------------------------------------------------


def test_plan_page_walkthrough_and_errors_next_to_fields(city, owners, client):
    project = project_at(city, S.PLANNING)
    client.force_login(city.comm_a1_staff)
    response = client.post(reverse("projects:plan_start", args=[project.code]))
    assert response.url == reverse("projects:plan", args=[project.code, 1])
    url = response.url
    bad = client.post(
        url,
        {
            "action": "add_item",
            "catalog_item": item().pk,
            "description": "屋面防水",
            "quantity": "800",
            "unit": "m²",
            "estimated_cost": "100000",
            "fund_central_subsidy": "50000",
        },
    )
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "各资金来源合计 50,000.00 元" in body and 'value="屋面防水"' in body  # nothing typed is lost
    ok = client.post(
        url,
        {
            "action": "add_item",
            "catalog_item": item().pk,
            "description": "屋面防水",
            "quantity": "800",
            "unit": "m²",
            "estimated_cost": "100000",
            "fund_central_subsidy": "50000",
            "fund_residents": "50000",
        },
    )
    assert ok.status_code == 302
    client.force_login(city.street_a_manager)
    assert client.post(url, {"action": "publish"}).status_code == 302
    client.force_login(owners[0].user)
    assert client.post(url, {"action": "comment", "text": ""}).status_code == 400
    assert client.post(url, {"action": "comment", "text": "同意，建议先做屋面"}).status_code == 302
    page = client.get(url).content.decode()
    assert "同意，建议先做屋面" in page and owners[0].masked_name in page and owners[0].name not in page
    assert "100,000.00" in page
    assert client.post(url, {"action": "publish"}).status_code == 403  # an owner is not the approver
    client.force_login(city.owner_b1.user)  # a published version is readable by anyone, not commentable
    other = client.get(url)
    assert other.status_code == 200 and 'data-testid="comment-form"' not in other.content.decode()
    assert client.post(url, {"action": "comment", "text": "外人"}).status_code == 400


def test_need_pages_by_role(city, owners, client):
    project = project_at(city, S.PLANNING)
    need = file_need(project, city.owner_a1)
    url = reverse("projects:needs", args=[project.code])
    for role, status in [
        ("owner_b1", 404),
        ("street_b_staff", 404),
        ("owner_a1", 200),
        ("comm_a1_staff", 200),
        ("street_a_staff", 200),
        ("bureau", 200),
    ]:
        client.force_login(actor(city, role))
        assert client.get(url).status_code == status, role
    client.force_login(city.street_a_staff)  # sees, but neither files nor triages
    assert client.post(url, {"catalog_item": item().pk, "text": "x"}).status_code == 403
    assert client.post(reverse("projects:need_triage", args=[need.pk]), {"decision": "include"}).status_code == 403
    client.force_login(city.comm_a1_staff)
    bad = client.post(reverse("projects:need_triage", args=[need.pk]), {"decision": "decline", "reason": ""})
    assert bad.status_code == 400 and "请填写理由" in bad.content.decode()
    client.force_login(owners[0].user)
    assert client.post(reverse("projects:need_support", args=[need.pk])).status_code == 302
    assert need.supports.count() == 2


def test_needs_and_plan_pages_query_budget_flat(city, owners, client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    project = project_at(city, S.PLANNING)
    version = services.plan_version_start(project=project, actor=city.comm_a1_staff)
    file_need(project, city.owner_a1)
    add_item(version, city.comm_a1_staff)
    services.plan_version_publish(version=version, actor=city.street_a_manager)
    services.plan_comment_add(version=version, actor=owners[0].user, text="意见")
    urls = [
        reverse("projects:needs", args=[project.code]),
        reverse("projects:plan", args=[project.code, 1]),
        project.get_absolute_url(),
    ]
    small = {}
    for viewer in (owners[0].user, city.comm_a1_staff):
        client.force_login(viewer)
        for url in urls:
            client.get(url)  # warm caches (content types)
            with CaptureQueriesContext(connection) as c:
                assert client.get(url).status_code == 200
            small[(viewer.pk, url)] = len(c.captured_queries)
    # 10x: more needs, supports, items and comments
    codes_ = list(CatalogItem.objects.values_list("code", flat=True))[:10]
    extra = [f.verified_owner(h) for h in f.households(f.BuildingFactory(estate=city.estate_a1), 10)]
    for i, owner in enumerate(extra):
        need = file_need(project, owner, codes_[i], f"需求{i}")
        services.need_support(need=need, actor=owners[1].user)
        services.plan_comment_add(version=version, actor=owner.user, text=f"意见{i}")
    PlanVersion.objects.filter(pk=version.pk).update(status="draft")
    for code in codes_:
        add_item(version, city.comm_a1_staff, code)
    PlanVersion.objects.filter(pk=version.pk).update(status="published")
    for viewer in (owners[0].user, city.comm_a1_staff):
        client.force_login(viewer)
        for url in urls:
            with django_assert_max_num_queries(small[(viewer.pk, url)]):
                assert client.get(url).status_code == 200
    assert max(small.values()) <= 25


def test_draft_starts_from_ranked_included_needs(city, owners, client):
    project = project_at(city, S.PLANNING)
    roof, lights = file_need(project, city.owner_a1), file_need(project, owners[0], "lighting", "楼道无灯")
    services.need_support(need=lights, actor=owners[1].user)
    for need in (roof, lights):
        services.need_triage(need=need, actor=city.comm_a1_staff, include=True)
    version = services.plan_version_start(project=project, actor=city.comm_a1_staff)
    url = reverse("projects:plan", args=[project.code, version.number])
    client.force_login(city.comm_a1_staff)
    listed = client.get(url).content.decode()
    assert listed.index("楼道无灯") < listed.index("3栋屋面漏水")  # 2 supports before 1
    prefilled = client.get(url, {"from_need": lights.pk}).content.decode()
    assert f'<option value="{item("lighting").pk}" selected>' in prefilled and "楼道无灯</textarea>" not in prefilled
    assert 'value="楼道无灯"' in prefilled
    add_item(version, city.comm_a1_staff, "lighting", "20000.00")
    assert "楼道无灯" not in client.get(url).content.decode().split('data-testid="plan-items"')[0]
    client.force_login(owners[0].user)  # owners do not draft
    assert 'data-testid="needs-to-plan"' not in client.get(url).content.decode()


@pytest.mark.django_db
def test_needs_from_everyone_who_lives_there_with_a_place_and_other(city, client):
    """A resident whose claim waits files an "other" need for a building; owners' support counts apart."""
    from stakeholders.models import Building

    project = project_at(city, S.PLANNING)
    url = reverse("projects:needs", args=[project.code])
    client.force_login(city.claimant_a1.user)
    building = Building.objects.get(estate=city.estate_a1)
    other = CatalogItem.objects.get(code="other")
    empty = client.post(url, {"catalog_item": other.pk, "text": " ", "building": building.pk})
    assert empty.status_code == 400 and "请写明需要什么" in empty.content.decode()  # the form keeps the field
    filed = client.post(url, {"catalog_item": other.pk, "text": "希望有地方晒被子和庄稼", "building": building.pk})
    assert filed.status_code == 302
    need = Need.objects.get()
    assert (need.filed_by, need.building, need.catalog_item.code) == (city.claimant_a1, building, "other")
    services.need_support(need=need, actor=city.owner_a1.user)
    page = client.get(url).content.decode()
    assert "2 人附议" in page and "其中业主 1 人" in page
    assert f'data-testid="need-place">{building.number}栋' in page
    elsewhere = f.BuildingFactory(estate=city.estate_b1, number="9")
    with pytest.raises(ValidationError) as wrong:
        services.need_file(
            project=project, actor=city.owner_a1.user, catalog_item=other, text="别的小区的楼", building=elsewhere
        )
    assert codes(wrong.value) == {"bad_building"}
    client.force_login(city.plain_resident.user)
    assert client.get(url).status_code == 404  # no claim in the estate
