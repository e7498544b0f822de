"""Every dashboard has a fixed query budget: 10× the estates, households and claims add none."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stakeholders.models import User
from tests import factories as f

# role → (user attribute on the city fixture, query budget for GET /). Complaint counts cost every
# role one query; residents' survey invitations, open votes, needs and complaints four more (and
# one for the open votes that opened before their claim was verified, issue 14 item 18); the
# street office's desk seven (queues, charts, response times); the city overview seven; the works
# of contractors and supervisors three. Community staff and the street office one more each for
# the link from every estate to its project, community staff one for the open votes' paper desks.
DASHBOARDS = {
    "anonymous landing": (None, 2),
    # 17: the seats on a residents' council (the certificate link), one query (issue 17); 18: the
    # open willingness surveys to answer, one query (issue 18); 19: the resident's residence
    # declarations as a tenant or family (居住登记), one query.
    "resident (no claims)": ("plain_resident", 19),
    "resident (pending claim)": ("claimant_a1", 19),
    # 20: a verified owner's projects with a published budget (their figure), one query; 21: the
    # entrances where they may petition for an elevator, one query (issue 19).
    "resident (verified owner)": ("owner_a1", 21),
    "community staff": ("comm_a1_staff", 13),
    "street staff": ("street_a_staff", 17),
    # 22: the councils per street (two grouped queries, issue 17); 25: the city's willingness
    # surveys (three aggregates, issue 18); 26: the approval matters waiting in every department's
    # queue, one aggregate, and 27: the flagged-organization awards to decide, one query (issues 21–22).
    "bureau": ("bureau", 27),
    "contractor": ("contractor", 11),
    "supervisor": ("supervisor", 11),
    "admin": ("admin", 25),
}


def user_for(city, attr):
    obj = getattr(city, attr)
    return obj.user if hasattr(obj, "user") else obj


def grow(city, factor=10):
    """Add `factor`× the data in every scope the dashboards read."""
    for _ in range(factor):
        for community in (city.comm_a1, city.comm_a2, city.comm_b1):
            estate = f.EstateFactory(community=community)
            homes = f.households(f.BuildingFactory(estate=estate), 6)
            for home in homes[:3]:
                f.claim(f.ResidentFactory(), home)
            f.verified_owner(homes[4])
            _project_with_money(city, estate)
        # the signed-in residents' own claims grow too
        home = f.HouseholdFactory(building=city.homes_a1[0].building, unit="9")
        f.claim(city.owner_a1, home)
        f.claim(city.claimant_a1, f.HouseholdFactory(building=city.homes_a1[0].building, unit="8"))


def _project_with_money(city, estate):
    """A project with a published budget, a ledger, an award, a progress post, a milestone and
    complaints: what the street desk, the city overview and the works list count."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from disclosure import ledger
    from disclosure.models import Budget, BudgetLine, LedgerEntry, Milestone, ProgressUpdate
    from feedback.models import Complaint
    from projects import services as project_services
    from projects.models import Award, Project

    project = project_services.project_create(estate=estate, title="改造", actor=None)
    Project.objects.filter(pk=project.pk).update(status=Project.Status.UNDER_CONSTRUCTION)
    budget = Budget.objects.create(project=project, total=Decimal("1000.00"), status=Budget.Status.PUBLISHED)
    BudgetLine.objects.create(budget=budget, source="central_subsidy", amount=Decimal("1000.00"))
    prev = ledger.ZERO_HASH
    for seq in (1, 2):
        document = ledger.entry_document(
            project=project.code,
            seq=seq,
            date=timezone.localdate(),
            kind="income",
            amount=Decimal("100.00"),
            counterparty="财政",
            category="central_subsidy",
            memo="",
            reverses=None,
            prev_hash=prev,
        )
        prev = ledger.entry_hash(document)
        LedgerEntry.objects.create(
            project=project,
            seq=seq,
            date=timezone.localdate(),
            kind="income",
            amount=Decimal("100.00"),
            counterparty="财政",
            category="central_subsidy",
            prev_hash=document["prev_hash"],
            hash=prev,
            recorded_by=city.street_a_staff,
        )
    Award.objects.create(project=project, role=Award.Role.CONTRACTOR, organization=city.contractor_org)
    ProgressUpdate.objects.create(
        project=project, percent=40, project_percent=40, posted_by=city.contractor, organization=city.contractor_org
    )
    Milestone.objects.create(project=project, title="进场", due_date=timezone.localdate() + timedelta(days=3))
    now = timezone.now()
    Complaint.objects.create(
        project=project,
        filed_by=city.owner_a1,
        category="quality",
        route="works",
        agency=city.contractor_org,
        text="问题",
        acknowledge_due=now - timedelta(hours=1),
        resolve_due=now + timedelta(days=1),
    )


