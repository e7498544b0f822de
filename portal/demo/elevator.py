"""桃源小区 1栋1单元's elevator (加装电梯, issue 19), beside the estate's renovation, through the real
services, then dated: the entrance's owners petitioned (13807710011, a Party member on the sixth
floor, with 13807710009 and 13807710007), the entrance voted yes (a special matter), the plan
shares the residents' part by agreed floor coefficients with a ground-floor compensation fund, the
entrance adopted it, the budget is published, the community has collected from eight
households, brought into the ledger as one batch, and paid one ground-floor household its
compensation (the ledger's expense names the payout)."""

from __future__ import annotations

from decimal import Decimal

from disclosure import collection
from disclosure import services as money
from projects import services as p
from projects.models import PlanItem, Project, Vote
from stakeholders.models import Building, Household, Resident

from .steps import _ballots, _close, _item, _manage, _ready_for_vote
from .works import OUT, _budget, _collect_batch, _day

COEFFICIENTS = {"1": "0", "2": "0.4", "3": "0.7", "4": "1", "5": "1.2", "6": "1.4"}


def seed_elevator(ctx, estate) -> None:
    building = Building.objects.filter(estate=estate, number="1").first()
    if building is None or Project.objects.filter(kind=Project.Kind.ELEVATOR, building=building).exists():
        return
    starter, *sponsors = [Resident.objects.get(phone=f"138077100{n}") for n in ("11", "09", "07")]
    clerk, approver, street = ctx.u("community_staff"), ctx.u("street_manager"), ctx.u("street_staff")
    petition = p.petition_start(
        resident=starter,
        estate=estate,
        reason="1单元住着多位七八十岁的老人，六楼上下楼一次要歇三回，希望加装电梯。",
        kind=Project.Kind.ELEVATOR,
        building=building,
        entrance="1",
    )
    for resident in sponsors:
        invite = p.sponsor_invite(petition=petition, actor=starter.user, phone=resident.phone)
        p.sponsor_answer(sponsorship=invite, actor=resident.user, confirm=True)
    owners = list(
        Resident.objects.filter(
            ownerships__household__building=building, ownerships__household__unit="1", ownerships__status="verified"
        ).distinct()
    )
    vote = p.petition_submit(petition=petition, actor=starter.user)
    _ballots(ctx, vote, online=owners, paper=6, clerk=clerk, choices=("agree",) * 5 + ("disagree",))
    vote = _close(vote, days_ago=90)
    assert vote.result == Vote.Result.PASSED, vote.result
    project = p.project_transition(
        project=Project.objects.get(pk=petition.project_id),
        to=Project.Status.ACCEPTED,
        actor=approver,
        note="纳入加装电梯计划。",
    )
    project = p.project_transition(
        project=project, to=Project.Status.PLANNING, actor=street, note="征求本单元住户意见。"
    )
    v1 = p.plan_version_start(project=project, actor=clerk)
    p.plan_version_edit(
        version=v1,
        actor=clerk,
        summary="业主约定：一层不分摊并每户获补偿3,000元，二至六层按楼层系数×面积分摊；中央补助30万元。",
    )
    ground = Household.objects.filter(building=building, unit="1", floor=1).count()
    compensation = Decimal("3000.00") * ground
    lift = p.plan_item_add(
        version=v1,
        actor=clerk,
        catalog_item=_item("elevator"),
        description="1栋1单元加装电梯（6层6站）",
        quantity=Decimal("1"),
        unit="部",
        estimated_cost=Decimal("650000.00") + compensation,
        funding={
            "central_subsidy": Decimal("300000.00"),
            "residents": Decimal("350000.00"),
            "compensation": compensation,
        },
        share_scope="entrance",
        share_building=building,
        share_entrance="1",
        share_method="floor",
        share_coefficients={k: Decimal(v) for k, v in COEFFICIENTS.items()},
        compensation_per_household=Decimal("3000.00"),
        compensation_floors=[1],
    )
    _manage(v1, clerk)
    p.plan_version_publish(version=v1, actor=approver)
    _ready_for_vote(v1, clerk)
    plan_vote = p.plan_vote_call(version=v1, actor=approver)
    _ballots(ctx, plan_vote, online=owners, paper=6, clerk=clerk, choices=("agree",) * 5 + ("abstain",))
    plan_vote = _close(plan_vote, days_ago=40)
    assert plan_vote.result == Vote.Result.PASSED, plan_vote.result
    project = Project.objects.get(pk=project.pk)
    _budget(ctx, project, staff=street, approver=approver, days_ago=30)
    _collect_batch(
        project,
        street,
        clerk,
        8,
        days=10,
        counterparty="居民自筹（加装电梯第一批，%(n)s户）",
        memo="按楼层系数分摊，逐户收缴，收据已发至各户",
    )
    _pay_compensation(project, street, clerk, lift)
    ctx.report.add("elevator projects")


def _pay_compensation(project, street, clerk, lift) -> None:
    """The first ground-floor household (13807710001's 101) is paid its compensation against its
    signed receipt; the street office records the payout in the ledger as the elevator's expense."""
    owed = [row for row in collection.collection_of(project).households if row.to_receive > 0][0]
    payout = money.payout_record(
        project=project,
        household=owed.household,
        amount=owed.to_receive,
        paid_on=_day(6),
        channel="bank",
        receipt_no=f"{project.code[:12]}-BC-001",
        actor=clerk,
    )
    money.ledger_record(
        project=project,
        actor=street,
        date=_day(5),
        kind=OUT,
        amount=payout.amount,
        counterparty="1栋1单元底层住户补偿（1户）",
        plan_item=PlanItem.objects.get(pk=lift.pk),
        memo="按业主约定发放底层住户补偿，收款人已签收",
        payments=[payout.pk],
    )
