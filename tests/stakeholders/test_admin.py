"""Every stakeholders model has a working admin changelist with search, within a query budget."""

import pytest
from django.contrib import admin
from django.urls import reverse

from stakeholders import models


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model",
    [m for m in admin.site._registry if m._meta.app_label in ("stakeholders", "projects", "disclosure")],
    ids=lambda m: m.__name__,
)
def test_admin_changelist_and_search(city, client, model, django_assert_max_num_queries):
    client.force_login(city.admin)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200
    assert client.get(url, {"q": "甲"}).status_code == 200


def test_every_stakeholders_model_is_in_the_admin():
    registered = {m for m in admin.site._registry if m._meta.app_label == "stakeholders"}
    expected = {
        models.User, models.Street, models.Community, models.Estate, models.Building, models.Household,
        models.Resident, models.Ownership, models.Organization, models.Membership, models.Council,
    }
    assert expected <= registered


@pytest.mark.django_db
def test_adding_a_membership_in_the_admin_joins_the_permission_group(city, client):
    client.force_login(city.admin)
    from tests.factories import UserFactory

    newcomer = UserFactory(username="newcomer")
    response = client.post(
        reverse("admin:stakeholders_membership_add"),
        {"user": newcomer.pk, "organization": city.street_b_org.pk, "role": "staff"},
    )
    assert response.status_code == 302
    assert newcomer.groups.filter(pk=city.street_b_org.group_id).exists()


@pytest.mark.django_db
def test_creating_an_organization_in_the_admin_gives_it_a_group(city, client):
    client.force_login(city.admin)
    response = client.post(
        reverse("admin:stakeholders_organization_add"),
        {"kind": "contractor", "name": "新建施工公司", "credit_code": "", "is_active": "on"},
    )
    assert response.status_code == 302
    org = models.Organization.objects.get(name="新建施工公司")
    assert org.group.name == "org:contractor:新建施工公司"
