"""seed_demo: the demo city has what the issue asks for, and running it twice changes nothing."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count

from disclosure.models import LedgerEntry, ProgressPhoto, ProgressUpdate
from feedback.lifecycle import overdue_q
from portal import demo
from stakeholders.models import Building, Council, Estate, Household, Organization, Ownership, Resident
from tests import factories as f


def counts():
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_prints_accounts():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = counts()
    works = (LedgerEntry.objects.count(), ProgressUpdate.objects.count(), ProgressPhoto.objects.count())
    assert all(works)
    out2 = StringIO()
    call_command("seed_demo", stdout=out2)
    assert counts() == first
    assert (LedgerEntry.objects.count(), ProgressUpdate.objects.count(), ProgressPhoto.objects.count()) == works
    assert "nothing (already seeded)" in out2.getvalue()
    text = out.getvalue()
    for username in [
        "admin",
        "bureau",
        "street_manager",
        "street_staff",
        "community_staff",
        "contractor",
        "supervisor",
    ]:
        assert f"  {username} " in text
    assert demo.DEMO_PASSWORD in text


@pytest.mark.django_db
def test_demo_city_puts_the_council_first(settings, client):
    """As `make run` does (settings.local): councils before petitions (issue 17). Every estate with a
    project has a filed council in term; one by-election waits; one council is an owners' committee."""
    from django.utils import timezone

    from projects.models import Project
    from stakeholders.models import CouncilElection

    settings.PETITION_REQUIRES_COUNCIL = True
    demo.seed_demo_city()
    today = timezone.localdate()
    for estate in Estate.objects.filter(projects__isnull=False).distinct():
        assert estate.council.status_on(today) in ("filed", "converted"), estate.code
        assert estate.council.seats_active().exists(), estate.code
    assert CouncilElection.objects.filter(status="recorded", kind="by_election").count() == 1
    converted = Council.objects.get(converted_on__isnull=False)
    assert Project.objects.filter(estate=converted.estate, status__in=["completed", "maintained"]).exists()
    listed = client.get("/disclosure/councils.json").json()["councils"]
    assert {c["status"] for c in listed} == {"filed", "converted"} and len(listed) == Council.objects.count()
    # The council works and supervises: rules published, a meeting's sign-in sheet, inspection notes
    # by 粮食局宿舍's chair (13807710101), one answered in time and one waiting.
    from disclosure.models import Inspection
    from stakeholders.models import DeliberationRules, MeetingAttachment

    assert len(DeliberationRules.objects.get().rules) == 13
    assert MeetingAttachment.objects.filter(meeting__council__estate__code="taoyuan-xq").count() == 1
    notes = Inspection.objects.filter(project__estate__code="gucheng-liangshi")
    assert {n.posted_by.resident.phone for n in notes} == {"13807710101"}
    assert [n.is_overdue() for n in notes.order_by("posted_at")] == [False, False]
    assert notes.filter(answered_at__isnull=False).count() == 1


@pytest.mark.django_db
def test_demo_city_has_every_role_and_realistic_places(client):
    demo.seed_demo_city()
    assert Estate.objects.values("community__street").distinct().count() >= 2
    assert Estate.objects.values("community").distinct().count() >= 2
    assert Estate.objects.count() >= 4
    assert all(1985 <= e.built_year <= 1999 for e in Estate.objects.all())
    assert set(Building.objects.values_list("floors", flat=True)) <= {5, 6, 7}
    areas = list(Household.objects.values_list("area_m2", flat=True))
    assert min(areas) >= 40 and max(areas) <= 120
    assert Resident.objects.count() >= 30
    assert Resident.objects.filter(is_party_member=True).count() >= 3
    two_units = Ownership.objects.verified().values("resident").annotate(n=Count("household")).filter(n__gte=2).count()
    assert two_units >= 1
    assert {k for k, _ in Organization.Kind.choices} == set(Organization.objects.values_list("kind", flat=True))
    assert all(org.memberships.exists() for org in Organization.objects.all())
    assert Council.objects.get(estate__code="taoyuan-xq").members.count() >= 3
    assert Ownership.objects.pending().exists() and Ownership.objects.filter(status="rejected").exists()
    for username, password, _what in demo.seed_demo_city().accounts:
        assert f.login(client, username, password), username
        assert client.get("/").status_code == 200
        client.logout()


