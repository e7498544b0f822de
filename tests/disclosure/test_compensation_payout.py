"""The ground-floor compensation paid out (issue 19 item 3): the fund the owners agreed is shared
like the residents' part, then paid to the households of the compensated floors — recorded at the
desk household by household with the receipt each signed, brought into the ledger as an expense
of the elevator that must equal the payouts it names, public as sums without names."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from disclosure import collection, services
from disclosure.models import SharePayment
from projects.models import CatalogItem, PlanItem, PlanItemFunding, Project
from tests import factories as f
from tests.disclosure.conftest import LINES, adopted_project, end_notice
from tests.disclosure.test_inspections import serving_council
from tests.projects.conftest import owners  # noqa: F401  (fixture)
from tests.projects.test_hearings import client_for
from tests.stakeholders.test_services import codes

PER_HOUSEHOLD = Decimal("5000.00")
S = Project.Status


@pytest.fixture
def elevator(city):
    """Estate a1's adopted plan also has 2栋1单元's elevator: ¥20,000 residents' part plus a ¥10,000
    fund paying ¥5,000 to each of its two ground-floor households; the budget is published."""
    building = f.BuildingFactory(estate=city.estate_a1, number="2")
    homes = f.households(building, 6, unit="1")  # floors 1–3, two households each
    p = adopted_project(city)
    lift = PlanItem.objects.create(
        version=p.version,
        catalog_item=CatalogItem.objects.get(code="elevator"),
        description="2栋1单元加装电梯",
        quantity=Decimal("1"),
        unit="部",
        estimated_cost=Decimal("30000.00"),
        share_scope="entrance",
        share_building=building,
        share_entrance="1",
        share_method="floor",
        share_coefficients={"1": "0", "2": "0.5", "3": "1"},
        compensation_per_household=PER_HOUSEHOLD,
        compensation_floors=[1],
    )
    PlanItemFunding.objects.create(item=lift, source="residents", amount=Decimal("20000.00"))
    PlanItemFunding.objects.create(item=lift, source="compensation", amount=Decimal("10000.00"))
    lines = dict(LINES) | {"residents": Decimal("30000.00"), "compensation": Decimal("10000.00")}
    budget = services.budget_save_draft(
        project=p.project, actor=city.street_a_staff, total=sum(lines.values()), lines=lines
    )
    services.budget_approve(budget=budget, actor=city.street_a_manager)
    end_notice(services.budget_publish(budget=budget, actor=city.street_a_manager))
    p.project.refresh_from_db()
    p.lift, p.homes = lift, homes
    return p


def payout(city, p, household, actor=None, **kw):
    data = {"amount": PER_HOUSEHOLD, "paid_on": timezone.localdate(), "channel": "bank", "receipt_no": "BC-1"}
    data.update(kw)
    return services.payout_record(project=p.project, household=household, actor=actor or city.comm_a1_staff, **data)


@pytest.mark.django_db
def test_the_ground_floor_is_owed_its_compensation_and_pays_its_share(city, elevator):
    found = collection.collection_of(elevator.project)
    ground = [found.of(h.pk) for h in elevator.homes if h.floor == 1]
    assert [(row.receives, row.due) for row in ground] == [(PER_HOUSEHOLD, row.due) for row in ground]
    assert all(row.due > 0 for row in ground)  # the estate-wide lighting, by area
    assert found.compensation() == {
        "receives": Decimal("10000.00"),
        "received": Decimal("0.00"),
        "households": 2,
        "paid_households": 0,
    }
    # The third floor shares the lift (and its fund) and is owed no compensation.
    third = found.of(elevator.homes[4].pk)
    assert third.receives == 0 and third.due > 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, allowed",
    [
        ("comm_a1_staff", True),
        ("admin", True),
        ("council", True),
        ("street_a_staff", False),  # sees the desk, does not pay out
        ("comm_a2_staff", False),
        ("owner_a1", False),
        ("contractor", False),
    ],
)
@pytest.mark.parametrize("status", [S.PLAN_ADOPTED, S.BUDGET_APPROVED, S.CONTRACTED, S.UNDER_CONSTRUCTION])
def test_who_records_a_payout_and_when(city, owners, elevator, role, allowed, status):  # noqa: F811
    actor = {"owner_a1": city.owner_a1.user}.get(role) or (
        serving_council(city, owners) if role == "council" else getattr(city, role)
    )
    Project.objects.filter(pk=elevator.project.pk).update(status=status)
    elevator.project.refresh_from_db()
    if allowed and status != S.PLAN_ADOPTED:
        assert payout(city, elevator, elevator.homes[0], actor=actor).kind == SharePayment.Kind.PAYOUT
    else:
        with pytest.raises(PermissionDenied):
            payout(city, elevator, elevator.homes[0], actor=actor)
        assert not SharePayment.objects.exists()


@pytest.mark.django_db
def test_a_payout_is_checked_against_what_the_household_is_owed(city, elevator):
    first, second, third = elevator.homes[0], elevator.homes[1], elevator.homes[2]
    for household, kw, code in [
        (third, {}, "not_compensated"),  # second floor
        (first, {"amount": Decimal("5000.01")}, "payout_too_much"),
        (first, {"amount": Decimal("0")}, "amount_positive"),
        (first, {"receipt_no": " "}, "receipt_required"),
        (first, {"paid_on": timezone.localdate() + timedelta(days=1)}, "future_date"),
        (first, {"channel": "gold"}, "channel_required"),
    ]:
        with pytest.raises(ValidationError) as error:
            payout(city, elevator, household, **kw)
        assert codes(error.value) == {code}, kw
    payout(city, elevator, first, amount=Decimal("3000.00"), receipt_no="BC-1")
    payout(city, elevator, first, amount=Decimal("2000.00"), receipt_no="BC-2")
    with pytest.raises(ValidationError) as error:
        payout(city, elevator, first, amount=Decimal("0.01"), receipt_no="BC-3")
    assert codes(error.value) == {"payout_too_much"}
    with pytest.raises(ValidationError) as error:
        payout(city, elevator, second, receipt_no="BC-2")  # one receipt, one record
    assert codes(error.value) == {"receipt_taken"}
    found = collection.collection_of(elevator.project)
    assert found.of(first.pk).to_receive == 0 and found.compensation()["paid_households"] == 1
    # What the household pays is apart: its share is still due.
    assert found.of(first.pk).paid == 0 and found.of(first.pk).remaining == found.of(first.pk).due


@pytest.mark.django_db
def test_the_ledger_expense_must_equal_the_payouts_it_names(city, elevator):
    one = payout(city, elevator, elevator.homes[0], receipt_no="BC-1")
    two = payout(city, elevator, elevator.homes[1], receipt_no="BC-2")
    paid = services.payment_record(
        project=elevator.project,
        household=elevator.homes[4],
        amount=Decimal("100.00"),
        paid_on=timezone.localdate(),
        channel="cash",
        receipt_no="R-1",
        actor=city.comm_a1_staff,
    )

    def expense(amount, item, ids):
        return services.ledger_record(
            project=elevator.project,
            actor=city.street_a_staff,
            date=timezone.localdate(),
            kind="expense",
            amount=Decimal(amount),
            counterparty="2栋1单元底层住户（2户）",
            plan_item=item,
            payments=ids,
        )

    for amount, item, ids, code in [
        ("9000.00", elevator.lift, [one.pk, two.pk], "batch_mismatch"),
        ("10000.00", elevator.roof, [one.pk, two.pk], "batch_payout_item"),  # not the compensated item
        ("5100.00", elevator.lift, [one.pk, paid.pk], "batch_mixed"),  # a payment received is income
    ]:
        with pytest.raises(ValidationError) as error:
            expense(amount, item, ids)
        assert codes(error.value) == {code}
    entry = expense("10000.00", elevator.lift, [one.pk, two.pk])
    assert set(SharePayment.objects.filter(ledger_entry=entry).values_list("pk", flat=True)) == {one.pk, two.pk}
    with pytest.raises(ValidationError) as error:
        expense("5000.00", elevator.lift, [one.pk])  # in one batch only
    assert codes(error.value) == {"batch_payments"}
    # A residents' income batch cannot name a payout either.
    with pytest.raises(ValidationError) as error:
        services.ledger_record(
            project=elevator.project,
            actor=city.street_a_staff,
            date=timezone.localdate(),
            kind="income",
            amount=Decimal("100.00"),
            counterparty="居民自筹",
            source="residents",
            payments=[paid.pk, two.pk],
        )
    assert codes(error.value) == {"batch_payments"}


@pytest.mark.django_db
def test_the_desk_records_a_payout_and_the_public_sees_sums(city, elevator, django_assert_max_num_queries):
    desk = reverse("disclosure:collection", args=[elevator.project.code])
    staff = client_for(city.comm_a1_staff)
    ground = elevator.homes[0]
    building = f"?building={ground.building_id}"
    with django_assert_max_num_queries(16):
        page = staff.get(desk + building)
    html = page.content.decode()
    assert 'data-testid="record-payout"' in html and "待领 ¥5,000.00" in html
    form = {"household": ground.pk, "building": ground.building_id, "action": "payout"}
    form |= {f"h{ground.pk}-amount": "5000.01"}
    form |= {f"h{ground.pk}-paid_on": timezone.localdate().isoformat(), f"h{ground.pk}-channel": "bank"}
    form |= {f"h{ground.pk}-receipt_no": "BC-9"}
    refused = staff.post(desk, form)
    assert refused.status_code == 400 and "还有 ¥5,000.00 补偿待领" in refused.content.decode()
    assert 'value="BC-9"' in refused.content.decode()  # nothing typed is lost
    assert staff.post(desk, form | {f"h{ground.pk}-amount": "5000.00"}).status_code == 302
    payout_row = SharePayment.objects.get(kind="payout")
    assert (payout_row.household, payout_row.amount, payout_row.receipt_no) == (ground, PER_HOUSEHOLD, "BC-9")
    public = client_for(city.owner_b1.user).get(reverse("disclosure:shares", args=[elevator.project.code]))
    said = public.content.decode()
    assert "底层住户补偿" in said and "已发放 ¥5,000.00（共 ¥10,000.00）" in said
    assert ground.room not in said.split('data-testid="compensation-paid"')[1][:300]
    # The household's owner reads it among their receipts.
    owner = f.verified_owner(ground)
    receipt = client_for(owner.user).get(reverse("disclosure:payment_receipt", args=[payout_row.pk]))
    assert receipt.status_code == 200 and "底层住户补偿已发放" in receipt.content.decode()
