"""stakeholders/services.py: registration, claims, verification, rejection, organizations."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, close_old_connections, connection, transaction
from guardian.shortcuts import get_objects_for_user

from stakeholders import services
from stakeholders.models import Council, CouncilMember, Household, Membership, Organization, Ownership
from tests import factories as f


def codes(error: ValidationError) -> set[str]:
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


# --- registration -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_register_with_phone_normalizes_and_signs_in_by_phone(client):
    user = f.register("+86 138-0771-0099", name="张三")
    assert user.username == "13807710099"
    assert user.resident.phone == "13807710099"
    assert f.login(client, "138 0771 0099", f.PASSWORD)


@pytest.mark.django_db
def test_register_with_email_signs_in_by_email_case_insensitive(client):
    user = f.register("Li.Si@Example.cn", name="李四")
    assert user.email == "li.si@example.cn" and user.resident.phone is None
    assert f.login(client, "LI.SI@example.cn", f.PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize("identifier", ["12345", "2380771009", "not-an-email", "a@b"])
def test_register_rejects_bad_identifier(identifier):
    with pytest.raises(ValidationError) as error:
        services.registration_code_send(identifier=identifier)
    assert codes(error.value) == {"identifier_invalid"}
    with pytest.raises(ValidationError) as error:
        services.resident_register(name="王五", identifier=identifier, code="123456", password=f.PASSWORD)
    assert codes(error.value) == {"identifier_invalid"}


@pytest.mark.django_db
def test_register_twice_with_same_phone_is_refused_without_saying_it_exists(settings):
    settings.REGISTER_CODE_INTERVAL_SECONDS = 0
    f.register("13807710098", name="王五")
    services.registration_code_send(identifier="138 0771 0098")  # the message says it has an account; no code
    with pytest.raises(ValidationError) as error:
        services.resident_register(name="王六", identifier="138 0771 0098", code="000000", password=f.PASSWORD)
    assert codes(error.value) == {"code_invalid"}


# --- claims -------------------------------------------------------------------------------------


def test_claim_creates_pending_ownership_with_private_proof(city, settings):
    resident = f.ResidentFactory()
    ownership = f.claim(resident, city.homes_a1[3])
    assert ownership.status == Ownership.Status.PENDING
    assert not ownership.is_voting_owner
    assert ownership.proof_content_type == "image/png"
    assert ownership.proof.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert "certificate" not in ownership.proof.name  # stored name carries nothing the user typed
    url = ownership.proof.url  # no public URL: the admins' signed link, not a path under MEDIA_URL
    assert url.startswith("/accounts/files/") and not url.startswith(settings.MEDIA_URL)


def test_duplicate_claim_is_refused_but_a_rejected_claim_can_be_filed_again(city):
    with pytest.raises(ValidationError) as error:
        f.claim(city.claimant_a1, city.homes_a1[1])
    assert codes(error.value) == {"duplicate_claim"}
    services.ownership_reject(ownership=city.pending_a1, actor=city.comm_a1_staff, reason="照片不清晰")
    again = f.claim(city.claimant_a1, city.homes_a1[1])
    assert again.status == Ownership.Status.PENDING


def test_claim_with_fake_image_is_refused(city):
    resident = f.ResidentFactory()
    with pytest.raises(ValidationError) as error:
        services.ownership_claim(
            resident=resident, household=city.homes_a1[3], proof=f.proof_file("x.png", b"MZ\x90\x00 not an image")
        )
    assert codes(error.value) == {"bad_type"}
    assert not Ownership.objects.filter(resident=resident).exists()


# --- verification -------------------------------------------------------------------------------


def test_first_verified_owner_becomes_voting_owner_and_co_owner_does_not(city):
    ownership = services.ownership_verify(ownership=city.pending_a1, actor=city.comm_a1_staff)
    assert ownership.status == Ownership.Status.VERIFIED and ownership.is_voting_owner
    assert ownership.reviewed_by == city.comm_a1_staff and ownership.reviewed_at is not None

    spouse = f.claim(f.ResidentFactory(), city.homes_a1[1])
    co_owner = services.ownership_verify(ownership=spouse, actor=city.comm_a1_staff)
    assert co_owner.status == Ownership.Status.VERIFIED and not co_owner.is_voting_owner


def test_insisting_on_a_second_voting_owner_fails_cleanly(city):
    second = f.claim(f.ResidentFactory(), city.homes_a1[0])  # homes_a1[0] already has a voting owner
    with pytest.raises(ValidationError) as error:
        services.ownership_verify(ownership=second, actor=city.comm_a1_staff, voting=True)
    assert codes(error.value) == {"voting_owner_taken"}
    second.refresh_from_db()
    assert second.status == Ownership.Status.PENDING


def test_database_refuses_two_voting_owners_even_without_the_service(city):
    second = f.claim(f.ResidentFactory(), city.homes_a1[0])
    second.status, second.is_voting_owner = Ownership.Status.VERIFIED, True
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_database_refuses_voting_owner_that_is_not_verified(city):
    city.pending_a1.is_voting_owner = True
    with pytest.raises(IntegrityError), transaction.atomic():
        city.pending_a1.save()


def test_reviewing_twice_is_refused(city):
    services.ownership_verify(ownership=city.pending_a1, actor=city.comm_a1_staff)
    with pytest.raises(ValidationError) as error:
        services.ownership_reject(ownership=city.pending_a1, actor=city.comm_a1_staff, reason="重复")
    assert codes(error.value) == {"already_reviewed"}


def test_staff_of_another_community_may_not_verify(city):
    for outsider in (city.comm_a2_staff, city.comm_b1_staff, city.street_a_manager, city.bureau, city.contractor):
        with pytest.raises(PermissionDenied):
            services.ownership_verify(ownership=city.pending_a1, actor=outsider)
    city.pending_a1.refresh_from_db()
    assert city.pending_a1.status == Ownership.Status.PENDING


def test_reject_needs_a_reason_and_the_resident_sees_it(city):
    with pytest.raises(ValidationError) as error:
        services.ownership_reject(ownership=city.pending_a1, actor=city.comm_a1_staff, reason="   ")
    assert codes(error.value) == {"reason_required"}
    services.ownership_reject(ownership=city.pending_a1, actor=city.comm_a1_staff, reason="房号与产权证不符")
    city.pending_a1.refresh_from_db()
    assert city.pending_a1.status == Ownership.Status.REJECTED
    assert city.pending_a1.rejection_reason == "房号与产权证不符"


def _race(n, target):
    """Run target(i) in n threads released together; return what each returned or raised."""
    barrier, results = threading.Barrier(n), [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = target(i)
        except Exception as error:  # noqa: BLE001 - the test inspects what was raised
            results[i] = error
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_verification_of_two_claims_leaves_one_voting_owner():
    city = f.build_city()
    household = city.homes_a1[4]
    claims = [f.claim(f.ResidentFactory(), household) for _ in range(2)]
    staff = city.comm_a1_staff

    def verify(i):
        from stakeholders.models import User

        actor = User.objects.get(pk=staff.pk)
        return services.ownership_verify(ownership=claims[i], actor=actor, voting=True)

    results = _race(2, verify)
    assert sum(isinstance(r, Ownership) for r in results) == 1
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert codes(errors[0]) == {"voting_owner_taken"}
    assert Ownership.objects.filter(household=household, is_voting_owner=True).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_claims_store_one_row():
    city = f.build_city()
    resident = f.ResidentFactory()
    household = city.homes_a1[5]
    results = _race(4, lambda i: services.ownership_claim(resident=resident, household=household, proof=f.proof_file()))
    assert sum(isinstance(r, Ownership) for r in results) == 1
    assert all(codes(r) == {"duplicate_claim"} for r in results if isinstance(r, Exception))
    assert Ownership.objects.filter(resident=resident, household=household).count() == 1


# --- organizations, guardian grants, councils ---------------------------------------------------


def test_organization_gets_its_group_and_members_join_it(city):
    org = city.contractor_org
    assert org.group.name.startswith("org:contractor:")
    assert city.contractor.groups.filter(pk=org.group.pk).exists()
    membership = Membership.objects.get(user=city.contractor, organization=org)
    services.membership_remove(membership=membership)
    assert not city.contractor.groups.filter(pk=org.group.pk).exists()


@pytest.mark.django_db
def test_organization_jurisdiction_must_match_kind():
    street = f.StreetFactory()
    with pytest.raises(ValidationError):
        services.organization_create(kind=Organization.Kind.STREET_OFFICE, name="无街道的街道办")
    with pytest.raises(ValidationError):
        services.organization_create(kind=Organization.Kind.CONTRACTOR, name="有街道的施工方", street=street)


def test_object_permission_granted_to_an_organization_reaches_its_members_only(city):
    """The guardian mechanism later issues build on: grant to the org's group, members inherit it."""
    from stakeholders.models import User

    services.organization_grant(organization=city.street_a_org, perm="stakeholders.change_estate", obj=city.estate_a1)
    fresh = User.objects.get(pk=city.street_a_staff.pk)
    assert fresh.has_perm("stakeholders.change_estate", city.estate_a1)
    assert not fresh.has_perm("stakeholders.change_estate", city.estate_a2)
    assert not User.objects.get(pk=city.street_b_staff.pk).has_perm("stakeholders.change_estate", city.estate_a1)
    visible = get_objects_for_user(fresh, "stakeholders.change_estate", accept_global_perms=False)
    assert list(visible) == [city.estate_a1]
    services.organization_revoke(organization=city.street_a_org, perm="stakeholders.change_estate", obj=city.estate_a1)
    assert not User.objects.get(pk=city.street_a_staff.pk).has_perm("stakeholders.change_estate", city.estate_a1)


