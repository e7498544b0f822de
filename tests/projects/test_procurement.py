"""Procurement on the record (issue 21 items 1 and 2): the tender notice and the law's rules on it,
the bids, the committee and the scores, the ranking, the award picking its winner from the record,
a flagged organization awarded only with the bureau's approval, who may do and see what in every
state, the record in public and in the OC4IDS package, and the pages' query budgets."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects import permissions as pp
from projects import services as project_services
from projects.lifecycle import AWARD_STATUSES
from projects.models import Award, Bid, Project, Tender
from projects.services import procurement
from stakeholders.models import Notification, Organization
from tests import factories as f
from tests.disclosure.conftest import adopted_project, publish_budget
from tests.disclosure.oc4ids.validate_oc4ids import validate
from tests.stakeholders.test_permissions import ROLES, actor
from tests.stakeholders.test_services import codes

from .conftest import project_at

S = Project.Status
W = Award.Role.CONTRACTOR
TODAY = timezone.localdate


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def allowed(city, ask) -> set[str]:
    return {role for role in ROLES if ask(actor(city, role))}


@pytest.fixture
def published(city):
    p = adopted_project(city)
    publish_budget(city, p)
    return p


@pytest.fixture
def rivals(city):
    """Two more builders, and a design institute and the expert pool to sit on committees."""
    return (
        f.organization(Organization.Kind.CONTRACTOR, "二号施工"),
        f.organization(Organization.Kind.CONTRACTOR, "三号施工"),
        f.organization(Organization.Kind.DESIGNER, "市设计院"),
        f.organization(Organization.Kind.HOUSING_BUREAU, "综合评标专家库"),
    )


def three_bids(city, project, rivals, points=((30, 50), (38, 45), (35, 40))):
    second, third, designer, pool = rivals
    return f.open_tender(
        project,
        city.street_a_staff,
        W,
        bids=[
            (city.contractor_org, "450000.00", points[0]),
            (second, "430000.00", points[1]),
            (third, "420000.00", points[2]),
        ],
        seats=[(designer, 1), (pool, 4)],
    )


def refused(code, call, **kw):
    with pytest.raises(ValidationError) as error:
        call(**kw)
    assert code in codes(error.value), codes(error.value)
    return error.value


# --- the notice ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_notice_follows_the_law(city, published):
    project, staff = published.project, city.street_a_staff
    base = {
        "project": project,
        "actor": staff,
        "role": W,
        "requirements": "施工总承包三级",
        "published_on": TODAY() - timedelta(days=5),
    }
    crit = [("投标报价", Decimal("40")), ("技术", Decimal("60"))]
    refused("bids_due_required", procurement.tender_open, method="open", criteria=crit, **base)
    refused(  # 20 days from the notice to the bids (art. 24)
        "too_soon", procurement.tender_open, method="open", bids_due=TODAY() + timedelta(days=14), criteria=crit, **base
    )
    due = TODAY() + timedelta(days=15)
    refused("criteria_required", procurement.tender_open, method="invited", bids_due=due, criteria=[], **base)
    refused(
        "criteria_total",
        procurement.tender_open,
        method="open",
        bids_due=due,
        criteria=[("报价", Decimal("40")), ("技术", Decimal("50"))],
        **base,
    )
    refused(
        "published_future",
        procurement.tender_open,
        **{**base, "published_on": TODAY() + timedelta(days=1)},
        method="open",
        bids_due=due + timedelta(days=30),
        criteria=crit,
    )
    # a direct award needs its legal reason; "below the threshold" only below ¥4,000,000 for works
    refused("reason_required", procurement.tender_open, method="direct", direct_details="x", **base)
    refused("details_required", procurement.tender_open, method="direct", direct_reason="emergency", **base)
    refused(
        "above_threshold",
        procurement.tender_open,
        method="direct",
        direct_reason="below_threshold",
        direct_details="估算价低",
        ceiling=Decimal("4000000.00"),
        **base,
    )
    tender = procurement.tender_open(method="open", bids_due=due, criteria=crit, **base)
    assert tender.status == "open" and [c.name for c in tender.criteria.all()] == ["投标报价", "技术"]
    refused("running", procurement.tender_open, method="open", bids_due=due, criteria=crit, **base)  # one at a time
    with pytest.raises(PermissionDenied):  # another street, a resident
        procurement.tender_open(**{**base, "actor": city.street_b_staff}, method="open", bids_due=due, criteria=crit)
    # bids are opened when they are due, not before
    refused(
        "bids_not_due", procurement.bid_record, tender=tender, actor=staff, organization=city.contractor_org, amount=1
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_the_same_notice_sent_twice_at_once_records_one(city, published):
    results, barrier = [], threading.Barrier(2)

    def send():
        barrier.wait()
        try:
            f.procure(published.project, city.street_a_staff, W, city.contractor_org)
            results.append("made")
        except ValidationError as error:
            results.append(sorted(codes(error)))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(map(str, results)) == ["['running']", "made"]
    assert Tender.objects.filter(project=published.project).count() == 1


# --- bids, committee, scores, ranking ---------------------------------------------------------------


@pytest.mark.django_db
def test_bids_committee_and_scores_follow_the_law(city, published, rivals):
    second, third, designer, pool = rivals
    staff = city.street_a_staff
    tender = f.open_tender(published.project, staff, W, bids=[], seats=[(designer, 1), (pool, 3)])
    refused(
        "wrong_kind", procurement.bid_record, tender=tender, actor=staff, organization=city.supervisor_org, amount=1
    )
    engineer = f.organization(Organization.Kind.CONTRACTOR, "专家所在施工企业")
    procurement.committee_seat_set(tender=tender, actor=staff, organization=engineer, members=1)
    refused("on_committee", procurement.bid_record, tender=tender, actor=staff, organization=engineer, amount=1)
    procurement.committee_seat_set(tender=tender, actor=staff, organization=engineer, members=0)  # taken off
    over = procurement.bid_record(tender=tender, actor=staff, organization=third, amount=Decimal("500000.01"))
    assert over.rejected_reason  # over the maximum price: rejected at once (art. 51 (5))
    bid = procurement.bid_record(tender=tender, actor=staff, organization=city.contractor_org, amount=Decimal("450000"))
    refused(
        "already_bid", procurement.bid_record, tender=tender, actor=staff, organization=city.contractor_org, amount=2
    )
    refused(
        "is_bidder",
        procurement.committee_seat_set,
        tender=tender,
        actor=staff,
        organization=city.contractor_org,
        members=1,
    )
    price, plan = list(tender.criteria.all())
    refused("score_range", procurement.bid_score, bid=bid, actor=staff, points={price.pk: Decimal("41"), plan.pk: 1})
    refused("score_missing", procurement.bid_score, bid=bid, actor=staff, points={price.pk: Decimal("40")})
    refused("rejected_bid", procurement.bid_score, bid=over, actor=staff, points={price.pk: 1, plan.pk: 1})
    procurement.bid_score(bid=bid, actor=staff, points={price.pk: Decimal("30.5"), plan.pk: Decimal("50")})
    assert Bid.objects.get(pk=bid.pk).total == Decimal("80.50")
    # an even committee (4), then too few valid bids (one; the other was rejected)
    refused("committee_size", procurement.tender_evaluate, tender=tender, actor=staff, evaluated_on=TODAY())
    procurement.committee_seat_set(tender=tender, actor=staff, organization=designer, members=2)
    refused("too_few_bids", procurement.tender_evaluate, tender=tender, actor=staff, evaluated_on=TODAY())
    procurement.bid_record(tender=tender, actor=staff, organization=second, amount=Decimal("430000"))
    procurement.bid_reject(bid=over, actor=staff, reason="资质等级不符")  # a reason of its own, too
    refused("too_few_bids", procurement.tender_evaluate, tender=tender, actor=staff, evaluated_on=TODAY())
    # the negative list bars a bidder (负面清单)
    barred = f.organization(Organization.Kind.CONTRACTOR, "失信施工")
    from stakeholders import listings

    listings.listing_add(organization=barred, actor=city.bureau, kind="negative", reason="围标串标", listed_on=TODAY())
    refused("negative_listed", procurement.bid_record, tender=tender, actor=staff, organization=barred, amount=3)
    fourth = f.organization(Organization.Kind.CONTRACTOR, "四号施工")
    procurement.bid_record(tender=tender, actor=staff, organization=fourth, amount=Decimal("440000"))
    refused("not_scored", procurement.tender_evaluate, tender=tender, actor=staff, evaluated_on=TODAY())


@pytest.mark.django_db
def test_the_evaluation_ranks_by_score_then_price(city, published, rivals):
    second, third, *_ = rivals
    # contractor 80, second 83, third 75 + a tie: second and a fourth at 83, the fourth cheaper
    tender = three_bids(city, published.project, rivals)
    fourth = f.organization(Organization.Kind.CONTRACTOR, "四号施工")
    bid = procurement.bid_record(
        tender=tender, actor=city.street_a_staff, organization=fourth, amount=Decimal("400000")
    )
    price, plan = list(tender.criteria.all())
    procurement.bid_score(bid=bid, actor=city.street_a_staff, points={price.pk: Decimal("40"), plan.pk: Decimal("43")})
    refused(
        "evaluated_date",
        procurement.tender_evaluate,
        tender=tender,
        actor=city.street_a_staff,
        evaluated_on=TODAY() + timedelta(days=1),
    )
    procurement.tender_evaluate(tender=tender, actor=city.street_a_staff, evaluated_on=TODAY())
    ranked = list(Bid.objects.filter(tender=tender).order_by("rank").values_list("organization__name", "rank"))
    assert ranked == [("四号施工", 1), ("二号施工", 2), (city.contractor_org.name, 3), ("三号施工", 4)]
    refused(  # the evaluation is closed: no more bids
        "not_open",
        procurement.bid_record,
        tender=tender,
        actor=city.street_a_staff,
        organization=f.organization(Organization.Kind.CONTRACTOR, "五号"),
        amount=1,
    )


# --- the award picks from the record ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_award_picks_its_winner_from_the_record(city, published, rivals):
    project, approver = published.project, city.street_a_manager
    refused(
        "no_tender", project_services.project_award, project=project, actor=approver, contractor=city.contractor_org
    )
    tender = three_bids(city, project, rivals)  # second (83) first, contractor (80) second, third (75)
    procurement.tender_evaluate(tender=tender, actor=city.street_a_staff, evaluated_on=TODAY())
    outsider = f.organization(Organization.Kind.CONTRACTOR, "没投标的")
    refused("not_a_bidder", project_services.project_award, project=project, actor=approver, contractor=outsider)
    refused(
        "winner_reason_required",
        project_services.project_award,
        project=project,
        actor=approver,
        contractor=city.contractor_org,
    )
    second = rivals[0]
    refused(  # the contract may not be more than the winning bid (art. 46)
        "above_bid",
        project_services.project_award,
        project=project,
        actor=approver,
        contractor=second,
        contract_amount=Decimal("430000.01"),
    )
    [award] = project_services.project_award(project=project, actor=approver, contractor=second)
    assert award.contract_amount == Decimal("430000.00") and award.bid.organization == second
    tender.refresh_from_db()
    assert tender.status == "awarded" and tender.closed_at is not None
    assert project.tenders.count() == 1


@pytest.mark.django_db
def test_the_second_ranked_with_a_public_reason(city, published, rivals, client):
    project = published.project
    tender = three_bids(city, project, rivals)
    procurement.tender_evaluate(tender=tender, actor=city.street_a_staff, evaluated_on=TODAY())
    [award] = project_services.project_award(
        project=project,
        actor=city.street_a_manager,
        contractor=city.contractor_org,
        winner_reason="第一中标候选人放弃中标",
    )
    assert award.winner_reason == "第一中标候选人放弃中标"
    page = client.get(reverse("projects:tender", args=[project.code, tender.pk])).content.decode()
    assert "第一中标候选人放弃中标" in page and 'data-testid="bid-awarded"' in page


@pytest.mark.django_db
def test_a_failed_tender_is_public_and_another_may_follow(city, published, rivals, client):
    project, staff = published.project, city.street_a_staff
    tender = f.open_tender(project, staff, W, bids=[(city.contractor_org, "100000", None)], seats=[])
    refused("fail_reason_required", procurement.tender_fail, tender=tender, actor=staff, reason=" ")
    procurement.tender_fail(tender=tender, actor=staff, reason="投标人不足三家")
    page = client.get(reverse("projects:tender", args=[project.code, tender.pk])).content.decode()
    assert "投标人不足三家" in page and city.contractor_org.name in page  # decided: the record is public
    again = f.procure(project, staff, W, city.contractor_org)
    assert again.status == "evaluated"


# --- the evaluation bites: a flagged organization needs the bureau --------------------------------


@pytest.mark.django_db
def test_a_flagged_contractor_cannot_be_awarded_without_the_bureau(city, published):
    project = published.project
    Organization.objects.filter(pk=city.contractor_org.pk).update(rating_details={"low_projects": 2})
    tender = f.procure(project, city.street_a_staff, W, city.contractor_org)
    bid = tender.bids.get()
    refused(
        "flagged",
        project_services.project_award,
        project=project,
        actor=city.street_a_manager,
        contractor=city.contractor_org,
    )
    with pytest.raises(PermissionDenied):  # the clerk does not ask; the approver does
        procurement.flagged_award_ask(bid=bid, actor=city.street_a_staff, reason="x")
    refused("ask_reason_required", procurement.flagged_award_ask, bid=bid, actor=city.street_a_manager, reason="")
    request = procurement.flagged_award_ask(bid=bid, actor=city.street_a_manager, reason="唯一具备电梯加装资质")
    home = client_for(city.bureau).get("/").content.decode()  # on the bureau's dashboard until decided
    assert (
        'data-testid="dashboard-flagged"' in home and reverse("projects:tender", args=[project.code, tender.pk]) in home
    )
    refused("already_asked", procurement.flagged_award_ask, bid=bid, actor=city.street_a_manager, reason="再问")
    assert Notification.objects.filter(user=city.bureau, kind="flagged_award_asked").count() == 1
    refused(
        "flagged",
        project_services.project_award,
        project=project,
        actor=city.street_a_manager,
        contractor=city.contractor_org,
    )
    with pytest.raises(PermissionDenied):  # the street office cannot approve its own request
        procurement.flagged_award_decide(request=request, actor=city.street_a_manager, approve=True)
    refused(
        "refusal_note_required", procurement.flagged_award_decide, request=request, actor=city.bureau, approve=False
    )
    procurement.flagged_award_decide(request=request, actor=city.bureau, approve=False, note="理由不足")
    assert Notification.objects.filter(user=city.street_a_manager, kind="flagged_award_done").exists()
    refused(
        "flagged",
        project_services.project_award,
        project=project,
        actor=city.street_a_manager,
        contractor=city.contractor_org,
    )
    again = procurement.flagged_award_ask(bid=bid, actor=city.street_a_manager, reason="已整改，并经业主代表同意")
    procurement.flagged_award_decide(request=again, actor=city.bureau, approve=True)
    [award] = project_services.project_award(
        project=project, actor=city.street_a_manager, contractor=city.contractor_org
    )
    assert award.bid == bid
    # the reason and the bureau's decisions are public beside the award
    page = Client().get(reverse("projects:tender", args=[project.code, tender.pk])).content.decode()
    assert "已整改，并经业主代表同意" in page and "理由不足" in page and 'data-testid="flag-approved"' in page
    unflagged = f.procure(project, city.street_a_staff, Award.Role.SUPERVISOR, city.supervisor_org)
    refused(
        "not_flagged",
        procurement.flagged_award_ask,
        bid=unflagged.bids.get(),
        actor=city.street_a_manager,
        reason="x",
    )


# --- roles × states -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.PLAN_ADOPTED, S.BUDGET_APPROVED, S.CONTRACTED, S.UNDER_CONSTRUCTION, S.COMPLETED])
def test_who_keeps_the_record_in_every_state(city, status):
    project = project_at(city, status)
    expected = {"street_a_staff", "street_a_manager", "admin"} if status in AWARD_STATUSES else set()
    assert allowed(city, lambda u: pp.can_keep_tender_record(u, project)) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["open", "evaluated", "awarded", "failed"])
def test_who_sees_asks_and_decides_in_every_tender_state(city, published, state):
    tender = f.procure(published.project, city.street_a_staff, W, city.contractor_org)
    if state == "open":
        Tender.objects.filter(pk=tender.pk).update(status="open")
    elif state != "evaluated":
        Tender.objects.filter(pk=tender.pk).update(status=state)
    tender = Tender.objects.select_related("project__estate__community").get(pk=tender.pk)
    decided = state in ("awarded", "failed")
    see = set(ROLES) if decided else {"street_a_staff", "street_a_manager", "bureau", "admin"}
    assert allowed(city, lambda u: pp.can_see_tender_record(u, tender)) == see
    evaluated = state == "evaluated"
    assert allowed(city, lambda u: pp.can_ask_flagged_award(u, tender)) == (
        {"street_a_manager", "admin"} if evaluated else set()
    )
    assert allowed(city, lambda u: pp.can_decide_flagged_award(u, tender)) == (
        {"bureau", "admin"} if evaluated else set()
    )


@pytest.mark.django_db
def test_http_answers_out_of_scope_404_wrong_role_403(city, published, rivals):
    project = published.project
    tender = three_bids(city, project, rivals)
    url = reverse("projects:tender", args=[project.code, tender.pk])
    # the notice is public; the bids are not, until the tender is decided
    anonymous = Client().get(url)
    assert anonymous.status_code == 200 and 'data-testid="record-held"' in anonymous.content.decode()
    assert "450,000.00" not in anonymous.content.decode()
    bidder = client_for(city.contractor).get(url).content.decode()
    assert 'data-testid="record-held"' in bidder
    staff = client_for(city.street_a_staff).get(url).content.decode()
    assert "450,000.00" in staff and 'data-testid="bid-form"' in staff
    assert 'data-testid="bid-form"' not in client_for(city.bureau).get(url).content.decode()  # reads, no forms
    # wrong role: a resident or another street posting a bid is refused
    body = {"action": "bid", "bid-organization": rivals[0].pk, "bid-amount": "1"}
    assert client_for(city.owner_a1.user).post(url, body).status_code == 403
    assert client_for(city.street_b_staff).post(url, body).status_code == 403
    assert client_for(city.street_a_staff).post(reverse("projects:tenders", args=[project.code]), {}).status_code == 400
    assert client_for(city.street_b_staff).post(reverse("projects:tenders", args=[project.code]), {}).status_code == 403
    # out of scope: a project that is not public, a tender of another project
    hidden = project_at(city, S.PETITIONING)
    assert Client().get(reverse("projects:tenders", args=[hidden.code])).status_code == 404
    assert Client().get(reverse("projects:tender", args=[hidden.code, tender.pk])).status_code == 404


@pytest.mark.django_db
def test_the_notice_form_says_what_is_wrong_next_to_the_field_and_keeps_what_was_typed(city, published):
    url = reverse("projects:tenders", args=[published.project.code])
    staff = client_for(city.street_a_staff)
    body = {
        "role": "contractor",
        "method": "open",
        "requirements": "市政公用工程施工总承包三级及以上",
        "published_on": TODAY().isoformat(),
        "bids_due": (TODAY() + timedelta(days=10)).isoformat(),
        "criteria": "投标报价 40\n施工组织设计 50",
    }
    page = staff.post(url, body)
    text = page.content.decode()
    assert page.status_code == 400
    assert "市政公用工程施工总承包三级及以上" in text and "施工组织设计 50" in text
    assert 'id="id_bids_due_error"' in text and "不得少于 20 日" in text  # next to the field, in plain Chinese
    body["bids_due"] = (TODAY() + timedelta(days=20)).isoformat()
    text = staff.post(url, body).content.decode()
    assert 'id="id_criteria_error"' in text and "合计为 90 分，不是 100 分" in text
    body["criteria"] = "投标报价 40\n施工组织设计 60"
    made = staff.post(url, body)
    tender = Tender.objects.get(project=published.project)
    assert made.status_code == 302 and made.url == reverse("projects:tender", args=[published.project.code, tender.pk])
    bad = staff.post(url, {**body, "ceiling": "1e400", "criteria": "投标报价\x00 40"})
    assert bad.status_code == 400  # hostile input: a clear answer, not a 500


# --- in public and in open data ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_record_in_the_oc4ids_package(city, published, rivals, client):
    project = published.project
    tender = three_bids(city, project, rivals)
    procurement.tender_evaluate(tender=tender, actor=city.street_a_staff, evaluated_on=TODAY())
    f.procure(project, city.street_a_staff, Award.Role.SUPERVISOR, city.supervisor_org, Decimal("8000.00"))
    project_services.project_award(
        project=project, actor=city.street_a_manager, contractor=rivals[0], supervisor=city.supervisor_org
    )
    data = client.get(reverse("disclosure:oc4ids")).json()
    assert validate(data) == []
    [doc] = [p for p in data["projects"] if p["id"] == project.code]
    works, supervision = (c["summary"] for c in doc["contractingProcesses"])
    assert works["tender"]["procurementMethod"] == "open" and works["tender"]["numberOfTenderers"] == 3
    assert {t["name"] for t in works["tender"]["tenderers"]} == {city.contractor_org.name, "二号施工", "三号施工"}
    assert works["tender"]["costEstimate"] == {"amount": 500000.0, "currency": "CNY"}
    assert works["tender"]["procuringEntity"]["name"] == city.street_a_org.name
    assert works["contractValue"] == {"amount": 430000.0, "currency": "CNY"}
    assert supervision["tender"]["procurementMethod"] == "direct"
    roles = {p["name"]: set(p["roles"]) for p in doc["parties"]}
    assert roles["三号施工"] == {"tenderer"} and roles["二号施工"] == {"supplier", "payee", "tenderer"}
    # and on the project's public page
    page = client.get(reverse("disclosure:project", args=[project.code])).content.decode()
    assert 'data-testid="public-tenders"' in page and reverse("projects:tender", args=[project.code, tender.pk]) in page


# --- query budgets ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_record_pages_are_flat(city, published, rivals, django_assert_max_num_queries):
    project = published.project
    tender = three_bids(city, project, rivals)
    url = reverse("projects:tender", args=[project.code, tender.pk])
    staff = client_for(city.street_a_staff)
    staff.get(url)
    with django_assert_max_num_queries(30):
        assert staff.get(url).status_code == 200
    for n in range(4):
        bid = procurement.bid_record(
            tender=tender,
            actor=city.street_a_staff,
            organization=f.organization(Organization.Kind.CONTRACTOR, f"更多施工{n}"),
            amount=Decimal("300000"),
        )
        price, plan = list(tender.criteria.all())
        procurement.bid_score(bid=bid, actor=city.street_a_staff, points={price.pk: 20, plan.pk: 20})
    with django_assert_max_num_queries(30):
        assert staff.get(url).status_code == 200
    with django_assert_max_num_queries(12):
        assert Client().get(url).status_code == 200
    with django_assert_max_num_queries(20):
        assert staff.get(reverse("projects:tenders", args=[project.code])).status_code == 200
    procurement.tender_evaluate(tender=tender, actor=city.street_a_staff, evaluated_on=TODAY())
    with django_assert_max_num_queries(45):
        assert client_for(city.street_a_manager).get(reverse("projects:award", args=[project.code])).status_code == 200
