"""A need carries its place (issue 18 item 8): a building, or a point on the estate's site plan
(总平面图) that the community committee or the street office put up. The plan is seen by those who
live there and the offices; points are percent of its width and height, checked at both ends."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from projects.models import Need, Project
from stakeholders import permissions
from stakeholders.models import SitePlan
from stakeholders.site_plans import site_plan_upload
from tests import factories as f
from tests.projects.conftest import project_at
from tests.projects.test_needs_plan import item
from tests.stakeholders.test_services import codes

S = Project.Status


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def plan_file():
    return f.proof_file("总平面图.png", f.png_bytes((800, 600)))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, uploads, sees",
    [
        ("comm_a1_staff", True, True),
        ("street_a_staff", True, True),
        ("admin", True, True),
        ("comm_a2_staff", False, False),
        ("street_b_staff", False, False),
        ("owner_a1", False, True),
        ("claimant_a1", False, True),
        ("owner_b1", False, False),
        ("contractor", False, False),
    ],
)
def test_who_puts_up_the_site_plan_and_who_sees_it(city, role, uploads, sees):
    user = getattr(city, role).user if role in ("owner_a1", "claimant_a1", "owner_b1") else getattr(city, role)
    assert permissions.can_upload_site_plan(user, city.estate_a1) is uploads
    if uploads:
        plan = site_plan_upload(estate=city.estate_a1, actor=user, upload=plan_file())
        assert (plan.width, plan.height) == (800, 600)
    else:
        with pytest.raises(PermissionDenied):
            site_plan_upload(estate=city.estate_a1, actor=user, upload=plan_file())
        site_plan_upload(estate=city.estate_a1, actor=city.comm_a1_staff, upload=plan_file())
    url = reverse("projects:site_plan", args=[city.estate_a1.code, "full"])
    response = client_for(user).get(url)
    assert response.status_code == (200 if sees else 404)
    if sees:
        assert response["Content-Type"] == "image/jpeg" and response["Cache-Control"] == "private, no-store"
    assert Client().get(url).status_code == 302  # anonymous: sign in first


@pytest.mark.django_db
def test_a_need_on_the_site_plan(city, django_assert_max_num_queries):
    from projects import services

    project = project_at(city, S.PLANNING)
    needs_url = reverse("projects:needs", args=[project.code])
    owner = client_for(city.owner_a1.user)
    form = {"catalog_item": item("other").pk, "text": "希望有地方晒庄稼", "plan_x": "31.5", "plan_y": "62"}
    # No plan yet: a point cannot be placed (the form has no picker; a forged one is refused).
    refused = owner.post(needs_url, form)
    assert refused.status_code == 400 and "请重新点一下总平面图" in refused.content.decode()
    assert "希望有地方晒庄稼" in refused.content.decode()  # the words are kept
    staff = client_for(city.comm_a1_staff)
    assert 'data-testid="site-plan-upload"' in staff.get(needs_url).content.decode()
    bad = staff.post(
        reverse("projects:site_plan_put", args=[project.code]),
        {"site_plan": f.proof_file("a.pdf", b"%PDF-1.4", "application/pdf")},
    )
    assert bad.status_code == 400 and SitePlan.objects.count() == 0
    put = staff.post(reverse("projects:site_plan_put", args=[project.code]), {"site_plan": plan_file()})
    assert put.status_code == 302 and SitePlan.objects.get().estate == city.estate_a1
    page = owner.get(needs_url).content.decode()
    assert 'data-testid="site-plan-picker"' in page and 'data-testid="site-plan-upload"' not in page
    for x, y in (("101", "50"), ("50", ""), ("-1", "3")):  # off the plan, or half a point
        off = owner.post(needs_url, {**form, "plan_x": x, "plan_y": y})
        assert off.status_code == 400 and "请重新点一下总平面图" in off.content.decode(), (x, y)
    assert owner.post(needs_url, form).status_code == 302
    need = Need.objects.get()
    assert (need.plan_x, need.plan_y) == (Decimal("31.50"), Decimal("62.00"))
    with pytest.raises(ValidationError) as outside:
        services.need_file(
            project=project, actor=city.owner_a1.user, catalog_item=item(), text="漏水", point=(Decimal("120"), 1)
        )
    assert codes(outside.value) == {"bad_point"}
    with django_assert_max_num_queries(16):
        listed = owner.get(needs_url).content.decode()
    assert 'data-testid="needs-map"' in listed and 'cx="252.0" cy="372.0"' in listed  # 31.5 % of 800, 62 % of 600
    assert "总平面图上第 1 号点" in listed
    # A new plan replaces the old one (its files removed); the points stay, in percent.
    site_plan_upload(estate=city.estate_a1, actor=city.street_a_staff, upload=plan_file())
    assert SitePlan.objects.count() == 1
