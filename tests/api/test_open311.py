"""Open311 GeoReport v2: the spec's fields in JSON and XML, filters, POST with a token, and no
personal data in public reads."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from feedback.models import Complaint
from stakeholders.models import User
from tests import factories as f

from .test_api import world  # noqa: F401

SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


def xml_items(response, item: str) -> list[dict]:
    root = ElementTree.fromstring(response.content)
    return [{child.tag: child.text for child in node} for node in root.findall(item)]


@pytest.mark.django_db
def test_services_in_json_and_xml(client):
    services = client.get("/open311/v2/services.json").json()
    # Money and misconduct are not Open311 services: they go to the integrity channel (issue 21).
    assert {s["service_code"] for s in services} == set(Complaint.Category.values) - {"fund_use", "integrity"}
    assert all(set(s) == SERVICE_FIELDS and s["metadata"] is False and s["type"] == "realtime" for s in services)
    xml = client.get("/open311/v2/services.xml")
    assert xml["Content-Type"].startswith("text/xml")
    assert [s["service_code"] for s in xml_items(xml, "service")] == [s["service_code"] for s in services]
    definition = client.get("/open311/v2/services/quality.json").json()
    assert definition == {"service_code": "quality", "attributes": []}
    assert (
        ElementTree.fromstring(client.get("/open311/v2/services/quality.xml").content).find("service_code").text
        == "quality"
    )
    assert client.get("/open311/v2/services/nope.json").status_code == 404


@pytest.mark.django_db
def test_requests_public_reads_filters_and_window(client, city, world):

    tip = f.legacy_tip(world.project, city.owner_a1, "integrity", text="项目经理索要好处费")
    listed = client.get("/open311/v2/requests.json").json()
    assert [r["service_request_id"] for r in listed] == [str(world.complaint.pk)]  # the integrity tip is not public
    item = listed[0]
    assert (
        set(item) == REQUEST_FIELDS
        and item["status"] == "open"
        and item["agency_responsible"] == city.contractor_org.name
    )
    assert item["address_id"] == world.project.code
    body = client.get("/open311/v2/requests.json").content.decode()
    for private in ("墙皮脱落", "好处费", city.owner_a1.name, city.owner_a1.phone):
        assert private not in body
    xml = xml_items(client.get("/open311/v2/requests.xml"), "request")
    assert xml[0]["service_request_id"] == item["service_request_id"] and set(xml[0]) == REQUEST_FIELDS
    assert client.get("/open311/v2/requests.json?status=closed").json() == []
    assert len(client.get("/open311/v2/requests.json?status=open&service_code=quality").json()) == 1
    too_long = client.get(
        "/open311/v2/requests.json?start_date=2026-01-01T00:00:00%2B08:00&end_date=2026-06-01T00:00:00%2B08:00"
    )
    assert too_long.status_code == 400 and too_long.json()[0]["code"] == 400
    assert client.get("/open311/v2/requests.json?status=maybe").status_code == 400
    one = client.get(f"/open311/v2/requests/{world.complaint.pk}.json").json()
    assert one[0]["service_request_id"] == str(world.complaint.pk)
    assert client.get(f"/open311/v2/requests/{tip.pk}.json").status_code == 404
    assert ElementTree.fromstring(client.get(f"/open311/v2/requests/{tip.pk}.xml").content).tag == "errors"


@pytest.mark.django_db
def test_post_request_needs_a_token_and_files_a_complaint(city, world):
    token, _ = Token.objects.get_or_create(user=User.objects.get(pk=city.owner_a1.user_id))
    client = Client()
    fields = {
        "service_code": "nuisance",
        "description": "夜里十点还在切割钢管",
        "address_id": world.project.code,
        "address_string": "3栋",
    }
    assert client.post("/open311/v2/requests.json", fields).status_code == 403
    created = client.post("/open311/v2/requests.json", {**fields, "api_key": token.key})
    assert created.status_code == 201 and set(created.json()[0]) == {
        "service_request_id",
        "service_notice",
        "account_id",
    }
    complaint = Complaint.objects.get(pk=created.json()[0]["service_request_id"])
    assert (complaint.category, complaint.route, complaint.location) == ("nuisance", "works", "3栋")
    xml = client.post("/open311/v2/requests.xml", fields, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert xml.status_code == 201 and xml_items(xml, "request")[0]["service_request_id"]
    assert (
        client.post(
            "/open311/v2/requests.json", {**fields, "api_key": token.key, "description": "长" * 4001}
        ).status_code
        == 400
    )
    assert (
        client.post("/open311/v2/requests.json", {**fields, "api_key": token.key, "service_code": "x"}).status_code
        == 400
    )
    other, _ = Token.objects.get_or_create(user=User.objects.get(pk=city.owner_b1.user_id))
    assert (
        client.post("/open311/v2/requests.json", {**fields, "api_key": other.key}).status_code == 400
    )  # not their estate
    recent = client.get(
        "/open311/v2/requests.json", {"start_date": (timezone.now() - timedelta(hours=1)).isoformat()}
    ).json()
    assert str(complaint.pk) in {r["service_request_id"] for r in recent}


@pytest.mark.django_db
def test_open311_lists_keep_their_query_count(client, city, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from feedback import services as voice

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = ["/open311/v2/requests.json", "/open311/v2/requests.xml", "/open311/v2/services.json"]
    small = [count(u) for u in urls]
    for k in range(10):
        voice.complaint_file(
            project=world.project, actor=User.objects.get(pk=city.owner_a1.user_id), category="quality", text=f"问题{k}"
        )
    assert [count(u) for u in urls] == small and max(small) <= 3


@pytest.mark.django_db
def test_what_a_real_georeport_client_found(client, city, world):
    """Field test with the `georeport` client: a status list refused, service_request_id still
    filtered by status and the window, street-routed complaints hidden against the docs, lat/long as
    strings, POST demanding address_id and ignoring lat/long and media_url, error bodies not the spec's."""
    from feedback import services as voice
    from projects import services as project_services
    from projects.models import Project
    from stakeholders.models import Estate

    Estate.objects.filter(pk__in=[city.estate_a1.pk, city.estate_b1.pk]).update(
        latitude="22.817000", longitude="108.336000"
    )
    # a works complaint that went to the street office for want of a contractor is public
    planning = project_services.project_create(estate=city.estate_b1, title="乙一小区改造", actor=None)
    Project.objects.filter(pk=planning.pk).update(status=Project.Status.PLANNING)
    planning.refresh_from_db()
    street_routed = voice.complaint_file(
        project=planning, actor=User.objects.get(pk=city.owner_b1.user_id), category="quality", text="路面塌陷"
    )
    assert street_routed.route == "street"
    both = client.get("/open311/v2/requests.json?status=open,closed").json()
    assert {r["service_request_id"] for r in both} == {str(world.complaint.pk), str(street_routed.pk)}
    assert all(isinstance(r["lat"], float) and isinstance(r["long"], float) for r in both)
    old = timezone.now() - timedelta(days=200)
    Complaint.objects.filter(pk=world.complaint.pk).update(filed_at=old, status="closed")
    by_id = client.get(f"/open311/v2/requests.json?service_request_id={world.complaint.pk}&status=open").json()
    assert [r["service_request_id"] for r in by_id] == [str(world.complaint.pk)]  # the id wins over status and window
    # errors in the spec's shape, JSON and XML, for unknown URLs too
    for url in ("/open311/v2/nothing.json", "/open311/v2/requests/999999999999999999999.json"):
        response = client.get(url)
        assert response.status_code == 404 and set(response.json()[0]) == {"code", "description"}, url
    xml = client.get("/open311/v2/nothing.xml")
    assert xml.status_code == 404 and ElementTree.fromstring(xml.content).tag == "errors"
    discovery = client.get("/open311/v2/discovery.json").json()
    assert (
        discovery["endpoints"][0]["url"].endswith("/open311/v2/")
        and "application/json" in discovery["endpoints"][0]["formats"]
    )
    assert ElementTree.fromstring(client.get("/open311/v2/discovery.xml").content).tag == "discovery"


