"""Petition → willingness vote → street office; the vote's result moves the project, everyone
concerned is notified (architecture §3)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from projects import services
from projects.models import Petition, Project, Vote
from stakeholders.models import Notification
from tests.stakeholders.test_services import _race, codes


def complete_petition(city, owners):
    petition = services.petition_start(resident=city.owner_a1, estate=city.estate_a1, reason="外墙脱落")
    for owner in owners[:2]:
        invite = services.sponsor_invite(petition=petition, actor=city.owner_a1.user, phone=owner.phone)
        services.sponsor_answer(sponsorship=invite, actor=owner.user, confirm=True)
    return petition


def after_deadline(vote):
    return vote.closes_at + timedelta(seconds=1)


def test_complete_petition_opens_an_ordinary_estate_vote(city, owners, settings):
    settings.WILLINGNESS_VOTE_DAYS = 10
    petition = complete_petition(city, owners)
    vote = services.petition_submit(petition=petition, actor=owners[0].user)
    petition.refresh_from_db()
    assert petition.status == Petition.Status.VOTING
    assert (vote.purpose, vote.matter, vote.scope, vote.status) == ("willingness", "ordinary", "estate", "open")
    assert vote.closes_at - vote.opens_at == timedelta(days=10)
    assert vote.electorate_owners == 6  # every household of a1, registered or not
    # signatures are frozen once the owners vote
    mine = petition.sponsorships.get(resident=owners[0])
    with pytest.raises(ValidationError) as error:
        services.sponsor_withdraw(sponsorship=mine, actor=owners[0].user)
    assert codes(error.value) == {"cannot_withdraw"}


def test_incomplete_petition_cannot_be_submitted_and_says_why(city, owners):
    petition = services.petition_start(resident=owners[0], estate=city.estate_a1, reason="外墙脱落")
    with pytest.raises(ValidationError) as error:
        services.petition_submit(petition=petition, actor=owners[0].user)
    assert codes(error.value) == {"sponsors", "party_member"}
    assert not Vote.objects.exists()


def test_only_a_confirmed_sponsor_submits(city, owners):
    petition = complete_petition(city, owners)
    for user in (owners[2].user, city.street_a_manager, city.comm_a1_staff):
        with pytest.raises(PermissionDenied):
            services.petition_submit(petition=petition, actor=user)


def test_passed_vote_submits_the_petition_and_the_street_office_decides(city, owners):
    petition = complete_petition(city, owners)
    vote = services.petition_submit(petition=petition, actor=city.owner_a1.user)
    for resident in [city.owner_a1, *owners]:  # 4 of 6 owners, 302.00 of 453.00 m²: exactly 2/3
        services.ballot_cast(vote=vote, actor=resident.user, choice="agree")
    assert services.votes_close_due(now=after_deadline(vote)) == [vote.code]
    vote.refresh_from_db()
    petition.refresh_from_db()
    assert vote.result == "passed" and petition.status == Petition.Status.SUBMITTED
    project = Project.objects.get(pk=petition.project_id)
    assert project.status == Project.Status.SUBMITTED
    event = project.events.last()
    assert event.actor is None and "意愿表决" in event.note
    # running the beat job again changes nothing
    assert services.votes_close_due(now=after_deadline(vote)) == []
    assert project.events.count() == 2

    services.project_transition(project=project, to=Project.Status.ACCEPTED, actor=city.street_a_manager)
    sponsors = {city.owner_a1.user_id, owners[0].user_id, owners[1].user_id}
    decided = Notification.objects.filter(kind=Notification.Kind.PETITION_DECIDED)
    assert {n.user_id for n in decided} == sponsors
    assert "纳入改造计划" in decided.first().text


@pytest.mark.parametrize("voters, result", [(3, "no_quorum"), (4, "rejected")])
def test_failed_vote_closes_the_petition_and_frees_the_estate(city, owners, voters, result):
    petition = complete_petition(city, owners)
    vote = services.petition_submit(petition=petition, actor=city.owner_a1.user)
    for resident in [city.owner_a1, *owners][:voters]:
        services.ballot_cast(vote=vote, actor=resident.user, choice="disagree" if result == "rejected" else "agree")
    services.votes_close_due(now=after_deadline(vote))
    petition.refresh_from_db()
    project = Project.objects.get(pk=petition.project_id)
    assert (petition.status, project.status) == (Petition.Status.CLOSED, Project.Status.REJECTED)
    assert Vote.objects.get(pk=vote.pk).result == result
    # owners may try again
    again = services.petition_start(resident=owners[2], estate=city.estate_a1, reason="再次申请")
    assert again.project_id != project.pk


def test_notifications_for_invitation_vote_opening_and_result(city, owners):
    petition = services.petition_start(resident=city.owner_a1, estate=city.estate_a1, reason="外墙脱落")
    services.sponsor_invite(petition=petition, actor=city.owner_a1.user, phone=owners[0].phone)
    [invited] = Notification.objects.filter(user=owners[0].user).exclude(kind=Notification.Kind.OWNERSHIP_REVIEWED)
    assert invited.kind == Notification.Kind.SPONSOR_INVITED
    assert city.owner_a1.masked_name in invited.text and city.owner_a1.name not in invited.text
    Notification.objects.all().delete()

    for owner in owners[:2]:
        sponsorship = petition.sponsorships.filter(resident=owner).first() or services.sponsor_invite(
            petition=petition, actor=city.owner_a1.user, phone=owner.phone
        )
        services.sponsor_answer(sponsorship=sponsorship, actor=owner.user, confirm=True)
    Notification.objects.all().delete()
    vote = services.petition_submit(petition=petition, actor=city.owner_a1.user)
    voters_with_accounts = {city.owner_a1.user_id, *(o.user_id for o in owners)}
    opened = Notification.objects.filter(kind=Notification.Kind.VOTE_OPENED)
    assert {n.user_id for n in opened} == voters_with_accounts
    assert opened.first().url == reverse("projects:vote", args=[vote.code])
    services.votes_close_due(now=after_deadline(vote))
    closed = Notification.objects.filter(kind=Notification.Kind.VOTE_CLOSED)
    assert {n.user_id for n in closed} == voters_with_accounts
    notice = closed.first()
    assert notice.text == "表决“甲一小区改造意愿表决”已结束：未达法定参与人数。"
    with translation.override("en"):  # rendered in the reader's language, not the sender's
        assert notice.text == "The vote “甲一小区改造意愿表决” has closed: no quorum (too few owners took part)."


@pytest.mark.django_db(transaction=True)
def test_double_clicked_submit_opens_one_vote():
    from tests import factories as f

    city = f.build_city()
    owners = [f.verified_owner(home) for home in city.homes_a1[2:5]]
    petition = complete_petition(city, owners)
    results = _race(5, lambda i: services.petition_submit(petition=petition, actor=city.owner_a1.user))
    assert sum(isinstance(r, Vote) for r in results) == 1
    refused = [r for r in results if not isinstance(r, Vote)]
    assert all(isinstance(r, ValidationError) and codes(r) == {"already_submitted"} for r in refused)
    assert Vote.objects.count() == 1


def test_submit_through_the_page(city, client, owners):
    petition = complete_petition(city, owners)
    client.force_login(owners[1].user)
    page = client.get(petition.project.get_absolute_url())
    assert 'data-testid="petition-submit"' in page.content.decode()
    response = client.post(reverse("projects:petition_submit", args=[petition.project.code]))
    vote = Vote.objects.get()
    assert response.status_code == 302 and response.url == reverse("projects:vote", args=[vote.code])
    again = client.post(reverse("projects:petition_submit", args=[petition.project.code]), follow=True)
    assert "已进入业主表决" in again.content.decode() and Vote.objects.count() == 1
    client.force_login(city.owner_b1.user)
    assert client.post(reverse("projects:petition_submit", args=[petition.project.code])).status_code == 404


def test_timeline_of_a_failed_vote_is_public_on_the_project(city, owners):
    petition = complete_petition(city, owners)
    vote = services.petition_submit(petition=petition, actor=city.owner_a1.user)
    services.votes_close_due(now=timezone.now() + timedelta(days=30))
    project = Project.objects.get(pk=petition.project_id)
    assert [e.to_status for e in project.events.all()] == ["petitioning", "rejected"]
    assert Vote.objects.get(pk=vote.pk).result == "no_quorum"
