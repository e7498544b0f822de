import pytest
from django.utils import timezone

from projects import services
from projects.models import Project
from stakeholders import services as people_services
from tests import factories as f


@pytest.fixture
def owners(city):
    """Three more verified owners of estate a1 (homes 2..4), none a Party member."""
    return [f.verified_owner(home) for home in city.homes_a1[2:5]]


@pytest.fixture
def council_a1(city, owners):
    """owners[0] sits on estate a1's council (老友议事会)."""
    council = people_services.council_register(estate=city.estate_a1, actor=city.street_a_staff)
    people_services.council_member_add(council=council, resident=owners[0], actor=city.street_a_staff)
    return owners[0]


def project_at(city, status: str) -> Project:
    """A project of estate a1 put straight into `status` (setup only; transitions are tested elsewhere)."""
    project = services.project_create(estate=city.estate_a1, title="甲一小区改造", actor=None)
    Project.objects.filter(pk=project.pk).update(status=status, status_changed_at=timezone.now())
    project.refresh_from_db()
    return project