@pytest.mark.postgres
@pytest.mark.django_db
def test_city_scale_seed_reaches_exact_targets_with_bulk_inserts(django_assert_max_num_queries):
    """The --scale nanning path, at a tenth of the size so the suite stays quick."""
    targets = {"estates": 91, "buildings": 491, "households": 11_390, "projects": 51, "ledger_entries": 10}
    report = demo.seed_demo_city()
    demo_sized = _map_and_scoring_queries()
    with django_assert_max_num_queries(40):  # bulk inserts: not one query per row
        demo.fill_to_city_scale(report, targets=targets)
    from portal.demo.scale import fill_projects_to_city_scale

    with django_assert_max_num_queries(120):  # bulk again (the contractor ratings write one row per contractor)
        fill_projects_to_city_scale(report, projects=targets["projects"], ledger_entries=targets["ledger_entries"])
    assert Estate.objects.count() == targets["estates"]
    assert Building.objects.count() == targets["buildings"]
    assert Household.objects.count() == targets["households"]
    before = counts()
    demo.seed_nanning(targets=targets)
    assert counts() == before
    # every street has its office and every community its committee, so every estate has staff
    assert not Estate.objects.filter(community__organizations__isnull=True).exists()
    assert not Estate.objects.filter(community__street__organizations__isnull=True).exists()
    # the generated projects: every stage, chained ledgers that verify, grants for their offices
    from disclosure import ledger
    from disclosure import selectors as pub
    from projects.models import Project
    from projects.selectors import projects_visible_to

    generated = Project.objects.filter(estate__code__startswith="nn-e")
    assert generated.count() == targets["projects"]
    assert {"planning", "under_construction", "completed"} <= set(generated.values_list("status", flat=True))
    built = generated.filter(status="under_construction").first()
    documents = pub.ledger_documents(built)
    assert len(documents) == targets["ledger_entries"] and ledger.verify_chain(documents).ok
    office = Organization.objects.get(kind="street_office", street=built.estate.community.street)
    staff_user = f.staff(office, "nn-street-staff")
    assert projects_visible_to(staff_user).filter(pk=built.pk).exists()
    # The city map's GeoJSON and the bureau's street scoring: the same queries at city scale (issue 22).
    scaled = _map_and_scoring_queries()
    assert scaled == demo_sized and min(demo_sized.values()) > 0, (demo_sized, scaled)


def _map_and_scoring_queries() -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from stakeholders.models import User

    bureau = Client()
    bureau.force_login(User.objects.get(username="bureau"))
    counted = {}
    for name, client in (("disclosure:estates_geojson", Client()), ("street_scores", bureau)):
        client.get(reverse(name))  # warm (sessions, content types)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200
        counted[name] = len(queries)
    return counted


@pytest.mark.django_db
def test_demo_projects_cover_every_stage(client):
    from django.urls import reverse

    from projects import selectors
    from projects.models import Ballot, Need, PlanComment, PlanVersion, Project, Vote

    demo.seed_demo_city()
    statuses = set(Project.objects.values_list("status", flat=True))
    assert statuses == {
        "petitioning",
        "submitted",
        "accepted",
        "rejected",
        "planning",
        "plan_voting",
        "plan_adopted",
        "budget_approved",
        "contracted",
        "under_construction",
        "completed",
    }
    closed = set(Vote.objects.filter(status="closed").values_list("result", flat=True))
    assert closed == {"passed", "rejected", "no_quorum"}
    assert Ballot.objects.filter(channel="paper").exists() and Ballot.objects.filter(channel="online").exists()
    assert Need.objects.filter(status="declined").exclude(decline_reason="").exists()
    assert PlanComment.objects.exists() and PlanVersion.objects.filter(status="adopted").exists()
    # every closed vote's public JSON recomputes its own result
    for vote in Vote.objects.filter(status="closed"):
        doc = json.loads(client.get(f"/disclosure/votes/{vote.code}.json").content)
        assert doc["result"] == vote.result
    # the demo resident can still vote in the open plan vote, and the 解放路 owner in the willingness vote
    for phone, purpose in [("13807710001", "plan"), ("13807710025", "willingness")]:
        vote = Vote.objects.get(status="open", purpose=purpose)
        f.login(client, phone, demo.DEMO_PASSWORD)
        voter = selectors.voter_of(Resident.objects.get(phone=phone).user, vote)
        assert voter is not None and not hasattr(voter, "ballot")
        page = client.get(reverse("projects:vote", args=[vote.code])).content.decode()
        assert 'data-testid="ballot-form"' in page
        client.logout()


