"""The one-object check (permissions.can_view_project, used on the hot path of casting a ballot)
and the list filter (selectors.projects_visible_to) decide alike, for every person and project."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from projects import permissions, selectors, services
from projects.models import Project, Vote
from stakeholders.models import User
from tests.disclosure.conftest import adopted_project, award, publish_budget


@pytest.mark.django_db
def test_one_project_check_and_list_filter_agree_for_everyone(city):
    w = adopted_project(city)
    publish_budget(city, w)
    award(city, w)  # the contractor and supervisor get guardian grants on this one project
    for estate in (city.estate_a1b, city.estate_a2, city.estate_b1):
        services.project_create(estate=estate, title=f"{estate.name}改造", actor=None)
    people = [AnonymousUser()] + [User.objects.get(pk=u.pk) for u in User.objects.all()]
    checked = 0
    for person in people:
        listed = set(selectors.projects_visible_to(person).values_list("pk", flat=True))
        for project in Project.objects.select_related("estate__community"):
            assert permissions.can_view_project(person, project) == (project.pk in listed), (person, project)
            checked += 1
    assert checked >= 4 * len(people) and len(people) > 10


@pytest.mark.django_db
def test_vote_by_code_is_none_outside_the_voters_scope(city):
    w = adopted_project(city)
    manager = User.objects.get(pk=city.street_a_manager.pk)
    vote = services.vote_create(
        project=w.project,
        purpose=Vote.Purpose.OTHER,
        title="加装电梯",
        matter=Vote.Matter.ORDINARY,
        opens_at=timezone.now(),
        closes_at=timezone.now() + timezone.timedelta(days=3),
        actor=manager,
    )
    assert selectors.vote_visible_to(User.objects.get(pk=city.owner_a1.user_id), vote.code) == vote
    assert selectors.vote_visible_to(User.objects.get(pk=city.owner_b1.user_id), vote.code) is None
    assert selectors.vote_visible_to(AnonymousUser(), vote.code) is None
    assert selectors.vote_visible_to(manager, "no-such-vote") is None
