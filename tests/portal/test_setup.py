"""What a newcomer's `make run` relies on: a missing PostgreSQL database is created, the runtime
requirements are complete, and under DEBUG an unknown URL still shows the portal's own 404 page.

The end-to-end proof (a clean virtualenv from requirements.txt alone, `make run` on PostgreSQL with
the Redis broker, real pages) is `.ci/fresh-install`, which `.ci/run` runs before the suite.
"""

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]


def _server_url(dbname: str) -> str:
    base = settings.POSTGRES_URL.rsplit("/", 1)[0]
    return f"{base}/{dbname}"


def _exists(name: str) -> bool:
    with psycopg.connect(_server_url("postgres"), autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


@pytest.mark.postgres
def test_ensure_database_creates_a_missing_postgresql_database_once():
    name = f"portal_newcomer_{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(DJANGO_SETTINGS_MODULE="portal.settings.local", DATABASE_URL=_server_url(name))
    run = [sys.executable, "manage.py", "ensure_database"]
    try:
        assert not _exists(name)
        first = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert first.returncode == 0, first.stderr
        assert f"created database {name}" in first.stdout
        assert _exists(name)
        again = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert again.returncode == 0, again.stderr
        assert f"{name} exists" in again.stdout
    finally:
        with psycopg.connect(_server_url("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_make_migrate_creates_the_database_before_migrating():
    makefile = (ROOT / "Makefile").read_text()
    migrate = re.search(r"^migrate:.*?\n((?:\t.*\n)+)", makefile, re.M).group(1)
    assert migrate.index("ensure_database") < migrate.index("migrate --noinput")


def test_runtime_requirements_name_what_the_redis_broker_imports():
    """kombu's Redis transport imports `packaging`, which no runtime requirement pulls in: the field
    test's seed_demo died of it on a fresh PostgreSQL + Redis install."""
    names = {
        re.split(r"[=<>\[ ]", line.strip(), maxsplit=1)[0].lower()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {"packaging", "kombu", "redis", "celery", "psycopg"} <= names


def test_make_run_points_links_at_the_port_it_serves():
    result = subprocess.run(
        ["make", "-s", "--eval", "show:\n\t@echo $$PORTAL_BASE_URL", "show", "PORT=8091"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        env={k: v for k, v in os.environ.items() if k != "PORTAL_BASE_URL"},
    )
    assert "http://127.0.0.1:8091" in result.stdout, result.stdout + result.stderr


@pytest.mark.django_db
def test_debug_404_is_the_portals_page_not_djangos_pattern_list(client):
    from portal.settings import local

    with override_settings(DEBUG=True, MIDDLEWARE=local.MIDDLEWARE):
        unknown = client.get("/no-such-page/")
        missing_project = client.get("/disclosure/projects/NO-SUCH-CODE/")
        api = client.get("/api/v1/no-such-endpoint/")
    for response in (unknown, missing_project):
        assert response.status_code == 404
        body = response.content.decode()
        assert "页面不存在" in body
        assert "URLconf" not in body and "Using the URLconf" not in body
    assert api.status_code == 404
    assert api.json()["code"] == "not_found"


def test_the_projects_docs_stand_alone():
    """A clone has no ../shared: README and docs/ link only to files inside the project."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for page in pages:
        text = page.read_text()
        assert "../shared" not in text and "DESIGN.md" not in text, page
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if target.startswith(("http://", "https://", "/")):
                continue
            assert (page.parent / target).exists(), f"{page.name} links to missing {target}"
    assert (ROOT / "docs" / "architecture.md").exists()


@pytest.mark.django_db
def test_favicon_robots_and_description_are_there(client):
    """Lighthouse flagged a favicon 404 on every page and no meta description."""
    page = client.get("/disclosure/").content.decode()
    assert 'rel="icon"' in page and '<meta name="description" content="' in page
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 301 and favicon["Location"].endswith(".svg")
    robots = client.get("/robots.txt")
    assert robots.status_code == 200 and "Disallow: /accounts/" in robots.content.decode()
