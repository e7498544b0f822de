"""PETITION_REQUIRES_COUNCIL (issue 17, item 6): where the city puts the council first, a petition
starts only in an estate whose council is filed and in its term; the home page and the petition's
checklist say so."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from projects import selectors, services
from stakeholders import councils
from stakeholders.models import Council
from tests.stakeholders.test_councils import owners, record  # noqa: F401


@pytest.mark.django_db
def test_without_the_setting_a_petition_needs_no_council(city, settings):
    settings.PETITION_REQUIRES_COUNCIL = False
    assert city.estate_a1 in selectors.petitionable_estates(city.owner_a1.user)
    assert services.petition_start(resident=city.owner_a1, estate=city.estate_a1, reason="屋面漏水").pk


@pytest.mark.django_db
def test_council_first_refuses_then_allows_once_the_council_is_filed(city, owners, settings, client):  # noqa: F811
    settings.PETITION_REQUIRES_COUNCIL = True
    user = city.owner_a1.user
    assert selectors.petitionable_estates(user) == [] and selectors.estates_awaiting_council(user) == [city.estate_a1]
    with pytest.raises(PermissionDenied, match="先自治、后改造"):
        services.petition_start(resident=city.owner_a1, estate=city.estate_a1, reason="屋面漏水")
    client.force_login(user)
    home = client.get("/").content.decode()
    assert 'data-testid="council-first"' in home and "先自治、后改造" in home
    council = councils.council_election_file(election=record(city, owners), actor=city.street_a_staff)
    assert selectors.petitionable_estates(user) == [city.estate_a1]
    assert 'data-testid="council-first"' not in client.get("/").content.decode()
    petition = services.petition_start(resident=city.owner_a1, estate=city.estate_a1, reason="屋面漏水")
    page = client.get(reverse("projects:detail", args=[petition.project.code])).content.decode()
    assert "老友议事会必须已在街道办备案" in page
    # Past its term, the council no longer counts: the checklist shows the line unmet.
    Council.objects.filter(pk=council.pk).update(term_ends=timezone.localdate() - timedelta(days=1))
    assert "council" in selectors.petition_shortfalls(petition)
