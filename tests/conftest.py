"""Shared fixtures, and the real-services contract:

Tests marked `postgres`, `redis`, `replica` or `browser` need that real component. Without it they are
skipped locally — and the run ends with a loud list of what was skipped — but with CI=true the
missing component is an error, so CI can never pass without PostgreSQL, Redis and Chromium.
"""

from __future__ import annotations

import os
import shutil

import pytest
from django.conf import settings
from hypothesis import settings as hypothesis_settings

CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Property tests (tests/api/test_schema.py) explore at random on a developer's machine, where a
# finding is a bug to fix; in CI they replay the same examples, so a red run always means a change
# broke something, never that the dice found an old bug that day.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis_settings.register_profile("dev", print_blob=True)
hypothesis_settings.load_profile("ci" if CI else "dev")
CHROMIUM = "/usr/bin/chromium"


def _browser_available() -> str | None:
    if not shutil.which(CHROMIUM):
        return f"{CHROMIUM} not installed (apt-get install chromium fonts-noto-cjk)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright for Python not installed (pip install -r requirements-dev.txt)"
    return None


def _missing() -> dict[str, str]:
    missing = {}
    if not settings.TEST_SERVICES["postgresql"]:
        missing["postgres"] = f"PostgreSQL not reachable at {settings.POSTGRES_URL}; ran on SQLite"
    if not settings.TEST_SERVICES["redis"]:
        missing["redis"] = f"Redis not reachable at {settings.REDIS_TEST_URL}"
    if not settings.TEST_SERVICES["replica"]:
        missing["replica"] = (
            f"no streaming replica answering at {settings.TEST_REPLICA_URL} (bash .ci/replica start makes one)"
        )
    reason = _browser_available()
    if reason:
        missing["browser"] = reason
    return missing


_SKIPPED: dict[str, list[str]] = {}


def pytest_collection_modifyitems(config, items):
    missing = _missing()
    for item in items:
        for marker, reason in missing.items():
            if item.get_closest_marker(marker):
                _SKIPPED.setdefault(reason, []).append(item.nodeid)
                if CI:
                    item.user_properties.append(("missing_service", reason))
                else:
                    item.add_marker(pytest.mark.skip(reason=f"SKIPPED, missing service: {reason}"))


def pytest_runtest_setup(item):
    reasons = [value for key, value in item.user_properties if key == "missing_service"]
    if reasons:
        pytest.fail(f"CI=true requires every real component, but: {'; '.join(reasons)}", pytrace=False)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _SKIPPED:
        terminalreporter.write_line(
            f"Real components used: database={settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, "
            f"redis={'yes' if settings.TEST_SERVICES['redis'] else 'no'}, browser=chromium",
            green=True,
        )
        return
    banner = "!" * 78
    terminalreporter.write_line(banner, red=True, bold=True)
    terminalreporter.write_line(
        "MISSING REAL COMPONENTS" + (" — FAILED because CI=true" if CI else " — these tests were SKIPPED:"),
        red=True,
        bold=True,
    )
    for reason, ids in _SKIPPED.items():
        terminalreporter.write_line(f"  * {reason}: {len(ids)} tests", red=True)
        for nodeid in ids[:8]:
            terminalreporter.write_line(f"      {nodeid}", red=True)
        if len(ids) > 8:
            terminalreporter.write_line(f"      … and {len(ids) - 8} more", red=True)
    terminalreporter.write_line(banner, red=True, bold=True)


# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(autouse=True)
def _chinese_by_default(settings):
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached public pages are keyed by project code, and
    codes repeat from test to test."""
    from django.core.cache import caches

    for alias in ("default", "near"):
        caches[alias].clear()


@pytest.fixture
def city(db):
    """A small two-street city with staff of every kind (tests/factories.py builds it)."""
    from tests.factories import build_city

    return build_city()
