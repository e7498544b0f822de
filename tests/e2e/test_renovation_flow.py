"""The whole decision path in Chromium, on phones: three owners (one a Party member) petition,
the owners' willingness vote passes, the street office accepts, owners file and support needs,
the plan goes through a comment round and a final special-matter vote, and the public result page
shows the outcome — with no resident's name on the public page."""

from datetime import timedelta

import pytest

from projects import services
from projects.models import Project, Vote
from tests import factories as f
from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class People:
    def __init__(self, browser, base):
        self.browser, self.base, self.pages = browser, base, {}

    def page(self, username):
        """One signed-in phone per person, kept for the whole story."""
        if username not in self.pages:
            page = self.browser.new_context(**PHONE).new_page()
            page.goto(self.base + "/accounts/login/")
            page.locator("#id_username").fill(username)
            page.locator("#id_password").fill(f.PASSWORD)
            page.locator("main form button[type=submit]").click()
            page.wait_for_url(self.base + "/")
            self.pages[username] = page
        return self.pages[username]


def vote_agree(page, base, code):
    page.goto(f"{base}/projects/votes/{code}/")
    page.get_by_label("同意", exact=True).check()
    page.get_by_role("button", name="提交投票").click()
    page.get_by_test_id("receipt").wait_for()


def deadline_passes(vote_code):
    """The clock reaches the vote's deadline and the beat job runs (projects.tasks.close_due_votes)."""
    vote = Vote.objects.get(code=vote_code)
    services.votes_close_due(now=vote.closes_at + timedelta(seconds=1))
    return Vote.objects.get(code=vote_code)


