"""Every coded value a person reads is a word in their language (field test, issue 14 item 10):
the demo city is crawled as every role, and no page or report shows a code (`central_subsidy`,
`exterior-wall`, `passed`) where Chinese text is expected. Open-data formats keep their codes."""

import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from portal import demo
from tests import factories as f
from tests.portal.crawl import crawl, visible_text

pytestmark = pytest.mark.postgres

ROLES = [
    "-",
    "bureau",
    "street_manager",
    "street_staff",
    "minsheng_staff",
    "community_staff",
    "jiefang_staff",
    "contractor",
    "supervisor",
    "13807710001",
    "13807710101",
    "13807710111",
    "13807710133",
    "admin",
]
# Formats whose contract is codes (architecture §6).
OPEN_DATA = re.compile(r"\.json$|/opendata/|\.geojson$")


def code_words() -> set[str]:
    """Every stored code of our apps (choices of every field, the catalog's item codes)."""
    from projects.models import CatalogItem

    codes = set(CatalogItem.objects.values_list("code", flat=True))
    for model in apps.get_models():
        if model._meta.app_label not in {"stakeholders", "projects", "approvals", "feedback", "disclosure", "portal"}:
            continue
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "choices", None) or ():
                if isinstance(value, str):
                    codes.add(value)
    # Short English words that are also ordinary text would make noise; the codes worth catching have
    # at least four letters.
    return {c for c in codes if len(c) >= 4 and re.fullmatch(r"[a-z][a-z0-9_-]*", c)}


def leaks(text: str, codes: set[str]) -> set[str]:
    return {w for w in re.findall(r"(?<![\w./-])[a-z][a-z0-9_-]*[a-z0-9](?![\w/-])", text) if w in codes}


@pytest.mark.django_db
def test_no_page_or_report_shows_a_code_where_a_person_reads_a_word(client):
    call_command("seed_demo", stdout=StringIO())
    from stakeholders.models import User

    # Account names (the header, the audit trail's "who") are names even where one reads like a code.
    codes = code_words() - set(User.objects.values_list("username", flat=True))
    assert {"central_subsidy", "exterior-wall", "passed", "willingness"} <= codes
    found = {}
    pages = 0
    for role in ROLES:
        client.logout()
        if role != "-":
            assert f.login(client, role, demo.DEMO_PASSWORD), role
        for path, response in crawl(client, limit=120):
            assert response.status_code < 500, (role, path)
            if response.status_code != 200 or OPEN_DATA.search(path):
                continue
            kind = response.get("Content-Type", "")
            if "html" in kind:
                text = visible_text(response.content.decode())
            elif "csv" in kind:
                text = (
                    b"".join(response.streaming_content).decode("utf-8-sig")
                    if response.streaming
                    else response.content.decode("utf-8-sig")
                )
            else:
                continue
            pages += 1
            words = leaks(text, codes)
            if words:
                found.setdefault(path.split("?")[0], set()).update(words)
    assert pages > 150
    assert not found, "codes shown to people:\n" + "\n".join(f"  {p}: {sorted(w)}" for p, w in sorted(found.items()))


@pytest.mark.django_db
def test_no_role_is_shown_a_link_that_answers_forbidden(client):
    """Field test: staff saw "居民：反映问题" on public project pages and landed on a 403. Every link a
    person is shown, as every role of the demo, opens (permissions.py decides what is shown)."""
    call_command("seed_demo", stdout=StringIO())
    forbidden = {}
    for role in ROLES:
        client.logout()
        if role != "-":
            f.login(client, role, demo.DEMO_PASSWORD)
        for path, response in crawl(client, limit=120):
            if response.status_code == 403:
                forbidden.setdefault(role, []).append(path)
    assert not forbidden, forbidden
