"""After the build (issue 20 items 1 and 3): a plan version's management section (who manages the
estate after the works, the service and fee, where repair money comes from) is written by its
drafters, voted on with the plan and required before the vote; each item says who maintains it
and its warranty (the regulation's minimum for the kind of work by default)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from projects import services
from projects.models import PlanItem, PlanManagement, PlanVersion, Project
from projects.plan_changes import changes_from_previous
from stakeholders.models import Organization
from tests import factories as f
from tests.projects.conftest import council_a1, owners, project_at  # noqa: F401
from tests.projects.test_hearings import client_for
from tests.projects.test_needs_plan import add_item, comment_period_over, item
from tests.stakeholders.test_services import codes

S = Project.Status
GOOD = {
    "operator": "property",
    "service_level": "保洁每日一次，秩序维护24小时",
    "fee_per_m2_month": Decimal("0.85"),
    "sources": ["maintenance_fund", "fees"],
    "notes": "合同三年",
}


@pytest.fixture
def firm(city):
    return f.organization(Organization.Kind.PROPERTY_MANAGER, "邕江物业服务有限公司")


@pytest.fixture
def draft(city):
    project = project_at(city, S.PLANNING)
    return services.plan_version_start(project=project, actor=city.comm_a1_staff)


def save(version, actor, **fields):
    return services.plan_management_save(version=version, actor=actor, **(GOOD | fields))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, allowed",
    [
        ("comm_a1_staff", True),
        ("council", True),
        ("admin", True),
        ("street_a_manager", False),  # approves and publishes; the residents' side drafts
        ("comm_a2_staff", False),
        ("owner_a1", False),
        ("contractor", False),
    ],
)
@pytest.mark.parametrize("status", ["draft", "published"])
def test_who_writes_the_management_section_and_when(city, draft, firm, council_a1, role, allowed, status):  # noqa: F811
    actor = {"council": lambda: council_a1.user, "owner_a1": lambda: city.owner_a1.user}.get(
        role, lambda: getattr(city, role)
    )()
    if status == "published":
        add_item(draft, city.comm_a1_staff)
        services.plan_version_publish(version=draft, actor=city.street_a_manager)
    if allowed and status == "draft":
        assert save(draft, actor, organization=firm).organization == firm
        return
    with pytest.raises((PermissionDenied, ValidationError)) as refused:
        save(draft, actor)
    if allowed:  # a drafter who finds the version published is told so
        assert codes(refused.value) == {"state_changed"}
    else:
        assert refused.type is PermissionDenied
    assert not PlanManagement.objects.exists()


@pytest.mark.django_db
def test_the_section_is_checked_field_by_field(city, draft, firm):
    contractor = city.contractor_org
    for fields, code in [
        ({"operator": "nobody"}, "operator_required"),
        ({"operator": "community", "organization": firm}, "firm_only_for_property"),
        ({"organization": contractor}, "firm_kind"),
        ({"service_level": "  "}, "service_level_required"),
        ({"fee_per_m2_month": Decimal("-0.01")}, "fee_range"),
        ({"fee_per_m2_month": Decimal("100.01")}, "fee_range"),
        ({"sources": ["lottery"]}, "sources_required"),
    ]:
        with pytest.raises(ValidationError) as error:
            save(draft, city.comm_a1_staff, **fields)
        assert codes(error.value) == {code}, fields
    first = save(draft, city.comm_a1_staff, sources=["fees", "maintenance_fund", "fees"])
    assert first.sources == ["maintenance_fund", "fees"]  # in the list's order, once each
    again = save(draft, city.comm_a1_staff, operator="owners", fee_per_m2_month=Decimal("0"), sources=["fees"])
    assert PlanManagement.objects.get() == again and again.operator == "owners"  # corrected, not duplicated


@pytest.mark.django_db
def test_no_vote_without_the_section_and_the_next_version_keeps_it(city, owners, draft, firm):  # noqa: F811
    add_item(draft, city.comm_a1_staff)
    services.plan_version_publish(version=draft, actor=city.street_a_manager)
    comment_period_over(draft)
    with pytest.raises(ValidationError) as missing:
        services.plan_vote_call(version=PlanVersion.objects.get(pk=draft.pk), actor=city.street_a_manager)
    assert codes(missing.value) == {"management_required"}
    # The drafters revise: v2 writes the section, the vote goes ahead.
    v2 = services.plan_version_start(project=draft.project, actor=city.comm_a1_staff)
    save(v2, city.comm_a1_staff, organization=firm)
    services.plan_version_publish(version=v2, actor=city.street_a_manager)
    comment_period_over(v2)
    vote = services.plan_vote_call(version=PlanVersion.objects.get(pk=v2.pk), actor=city.street_a_manager)
    assert vote.plan_version_id == v2.pk
    # ... and a v3 (after a failed vote, say) starts from it; a change to it is listed.
    PlanVersion.objects.filter(pk=v2.pk).update(status=PlanVersion.Status.REJECTED)
    Project.objects.filter(pk=draft.project_id).update(status=S.PLANNING)
    v3 = services.plan_version_start(project=Project.objects.get(pk=draft.project_id), actor=city.comm_a1_staff)
    kept = PlanManagement.objects.get(version=v3)
    assert (kept.operator, kept.organization, kept.sources) == ("property", firm, ["maintenance_fund", "fees"])
    items = list(v3.items.select_related("catalog_item").prefetch_related("funding"))
    assert changes_from_previous(v3, items).management == ""
    save(v3, city.comm_a1_staff, fee_per_m2_month=Decimal("0.95"))
    assert changes_from_previous(PlanVersion.objects.get(pk=v3.pk), items).management == "changed"
    assert changes_from_previous(v2, []).management == "added"  # v1 had none


@pytest.mark.django_db
def test_each_item_says_who_maintains_it_and_its_warranty(city, draft):
    gas_company = f.organization(Organization.Kind.UTILITY, "邕州燃气有限公司")
    roof = add_item(draft, city.comm_a1_staff, code="roof")
    assert (roof.warranty_months, roof.maintainer) == (60, "manager")  # art. 40: roof waterproofing, 5 years
    assert add_item(draft, city.comm_a1_staff, code="lighting").warranty_months == 24

    def gas(**kw):
        return services.plan_item_add(
            version=draft,
            actor=city.comm_a1_staff,
            catalog_item=item(kw.pop("code", "gas")),
            description="庭院燃气管道更换",
            quantity=Decimal("380"),
            unit="m",
            estimated_cost=Decimal("1000.00"),
            funding={"utility": Decimal("1000.00")},
            **kw,
        )

    for kw, code in [
        ({"maintainer": "utility"}, "utility_required"),
        ({"maintainer": "utility", "maintainer_organization": city.contractor_org}, "utility_required"),
        ({"maintainer": "community", "maintainer_organization": gas_company}, "utility_only"),
        ({"code": "roof", "warranty_months": 59}, "warranty_minimum"),
        ({"warranty_months": 0}, "warranty_range"),
    ]:
        with pytest.raises(ValidationError) as error:
            gas(**kw)
        assert codes(error.value) == {code}, kw
    pipes = gas(maintainer="utility", maintainer_organization=gas_company, warranty_months=36)
    assert (pipes.maintainer_organization, pipes.warranty_months) == (gas_company, 36)
    assert PlanItem.objects.count() == 3


@pytest.mark.django_db
def test_the_drafter_writes_it_on_its_page_and_everyone_reads_it_on_the_plan(
    city, draft, firm, client, django_assert_max_num_queries
):
    url = reverse("projects:plan_management", args=[draft.project.code, draft.number])
    plan = reverse("projects:plan", args=[draft.project.code, draft.number])
    clerk = client_for(city.comm_a1_staff)
    with django_assert_max_num_queries(16):
        assert clerk.get(url).status_code == 200
    assert client_for(city.owner_a1.user).get(url).status_code == 403
    assert client_for(city.comm_b1_staff).get(url).status_code == 404
    missing = clerk.get(plan).content.decode()
    assert 'data-testid="management-missing"' in missing and 'data-testid="management-edit"' in missing
    form = {"operator": "property", "organization": firm.pk, "service_level": "保洁每日一次", "sources": ["fees"]}
    refused = clerk.post(url, form | {"fee_per_m2_month": "abc"})
    html = refused.content.decode()
    assert refused.status_code == 400 and "输入一个数字" in html and 'value="保洁每日一次"' in html
    none_chosen = clerk.post(url, form | {"fee_per_m2_month": "0.85", "sources": []})
    assert none_chosen.status_code == 400 and "请说明维修资金从哪里来" in none_chosen.content.decode()
    assert clerk.post(url, form | {"fee_per_m2_month": "0.85"}).status_code == 302
    add_item(draft, city.comm_a1_staff, code="roof")
    services.plan_version_publish(version=draft, actor=city.street_a_manager)
    with django_assert_max_num_queries(20):
        public = client.get(plan)
    text = public.content.decode()
    section = text[text.index('data-testid="plan-management"') :][:2500]
    assert "物业服务企业" in section and "邕江物业服务有限公司" in section and "每月每平方米 ¥0.85" in section
    assert "物业费" in section
    assert "保修 60 个月" in text and "之后由小区的管理方维护" in text
    assert 'data-testid="management-edit"' not in text  # published: read only
