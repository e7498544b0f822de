"""Voting by proxy (委托投票, issue 18 item 7): the community committee records an owner's signed
authorisation; the proxy — who need not own anything there — casts that owner's one ballot online
(channel "proxy" in the public JSON); whoever votes first, the other cannot; the owner is told."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects import permissions, services
from projects.models import Ballot, Project, Vote
from stakeholders.models import Notification
from tests import factories as f
from tests.projects.conftest import project_at
from tests.stakeholders.test_services import codes


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def vote(city):
    project = project_at(city, Project.Status.PLANNING)
    now = timezone.now()
    v = services.vote_create(
        project=project,
        purpose=Vote.Purpose.OTHER,
        title="楼道照明",
        matter=Vote.Matter.ORDINARY,
        opens_at=now,
        closes_at=now + timedelta(days=7),
        actor=city.street_a_manager,
    )
    return services.vote_open(vote=v, actor=city.street_a_manager)


@pytest.fixture
def daughter(city):
    """Registered, owns nothing in the city: the owner's daughter."""
    return f.register("13807713333", name="黄小梅").resident


def record(city, the_vote, daughter, actor=None, **kw):
    data = {"owner": city.owner_a1, "proxy_phone": daughter.phone, "scan": f.proof_file("委托书.png"), "vote": the_vote}
    data.update(kw)
    return services.proxy_record(estate=city.estate_a1, actor=actor or city.comm_a1_staff, **data)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, allowed",
    [("comm_a1_staff", True), ("admin", True), ("comm_a2_staff", False), ("street_a_staff", False), ("owner", False)],
)
def test_who_records_an_authorisation(city, vote, daughter, role, allowed):
    user = city.owner_a1.user if role == "owner" else getattr(city, role)
    assert permissions.can_record_proxy(user, city.estate_a1) is allowed
    if allowed:
        assert record(city, vote, daughter, actor=user).proxy == daughter
        assert {n.user for n in Notification.objects.filter(kind="proxy_recorded")} == {
            city.owner_a1.user,
            daughter.user,
        }
    else:
        with pytest.raises(PermissionDenied):
            record(city, vote, daughter, actor=user)


@pytest.mark.django_db
def test_the_authorisation_is_checked(city, vote, daughter):
    for overrides, code in [
        ({"owner": city.owner_b1}, "not_an_owner"),
        ({"proxy_phone": "13900000000"}, "no_such_proxy"),
        ({"proxy_phone": city.owner_a1.phone}, "self"),
        ({"vote": None}, "scope_required"),
        ({"vote": None, "valid_until": timezone.localdate() - timedelta(days=1)}, "until_past"),
        ({"scan": None}, "scan_required"),
    ]:
        with pytest.raises(ValidationError) as error:
            record(city, vote, daughter, **overrides)
        assert codes(error.value) == {code}, overrides


@pytest.mark.django_db
def test_the_proxy_casts_the_owners_one_ballot_and_the_owner_is_told(city, vote, daughter, client):
    authorization = record(city, vote, daughter)
    url = reverse("projects:vote", args=[vote.code])
    proxy = client_for(daughter.user)
    page = proxy.get(url)  # the daughter owns nothing in the estate, yet sees the vote as proxy
    assert page.status_code == 200 and 'data-testid="proxy-ballots"' in page.content.decode()
    assert client_for(f.register("13807714444", name="路人")).get(url).status_code == 404
    cast = proxy.post(
        reverse("projects:proxy_ballot", args=[vote.code]), {"authorization": authorization.pk, "choice": "agree"}
    )
    assert cast.status_code == 302
    ballot = Ballot.objects.get()
    assert (ballot.channel, ballot.voter.resident, ballot.recorded_by) == ("proxy", city.owner_a1, daughter.user)
    assert "proxy-receipt" in proxy.get(url).content.decode()
    told = Notification.objects.get(kind="ballot_by_proxy")
    assert told.user == city.owner_a1.user and "楼道照明" in told.text
    with pytest.raises(ValidationError) as again:  # still one ballot per owner
        services.ballot_cast_by_proxy(vote=vote, actor=daughter.user, authorization=authorization, choice="disagree")
    assert codes(again.value) == {"already_voted"}
    with pytest.raises(ValidationError) as owner_too:
        services.ballot_cast(vote=vote, actor=city.owner_a1.user, choice="disagree")
    assert codes(owner_too.value) == {"already_voted"}
    services.vote_close(vote=vote)
    doc = client.get(reverse("disclosure:vote_json", args=[vote.code])).json()
    assert [b["channel"] for b in doc["ballots"]] == ["proxy"]
    public = client.get(reverse("disclosure:vote", args=[vote.code])).content.decode()
    assert "委托投票 1" in public and "在线 0" in public and daughter.name not in public


