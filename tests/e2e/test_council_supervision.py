"""On phones (issue 17, item 5 and the council's public pages): a council representative posts an
inspection note with a photo from the project page, the contractor answers it, and anyone reads
both without names; the rules page, the public councils list, the council desk and the plain 400
and 429 pages as a phone shows them."""

import pytest

from disclosure.models import Inspection
from stakeholders import councils
from tests import factories as f
from tests.disclosure.conftest import adopted_project, award, publish_budget
from tests.e2e.conftest import PHONE
from tests.e2e.test_petition import sign_in
from tests.stakeholders.test_councils import record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_inspection_note_is_posted_answered_and_public(live_server, browser, shot, axe_violations, tmp_path):
    city = f.build_city()
    owners = [city.owner_a1, *(f.verified_owner(home) for home in city.homes_a1[2:5])]
    works = adopted_project(city)
    publish_budget(city, works)
    award(city, works)
    councils.council_election_file(election=record(city, owners), actor=city.street_a_staff)
    photo = tmp_path / "屋面.png"
    photo.write_bytes(f.png_bytes((800, 600)))
    base = live_server.url

    member = sign_in(browser, base, owners[0].user.username)
    assert member.get_by_test_id("supervise-complaints").count() == 1
    member.goto(f"{base}/projects/{works.project.code}/")
    member.get_by_test_id("inspections-link").click()
    member.get_by_label("位置").fill("2栋屋面东北角")
    member.get_by_label("发现的问题").fill("新铺防水卷材东北角翘边约1米，雨后檐口积水。")
    member.get_by_label("照片").set_input_files(str(photo))
    assert axe_violations(member) == [] and _no_sideways_scroll(member)
    shot(member, "inspection-01-council-member-posts-phone")
    member.get_by_role("button", name="发布（公开）").click()
    member.get_by_text("检查记录已发布并公开").wait_for()
    note = Inspection.objects.get()
    assert note.photos.count() == 1 and note.posted_by == owners[0].user

    contractor = sign_in(browser, base, city.contractor.username)
    contractor.goto(f"{base}/accounts/notifications/")
    assert "请在" in contractor.locator("main").inner_text()
    contractor.goto(f"{base}/disclosure/projects/{works.project.code}/inspections/")
    card = contractor.get_by_test_id("inspection").first
    card.get_by_role("button", name="答复（公开）").click()  # empty: told next to the field, nothing lost
    assert "请写下您的答复" in contractor.get_by_test_id("answer-form").inner_text()
    contractor.get_by_label("您的答复（公开）").fill("次日已重新热熔粘贴翘边部位，闭水试验48小时无渗漏。")
    shot(contractor, "inspection-02-contractor-answers-phone")
    contractor.get_by_role("button", name="答复（公开）").click()
    contractor.get_by_text("答复已发布并公开").wait_for()

    anyone = browser.new_context(**PHONE).new_page()
    anyone.goto(f"{base}/disclosure/projects/{works.project.code}/inspections/")
    shown = anyone.get_by_test_id("inspections").inner_text()
    assert "一位议事会代表" in shown and "闭水试验" in shown and "施工公司" in shown
    assert owners[0].name not in anyone.content() and owners[0].masked_name not in anyone.content()
    assert anyone.locator("[data-testid=inspection] img").first.evaluate("i => i.naturalWidth") > 0
    assert axe_violations(anyone) == [] and _no_sideways_scroll(anyone)
    shot(anyone, "inspection-03-public-phone")
    anyone.goto(f"{base}/disclosure/projects/{works.project.code}/")
    assert "共发布 1 条施工检查记录" in anyone.get_by_test_id("public-inspections").inner_text()


def test_rules_councils_desk_and_plain_error_pages_on_a_phone(live_server, browser, shot, axe_violations):
    city = f.build_city()
    owners = [city.owner_a1, *(f.verified_owner(home) for home in city.homes_a1[2:5])]
    councils.council_election_file(election=record(city, owners), actor=city.street_a_staff)
    base = live_server.url

    bureau = sign_in(browser, base, city.bureau.username)
    bureau.goto(f"{base}/disclosure/councils/rules/")
    bureau.get_by_label("议事规则（每行一条）").fill(
        "议题会前三天公布。\n过半数代表出席方可开会。\n决定向全体居民公示七天。"
    )
    bureau.get_by_role("button", name="发布").click()
    bureau.get_by_text("新版议事规则已发布").wait_for()
    anyone = browser.new_context(**PHONE).new_page()
    anyone.goto(f"{base}/disclosure/councils/rules/")
    assert anyone.get_by_test_id("rules").locator("li").count() == 3
    assert axe_violations(anyone) == [] and _no_sideways_scroll(anyone)
    shot(anyone, "council-07-rules-phone")
    anyone.goto(f"{base}/disclosure/councils/")
    assert city.estate_a1.name in anyone.locator("main").inner_text()
    assert axe_violations(anyone) == [] and _no_sideways_scroll(anyone)
    shot(anyone, "council-08-public-list-phone")

    desk = sign_in(browser, base, city.comm_a1_staff.username)
    desk.goto(f"{base}/accounts/councils/{city.estate_a1.code}/")
    assert owners[0].name in desk.locator("main").inner_text()  # staff see the names
    assert axe_violations(desk) == [] and _no_sideways_scroll(desk)
    shot(desk, "council-09-desk-phone")

    anyone.goto(f"{base}/guide/vote-counting/")  # policy and rights in plain words (issue 18, item 6)
    assert "三分之二以上" in anyone.get_by_test_id("guide-text").inner_text()
    assert axe_violations(anyone) == [] and _no_sideways_scroll(anyone)
    shot(anyone, "guide-votes-phone")

    anyone.goto(f"{base}/disclosure/?q=%E5%B1%8B%00")
    assert "无效字符" in anyone.locator("main").inner_text() and _no_sideways_scroll(anyone)
    shot(anyone, "error-400-phone")
    for _ in range(30):
        anyone.request.get(f"{base}/disclosure/votes/none/receipt?receipt=ABCD")
    answer = anyone.goto(f"{base}/disclosure/votes/none/receipt?receipt=ABCD")
    assert answer.status == 429 and answer.headers.get("retry-after")
    assert _no_sideways_scroll(anyone) and axe_violations(anyone) == []
    shot(anyone, "error-429-phone")
