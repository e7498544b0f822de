"""Playwright for Python driving Debian's Chromium (no downloaded browsers)."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls in test code are
# still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


class WatchedBrowser:
    """The browser, with every page it opens watched for Content-Security-Policy violations (Chromium
    reports each one on the console): a test whose pages break the policy fails (below)."""

    def __init__(self, browser):
        self._browser = browser
        self.csp_violations: list[str] = []

    def __getattr__(self, name):
        return getattr(self._browser, name)

    def _watch(self, page):
        def on_console(message):
            # axe-core, run through the DevTools protocol, writes style attributes while it checks contrast:
            # the policy refuses them (and axe copes); they are the checker's, not the page's.
            if "Content Security Policy" in message.text and not getattr(page, "portal_axe_running", False):
                self.csp_violations.append(f"{page.url}: {message.text}")

        page.on("console", on_console)
        return page

    def new_page(self, **kwargs):
        return self._watch(self._browser.new_page(**kwargs))

    def new_context(self, **kwargs):
        context = self._browser.new_context(**kwargs)
        context.on("page", self._watch)
        return context


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield WatchedBrowser(browser)
        browser.close()


@pytest.fixture(autouse=True)
def no_csp_violation(request):
    """Every browser test fails on a Content-Security-Policy violation its pages reported."""
    if "browser" not in request.fixturenames:
        yield
        return
    watched = request.getfixturevalue("browser")
    watched.csp_violations.clear()
    yield
    assert watched.csp_violations == [], "Content-Security-Policy violations"


@pytest.fixture
def shot():
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def watch_requests():
    """Collect every request a page makes that leaves the live server (the portal uses no CDN)."""

    def attach(page, allowed_origin: str) -> list[str]:
        outside: list[str] = []
        page.on("request", lambda r: None if r.url.startswith((allowed_origin, "data:")) else outside.append(r.url))
        return outside

    return attach


AXE = Path(__file__).parent / "vendor" / "axe.min.js"  # axe-core 4.14.1 (MPL-2.0), from npm


@pytest.fixture
def axe_violations():
    """Run axe-core on the page; return serious and critical WCAG 2.1 A/AA violations."""

    def check(page) -> list[str]:
        # Through the DevTools protocol, not a <script> tag: the page's Content-Security-Policy refuses inline
        # scripts (as it should), and the checker must not need the policy weakened.
        page.portal_axe_running = True
        try:
            page.evaluate(AXE.read_text())
            result = page.evaluate(
                "async () => await axe.run(document, "
                "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
            )
            page.wait_for_timeout(50)  # let the console events of the run arrive while they are axe's
        finally:
            page.portal_axe_running = False
        assert len(result["passes"]) > 10, "axe did not run its rules"
        return [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return check
