"""Warranties after acceptance (issue 20 item 3): a complaint about a renovated item inside its
warranty goes to the contractor with the warranty's last day, and counts on the contractor's
public page; after it, to whoever maintains the item — its utility, the managing firm, else the
community committee. The public project page says each item's 保修至."""

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from feedback import permissions, selectors, services
from feedback.models import Complaint
from projects.after_build import warranty_end
from projects.models import Award, CatalogItem, PlanItem, PlanVersion, Project
from projects.services.works import AWARD_PERMS
from stakeholders.models import Organization, User
from stakeholders.services import organization_grant
from tests import factories as f
from tests.projects.test_hearings import client_for
from tests.stakeholders.test_services import codes

from .conftest import completed_project


def test_the_warranty_ends_the_same_day_months_later_or_the_months_last_day():
    assert warranty_end(date(2026, 6, 30), 60) == date(2031, 6, 30)
    assert warranty_end(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert warranty_end(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert warranty_end(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert warranty_end(None, 24) is None


@pytest.fixture
def built(city):
    """Estate a1's renovation, accepted `days_ago` days ago (set per test): a roof (60 months), the
    gas pipes (24 months, then the gas company's), greening (12 months, then the manager's — the
    firm of the adopted management section) and a stairwell (24 months, then the community's)."""
    project = completed_project(city, city.estate_a1, days_ago=30)
    for perm in AWARD_PERMS[Award.Role.CONTRACTOR]:  # as project_award granted them
        organization_grant(organization=city.contractor_org, perm=perm, obj=project)
    version = PlanVersion.objects.create(project=project, number=1, status=PlanVersion.Status.ADOPTED)
    gas_company = f.organization(Organization.Kind.UTILITY, "邕州燃气有限公司")
    firm = f.organization(Organization.Kind.PROPERTY_MANAGER, "邕江物业服务有限公司")
    firm_staff = f.staff(firm, "firm_staff")
    gas_staff = f.staff(gas_company, "gas_staff")
    f.management(version, operator="property", organization=firm)

    def item(code, months, **kw):
        return PlanItem.objects.create(
            version=version,
            catalog_item=CatalogItem.objects.get(code=code),
            description=f"{code}改造",
            quantity=Decimal("1"),
            unit="项",
            estimated_cost=Decimal("1000.00"),
            warranty_months=months,
            **kw,
        )

    return SimpleNamespace(
        project=project,
        roof=item("roof", 60),
        gas=item("gas", 24, maintainer="utility", maintainer_organization=gas_company),
        green=item("greening", 12),
        stairs=item("stairwell", 24, maintainer="community"),
        gas_company=gas_company,
        firm=firm,
        firm_staff=firm_staff,
        gas_staff=gas_staff,
    )


def accepted(built, days_ago):
    Project.objects.filter(pk=built.project.pk).update(completed_on=timezone.localdate() - timedelta(days=days_ago))
    built.project.refresh_from_db()


def file(city, built, item, category="quality"):
    user = User.objects.get(pk=city.owner_a1.user_id)
    return services.complaint_file(
        project=built.project, actor=user, category=category, text="屋顶又漏水了", plan_item=item
    )


@pytest.mark.django_db
def test_inside_its_warranty_a_complaint_goes_to_the_contractor_with_the_last_day(city, built):
    complaint = file(city, built, built.roof)
    assert (complaint.route, complaint.agency) == ("works", city.contractor_org)
    assert complaint.warranty_until == warranty_end(built.project.completed_on, 60)
    assert permissions.is_responder(city.contractor, complaint)
    # Money and integrity tips are not complaints: they go to the integrity channel, item or not.
    with pytest.raises(ValidationError):
        file(city, built, built.roof, category="integrity")
    # Counted on the contractor's public page.
    assert selectors.warranty_complaint_counts(city.contractor_org) == {"total": 1, "resolved": 0, "open": 1}
    page = client_for(city.owner_b1.user).get(reverse("disclosure:contractor", args=[city.contractor_org.pk]))
    assert "保修期内收到 1 件关于其工程的投诉：已解决 0 件，处理中 1 件" in page.content.decode()


@pytest.mark.django_db
def test_after_its_warranty_it_goes_to_whoever_maintains_it(city, built):
    accepted(built, days_ago=800)  # past 24 months, inside 60
    assert file(city, built, built.roof).route == "works"
    pipes = file(city, built, built.gas)
    assert (pipes.route, pipes.agency, pipes.warranty_until) == ("maintainer", built.gas_company, None)
    assert permissions.is_responder(built.gas_staff, pipes) and not permissions.is_responder(built.firm_staff, pipes)
    assert not permissions.is_responder(city.contractor, pipes)
    assert pipes in selectors.complaints_visible_to(built.gas_staff)
    assert pipes not in selectors.complaints_visible_to(built.firm_staff)
    garden = file(city, built, built.green)  # the manager's: the firm the adopted plan names
    assert (garden.route, garden.agency) == ("maintainer", built.firm)
    assert permissions.can_view_complaint(built.firm_staff, garden)
    stairs = file(city, built, built.stairs)
    assert (stairs.route, stairs.agency.kind) == ("community", "community_committee")
    # A manager not on the portal: the community committee takes it.
    Organization.objects.filter(pk=built.firm.pk).update(is_active=False)
    assert file(city, built, built.green).route == "community"
    assert selectors.warranty_complaint_counts(city.contractor_org)["total"] == 1  # the roof only


@pytest.mark.django_db
def test_an_item_must_be_of_the_projects_adopted_plan(city, built):
    other = completed_project(city, city.estate_a2)
    version = PlanVersion.objects.create(project=other, number=1, status=PlanVersion.Status.ADOPTED)
    foreign = PlanItem.objects.create(
        version=version,
        catalog_item=CatalogItem.objects.get(code="roof"),
        description="别的小区的屋面",
        quantity=Decimal("1"),
        unit="项",
        estimated_cost=Decimal("1.00"),
    )
    with pytest.raises(ValidationError) as error:
        file(city, built, foreign)
    assert codes(error.value) == {"item_not_in_plan"}
    assert not Complaint.objects.exists()


@pytest.mark.django_db
def test_the_resident_chooses_the_item_and_everyone_sees_each_warranty(
    city, built, client, django_assert_max_num_queries
):
    form_url = reverse("feedback:complaint_file", args=[built.project.code])
    resident = client_for(city.owner_a1.user)
    with django_assert_max_num_queries(16):
        html = resident.get(form_url).content.decode()
    until = warranty_end(built.project.completed_on, 60).isoformat()
    assert "是关于某个改造项目吗" in html and f"roof改造（保修至 {until}）" in html
    filed = resident.post(form_url, {"category": "quality", "text": "屋顶又漏水了", "plan_item": built.roof.pk})
    assert filed.status_code == 302
    complaint = Complaint.objects.get()
    detail = resident.get(complaint.get_absolute_url()).content.decode()
    assert f"保修至 {until}：由施工单位负责免费维修" in detail
    # A foreign id is refused next to the field, what was typed kept.
    bad = resident.post(form_url, {"category": "quality", "text": "楼道灯不亮", "plan_item": 999999})
    assert bad.status_code == 400 and "楼道灯不亮" in bad.content.decode()
    # The public project page: each item's 保修至, within its query budget.
    with django_assert_max_num_queries(40):
        public = client.get(reverse("disclosure:project", args=[built.project.code]))
    section = public.content.decode().split('data-testid="public-warranties"')[1][:3000]
    assert f"保修至 {until}" in section and "之后由邕州燃气有限公司维护" in section
    assert "之后由社区居委会维护" in section
