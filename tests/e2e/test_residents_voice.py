"""The residents' voice in Chromium: a resident files a complaint with a photo from a phone, the
contractor answers and resolves it, the resident closes it; a completed project's survey
invitation is answered from a phone without signing in; after the survey closes, the public page
shows the results — and no page has a serious accessibility problem."""

import pytest
from PIL import Image

from feedback import services, tokens
from feedback.models import Complaint, Invitation, Response
from projects.models import Project
from tests import factories as f
from tests.disclosure.conftest import adopted_project, award, publish_budget
from tests.e2e.conftest import PHONE
from tests.e2e.test_renovation_flow import People
from tests.feedback.conftest import answers, bulk_estate, completed_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def crack_photo(path):
    image = Image.new("RGB", (1000, 750), (200, 196, 188))
    for x in range(100, 900, 7):
        image.putpixel((x, 300 + (x % 37)), (40, 40, 40))
    image.save(path, "JPEG")
    return path


def test_complaint_from_a_phone_answered_and_resolved(
    live_server, browser, shot, axe_violations, watch_requests, tmp_path
):
    city = f.build_city()
    p = adopted_project(city)
    publish_budget(city, p)
    award(city, p)
    Project.objects.filter(pk=p.project.pk).update(status=Project.Status.UNDER_CONSTRUCTION)
    base = live_server.url
    people = People(browser, base)
    found = {}

    # 1. The resident reports a problem with a photo, on a phone.
    resident = people.page(city.owner_a1.phone)
    outside = watch_requests(resident, base)
    resident.get_by_role("link", name="反映问题").first.click()
    resident.get_by_test_id("complaint-form").wait_for()
    found["complaint form"] = axe_violations(resident)
    resident.get_by_label("工程质量", exact=False).check()
    resident.locator("#id_text").fill("3栋外墙新刷的涂料已经开裂起皮，下雨后往下掉渣。")
    resident.locator("#id_location").fill("3栋北面")
    resident.locator("#id_photos").set_input_files(str(crack_photo(tmp_path / "wall.jpg")))
    shot(resident, "voice-complaint-form-phone")
    resident.get_by_role("button", name="提交投诉").click()
    resident.get_by_test_id("complaint-status").filter(has_text="已提交").wait_for()
    complaint = Complaint.objects.get()
    assert complaint.route == "works" and complaint.photos.count() == 1
    found["complaint (resident)"] = axe_violations(resident)

    # 2. The contractor finds it (bell and list), acknowledges it and resolves it.
    contractor = people.page(city.contractor.username)
    contractor.goto(f"{base}/accounts/notifications/")  # the bell (folded into the menu on a phone)
    contractor.get_by_text("提交了第").first.click()
    contractor.get_by_test_id("complaint-text").wait_for()
    assert contractor.locator("img.progress-thumb").count() == 1
    found["complaint (contractor)"] = axe_violations(contractor)
    form = contractor.get_by_test_id("action-acknowledged")
    form.locator("textarea").fill("收到，明天上午安排人员到现场查看。")
    form.get_by_role("button", name="受理").click()
    contractor.get_by_test_id("complaint-status").filter(has_text="已受理").wait_for()
    form = contractor.get_by_test_id("action-resolved")
    form.get_by_role("button", name="标记为已解决").click()  # without a message: refused, nothing lost
    contractor.get_by_text("请填写留言").first.wait_for()
    form = contractor.get_by_test_id("action-resolved")
    form.locator("textarea").fill("开裂部分已铲除重新批刮腻子、刷涂料，监理已验收。")
    form.get_by_role("button", name="标记为已解决").click()
    contractor.get_by_test_id("complaint-status").filter(has_text="已解决").wait_for()
    shot(contractor, "voice-complaint-contractor-phone")

    # 3. The resident reads the answer and closes it.
    resident.goto(f"{base}{complaint.get_absolute_url()}")
    resident.get_by_text("监理已验收").wait_for()
    resident.get_by_role("button", name="已解决：关闭").click()
    resident.get_by_test_id("complaint-status").filter(has_text="已结束").wait_for()
    shot(resident, "voice-complaint-closed-phone")
    complaint.refresh_from_db()
    assert complaint.status == "closed"
    assert outside == []
    assert {k: v for k, v in found.items() if v} == {}


