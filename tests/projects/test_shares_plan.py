"""Scope and method per plan item (issue 19 item 1): the residents' part of an item is shared by the
estate, one building or one entrance, by area, by agreed floor coefficients × area, or equally;
checked when the item is added, carried into the next version (and its change list), and turned
into each owner's figure on the budget page with how it was computed."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from disclosure import selectors as pub
from projects import services, shares
from projects.models import PlanItem, PlanVersion, Project
from tests import factories as f
from tests.projects.conftest import project_at
from tests.projects.test_needs_plan import item
from tests.stakeholders.test_services import codes

S = Project.Status
COEFFICIENTS = {"1": Decimal("0"), "2": Decimal("0.5"), "3": Decimal("1")}


@pytest.fixture
def elevator_estate(city):
    """Estate a1 gets a second building with two entrances of six households each (floors 1–3)."""
    building = f.BuildingFactory(estate=city.estate_a1, number="2")
    return building, f.households(building, 6, unit="1") + f.households(building, 6, unit="2")


def add(version, actor, **sharing):
    return services.plan_item_add(
        version=version,
        actor=actor,
        catalog_item=item("elevator"),
        description="2栋1单元加装电梯",
        quantity=Decimal("1"),
        unit="部",
        estimated_cost=Decimal("600000.00"),
        funding={"central_subsidy": Decimal("300000.00"), "residents": Decimal("300000.00")},
        **sharing,
    )


@pytest.mark.django_db
def test_sharing_is_checked_when_the_item_is_added(city, elevator_estate):
    building, _homes = elevator_estate
    project = project_at(city, S.PLANNING)
    v1 = services.plan_version_start(project=project, actor=city.comm_a1_staff)
    other_estate_building = city.homes_b1[0].building
    for sharing, code in [
        ({"share_scope": "building"}, "building_required"),
        ({"share_scope": "building", "share_building": other_estate_building}, "building_required"),
        ({"share_scope": "entrance", "share_building": building}, "entrance_required"),
        ({"share_scope": "entrance", "share_building": building, "share_entrance": "9"}, "no_households"),
        (
            {"share_scope": "entrance", "share_building": building, "share_entrance": "1", "share_method": "floor"},
            "coefficients_required",
        ),
        (
            {
                "share_scope": "building",
                "share_building": building,
                "share_method": "floor",
                "share_coefficients": {"1": Decimal("0"), "2": Decimal("1")},
            },
            "coefficients_required",  # floor 3 has none
        ),
        (
            {
                "share_scope": "building",
                "share_building": building,
                "share_method": "floor",
                "share_coefficients": {k: Decimal(0) for k in "123"},
            },
            "all_zero",
        ),
        ({"share_method": "area", "share_coefficients": COEFFICIENTS}, "no_coefficients"),
    ]:
        with pytest.raises(ValidationError) as error:
            add(v1, city.comm_a1_staff, **sharing)
        assert codes(error.value) == {code}, sharing
    assert PlanItem.objects.count() == 0


@pytest.mark.django_db
def test_an_entrance_shares_its_elevator_by_floor_and_the_next_version_keeps_it(city, elevator_estate, client):
    building, homes = elevator_estate
    project = project_at(city, S.PLANNING)
    v1 = services.plan_version_start(project=project, actor=city.comm_a1_staff)
    lift = add(
        v1,
        city.comm_a1_staff,
        share_scope="entrance",
        share_building=building,
        share_entrance="1",
        share_method="floor",
        share_coefficients=COEFFICIENTS,
    )
    (computed,) = shares.estate_shares([lift], city.estate_a1.pk)
    entrance = [h for h in homes if h.unit == "1"]
    assert [h.household for h in computed.households] == sorted(entrance, key=lambda h: (h.floor, h.room))
    assert sum(h.share for h in computed.households) == Decimal("300000.00")
    ground = [h for h in computed.households if h.household.floor == 1]
    assert {h.share for h in ground} == {Decimal("0.00")}  # coefficient 0: the ground floor pays nothing
    # Exactly the rule: weight = coefficient × area, shares in proportion, to the fen.
    weights = [COEFFICIENTS[str(h.floor)] * h.area_m2 for h in sorted(entrance, key=lambda h: (h.floor, h.room))]
    assert [h.share for h in computed.households] == shares.allocate(Decimal("300000.00"), weights)
    services.plan_version_publish(version=v1, actor=city.street_a_manager)
    text = client.get(reverse("projects:plan", args=[project.code, 1])).content.decode()  # public once published
    assert "2栋1单元的住户分摊" in text and "按楼层系数×面积" in text and "3层：1" in text
    PlanVersion.objects.filter(pk=v1.pk).update(status=PlanVersion.Status.SUPERSEDED)
    v2 = services.plan_version_start(project=project, actor=city.comm_a1_staff)
    copied = v2.items.get()
    assert (copied.share_scope, copied.share_building, copied.share_entrance, copied.share_method) == (
        "entrance",
        building,
        "1",
        "floor",
    )
    assert copied.share_coefficients == {"1": "0", "2": "0.5", "3": "1"}


@pytest.mark.django_db
def test_each_owner_sees_their_figure_and_how_it_was_computed(city, elevator_estate, django_assert_max_num_queries):
    building, homes = elevator_estate
    owner = f.verified_owner(homes[4])  # entrance 1, floor 3
    project = project_at(city, S.PLANNING)
    v1 = services.plan_version_start(project=project, actor=city.comm_a1_staff)
    add(
        v1,
        city.comm_a1_staff,
        share_scope="entrance",
        share_building=building,
        share_entrance="1",
        share_method="floor",
        share_coefficients=COEFFICIENTS,
    )
    PlanVersion.objects.filter(pk=v1.pk).update(status=PlanVersion.Status.ADOPTED)
    budget = pub.Budget.objects.create(project=project, total=Decimal("600000.00"), drafted_by=city.street_a_staff)
    with django_assert_max_num_queries(5):
        (figure,) = pub.residents_share(owner.user, project, budget)
    (part,) = figure.items
    assert (part.coefficient, part.households, figure.total) == (Decimal("1"), 6, part.share)
    assert part.share > 0
    # Owners of the other entrance, and of building 1, pay nothing for this elevator.
    assert pub.residents_share(city.owner_a1.user, project, budget) is None
    assert pub.residents_share(f.verified_owner(homes[10]).user, project, budget) is None


@pytest.mark.django_db
def test_a_200_household_estate_in_a_fixed_number_of_queries(city, django_assert_max_num_queries):
    estate = f.EstateFactory(community=city.comm_a1)
    for n in range(1, 11):
        f.households(f.BuildingFactory(estate=estate, number=str(n)), 20)
    project = services.project_create(estate=estate, title="大改造", actor=None)
    v1 = PlanVersion.objects.create(project=project, number=1, status=PlanVersion.Status.ADOPTED)
    items = []
    for n, method in enumerate(["area", "equal", "area"]):
        it = PlanItem.objects.create(
            version=v1,
            catalog_item=item("roof"),
            description=f"项目{n}",
            quantity=Decimal("1"),
            unit="项",
            estimated_cost=Decimal("99999.99"),
            share_method=method,
        )
        it.funding.create(source="residents", amount=Decimal("99999.99"))
        items.append(it)
    loaded = list(PlanItem.objects.filter(version=v1).prefetch_related("funding").order_by("id"))
    with django_assert_max_num_queries(1):
        computed = shares.estate_shares(loaded, estate.pk)
    assert [len(c.households) for c in computed] == [200, 200, 200]
    assert all(sum(h.share for h in c.households) == Decimal("99999.99") for c in computed)


@pytest.mark.django_db
def test_a_ground_floor_compensation_is_its_own_line_shared_like_the_residents_part(city, elevator_estate):
    building, homes = elevator_estate
    project = project_at(city, S.PLANNING)
    v1 = services.plan_version_start(project=project, actor=city.comm_a1_staff)
    entrance = dict(share_scope="entrance", share_building=building, share_entrance="1", share_method="floor")
    funding = {"central_subsidy": Decimal("300000.00"), "residents": Decimal("300000.00")}

    def lift(line, **kw):
        return services.plan_item_add(
            version=v1,
            actor=city.comm_a1_staff,
            catalog_item=item("elevator"),
            description="2栋1单元加装电梯",
            quantity=Decimal("1"),
            unit="部",
            estimated_cost=Decimal("600000.00") + line,
            funding=funding | ({"compensation": line} if line else {}),
            share_coefficients=COEFFICIENTS,
            **entrance,
            **kw,
        )

    for line, kw, code in [
        (Decimal("0"), {"compensation_per_household": Decimal("5000")}, "compensation_incomplete"),
        (
            Decimal("10000.00"),
            {"compensation_per_household": Decimal("5000"), "compensation_floors": [9]},
            "compensation_no_households",
        ),
        (
            Decimal("9000.00"),
            {"compensation_per_household": Decimal("5000"), "compensation_floors": [1]},
            "compensation_line",
        ),
    ]:
        with pytest.raises(ValidationError) as error:
            lift(line, **kw)
        assert codes(error.value) == {code}
    with pytest.raises(ValidationError) as area:
        services.plan_item_add(
            version=v1,
            actor=city.comm_a1_staff,
            catalog_item=item("roof"),
            description="屋面",
            quantity=Decimal("1"),
            unit="项",
            estimated_cost=Decimal("1000.00"),
            funding={"residents": Decimal("900.00"), "compensation": Decimal("100.00")},
        )
    assert codes(area.value) == {"compensation_floor_method"}
    # Two ground-floor households of entrance 1 × ¥5,000: the fund is ¥10,000, shared with the rest.
    added = lift(Decimal("10000.00"), compensation_per_household=Decimal("5000"), compensation_floors=[1])
    (computed,) = shares.estate_shares(
        [PlanItem.objects.prefetch_related("funding").get(pk=added.pk)], city.estate_a1.pk
    )
    assert sum(h.share for h in computed.households) == Decimal("310000.00")
    ground = [h.household.pk for h in computed.households if h.household.floor == 1]
    (figure,) = shares.figures([computed], ground[:1])
    assert figure.items[0].receives == Decimal("5000") and figure.total == Decimal("0.00")


@pytest.mark.django_db
def test_the_plan_votes_notice_tells_each_voter_their_share(city, elevator_estate):
    from datetime import timedelta

    from django.utils import timezone

    from stakeholders.models import Notification

    building, homes = elevator_estate
    third, ground = f.verified_owner(homes[4]), f.verified_owner(homes[0])
    project = project_at(city, S.PLANNING)
    v1 = services.plan_version_start(project=project, actor=city.comm_a1_staff)
    add(
        v1,
        city.comm_a1_staff,
        share_scope="entrance",
        share_building=building,
        share_entrance="1",
        share_method="floor",
        share_coefficients=COEFFICIENTS,
    )
    services.plan_version_publish(version=v1, actor=city.street_a_manager)
    PlanVersion.objects.filter(pk=v1.pk).update(published_at=timezone.now() - timedelta(days=8))
    f.management(v1)
    services.plan_vote_call(version=PlanVersion.objects.get(pk=v1.pk), actor=city.street_a_manager)
    (computed,) = shares.estate_shares(
        list(PlanItem.objects.filter(version=v1).prefetch_related("funding")), city.estate_a1.pk
    )
    expected = computed.of(homes[4].pk).share
    told = Notification.objects.get(kind="plan_vote_opened", user=third.user)
    assert told.params["share"] == f"{expected:,.2f}" and f"¥{expected:,.2f}" in told.text
    assert Notification.objects.get(kind="plan_vote_opened", user=ground.user).params["share"] == "0.00"
    assert Notification.objects.get(kind="plan_vote_opened", user=city.owner_a1.user).params["share"] == "0.00"
    assert not Notification.objects.filter(kind="vote_opened").exists()
