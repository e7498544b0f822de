"""axe-core finds no serious or critical WCAG 2.1 AA problem on the pages of this issue, on a phone."""

import pytest

from tests import factories as f
from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, username):
    page.goto(base + "/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(f.PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(base + "/")


def test_pages_have_no_serious_accessibility_violations(live_server, browser, axe_violations, shot):
    city = f.build_city()
    from projects.services import project_create, project_transition

    project = project_create(estate=city.estate_a1, title="甲一小区综合改造", actor=None)
    project = project_transition(project=project, to="submitted", actor=None, by_service=True)
    from datetime import timedelta

    from django.utils import timezone

    from projects.services import vote_create, vote_open

    vote = vote_open(
        vote=vote_create(
            project=project,
            purpose="willingness",
            title="是否申请改造",
            matter="ordinary",
            opens_at=timezone.now() - timedelta(minutes=1),
            closes_at=timezone.now() + timedelta(days=7),
            actor=city.admin,
        ),
        actor=city.admin,
    )
    base = live_server.url
    found = {}
    page = browser.new_page(**PHONE)
    for path in [
        "/",
        "/accounts/login/",
        "/accounts/signup/",
        "/disclosure/",
        "/disclosure/estates/",
        "/accounts/password_reset/",
        "/disclosure/votes/",
        f"/disclosure/votes/{vote.code}/",
        f"/disclosure/votes/{vote.code}/receipt?receipt=XXXX",
    ]:
        page.goto(base + path)
        found[path] = axe_violations(page)
    page.goto(base + "/accounts/signup/")
    page.locator("main form button[type=submit]").click()  # the first step with its error
    found["signup with errors"] = axe_violations(page)
    page.get_by_label("手机号或电子邮箱").fill("13807715555")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/signup/confirm/")
    found["signup, second step"] = axe_violations(page)
    page.locator("main form[data-testid=signup-confirm-form] button[type=submit]").click()  # full of errors
    found["signup, second step with errors"] = axe_violations(page)
    page.close()

    for username, paths in {
        city.plain_resident.user.username: ["/", "/accounts/claims/new/"],
        city.comm_a1_staff.username: [
            "/",
            "/accounts/reviews/",
            f"/accounts/reviews/{city.pending_a1.pk}/",
            f"/projects/votes/{vote.code}/paper/",
            "/accounts/notifications/",
        ],
        city.street_a_staff.username: ["/"],
        city.street_a_manager.username: [
            f"/projects/{project.code}/",
            "/projects/",
            f"/projects/{project.code}/votes/new",
        ],
        city.owner_a1.user.username: [f"/projects/votes/{vote.code}/"],
        city.bureau.username: ["/"],
    }.items():
        page = browser.new_page(**PHONE)
        sign_in(page, base, username)
        for path in paths:
            page.goto(base + path)
            found[f"{username} {path}"] = axe_violations(page)
            if path.endswith("/paper/"):
                shot(page, "24-paper-ballots-phone")
            elif path.startswith("/projects/votes/"):
                shot(page, "12-vote-page-owner-phone")
            elif path.startswith("/projects/") and path != "/projects/":
                shot(page, "09-project-page-approver-phone")
        page.close()
    assert {k: v for k, v in found.items() if v} == {}


def test_the_checker_catches_a_real_violation(live_server, browser, axe_violations):
    """Guard against a checker that silently passes everything."""
    page = browser.new_page()
    page.goto(live_server.url + "/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=text id=unlabelled>')")
    assert any(v.startswith("label ") for v in axe_violations(page))
    page.close()


def test_the_csp_watch_catches_an_inline_script(live_server, browser):
    """The Content-Security-Policy is sent (it refuses inline script), and the browser tests' watch
    sees the refusal: a page that broke the policy would fail its test."""
    page = browser.new_page()
    response = page.goto(live_server.url + "/disclosure/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.pwned = 1';"
        " document.body.append(s); }"
    )
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.pwned") is None  # refused
    assert any("Content Security Policy" in v for v in browser.csp_violations)
    browser.csp_violations.clear()  # this test caused it on purpose
    page.close()
