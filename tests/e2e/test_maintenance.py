"""On a phone (issue 20 items 4 and 5): after acceptance the estate's manager records a repair with
a photo; anyone reads it, and finds the manager on the public list of managers."""

from pathlib import Path

import pytest

from projects.models import PlanManagement, Project
from stakeholders import services as people_services
from stakeholders.models import Organization
from tests import factories as f
from tests.disclosure.conftest import accept, adopted_project, award, publish_budget
from tests.e2e.test_petition import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WORK = "年底巡查屋面，清理落水口落叶，防水层完好"


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_manager_records_maintenance_and_the_public_finds_it(live_server, browser, shot, tmp_path: Path):
    from io import BytesIO

    from PIL import Image

    city = f.build_city()
    chair = f.verified_owner(city.homes_a1[2])
    council = people_services.council_register(estate=city.estate_a1, actor=city.street_a_staff)
    people_services.council_member_add(council=council, resident=chair, actor=city.street_a_staff)
    p = adopted_project(city)
    firm = f.organization(Organization.Kind.PROPERTY_MANAGER, "邕江物业服务有限公司")
    manager = f.staff(firm, "property_a")
    f.management(p.version, operator=PlanManagement.Operator.PROPERTY, organization=firm)
    publish_budget(city, p)
    award(city, p)
    accept(city, p, chair)
    assert Project.objects.get(pk=p.project.pk).status == Project.Status.COMPLETED
    base, code = live_server.url, p.project.code
    picture = tmp_path / "roof.jpg"
    buffer = BytesIO()
    Image.new("RGB", (800, 600), (90, 120, 160)).save(buffer, "JPEG")
    picture.write_bytes(buffer.getvalue())

    keeper = sign_in(browser, base, manager.username)
    keeper.goto(f"{base}/disclosure/projects/{code}/maintenance/")
    form = keeper.get_by_test_id("maintenance-form")
    form.get_by_label("改造项目").select_option(label="屋面防水修缮 · 屋面防水")
    form.get_by_role("button", name="发布（公开）").click()  # nothing said: told next to the field
    keeper.locator("#id_work_error").wait_for()
    form = keeper.get_by_test_id("maintenance-form")
    form.locator("#id_work").fill(WORK)
    form.locator("#id_photos").set_input_files(str(picture))
    form.get_by_role("button", name="发布（公开）").click()
    keeper.get_by_text("维修养护记录已发布").wait_for()
    record = keeper.get_by_test_id("maintenance-record")
    assert WORK in record.inner_text() and "邕江物业服务有限公司" in record.inner_text()
    assert record.locator("img").count() == 1
    _fits(keeper)
    shot(keeper, "maintenance-00-recorded-phone")

    anyone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    anyone.goto(f"{base}/disclosure/")
    anyone.get_by_test_id("managers-link").click()
    card = anyone.get_by_test_id("manager")
    assert "邕江物业服务有限公司" in card.inner_text() and "尚无评分" in card.inner_text()
    _fits(anyone)
    shot(anyone, "maintenance-01-managers-phone")
    card.get_by_role("link").first.click()
    anyone.get_by_test_id("public-maintenance").get_by_role("link").first.click()
    assert WORK in anyone.get_by_test_id("maintenance-records").inner_text()
    assert manager.username not in anyone.content()
