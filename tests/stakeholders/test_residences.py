"""居住登记 (issue 18 item 8): tenants and family who live in a household without owning it declare
where they live; it counts at once for what everyone who lives there may do — needs, hearings,
complaints — never for a vote; the community committee confirms or rejects it with a reason."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects import permissions as project_permissions
from projects import services as project_services
from projects.models import Hearing, Project, Vote
from stakeholders import permissions, residences
from stakeholders.models import Notification, Residence
from tests import factories as f
from tests.projects.conftest import project_at
from tests.projects.test_needs_plan import file_need
from tests.stakeholders.test_services import codes

S = Residence.Status


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def tenant(city):
    return f.register("13807716666", name="租客小王").resident


def declare(city, tenant, **kw):
    data = {"resident": tenant, "household": city.homes_a1[3], "relation": "tenant"}
    data.update(kw)
    return residences.residence_declare(**data)


def at(city, tenant, status):
    residence = declare(city, tenant)
    if status == S.CONFIRMED:
        residences.residence_confirm(residence=residence, actor=city.comm_a1_staff)
    elif status == S.REJECTED:
        residences.residence_reject(residence=residence, actor=city.comm_a1_staff, reason="查无此人")
    elif status == S.ENDED:
        residences.residence_end(residence=residence, actor=tenant.user)
    residence.refresh_from_db()
    return residence


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, confirm, reject, end",
    [
        ("comm_a1_staff", True, True, False),
        ("admin", True, True, False),
        ("comm_a2_staff", False, False, False),
        ("comm_b1_staff", False, False, False),
        ("street_a_staff", False, False, False),
        ("tenant", False, False, True),
        ("owner_a1", False, False, False),
    ],
)
@pytest.mark.parametrize("status", [S.DECLARED, S.CONFIRMED, S.REJECTED, S.ENDED])
def test_who_answers_a_residence_when(city, tenant, role, confirm, reject, end, status):
    residence = at(city, tenant, status)
    user = {"tenant": tenant.user, "owner_a1": city.owner_a1.user}.get(role) or getattr(city, role)
    standing = status in (S.DECLARED, S.CONFIRMED)
    assert permissions.can_confirm_residence(user, residence) is (confirm and status == S.DECLARED)
    assert permissions.can_reject_residence(user, residence) is (reject and standing)
    assert permissions.can_end_residence(user, residence) is (end and standing)
    if reject and standing:
        assert residences.residence_reject(residence=residence, actor=user, reason="不住这里").status == S.REJECTED
    else:
        with pytest.raises((PermissionDenied, ValidationError)):
            residences.residence_reject(residence=residence, actor=user, reason="不住这里")
    # Whatever its state, a residence is never a vote.
    assert city.estate_a1.pk not in permissions.verified_estate_ids(tenant.user)


@pytest.mark.django_db
def test_a_tenant_declares_on_the_claim_form_and_takes_part_but_never_votes(city, tenant):
    form_url = reverse("stakeholders:claim_create")
    home = city.homes_a1[3]
    places = {"estate": city.estate_a1.pk, "building": home.building_id, "unit": home.unit, "household": home.pk}
    me = client_for(tenant.user)
    owner_without_proof = me.post(form_url, {**places, "relation": "owner"})
    page = owner_without_proof.content.decode()
    assert owner_without_proof.status_code == 400 and "请上传不动产权证或购房合同" in page
    assert f'value="{home.pk}" selected' in page  # the chosen room is kept
    saved = me.post(form_url, {**places, "relation": "tenant"})
    assert saved.status_code == 302
    residence = Residence.objects.get(resident=tenant)
    assert (residence.status, residence.relation, residence.proof.name or "") == ("declared", "tenant", "")
    again = me.post(form_url, {**places, "relation": "tenant"})
    assert again.status_code == 400 and "您已登记过住在这里" in again.content.decode()
    home_page = me.get("/").content.decode()
    assert 'data-testid="my-residences"' in home_page and "租户" in home_page
    # Counted at once: needs, their support, a hearing's online sign-in (for that household).
    project = project_at(city, Project.Status.PLANNING)
    need = file_need(project, tenant)
    assert need.supports.count() == 1
    hearing = project_services.hearing_schedule(
        project=project,
        actor=city.comm_a1_staff,
        kind="meeting",
        subject="other",
        held_at=timezone.now() + timedelta(minutes=30),
        place="活动室",
        agenda="晾晒场地",
    )
    assert Notification.objects.filter(kind="hearing_called", user=tenant.user).exists()
    # It begins now: sign-in is open on its day (half an hour ahead could be tomorrow in Nanning).
    Hearing.objects.filter(pk=hearing.pk).update(held_at=timezone.now())
    hearing.refresh_from_db()
    assert project_services.hearing_check_in(hearing=hearing, actor=tenant.user).household == home
    # Never a vote: the electorate is the owners'.
    now = timezone.now()
    vote = project_services.vote_open(
        vote=project_services.vote_create(
            project=project,
            purpose=Vote.Purpose.OTHER,
            title="晾晒场",
            matter=Vote.Matter.ORDINARY,
            opens_at=now,
            closes_at=now + timedelta(days=7),
            actor=city.street_a_manager,
        ),
        actor=city.street_a_manager,
    )
    assert not vote.voters.filter(resident=tenant).exists()
    with pytest.raises(ValidationError) as refused:
        project_services.ballot_cast(vote=vote, actor=tenant.user, choice="agree")
    assert codes(refused.value) == {"not_in_electorate"}
    # Moving out ends it: no more needs.
    assert me.post(reverse("stakeholders:residence_end", args=[residence.pk])).status_code == 302
    fresh = type(tenant.user).objects.get(pk=tenant.user.pk)
    assert not project_permissions.can_file_need(fresh, project)


@pytest.mark.django_db
def test_the_committee_confirms_or_rejects_with_a_reason(city, tenant, django_assert_max_num_queries):
    lease = declare(city, tenant, proof=f.proof_file("租赁合同.png"))
    family = declare(city, f.register("13807717777", name="业主女儿").resident, relation="family")
    desk = reverse("stakeholders:residence_desk")
    staff = client_for(city.comm_a1_staff)
    with django_assert_max_num_queries(10):
        page = staff.get(desk)
    text = page.content.decode()
    assert page.status_code == 200 and "租客小王" in text and "业主女儿" in text
    assert reverse("stakeholders:residence_proof", args=[lease.pk]) in text
    assert staff.get(reverse("stakeholders:residence_proof", args=[lease.pk])).status_code == 200
    assert (
        client_for(city.owner_a1.user).get(reverse("stakeholders:residence_proof", args=[lease.pk])).status_code == 404
    )
    assert staff.post(desk, {"residence": lease.pk, "action": "confirm"}).status_code == 302
    no_reason = staff.post(desk, {"residence": family.pk, "action": "reject", "reason": " "})
    assert no_reason.status_code == 400 and "请说明理由" in no_reason.content.decode()
    assert (
        staff.post(desk, {"residence": family.pk, "action": "reject", "reason": "业主说没有女儿同住"}).status_code
        == 302
    )
    lease.refresh_from_db()
    family.refresh_from_db()
    assert (lease.status, family.status, family.reason) == ("confirmed", "rejected", "业主说没有女儿同住")
    assert Notification.objects.filter(kind="ownership_reviewed", user=family.resident.user).exists()
    assert client_for(city.comm_b1_staff).post(desk, {"residence": lease.pk, "action": "confirm"}).status_code == 404
    assert client_for(tenant.user).get(desk).status_code == 403
    public = Client().get(reverse("disclosure:index")).content.decode()
    assert "租客小王" not in public
