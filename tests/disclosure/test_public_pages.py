"""The public pages of a project: what they show, what they never show, and their query budgets."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disclosure import services
from portal.settings.base import redis_cache
from projects import services as project_services
from projects.models import Vote
from tests import factories as f

from .conftest import expense, file_report, finish, income


def _clear_caches():
    """Cold: Redis (here locmem) and this process's near cache."""
    from django.core.cache import caches

    cache.clear()
    caches["near"].clear()


def progress(city, p, percent, item=None, text="", photos=()):
    return services.progress_post(
        project=p.project, actor=city.contractor, percent=percent, plan_item=item, text=text, photos=photos
    )


def photo_upload(name="site.jpg"):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (800, 600), (120, 80, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def busy(city, contracted):
    income(city, contracted)
    spent = expense(city, contracted)
    services.ledger_reverse(entry=spent, actor=city.street_a_staff, memo="录错")
    expense(city, contracted, amount="11000.00")
    progress(city, contracted, 30, item=contracted.roof, text="屋面拆除完成", photos=[photo_upload()])
    services.milestone_add(
        project=contracted.project, actor=city.contractor, title="进场", due_date=contracted.project.created_at.date()
    )
    cache.clear()
    return contracted


@pytest.mark.django_db
def test_project_page_shows_money_and_works(client, city, busy):
    response = client.get(reverse("disclosure:project", args=[busy.project.code]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-chain="ok"' in html
    assert "施工公司" in html and "监理公司" in html
    assert "29,000.00" in html  # balance after 40,000 in and 11,000 out (the 12,000 reversed)
    assert 'id="chart-sources"' in html
    assert reverse("disclosure:photo", args=[busy.project.progress_updates.get().photos.get().pk, "thumb"]) in html


@pytest.mark.django_db
def test_pages_render(client, city, busy):
    code = busy.project.code
    for name in ("project", "ledger", "progress", "ledger_json"):
        assert client.get(reverse(f"disclosure:{name}", args=[code])).status_code == 200, name
    for url in (
        "/disclosure/",
        "/disclosure/opendata/projects.csv",
        "/disclosure/opendata/oc4ids.json",
        "/disclosure/estates/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    client.force_login(city.street_a_manager)
    for name in ("budget",):
        assert client.get(reverse(f"disclosure:{name}", args=[code])).status_code == 200
    assert client.get(reverse("projects:award", args=[code])).status_code == 200
    assert client.get(reverse("projects:detail", args=[code])).status_code == 200
    client.force_login(city.contractor)
    assert 'data-testid="progress-form"' in client.get(reverse("disclosure:progress", args=[code])).content.decode()
    client.force_login(city.street_a_staff)
    assert 'data-testid="ledger-form"' in client.get(reverse("disclosure:ledger", args=[code])).content.decode()


def _bulk_ledger(p, n):
    """n more income entries, chained correctly (what ledger_record would write, in bulk)."""
    from django.utils import timezone

    from disclosure import ledger
    from disclosure.models import LedgerEntry

    last = LedgerEntry.objects.filter(project=p.project).order_by("-seq").first()
    seq, prev = (last.seq, last.hash) if last else (0, "0" * 64)
    rows = []
    for _ in range(n):
        seq += 1
        doc = ledger.entry_document(
            project=p.project.code,
            seq=seq,
            date=timezone.localdate(),
            kind="income",
            amount=Decimal("10.00"),
            counterparty="南宁市财政局",
            category="local_finance",
            memo="",
            reverses=None,
            prev_hash=prev,
        )
        prev = ledger.entry_hash(doc)
        rows.append(
            LedgerEntry(
                project=p.project,
                seq=seq,
                date=doc["date"],
                kind="income",
                amount=Decimal("10.00"),
                counterparty="南宁市财政局",
                category="local_finance",
                prev_hash=doc["prev_hash"],
                hash=prev,
                recorded_by_id=p.project.events.first().actor_id or _staff_id(p),
            )
        )
    LedgerEntry.objects.bulk_create(rows, batch_size=500)


def _staff_id(p):
    from stakeholders.models import User

    return User.objects.get(username="street_a_staff").pk


def _bulk_progress(city, p, n):
    from disclosure.models import ProgressUpdate

    ProgressUpdate.objects.bulk_create(
        [
            ProgressUpdate(
                project=p.project,
                percent=min(100, i),
                project_percent=min(100, i),
                text=f"第{i}天",
                posted_by=city.contractor,
                organization=city.contractor_org,
            )
            for i in range(n)
        ]
    )


@pytest.mark.django_db
def test_query_budgets_stay_flat_with_1000_entries_and_100_posts(client, city, busy, django_assert_max_num_queries):
    code = busy.project.code
    urls = [
        reverse("disclosure:project", args=[code]),
        reverse("disclosure:ledger", args=[code]),
        reverse("disclosure:progress", args=[code]),
        reverse("disclosure:ledger_json", args=[code]),
        reverse("disclosure:project_heads", args=[code]),
        "/disclosure/",
        "/disclosure/opendata/projects.csv",
    ]

    def fetch(url):
        response = client.get(url)
        assert response.status_code == 200
        return b"".join(response.streaming_content) if response.streaming else response.content

    small = {}
    for url in urls:
        _clear_caches()
        with CaptureQueriesContext(connection) as queries:
            fetch(url)
        small[url] = len(queries.captured_queries)
    assert small[urls[0]] <= 15  # the cold public project page (architecture §9 target)
    _bulk_ledger(busy, 1000)
    _bulk_progress(city, busy, 100)
    for i in range(3):  # more projects for the index
        other = f.EstateFactory(community=city.comm_a2)
        project_services.project_create(estate=other, title=f"改造{i}", actor=None)
    from projects.models import Project

    Project.objects.exclude(pk=busy.project.pk).update(status="accepted")
    for url in urls:
        _clear_caches()
        with django_assert_max_num_queries(small[url]):
            fetch(url)
    cache.clear()
    html = client.get(urls[0]).content.decode()
    assert 'data-chain="ok"' in html and "1003" in html  # every entry verified, the latest shown


def _main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


@pytest.mark.redis
@pytest.mark.django_db
def test_pages_are_cached_in_redis_and_change_as_soon_as_a_service_changes_the_project(client, city, busy, settings):
    from django.core.cache import caches

    settings.CACHES = {"default": {**redis_cache(settings.REDIS_TEST_URL), "KEY_PREFIX": "disclosure-test"}}
    caches["default"].clear()
    url = reverse("disclosure:project", args=[busy.project.code])
    first = _main(client.get(url))
    with CaptureQueriesContext(connection) as cached:
        assert _main(client.get(url)) == first
    assert len(cached.captured_queries) <= 2  # the project and its revision; the body comes from Redis
    assert any(b"disclosure:" in key for key in caches["default"].client.get_client().keys("*disclosure-test*"))
    expense(city, busy, amount="1234.00")
    assert "1,234.00" in _main(client.get(url))
    before = _main(client.get("/disclosure/"))
    services.progress_post(project=busy.project, actor=city.contractor, percent=77)
    after = _main(client.get("/disclosure/"))
    assert "77%" in after and before != after
    caches["default"].clear()


@pytest.mark.django_db
def test_anonymous_visitors_get_the_whole_page_from_the_cache_with_their_own_csrf_token(city, busy, settings):
    """No query for a cached public page; each visitor's own CSRF token (their language switch
    works); a service's change shows at once; a signed-in user still gets their own header."""
    import re

    from django.test import Client

    url = reverse("disclosure:project", args=[busy.project.code])
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page = first.get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = second.get(url)
    assert len(queries.captured_queries) == 0
    tokens = {
        re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        for html in (page, again.content.decode())
    }
    assert len(tokens) == 2 and "__portal-csrf-token__" not in again.content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', again.content.decode()).group(1)
    switched = second.post(reverse("set_language"), {"language": "en", "next": url, "csrfmiddlewaretoken": token})
    assert switched.status_code == 302
    assert 'lang="en"' in second.get(url).content.decode()  # its own language's page, not the Chinese one
    first.get("/disclosure/")  # builds it
    with CaptureQueriesContext(connection) as queries:
        assert first.get("/disclosure/").status_code == 200
    assert len(queries.captured_queries) == 0
    expense(city, busy, amount="4321.00")
    assert "4,321.00" in Client().get(url).content.decode()
    client = Client()
    client.force_login(city.street_a_staff)
    assert 'data-testid="signed-in-as"' in client.get(url).content.decode()
    assert 'data-testid="signed-in-as"' not in Client().get(url).content.decode()


def _public_urls(client, project):
    code = project.code
    urls = [
        "/",
        "/disclosure/",
        "/disclosure/estates/",
        "/disclosure/votes/",
        "/disclosure/votes.json",
        "/disclosure/opendata/projects.csv",
        "/disclosure/opendata/oc4ids.json",
        reverse("disclosure:project", args=[code]),
        reverse("disclosure:ledger", args=[code]),
        reverse("disclosure:progress", args=[code]),
        reverse("disclosure:ledger_json", args=[code]),
    ]
    for vote in Vote.objects.exclude(status="draft"):
        urls += [reverse("disclosure:vote", args=[vote.code])]
        if vote.status == "closed":
            urls.append(reverse("disclosure:vote_json", args=[vote.code]))
    return urls


@pytest.mark.django_db
def test_no_personal_data_on_any_public_response(client, city, council_a1, busy):
    from stakeholders.models import Resident

    finish(city, busy)
    file_report(city, busy, exception="进场节点补录中")
    project_services.acceptance_sign(
        project=busy.project,
        role="council",
        actor=council_a1.user,
        decision="refuse",
        opinion="屋面有渗水",
        defects=[("屋面东侧渗水", timezone.localdate(), busy.roof)],
    )
    cache.clear()
    residents = list(Resident.objects.select_related("user"))
    assert len(residents) >= 8
    for url in _public_urls(client, busy.project):
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8-sig")
        for resident in residents:
            assert resident.name not in text, (url, resident.name)
            if resident.phone:
                assert resident.phone not in text, (url, resident.phone)
            assert resident.user.username not in text, (url, resident.user.username)
        if url.startswith("/disclosure/"):  # (the landing page explains the petition rule, naming no one)
            assert "is_party_member" not in text and "党员" not in text, url


@pytest.mark.django_db
def test_desk_pages_have_flat_query_budgets(client, city, busy, django_assert_max_num_queries):
    code = busy.project.code
    pages = {
        city.street_a_manager: [
            reverse("projects:award", args=[code]),
            reverse("projects:detail", args=[code]),
            reverse("disclosure:budget", args=[code]),
        ],
        city.street_a_staff: [reverse("disclosure:ledger", args=[code])],
        city.contractor: [reverse("disclosure:progress", args=[code])],
    }
    small = {}
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200, url
            small[url] = len(queries.captured_queries)
    for i in range(5):  # more contractors with past projects, more entries and posts
        org = f.organization("contractor", f"第{i}建设公司")
        other = project_services.project_create(
            estate=f.EstateFactory(community=city.comm_a2), title=f"改造{i}", actor=None
        )
        from projects.models import Award

        Award.objects.create(project=other, role="contractor", organization=org)
    _bulk_ledger(busy, 50)
    _bulk_progress(city, busy, 30)
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            with django_assert_max_num_queries(small[url]):
                assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_reverse_and_milestone_forms(client, city, busy):
    from disclosure.models import LedgerEntry, Milestone

    code = busy.project.code
    client.force_login(city.street_a_staff)
    last = LedgerEntry.objects.filter(project=busy.project, kind="expense").order_by("-seq").first()
    response = client.post(reverse("disclosure:ledger_reverse", args=[code, last.seq]), {"memo": ""}, follow=True)
    assert "冲销原因" in response.content.decode() or "必填" in response.content.decode()
    response = client.post(
        reverse("disclosure:ledger_reverse", args=[code, last.seq]), {"memo": "发票重复"}, follow=True
    )
    assert f"冲销了第 {last.seq} 条记录" in response.content.decode()
    assert LedgerEntry.objects.filter(reverses=last).count() == 1
    response = client.post(
        reverse("disclosure:ledger_reverse", args=[code, last.seq]), {"memo": "再来一次"}, follow=True
    )
    assert "已被冲销" in response.content.decode()
    milestone = Milestone.objects.get(project=busy.project)
    client.force_login(city.contractor)
    response = client.post(
        reverse("disclosure:milestone_update", args=[code, milestone.pk]), {"status": "met"}, follow=True
    )
    assert "请填写节点完成日期" in response.content.decode()
    client.post(
        reverse("disclosure:milestone_update", args=[code, milestone.pk]), {"status": "met", "date_met": "2026-01-05"}
    )
    milestone.refresh_from_db()
    assert milestone.status == "met" and str(milestone.date_met) == "2026-01-05"


def test_every_public_cache_key_has_one_home():
    """The key shapes live in projects/revision.py; no other module spells a "disclosure:" key."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for path in [*root.glob("*/*.py"), *root.glob("*/services/*.py")]:
        if path.parts[-2] in {"tests", ".venv", "bench", "migrations"} or path.name == "revision.py":
            continue
        text = path.read_text()
        for spelled in ('"disclosure:page', '"disclosure:rev', 'f"disclosure:', "f'disclosure:"):
            assert spelled not in text, f"{path.relative_to(root)} spells a public cache key: {spelled}"
