"""Vote engine services: electorate snapshot, one ballot per owner, paper ballots, closing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from projects import services
from projects.models import Ballot, Project, Vote, Voter
from projects.rules import Figures
from stakeholders import services as people_services
from stakeholders.models import User
from tests import factories as f
from tests.stakeholders.test_services import _race, codes


def open_vote(city, *, matter=Vote.Matter.ORDINARY, minutes=60, **scope):
    project = services.project_create(estate=city.estate_a1, title="甲一小区改造", actor=None)
    now = timezone.now()
    vote = services.vote_create(
        project=project,
        purpose=Vote.Purpose.WILLINGNESS,
        title="是否申请改造",
        matter=matter,
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(minutes=minutes),
        actor=city.street_a_manager,
        **scope,
    )
    return services.vote_open(vote=vote, actor=city.street_a_manager)


def test_electorate_is_every_household_in_scope_with_multi_unit_owners_once(city):
    # homes_a1: 6 households of 75.50 m²; owner_a1 owns [0]; give owner_a1 also [5] as voting owner
    extra = f.claim(city.owner_a1, city.homes_a1[5])
    people_services.ownership_verify(ownership=extra, actor=city.admin)
    vote = open_vote(city)
    # 6 households → owner_a1 (2 units) + 4 households without a verified owner = 5 owners
    assert (vote.electorate_owners, vote.electorate_area) == (5, Decimal("453.00"))
    mine = Voter.objects.get(vote=vote, resident=city.owner_a1)
    assert mine.area == Decimal("151.00") and mine.households.count() == 2
    assert Voter.objects.filter(vote=vote, resident__isnull=True).count() == 4  # paper only


def test_snapshot_does_not_change_after_opening(city):
    vote = open_vote(city)
    newcomer = f.verified_owner(city.homes_a1[3])
    vote.refresh_from_db()
    assert vote.electorate_owners == 6
    with pytest.raises(ValidationError) as error:
        services.ballot_cast(vote=vote, actor=newcomer.user, choice="agree")
    assert codes(error.value) == {"not_in_electorate"}


def test_cast_gives_a_receipt_and_a_second_ballot_is_refused(city):
    vote = open_vote(city)
    ballot, code = services.ballot_cast(vote=vote, actor=city.owner_a1.user, choice="agree")
    assert ballot.receipt_hash == services.receipt_hash(code) and len(code) == 14
    assert ballot.area == Decimal("75.50") and ballot.channel == Ballot.Channel.ONLINE
    with pytest.raises(ValidationError) as error:
        services.ballot_cast(vote=vote, actor=city.owner_a1.user, choice="disagree")
    assert codes(error.value) == {"already_voted"}
    assert Ballot.objects.filter(vote=vote).count() == 1


@pytest.mark.parametrize("who", ["claimant_a1", "plain_resident", "owner_b1"])
def test_unverified_or_outside_owners_cannot_vote(city, who):
    vote = open_vote(city)
    resident = getattr(city, who)
    with pytest.raises(ValidationError) as error:
        services.ballot_cast(vote=vote, actor=resident.user, choice="agree")
    assert codes(error.value) == {"not_in_electorate"}


def test_voting_outside_the_window_is_refused(city):
    vote = open_vote(city)
    Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    vote.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.ballot_cast(vote=vote, actor=city.owner_a1.user, choice="agree")
    assert codes(error.value) == {"not_open"}


def test_paper_ballot_by_community_staff_with_scan_once_per_owner(city):
    vote = open_vote(city)
    ownerless = Voter.objects.filter(vote=vote, resident__isnull=True).first()
    with pytest.raises(PermissionDenied):
        services.ballot_record_paper(
            vote=vote, voter=ownerless, choice="agree", scan=f.proof_file(), actor=city.comm_a2_staff
        )
    with pytest.raises(ValidationError) as error:
        services.ballot_record_paper(vote=vote, voter=ownerless, choice="agree", scan=None, actor=city.comm_a1_staff)
    assert codes(error.value) == {"scan_required"}
    ballot, _code = services.ballot_record_paper(
        vote=vote, voter=ownerless, choice="agree", scan=f.proof_file(), actor=city.comm_a1_staff
    )
    assert ballot.channel == Ballot.Channel.PAPER and ballot.recorded_by == city.comm_a1_staff
    with pytest.raises(ValidationError) as error:
        services.ballot_record_paper(
            vote=vote, voter=ownerless, choice="disagree", scan=f.proof_file(), actor=city.comm_a1_staff
        )
    assert codes(error.value) == {"paper_already_voted"}
    # online and paper share the one-ballot-per-owner rule
    services.ballot_cast(vote=vote, actor=city.owner_a1.user, choice="agree")
    mine = Voter.objects.get(vote=vote, resident=city.owner_a1)
    with pytest.raises(ValidationError):
        services.ballot_record_paper(
            vote=vote, voter=mine, choice="disagree", scan=f.proof_file(), actor=city.comm_a1_staff
        )


def test_only_the_street_approver_creates_and_opens_votes(city):
    project = services.project_create(estate=city.estate_a1, title="改造", actor=None)
    now = timezone.now()
    for outsider in (city.street_a_staff, city.street_b_staff, city.comm_a1_staff, city.owner_a1.user):
        with pytest.raises(PermissionDenied):
            services.vote_create(
                project=project,
                purpose="plan",
                title="t",
                matter="special",
                opens_at=now,
                closes_at=now + timedelta(days=7),
                actor=outsider,
            )


def test_close_counts_by_the_rules_and_is_idempotent(city):
    owners = [city.owner_a1] + [f.verified_owner(home) for home in city.homes_a1[1:5]]  # 5 of 6 registered
    vote = open_vote(city)
    for owner, choice in zip(owners, ["agree", "agree", "agree", "disagree"]):
        services.ballot_cast(vote=vote, actor=owner.user, choice=choice)
    closed = services.vote_close(vote=vote)
    assert closed.status == Vote.Status.CLOSED and closed.result == "passed"  # 4/6 took part, 3/4 agree
    again = services.vote_close(vote=vote)
    assert (again.closed_at, again.result) == (closed.closed_at, closed.result)


def test_no_quorum_when_too_few_take_part(city):
    vote = open_vote(city)
    services.ballot_cast(vote=vote, actor=city.owner_a1.user, choice="agree")
    assert services.vote_close(vote=vote).result == "no_quorum"


@pytest.mark.redis
def test_beat_task_closes_due_votes_once(city, settings):
    """The real task through Celery's apply, with the real Redis broker configured."""
    from projects.tasks import close_due_votes

    assert settings.CELERY_BROKER_URL.startswith("redis://")
    due = open_vote(city)
    not_due = services.vote_open(
        vote=services.vote_create(
            project=due.project,
            purpose="plan",
            title="方案",
            matter="special",
            opens_at=timezone.now(),
            closes_at=timezone.now() + timedelta(days=3),
            actor=city.street_a_manager,
        ),
        actor=city.street_a_manager,
    )
    Vote.objects.filter(pk=due.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert close_due_votes.apply().get() == [due.code]
    assert close_due_votes.apply().get() == []  # re-run or re-delivery: nothing twice
    assert Vote.objects.get(pk=not_due.pk).status == Vote.Status.OPEN


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_casts_by_one_owner_store_one_ballot():
    city = f.build_city()
    vote = open_vote(city)
    user_pk = city.owner_a1.user_id

    def cast(i):
        return services.ballot_cast(
            vote=Vote.objects.get(pk=vote.pk), actor=User.objects.get(pk=user_pk), choice=["agree", "disagree"][i % 2]
        )

    results = _race(50, cast)
    stored = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(stored) == 1 and len(refused) == 49
    assert all(codes(r) == {"already_voted"} for r in refused)
    assert Ballot.objects.filter(vote=vote).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_recording_the_same_paper_ballot_store_one():
    city = f.build_city()
    second = f.staff(city.comm_a1_org, "comm_a1_staff2")
    vote = open_vote(city)
    voter = Voter.objects.filter(vote=vote, resident__isnull=True).first()
    staff = [city.comm_a1_staff.pk, second.pk]

    def record(i):
        return services.ballot_record_paper(
            vote=Vote.objects.get(pk=vote.pk),
            voter=Voter.objects.get(pk=voter.pk),
            choice="agree",
            scan=f.proof_file(),
            actor=User.objects.get(pk=staff[i]),
        )

    results = _race(2, record)
    assert sum(isinstance(r, tuple) for r in results) == 1
    assert [codes(r) for r in results if isinstance(r, Exception)] == [{"paper_already_voted"}]
    assert Ballot.objects.filter(vote=vote).count() == 1


def test_figures_match_the_rules_module(city):
    vote = open_vote(city)
    assert Figures(vote.electorate_owners, vote.electorate_area) == Figures(6, Decimal("453.00"))
    assert Project.objects.get(pk=vote.project_id).status == Project.Status.PETITIONING


# --- the vote page ---------------------------------------------------------------------------------

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from tests.stakeholders.test_permissions import actor  # noqa: E402


@pytest.mark.parametrize(
    "role, status",
    [
        ("owner_a1", 200),
        ("comm_a1_staff", 200),
        ("street_a_staff", 200),
        ("owner_b1", 404),
        ("comm_b1_staff", 404),
        ("plain_resident", 404),
    ],
)
def test_vote_page_by_role(city, client, role, status):
    vote = open_vote(city)
    client.force_login(actor(city, role))
    assert client.get(reverse("projects:vote", args=[vote.code])).status_code == status


def test_cast_shows_the_receipt_once_then_already_voted(city, client):
    vote = open_vote(city)
    url = reverse("projects:vote", args=[vote.code])
    client.force_login(city.owner_a1.user)
    page = client.get(url)
    assert page.context["can_cast"] and "提交投票" in page.content.decode()
    missing = client.post(url, {})
    assert missing.status_code == 400 and "请选择" in missing.content.decode()
    cast = client.post(url, {"choice": "agree"})
    # post/redirect/get: the receipt is shown on the GET after the POST, once; a refresh re-posts nothing
    assert cast.status_code == 302 and cast["Location"] == url + "#receipt"
    shown = client.get(url)
    code = shown.context["receipt"]
    assert code and code in shown.content.decode() and "no-store" in shown["Cache-Control"]
    assert Ballot.objects.get(vote=vote).receipt_hash == services.receipt_hash(code)
    later = client.get(url)
    assert code not in later.content.decode() and not later.context["can_cast"]
    assert 'data-testid="already-voted"' in later.content.decode()
    again = client.post(url, {"choice": "disagree"})
    assert again.status_code == 409 and "已经在本次表决中投过票" in again.content.decode()
    assert Ballot.objects.filter(vote=vote).count() == 1


def test_only_turnout_is_visible_while_open(city, client):
    owners = [city.owner_a1] + [f.verified_owner(home) for home in city.homes_a1[1:3]]
    vote = open_vote(city)
    for owner in owners:
        services.ballot_cast(vote=vote, actor=owner.user, choice="agree")
    client.force_login(city.street_a_staff)
    response = client.get(reverse("projects:vote", args=[vote.code]))
    assert response.context["turnout"]["owners"] == 3
    html = response.content.decode()
    turnout = html.split('data-testid="turnout"')[1].split("</p>")[0]
    assert "6名业主中的3名" in turnout and "453.00 m²中的226.50 m²" in turnout
    assert "同意" not in html  # no tally by choice anywhere while the vote is open


def test_vote_page_query_budget_is_flat(city, client, django_assert_max_num_queries):
    vote = open_vote(city)
    url = reverse("projects:vote", args=[vote.code])
    client.force_login(city.owner_a1.user)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for home in f.households(f.BuildingFactory(estate=city.estate_a1), 30):
        f.verified_owner(home)
    big = open_vote(city)  # 10× the electorate and ballots
    for voter in Voter.objects.filter(vote=big, resident__isnull=False).select_related("resident__user")[:30]:
        services.ballot_cast(vote=big, actor=voter.resident.user, choice="agree")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("projects:vote", args=[big.code])).status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_votes_created_at_the_same_moment_get_distinct_codes():
    city = f.build_city()
    project = services.project_create(estate=city.estate_a1, title="改造", actor=None)
    now = timezone.now()

    def create(i):
        return services.vote_create(
            project=Project.objects.get(pk=project.pk),
            purpose="plan",
            title=f"方案{i}",
            matter="special",
            opens_at=now,
            closes_at=now + timedelta(days=7),
            actor=User.objects.get(pk=city.street_a_manager.pk),
        )

    results = _race(4, create)
    assert all(isinstance(r, Vote) for r in results), results
    assert len({r.code for r in results}) == 4


