"""Elevator installation as its own project (issue 19 item 6): started by a verified owner of one
entrance, beside any renovation of the estate; sponsors are that entrance's owners (the sponsor
rule applies within it); its willingness vote's electorate is that entrance, a special matter by
law; its plan vote too."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from projects import services
from projects.models import PlanVersion, Project
from tests import factories as f
from tests.projects.conftest import project_at
from tests.projects.test_needs_plan import add_item, comment_period_over
from tests.stakeholders.test_services import codes


@pytest.fixture
def entrance(city):
    """Building 2 of estate a1, entrance 1: six households on three floors, four verified owners
    (the first a Party member); entrance 2 has two more."""
    building = f.BuildingFactory(estate=city.estate_a1, number="2")
    homes = f.households(building, 6, unit="1")
    others = f.households(building, 2, unit="2")
    owners = [f.verified_owner(homes[0], is_party_member=True)] + [f.verified_owner(h) for h in homes[1:4]]
    return building, homes, owners, f.verified_owner(others[0])


def start(owner, building, unit="1", **kw):
    return services.petition_start(
        resident=owner,
        estate=building.estate,
        reason="六楼老人上下楼难",
        kind="elevator",
        building=building,
        entrance=unit,
        **kw,
    )


@pytest.mark.django_db
def test_an_entrance_petitions_beside_the_estates_renovation(city, entrance):
    building, homes, owners, neighbour = entrance
    project_at(city, Project.Status.PLANNING)  # the estate's renovation is under way
    petition = start(owners[0], building)
    project = petition.project
    assert (project.kind, project.building, project.entrance) == ("elevator", building, "1")
    assert "2栋1单元" in project.title or "building 2" in project.title.lower()
    with pytest.raises(PermissionDenied):  # one elevator petition per entrance at a time
        start(owners[1], building)
    with pytest.raises(PermissionDenied):  # an owner of another entrance cannot start this one's
        start(neighbour, building, unit="1")
    with pytest.raises(PermissionDenied):  # city.owner_a1 owns in building 1 only
        start(city.owner_a1, building)
    with pytest.raises(ValidationError) as no_entrance:
        services.petition_start(resident=owners[1], estate=city.estate_a1, reason="x", kind="elevator", building=None)
    assert codes(no_entrance.value) == {"entrance_required"}
    # Sponsors come from the entrance: the other entrance's owner cannot be invited.
    with pytest.raises(ValidationError) as outsider:
        services.sponsor_invite(petition=petition, actor=owners[0].user, phone=neighbour.phone)
    assert codes(outsider.value) == {"not_an_owner"}
    for owner in owners[1:3]:
        sponsorship = services.sponsor_invite(petition=petition, actor=owners[0].user, phone=owner.phone)
        services.sponsor_answer(sponsorship=sponsorship, actor=owner.user, confirm=True)
    vote = services.petition_submit(petition=petition, actor=owners[0].user)
    assert (vote.scope, vote.building, vote.unit, vote.matter, vote.decides) == (
        "unit",
        building,
        "1",
        "special",
        "elevator",
    )
    assert vote.electorate_owners == 6  # the entrance's households, not the estate's
    assert not vote.voters.filter(resident=neighbour).exists()


@pytest.mark.django_db
def test_the_elevators_plan_is_voted_on_by_its_entrance(city, entrance):
    building, homes, owners, _neighbour = entrance
    project = services.petition_start(
        resident=owners[0], estate=city.estate_a1, reason="加装电梯", kind="elevator", building=building, entrance="1"
    ).project
    Project.objects.filter(pk=project.pk).update(status=Project.Status.PLANNING)
    project.refresh_from_db()
    v1 = services.plan_version_start(project=project, actor=city.comm_a1_staff)
    add_item(v1, city.comm_a1_staff, code="elevator")
    services.plan_version_publish(version=v1, actor=city.street_a_manager)
    comment_period_over(v1)
    f.management(v1)
    vote = services.plan_vote_call(version=PlanVersion.objects.get(pk=v1.pk), actor=city.street_a_manager)
    assert (vote.scope, vote.building, vote.unit, vote.matter) == ("unit", building, "1", "special")
    assert vote.electorate_owners == 6


@pytest.mark.django_db
def test_the_petition_form_offers_the_owners_own_entrances(city, entrance):
    building, homes, owners, neighbour = entrance
    client = Client()
    client.force_login(owners[1].user)
    url = reverse("projects:petition_start")
    page = client.get(url + "?kind=elevator").content.decode()
    assert "2栋1单元" in page or "楼栋 2" in page
    missing = client.post(url, {"kind": "elevator", "reason": "加装电梯"})
    assert missing.status_code == 400 and "请选择加装电梯的单元" in missing.content.decode()
    made = client.post(url, {"kind": "elevator", "entrance": f"{building.pk}:1", "reason": "加装电梯"})
    assert made.status_code == 302
    project = Project.objects.get(kind="elevator")
    assert project.petition.started_by == owners[1]
    assert f"{building.pk}:1" not in client.get(url + "?kind=elevator").content.decode()  # now under way
    # The home page offers it only where it may start: not to this owner any more (their entrance's
    # is under way), still to the owner of entrance 2.
    assert 'data-testid="elevator-petition-link"' not in client.get("/").content.decode()
    client.force_login(neighbour.user)
    assert 'data-testid="elevator-petition-link"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_an_elevators_plan_form_starts_from_its_entrance_by_floor(city, entrance):
    building, _homes, owners, _n = entrance
    project = start(owners[0], building).project
    Project.objects.filter(pk=project.pk).update(status=Project.Status.PLANNING)
    services.plan_version_start(project=project, actor=city.comm_a1_staff)
    client = Client()
    client.force_login(city.comm_a1_staff)
    page = client.get(reverse("projects:plan", args=[project.code, 1])).content.decode()

    def checked(name, value):
        return "checked" in page.split(f'name="{name}" value="{value}"')[1].split(">")[0]

    assert checked("share_scope", "entrance") and checked("share_method", "floor")
    assert f'<option value="{building.pk}" selected>' in page
