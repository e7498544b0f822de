"""Published vote results (architecture §6): the JSON recomputes from its own ballots, receipts check,
nothing personal is shown, nothing is shown before the close."""

import hashlib
import json
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.urls import reverse

from projects import services
from projects.models import Vote
from tests import factories as f
from tests.projects.test_votes import open_vote

pytestmark = pytest.mark.django_db


def canonical_hash(obj) -> str:
    """Written out again from architecture §6, not imported: this is what an outside verifier does."""
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.fixture
def closed_vote(city):
    owners = [f.verified_owner(home) for home in city.homes_a1[2:5]]
    vote = open_vote(city, matter=Vote.Matter.SPECIAL)
    receipts = {}
    for resident, choice in zip([city.owner_a1, *owners], ["agree", "agree", "agree", "abstain"]):
        _ballot, receipts[resident.pk] = services.ballot_cast(vote=vote, actor=resident.user, choice=choice)
    voter = vote.voters.filter(resident__isnull=True).first()  # household 1: no verified owner
    _ballot, receipts["paper"] = services.ballot_record_paper(
        vote=vote, voter=voter, choice="disagree", scan=f.proof_file(), actor=city.comm_a1_staff
    )
    services.votes_close_due(now=vote.closes_at + timedelta(seconds=1))
    vote.refresh_from_db()
    return vote, receipts, [city.owner_a1, *owners]


