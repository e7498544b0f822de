"""A project of estate a1 with an adopted plan, and helpers that take it through budget, award,
ledger and works by the real services."""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db.models import Sum
from django.utils import timezone

from disclosure import services
from projects import services as project_services
from projects.models import CatalogItem, PlanItem, PlanItemFunding, PlanVersion, Project
from tests.factories import procure
from tests.projects.conftest import council_a1, owners, project_at  # noqa: F401


def adopted_project(city) -> SimpleNamespace:
    """A project in `plan_adopted` whose adopted plan has two items:
    roof ¥60,000 (central 40,000 + local 20,000) and lighting ¥40,000 (local 30,000 + residents 10,000)."""
    project = project_at(city, Project.Status.PLAN_ADOPTED)
    version = PlanVersion.objects.create(project=project, number=1, status=PlanVersion.Status.ADOPTED)
    roof = PlanItem.objects.create(
        version=version,
        catalog_item=CatalogItem.objects.get(code="roof"),
        description="屋面防水",
        quantity=Decimal("1200"),
        unit="m²",
        estimated_cost=Decimal("60000.00"),
    )
    light = PlanItem.objects.create(
        version=version,
        catalog_item=CatalogItem.objects.get(code="lighting"),
        description="楼道照明",
        quantity=Decimal("40"),
        unit="盏",
        estimated_cost=Decimal("40000.00"),
    )
    for item, source, amount in [
        (roof, "central_subsidy", "40000.00"),
        (roof, "local_finance", "20000.00"),
        (light, "local_finance", "30000.00"),
        (light, "residents", "10000.00"),
    ]:
        PlanItemFunding.objects.create(item=item, source=source, amount=Decimal(amount))
    return SimpleNamespace(project=project, version=version, roof=roof, light=light)


LINES = {"central_subsidy": Decimal("40000.00"), "local_finance": Decimal("50000.00"), "residents": Decimal("10000.00")}


def publish_budget(city, p, *, notice_over: bool = True) -> None:
    """Draft, approve and publish the budget; unless `notice_over=False`, its public notice (公示)
    is dated to have ended yesterday, as the works are awarded only after it."""
    # The budget's lines are the adopted plan's (what the owners pay must be what they voted for).
    lines = dict(
        PlanItemFunding.objects.filter(item__version__project=p.project, item__version__status="adopted")
        .values("source")
        .annotate(total=Sum("amount"))
        .values_list("source", "total")
    )
    budget = services.budget_save_draft(
        project=p.project, actor=city.street_a_staff, total=sum(lines.values()), lines=lines
    )
    services.budget_approve(budget=budget, actor=city.street_a_manager)
    budget = services.budget_publish(budget=budget, actor=city.street_a_manager)
    if notice_over:
        end_notice(budget)
    p.project.refresh_from_db()
    p.budget = budget


def end_notice(budget) -> None:
    """As if the budget's public notice had run its course (it ended yesterday)."""
    from disclosure.models import Budget

    today = timezone.localdate()
    Budget.objects.filter(pk=budget.pk).update(
        published_at=timezone.now() - timedelta(days=8), notice_ends_on=today - timedelta(days=1)
    )
    budget.refresh_from_db()


def award(city, p) -> None:
    """Award the works and their supervision from their procurement records (made once)."""
    from projects.models import Tender

    for role, org, amount in (
        ("contractor", city.contractor_org, "95000.00"),
        ("supervisor", city.supervisor_org, "8000.00"),
    ):
        if not Tender.objects.filter(project=p.project, role=role, status="evaluated").exists():
            procure(p.project, city.street_a_staff, role, org, Decimal(amount))
    project_services.project_award(
        project=p.project,
        actor=city.street_a_manager,
        contractor=city.contractor_org,
        supervisor=city.supervisor_org,
        contract_amount=Decimal("95000.00"),
    )
    p.project.refresh_from_db()


def income(city, p, amount="40000.00", source="central_subsidy", **kw):
    return services.ledger_record(
        project=p.project,
        actor=city.street_a_staff,
        date=timezone.localdate() - timedelta(days=1),
        kind="income",
        amount=Decimal(amount),
        counterparty="南宁市财政局",
        source=source,
        **kw,
    )


def expense(city, p, amount="12000.00", item=None, **kw):
    return services.ledger_record(
        project=p.project,
        actor=city.street_a_staff,
        date=timezone.localdate(),
        kind="expense",
        amount=Decimal(amount),
        counterparty="施工公司",
        plan_item=item or p.roof,
        **kw,
    )


@pytest.fixture
def adopted(city):
    return adopted_project(city)


@pytest.fixture
def published(city, adopted):
    publish_budget(city, adopted)
    return adopted


@pytest.fixture
def contracted(city, published):
    award(city, published)
    return published


def final_lines(p, **costs) -> dict:
    """Every adopted item of `adopted_project` as built: its planned quantity and cost (or `costs`)."""
    return {
        item.pk: (item.quantity, Decimal(costs.get(name, item.estimated_cost)), "")
        for name, item in (("roof", p.roof), ("light", p.light))
    }


def finish(city, p) -> None:
    """The contractor reports both items at 100 % (which also starts the works)."""
    for item in (p.roof, p.light):
        services.progress_post(project=p.project, actor=city.contractor, percent=100, plan_item=item, text="完工")


def file_report(city, p, **kw):
    return project_services.completion_report_file(
        project=p.project,
        actor=city.contractor,
        scope_done=kw.pop("scope_done", "两项全部完工"),
        lines=final_lines(p),
        **kw,
    )


def accept(city, p, council, *, opinion="同意验收") -> None:
    """Finish the works, file the report and let the four required signers agree (art. 16)."""
    finish(city, p)
    file_report(city, p)
    for role, user in [
        ("contractor", city.contractor),
        ("supervisor", city.supervisor),
        ("street", city.street_a_manager),
        ("council", council.user),
    ]:
        project_services.acceptance_sign(project=p.project, role=role, actor=user, opinion=opinion)
