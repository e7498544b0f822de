"""The council (issue 17, item 1): elected, recorded by the community committee, filed or returned by
the street office; seats with certificates; resignations and by-elections; terms that end."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from stakeholders import council_selectors, councils, permissions
from stakeholders.councils import Candidate
from stakeholders.models import Council, CouncilElection, CouncilMember
from stakeholders.viewer import Viewer
from tests import factories as f
from tests.stakeholders.test_services import codes


@pytest.fixture
def owners(city):
    """Four verified owners of estate a1 (the city's owner_a1 and three more)."""
    more = [f.verified_owner(home, is_party_member=(i == 0)) for i, home in enumerate(city.homes_a1[2:5])]
    return [city.owner_a1, *more]


def record(city, owners, *, actor=None, kind="full", **overrides):
    today = timezone.localdate()
    data = {
        "estate": city.estate_a1,
        "actor": actor or city.comm_a1_staff,
        "held_on": today - timedelta(days=2),
        "place": "甲一社区活动室",
        "turnout": 4,
        "term_ends": today + timedelta(days=3 * 365),
        "tally_scan": f.proof_file("计票单.png"),
        "candidates": [
            Candidate(owners[0], 4, elected=True, chair=True),
            Candidate(owners[1], 3, elected=True),
            Candidate(owners[2], 1),
        ],
        "kind": kind,
    }
    data.update(overrides)
    return councils.council_election_record(**data)


ROLES = ["admin", "bureau", "street_a_staff", "street_b_staff", "comm_a1_staff", "comm_a2_staff", "contractor"]


def _user(city, role):
    return city.owner_a1.user if role == "owner" else getattr(city, role)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*ROLES, "owner"])
def test_who_records_an_election(city, owners, role):
    allowed = role in ("admin", "comm_a1_staff")
    assert permissions.can_record_council_election(_user(city, role), city.estate_a1) is allowed
    if allowed:
        assert record(city, owners, actor=_user(city, role)).status == "recorded"
    else:
        with pytest.raises(PermissionDenied):
            record(city, owners, actor=_user(city, role))


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*ROLES, "owner"])
@pytest.mark.parametrize("state", ["recorded", "filed", "returned"])
def test_who_files_or_returns_an_election_in_which_state(city, owners, role, state):
    election = record(city, owners)
    if state == "filed":
        councils.council_election_file(election=election, actor=city.street_a_staff)
    elif state == "returned":
        councils.council_election_return(election=election, actor=city.street_a_staff, reason="计票单缺少签名")
    election.refresh_from_db()
    allowed = state == "recorded" and role in ("admin", "street_a_staff")
    assert permissions.can_decide_council_election(_user(city, role), election) is allowed
    if allowed:
        assert councils.council_election_file(election=election, actor=_user(city, role)).filed_on
    else:
        with pytest.raises((PermissionDenied, ValidationError)):
            councils.council_election_file(election=election, actor=_user(city, role))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides, code",
    [
        ({"held_on": timezone.localdate() + timedelta(days=1)}, "held_in_future"),
        ({"term_ends": timezone.localdate() + timedelta(days=6 * 366)}, "term_too_long"),
        ({"term_ends": timezone.localdate() - timedelta(days=3)}, "term_too_long"),
        ({"turnout": 99}, "turnout_too_high"),
        ({"candidates": []}, "no_candidates"),
        ({"candidates": "stranger"}, "not_an_owner"),
        ({"candidates": "twice"}, "duplicate_candidate"),
        ({"candidates": "too_many_votes"}, "votes_too_high"),
        ({"candidates": "none_elected"}, "none_elected"),
        ({"candidates": "two_chairs"}, "one_chair"),
        ({"tally_scan": f.proof_file("x.txt", b"plain text", "text/plain")}, "bad_type"),
    ],
)
def test_an_election_that_does_not_add_up_is_refused_with_a_reason(city, owners, overrides, code):
    shapes = {
        "stranger": [Candidate(f.ResidentFactory(), 1, elected=True, chair=True)],
        "twice": [Candidate(owners[0], 2, elected=True, chair=True), Candidate(owners[0], 1)],
        "too_many_votes": [Candidate(owners[0], 5, elected=True, chair=True)],
        "none_elected": [Candidate(owners[0], 2)],
        "two_chairs": [
            Candidate(owners[0], 2, elected=True, chair=True),
            Candidate(owners[1], 2, elected=True, chair=True),
        ],
    }
    if isinstance(overrides.get("candidates"), str):
        overrides = {"candidates": shapes[overrides["candidates"]]}
    with pytest.raises(ValidationError) as error:
        record(city, owners, **overrides)
    assert codes(error.value) == {code}
    assert not CouncilElection.objects.exists()


