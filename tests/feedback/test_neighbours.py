"""Tenants and neighbours report (issue 21 item 4): anyone living in the estate files a complaint —
a claimed or declared address, not verified ownership —, and while the works are on, residents of
estates near the site report what it does around it: noise, dust, construction waste."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from feedback import permissions as fp
from feedback import services
from projects.models import Project
from stakeholders import residences
from stakeholders.models import Estate, Residence, User
from tests import factories as f

CLOSE = (Decimal("22.817000"), Decimal("108.366000"))
NEXT_DOOR = (Decimal("22.818000"), Decimal("108.367000"))  # ≈ 150 m away
ACROSS_TOWN = (Decimal("22.860000"), Decimal("108.300000"))  # ≈ 8 km away


def place(estate, point):
    Estate.objects.filter(pk=estate.pk).update(
        latitude=point[0] if point else None, longitude=point[1] if point else None
    )


def fresh(user):
    return User.objects.get(pk=user.pk)


def neighbour_in(estate):
    home = f.households(f.BuildingFactory(estate=estate, number="9"), 1)[0]
    return f.verified_owner(home)


def file(project, resident, category, text="晚上十点还在切割钢管"):
    return services.complaint_file(project=project, actor=fresh(resident.user), category=category, text=text)


@pytest.mark.django_db
def test_a_tenant_files_like_an_owner(city, works):
    tenant = f.ResidentFactory()
    residences.residence_declare(resident=tenant, household=city.homes_a1[5], relation=Residence.Relation.TENANT)
    assert fp.can_file_complaint(fresh(tenant.user), works)
    assert file(works, tenant, "quality", "楼道墙皮脱落").route == "works"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "where,status,neighbour",
    [
        (NEXT_DOOR, Project.Status.UNDER_CONSTRUCTION, True),
        (NEXT_DOOR, Project.Status.CONTRACTED, True),
        (NEXT_DOOR, Project.Status.PLANNING, False),  # no site yet
        (NEXT_DOOR, Project.Status.COMPLETED, False),  # the site is gone
        (ACROSS_TOWN, Project.Status.UNDER_CONSTRUCTION, False),
    ],
)
def test_who_is_a_neighbour_of_the_site_and_when(city, works, where, status, neighbour):
    place(city.estate_a1, CLOSE)
    place(city.estate_a2, where)  # another community, same street
    resident = neighbour_in(city.estate_a2)
    Project.objects.filter(pk=works.pk).update(status=status)
    project = Project.objects.select_related("estate").get(pk=works.pk)
    assert fp.is_site_neighbour(fresh(resident.user), project) is neighbour
    expected = {"nuisance", "waste"} if neighbour else set()
    assert fp.complaint_categories_for(fresh(resident.user), project) == expected
    assert not fp.is_site_neighbour(fresh(city.owner_a1.user), project)  # they live there
    assert not fp.is_site_neighbour(fresh(city.plain_resident.user), project)  # no address at all
    assert not fp.is_site_neighbour(fresh(city.street_a_staff), project)


@pytest.mark.django_db
def test_without_coordinates_the_same_community_is_the_neighbourhood(city, works):
    place(city.estate_a1, None)
    same_community, other_community = neighbour_in(city.estate_a1b), neighbour_in(city.estate_a2)
    assert fp.is_site_neighbour(fresh(same_community.user), works)
    assert not fp.is_site_neighbour(fresh(other_community.user), works)


@pytest.mark.django_db
def test_a_neighbour_reports_the_sites_nuisance_and_nothing_else(city, works):
    place(city.estate_a1, CLOSE)
    place(city.estate_a2, NEXT_DOOR)
    resident = neighbour_in(city.estate_a2)
    noise = file(works, resident, "nuisance")
    waste = file(works, resident, "waste", "建筑垃圾堆在我们小区门口三天了")
    assert {noise.route, waste.route} == {"works"} and noise.agency == city.contractor_org
    with pytest.raises(ValidationError) as caught:
        file(works, resident, "quality", "外墙起皮")
    assert "category" in caught.value.message_dict
    far = neighbour_in(city.estate_b1)
    with pytest.raises(PermissionDenied):
        file(works, far, "nuisance")


@pytest.mark.django_db
def test_the_form_offers_a_neighbour_only_the_site_categories(client, city, works):
    place(city.estate_a1, CLOSE)
    place(city.estate_a2, NEXT_DOOR)
    resident = neighbour_in(city.estate_a2)
    client.force_login(resident.user)
    url = reverse("feedback:complaint_file", args=[works.code])
    page = client.get(url).content.decode()
    assert 'value="nuisance"' in page and 'value="waste"' in page and 'value="quality"' not in page
    assert 'data-testid="neighbour-note"' in page
    answer = client.post(url, {"category": "waste", "text": "建筑垃圾堆在路口", "location": "东门"})
    assert answer.status_code == 302
    public = client.get(reverse("disclosure:project", args=[works.code])).content.decode()
    assert 'data-testid="report-problem"' in public  # the public page offers them the form
    client.force_login(neighbour_in(city.estate_b1).user)
    assert client.get(url).status_code == 404  # across town: not their site