def test_survey_answered_from_a_phone_and_results_public(live_server, browser, shot, axe_violations, watch_requests):
    city = f.build_city()
    built = bulk_estate(city, 8, with_accounts=3)
    project = completed_project(city, built.estate)
    survey = services.survey_open(project=project, kind="completion")
    invitations = list(Invitation.objects.filter(survey=survey).order_by("pk"))
    for invitation in invitations[:4]:
        services.response_submit_by_link(
            invitation_id=invitation.pk, token=tokens.make_token(invitation), answers=answers(4)
        )
    base = live_server.url

    # A household without an account scans the printed QR code: no sign-in.
    phone = browser.new_context(**PHONE).new_page()
    outside = watch_requests(phone, base)
    phone.goto(base + services.answer_path(invitations[5]))
    phone.get_by_test_id("survey-form").wait_for()
    found = {"survey form": axe_violations(phone)}
    for question in Response.QUESTIONS:
        phone.locator(f"input[name={question}][value='5']").check()
    phone.locator("#id_text").fill("施工队很负责，屋面再没漏过。")
    shot(phone, "voice-survey-phone")
    phone.get_by_role("button", name="提交我的答卷").click()
    phone.get_by_test_id("survey-thanks").wait_for()
    found["thanks"] = axe_violations(phone)
    phone.reload()  # the link is single-use
    assert phone.get_by_test_id("link-problem").get_attribute("data-code") == "already_answered"
    assert Response.objects.filter(survey=survey).count() == 5

    # The survey ends (the beat job closes it); the public page shows the results, no text.
    services.survey_close(survey=survey)
    phone.goto(f"{base}/disclosure/projects/{project.code}/")
    phone.get_by_test_id("public-satisfaction").wait_for()
    assert phone.get_by_test_id("average-overall").inner_text() == "4.20"
    assert "屋面再没漏过" not in phone.content()
    found["public results"] = axe_violations(phone)
    shot(phone, "voice-public-results-phone")
    phone.goto(f"{base}/disclosure/contractors/{city.contractor_org.pk}/")
    assert phone.get_by_test_id("rating-overall").inner_text() == "4.20"
    assert outside == []
    assert {k: v for k, v in found.items() if v} == {}


def test_survey_desk_print_paper_and_settings_pages_pass_axe(live_server, browser, shot, axe_violations):
    city = f.build_city()
    built = bulk_estate(city, 6, community=city.comm_a1, with_accounts=2)
    project = completed_project(city, built.estate)
    survey = services.survey_open(project=project, kind="completion")
    base = live_server.url
    people = People(browser, base)
    staff = people.page(city.comm_a1_staff.username)
    found = {}
    for name, path in [
        ("survey desk", f"/feedback/surveys/{survey.pk}/"),
        ("print", f"/feedback/surveys/{survey.pk}/print/?all=1"),
        ("paper", f"/feedback/surveys/{survey.pk}/paper/"),
        ("complaints", "/feedback/complaints/"),
        ("notification settings", "/accounts/notifications/settings/"),
        ("contractors", "/disclosure/contractors/"),
        ("contractor", f"/disclosure/contractors/{city.contractor_org.pk}/"),
    ]:
        staff.goto(base + path)
        found[name] = axe_violations(staff)
    staff.goto(base + f"/feedback/surveys/{survey.pk}/print/?all=1")
    assert staff.get_by_test_id("letter").count() == 6
    shot(staff, "voice-printed-invitations")
    # A paper answer entered at the desk.
    staff.goto(base + f"/feedback/surveys/{survey.pk}/paper/")
    staff.locator("#id_invitation").select_option(index=1)
    for question in Response.QUESTIONS:
        staff.locator(f"input[name={question}][value='3']").check()
    staff.get_by_role("button", name="录入这份答卷").click()
    staff.get_by_text("纸质答卷").first.wait_for()
    assert Response.objects.filter(survey=survey, channel="paper").count() == 1
    assert {k: v for k, v in found.items() if v} == {}
