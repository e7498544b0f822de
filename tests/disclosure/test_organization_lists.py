"""The housing bureau's whitelist and negative list (白名单、负面清单, issue 21 item 2): entries with
reasons and dates, public; a negative-listed organization cannot be awarded while its entry runs."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects import services as project_services
from projects.models import Tender
from projects.selectors import award_candidates
from projects.services import procurement
from stakeholders import listings
from stakeholders.models import OrganizationListing, User
from tests import factories as f

from .conftest import adopted_project, publish_budget

TODAY = timezone.localdate


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def negative(city, org=None, **kw):
    return listings.listing_add(
        organization=org or city.contractor_org,
        actor=city.bureau,
        kind="negative",
        reason=kw.pop("reason", "2025年偷工减料被住建局通报"),
        listed_on=kw.pop("listed_on", TODAY() - timedelta(days=10)),
        **kw,
    )


def award(city, p):
    chosen = (("contractor", city.contractor_org, "95000"), ("supervisor", city.supervisor_org, "8000"))
    for role, org, amount in chosen:
        if not Tender.objects.filter(project=p.project, role=role, status="evaluated").exists():
            f.procure(p.project, city.street_a_staff, role, org, Decimal(amount))
    return project_services.project_award(
        project=p.project,
        actor=city.street_a_manager,
        contractor=city.contractor_org,
        supervisor=city.supervisor_org,
        contract_amount=Decimal("95000.00"),
    )


@pytest.fixture
def published(city):
    p = adopted_project(city)
    publish_budget(city, p)
    return p


@pytest.mark.django_db
def test_who_keeps_the_lists(city):
    for user, ok in {
        city.bureau: True,
        city.admin: True,
        city.street_a_manager: False,
        city.comm_a1_staff: False,
        city.contractor: False,
        city.owner_a1.user: False,
    }.items():
        if ok:
            entry = listings.listing_add(
                organization=city.supervisor_org,
                actor=User.objects.get(pk=user.pk),
                kind="whitelist",
                reason="连续三年无质量投诉",
                listed_on=TODAY(),
            )
            listings.listing_remove(entry=entry, actor=user, reason="重新评审")
        else:
            with pytest.raises(PermissionDenied):
                listings.listing_add(
                    organization=city.contractor_org, actor=user, kind="negative", reason="x", listed_on=TODAY()
                )
    url = reverse("disclosure:organization_lists")
    assert client_for(city.street_a_manager).post(url, {"kind": "negative"}).status_code == 403
    assert 'data-testid="listing-form"' not in client_for(city.street_a_manager).get(url).content.decode()
    assert 'data-testid="listing-form"' in client_for(city.bureau).get(url).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "entry,blocked",
    [
        ({}, True),
        ({"until": TODAY() - timedelta(days=1), "listed_on": TODAY() - timedelta(days=30)}, False),  # ended
        ({"listed_on": TODAY() + timedelta(days=5)}, False),  # not yet
        ({"removed": True}, False),
    ],
)
def test_a_negative_listed_organization_cannot_be_awarded_while_its_entry_runs(city, published, entry, blocked):
    """Listed after it bid: the award refuses it while the entry runs (and a new bid is refused too)."""
    f.procure(published.project, city.street_a_staff, "contractor", city.contractor_org)
    removed = entry.pop("removed", False)
    listed = negative(city, **entry)
    if removed:
        listings.listing_remove(entry=listed, actor=city.bureau, reason="整改合格")
    if blocked:
        with pytest.raises(ValidationError) as caught:
            award(city, published)
        assert "contractor" in caught.value.message_dict and "偷工减料" in caught.value.message_dict["contractor"][0]
        # tendered again, the listed builder may not even bid
        running = Tender.objects.get(project=published.project, role="contractor", status="evaluated")
        procurement.tender_fail(tender=running, actor=city.street_a_staff, reason="中标候选人被列入负面清单")
        with pytest.raises(ValidationError) as caught:
            f.procure(published.project, city.street_a_staff, "contractor", city.contractor_org)
        assert caught.value.error_dict["organization"][0].code == "negative_listed"
    else:
        assert len(award(city, published)) == 2


@pytest.mark.django_db
def test_what_a_listing_refuses(city):
    for kw, field in [
        ({"reason": " "}, "reason"),
        ({"until": TODAY() - timedelta(days=20)}, "until"),
    ]:
        with pytest.raises(ValidationError) as caught:
            negative(city, **kw)
        assert field in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        negative(city, org=city.comm_a1_org)  # only builders and supervisors are listed
    assert "organization" in caught.value.message_dict
    negative(city)
    with pytest.raises(ValidationError):  # already on it
        negative(city)


@pytest.mark.django_db
def test_the_lists_in_public_and_in_the_bidder_list(client, city, published, django_assert_max_num_queries):
    f.procure(published.project, city.street_a_staff, "contractor", city.contractor_org)  # it bid, then was listed
    negative(city)
    listings.listing_add(
        organization=city.supervisor_org, actor=city.bureau, kind="whitelist", reason="信用评价A级", listed_on=TODAY()
    )
    with django_assert_max_num_queries(4):
        page = client.get(reverse("disclosure:organization_lists")).content.decode()
    assert city.contractor_org.name in page and "偷工减料" in page and "信用评价A级" in page
    builder_page = client.get(reverse("disclosure:contractor", args=[city.contractor_org.pk])).content.decode()
    assert 'data-testid="listed"' in builder_page and "负面清单" in builder_page
    ours = next(o for o in award_candidates("contractor") if o.pk == city.contractor_org.pk)
    assert [e.kind for e in ours.current_listings] == [OrganizationListing.Kind.NEGATIVE]
    award_page = client_for(city.street_a_manager).get(reverse("projects:award", args=[published.project.code]))
    assert f'data-testid="listed-{city.contractor_org.pk}"' in award_page.content.decode()


@pytest.mark.django_db
def test_the_bureau_lists_on_the_page_and_a_mistake_is_told_next_to_the_field(city):
    bureau = client_for(city.bureau)
    url = reverse("disclosure:organization_lists")
    answer = bureau.post(
        url, {"organization": city.contractor_org.pk, "kind": "negative", "reason": "", "listed_on": str(TODAY())}
    )
    assert answer.status_code == 400 and 'id="id_reason_error"' in answer.content.decode()
    answer = bureau.post(
        url, {"organization": city.contractor_org.pk, "kind": "negative", "reason": "转包", "listed_on": str(TODAY())}
    )
    assert answer.status_code == 302 and listings.negative_entry(city.contractor_org) is not None
    entry = OrganizationListing.objects.get()
    assert bureau.post(url, {"action": "remove", "entry": entry.pk, "reason": "申诉成立"}).status_code == 302
    assert listings.negative_entry(city.contractor_org) is None
    assert "申诉成立" in Client().get(url).content.decode()