def measure(client, user) -> int:
    client.logout()
    if user is not None:
        client.force_login(User.objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/")
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_dashboard_query_counts_are_within_budget_and_flat_under_10x_data(city, client, django_assert_max_num_queries):
    users = {role: (user_for(city, attr) if attr else None) for role, (attr, _b) in DASHBOARDS.items()}
    _project_with_money(city, city.estate_a2)  # 1× data: one project of everything; then 10× more
    before = {role: measure(client, user) for role, user in users.items()}
    grow(city)
    after = {role: measure(client, user) for role, user in users.items()}
    assert after == before, "more data must not mean more queries"
    for role, user in users.items():
        client.logout()
        if user is not None:
            client.force_login(User.objects.get(pk=user.pk))
        with django_assert_max_num_queries(DASHBOARDS[role][1]):
            client.get("/")


@pytest.mark.django_db
def test_each_role_lands_on_its_own_dashboard(city, client):
    expectations = {
        "plain_resident": ["dashboard-resident"],
        "claimant_a1": ["dashboard-resident"],
        "comm_a1_staff": ["dashboard-community"],
        "street_a_staff": ["dashboard-street"],
        "bureau": ["dashboard-city"],
        "contractor": ["dashboard-partner"],
        "supervisor": ["dashboard-partner"],
        "admin": ["dashboard-city"],
    }
    all_blocks = {
        "dashboard-resident",
        "dashboard-community",
        "dashboard-street",
        "dashboard-city",
        "dashboard-partner",
    }
    for attr, blocks in expectations.items():
        client.force_login(User.objects.get(pk=user_for(city, attr).pk))
        html = client.get("/").content.decode()
        for block in all_blocks:
            assert (f'data-testid="{block}"' in html) == (block in blocks), (attr, block)
    client.logout()
    assert "landing" in client.get("/").templates[0].name


@pytest.mark.django_db
def test_community_dashboard_counts_only_its_estates(city, client):
    client.force_login(city.comm_a1_staff)
    context = client.get("/").context
    estates = context["community"]["estates"]
    assert {e.pk for e in estates} == {city.estate_a1.pk, city.estate_a1b.pk}
    assert context["community"]["pending"] == 1
    client.force_login(city.street_a_staff)
    street = client.get("/").context["street"]
    assert {e.pk for e in street["estates"]} == {city.estate_a1.pk, city.estate_a1b.pk, city.estate_a2.pk}


@pytest.mark.django_db
def test_public_pages_show_no_personal_data(city, client):
    for url in ["/", "/disclosure/", "/disclosure/estates/"]:
        html = client.get(url).content.decode()
        for resident in (city.owner_a1, city.claimant_a1, city.owner_b1):
            assert resident.name not in html
            assert resident.phone not in html


@pytest.mark.django_db
def test_disclosure_index_query_budget_is_flat(city, client, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as small:
        client.get("/disclosure/")
    grow(city, factor=3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/disclosure/").status_code == 200


@pytest.mark.django_db
def test_estate_list_paginates_and_filters_by_street(city, client):
    from disclosure.views import ESTATES_PER_PAGE

    for _ in range(ESTATES_PER_PAGE):
        f.EstateFactory(community=city.comm_b1)
    first = client.get("/disclosure/estates/")
    assert len(first.context["estates"]) == ESTATES_PER_PAGE
    assert first.context["page"].paginator.count == ESTATES_PER_PAGE + 4
    assert 'href="?street=&amp;page=2"' in first.content.decode()
    second = client.get("/disclosure/estates/", {"page": 2})
    assert len(second.context["estates"]) == 4
    only_a = client.get("/disclosure/estates/", {"street": city.street_a.code})
    assert {e.pk for e in only_a.context["estates"]} == {city.estate_a1.pk, city.estate_a1b.pk, city.estate_a2.pk}
    assert client.get("/disclosure/estates/", {"page": "999"}).status_code == 200  # out of range: last page


@pytest.mark.django_db
def test_staff_homes_lead_to_their_work(city, client):
    """Field test: the community home had no link to the paper-ballot desk; a street office saw 没有待办
    while its budget waited to be drafted; estate names were not links; the contractor home said
    "once a project is awarded to you" above the projects it holds."""
    from projects.models import Project
    from tests.disclosure.conftest import adopted_project
    from tests.projects.test_votes import open_vote

    vote = open_vote(city)
    adopted = adopted_project(city)  # estate a1's plan adopted, no budget yet
    client.force_login(city.comm_a1_staff)
    home = client.get("/").content.decode()
    assert f'href="/projects/votes/{vote.code}/paper/"' in home
    client.force_login(city.street_a_staff)
    home = client.get("/").content.decode()
    queue = home.split('data-testid="budget-queue"')[1].split("</ul>")[0]
    assert city.estate_a1.name in queue and "待编制" in queue
    newest = Project.objects.filter(estate=city.estate_a1).order_by("-created_at", "-pk").first()
    assert f'href="/projects/{newest.code}/">{city.estate_a1.name}</a>' in home
    assert adopted.project.status == Project.Status.PLAN_ADOPTED
    from tests.disclosure.conftest import award, publish_budget

    publish_budget(city, adopted)
    award(city, adopted)
    client.force_login(city.contractor)
    home = client.get("/").content.decode()
    assert "项目确定由您承建后" not in home and 'data-testid="works-projects"' in home


@pytest.mark.django_db
def test_a_property_firm_and_a_utility_see_what_they_manage_or_maintain(city, client, django_assert_max_num_queries):
    """Issue 20: the firm the adopted plan names manages the estate after the works; a utility
    maintains its pipes; each sees those estates with the complaints routed to it still open."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from feedback.models import Complaint
    from projects import services
    from projects.models import CatalogItem, PlanItem, PlanVersion
    from stakeholders.models import Organization

    firm = f.organization(Organization.Kind.PROPERTY_MANAGER, "邕江物业服务有限公司")
    gas = f.organization(Organization.Kind.UTILITY, "邕州燃气有限公司")
    firm_staff, gas_staff = f.staff(firm, "firm_staff"), f.staff(gas, "gas_staff")
    client.force_login(firm_staff)
    assert "暂无分配给您的项目" in client.get("/").content.decode()
    projects = []
    for estate in (city.estate_a1, city.estate_a2):
        project = services.project_create(estate=estate, title=f"{estate.name}改造", actor=None)
        version = PlanVersion.objects.create(project=project, number=1, status=PlanVersion.Status.ADOPTED)
        f.management(version, operator="property", organization=firm)
        PlanItem.objects.create(
            version=version,
            catalog_item=CatalogItem.objects.get(code="gas"),
            description="庭院燃气管道更换",
            quantity=Decimal("1"),
            unit="项",
            estimated_cost=Decimal("1.00"),
            maintainer="utility",
            maintainer_organization=gas,
        )
        projects.append(project)
    now = timezone.now()
    Complaint.objects.create(
        project=projects[0],
        filed_by=city.owner_a1,
        category="quality",
        route="maintainer",
        agency=firm,
        text="路灯不亮",
        acknowledge_due=now + timedelta(hours=1),
        resolve_due=now + timedelta(days=1),
    )
    # A draft plan naming the firm is not an assignment.
    draft = PlanVersion.objects.create(project=projects[1], number=2, status=PlanVersion.Status.DRAFT)
    f.management(draft, operator="property", organization=firm)
    with django_assert_max_num_queries(20):
        page = client.get("/").content.decode()
    listed = page.split('data-testid="maintained-projects"')[1].split("</ul>")[0]
    assert city.estate_a1.name in listed and city.estate_a2.name in listed and "由您管理小区" in listed
    assert listed.count("1 条未解决投诉") == 1  # estate a1's, routed to the firm
    client.force_login(gas_staff)
    listed = client.get("/").content.decode().split('data-testid="maintained-projects"')[1].split("</ul>")[0]
    assert "由您维护 1 个改造项目" in listed and "由您管理小区" not in listed
