"""The city on a map (issue 22 item 4): `/disclosure/estates.geojson` is valid RFC 7946 GeoJSON (WGS
84, [longitude, latitude], closed counter-clockwise rings) with each estate's stage and no personal
data, in a fixed number of queries at any size; the page needs no tile server; the bureau's layer of
workloads is the bureau's alone."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from approvals import services as approval_services
from approvals.models import Review
from disclosure.geo import _hull
from projects.models import Project
from stakeholders.models import Organization
from tests import factories as f
from tests.disclosure.conftest import adopted_project
from tests.projects.conftest import project_at

URL = "/disclosure/estates.geojson"


def ring_area(ring) -> float:
    """Twice the signed area (shoelace): positive when counter-clockwise."""
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:], strict=False))


def rfc7946_errors(doc) -> list[str]:
    """The parts of RFC 7946 the portal's document uses, checked one by one."""
    errors = []
    if doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        return ["not a FeatureCollection"]
    if "crs" in doc:
        errors.append("crs is not RFC 7946 (WGS 84 only)")
    for feature in doc["features"]:
        if feature.get("type") != "Feature" or not isinstance(feature.get("properties"), dict):
            errors.append(f"{feature.get('id')}: not a Feature with properties")
        geometry = feature["geometry"]
        if geometry["type"] == "Point":
            positions = [geometry["coordinates"]]
        elif geometry["type"] == "Polygon":
            rings = geometry["coordinates"]
            positions = [p for ring in rings for p in ring]
            for ring in rings:
                if len(ring) < 4 or ring[0] != ring[-1]:
                    errors.append(f"{feature['id']}: a ring is not closed or has fewer than 4 positions")
            if ring_area(rings[0]) <= 0:
                errors.append(f"{feature['id']}: the exterior ring is not counter-clockwise")
        else:
            errors.append(f"{feature['id']}: unexpected geometry {geometry['type']}")
            continue
        for lng, lat in positions:
            if not (-180 <= lng <= 180 and -90 <= lat <= 90):
                errors.append(f"{feature['id']}: {lng},{lat} is not [longitude, latitude]")
    return errors


def place(estate, lng, lat):
    estate.longitude, estate.latitude = Decimal(str(lng)), Decimal(str(lat))
    estate.save(update_fields=["longitude", "latitude"])


@pytest.mark.django_db
def test_the_geojson_is_valid_and_says_each_estates_stage(city, client):
    place(city.estate_a1, 108.366543, 22.817002)
    place(city.estate_a1b, 108.3701, 22.8199)
    place(city.estate_a2, 108.3602, 22.8230)
    # b1 has no coordinates: not on the map
    works = project_at(city, Project.Status.UNDER_CONSTRUCTION)
    project_at(city, Project.Status.PETITIONING)  # newer, not public: the under-construction one shows
    answer = client.get(URL)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/geo+json"
    doc = json.loads(answer.content)
    assert rfc7946_errors(doc) == []
    estates = {f["id"]: f for f in doc["features"] if f["properties"]["kind"] == "estate"}
    assert set(estates) == {city.estate_a1.code, city.estate_a1b.code, city.estate_a2.code}
    a1 = estates[city.estate_a1.code]
    assert a1["geometry"]["coordinates"] == [108.366543, 22.817002]  # longitude first
    props = a1["properties"]
    assert (props["status"], props["stage"], props["project"]) == ("under_construction", "building", works.code)
    assert props["url"] == reverse("disclosure:project", args=[works.code])
    assert estates[city.estate_a2.code]["properties"]["stage"] == "none"
    [outline] = [f for f in doc["features"] if f["properties"]["kind"] == "street"]  # street A: three estates
    assert outline["properties"]["street"] == city.street_a.code
    assert outline["properties"]["boundary"] == "convex_hull_of_estates"
    # no personal data: only places, codes and stages
    text = answer.content.decode()
    assert city.owner_a1.name not in text and city.owner_a1.phone not in text


def test_the_hull_is_closed_counter_clockwise_and_skips_lines():
    ring = _hull([(0, 0), (2, 0), (1, 1), (2, 2), (0, 2)])
    assert ring[0] == ring[-1] and len(ring) == 5 and ring_area(ring) > 0
    assert _hull([(0, 0), (1, 1), (2, 2)]) == [] and _hull([(0, 0), (1, 1)]) == []


@pytest.mark.django_db
def test_the_map_is_one_request_with_fixed_queries(city, client, django_assert_max_num_queries):
    place(city.estate_a1, 108.36, 22.81)
    client.get(URL)
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    for n in range(30):  # ten times the estates, with projects
        north = Decimal("22.8") + Decimal(n) / 1000
        estate = f.EstateFactory(community=city.comm_a2, latitude=north, longitude=Decimal("108.3"))
        Project.objects.create(estate=estate, title="改造", code=f"p-{n}", status=Project.Status.PLANNING)
    with django_assert_max_num_queries(len(small.captured_queries)):
        doc = json.loads(client.get(URL).content)
    assert len([f for f in doc["features"] if f["properties"]["kind"] == "estate"]) == 31
    with django_assert_max_num_queries(4):
        page = client.get(reverse("disclosure:map"))
    assert page.status_code == 200


@pytest.mark.django_db
def test_the_page_and_the_bureaus_workloads(city):
    page = Client().get(reverse("disclosure:map")).content.decode()
    config = json.loads(page.split('id="map-config" type="application/json">')[1].split("</script>")[0])
    assert config["tiles"] == "" and config["workloads"] == ""  # no tile server by default; no workloads
    assert "leaflet-1.9.4/leaflet.js" in page and "//unpkg" not in page and "cdn" not in page.lower()
    workloads = reverse("disclosure:map_workloads")
    resident = Client()
    resident.force_login(city.owner_a1.user)
    assert resident.get(workloads).status_code == 403
    # an approval matter past its day, and an open complaint, at estate a1
    department = f.organization(Organization.Kind.DEPARTMENT, "消防")
    f.staff(department, "fire")
    approval_services.matter_save(actor=city.bureau, name="消防审查", department=department, time_limit=5)
    p = adopted_project(city)
    approval_services.submit(project=p.project, actor=city.street_a_staff)
    Review.objects.update(due_on=timezone.localdate() - timedelta(days=1))
    f.legacy_tip(p.project, city.owner_a1)  # a complaint still open
    bureau = Client()
    bureau.force_login(city.bureau)
    config = json.loads(
        bureau.get(reverse("disclosure:map"))
        .content.decode()
        .split('id="map-config" type="application/json">')[1]
        .split("</script>")[0]
    )
    assert config["workloads"] == workloads
    loads = bureau.get(workloads).json()
    assert loads == {city.estate_a1.code: {"late_matters": 1, "open_complaints": 1}}


@pytest.mark.django_db
def test_a_configured_tile_server_is_let_into_the_map_page_alone(client, settings):
    settings.MAP_TILE_URL = "https://t0.tianditu.gov.cn/vec_w/{z}/{x}/{y}?tk=KEY"
    page = client.get(reverse("disclosure:map"))
    policy = page["Content-Security-Policy"]
    assert "img-src 'self' data: blob: https://t0.tianditu.gov.cn" in policy
    assert "tianditu" not in client.get(reverse("disclosure:index"))["Content-Security-Policy"]
