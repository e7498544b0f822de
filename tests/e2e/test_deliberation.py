"""On phones (issue 18): the community committee calls a hearing about the budget, a resident whose
claim still waits is told and signs in on the day, the committee records it, and anyone reads the
record without names."""

from datetime import timedelta

import pytest
from django.utils import timezone

from projects.models import Hearing, Project
from tests import factories as f
from tests.e2e.conftest import PHONE
from tests.e2e.test_petition import sign_in
from tests.projects.conftest import project_at
from tests.projects.test_hearings import soon

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_hearing_called_signed_in_recorded_and_public(live_server, browser, shot, axe_violations, tmp_path):
    city = f.build_city()
    project = project_at(city, Project.Status.PLANNING)
    base = live_server.url
    sheet = tmp_path / "签到表.png"
    sheet.write_bytes(f.png_bytes((600, 800)))

    clerk = sign_in(browser, base, city.comm_a1_staff.username)
    clerk.goto(f"{base}/projects/{project.code}/hearings/")
    clerk.get_by_text("召集听证会或居民会议").click()
    clerk.get_by_label("听证会", exact=True).check()
    clerk.get_by_label("预算", exact=True).check()
    when = soon().strftime("%Y-%m-%dT%H:%M")  # later today, even near midnight
    clerk.get_by_label("时间").fill(when)
    clerk.get_by_label("地点").fill("甲一社区活动室")
    clerk.get_by_label("议程").fill("预算中居民自筹部分的分摊")
    assert axe_violations(clerk) == []
    shot(clerk, "hearing-01-called-phone")
    clerk.get_by_role("button", name="召集并通知居民").click()
    clerk.get_by_text("听证会已召集").wait_for()

    resident = sign_in(browser, base, city.claimant_a1.user.username)
    resident.goto(f"{base}/accounts/notifications/")
    assert "预算中居民自筹部分的分摊" in resident.locator("main").inner_text()
    resident.goto(f"{base}/projects/{project.code}/hearings/")
    resident.get_by_test_id("check-in").click()
    resident.get_by_text("签到成功").wait_for()
    assert resident.evaluate("document.documentElement.scrollWidth") <= 390

    hearing = Hearing.objects.get()
    Hearing.objects.filter(pk=hearing.pk).update(held_at=timezone.now() - timedelta(minutes=1))  # it began
    clerk.reload()
    clerk.get_by_test_id("record-hearing").click()
    assert "1 户已在网上或现场签到" in clerk.get_by_test_id("online-signins").inner_text()
    clerk.get_by_label("纸质签到人数").fill("3")
    clerk.get_by_label("签到表（照片或 PDF，可选）").set_input_files(str(sheet))
    clerk.get_by_label("会议记录").fill("街道办说明了预算构成，5位居民发言。")
    clerk.get_by_label("听取的意见").fill("赞成：先做屋面。反对：自筹比例过高。")
    assert axe_violations(clerk) == []
    shot(clerk, "hearing-02-record-phone")
    clerk.get_by_role("button", name="公开记录").click()
    clerk.get_by_text("听证会记录已公开").wait_for()

    anyone = browser.new_context(**PHONE).new_page()
    anyone.goto(f"{base}/projects/{project.code}/hearings/")
    record = anyone.get_by_test_id("hearing").inner_text()
    assert (
        "小区共 6 户，4 户签到（纸质签到表 3 户，现场登记 0 户，其余网上签到）" in record and "自筹比例过高" in record
    )
    assert city.claimant_a1.name not in anyone.content()
    assert axe_violations(anyone) == [] and anyone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(anyone, "hearing-03-public-phone")


