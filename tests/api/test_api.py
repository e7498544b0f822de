"""/api/v1/: the IDOR sweep over every object endpoint and method (generated from the URL list), 50 concurrent
ballots, the error body, tokens, multipart uploads, query budgets with 10× data."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from feedback import services as voice
from feedback.models import Complaint, Invitation
from portal import api_urls
from projects import services as p
from projects.models import CatalogItem, Need, Project
from stakeholders.models import User
from tests import factories as f
from tests.disclosure.conftest import adopted_project, award, income, publish_budget
from tests.disclosure.test_public_pages import photo_upload
from tests.projects.conftest import owners, project_at  # noqa: F401


def api(user=None) -> Client:
    client = Client()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=User.objects.get(pk=user.pk))
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    return client


@pytest.fixture
def world(city):
    """Street A's objects of every kind: a project under construction with a ledger, a vote, a
    need, a complaint, a survey invitation."""
    w = adopted_project(city)
    publish_budget(city, w)
    award(city, w)
    income(city, w)
    Project.objects.filter(pk=w.project.pk).update(status=Project.Status.UNDER_CONSTRUCTION)
    w.project.refresh_from_db()
    vote = p.vote_create(
        project=w.project,
        purpose="other",
        title="加装电梯",
        matter="special",
        opens_at=timezone.now() - timedelta(minutes=1),
        closes_at=timezone.now() + timedelta(days=7),
        actor=User.objects.get(pk=city.street_a_manager.pk),
    )
    w.vote = p.vote_open(vote=vote, actor=User.objects.get(pk=city.street_a_manager.pk))
    from projects.models import PlanVersion

    w.version = PlanVersion.objects.get(project=w.project)
    w.need = Need.objects.create(
        project=w.project, catalog_item=CatalogItem.objects.get(code="roof"), filed_by=city.owner_a1, text="屋顶漏水"
    )
    w.complaint = voice.complaint_file(
        project=w.project, actor=User.objects.get(pk=city.owner_a1.user_id), category="quality", text="墙皮脱落"
    )
    survey = voice.survey_open(project=w.project, kind="completion")
    w.invitation = Invitation.objects.get(survey=survey, household=city.homes_a1[0])
    from projects.models import Petition, Sponsorship

    petition = Petition.objects.create(project=w.project, started_by=city.owner_a1, reason="屋面漏水")
    w.sponsorship = Sponsorship.objects.create(
        petition=petition, resident=city.owner_a1, household=city.homes_a1[0], status="invited"
    )
    from disclosure.models import Milestone

    w.milestone = Milestone.objects.create(
        project=w.project, title="外架拆除", due_date=timezone.localdate() + timedelta(days=30)
    )
    w.plan_item = w.version.items.first()
    from stakeholders.models import Notification

    w.notification = Notification.objects.filter(user_id=city.owner_a1.user_id).first() or Notification.objects.create(
        user_id=city.owner_a1.user_id, kind=Notification.Kind.VOTE_OPENED, url="/"
    )
    w.claim = city.pending_a1
    # a refused completion report with its defect (the defect-fix endpoint's object)
    from projects.models import AcceptanceSignature, CompletionReport, Defect

    report = CompletionReport.objects.create(
        project=w.project,
        number=1,
        status="returned",
        scope_done="完工",
        organization=city.contractor_org,
        filed_by=city.contractor,
    )
    refusal = AcceptanceSignature.objects.create(
        project=w.project, report=report, role="street", decision="refuse", signed_by=city.street_a_manager
    )
    w.defect = Defect.objects.create(
        report=report, signature=refusal, description="渗水", due_on=timezone.localdate() + timedelta(days=5)
    )
    return w


def with_private_files(city, w):
    """A need photo, a paper ballot's scan and a voucher exist, so that the sweep's 404s are the
    scope's, not a missing file's."""
    from projects.models import Voter
    from tests.disclosure.test_public_pages import photo_upload

    w.need.photo, w.need.photo_content_type = photo_upload(), "image/jpeg"
    w.need.save()
    voter = Voter.objects.filter(vote=w.vote).exclude(resident=city.owner_a1).first()
    w.paper_ballot = p.ballot_record_paper(
        vote=w.vote,
        voter=voter,
        choice="agree",
        scan=f.proof_file("ballot.png"),
        actor=User.objects.get(pk=city.comm_a1_staff.pk),
    )[0]
    w.voucher_seq = income(city, w, amount="1.00", voucher=f.proof_file("invoice.png")).seq
    return w


def kwargs_for(name: str, w) -> dict:
    """How to fill each object endpoint's URL with street A's object (a new endpoint needs a line)."""
    return {
        "api-project": {"code": w.project.code},
        "api-needs": {"code": w.project.code},
        "api-ledger": {"code": w.project.code},
        "api-progress": {"code": w.project.code},
        "api-need-support": {"pk": w.need.pk},
        "api-vote": {"code": w.vote.code},
        "api-ballot": {"code": w.vote.code},
        "api-complaint": {"pk": w.complaint.pk},
        "api-complaint-transition": {"pk": w.complaint.pk},
        "api-complaint-message": {"pk": w.complaint.pk},
        "api-invitation-answer": {"pk": w.invitation.pk},
        "api-petition": {"code": w.project.code},
        "api-petition-invite": {"code": w.project.code},
        "api-project-transition": {"code": w.project.code},
        "api-plans": {"code": w.project.code},
        "api-budget": {"code": w.project.code},
        "api-budget-approve": {"code": w.project.code},
        "api-budget-publish": {"code": w.project.code},
        "api-milestones": {"code": w.project.code},
        "api-acceptance": {"code": w.project.code},
        "api-completion-reports": {"code": w.project.code},
        "api-management-ledger": {"code": w.project.code},
        "api-defect-fix": {"pk": w.defect.pk},
        "api-sponsorship-answer": {"pk": w.sponsorship.pk},
        "api-plan-comment": {"pk": w.version.pk},
        "api-plan-publish": {"pk": w.version.pk},
        "api-paper-ballot": {"code": w.vote.code},
        "api-milestone-status": {"code": w.project.code, "pk": w.milestone.pk},
        "api-ledger-reverse": {"code": w.project.code, "seq": 1},
        "api-petition-submit": {"code": w.project.code},
        "api-vote-create": {"code": w.project.code},
        "api-award": {"code": w.project.code},
        "api-plan": {"pk": w.version.pk},
        "api-plan-items": {"pk": w.version.pk},
        "api-plan-item": {"pk": w.version.pk, "item": w.plan_item.pk},
        "api-plan-vote": {"pk": w.version.pk},
        "api-plan-management": {"pk": w.version.pk},
        "api-need-triage": {"pk": w.need.pk},
        "api-vote-open": {"code": w.vote.code},
        "api-vote-close": {"code": w.vote.code},
        "api-survey-letters": {"pk": w.invitation.survey_id},
        "api-survey-paper": {"pk": w.invitation.survey_id},
        "api-sponsorship-withdraw": {"pk": w.sponsorship.pk},
        "api-notification-read": {"pk": w.notification.pk},
        "api-claim-verify": {"pk": w.claim.pk},
        "api-claim-reject": {"pk": w.claim.pk},
        "api-claim-proof": {"pk": w.claim.pk},
        "api-need-photo": {"pk": w.need.pk},
        "api-ballot-scan": {"code": w.vote.code, "pk": w.paper_ballot.pk},
        "api-ledger-voucher": {"code": w.project.code, "seq": w.voucher_seq},
    }[name]


# Reads that are public by design (the disclosure pages' data): anyone gets 200.
PUBLIC_READS = {"api-ledger", "api-progress", "api-budget", "api-milestones"}
OBJECT_ENDPOINTS = [u.name for u in api_urls.api_v1 if isinstance(u, URLPattern) and u.pattern.converters]


@pytest.mark.django_db
@pytest.mark.parametrize("name", OBJECT_ENDPOINTS)
def test_idor_sweep_other_estate_street_or_contractor_gets_404(city, world, name):
    url = reverse(name, kwargs=kwargs_for(name, with_private_files(city, world)))
    outsiders = [
        city.owner_b1.user,
        city.street_b_staff,
        f.staff(f.organization("contractor", "别家施工"), "other_contractor"),
        city.comm_b1_staff,
    ]
    for user in outsiders:
        client = api(user)
        if name not in PUBLIC_READS:
            assert client.get(url).status_code in (404, 405), (name, user)
        for method in ("post", "put", "patch", "delete"):
            response = getattr(client, method)(url, {}, content_type="application/json")
            assert response.status_code in (404, 405), (
                name,
                user,
                method,
                response.status_code,
                response.content[:200],
            )
            if response.status_code == 404:
                assert set(response.json()) == {"code", "message", "fields"}


@pytest.mark.django_db
def test_every_object_endpoint_is_in_the_sweep():
    assert set(OBJECT_ENDPOINTS) >= {"api-project", "api-vote", "api-ballot", "api-complaint"}
    assert len(OBJECT_ENDPOINTS) == 50  # a new one must get a line in kwargs_for


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_50_concurrent_ballots_for_one_owner_one_201_the_rest_409(city, world):
    url = reverse("api-ballot", kwargs={"code": world.vote.code})
    token, _ = Token.objects.get_or_create(user=User.objects.get(pk=city.owner_a1.user_id))
    statuses, barrier = [], threading.Barrier(50)

    def cast():
        from django.db import connection as conn

        client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
        try:
            barrier.wait()
            statuses.append(client.post(url, {"choice": "agree"}, content_type="application/json").status_code)
        finally:
            conn.close()

    threads = [threading.Thread(target=cast) for _ in range(50)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(statuses) == [201] + [409] * 49
    assert world.vote.ballots.count() == 1


@pytest.mark.django_db
def test_error_bodies_are_coded_and_translated(city, world):
    client = api(city.owner_a1.user)
    url = reverse("api-ballot", kwargs={"code": world.vote.code})
    bad = client.post(url, {"choice": "maybe"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_choice" and "choice" in bad.json()["fields"]
    assert client.post(url, {"choice": "agree"}, content_type="application/json").status_code == 201
    again = client.post(url, {"choice": "agree"}, content_type="application/json").json()
    assert again["code"] == "already_voted" and "投过票" in again["message"]
    english = client.post(url, {"choice": "agree"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 409
    # Wrong role: a resident posting to the ledger.
    response = client.post(
        reverse("api-ledger", kwargs={"code": world.project.code}),
        {
            "date": str(timezone.localdate()),
            "kind": "income",
            "amount": "10.00",
            "counterparty": "x",
            "source": "residents",
        },
        content_type="application/json",
    )
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert api().get(reverse("api-projects")).status_code in (401, 403)


@pytest.mark.django_db
def test_token_sign_in_and_actions_through_the_api(city, world):
    anonymous = Client()
    response = anonymous.post(reverse("api-token"), {"username": city.contractor.username, "password": f.PASSWORD})
    assert response.status_code == 200
    contractor = Client(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    posted = contractor.post(
        reverse("api-progress", kwargs={"code": world.project.code}),
        {"percent": 35, "text": "屋面防水完成一半", "photos": [photo_upload()]},
    )
    assert posted.status_code == 201, posted.content
    assert posted.json()["project_percent"] == 35 and len(posted.json()["photos"]) == 1
    staff = api(city.street_a_staff)
    entry = staff.post(
        reverse("api-ledger", kwargs={"code": world.project.code}),
        {
            "date": str(timezone.localdate()),
            "kind": "income",
            "amount": "500.00",
            "counterparty": "南宁市财政局",
            "source": "local_finance",
        },
        content_type="application/json",
    )
    assert entry.status_code == 201 and entry.json()["seq"] == 2 and len(entry.json()["hash"]) == 64
    filed = api(city.owner_a1.user).post(
        reverse("api-complaints"),
        {"project": world.project.code, "category": "safety", "text": "脚手架没有围挡", "photos": [photo_upload()]},
    )
    assert filed.status_code == 201 and filed.json()["route"] == "works"
    complaint = filed.json()["id"]
    moved = contractor.post(
        reverse("api-complaint-transition", kwargs={"pk": complaint}),
        {"to": "acknowledged"},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["status"] == "acknowledged"
    assert Complaint.objects.get(pk=complaint).photos.count() == 1
    owner = api(city.owner_a1.user)
    mine = owner.get(reverse("api-invitations")).json()
    assert [i["id"] for i in mine] == [world.invitation.pk]
    answers = {q: 4 for q in ("overall", "quality", "schedule", "communication", "conduct", "transparency")}
    assert (
        owner.post(
            reverse("api-invitation-answer", kwargs={"pk": world.invitation.pk}),
            answers,
            content_type="application/json",
        ).status_code
        == 201
    )
    assert (
        owner.post(
            reverse("api-invitation-answer", kwargs={"pk": world.invitation.pk}),
            answers,
            content_type="application/json",
        ).status_code
        == 409
    )


@pytest.mark.django_db
def test_list_endpoints_have_flat_query_counts(city, world):
    lists = [
        (city.bureau, reverse("api-projects")),
        (city.owner_a1.user, reverse("api-votes")),
        (city.contractor, reverse("api-complaints")),
        (city.owner_a1.user, reverse("api-notifications")),
        (None, reverse("api-estates")),
        (None, reverse("api-ledger", kwargs={"code": world.project.code})),
        (None, reverse("api-progress", kwargs={"code": world.project.code})),
        (city.owner_a1.user, reverse("api-needs", kwargs={"code": world.project.code})),
        (city.owner_a1.user, reverse("api-invitations")),
        (city.street_a_staff, reverse("api-project", kwargs={"code": world.project.code})),
        (city.comm_a1_staff, reverse("api-survey-letters", kwargs={"pk": world.invitation.survey_id}) + "?all=1"),
        (city.owner_a1.user, reverse("api-plan", kwargs={"pk": world.version.pk})),
    ]

    def counts():
        measured = []
        for user, url in lists:
            client = api(user)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200, url
            measured.append(len(ctx.captured_queries))
        return measured

    counts()  # warm the process-wide caches (ContentType, for guardian) so that only data size varies
    small = counts()
    for k in range(10):
        income(city, world, amount=f"{k + 1}.00")
        voice.complaint_file(
            project=world.project, actor=User.objects.get(pk=city.owner_a1.user_id), category="quality", text=f"问题{k}"
        )
        Need.objects.create(
            project=world.project,
            catalog_item=CatalogItem.objects.get(code="lighting"),
            filed_by=city.owner_a1,
            text=f"灯{k}",
        )
        f.EstateFactory(community=city.comm_a1)
        p.project_create(estate=f.EstateFactory(community=city.comm_a1), title="又一个", actor=None)
    assert counts() == small
    assert max(small) <= 10


@pytest.mark.django_db
def test_petitions_decisions_plans_budget_acceptance_through_the_api(city, world, owners):
    from disclosure import services as money
    from tests.disclosure.conftest import LINES

    owner = api(city.owner_a1.user)
    petition = owner.get(reverse("api-petition", kwargs={"code": world.project.code})).json()
    assert petition["sponsors"][0]["name"].endswith("*") and city.owner_a1.name not in str(petition)
    answered = owner.post(
        reverse("api-sponsorship-answer", kwargs={"pk": world.sponsorship.pk}),
        {"confirm": True},
        content_type="application/json",
    )
    assert answered.status_code == 200 and answered.json()["status"] == "confirmed"
    # A project decision by the street approver; a resident may not.
    submitted = project_at(city, Project.Status.SUBMITTED)
    url = reverse("api-project-transition", kwargs={"code": submitted.code})
    assert owner.post(url, {"to": "accepted"}, content_type="application/json").status_code in (403, 404)
    moved = api(city.street_a_manager).post(
        url, {"to": "accepted", "note": "纳入计划"}, content_type="application/json"
    )
    assert moved.status_code == 200 and moved.json()["status"] == "accepted"
    again = api(city.street_a_manager).post(url, {"to": "accepted"}, content_type="application/json")
    assert again.status_code == 400 and again.json()["code"] == "bad_transition"
    # Plans: list with items.
    plans = api(city.street_a_staff).get(reverse("api-plans", kwargs={"code": world.project.code})).json()
    assert plans[0]["status"] == "adopted" and {i["item"] for i in plans[0]["items"]} == {"roof", "lighting"}
    # A budget drafted by street staff, approved and published by the approver through the API.
    adopted = adopted_project(city)
    Project.objects.filter(pk=world.project.pk).update(
        status=Project.Status.COMPLETED
    )  # one open project per estate is not enforced here
    money.budget_save_draft(
        project=adopted.project,
        actor=city.street_a_staff,
        total=__import__("decimal").Decimal("100000.00"),
        lines=dict(LINES),
    )
    approver = api(city.street_a_manager)
    code = adopted.project.code
    assert api(city.street_a_staff).post(reverse("api-budget-approve", kwargs={"code": code})).status_code == 403
    assert approver.post(reverse("api-budget-approve", kwargs={"code": code})).json()["status"] == "approved"
    published = approver.post(
        reverse("api-budget-publish", kwargs={"code": code}), {"notice_days": 9}, content_type="application/json"
    ).json()
    assert published["status"] == "published" and published["lines"]["central_subsidy"] == "40000.00"
    assert Client().get(reverse("api-budget", kwargs={"code": code})).json()["total"] == "100000.00"
    # Acceptance: the contractor files the next report (the defect of the first is fixed; the works
    # are not finished, so it says why), then the supervisor signs once.
    Project.objects.filter(pk=world.project.pk).update(status=Project.Status.UNDER_CONSTRUCTION)
    builder = api(city.contractor)
    assert (
        builder.post(
            reverse("api-defect-fix", kwargs={"pk": world.defect.pk}),
            {"text": "已修复"},
            content_type="application/json",
        ).status_code
        == 200
    )
    lines = [
        {"plan_item": i.pk, "final_quantity": str(i.quantity), "final_cost": str(i.estimated_cost)}
        for i in world.version.items.all()
    ]
    report = {"scope_done": "完工", "lines": lines}
    url = reverse("api-completion-reports", kwargs={"code": world.project.code})
    refused = builder.post(url, report, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "gaps"
    filed = builder.post(url, {**report, "exception": "照明灯具到货延迟"}, content_type="application/json")
    assert filed.status_code == 201 and filed.json()["number"] == 2
    sign = api(city.supervisor).post(
        reverse("api-acceptance", kwargs={"code": world.project.code}),
        {"role": "supervisor", "opinion": "合格"},
        content_type="application/json",
    )
    assert sign.status_code == 201
    twice = api(city.supervisor).post(
        reverse("api-acceptance", kwargs={"code": world.project.code}),
        {"role": "supervisor"},
        content_type="application/json",
    )
    assert twice.status_code == 409 and twice.json()["code"] == "already_signed"
    assert Client().get(reverse("api-milestones", kwargs={"code": world.project.code})).status_code == 200


@pytest.mark.django_db
def test_paper_ballot_through_the_api(city, world):
    from projects.models import Voter

    voter = Voter.objects.filter(vote=world.vote).exclude(resident=city.owner_a1).first()
    url = reverse("api-paper-ballot", kwargs={"code": world.vote.code})
    staff = api(city.comm_a1_staff)
    recorded = staff.post(url, {"voter": voter.pk, "choice": "agree", "scan": f.proof_file("ballot.png")})
    assert recorded.status_code == 201 and recorded.json()["receipt"]
    twice = staff.post(url, {"voter": voter.pk, "choice": "disagree", "scan": f.proof_file("ballot.png")})
    assert twice.status_code == 409
    assert (
        api(city.street_a_staff)
        .post(url, {"voter": voter.pk, "choice": "agree", "scan": f.proof_file("b.png")})
        .status_code
        == 403
    )
