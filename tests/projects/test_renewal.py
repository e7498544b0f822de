"""续聘 (issue 20 item 5): the firm handed the estate at acceptance manages it for the management
section's term; in the term's last months the owners vote on renewing it (an ordinary matter of
Civil Code art. 278 (4)); passed, the term runs again; otherwise the contract ends on its day and
the community committee keeps the estate."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from disclosure import permissions as dp
from projects import services
from projects.after_build import warranty_end
from projects.models import Award, PlanManagement, Project, Vote
from stakeholders.models import Council, Notification, Organization, User
from tests import factories as f
from tests.disclosure.conftest import accept, adopted_project, award, publish_budget

TODAY = timezone.localdate


@pytest.fixture
def managed(city, council_a1):
    """Estate a1 accepted today and handed to 邕江物业 on a two-year contract."""
    p = adopted_project(city)
    publish_budget(city, p)
    award(city, p)
    p.firm = f.organization(Organization.Kind.PROPERTY_MANAGER, "邕江物业")
    p.firm_staff = f.staff(p.firm, "property_a")
    f.management(p.version, operator=PlanManagement.Operator.PROPERTY, organization=p.firm, contract_years=2)
    accept(city, p, council_a1)
    p.project.refresh_from_db()
    p.award = Award.objects.get(project=p.project, role=Award.Role.MANAGER)
    return p


def ends_in(p, days):
    Award.objects.filter(pk=p.award.pk).update(term_ends=TODAY() + timedelta(days=days))
    p.award.refresh_from_db()


def renewal_vote(city, p, **kw):
    now = timezone.now()
    return services.vote_create(
        project=p.project,
        purpose=Vote.Purpose.OTHER,
        title="是否续聘邕江物业",
        matter=kw.pop("matter", Vote.Matter.SPECIAL),  # whatever is asked, the law makes it ordinary
        decides=Vote.Decides.RENEWAL,
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=7),
        actor=kw.pop("actor", city.street_a_manager),
        **kw,
    )


def voted(city, vote, choice):
    """Every voting owner of the estate votes `choice`; the vote is counted."""
    vote = services.vote_open(vote=vote, actor=city.street_a_manager)
    for voter in Vote.objects.get(pk=vote.pk).voters.filter(resident__isnull=False).select_related("resident__user"):
        services.ballot_cast(vote=vote, actor=voter.resident.user, choice=choice)
    return services.vote_close(vote=vote)


@pytest.mark.django_db
def test_the_handover_starts_the_contract_term(city, managed):
    assert managed.award.term_ends == warranty_end(TODAY(), 24)  # two years from the acceptance


@pytest.mark.django_db
def test_a_section_without_a_term_gets_the_default(city, council_a1, settings):
    p = adopted_project(city)
    publish_budget(city, p)
    award(city, p)
    firm = f.organization(Organization.Kind.PROPERTY_MANAGER, "邕江物业")
    f.management(p.version, operator=PlanManagement.Operator.PROPERTY, organization=firm)
    accept(city, p, council_a1)
    term = Award.objects.get(project=p.project, role=Award.Role.MANAGER).term_ends
    assert term == warranty_end(TODAY(), 12 * settings.MANAGER_DEFAULT_TERM_YEARS)


@pytest.mark.django_db
@pytest.mark.parametrize("days,due", [(400, False), (181, False), (180, True), (30, True), (0, True)])
def test_a_renewal_vote_is_called_only_in_the_terms_last_months(city, managed, days, due):
    ends_in(managed, days)
    if due:
        vote = renewal_vote(city, managed, scope=Vote.Scope.BUILDING, building=city.homes_a1[0].building)
        assert vote.matter == Vote.Matter.ORDINARY and vote.scope == Vote.Scope.ESTATE and vote.building is None
    else:
        with pytest.raises(ValidationError) as caught:
            renewal_vote(city, managed)
        assert "decides" in caught.value.message_dict


@pytest.mark.django_db
def test_no_renewal_vote_where_no_firm_manages_the_estate(city, managed):
    Award.objects.filter(pk=managed.award.pk).update(ended_at=timezone.now())
    with pytest.raises(ValidationError):
        renewal_vote(city, managed)


@pytest.mark.django_db
def test_who_calls_the_renewal_vote(city, managed, council_a1):
    ends_in(managed, 60)
    for user in (managed.firm_staff, city.comm_a1_staff, council_a1.user, city.street_b_staff):
        with pytest.raises(Exception) as caught:  # the street office's approver calls votes
            renewal_vote(city, managed, actor=User.objects.get(pk=user.pk))
        assert caught.type.__name__ == "PermissionDenied"
    assert renewal_vote(city, managed).decides == "renewal"


@pytest.mark.django_db
def test_a_renewal_that_passes_runs_the_term_again(city, managed):
    ends_in(managed, 30)
    old_end = managed.award.term_ends
    closed = voted(city, renewal_vote(city, managed), "agree")
    assert closed.result == Vote.Result.PASSED
    managed.award.refresh_from_db()
    assert managed.award.term_ends == warranty_end(old_end, 24) and managed.award.ended_at is None
    assert managed.project.events.filter(note__contains="续聘").exists()
    assert Project.objects.get(pk=managed.project.pk).status == Project.Status.COMPLETED  # no transition


@pytest.mark.django_db
def test_no_renewal_the_contract_ends_on_its_day_and_the_community_keeps_the_estate(city, managed):
    ends_in(managed, 10)
    closed = voted(city, renewal_vote(city, managed), "disagree")
    assert closed.result == Vote.Result.REJECTED
    managed.award.refresh_from_db()
    assert managed.award.term_ends == TODAY() + timedelta(days=10) and managed.award.ended_at is None
    assert managed.project.events.filter(note__contains="未续聘").exists()
    staff = User.objects.get(pk=managed.firm_staff.pk)
    assert dp.is_estate_keeper(staff, Project.objects.get(pk=managed.project.pk))  # until its day
    assert services.manager_terms_check()["ended"] == 0
    services.manager_terms_check(now=timezone.now() + timedelta(days=11))
    managed.award.refresh_from_db()
    assert managed.award.ended_at is not None and "未续聘" in managed.award.end_reason
    project = Project.objects.get(pk=managed.project.pk)
    assert not dp.is_estate_keeper(User.objects.get(pk=managed.firm_staff.pk), project)
    assert dp.is_estate_keeper(User.objects.get(pk=city.comm_a1_staff.pk), project)
    assert project.events.filter(note__contains="期满未续聘，小区由社区居委会托管").exists()


@pytest.mark.django_db
def test_the_job_tells_the_street_the_community_and_the_council_once(city, managed, council_a1):
    Council.objects.filter(estate=city.estate_a1).update(
        filed_on=TODAY() - timedelta(days=100), term_ends=TODAY() + timedelta(days=900)
    )
    ends_in(managed, 400)
    assert services.manager_terms_check() == {"told": 0, "ended": 0}
    ends_in(managed, 120)
    assert services.manager_terms_check() == {"told": 1, "ended": 0}
    assert services.manager_terms_check() == {"told": 0, "ended": 0}  # once
    told = set(Notification.objects.filter(kind="manager_term_ending").values_list("user_id", flat=True))
    assert {city.street_a_manager.pk, city.comm_a1_staff.pk, council_a1.user_id} <= told
    assert managed.firm_staff.pk not in told and city.owner_a1.user_id not in told
    text = Notification.objects.filter(kind="manager_term_ending").first().text
    assert "邕江物业" in text and str(managed.award.term_ends) in text


@pytest.mark.django_db
def test_the_term_is_part_of_the_section(city):
    project = services.project_create(estate=city.estate_a1, title="甲一小区改造", actor=None)
    Project.objects.filter(pk=project.pk).update(status=Project.Status.PLANNING)
    draft = services.plan_version_start(project=Project.objects.get(pk=project.pk), actor=city.comm_a1_staff)
    firm = f.organization(Organization.Kind.PROPERTY_MANAGER, "邕江物业")
    section = {"service_level": "保洁每日一次", "fee_per_m2_month": "0.85", "sources": ["fees"]}
    for years in (0, 11):
        with pytest.raises(ValidationError) as caught:
            services.plan_management_save(
                version=draft,
                actor=city.comm_a1_staff,
                operator="property",
                organization=firm,
                contract_years=years,
                **section,
            )
        assert "contract_years" in caught.value.message_dict
    saved = services.plan_management_save(
        version=draft, actor=city.comm_a1_staff, operator="property", organization=firm, contract_years=2, **section
    )
    assert saved.contract_years == 2
    community = services.plan_management_save(
        version=draft, actor=city.comm_a1_staff, operator="community", contract_years=5, **section
    )
    assert community.contract_years is None  # a term is a firm's contract's


@pytest.mark.django_db
def test_the_public_pages_show_the_contracts_end(client, city, managed):
    html = client.get(reverse("disclosure:project", args=[managed.project.code])).content.decode()
    assert f"合同至 {managed.award.term_ends:%Y-%m-%d}" in html
    html = client.get(reverse("disclosure:managers")).content.decode()
    assert f"合同至 {managed.award.term_ends:%Y-%m-%d}" in html


@pytest.mark.django_db
def test_the_vote_form_says_when_a_renewal_is_not_due(client, city, managed):
    client.force_login(city.street_a_manager)
    now = timezone.localtime()
    answer = client.post(
        reverse("projects:vote_new", args=[managed.project.code]),
        {
            "title": "是否续聘邕江物业",
            "decides": "renewal",
            "scope": "estate",
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    html = answer.content.decode()
    assert answer.status_code == 400 and "续聘" in html and "是否续聘邕江物业" in html
