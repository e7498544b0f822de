"""Policy and rights in plain words (issue 18, item 6): the housing bureau writes a page per topic,
the portal's own rules show until it does, and the steps where they matter link to them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from portal import guides, permissions
from portal.models import GuidePage


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, allowed",
    [("admin", True), ("bureau", True), ("street_a_manager", False), ("comm_a1_staff", False), ("owner", False)],
)
def test_who_writes_the_pages(city, role, allowed):
    user = city.owner_a1.user if role == "owner" else getattr(city, role)
    assert permissions.can_edit_guides(user) is allowed
    if allowed:
        page = guides.guide_publish(actor=user, topic="your-rights", text="第一段\n\n\n第二段\r\n\r\n")
        assert page.paragraphs == ["第一段", "第二段"]
    else:
        with pytest.raises(PermissionDenied):
            guides.guide_publish(actor=user, topic="your-rights", text="第一段")


@pytest.mark.django_db
def test_pages_show_the_portals_rules_until_the_bureau_writes(city, client, settings, django_assert_max_num_queries):
    settings.PLAN_COMMENT_DAYS = 10
    with django_assert_max_num_queries(2):
        index = client.get(reverse("guides")).content.decode()
    assert index.count("尚未编写") == 3  # policy, rights, contacts wait for the city; votes and objections do not
    with django_assert_max_num_queries(2):
        votes = client.get(reverse("guide", args=["vote-counting"])).content.decode()
    assert "三分之二以上" in votes and "四分之三以上" in votes and "本平台执行的规则" in votes
    assert "至少 10 天" in client.get(reverse("guide", args=["how-to-object"])).content.decode()
    assert "住建局尚未编写本页" in client.get(reverse("guide", args=["whom-to-call"])).content.decode()
    assert client.get(reverse("guide", args=["nope"])).status_code == 404
    bureau = client_for(city.bureau)
    url = reverse("guide", args=["whom-to-call"])
    bad = bureau.post(url, {"text": " \n\n "})
    assert bad.status_code == 400 and "请写下页面内容" in bad.content.decode()
    assert bureau.post(url, {"text": "社区居委会：0771-1\n\n街道办：0771-2"}).status_code == 302
    page = client.get(url).content.decode()
    assert "<p>街道办：0771-2</p>" in page and "住建局编写" in page and 'data-testid="guide-form"' not in page
    assert client_for(city.street_a_staff).post(url, {"text": "改"}).status_code == 403
    assert client.put(url).status_code == 405
    assert GuidePage.objects.count() == 1
    with pytest.raises(ValidationError):
        guides.guide_publish(actor=city.bureau, topic="city-policy", text="")


@pytest.mark.django_db
def test_the_steps_link_to_the_pages(city, client):
    home = client.get("/").content.decode()
    assert reverse("guides") in home  # the footer, on every page
    from tests.projects.conftest import project_at

    project = project_at(city, "planning")
    from projects import services

    v1 = services.plan_version_start(project=project, actor=city.comm_a1_staff)
    from tests.projects.test_needs_plan import add_item

    add_item(v1, city.comm_a1_staff)
    services.plan_version_publish(version=v1, actor=city.street_a_manager)
    plan = client.get(reverse("projects:plan", args=[project.code, 1])).content.decode()
    assert reverse("guide", args=["how-to-object"]) in plan