def test_vote_json_recomputes_from_its_ballots(client, closed_vote):
    vote, receipts, residents = closed_vote
    response = client.get(f"/disclosure/votes/{vote.code}.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json; charset=utf-8"
    doc = json.loads(response.content)
    assert set(doc) == {
        "vote",
        "project",
        "title",
        "matter",
        "scope",
        "opened_at",
        "closed_at",
        "electorate",
        "ballots",
        "ballots_digest",
        "tally",
        "quorum_met",
        "result",
    }
    assert (doc["vote"], doc["project"], doc["matter"], doc["scope"]) == (
        vote.code,
        vote.project.code,
        "special",
        "estate",
    )
    # the bytes served are the canonical JSON
    assert response.content == json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    ballots = doc["ballots"]
    assert [b["receipt"] for b in ballots] == sorted(b["receipt"] for b in ballots)
    assert doc["ballots_digest"] == canonical_hash(ballots)
    # every receipt is H(code) of a code some voter holds
    assert {b["receipt"] for b in ballots} == {canonical_hash(code) for code in receipts.values()}
    # tallies add up, with Fractions, from the ballots alone
    tally = {c: [0, Fraction(0)] for c in ("agree", "disagree", "abstain")}
    for b in ballots:
        tally[b["choice"]][0] += 1
        tally[b["choice"]][1] += Fraction(b["area"])
    for choice, (owners, area) in tally.items():
        assert doc["tally"][choice] == {"owners": owners, "area": f"{Decimal(area.numerator) / area.denominator:.2f}"}
    participants = sum(t[0] for t in tally.values()), sum(t[1] for t in tally.values())
    assert doc["tally"]["participants"]["owners"] == participants[0] == 5
    electorate = doc["electorate"]["owners"], Fraction(doc["electorate"]["area"])
    assert electorate == (6, Fraction("453.00"))
    quorum = 3 * participants[0] >= 2 * electorate[0] and 3 * participants[1] >= 2 * electorate[1]
    agreed = 4 * tally["agree"][0] >= 3 * participants[0] and 4 * tally["agree"][1] >= 3 * participants[1]
    assert doc["quorum_met"] is quorum is True
    assert doc["result"] == ("passed" if agreed else "rejected") == "rejected"  # 3 of 5 agree < 3/4
    assert doc["opened_at"].endswith("+08:00")


def test_index_lists_every_closed_vote_and_nothing_else(client, city, closed_vote):
    vote, _receipts, _residents = closed_vote
    project = vote.project
    now = vote.closes_at
    services.vote_open(
        vote=services.vote_create(
            project=project,
            purpose=Vote.Purpose.OTHER,
            title="加装电梯",
            matter="special",
            opens_at=now,
            closes_at=now + timedelta(days=3),
            actor=city.street_a_manager,
        ),
        actor=city.street_a_manager,
    )
    doc = json.loads(client.get("/disclosure/votes.json").content)
    assert doc == {
        "votes": [
            {
                "vote": vote.code,
                "project": project.code,
                "title": vote.title,
                "closed_at": doc["votes"][0]["closed_at"],
                "url": f"/disclosure/votes/{vote.code}.json",
            }
        ]
    }


def test_nothing_but_turnout_before_the_close(client, city):
    vote = open_vote(city)
    services.ballot_cast(vote=vote, actor=city.owner_a1.user, choice="disagree")
    assert client.get(f"/disclosure/votes/{vote.code}.json").status_code == 404
    page = client.get(reverse("disclosure:vote", args=[vote.code])).content.decode()
    assert "目前参与：6名业主中的1名，453.00 m²中的75.50 m²。" in page
    assert 'data-testid="vote-tally"' not in page and "不同意" not in page
    draft = services.vote_create(
        project=vote.project,
        purpose=Vote.Purpose.OTHER,
        title="草稿",
        matter="ordinary",
        opens_at=vote.opens_at,
        closes_at=vote.closes_at,
        actor=city.street_a_manager,
    )
    assert client.get(reverse("disclosure:vote", args=[draft.code])).status_code == 404


def test_result_page_explains_the_thresholds_without_personal_data(client, closed_vote):
    vote, _receipts, residents = closed_vote
    page = client.get(reverse("disclosure:vote", args=[vote.code])).content.decode()
    assert "未通过" in page
    assert "参与表决的业主：6 人中的 5 人。须有三分之二以上的业主参与。" in page
    assert "同意的业主：参与表决的 5 人中的 3 人。特别事项须四分之三以上同意。" in page
    for resident in residents:
        assert resident.name not in page and resident.masked_name not in page and resident.phone not in page
    assert "101" not in page  # no room numbers


def test_receipt_check(client, closed_vote):
    vote, receipts, residents = closed_vote
    url = reverse("disclosure:vote_receipt", args=[vote.code])
    found = client.get(url, {"receipt": receipts[residents[3].pk].lower()})
    assert found.status_code == 200 and "弃权" in found.content.decode()
    paper = client.get(url, {"receipt": receipts["paper"]})
    assert "纸质" in paper.content.decode() and "不同意" in paper.content.decode()
    # Field test: "dktw5can2g6y" (lower case, no dashes) was refused. Typed any way, the code is found.
    code = receipts[residents[3].pk]
    for typed in (
        code.replace("-", "").lower(),
        f" {code.replace('-', ' ')} ",
        code.replace("-", "—"),
        "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in code),
    ):  # full-width, from a Chinese keyboard
        assert client.get(url, {"receipt": typed}).status_code == 200, typed
    missing = client.get(url, {"receipt": "AAAA-BBBB-CCCC"})
    assert missing.status_code == 404 and "没有与该回执码对应的选票" in missing.content.decode()


def test_public_vote_pages_query_budget_flat(client, city, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def closed(n_households):
        estate = f.EstateFactory(community=city.comm_a1)
        f.households(f.BuildingFactory(estate=estate), n_households)
        project = services.project_create(estate=estate, title="改造", actor=None)
        vote = services.vote_create(
            project=project,
            purpose=Vote.Purpose.OTHER,
            title="表决",
            matter="ordinary",
            opens_at=vote_time(),
            closes_at=vote_time() + timedelta(hours=1),
            actor=city.street_a_manager,
        )
        vote = services.vote_open(vote=vote, actor=city.street_a_manager)
        for voter in vote.voters.all()[: n_households - 1]:
            services.ballot_record_paper(vote=vote, voter=voter, choice="agree", scan=f.proof_file(), actor=city.admin)
        services.vote_close(vote=vote)
        return vote

    def vote_time():
        from django.utils import timezone

        return timezone.now() - timedelta(minutes=5)

    small, big = closed(3), closed(30)

    def pages(v):
        return [
            reverse("disclosure:vote", args=[v.code]),
            f"/disclosure/votes/{v.code}.json",
            reverse("disclosure:votes"),
            "/disclosure/votes.json",
        ]

    counts = []
    for url in pages(small):
        client.get(url)
        with CaptureQueriesContext(connection) as c:
            assert client.get(url).status_code == 200
        counts.append(len(c.captured_queries))
    for url, budget in zip(pages(big), counts):
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200
    assert max(counts) <= 4


def test_receipt_guessing_is_rate_limited_per_address(closed_vote, settings):
    """The receipt check is public: one address may try RECEIPT_CHECK codes a minute, then waits."""
    from django.test import Client

    vote, receipts, _residents = closed_vote
    url = reverse("disclosure:vote_receipt", args=[vote.code])
    guesser = Client(REMOTE_ADDR="10.0.5.1")
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["receipt_check"].split("/")[0])
    assert {guesser.get(url, {"receipt": f"AAAA-BBBB-{n:04d}"}).status_code for n in range(limit)} == {404}
    assert guesser.get(url).status_code == 200  # the empty form is not a guess
    stopped = guesser.get(url, {"receipt": receipts["paper"]})
    assert stopped.status_code == 429 and int(stopped["Retry-After"]) > 0
    assert "太频繁" in stopped.content.decode() and 'data-testid="throttled"' in stopped.content.decode()
    voter = Client(REMOTE_ADDR="10.0.5.2")  # another address is not slowed down
    assert voter.get(url, {"receipt": receipts["paper"]}).status_code == 200
