"""On a phone (issue 19 item 1): the committee enters an item the owners agreed to split their own
way — the decision in words and each household's weight; a name that is no household is told next
to the field with everything typed kept; the plan says the agreement without rooms."""

import pytest

from projects import services
from projects.models import PlanItem, Project
from tests import factories as f
from tests.e2e.test_petition import sign_in
from tests.projects.conftest import project_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AGREEMENT = "本单元业主协商：一楼不出资，二楼减半，其余每户相同"


def test_the_committee_enters_an_agreed_split_on_a_phone(live_server, browser, shot, axe_violations):
    city = f.build_city()
    building = f.BuildingFactory(estate=city.estate_a1, number="2")
    f.households(building, 6, unit="1")  # rooms 101 102 201 202 301 302
    project = project_at(city, Project.Status.PLANNING)
    services.plan_version_start(project=project, actor=city.comm_a1_staff)
    base = live_server.url
    clerk = sign_in(browser, base, city.comm_a1_staff.username)
    clerk.goto(f"{base}/projects/{project.code}/plan/1/")
    clerk.get_by_text("添加改造项目", exact=True).click()
    clerk.get_by_label("改造内容清单项目").select_option(label="完善类 · 加装电梯")
    clerk.locator("#id_description").fill("2栋1单元加装电梯")
    clerk.get_by_label("数量").fill("1")
    clerk.get_by_label("计量单位").fill("部")
    clerk.get_by_label("估算费用（元）").fill("600000")
    clerk.get_by_label("中央补助资金").fill("300000")
    clerk.get_by_label("居民自筹").fill("300000")
    sharing = clerk.get_by_test_id("sharing-fields")
    sharing.get_by_label("单个单元", exact=True).check()
    sharing.get_by_label("楼栋（一栋楼或一个单元分摊时）").select_option(label="2栋")
    sharing.get_by_label("单元", exact=True).select_option(label="1单元")
    sharing.get_by_label("按业主约定（逐户权重）").check()
    sharing.get_by_label("业主约定的内容（按约定分摊时填写）").fill(AGREEMENT)
    typed = "101: 0\n102: 0\n201: 0.5\n220: 0.5\n其余: 1"  # 220 is a typo for 202
    sharing.get_by_label("每户的权重（按约定分摊时填写）").fill(typed)
    clerk.get_by_role("button", name="添加项目").click()
    told = clerk.locator("#id_share_weights_error")
    told.wait_for()
    assert "范围内没有 220 这一户" in told.inner_text()
    assert clerk.locator("#id_share_weights").input_value() == typed  # nothing typed is lost
    assert clerk.locator("#id_share_agreement").input_value() == AGREEMENT
    assert clerk.evaluate("document.documentElement.scrollWidth") <= 390
    shot(clerk, "shares-agreed-00-weight-told-phone")
    clerk.locator("#id_share_weights").fill(typed.replace("220", "202"))
    clerk.get_by_label("估算费用（元）").fill("600000")
    clerk.get_by_label("中央补助资金").fill("300000")
    clerk.get_by_label("居民自筹").fill("300000")
    clerk.get_by_role("button", name="添加项目").click()
    clerk.get_by_text("项目已添加").wait_for()
    described = clerk.get_by_test_id("item-sharing").inner_text()
    assert "按业主约定分摊" in described and "6 户各有权重，从 0.00 到 1.00" in described and AGREEMENT in described
    assert PlanItem.objects.get().share_method == "agreed"
    assert axe_violations(clerk) == []
    shot(clerk, "shares-agreed-01-item-phone")