@pytest.mark.django_db
def test_filing_seats_the_elected_with_certificates_and_a_new_council_ends_the_old_seats(city, owners):
    first = record(city, owners)
    with pytest.raises(ValidationError) as error:
        record(city, owners)  # one waits already
    assert codes(error.value) == {"election_waiting"}
    council = councils.council_election_file(election=first, actor=city.street_a_staff)
    today = timezone.localdate()
    assert council.filed_on == today and council.term_ends == first.term_ends
    assert council.status_on(today) == "filed" and council.status_on(council.term_ends + timedelta(days=1)) == "expired"
    seats = list(council.seats_active().order_by("role"))
    assert [(s.resident, s.role) for s in seats] == [(owners[0], "chair"), (owners[1], "member")]
    assert all(len(s.certificate_code) == 12 for s in seats) and len({s.certificate_code for s in seats}) == 2
    assert Viewer(owners[1].user).council_estate_ids == {city.estate_a1.pk}
    # A representative resigns; a by-election fills the seat.
    councils.council_seat_end(seat=seats[1], actor=owners[1].user)
    assert Viewer(owners[1].user).council_estate_ids == frozenset()
    by = record(city, owners, kind="by_election", candidates=[Candidate(owners[2], 3, elected=True)])
    councils.council_election_file(election=by, actor=city.street_a_staff)
    assert set(council.seats_active().values_list("resident", flat=True)) == {owners[0].pk, owners[2].pk}
    # The next full election ends every seat of the old council.
    again = record(city, owners, candidates=[Candidate(owners[3], 4, elected=True, chair=True)])
    councils.council_election_file(election=again, actor=city.street_a_staff)
    assert list(council.seats_active().values_list("resident", flat=True)) == [owners[3].pk]
    assert CouncilMember.objects.filter(council=council, end_reason="new_term").count() == 2


@pytest.mark.django_db
def test_a_returned_election_says_why_and_the_committee_records_again(city, owners):
    election = record(city, owners)
    with pytest.raises(ValidationError) as error:
        councils.council_election_return(election=election, actor=city.street_a_staff, reason=" ")
    assert codes(error.value) == {"reason_required"}
    councils.council_election_return(election=election, actor=city.street_a_staff, reason="计票单缺少签名")
    council = Council.objects.get(estate=city.estate_a1)
    assert council.status_on(timezone.localdate()) == "returned" and not council.seats_active().exists()
    assert record(city, owners).status == "recorded"  # fixed and recorded again


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*ROLES, "owner", "self"])
def test_who_ends_a_seat_and_prints_a_certificate(city, owners, role):
    council = councils.council_election_file(election=record(city, owners), actor=city.street_a_staff)
    seat = council.seats_active().get(resident=owners[1])
    user = owners[1].user if role == "self" else _user(city, role)
    staff = role in ("admin", "street_a_staff", "comm_a1_staff")
    assert permissions.can_print_certificate(user, seat) is (staff or role == "self")
    assert permissions.can_end_council_seat(user, seat) is (staff or role == "self")
    seat.ended_on = timezone.localdate()
    assert permissions.can_end_council_seat(user, seat) is False  # an ended seat ends once


