"""On a phone (issue 22 item 4): the public map draws every estate and its street outline from the
portal's own GeoJSON with no tile server configured, and again with a tile server that cannot be
reached; the filters redraw it; tapping an estate opens its project's page."""

from decimal import Decimal

import pytest
from django.test import override_settings

from projects.models import Project
from tests import factories as f
from tests.e2e.conftest import PHONE
from tests.projects.conftest import project_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _place(estate, lng, lat):
    estate.longitude, estate.latitude = Decimal(lng), Decimal(lat)
    estate.save(update_fields=["longitude", "latitude"])


def _markers(page):
    page.locator("#city-map[data-ready='1']").wait_for()
    return page.locator("#city-map path.estate-marker")


def test_the_map_draws_without_a_tile_server(live_server, browser, shot):
    city = f.build_city()
    for estate, lng, lat in (
        (city.estate_a1, "108.3665", "22.8170"),
        (city.estate_a1b, "108.3701", "22.8199"),
        (city.estate_a2, "108.3602", "22.8230"),
        (city.estate_b1, "108.3300", "22.8000"),
    ):
        _place(estate, lng, lat)
    works = project_at(city, Project.Status.UNDER_CONSTRUCTION)
    base = live_server.url

    page = browser.new_context(**PHONE).new_page()
    tiles = []
    page.on("request", lambda r: tiles.append(r.url) if "tile" in r.url else None)
    page.goto(f"{base}/disclosure/")
    page.get_by_test_id("map-link").click()
    assert _markers(page).count() == 4
    assert page.locator("#city-map path.street-outline").count() == 1  # street A's (street B has one estate)
    assert "4" in page.get_by_test_id("map-count").inner_text() and tiles == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "map-00-no-tiles-phone")
    page.locator("#f-street").select_option(city.street_b.code)
    assert "1" in page.get_by_test_id("map-count").inner_text()
    page.locator("#f-street").select_option("")
    page.locator("#f-stage").select_option("building")
    assert "1" in page.get_by_test_id("map-count").inner_text()
    _markers(page).first.dispatch_event("click")  # a tap on the marker (no pixel hunting mid-zoom)
    link = page.get_by_role("link", name="查看项目页面")
    assert link.get_attribute("href") == f"/disclosure/projects/{works.code}/"
    shot(page, "map-01-popup-phone")
    link.dispatch_event("click")
    page.wait_for_url(f"{base}/disclosure/projects/{works.code}/")

    with override_settings(MAP_TILE_URL="http://127.0.0.1:9/tiles/{z}/{x}/{y}.png", MAP_TILE_ATTRIBUTION="测试底图"):
        away = browser.new_context(**PHONE).new_page()
        away.route("http://127.0.0.1:9/**", lambda route: route.abort())  # the tile server is down
        away.goto(f"{base}/disclosure/map/")
        assert _markers(away).count() == 4
        assert "测试底图" in away.locator(".leaflet-control-attribution").inner_text()
        shot(away, "map-02-tiles-unreachable-phone")