def test_a_daughter_votes_for_her_mother_by_proxy(live_server, browser, shot, axe_violations, tmp_path):
    from projects import services
    from projects.models import Ballot, Vote

    city = f.build_city()
    project = project_at(city, Project.Status.PLANNING)
    now = timezone.now()
    vote = services.vote_open(
        vote=services.vote_create(
            project=project,
            purpose=Vote.Purpose.OTHER,
            title="加装楼道扶手",
            matter=Vote.Matter.ORDINARY,
            opens_at=now,
            closes_at=now + timedelta(days=7),
            actor=city.street_a_manager,
        ),
        actor=city.street_a_manager,
    )
    daughter = f.register("13807713333", name="黄小梅")
    letter = tmp_path / "委托书.png"
    letter.write_bytes(f.png_bytes((600, 800)))
    base = live_server.url

    clerk = sign_in(browser, base, city.comm_a1_staff.username)
    clerk.goto(f"{base}/projects/votes/{vote.code}/paper/")
    clerk.get_by_test_id("proxy-desk-link").click()
    clerk.get_by_label("委托人（业主）").select_option(value=str(city.owner_a1.pk))
    clerk.get_by_label("受托人手机号").fill("13807713333")
    clerk.get_by_label("委托的表决").select_option(value=str(vote.pk))
    clerk.get_by_label("签字的委托书（照片或 PDF）").set_input_files(str(letter))
    assert axe_violations(clerk) == []
    clerk.get_by_role("button", name="登记", exact=True).click()
    clerk.get_by_text("委托已登记").wait_for()
    shot(clerk, "proxy-01-committee-records-phone")

    proxy = sign_in(browser, base, daughter.username)
    proxy.goto(f"{base}/projects/votes/{vote.code}/")
    section = proxy.get_by_test_id("proxy-ballots")
    section.get_by_label("同意", exact=True).check()
    assert axe_violations(proxy) == [] and proxy.evaluate("document.documentElement.scrollWidth") <= 390
    shot(proxy, "proxy-02-daughter-votes-phone")
    section.get_by_role("button", name="代这位业主投票").click()
    proxy.get_by_test_id("proxy-receipt").wait_for()
    ballot = Ballot.objects.get()
    assert ballot.channel == "proxy" and ballot.voter.resident == city.owner_a1

    mother = sign_in(browser, base, city.owner_a1.user.username)
    mother.goto(f"{base}/accounts/notifications/")
    assert "代您投票" in mother.locator("main").inner_text()
    mother.goto(f"{base}/projects/votes/{vote.code}/")
    assert "受托人已于" in mother.get_by_test_id("already-voted").inner_text()
    assert mother.get_by_test_id("proxy-given").count() == 0
    shot(mother, "proxy-03-owner-sees-it-phone")


def test_a_planner_attaches_a_drawing_and_a_claimant_files_an_other_need(
    live_server, browser, shot, axe_violations, tmp_path
):
    from projects import services
    from stakeholders.models import Organization
    from tests.projects.test_needs_plan import add_item

    city = f.build_city()
    project = project_at(city, Project.Status.PLANNING)
    planner_org = f.organization(Organization.Kind.COMMUNITY_PLANNER, "甲街道社区规划师工作室")
    planner = f.staff(planner_org, "planner_a")
    v1 = services.plan_version_start(project=project, actor=city.comm_a1_staff)
    add_item(v1, city.comm_a1_staff)
    services.plan_designer_assign(project=project, actor=city.street_a_staff, organization=planner_org)
    drawing = tmp_path / "总平面图.png"
    drawing.write_bytes(f.png_bytes((800, 600)))
    base = live_server.url

    page = sign_in(browser, base, planner.username)
    page.goto(f"{base}/projects/{project.code}/plan/1/")
    form = page.get_by_test_id("drawing-form")
    form.get_by_label("标题").fill("改造范围总平面图")
    form.get_by_label("说明").fill("红线内为屋面防水范围。")
    form.get_by_label("图纸（PDF、JPEG 或 PNG）").set_input_files(str(drawing))
    form.get_by_role("button", name="附上图纸").click()
    page.get_by_text("图纸已附在本稿方案上").wait_for()
    assert "甲街道社区规划师工作室" in page.get_by_test_id("designer-names").inner_text()
    assert "改造范围总平面图" in page.get_by_test_id("plan-drawings").inner_text()
    assert axe_violations(page) == [] and page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "plan-drawing-by-planner-phone")

    claimant = sign_in(browser, base, city.claimant_a1.user.username)
    claimant.goto(f"{base}/projects/{project.code}/needs/")
    claimant.get_by_text("提出需求").first.click()
    claimant.get_by_label("需要改造的项目").select_option(label="其他 · 其他（请在说明中写明）")
    claimant.get_by_role("button", name="提交需求").click()  # empty: told what to write, nothing lost
    assert "请写明需要什么" in claimant.get_by_test_id("need-form").inner_text()
    claimant.get_by_label("具体情况：什么问题、在哪里、有多严重").fill("希望有地方晒被子和庄稼。")
    claimant.get_by_label("楼栋（可选）").select_option(index=1)
    assert axe_violations(claimant) == [] and claimant.evaluate("document.documentElement.scrollWidth") <= 390
    shot(claimant, "need-other-by-claimant-phone")
    claimant.get_by_role("button", name="提交需求").click()
    claimant.get_by_test_id("need-place").wait_for()


