"""The agreed method (issue 19 item 1): where the owners decided their own split (Civil Code art.
283, 有约定的按照约定), each household in scope has the weight they agreed, written by
building-entrance-room; the decision in words goes with the plan version and is adopted with its
vote; the public sees weights by building, entrance and floor, never rooms."""

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from disclosure.models import Budget
from projects import services, shares
from projects.models import PlanItem, PlanVersion, Project
from projects.plan_changes import changes_from_previous
from tests import factories as f
from tests.projects.conftest import project_at
from tests.projects.test_hearings import client_for
from tests.projects.test_needs_plan import item
from tests.projects.test_shares_plan import add, elevator_estate  # noqa: F401
from tests.stakeholders.test_services import codes

S = Project.Status
AGREEMENT = "2026年10月12日本单元业主协商：一楼不出资，二楼减半，其余每户相同"


def test_weights_are_read_as_typed():
    typed = "1-1-101: 0\n102：0，2-1-201 = 0.5; 其余: 1\n301 1.2"
    assert shares.parse_weights(typed.replace(";", "，")) == {
        "1-1-101": Decimal("0.00"),
        "102": Decimal("0.00"),
        "2-1-201": Decimal("0.50"),
        "*": Decimal("1.00"),
        "301": Decimal("1.20"),
    }
    assert shares.parse_weights("1—1—101：0") == {"1-1-101": Decimal("0.00")}
    for bad in ("101", "101: -1", "101: 1.234", "101: 101", "101: NaN", ": 1", "101: 1e400"):
        with pytest.raises(ValueError):
            shares.parse_weights(bad)


def agreed(version, actor, building, weights, **more):
    return add(
        version,
        actor,
        share_scope="entrance",
        share_building=building,
        share_entrance="1",
        share_method="agreed",
        share_agreement=more.pop("share_agreement", AGREEMENT),
        share_weights=shares.parse_weights(weights),
        **more,
    )


@pytest.mark.django_db
def test_the_agreed_weights_are_checked_household_by_household(city, elevator_estate):  # noqa: F811
    building, _homes = elevator_estate  # entrance 1: rooms 101 102 201 202 301 302
    v1 = services.plan_version_start(project=project_at(city, S.PLANNING), actor=city.comm_a1_staff)
    for weights, more, code in [
        ("101: 0, 其余: 1", {"share_agreement": " "}, "agreement_required"),
        ("", {}, "weights_required"),
        ("9-9-901: 1, 其余: 1", {}, "weights_unknown"),
        ("2-2-101: 1, 其余: 1", {}, "weights_unknown"),  # another entrance's: out of scope
        ("101: 0, 102: 0", {}, "weights_missing"),
        ("其余: 0", {}, "all_zero"),
    ]:
        with pytest.raises(ValidationError) as error:
            agreed(v1, city.comm_a1_staff, building, weights, **more)
        assert codes(error.value) == {code}, weights
    # Over the whole building, "101" is two households (one per entrance).
    with pytest.raises(ValidationError) as error:
        add(
            v1,
            city.comm_a1_staff,
            share_scope="building",
            share_building=building,
            share_method="agreed",
            share_agreement=AGREEMENT,
            share_weights=shares.parse_weights("101: 0, 其余: 1"),
        )
    assert codes(error.value) == {"weights_ambiguous"}
    # Weights go with the agreed method only.
    with pytest.raises(ValidationError) as error:
        add(v1, city.comm_a1_staff, share_method="area", share_weights={"*": Decimal("1")})
    assert codes(error.value) == {"no_weights"}
    assert PlanItem.objects.count() == 0


@pytest.mark.django_db
def test_an_agreed_split_is_shared_by_its_weights_shown_without_rooms_and_kept(city, elevator_estate, client):  # noqa: F811
    building, homes = elevator_estate
    project = project_at(city, S.PLANNING)
    v1 = services.plan_version_start(project=project, actor=city.comm_a1_staff)
    lift = agreed(v1, city.comm_a1_staff, building, "101: 0\n102: 0\n2-1-201: 0.5\n202: 0.5\n其余: 1")
    entrance = sorted((h for h in homes if h.unit == "1"), key=lambda h: (h.floor, h.room))
    expected = {"101": "0.00", "102": "0.00", "201": "0.50", "202": "0.50", "301": "1.00", "302": "1.00"}
    assert lift.share_weights == {str(h.pk): expected[h.room] for h in entrance}
    (computed,) = shares.estate_shares([lift], city.estate_a1.pk)
    weights = [Decimal(expected[h.room]) for h in entrance]
    assert [h.share for h in computed.households] == shares.allocate(Decimal("300000.00"), weights)
    assert [h.share for h in computed.households] == [
        Decimal(x) for x in ("0", "0", "50000", "50000", "100000", "100000")
    ]
    services.plan_version_publish(version=v1, actor=city.street_a_manager)
    page = client.get(reverse("projects:plan", args=[project.code, 1])).content.decode()
    assert "按业主约定分摊" in page and "6 户各有权重，从 0.00 到 1.00" in page and AGREEMENT in page
    assert "随本稿方案的表决通过" in page
    assert "1-1-301" not in page and "2-1-201" not in page  # no rooms in public
    # Part of the version: the next one keeps it, and a change to it is listed.
    PlanVersion.objects.filter(pk=v1.pk).update(status=PlanVersion.Status.SUPERSEDED)
    v2 = services.plan_version_start(project=project, actor=city.comm_a1_staff)
    copied = v2.items.get()
    assert (copied.share_method, copied.share_agreement, copied.share_weights) == (
        "agreed",
        AGREEMENT,
        lift.share_weights,
    )
    services.plan_item_remove(item=copied, actor=city.comm_a1_staff)
    agreed(v2, city.comm_a1_staff, building, "101: 0, 102: 0, 其余: 1")
    items = list(v2.items.select_related("catalog_item").prefetch_related("funding"))
    (change,) = changes_from_previous(v2, items).items
    assert (change.kind, change.description) == ("changed", "2栋1单元加装电梯")