@pytest.mark.django_db
def test_an_owner_who_votes_first_and_a_revoked_or_other_vote_authorisation(city, vote, daughter):
    authorization = record(city, vote, daughter)
    services.ballot_cast(vote=vote, actor=city.owner_a1.user, choice="agree")
    with pytest.raises(ValidationError):
        services.ballot_cast_by_proxy(vote=vote, actor=daughter.user, authorization=authorization, choice="agree")
    # Revoked by the owner: no longer in force; someone else's authorisation cannot be used.
    assert not permissions.can_revoke_proxy(daughter.user, authorization)
    services.proxy_revoke(authorization=authorization, actor=city.owner_a1.user)
    authorization.refresh_from_db()
    assert not permissions.proxy_covers(authorization, vote)
    term = record(city, vote, daughter, vote=None, valid_until=timezone.localdate() + timedelta(days=30))
    assert permissions.proxy_covers(term, vote)
    short = record(city, vote, daughter, vote=None, valid_until=timezone.localdate())  # ends before the vote closes
    assert not permissions.proxy_covers(short, vote)
    stranger = f.register("13807715555", name="外人")
    with pytest.raises(PermissionDenied):
        services.ballot_cast_by_proxy(vote=vote, actor=stranger, authorization=term, choice="agree")


@pytest.mark.django_db
def test_the_committees_desk(city, vote, daughter, django_assert_max_num_queries):
    url = reverse("projects:proxy_desk", args=[city.estate_a1.code])
    staff = client_for(city.comm_a1_staff)
    bad = staff.post(url, {"owner": city.owner_a1.pk, "proxy_phone": "13900000000", "vote": vote.pk})
    assert bad.status_code == 400 and "没有注册居民使用这个手机号" in bad.content.decode()
    ok = staff.post(
        url,
        {"owner": city.owner_a1.pk, "proxy_phone": daughter.phone, "vote": vote.pk, "scan": f.proof_file("委托书.png")},
    )
    assert ok.status_code == 302
    with django_assert_max_num_queries(12):
        listed = staff.get(url).content.decode()
    assert "黄小梅" in listed and city.owner_a1.name in listed
    assert client_for(city.comm_b1_staff).get(url).status_code == 404
    assert client_for(city.owner_a1.user).get(url).status_code == 403


