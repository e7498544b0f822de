"""The public pages of a project: what they show, what they never show, and their query budgets."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disclosure import services
from projects import services as project_services
from projects.models import Vote
from tests import factories as f

from .conftest import expense, income


def progress(city, p, percent, item=None, text="", photos=()):
    return services.progress_post(project=p.project, actor=city.contractor, percent=percent, plan_item=item, text=text, photos=photos)


def photo_upload(name="site.jpg"):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from io import BytesIO
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
    services.milestone_add(project=contracted.project, actor=city.contractor, title="进场", due_date=contracted.project.created_at.date())
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
    for url in ("/disclosure/", "/disclosure/opendata/projects.csv", "/disclosure/opendata/oc4ids.json", "/disclosure/estates/"):
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
