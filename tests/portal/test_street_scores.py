"""How streets perform (issue 22 item 5): every indicator computed from the portal's records, per
street, against the figures the setup makes; the monthly snapshot kept once; the page's definitions,
CSV and XLSX; who sees it; and the page flat as streets and records grow."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from approvals import services as approvals
from approvals.models import Review
from disclosure.models import Budget, Milestone
from feedback import services as surveys
from feedback.models import Complaint, Invitation, Response
from portal import scoring
from portal.models import StreetScore
from stakeholders.models import Council, Estate, Household, Organization
from tests import factories as f
from tests.disclosure.conftest import adopted_project
from tests.feedback.conftest import bulk_estate, completed_project
from tests.stakeholders.test_permissions import ROLES, actor


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _answers(survey, homes, scores):
    for home, score in zip(homes, scores):
        invitation, _made = Invitation.objects.get_or_create(survey=survey, household=home)  # survey_open made it
        Response.objects.create(
            invitation=invitation,
            survey=survey,
            channel="online",
            **dict.fromkeys(Response.QUESTIONS, score),
        )


def street_a_records(city):
    """Street A: answers 5, 4, 3; two complaints acknowledged after 2 h and 6 h; one approval matter
    past its day; milestones: one met on time, one met late, one not met, one not yet due; a council
    in term on one of its estates; a published budget of ¥100,000 with ¥40,000 spent."""
    built = bulk_estate(city, 6, with_accounts=3)
    done = completed_project(city, built.estate)
    survey = surveys.survey_open(project=done, kind="completion")
    _answers(survey, built.homes[:3], [5, 4, 3])
    now = timezone.now()
    for hours in (2, 6):  # filed through the service, acknowledged `hours` later (dated in setup)
        filed = surveys.complaint_file(project=done, actor=built.residents[0].user, category="quality", text="外墙渗水")
        Complaint.objects.filter(pk=filed.pk).update(
            filed_at=now - timedelta(days=3), acknowledged_at=now - timedelta(days=3) + timedelta(hours=hours)
        )
    fire = f.organization(Organization.Kind.DEPARTMENT, "市消防救援支队")
    approvals.matter_save(actor=city.bureau, name="消防审查", department=fire, time_limit=5)
    p = adopted_project(city)
    approvals.submit(project=p.project, actor=city.street_a_staff)
    Review.objects.filter(submission__project=p.project).update(due_on=timezone.localdate() - timedelta(days=2))
    today = timezone.localdate()
    for due, met, status in (
        (today - timedelta(days=20), today - timedelta(days=21), "met"),
        (today - timedelta(days=20), today - timedelta(days=10), "met"),
        (today - timedelta(days=5), None, "notMet"),
        (today + timedelta(days=5), None, "scheduled"),
    ):
        Milestone.objects.create(project=done, title="节点", due_date=due, date_met=met, status=status)
    Council.objects.create(
        estate=city.estate_a1, filed_on=today - timedelta(days=30), term_ends=today + timedelta(days=700)
    )
    Budget.objects.create(project=done, total=Decimal("100000"), status="published", ledger_spent=Decimal("40000"))
    return done


@pytest.mark.django_db
def test_every_indicator_is_what_the_records_say(city):
    street_a_records(city)
    values = scoring.compute()
    a, b = values[city.street_a.pk], values[city.street_b.pk]
    assert a["satisfaction"] == 4.0
    assert a["complaint_hours"] == 4.0
    assert a["late_matters"] == 1
    assert a["schedule_slip"] == round(100 * 2 / 3, 1)  # of the three due, one met late and one not met
    n_a = Estate.objects.filter(community__street=city.street_a).count()
    assert n_a >= 2 and a["councils"] == round(100 / n_a, 1)  # one estate's council of n_a
    assert a["spending"] == 40.0
    assert Estate.objects.filter(community__street=city.street_b).exists()
    assert b == dict.fromkeys(scoring.CODES) | {"late_matters": 0, "councils": 0.0}


@pytest.mark.django_db
def test_the_month_is_kept_once_and_read_back(city):
    street_a_records(city)
    made = scoring.snapshot()
    assert made == StreetScore.objects.count() >= 2
    assert scoring.snapshot() == 0  # the hourly job takes it once a month
    month = timezone.localdate().replace(day=1)
    kept = {r.street.pk: r.values for r in scoring.table(month=month)}
    assert kept[city.street_a.pk]["satisfaction"] == 4.0
    Response.objects.update(overall=1)  # later answers change "now", not the kept month
    assert scoring.compute()[city.street_a.pk]["satisfaction"] == 1.0
    assert {r.street.pk: r.values for r in scoring.table(month=month)}[city.street_a.pk]["satisfaction"] == 4.0
    assert scoring.months() == [month]


@pytest.mark.django_db
def test_who_sees_it_and_what_the_page_and_files_say(city):
    street_a_records(city)
    scoring.snapshot()
    url = reverse("street_scores")
    allowed = {r for r in ROLES if r != "anonymous" and client_for(actor(city, r)).get(url).status_code == 200}
    assert allowed == {"bureau", "admin"}
    assert Client().get(url).status_code == 302  # to sign in
    bureau = client_for(city.bureau)
    page = bureau.get(url).content.decode()
    for indicator in scoring.INDICATORS:
        assert str(indicator.definition) in page or str(indicator.name) in page
    assert 'data-testid="definitions"' in page and page.count('data-testid="street-score"') >= 2
    month = timezone.localdate().strftime("%Y-%m")
    assert bureau.get(f"{url}?month={month}").status_code == 200
    assert bureau.get(f"{url}?month=1999-01").status_code == 404
    assert bureau.get(f"{url}?month=%00").status_code == 400  # hostile input: refused, never a 500
    csv = b"".join(bureau.get(reverse("street_scores_csv")).streaming_content).decode("utf-8-sig")
    header, *lines = csv.strip().splitlines()
    assert str(scoring.INDICATORS[0].name) in header
    line_a = next(line for line in lines if line.startswith(city.street_a.name))
    assert ",4.0," in line_a and ",40.0" in line_a
    xlsx = bureau.get(reverse("street_scores_xlsx") + f"?month={month}")
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[city.street_a.name][2] == 4.0
    assert client_for(city.street_a_staff).get(reverse("street_scores_csv")).status_code == 403


@pytest.mark.django_db
def test_the_page_is_flat_as_streets_and_records_grow(city, django_assert_max_num_queries):
    bureau = client_for(city.bureau)
    street_a_records(city)
    bureau.get(reverse("street_scores"))
    with django_assert_max_num_queries(15):
        assert bureau.get(reverse("street_scores")).status_code == 200
    for n in range(6):  # six more streets, each with an estate, a project and answers
        street = f.StreetFactory(name=f"第{n}街道")
        f.organization(Organization.Kind.STREET_OFFICE, f"第{n}街道办", street=street)
        community = f.CommunityFactory(street=street)
        built = bulk_estate(city, 3, community=community, with_accounts=1)
        project = completed_project(city, built.estate)
        _answers(surveys.survey_open(project=project, kind="completion"), built.homes, [4, 4, 5])
    assert Household.objects.count() > 18
    with django_assert_max_num_queries(15):  # the same queries
        assert bureau.get(reverse("street_scores")).status_code == 200
