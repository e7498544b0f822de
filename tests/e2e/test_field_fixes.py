"""The field test's phone journeys, in Chromium at 390 px (issue 14): public lists read as cards, the
ledger shows what each payment was for, the claim form's 单元 list, a refresh after voting, the
header's bell and count, staff not offered a resident's action, and 关怀模式 (care mode) for older
residents — a resident votes and files a complaint in it, axe stays clean. Screenshots land in
tests/e2e/artifacts/ (looked at by a person, not only asserted)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from projects import services as project_services
from projects.models import Project
from projects.revision import project_touch
from tests import factories as f
from tests.disclosure.conftest import adopted_project, award, expense, income, publish_budget
from tests.e2e.conftest import PHONE
from tests.e2e.test_renovation_flow import People

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def works_city():
    """Estate a1 under construction with a ledger; an open vote in estate a2 for owner_a2."""
    city = f.build_city()
    p = adopted_project(city)
    publish_budget(city, p)
    award(city, p)
    for k in range(3):
        income(city, p, amount=f"{1_234_567 + k}.50")
    expense(city, p, amount="98765.40", memo="外墙脚手架租赁（第一期）")
    Project.objects.filter(pk=p.project.pk).update(status=Project.Status.UNDER_CONSTRUCTION)
    project_touch(project=p.project)
    return city, p.project


def open_vote_in(city, estate):
    project = project_services.project_create(estate=estate, title=f"{estate.name}加装电梯", actor=None)
    now = timezone.now()
    vote = project_services.vote_create(
        project=project,
        purpose="other",
        title="是否加装电梯",
        matter="special",
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=3),
        actor=city.street_a_manager,
    )
    return project_services.vote_open(vote=vote, actor=city.street_a_manager)


def boxes(page, selector):
    return page.eval_on_selector_all(
        selector, "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; })"
    )


def test_public_lists_and_the_ledger_read_on_a_phone(live_server, browser, shot, axe_violations):
    city, project = works_city()
    page = browser.new_context(**PHONE).new_page()
    page.goto(live_server.url + "/disclosure/")
    # Item 5: each project is a card; its name reads across, not one character per line.
    names = boxes(page, "[data-testid=public-projects] tbody th a")
    assert names and all(w > 60 and h < 40 for w, h in names), names
    totals = page.locator("[data-testid=city-totals] .stat").all_inner_texts()
    assert any("," in t and t.endswith(".00") for t in totals)
    for stat in page.locator("[data-testid=city-totals] .stat").all():
        assert stat.bounding_box()["height"] < 40  # a number never breaks across lines
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "field-05-disclosure-index-phone")
    assert axe_violations(page) == []
    # Item 11: the ledger on a phone shows category, memo and the running balance.
    page.goto(f"{live_server.url}/disclosure/projects/{project.code}/ledger/")
    entry = page.locator("[data-testid=ledger] tbody tr").first
    assert "外墙脚手架租赁（第一期）" in entry.inner_text() and "屋面防水修缮" in entry.inner_text()
    for label in ("类别", "摘要", "余额（元）"):
        cell = entry.locator(f"td[data-label='{label}']")
        assert cell.is_visible() and cell.inner_text().strip(), label
        # the label is drawn beside the value (CSS ::before from data-label)
        assert label in cell.evaluate("el => getComputedStyle(el, '::before').content"), label
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "field-11-ledger-phone")
    assert axe_violations(page) == []


def test_claim_form_offers_each_entrance_once(live_server, browser, shot):
    city = f.build_city()
    f.households(city.homes_a1[0].building, 4, unit="2")
    people = People(browser, live_server.url)
    page = people.page(city.plain_resident.user.username)
    page.goto(live_server.url + "/accounts/claims/new/")
    page.get_by_label("小区").select_option(label=str(city.estate_a1))
    page.get_by_label("楼栋").select_option(index=1)
    page.get_by_label("单元").wait_for()
    options = page.locator("#id_unit option").all_inner_texts()
    assert [o for o in options if "单元" in o] == ["1单元", "2单元"], options
    shot(page, "field-06-claim-entrances-phone")


def test_a_refresh_after_voting_neither_resubmits_nor_loses_the_receipt_and_the_bell_shows(
    live_server, browser, shot, axe_violations
):
    city = f.build_city()
    vote = open_vote_in(city, city.estate_a1)
    people = People(browser, live_server.url)
    page = people.page(city.owner_a1.user.username)
    # Item 21: the bell and its count are in the header at 390 px, without opening the menu.
    page.goto(live_server.url + "/")
    assert page.get_by_test_id("bell").is_visible() and page.get_by_test_id("unread-count").is_visible()
    assert "🔔" not in page.locator("header").inner_text()
    assert page.locator("#nav-main").is_hidden()
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.goto(f"{live_server.url}/projects/votes/{vote.code}/")
    page.get_by_label("同意", exact=True).check()
    page.get_by_role("button", name="提交投票").click()
    receipt = page.get_by_test_id("receipt")
    receipt.wait_for()
    code = receipt.locator(".font-monospace").inner_text()
    shot(page, "field-09-receipt-phone")
    assert len(posts) == 1
    page.reload()  # Item 9: a refresh is a GET: no second ballot, no "already voted" error
    assert len(posts) == 1
    assert page.get_by_test_id("already-voted").is_visible() and "已经在本次表决中投过票" not in page.content()
    assert vote.ballots.count() == 1 and code not in page.content()


def test_staff_are_not_offered_a_residents_report_link(live_server, browser):
    city, project = works_city()
    people = People(browser, live_server.url)
    for user in (city.street_a_staff, city.contractor, city.bureau):
        page = people.page(user.username)
        page.goto(f"{live_server.url}/disclosure/projects/{project.code}/")
        section = page.get_by_test_id("public-complaints").inner_text()
        assert "反映问题" not in section, user.username
    resident = people.page(city.owner_a1.user.username)
    resident.goto(f"{live_server.url}/disclosure/projects/{project.code}/")
    resident.get_by_test_id("report-problem").click()
    resident.wait_for_url(f"**/feedback/projects/{project.code}/complaints/new/")


def test_care_mode_a_resident_votes_and_files_a_complaint(live_server, browser, shot, axe_violations):
    city, project = works_city()
    owner = f.verified_owner(city.homes_a2[0])  # verified before the vote opens: in its electorate
    open_vote_in(city, city.estate_a2)
    people = People(browser, live_server.url)
    page = people.page(city.owner_a1.user.username)
    page.get_by_test_id("care-switch").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("care-switch").get_attribute("aria-pressed") == "true"
    assert float(page.evaluate("getComputedStyle(document.body).fontSize").rstrip("px")) >= 20
    tiles = page.get_by_test_id("care-home").locator("a.care-tile")
    assert tiles.count() == 4
    for tile in tiles.all():
        assert tile.bounding_box()["height"] >= 48
    shot(page, "field-care-home-phone")
    assert axe_violations(page) == []
    # It is kept on the account: another device signing in gets it too.
    other = People(browser, live_server.url).page(city.owner_a1.user.username)
    assert other.get_by_test_id("care-home").is_visible()
    # Tap targets on a form are ≥ 48 px.
    page.get_by_test_id("care-complaint").click()
    page.wait_for_url("**/feedback/projects/*/complaints/new/")
    page.get_by_label("工程质量", exact=False).first.check()
    for control in page.locator("main .btn, main .form-control, main .form-select").all():
        if control.is_visible():
            assert control.bounding_box()["height"] >= 47.5
    page.get_by_label("问题描述").fill("3栋楼道扶手松动，老人上下楼不安全。")
    shot(page, "field-care-complaint-phone")
    assert axe_violations(page) == []
    page.get_by_role("button", name="提交投诉").click()
    page.get_by_text("已转交").wait_for()
    # …and votes, in care mode, from the home page's tile.
    voter = people.page(owner.user.username)
    voter.goto(live_server.url + "/")
    if voter.get_by_test_id("care-switch").get_attribute("aria-pressed") == "false":
        voter.get_by_test_id("care-switch").click()
        voter.wait_for_load_state()
    voter.get_by_test_id("care-vote").click()
    voter.get_by_label("同意", exact=True).check()
    voter.get_by_role("button", name="提交投票").click()
    voter.get_by_test_id("receipt").wait_for()
    shot(voter, "field-care-vote-receipt-phone")
    assert axe_violations(voter) == []
    # 200 % zoom: the page still fits (no horizontal scroll at half the width).
    small = browser.new_context(viewport={"width": 195, "height": 422}, device_scale_factor=2).new_page()
    small.goto(f"{live_server.url}/disclosure/projects/{project.code}/")
    assert small.evaluate("document.documentElement.scrollWidth") <= 200