@pytest.mark.django_db
def test_post_by_point_or_address_keeps_the_point_and_the_photo_link(city, world):
    token, _ = Token.objects.get_or_create(user=User.objects.get(pk=city.owner_a1.user_id))
    estate = world.project.estate
    estate.latitude, estate.longitude = "22.817000", "108.336000"
    estate.save(update_fields=["latitude", "longitude"])
    client = Client()
    by_point = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": token.key,
            "service_code": "safety",
            "description": "脚手架没有防护网",
            "lat": "22.8172",
            "long": "108.3361",
            "media_url": "https://img.example.cn/p/123.jpg",
        },
    )
    assert by_point.status_code == 201, by_point.content
    complaint = Complaint.objects.get(pk=by_point.json()[0]["service_request_id"])
    assert complaint.project == world.project and str(complaint.latitude) == "22.817200"
    assert complaint.media_url == "https://img.example.cn/p/123.jpg"
    public = Client().get(f"/open311/v2/requests/{complaint.pk}.json").json()[0]
    assert public["media_url"] == "" and public["lat"] == 22.817  # the estate's point, not the filer's
    by_address = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": token.key,
            "service_code": "nuisance",
            "description": "夜间施工",
            "address_string": f"{estate.name}3栋",
        },
    )
    assert by_address.status_code == 201
    far = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": token.key,
            "service_code": "nuisance",
            "description": "夜间施工",
            "lat": "39.9",
            "long": "116.4",
        },
    )
    assert far.status_code == 400 and far.json()[0]["code"] == 400
    bad = client.post(
        "/open311/v2/requests.json",
        {"api_key": token.key, "service_code": "nuisance", "description": "x", "lat": "north"},
    )
    assert bad.status_code == 400
