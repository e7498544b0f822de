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
        models.User,
        models.Street,
        models.Community,
        models.Estate,
        models.Building,
        models.Household,
        models.Resident,
        models.Ownership,
        models.Organization,
        models.Membership,
        models.Council,
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


@pytest.mark.django_db
def test_every_admin_changelist_and_change_page_of_the_demo_opens(client):
    """Field test: every ownership change page answered 500 ("Private files have no public URL").
    Walk every registered model's changelist and the change page of its first demo object."""
    from io import StringIO

    from django.core.management import call_command

    from stakeholders.models import User

    call_command("seed_demo", stdout=StringIO())
    client.force_login(User.objects.get(username="admin"))
    opened = 0
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        assert client.get(reverse("admin:%s_%s_changelist" % info)).status_code == 200, info
        first = model_admin.get_queryset(_request()).order_by("pk").first()
        if first is None:
            continue
        response = client.get(reverse("admin:%s_%s_change" % info, args=[first.pk]))
        assert response.status_code == 200, info
        opened += 1
    assert opened >= 20


def _request():
    from django.test import RequestFactory

    from stakeholders.models import User

    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(username="admin")
    return request


@pytest.mark.django_db
def test_private_file_links_in_the_admin_open_for_admins_only(city, client):
    from tests import factories as f

    ownership = f.claim(f.ResidentFactory(), city.homes_a1[3])
    client.force_login(city.admin)
    page = client.get(reverse("admin:stakeholders_ownership_change", args=[ownership.pk]))
    assert page.status_code == 200
    url = ownership.proof.url
    assert url in page.content.decode()
    opened = client.get(url)
    assert opened.status_code == 200 and opened["Cache-Control"] == "private, no-store"
    for someone in (city.street_a_manager, city.comm_a1_staff, ownership.resident.user):
        client.force_login(someone)
        assert client.get(url).status_code == 404
    client.force_login(city.admin)
    assert client.get(url[:-3] + "xyz").status_code == 404  # a forged signature
