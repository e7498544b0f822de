"""On phones (issue 17): community staff record the council's election with its tally sheet, the
street office files it, the chair prints the certificate, and its QR code's page confirms it to
anyone — names masked in public."""

import re

import pytest

from stakeholders.models import CouncilMember
from tests import factories as f
from tests.e2e.conftest import PHONE
from tests.e2e.test_petition import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_election_filing_certificate_and_its_public_check(live_server, browser, shot, axe_violations, tmp_path):
    city = f.build_city()
    owners = [city.owner_a1, *(f.verified_owner(home) for home in city.homes_a1[2:5])]
    tally = tmp_path / "计票单.png"
    tally.write_bytes(f.png_bytes((600, 800)))
    base = live_server.url

    clerk = sign_in(browser, base, city.comm_a1_staff.username)
    estate_row = clerk.locator("[data-testid=dashboard-community] tr", has_text=city.estate_a1.name)
    estate_row.get_by_role("link", name="议事会").click()
    clerk.get_by_test_id("record-election").click()
    clerk.get_by_label("地点").fill("甲一社区活动室")
    clerk.get_by_label("投票业主人数").fill("4")
    rows = clerk.get_by_test_id("candidate-row")
    for i, (owner, votes, elected) in enumerate([(owners[0], 4, True), (owners[1], 3, True), (owners[2], 1, False)]):
        row = rows.nth(i)
        row.get_by_role("combobox").select_option(value=str(owner.pk))
        row.get_by_role("spinbutton").fill(str(votes))
        if elected:
            row.get_by_role("checkbox").check()
    clerk.get_by_label("召集人（当选代表之一）").select_option(value=str(owners[0].pk))
    clerk.get_by_label("签字的计票单（照片或 PDF）").set_input_files(str(tally))
    assert axe_violations(clerk) == []
    shot(clerk, "council-01-record-election-phone")
    clerk.get_by_role("button", name="登记选举").click()
    clerk.wait_for_url("**/accounts/councils/elections/*/")
    assert "待备案" in clerk.get_by_test_id("election-status").inner_text()
    assert clerk.evaluate("document.documentElement.scrollWidth") <= 390

    street = sign_in(browser, base, city.street_a_staff.username)
    street.goto(clerk.url)
    shot(street, "council-02-street-office-files-phone")
    street.get_by_test_id("file-election").click()
    street.wait_for_url("**/accounts/councils/*/")
    assert "已在街道办备案" in street.get_by_test_id("council-status").inner_text()
    assert axe_violations(street) == []

    chair = sign_in(browser, base, owners[0].user.username)
    chair.get_by_test_id("my-council-seats").get_by_role("link", name="我的代表证书").click()
    certificate = chair.get_by_test_id("certificate")
    assert owners[0].name in certificate.inner_text() and certificate.locator("svg").count() == 1
    assert chair.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(chair) == []
    shot(chair, "council-03-certificate-phone")
    # Printed (or saved as PDF) the page is the certificate's own size: A4, or A5 when chosen.
    a4 = chair.pdf(prefer_css_page_size=True)
    boxes = re.findall(rb"/MediaBox ?\[0 0 ([\d.]+) ([\d.]+)\]", a4)
    assert {(round(float(w)), round(float(h))) for w, h in boxes} == {(595, 842)}, boxes  # A4 in points
    chair.goto(chair.url.split("?")[0] + "?size=a5")
    a5 = chair.pdf(prefer_css_page_size=True)
    boxes = re.findall(rb"/MediaBox ?\[0 0 ([\d.]+) ([\d.]+)\]", a5)
    assert {(round(float(w)), round(float(h))) for w, h in boxes} == {(420, 595)}, boxes  # A5
    check_url = re.search(r"https?://\S+/disclosure/councils/certificates/[A-Z0-9]+/", certificate.inner_text()).group(
        0
    )

    anyone = browser.new_context(**PHONE).new_page()
    anyone.goto(check_url)
    verdict = anyone.get_by_test_id("certificate-check")
    assert verdict.get_attribute("data-valid") == "true"
    assert owners[0].masked_name in verdict.inner_text() and owners[0].name not in anyone.content()
    assert axe_violations(anyone) == []
    shot(anyone, "council-04-public-check-phone")
    anyone.get_by_role("link", name="议事会公开页面").click()
    assert "2 位代表，其中党员" in anyone.get_by_test_id("council-counts").inner_text()
    assert all(o.name not in anyone.content() for o in owners)
    shot(anyone, "council-05-public-council-phone")
    assert CouncilMember.objects.filter(council__estate=city.estate_a1, ended_on__isnull=True).count() == 2

    # The chair calls a meeting; a resident of the estate is told and sees it on the council's page.
    from datetime import timedelta

    from django.utils import timezone

    chair.goto(f"{base}/disclosure/councils/{city.estate_a1.code}/")
    chair.get_by_test_id("call-meeting").click()
    when = timezone.localtime(timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    chair.get_by_label("时间").fill(when)
    chair.get_by_label("地点").fill("甲一社区活动室")
    chair.get_by_label("议程").fill("讨论屋面防水方案")
    assert axe_violations(chair) == []
    chair.get_by_role("button", name="发布会议通知").click()
    chair.wait_for_url(f"**/disclosure/councils/{city.estate_a1.code}/")
    resident = sign_in(browser, base, owners[3].user.username)
    resident.goto(f"{base}/accounts/notifications/")
    assert "讨论屋面防水方案" in resident.locator("main").inner_text()
    resident.goto(f"{base}/disclosure/councils/{city.estate_a1.code}/")
    assert "讨论屋面防水方案" in resident.get_by_test_id("council-meetings").inner_text()
    assert resident.evaluate("document.documentElement.scrollWidth") <= 390
    shot(resident, "council-06-meeting-seen-by-a-resident-phone")


def test_the_party_branch_confirms_a_membership_claim_on_a_phone(live_server, browser, shot, axe_violations):
    from stakeholders.models import Organization

    city = f.build_city()
    branch = f.organization(Organization.Kind.PARTY_BRANCH, "甲一社区党支部", community=city.comm_a1)
    f.staff(branch, "party_a1")
    claimant = f.register("13807712222", name="覃红", is_party_member=True).resident
    f.claim(claimant, city.homes_a1[4])
    page = sign_in(browser, live_server.url, "party_a1")
    assert page.get_by_test_id("party-pending").inner_text() == "1"
    page.locator("[data-testid=dashboard-party-branch]").get_by_role("link", name="党员身份确认").click()
    assert "覃红" in page.get_by_test_id("party-claims").inner_text()
    assert axe_violations(page) == [] and page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "party-01-claims-phone")
    page.get_by_test_id("party-confirm").click()
    page.get_by_text("已确认。").wait_for()
    claimant.refresh_from_db()
    assert claimant.is_party_member and claimant.party_claim == "confirmed"
