"""On phones: the community's residence desk (confirm, or reject with a reason told next to the field),
an owner's payment receipt, and a proxy's paper ballot entered at the paper desk (issues 18, 19)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from disclosure import services as money
from projects import services
from projects.models import Ballot, Project, Vote
from stakeholders import residences
from tests import factories as f
from tests.disclosure.conftest import adopted_project, publish_budget
from tests.e2e.test_petition import sign_in
from tests.projects.conftest import project_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = "document.documentElement.scrollWidth"


def test_the_residence_desk_on_a_phone(live_server, browser, shot, axe_violations):
    city = f.build_city()
    tenant = f.register("13807719001", name="租客甲").resident
    daughter = f.register("13807719002", name="女儿乙").resident
    for resident, home, relation in ((tenant, city.homes_a1[3], "tenant"), (daughter, city.homes_a1[4], "family")):
        residences.residence_declare(resident=resident, household=home, relation=relation)
    clerk = sign_in(browser, live_server.url, city.comm_a1_staff.username)
    clerk.goto(f"{live_server.url}/accounts/residences/")
    card = clerk.locator("li.card").filter(has_text="女儿乙")
    card.get_by_text("不属实？驳回").click()
    card.get_by_role("button", name="驳回").click()
    clerk.get_by_text("请说明理由：居民会看到。").wait_for()
    assert clerk.evaluate(WIDTH) <= 390 and axe_violations(clerk) == []
    shot(clerk, "residence-desk-reason-phone")
    card = clerk.locator("li.card").filter(has_text="女儿乙")
    card.get_by_label("原因").fill("业主说家中无此人同住")
    card.get_by_role("button", name="驳回").click()
    clerk.get_by_text("已驳回").wait_for()
    clerk.locator("li.card").filter(has_text="租客甲").get_by_test_id("residence-confirm").click()
    clerk.get_by_text("已确认").first.wait_for()
    shot(clerk, "residence-desk-done-phone")
    tenant.refresh_from_db()
    assert set(tenant.residences.values_list("status", flat=True)) == {"confirmed"}
    assert daughter.residences.get().reason == "业主说家中无此人同住"


def test_an_owners_receipt_on_a_phone(live_server, browser, shot, axe_violations):
    city = f.build_city()
    p = adopted_project(city)
    publish_budget(city, p)
    payment = money.payment_record(
        project=p.project,
        household=city.homes_a1[0],
        amount=Decimal("50.00"),
        paid_on=timezone.localdate(),
        channel="wechat",
        receipt_no="SJ-0042",
        actor=city.comm_a1_staff,
    )
    owner = sign_in(browser, live_server.url, city.owner_a1.user.username)
    owner.goto(f"{live_server.url}/disclosure/projects/{p.project.code}/budget/")
    owner.get_by_test_id("my-payments").get_by_role("link").click()
    receipt = owner.get_by_test_id("payment-receipt").inner_text()
    assert "SJ-0042" in receipt and "微信支付" in receipt and "¥50.00" in receipt and "尚未记入" in receipt
    assert owner.evaluate(WIDTH) <= 390 and axe_violations(owner) == []
    shot(owner, "payment-receipt-phone")
    assert payment.ledger_entry is None


def test_a_proxys_paper_ballot_at_the_desk_on_a_phone(live_server, browser, shot, axe_violations):
    city = f.build_city()
    project = project_at(city, Project.Status.PLANNING)
    now = timezone.now()
    vote = services.vote_open(
        vote=services.vote_create(
            project=project,
            purpose=Vote.Purpose.OTHER,
            decides="other",
            title="楼道照明",
            matter=Vote.Matter.ORDINARY,
            opens_at=now,
            closes_at=now + timedelta(days=7),
            actor=city.street_a_manager,
        ),
        actor=city.street_a_manager,
    )
    daughter = f.register("13807719003", name="黄小梅").resident
    services.proxy_record(
        estate=city.estate_a1,
        actor=city.comm_a1_staff,
        owner=city.owner_a1,
        proxy_phone=daughter.phone,
        scan=f.proof_file("委托书.png"),
        vote=vote,
    )
    scan = f.png_bytes((400, 300))
    clerk = sign_in(browser, live_server.url, city.comm_a1_staff.username)
    clerk.goto(f"{live_server.url}/projects/votes/{vote.code}/paper/")
    voter = vote.voters.get(resident=city.owner_a1)
    row = clerk.locator(f"#id_v{voter.pk}_by_proxy").locator("xpath=ancestor::li")
    row.get_by_text("录入纸质选票").click()
    row.get_by_label("同意", exact=True).check()
    row.locator("input[type=file]").set_input_files({"name": "ballot.png", "mimeType": "image/png", "buffer": scan})
    row.get_by_label("由业主的受托人签字").check()
    assert clerk.evaluate(WIDTH) <= 390 and axe_violations(clerk) == []
    shot(clerk, "paper-desk-proxy-phone")
    row.get_by_role("button", name="录入选票").click()
    clerk.get_by_test_id("paper-receipt").wait_for()
    assert Ballot.objects.get(voter=voter).channel == "proxy"
    assert "已委托投票" in clerk.get_by_test_id("voters").inner_text()
