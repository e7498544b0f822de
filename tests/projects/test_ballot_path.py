"""The hottest write (issue 23 item 1): an online ballot through the API in three round trips — the
token, the owner's Voter row with its vote (the electorate snapshot is the scope decision), the
INSERT — and the same answers as before for everyone else."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from projects.models import Ballot
from stakeholders.models import User
from tests.projects.test_votes import open_vote


def _client(user) -> Client:
    token, _ = Token.objects.get_or_create(user=User.objects.get(pk=user.pk))
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


@pytest.mark.django_db
def test_a_ballot_is_three_round_trips(city):
    vote = open_vote(city)
    owner = _client(city.owner_a1.user)
    url = f"/api/v1/votes/{vote.code}/ballots/"
    with CaptureQueriesContext(connection) as queries:
        response = owner.post(url, {"choice": "agree"}, content_type="application/json")
    assert response.status_code == 201, response.content
    trips = [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(trips) == 3, "\n".join(q[:200] for q in trips)  # (the savepoints are the test's transaction)
    assert Ballot.objects.filter(vote=vote).count() == 1
    twice = owner.post(url, {"choice": "agree"}, content_type="application/json")
    assert twice.status_code == 409 and twice.json()["code"] == "already_voted"


@pytest.mark.django_db
def test_everyone_else_gets_the_same_answers_as_before(city):
    vote = open_vote(city)
    url = f"/api/v1/votes/{vote.code}/ballots/"
    agree = {"data": {"choice": "agree"}, "content_type": "application/json"}
    assert _client(city.owner_b1.user).post(url, **agree).status_code == 404  # another estate's vote
    staff = _client(city.comm_a1_staff).post(url, **agree)  # sees the vote, is not in its electorate
    assert staff.status_code == 400 and staff.json()["code"] == "not_in_electorate"
    assert _client(city.owner_a1.user).post("/api/v1/votes/no-such/ballots/", **agree).status_code == 404
    bad = _client(city.owner_a1.user).post(url, {"choice": "maybe"}, content_type="application/json")
    assert bad.status_code == 400
    assert Client().post(url, **agree).status_code in (401, 403)
    assert Ballot.objects.filter(vote=vote).count() == 0