def test_petition_to_adopted_plan(live_server, browser, shot, axe_violations):
    city = f.build_city()  # estate a1: 6 households of 75.50 m²; owner_a1 (home 0) is a Party member
    neighbours = [f.verified_owner(home) for home in city.homes_a1[2:5]]
    owners = [city.owner_a1, *neighbours]  # 4 of the 6 owners use the portal
    base = live_server.url
    people = People(browser, base)

    # 1. Petition: the Party member starts it, two neighbours from other households sign.
    starter = people.page(city.owner_a1.user.username)
    starter.get_by_role("link", name=f"为{city.estate_a1.name}发起改造申请").click()
    starter.get_by_label("小区为什么需要改造？").fill("屋面漏水，楼道无照明，雨污管网老化。")
    starter.get_by_role("button", name="发起申请").click()
    for neighbour in neighbours[:2]:
        starter.get_by_label("邻居的手机号").fill(neighbour.phone)
        starter.get_by_role("button", name="邀请联名").click()
        starter.wait_for_selector("text=邀请已发送")
    for neighbour in neighbours[:2]:
        page = people.page(neighbour.user.username)
        assert (
            page.get_by_test_id("unread-count").inner_text() == "2"
        )  # the bell: their claim decision and the invitation
        page.get_by_test_id("invitations").get_by_role("link").click()
        page.get_by_role("button", name="确认联名").click()
        page.wait_for_selector("text=您已联名支持该申请")

    # 2. The complete petition opens the owners' willingness vote; four of six owners agree.
    starter.reload()
    starter.get_by_test_id("petition-submit").click()
    starter.wait_for_selector("text=改造意愿表决已开始")
    willingness = Vote.objects.get(purpose="willingness")
    assert axe_violations(starter) == []
    for owner in owners:
        vote_agree(people.page(owner.user.username), base, willingness.code)
    shot(people.page(owners[-1].user.username), "20-willingness-receipt-phone")
    assert deadline_passes(willingness.code).result == "passed"
    project = Project.objects.get()
    assert project.status == "submitted"

    # 3. The street office accepts and starts needs collection.
    manager = people.page(city.street_a_manager.username)
    manager.goto(base + project.get_absolute_url())
    manager.get_by_role("button", name="变更为“已纳入改造计划”").click()
    manager.wait_for_selector("text=状态已变更")
    manager.get_by_role("button", name="变更为“方案编制中（需求征集、三上三下）”").click()
    manager.wait_for_selector("text=状态已变更")

    # 4. Needs: one owner files, another supports; the community committee includes it.
    filer = people.page(neighbours[0].user.username)
    filer.goto(f"{base}/projects/{project.code}/needs/")
    filer.get_by_text("提出需求", exact=True).click()
    filer.get_by_label("需要改造的项目").select_option(label="基础类 · 屋面防水修缮")
    filer.get_by_label("具体情况：什么问题、在哪里、有多严重").fill("1栋顶楼每逢下雨就漏水。")
    filer.get_by_role("button", name="提交需求").click()
    filer.wait_for_selector("text=您的需求已提交")
    assert axe_violations(filer) == []
    supporter = people.page(neighbours[1].user.username)
    supporter.goto(f"{base}/projects/{project.code}/needs/")
    supporter.get_by_role("button", name="我也需要（附议）").click()
    supporter.wait_for_selector("text=您已附议此需求")
    assert supporter.get_by_test_id("support-count").inner_text() == "2 人附议"
    committee = people.page(city.comm_a1_staff.username)
    committee.goto(f"{base}/projects/{project.code}/needs/")
    committee.get_by_label("纳入改造方案").check()
    committee.get_by_role("button", name="保存处理意见").click()
    committee.wait_for_selector("text=处理意见已保存")

    # 5. Plan version 1: drafted by the committee, published by the street office, commented on.
    committee.goto(base + project.get_absolute_url())
    committee.get_by_role("button", name="开始起草改造方案").click()
    committee.get_by_text("添加改造项目", exact=True).click()
    committee.get_by_label("改造内容清单项目").select_option(label="基础类 · 屋面防水修缮")
    committee.locator("#id_description").fill("1栋屋面防水层翻新")
    committee.get_by_label("数量").fill("480")
    committee.get_by_label("计量单位").fill("m²")
    committee.get_by_label("估算费用（元）").fill("96000")
    committee.get_by_label("中央补助资金").fill("48000")
    committee.get_by_label("居民自筹").fill("40000")  # does not add up: told next to the field
    committee.get_by_role("button", name="添加项目").click()
    committee.wait_for_selector("text=各资金来源合计 88,000.00 元")
    assert committee.locator("#id_description").input_value() == "1栋屋面防水层翻新"  # kept
    committee.get_by_label("居民自筹").fill("48000")
    committee.get_by_role("button", name="添加项目").click()
    committee.wait_for_selector("text=项目已添加")
    assert committee.get_by_test_id("plan-total").inner_text() == "96,000.00"
    shot(committee, "21-plan-draft-phone")
    plan_url = committee.url
    manager.goto(plan_url)
    manager.get_by_role("button", name="公示并征求居民意见").click()
    manager.wait_for_selector("text=已公示征求意见")
    commenter = people.page(neighbours[2].user.username)
    commenter.goto(plan_url)
    commenter.get_by_label("您的意见").fill("建议同时修补楼道墙面。")
    commenter.get_by_role("button", name="发表意见").click()
    commenter.wait_for_selector("text=您的意见已随方案公开")
    assert neighbours[2].masked_name in commenter.get_by_test_id("plan-comments").inner_text()
    assert axe_violations(commenter) == []

    # 6. Version 2 answers the comment and goes to the owners' final (special-matter) vote.
    committee.goto(base + project.get_absolute_url())
    committee.get_by_role("button", name="开始修订下一稿").click()
    committee.get_by_label("本稿说明").fill("采纳居民意见：增加楼道墙面修补。")
    committee.get_by_role("button", name="保存说明").click()
    committee.wait_for_selector("text=说明已保存")
    v2_url = committee.url
    # The drafters say who manages the estate after the works (建管一体): no vote without it.
    committee.get_by_test_id("management-edit").click()
    committee.get_by_label("社区托管（准物业）").check()
    committee.get_by_label("服务标准").fill("保洁每日一次，社区网格员每日巡查")
    committee.get_by_label("收费标准（元/平方米·月）").fill("0.30")
    committee.get_by_label("公共收益（停车、广告等）").check()
    assert committee.evaluate("document.documentElement.scrollWidth") <= 390
    shot(committee, "24a-plan-management-form-phone")
    committee.get_by_role("button", name="保存长效管理部分").click()
    committee.wait_for_selector("text=长效管理部分已保存")
    assert "社区托管（准物业）" in committee.get_by_test_id("plan-management").inner_text()
    assert axe_violations(committee) == []
    # The committee answers the comment on version 1 (every comment is answered before the vote).
    committee.goto(plan_url)
    committee.get_by_test_id("answer-form").get_by_label("采纳", exact=True).check()
    committee.get_by_test_id("answer-form").get_by_label("理由（公开）").fill("第二稿增加1栋楼道墙面修补。")
    committee.get_by_role("button", name="发布答复").click()
    committee.wait_for_selector("text=答复已随方案公开")
    assert "第二稿增加1栋楼道墙面修补" in committee.get_by_test_id("comment-answer").inner_text()
    manager.goto(v2_url)
    manager.get_by_role("button", name="公示并征求居民意见").click()
    manager.wait_for_selector("text=已公示征求意见")
    assert manager.get_by_test_id("vote-waits").count() == 1  # residents have PLAN_COMMENT_DAYS to comment
    from datetime import timedelta as _days

    from django.utils import timezone as _tz

    from projects.models import PlanVersion

    PlanVersion.objects.filter(project=project, number=2).update(published_at=_tz.now() - _days(days=7, minutes=1))
    manager.reload()
    assert "第二稿增加1栋楼道墙面修补" in manager.get_by_test_id("plan-answers-before").inner_text()
    assert manager.evaluate("document.documentElement.scrollWidth") <= 390
    shot(manager, "24-plan-v2-answers-and-changes-phone")
    manager.get_by_role("button", name="将本稿提交业主最终表决").click()
    manager.wait_for_selector("text=业主对本稿方案的表决已开始")
    plan_vote = Vote.objects.get(purpose="plan")
    assert plan_vote.matter == "special"
    for owner in owners:
        vote_agree(people.page(owner.user.username), base, plan_vote.code)
    assert deadline_passes(plan_vote.code).result == "passed"
    assert Project.objects.get().status == "plan_adopted"

    # 7. Anyone, without signing in, sees the outcome and why.
    public = browser.new_context(**PHONE).new_page()
    public.goto(base + "/disclosure/votes/")
    public.get_by_role("link", name=plan_vote.title).click()
    assert public.get_by_test_id("vote-result").inner_text() == "通过"
    checks = public.get_by_test_id("vote-checks").inner_text()
    assert "参与表决的业主：6 人中的 4 人" in checks and "特别事项须四分之三以上同意" in checks
    text = public.content()
    for owner in owners:
        assert owner.name not in text and owner.masked_name not in text and owner.phone not in text
    assert axe_violations(public) == []
    shot(public, "22-public-vote-result-phone")
    assert public.evaluate("document.documentElement.scrollWidth") <= 390
    timeline = people.page(city.owner_a1.user.username)
    timeline.goto(base + project.get_absolute_url())
    assert timeline.get_by_test_id("project-status").inner_text() == "方案已通过"
    shot(timeline, "23-project-plan-adopted-phone")
