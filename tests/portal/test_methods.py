"""Pages answer only the methods they serve: a PUT, PATCH or DELETE on a public page (or any
page) is 405 with an Allow header, never the page itself. The API's views list their own methods."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.disclosure.conftest import adopted_project, publish_budget


@pytest.fixture
def public_urls(city):
    p = adopted_project(city)
    publish_budget(city, p)
    code = p.project.code
    return [
        "/",
        "/robots.txt",
        reverse("disclosure:index"),
        reverse("disclosure:estates"),
        reverse("disclosure:project", args=[code]),
        reverse("disclosure:ledger_json", args=[code]),
        reverse("disclosure:ledger", args=[code]),
        reverse("disclosure:progress", args=[code]),
        reverse("disclosure:contractors"),
        reverse("disclosure:projects_csv"),
        reverse("disclosure:oc4ids"),
        reverse("disclosure:votes"),
        reverse("disclosure:votes_json"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_public_pages_refuse_methods_they_do_not_serve(city, public_urls, method):
    client = Client()
    for url in public_urls:
        assert client.get(url).status_code == 200, url
        answer = getattr(client, method)(url)
        assert answer.status_code == 405, (url, answer.status_code)
        assert "GET" in answer["Allow"]


@pytest.mark.django_db
def test_signed_in_pages_refuse_them_too(client, city):
    client.force_login(city.street_a_staff)
    for url in [reverse("feedback:complaints"), reverse("projects:list"), reverse("reports")]:
        assert client.get(url).status_code == 200, url
        assert client.delete(url).status_code == 405, url