@pytest.mark.django_db
def test_demo_works_have_budget_ledger_milestones_progress_and_acceptance(client):
    from django.utils import timezone

    from disclosure import ledger
    from disclosure import permissions as works
    from disclosure import selectors as pub
    from disclosure.models import Budget, Milestone, UtilityShare
    from projects import permissions as project_permissions
    from projects import services as project_services
    from projects.models import AcceptanceSignature, CompletionReport, PlanItem, Project
    from stakeholders.models import User

    demo.seed_demo_city()
    # the street office's budget example is a draft, waiting for finance and the gas company's share
    jixie = Project.objects.get(estate__code="minsheng-jixie")
    draft = Budget.objects.get(project=jixie)
    assert jixie.status == "plan_adopted" and draft.status == "draft"
    assert [(s.organization.name, s.status) for s in draft.utility_shares.all()] == [("邕州燃气有限公司", "pending")]
    assert all(s.status == "confirmed" for s in UtilityShare.objects.exclude(budget=draft))
    building = Project.objects.get(status="under_construction")
    done = Project.objects.get(status="completed")
    contracted = Project.objects.get(status="contracted")
    names = set(Resident.objects.values_list("name", flat=True))

    for project in (building, done, contracted):
        assert Budget.objects.get(project=project).status == "published"
        documents = pub.ledger_documents(project)
        assert documents and ledger.verify_chain(documents).ok
        assert Decimal(ledger.totals(documents)["balance"]) >= 0
        # a public ledger never names a resident
        assert not [d["counterparty"] for d in documents if any(name in d["counterparty"] for name in names)]
    for project in (building, done):
        entries = LedgerEntry.objects.filter(project=project)
        assert entries.count() >= 30
        sources = set(entries.filter(kind="income").values_list("category", flat=True))
        assert {"central_subsidy", "local_finance", "residents"} <= sources
        assert entries.filter(kind="expense").values("counterparty").distinct().count() >= 4
        assert entries.filter(kind="expense").values("plan_item").distinct().count() >= 3
        reversals = list(entries.filter(kind="reversal"))
        assert reversals and all(r.memo for r in reversals)
        # and the public sees it: the project page, the ledger anyone can re-verify, the photos
        assert client.get(f"/disclosure/projects/{project.code}/").status_code == 200
        published = json.loads(client.get(f"/disclosure/projects/{project.code}/ledger.json").content)
        assert ledger.verify_chain(published["entries"]).ok and len(published["entries"]) == entries.count()
        photo = ProgressPhoto.objects.filter(update__project=project).first()
        assert photo is not None and (photo.width, photo.height) == (800, 600)
        response = client.get(f"/disclosure/photos/{photo.pk}/thumb.jpg")
        assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"\xff\xd8"
        # progress only rises, overall and item by item
        posts = list(ProgressUpdate.objects.filter(project=project).order_by("posted_at", "id"))
        assert [u.project_percent for u in posts] == sorted(u.project_percent for u in posts)
        for item in {u.plan_item_id for u in posts}:
            mine = [u.percent for u in posts if u.plan_item_id == item]
            assert mine == sorted(mine)
        assert len({u.plan_item_id for u in posts}) >= 3 and any(u.text for u in posts)

    milestones = Milestone.objects.filter(project=building)
    assert 4 <= milestones.count() <= 6
    assert (
        milestones.filter(status="met", date_met__isnull=False).exists()
        and milestones.filter(status="scheduled").exists()
    )
    assert 0 < pub.current_progress(building) < 100
    # the demo contractor works on the project under construction (and may start the contracted one)
    contractor = User.objects.get(username="contractor")
    assert works.can_post_progress(contractor, building) and works.can_post_progress(contractor, contracted)
    # the contractor may file its completion report; then the four who sign it are demo accounts
    assert project_permissions.can_file_completion_report(contractor, building)
    project_services.completion_report_file(
        project=building,
        actor=contractor,
        scope_done="试填",
        lines={i.pk: (i.quantity, i.estimated_cost, "") for i in PlanItem.objects.filter(version__project=building)},
        exception="演示：尚未完工",
    )
    for username, role in [
        ("contractor", "contractor"),
        ("supervisor", "supervisor"),
        ("street_manager", "street"),
        ("13807710101", "council"),
    ]:
        fresh = Project.objects.get(pk=building.pk)
        assert project_permissions.acceptance_roles(User.objects.get(username=username), fresh) == [role]
    assert not ProgressUpdate.objects.filter(project=contracted).exists()

    from datetime import timedelta

    from portal.demo.completed import FANGZHI_AGO

    assert done.completed_on == timezone.localdate() - timedelta(days=FANGZHI_AGO)
    # accepted under art. 16: report no. 1 refused with a defect, fixed, report no. 2 signed by all four
    reports = list(CompletionReport.objects.filter(project=done).order_by("number"))
    assert [r.status for r in reports] == ["returned", "accepted"]
    assert reports[0].defects.get().fixed_at is not None
    assert set(reports[1].signatures.values_list("role", "decision")) == {
        ("contractor", "agree"),
        ("supervisor", "agree"),
        ("street", "agree"),
        ("council", "agree"),
    }
    assert AcceptanceSignature.objects.filter(project=done, decision="refuse").count() == 1
    assert pub.current_progress(done) == 100
    assert not Milestone.objects.filter(project=done).exclude(status="met").exists()