@pytest.mark.django_db
def test_public_councils_count_representatives_and_party_members_without_names(
    city, owners, django_assert_max_num_queries
):
    council = councils.council_election_file(election=record(city, owners), actor=city.street_a_staff)
    pending = councils.council_election_record(  # waiting for the street office: not public yet
        estate=city.estate_a2,
        actor=city.comm_a2_staff,
        held_on=timezone.localdate(),
        place="甲二社区",
        turnout=1,
        term_ends=timezone.localdate() + timedelta(days=365),
        tally_scan=f.proof_file(),
        candidates=[Candidate(f.verified_owner(city.homes_a2[0]), 1, elected=True, chair=True)],
    )
    assert pending.council.status_on(timezone.localdate()) == "pending"
    with django_assert_max_num_queries(1):
        listed = list(council_selectors.public_councils())
    assert [(c.pk, c.representatives, c.party_members) for c in listed] == [(council.pk, 2, 2)]  # both are members


# --- meetings (item 4) ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*ROLES, "owner", "member"])
def test_who_calls_a_meeting_and_writes_its_minutes(city, owners, role, django_capture_on_commit_callbacks):
    from stakeholders.models import Notification

    council = councils.council_election_file(election=record(city, owners), actor=city.street_a_staff)
    user = owners[1].user if role == "member" else _user(city, role)
    allowed = role in ("admin", "comm_a1_staff", "member", "owner")  # owner_a1 chairs the council
    assert permissions.can_schedule_council_meeting(user, council) is allowed
    when = timezone.now() + timedelta(days=3)
    if not allowed:
        with pytest.raises(PermissionDenied):
            councils.council_meeting_schedule(council=council, actor=user, held_at=when, place="活动室", agenda="议程")
        return
    meeting = councils.council_meeting_schedule(
        council=council, actor=user, held_at=when, place="甲一社区活动室", agenda="讨论屋面防水方案"
    )
    told = Notification.objects.filter(kind=Notification.Kind.COUNCIL_MEETING)
    assert set(told.values_list("user", flat=True)) == {o.user_id for o in owners}  # every verified owner
    assert "讨论屋面防水方案" in told.first().text
    assert not permissions.can_record_council_meeting(user, meeting, timezone.now())  # not held yet
    later = when + timedelta(hours=2)
    assert permissions.can_record_council_meeting(user, meeting, later)
    meeting.held_at = timezone.now() - timedelta(hours=1)  # (as if it were two hours later)
    meeting.save(update_fields=["held_at"])
    with pytest.raises(ValidationError) as error:
        councils.council_meeting_record(meeting=meeting, actor=user, attendance=12, minutes=" ", decisions="")
    assert codes(error.value) == {"minutes_required"}
    done = councils.council_meeting_record(
        meeting=meeting, actor=user, attendance=12, minutes="各楼栋代表发言。", decisions="同意方案二。"
    )
    assert done.recorded_at and not permissions.can_record_council_meeting(user, done, later)
    with pytest.raises(ValidationError) as error:
        councils.council_meeting_record(meeting=meeting, actor=user, attendance=1, minutes="再写", decisions="")
    assert codes(error.value) == {"meeting_already_recorded"}
    assert council_selectors.public_councils().get(pk=council.pk).meetings_held == 1


@pytest.mark.django_db
def test_a_meeting_is_called_for_a_time_to_come_and_only_by_a_filed_council(city, owners):
    election = record(city, owners)
    council = election.council
    with pytest.raises(PermissionDenied):  # not filed yet
        councils.council_meeting_schedule(
            council=council, actor=city.comm_a1_staff, held_at=timezone.now() + timedelta(days=1), place="x", agenda="y"
        )
    councils.council_election_file(election=election, actor=city.street_a_staff)
    for when in (timezone.now() - timedelta(hours=1), timezone.now() + timedelta(days=200)):
        with pytest.raises(ValidationError) as error:
            councils.council_meeting_schedule(
                council=council, actor=city.comm_a1_staff, held_at=when, place="x", agenda="y"
            )
        assert codes(error.value) == {"meeting_in_past"}
