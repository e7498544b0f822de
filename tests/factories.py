"""Test data. Places with factory_boy; organizations, memberships and claims through the real
services, so tests exercise the same paths as the portal."""

from __future__ import annotations

import io
from decimal import Decimal
from types import SimpleNamespace

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from projects.models import PlanManagement
from stakeholders import services
from stakeholders.models import (
    Building,
    Community,
    Estate,
    Household,
    Membership,
    Organization,
    Ownership,
    Resident,
    Street,
    User,
)

PASSWORD = "Correct-Horse-42"


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street

    name = factory.Sequence(lambda n: f"测试{n}街道")
    district = "青秀区"
    code = factory.Sequence(lambda n: f"street-{n}")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    street = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"测试{n}社区")
    code = factory.Sequence(lambda n: f"community-{n}")


class EstateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Estate

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"测试{n}小区")
    code = factory.Sequence(lambda n: f"estate-{n}")
    address = factory.Sequence(lambda n: f"测试路{n}号")
    built_year = 1990


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    estate = factory.SubFactory(EstateFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    floors = 6


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    building = factory.SubFactory(BuildingFactory)
    unit = "1"
    floor = 1
    room = factory.Sequence(lambda n: f"{n + 101}")
    area_m2 = Decimal("75.50")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"居民{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    # A member in a test is a confirmed one (as the Party branch leaves them).
    party_claim = factory.LazyAttribute(lambda o: "confirmed" if o.is_party_member else "")
    is_party_member = False


def png_bytes(size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def proof_file(name="certificate.png", content: bytes | None = None, content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else png_bytes(), content_type=content_type)


def households(building: Building, n: int, unit: str = "1") -> list[Household]:
    return [
        HouseholdFactory(building=building, unit=unit, floor=1 + i // 2, room=f"{1 + i // 2}{i % 2 + 1:02d}")
        for i in range(n)
    ]


def organization(kind, name=None, **where) -> Organization:
    return services.organization_create(kind=kind, name=name or f"{kind}-{Organization.objects.count()}", **where)


def staff(org: Organization, username: str, role=Membership.Role.STAFF) -> User:
    user = UserFactory(username=username)
    services.membership_add(organization=org, user=user, role=role)
    return user


def claim(resident: Resident, household: Household) -> Ownership:
    return services.ownership_claim(resident=resident, household=household, proof=proof_file())


def verified_owner(household: Household, *, voting: bool | None = None, **resident_kwargs) -> Resident:
    resident = ResidentFactory(**resident_kwargs)
    ownership = claim(resident, household)
    admin = User.objects.filter(is_superuser=True).first() or UserFactory(username="verifier-admin", is_superuser=True)
    services.ownership_verify(ownership=ownership, actor=admin, voting=voting)
    return resident


def build_city() -> SimpleNamespace:
    """Street A (communities A1, A2) and street B (community B1); staff of every kind; residents.

    A1 has estates a1 and a1b; A2 has a2 (same street as A1: a neighbouring community); B1 has b1.
    """
    Kind = Organization.Kind
    c = SimpleNamespace()
    c.street_a, c.street_b = StreetFactory(name="甲街道"), StreetFactory(name="乙街道")
    c.comm_a1 = CommunityFactory(street=c.street_a, name="甲一社区")
    c.comm_a2 = CommunityFactory(street=c.street_a, name="甲二社区")
    c.comm_b1 = CommunityFactory(street=c.street_b, name="乙一社区")
    c.estate_a1 = EstateFactory(community=c.comm_a1, name="甲一小区")
    c.estate_a1b = EstateFactory(community=c.comm_a1, name="甲一东小区")
    c.estate_a2 = EstateFactory(community=c.comm_a2, name="甲二小区")
    c.estate_b1 = EstateFactory(community=c.comm_b1, name="乙一小区")
    c.homes_a1 = households(BuildingFactory(estate=c.estate_a1, number="1"), 6)
    c.homes_a2 = households(BuildingFactory(estate=c.estate_a2, number="1"), 4)
    c.homes_b1 = households(BuildingFactory(estate=c.estate_b1, number="1"), 4)

    c.bureau_org = organization(Kind.HOUSING_BUREAU, "住建局")
    c.street_a_org = organization(Kind.STREET_OFFICE, "甲街道办", street=c.street_a)
    c.street_b_org = organization(Kind.STREET_OFFICE, "乙街道办", street=c.street_b)
    c.comm_a1_org = organization(Kind.COMMUNITY_COMMITTEE, "甲一居委会", community=c.comm_a1)
    c.comm_a2_org = organization(Kind.COMMUNITY_COMMITTEE, "甲二居委会", community=c.comm_a2)
    c.comm_b1_org = organization(Kind.COMMUNITY_COMMITTEE, "乙一居委会", community=c.comm_b1)
    c.contractor_org = organization(Kind.CONTRACTOR, "施工公司")
    c.supervisor_org = organization(Kind.SUPERVISOR, "监理公司")

    c.admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    c.bureau = staff(c.bureau_org, "bureau")
    c.street_a_staff = staff(c.street_a_org, "street_a_staff")
    c.street_a_manager = staff(c.street_a_org, "street_a_manager", Membership.Role.MANAGER)
    c.street_b_staff = staff(c.street_b_org, "street_b_staff")
    c.comm_a1_staff = staff(c.comm_a1_org, "comm_a1_staff")
    c.comm_a2_staff = staff(c.comm_a2_org, "comm_a2_staff")
    c.comm_b1_staff = staff(c.comm_b1_org, "comm_b1_staff")
    c.contractor = staff(c.contractor_org, "contractor")
    c.supervisor = staff(c.supervisor_org, "supervisor")

    c.owner_a1 = verified_owner(c.homes_a1[0], is_party_member=True)  # voting owner in a1
    c.claimant_a1 = ResidentFactory()
    c.pending_a1 = claim(c.claimant_a1, c.homes_a1[1])  # pending claim in a1
    c.plain_resident = ResidentFactory()  # registered, nothing claimed
    c.owner_b1 = verified_owner(c.homes_b1[0])
    c.pending_b1 = claim(ResidentFactory(), c.homes_b1[1])
    return c


def login(client, username: str, password: str) -> bool:
    """Sign in through the sign-in page, as a person does (django-axes, which counts failures per
    request, refuses Django's request-less `client.login`)."""
    from django.urls import reverse

    return client.post(reverse("login"), {"username": username, "password": password}).status_code == 302


def sent_code(address: str) -> str:
    """The registration code last written to the outbox for `address` (what the SMS or e-mail
    gateway is handed; tests/stakeholders/test_registration.py follows it through the gateway)."""
    import re

    from stakeholders.models import Delivery

    body = (
        Delivery.objects.filter(kind="verification_code", address=address)
        .order_by("-id")
        .values_list("body", flat=True)
        .first()
    )
    found = re.search(r"\b(\d{6})\b", body or "")
    assert found, f"no code was sent to {address}"
    return found.group(1)


def register(identifier: str, *, name: str = "新住户", password: str = PASSWORD, **kwargs):
    """A resident registered the way a person does: a code sent to the address, then the account."""
    from stakeholders import services

    sent = services.registration_code_send(identifier=identifier)
    return services.resident_register(
        name=name, identifier=identifier, code=sent_code(sent.identifier), password=password, **kwargs
    )


def management(version, **fields):
    """A plan version's management section (建管一体), as its drafters would write it: a version goes
    to the owners' vote only with one (the service and its checks: tests/projects/test_management.py)."""
    values = {
        "operator": PlanManagement.Operator.COMMUNITY,
        "service_level": "保洁每日一次，秩序维护白天巡查",
        "fee_per_m2_month": Decimal("0.50"),
        "sources": ["maintenance_fund", "public_revenue"],
    } | fields
    return PlanManagement.objects.update_or_create(version=version, defaults=values)[0]


def legacy_tip(project, resident, category="integrity", text="举报内容"):
    """A money or misconduct complaint as residents filed them before the integrity channel (issue
    21 item 3): routed to the street office. New ones go to the channel; these stay where they were."""
    from datetime import timedelta

    from django.utils import timezone

    from feedback.models import Complaint

    now = timezone.now()
    street_office = Organization.objects.get(
        kind=Organization.Kind.STREET_OFFICE, street_id=project.estate.community.street_id
    )
    return Complaint.objects.create(
        project=project,
        filed_by=resident,
        category=category,
        route=Complaint.Route.STREET,
        agency=street_office,
        text=text,
        acknowledge_due=now + timedelta(hours=48),
        resolve_due=now + timedelta(days=15),
    )


def procure(project, actor, role, winner, amount=Decimal("95000.00")):
    """The procurement record an award picks its winner from (issue 21 item 1): the cheapest lawful
    one, a direct award below the value that must be tendered, with `winner`'s offer evaluated."""
    from django.utils import timezone

    from projects.services import procurement

    today = timezone.localdate()
    tender = procurement.tender_open(
        project=project,
        actor=actor,
        role=role,
        method="direct",
        requirements="小区改造",
        published_on=today,
        ceiling=amount,
        direct_reason="below_threshold",
        direct_details="合同估算价低于必须招标的标准",
    )
    procurement.bid_record(tender=tender, actor=actor, organization=winner, amount=amount)
    return procurement.tender_evaluate(tender=tender, actor=actor, evaluated_on=today)


def open_tender(project, actor, role, bids, seats, published_days_ago=40, due_days_ago=15, criteria=None):
    """An open tender whose notice ran its 20 days, with `bids` [(organization, amount, [points per
    criterion])] scored by a committee of `seats` [(organization, members)]; not yet evaluated."""
    from datetime import timedelta

    from django.utils import timezone

    from projects.services import procurement

    today = timezone.localdate()
    criteria = criteria or [("投标报价", Decimal("40")), ("施工组织设计", Decimal("60"))]
    tender = procurement.tender_open(
        project=project,
        actor=actor,
        role=role,
        method="open",
        requirements="施工总承包三级以上资质",
        published_on=today - timedelta(days=published_days_ago),
        bids_due=today - timedelta(days=due_days_ago),
        ceiling=Decimal("500000.00"),
        criteria=criteria,
    )
    for organization, members in seats:
        procurement.committee_seat_set(tender=tender, actor=actor, organization=organization, members=members)
    made = {c.name: c for c in tender.criteria.all()}
    for organization, amount, points in bids:
        bid = procurement.bid_record(tender=tender, actor=actor, organization=organization, amount=Decimal(amount))
        if points is not None and not bid.rejected_reason:
            given = {made[name].pk: Decimal(str(p)) for (name, _w), p in zip(criteria, points, strict=True)}
            procurement.bid_score(bid=bid, actor=actor, points=given)
    return tender