def site_plan_png(path):
    """A drawn site plan: four buildings and an open ground, as a community would photograph it."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (900, 600), (236, 240, 232))
    draw = ImageDraw.Draw(image)
    for x, y in ((60, 60), (330, 60), (60, 330), (330, 330)):
        draw.rectangle((x, y, x + 220, y + 180), fill=(190, 190, 200), outline=(90, 90, 100), width=4)
    draw.rectangle((620, 80, 860, 520), fill=(200, 225, 190), outline=(110, 140, 100), width=4)  # open ground
    image.save(path, "PNG")
    return path


def test_a_tenant_declares_and_places_a_need_on_the_site_plan(live_server, browser, shot, axe_violations, tmp_path):
    from projects.models import Need

    city = f.build_city()
    project = project_at(city, Project.Status.PLANNING)
    tenant = f.register("13807718888", name="租客李")
    base = live_server.url

    # The committee puts up the estate's site plan from its phone.
    clerk = sign_in(browser, base, city.comm_a1_staff.username)
    clerk.goto(f"{base}/projects/{project.code}/needs/")
    clerk.get_by_text("上传小区总平面图").click()
    clerk.get_by_label("小区总平面图").set_input_files(str(site_plan_png(tmp_path / "plan.png")))
    clerk.get_by_role("button", name="上传").click()
    clerk.get_by_text("总平面图已上传").wait_for()

    # A tenant says where they live (no proof needed) and files a need on the open ground.
    phone = sign_in(browser, base, tenant.username)
    phone.goto(f"{base}/accounts/claims/new/")
    phone.locator("#id_estate").select_option(label=city.estate_a1.name)
    phone.locator("#id_building").select_option(index=1)
    phone.locator("#id_unit").select_option(index=1)
    phone.locator("#id_household").select_option(index=4)
    phone.get_by_label("租户", exact=True).check()
    assert axe_violations(phone) == [] and phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "residence-declared-tenant-phone")
    phone.get_by_role("button", name="提交认领").click()
    phone.get_by_text("已登记：您现在可以").wait_for()
    assert "租户" in phone.get_by_test_id("my-residences").inner_text()
    phone.goto(f"{base}/projects/{project.code}/needs/")
    phone.get_by_text("提出需求").first.click()
    phone.get_by_label("需要改造的项目").select_option(label="其他 · 其他（请在说明中写明）")
    phone.get_by_label("具体情况：什么问题、在哪里、有多严重").fill("希望空地上有地方晒被子和庄稼。")
    picker = phone.get_by_test_id("site-plan-picker")
    box = picker.bounding_box()
    picker.click(position={"x": box["width"] * 0.82, "y": box["height"] * 0.5})  # the open ground
    assert abs(float(phone.locator("input[name=plan_x]").input_value()) - 82) < 1
    assert axe_violations(phone) == [] and phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "need-point-on-site-plan-phone")
    phone.get_by_role("button", name="提交需求").click()
    phone.get_by_test_id("needs-map").wait_for()
    need = Need.objects.get()
    assert abs(need.plan_x - 82) < 1 and abs(need.plan_y - 50) < 1 and need.filed_by == tenant.resident
    assert "总平面图上第 1 号点" in phone.get_by_test_id("need-place").inner_text()
    shot(phone, "needs-on-site-plan-phone")