def test_council_is_registered_by_street_office_from_verified_owners(city):
    with pytest.raises(PermissionDenied):
        services.council_register(estate=city.estate_a1, actor=city.street_b_staff)
    council = services.council_register(estate=city.estate_a1, actor=city.street_a_staff)
    assert services.council_register(estate=city.estate_a1, actor=city.street_a_staff) == council
    member = services.council_member_add(council=council, resident=city.owner_a1, actor=city.street_a_staff)
    assert member.role == CouncilMember.Role.MEMBER
    with pytest.raises(ValidationError) as error:
        services.council_member_add(council=council, resident=city.claimant_a1, actor=city.street_a_staff)
    assert codes(error.value) == {"not_an_owner"}
    with pytest.raises(ValidationError) as error:
        services.council_member_add(council=council, resident=city.owner_a1, actor=city.street_a_staff)
    assert codes(error.value) == {"already_member"}
    assert Council.objects.get(estate=city.estate_a1).members.filter(resident__is_party_member=True).count() == 1


def test_household_area_is_decimal_and_positive(city):
    household = Household.objects.get(pk=city.homes_a1[0].pk)
    assert isinstance(household.area_m2, Decimal) and household.area_m2 == Decimal("75.50")
    household.area_m2 = Decimal("0")
    with pytest.raises(IntegrityError), transaction.atomic():
        household.save()
