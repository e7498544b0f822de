"""The street approver's vote controls and the community's paper-ballot desk: roles × states,
pages, private scans, query budgets."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from projects import permissions as p
from projects import services
from projects.models import Ballot, Vote
from tests import factories as f
from tests.projects.test_votes import open_vote
from tests.stakeholders.test_permissions import ROLES, actor

APPROVERS = {"street_a_manager", "admin"}


@pytest.mark.parametrize("state", ["draft", "open", "open_past_deadline", "closed"])
def test_vote_actions_by_role_and_state(city, state):
    vote = open_vote(city)
    now = timezone.now()
    if state == "draft":
        vote.status = Vote.Status.DRAFT
    elif state == "open_past_deadline":
        now = vote.closes_at + timedelta(seconds=1)
    elif state == "closed":
        vote = services.vote_close(vote=vote)
    users = {role: actor(city, role) for role in ROLES}
    table = {
        "open": (lambda u: p.can_open_vote(u, vote), APPROVERS if state == "draft" else set()),
        "close_now": (
            lambda u: p.can_close_vote_now(u, vote, now),
            APPROVERS if state == "open_past_deadline" else set(),
        ),
        "see_paper": (lambda u: p.may_see_paper_ballots(u, vote), {"comm_a1_staff", "street_a_manager", "admin"}),
        "record_paper": (
            lambda u: p.can_record_paper_ballot(u, vote, now),
            {"comm_a1_staff", "admin"} if state == "open" else set(),
        ),
        "manage": (lambda u: p.can_manage_votes(u, vote.project), APPROVERS),
    }
    got = {name: {role for role, u in users.items() if ask(u)} for name, (ask, _) in table.items()}
    assert got == {name: expected for name, (_, expected) in table.items()}


def test_approver_creates_opens_and_counts_a_vote_by_hand(city, client):
    project = services.project_create(estate=city.estate_a1, title="甲一小区改造", actor=None)
    url = reverse("projects:vote_new", args=[project.code])
    client.force_login(city.comm_a1_staff)
    assert client.get(url).status_code == 403
    client.force_login(city.street_b_staff)
    assert client.get(url).status_code == 404
    client.force_login(city.street_a_manager)
    now = timezone.localtime()
    page = client.get(url).content.decode()
    assert 'name="matter" value="ordinary" checked' not in page and 'name="matter" value="special" checked' not in page
    form = {
        "title": "1栋1单元加装电梯",
        "decides": "other",
        "scope": "unit",
        "building": "",
        "unit": "1",
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    }
    bad = client.post(url, form)
    body = bad.content.decode()
    assert bad.status_code == 400 and "表决结束时间必须晚于开始时间" in body and 'value="1栋1单元加装电梯"' in body
    assert "请选择是一般事项还是重大事项" in body  # another matter: the person says which
    form |= {"decides": "elevator", "matter": "ordinary"}  # an elevator: special by law, whatever is sent
    form["closes_at"] = (now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    no_building = client.post(url, form)
    assert no_building.status_code == 400 and "请选择表决涉及的楼栋" in no_building.content.decode()
    form["building"] = city.homes_a1[0].building_id
    response = client.post(url, form)
    vote = Vote.objects.get()
    assert response.url == reverse("projects:vote", args=[vote.code]) and vote.status == "draft"
    assert (vote.decides, vote.matter) == ("elevator", "special")
    client.post(reverse("projects:vote_manage", args=[vote.code]), {"action": "open"})
    vote.refresh_from_db()
    assert vote.status == "open" and vote.electorate_owners == 6
    # counting before the deadline is not offered and is refused
    assert client.post(reverse("projects:vote_manage", args=[vote.code]), {"action": "close"}).status_code == 403
    Vote.objects.filter(pk=vote.pk).update(
        opens_at=timezone.now() - timedelta(days=8), closes_at=timezone.now() - timedelta(days=1)
    )
    page = client.get(reverse("projects:vote", args=[vote.code])).content.decode()
    assert "立即计票" in page
    client.post(reverse("projects:vote_manage", args=[vote.code]), {"action": "close"})
    vote.refresh_from_db()
    assert (vote.status, vote.result) == ("closed", "no_quorum")


def test_paper_ballot_desk(city, client):
    vote = open_vote(city)
    url = reverse("projects:paper_ballots", args=[vote.code])
    for role, status in [("owner_a1", 403), ("street_a_staff", 403), ("comm_a2_staff", 404), ("street_b_staff", 404)]:
        client.force_login(actor(city, role))
        assert client.get(url).status_code == status, role
    services.ballot_cast(vote=vote, actor=city.owner_a1.user, choice="agree")
    client.force_login(city.comm_a1_staff)
    page = client.get(url).content.decode()
    assert "已线上投票" in page and city.owner_a1.masked_name in page and city.owner_a1.name not in page
    online_voter = vote.voters.get(resident=city.owner_a1)
    paper_voter = vote.voters.filter(resident__isnull=True).first()
    # an owner who voted online cannot vote on paper
    twice = client.post(url, {"voter": online_voter.pk, "choice": "disagree", "scan": f.proof_file()})
    assert twice.status_code == 409 and "该业主已经投过票" in twice.content.decode()
    missing = client.post(url, {"voter": paper_voter.pk, "choice": "agree"})
    assert missing.status_code == 400 and "请上传已签字纸质表决票的扫描件或照片" in missing.content.decode()
    ok = client.post(url, {"voter": paper_voter.pk, "choice": "agree", "scan": f.proof_file()})
    assert ok.status_code == 201 and 'data-testid="paper-receipt"' in ok.content.decode()
    ballot = Ballot.objects.get(voter=paper_voter)
    assert ballot.channel == "paper" and ballot.recorded_by == city.comm_a1_staff
    scan = reverse("projects:ballot_scan", args=[vote.code, ballot.pk])
    response = client.get(scan)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    for role, status in [("owner_a1", 403), ("comm_b1_staff", 404)]:
        client.force_login(actor(city, role))
        assert client.get(scan).status_code == status
    client.force_login(city.comm_a1_staff)
    search = client.get(url, {"q": paper_voter.label}).content.decode()
    assert search.count('class="card mb-2"') == 1


def test_paper_desk_query_budget_flat(city, client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = open_vote(city)
    client.force_login(city.comm_a1_staff)
    url = reverse("projects:paper_ballots", args=[small.code])
    client.get(url)
    with CaptureQueriesContext(connection) as c:
        client.get(url)
    budget = len(c.captured_queries)
    f.households(f.BuildingFactory(estate=city.estate_a1), 40)
    big = services.vote_open(
        vote=services.vote_create(
            project=small.project,
            purpose=Vote.Purpose.OTHER,
            title="大",
            matter="ordinary",
            opens_at=small.opens_at,
            closes_at=small.closes_at,
            actor=city.street_a_manager,
        ),
        actor=city.street_a_manager,
    )
    for voter in big.voters.all()[:30]:
        services.ballot_record_paper(
            vote=big, voter=voter, choice="agree", scan=f.proof_file(), actor=city.comm_a1_staff
        )
    with django_assert_max_num_queries(budget):
        assert client.get(reverse("projects:paper_ballots", args=[big.code])).status_code == 200
    assert budget <= 15


def test_paper_desk_pages_say_next_page(city, client, monkeypatch):
    """Field test: the desk's pagination said 下一步 (next step) instead of 下一页."""
    import projects.views.votes

    f.households(f.BuildingFactory(estate=city.estate_a1), 8)
    vote = open_vote(city)
    client.force_login(city.comm_a1_staff)
    monkeypatch.setattr(projects.views.votes, "VOTERS_PER_PAGE", 5)
    first = client.get(reverse("projects:paper_ballots", args=[vote.code])).content.decode()
    second = client.get(reverse("projects:paper_ballots", args=[vote.code]), {"page": 2}).content.decode()
    assert "下一页" in first and "下一步" not in first
    assert "上一页" in second