def test_an_owner_verified_after_a_vote_opened_is_told_and_told_why_not(city, client):
    """Field test: a newly verified owner got no notification, and their home page did not say why
    they could not vote in a vote that opened before they were verified (the electorate snapshot)."""
    from stakeholders.models import Notification

    vote = open_vote(city)
    claimant = city.pending_a1  # a claim in estate a1, still pending when the vote opened
    people_services.ownership_verify(ownership=claimant, actor=city.comm_a1_staff)
    notice = Notification.objects.get(user=claimant.resident.user, kind=Notification.Kind.OWNERSHIP_REVIEWED)
    assert "已通过核验" in notice.text and city.estate_a1.name in notice.text
    client.force_login(claimant.resident.user)
    home = client.get("/").content.decode()
    assert 'data-testid="missed-votes"' in home and vote.title in home and "表决开始时确定" in home
    # the owner who was verified before the vote opened is simply asked to vote
    client.force_login(city.owner_a1.user)
    home = client.get("/").content.decode()
    assert 'data-testid="missed-votes"' not in home and 'data-testid="open-votes"' in home


def test_a_rejected_claim_is_notified_with_where_to_read_the_reason(city):
    from stakeholders.models import Notification

    people_services.ownership_reject(ownership=city.pending_b1, actor=city.comm_b1_staff, reason="照片模糊")
    notice = Notification.objects.get(user=city.pending_b1.resident.user, kind=Notification.Kind.OWNERSHIP_REVIEWED)
    assert "未通过" in notice.text