@pytest.mark.django_db
def test_demo_residents_voice_closed_survey_rating_and_complaints(client):
    from django.utils import timezone

    from feedback import selectors as voice
    from feedback.models import Complaint, IntegrityReport, Survey
    from projects.models import Project
    from stakeholders.models import User

    demo.seed_demo_city()
    done = Project.objects.get(status="completed")
    survey = Survey.objects.get(project=done, kind=Survey.Kind.COMPLETION)
    results = voice.survey_results(survey)
    assert survey.status == "closed" and results.shown and results.responses >= 20
    assert results.households == survey.invitations.count() > results.responses
    assert {"online", "paper"} == set(survey.responses.values_list("channel", flat=True))
    page = client.get(f"/disclosure/projects/{done.code}/").content.decode()
    assert 'data-testid="average-overall">' in page
    builder = Organization.objects.get(memberships__user__username="contractor2")
    assert builder.rating_overall == results.overall and builder.rating_responses == results.responses
    assert client.get(f"/disclosure/contractors/{builder.pk}/").status_code == 200

    building = Project.objects.get(status="under_construction")
    complaints = Complaint.objects.filter(project=building)
    assert {"submitted", "acknowledged", "in_progress", "resolved", "closed"} <= set(
        complaints.values_list("status", flat=True)
    )
    overdue = complaints.filter(overdue_q(timezone.now()))
    assert overdue.count() == 1 and overdue.get().escalated_at is not None
    assert complaints.filter(route="community").exists() and not complaints.filter(route="street").exists()
    # The money question went to the discipline-inspection office, which answered it (issue 21).
    tip = IntegrityReport.objects.get(project=building)
    assert tip.status == "answered" and tip.reporter is None and tip.agency.kind == "inspection"
    # The contractor's list: works complaints only; the street office sees all of them.
    client.force_login(User.objects.get(username="contractor"))
    listed = client.get("/feedback/complaints/").content.decode()
    assert (
        listed.count('data-testid="complaint-') - listed.count('data-testid="complaint-list"')
        == complaints.filter(route="works").count()
    )
    client.force_login(User.objects.get(username="street_staff"))
    assert client.get("/").context["complaints"]["overdue"] == 1


@pytest.mark.django_db
def test_every_readme_journey_is_playable_from_a_listed_account():
    """README's "what works" journeys, each from an account README's table lists (the field test
    found needs, plan comments and surveys unplayable without editing settings or the database)."""
    from pathlib import Path

    from django.utils import timezone

    from feedback import selectors as voice_selectors
    from projects import permissions as project_permissions
    from projects.models import Petition, PlanVersion, Project, Sponsorship
    from stakeholders.models import User

    call_command("seed_demo", stdout=StringIO())
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    listed = lambda account: f"`{account}`" in readme  # noqa: E731

    def user(account):
        assert listed(account), f"{account} plays a journey but README does not list it"
        return User.objects.get(username=account) if not account.isdigit() else Resident.objects.get(phone=account).user

    planning = Project.objects.get(estate__code="yinshan-yuan")
    owner = user("13807710133")
    assert planning.status == Project.Status.PLANNING
    assert project_permissions.can_file_need(owner, planning)
    version = PlanVersion.objects.get(project=planning, number=1)
    assert project_permissions.can_comment_plan(owner, version)

    petition = Petition.objects.filter(project__estate__code="xinzhu-gongdian").order_by("-pk").first()
    assert project_permissions.can_invite_sponsors(user("13807710142"), petition)
    invited = Sponsorship.objects.get(petition=petition, resident__phone="13807710144")
    assert project_permissions.can_answer_invitation(user("13807710144"), invited)
    assert Resident.objects.get(phone="13807710141").is_party_member  # the sponsor who completes the rule

    chair = user("13807710111")
    open_invitations = list(voice_selectors.invitations_for(chair, now=timezone.now()))
    assert open_invitations, "the completed estate's owners have a survey they can answer"
    for account in ("community_staff", "jiefang_staff", "street_staff", "contractor", "13807710101", "13900000000"):
        user(account)