@pytest.mark.django_db
def test_staff_enter_the_paper_ballot_a_proxy_signed(city, vote, daughter, django_assert_max_num_queries):
    """The proxy signs the paper ballot at the committee's desk: staff enter it with its scan as the
    owner's one ballot (channel proxy), the owner is told; without an authorisation in force, no."""
    url = reverse("projects:paper_ballots", args=[vote.code])
    staff = client_for(city.comm_a1_staff)
    voter = vote.voters.get(resident=city.owner_a1)
    page = staff.get(url).content.decode()
    assert "id_v%d_by_proxy" % voter.pk not in page  # no authorisation yet: no such tick
    # A household with no authorisation: a forged tick is ignored, the ballot is the owner's own.
    other = vote.voters.filter(resident__isnull=True).first()
    forged = staff.post(url, {"voter": other.pk, "choice": "agree", "scan": f.proof_file(), "by_proxy": "on"})
    assert forged.status_code == 201 and Ballot.objects.get(voter=other).channel == "paper"
    with pytest.raises(ValidationError) as none_in_force:
        services.ballot_record_paper_by_proxy(
            vote=vote,
            voter=voter,
            authorization=record(city, vote, daughter, vote=None, valid_until=timezone.localdate()),
            choice="agree",
            scan=f.proof_file(),
            actor=city.comm_a1_staff,
        )
    assert codes(none_in_force.value) == {"not_in_force"}  # ends before the vote closes
    authorization = record(city, vote, daughter)
    with django_assert_max_num_queries(14):
        page = staff.get(url).content.decode()
    assert f"id_v{voter.pk}_by_proxy" in page and "黄**" in page
    with pytest.raises(PermissionDenied):  # another community's staff
        services.ballot_record_paper_by_proxy(
            vote=vote,
            voter=voter,
            authorization=authorization,
            choice="agree",
            scan=f.proof_file(),
            actor=city.comm_a2_staff,
        )
    entered = staff.post(url, {"voter": voter.pk, "choice": "disagree", "scan": f.proof_file(), "by_proxy": "on"})
    assert entered.status_code == 201 and 'data-testid="paper-receipt"' in entered.content.decode()
    ballot = Ballot.objects.get(voter=voter)
    assert (ballot.channel, ballot.choice, ballot.recorded_by, bool(ballot.scan)) == (
        "proxy",
        "disagree",
        city.comm_a1_staff,
        True,
    )
    assert Notification.objects.get(kind="ballot_by_proxy").user == city.owner_a1.user
    assert "已委托投票" in staff.get(url).content.decode()  # the row badge: voted by proxy
    assert staff.get(reverse("projects:ballot_scan", args=[vote.code, ballot.pk])).status_code == 200
    with pytest.raises(ValidationError) as twice:
        services.ballot_cast_by_proxy(vote=vote, actor=daughter.user, authorization=authorization, choice="agree")
    assert codes(twice.value) == {"already_voted"}
    vote = services.vote_close(vote=vote)
    with pytest.raises(PermissionDenied):  # closed: no more ballots of any kind
        services.ballot_record_paper_by_proxy(
            vote=vote,
            voter=voter,
            authorization=authorization,
            choice="agree",
            scan=f.proof_file(),
            actor=city.comm_a1_staff,
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, allowed",
    [
        ("comm_a1_staff", True),
        ("admin", True),
        ("comm_a2_staff", False),
        ("street_a_manager", False),  # sees the desk, does not enter ballots
        ("owner", False),
        ("daughter", False),  # the proxy herself votes online, or signs the paper the staff enter
    ],
)
@pytest.mark.parametrize("state", ["open", "closed"])
def test_who_enters_a_proxys_paper_ballot_and_when(city, vote, daughter, role, allowed, state):
    authorization = record(city, vote, daughter)
    if state == "closed":
        vote = services.vote_close(vote=vote)
    user = {"owner": city.owner_a1.user, "daughter": daughter.user}.get(role) or getattr(city, role)
    voter = vote.voters.get(resident=city.owner_a1)
    ok = allowed and state == "open"
    assert permissions.can_record_proxy_paper_ballot(user, vote, voter, authorization, timezone.now()) is ok
    if ok:
        ballot, _receipt = services.ballot_record_paper_by_proxy(
            vote=vote, voter=voter, authorization=authorization, choice="agree", scan=f.proof_file(), actor=user
        )
        assert ballot.channel == "proxy"
    else:
        with pytest.raises(PermissionDenied):
            services.ballot_record_paper_by_proxy(
                vote=vote, voter=voter, authorization=authorization, choice="agree", scan=f.proof_file(), actor=user
            )
