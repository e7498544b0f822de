"""Projects to complain about and to survey, built through the real services; a bulk builder for
estates with many households (each with a verified voting owner who has a phone)."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from projects import services as project_services
from projects.models import Award, Project
from stakeholders.models import Building, Household, Ownership, Resident, User
from stakeholders.notifications import LocmemSmsBackend
from tests import factories as f
from tests.disclosure.conftest import adopted_project, award, publish_budget  # noqa: F401
from tests.projects.conftest import council_a1, owners, project_at  # noqa: F401


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    LocmemSmsBackend.outbox.clear()
    yield
    LocmemSmsBackend.outbox.clear()


@pytest.fixture
def works(city):
    """A project of estate a1 under construction, built by city.contractor_org and supervised by
    city.supervisor_org (awarded through the real service)."""
    p = adopted_project(city)
    publish_budget(city, p)
    award(city, p)
    Project.objects.filter(pk=p.project.pk).update(status=Project.Status.UNDER_CONSTRUCTION)
    p.project.refresh_from_db()
    return p.project


def bulk_estate(city, n: int, *, community=None, with_accounts: int | None = None) -> SimpleNamespace:
    """An estate of `n` households in community A1 (street A); the first `with_accounts` (all by
    default) have a verified voting owner with a portal account and a phone. Bulk inserts: setup
    only — the behaviour under test goes through the services."""
    with_accounts = n if with_accounts is None else with_accounts
    estate = f.EstateFactory(community=community or city.comm_a1)
    building = Building.objects.create(estate=estate, number="1", floors=30)
    homes = Household.objects.bulk_create(
        [
            Household(
                building=building, unit=str(1 + i // 200), floor=1 + (i % 200) // 8, room=f"{i:04d}", area_m2="60.00"
            )
            for i in range(n)
        ]
    )
    password = make_password(f.PASSWORD)
    stamp = estate.pk * 100000
    users = User.objects.bulk_create(
        [User(username=f"bulk{stamp + i}", password=password) for i in range(with_accounts)]
    )
    residents = Resident.objects.bulk_create(
        [Resident(user=u, name=f"业主{i}", phone=f"13{(stamp + i) % 10**9:09d}") for i, u in enumerate(users)]
    )
    Ownership.objects.bulk_create(
        [
            Ownership(resident=r, household=h, status=Ownership.Status.VERIFIED, is_voting_owner=True, proof="x.png")
            for r, h in zip(residents, homes)
        ]
    )
    return SimpleNamespace(estate=estate, building=building, homes=homes, residents=residents)


def completed_project(city, estate, *, days_ago: int = 31, contractor=None) -> Project:
    """A project of `estate`, completed `days_ago` days ago, built by `contractor` (default city's)."""
    project = project_services.project_create(estate=estate, title=f"{estate.name}改造", actor=None)
    Project.objects.filter(pk=project.pk).update(
        status=Project.Status.COMPLETED, completed_on=timezone.localdate() - timedelta(days=days_ago)
    )
    Award.objects.create(project=project, role=Award.Role.CONTRACTOR, organization=contractor or city.contractor_org)
    project.refresh_from_db()
    return project


@pytest.fixture
def surveyed(city):
    """A completed project of a 12-household estate (8 with portal accounts), its survey open."""
    from feedback import services

    built = bulk_estate(city, 12, with_accounts=8)
    project = completed_project(city, built.estate)
    survey = services.survey_open(project=project, kind="completion")
    return SimpleNamespace(**vars(built), project=project, survey=survey)


def answers(score: int = 4, **override) -> dict:
    from feedback.models import Response

    return {q: override.get(q, score) for q in Response.QUESTIONS}