@pytest.mark.django_db
def test_the_form_tells_a_wrong_weight_next_to_the_field_keeping_what_was_typed(city, elevator_estate):  # noqa: F811
    building, _homes = elevator_estate
    project = project_at(city, S.PLANNING)
    services.plan_version_start(project=project, actor=city.comm_a1_staff)
    page = client_for(city.comm_a1_staff)
    url = reverse("projects:plan", args=[project.code, 1])
    form = {
        "action": "add_item",
        "catalog_item": item("elevator").pk,
        "description": "2栋1单元加装电梯",
        "quantity": "1",
        "unit": "部",
        "estimated_cost": "600000.00",
        "fund_central_subsidy": "300000.00",
        "fund_residents": "300000.00",
        "share_scope": "entrance",
        "share_building": building.pk,
        "share_entrance": "1",
        "share_method": "agreed",
        "share_agreement": AGREEMENT,
        "share_weights": "101: 0\n909: 1\n其余: 1",
    }
    refused = page.post(url, form)
    assert refused.status_code == 400 and not PlanItem.objects.exists()
    html = refused.content.decode()
    assert "范围内没有 909 这一户" in html and "101: 0\n909: 1\n其余: 1" in html and AGREEMENT in html
    typo = page.post(url, form | {"share_weights": "101 零"})
    assert typo.status_code == 400 and "“101 零”不是一户及其权重" in typo.content.decode()
    assert page.post(url, form | {"share_weights": "101: 0\n其余: 1"}).status_code == 302
    assert PlanItem.objects.get().share_method == "agreed"


@pytest.mark.django_db
def test_the_public_document_gives_agreed_weights_and_the_verifier_checks_it(city, elevator_estate, capsys):  # noqa: F811
    building, homes = elevator_estate
    owner = f.verified_owner(homes[2])  # entrance 1, room 201
    project = project_at(city, S.PLANNING)
    v1 = services.plan_version_start(project=project, actor=city.comm_a1_staff)
    agreed(v1, city.comm_a1_staff, building, "101: 0, 102: 0, 201: 0.5, 202: 0.5, 其余: 1.2")
    PlanVersion.objects.filter(pk=v1.pk).update(status=PlanVersion.Status.ADOPTED)
    Project.objects.filter(pk=project.pk).update(status=S.BUDGET_APPROVED)
    Budget.objects.create(
        project=project,
        total=Decimal("600000.00"),
        status=Budget.Status.PUBLISHED,
        published_at=timezone.now(),
        notice_ends_on=timezone.localdate(),
    )
    doc = json.loads(Client().get(reverse("disclosure:shares_json", args=[project.code])).content)
    (item,) = doc["items"]
    assert (item["method"], item["coefficients"], item["total"]) == ("agreed", None, "300000.00")
    assert [h["weight"] for h in item["households"]] == ["0.0000", "0.0000", "0.5000", "0.5000", "1.2000", "1.2000"]
    assert {key for h in item["households"] for key in h} == {
        "building",
        "entrance",
        "floor",
        "area",
        "weight",
        "share",
    }
    text = (Path(__file__).resolve().parents[2] / "docs" / "shares.md").read_text()
    (code,) = re.findall(r"```python\n(.*?)```", text, re.S)
    code = code.replace(
        'json.load(urllib.request.urlopen("https://<portal>/disclosure/projects/<code>/shares.json"))', "DOC"
    )
    exec(code, {"DOC": doc})  # noqa: S102 - the documentation's own snippet
    assert "every share checks out" in capsys.readouterr().out
    # The owner's figure says how it was computed.
    budget_page = client_for(owner.user).get(reverse("disclosure:budget", args=[project.code])).content.decode()
    assert "权重 0.50，占全部 3.40，按业主约定" in budget_page
