"""Roles × states for every predicate of disclosure/permissions.py and for the award and
completion acceptance in projects/permissions.py, plus the 404/403 answers of the views."""

from decimal import Decimal

import pytest
from django.urls import reverse

from disclosure import permissions as dp
from disclosure.models import Budget
from projects import permissions as pp
from projects.models import CompletionReport, Project
from stakeholders.services import organization_grant
from tests import factories as f
from tests.projects.conftest import project_at
from tests.stakeholders.test_permissions import ROLES, actor

S = Project.Status
ALL = list(S.values)
EVERYONE = ROLES + ["council_a1"]
STREET_A = {"street_a_staff", "street_a_manager", "admin"}
APPROVERS = {"street_a_manager", "admin"}


def users(city, council_a1):
    found = {role: actor(city, role) for role in ROLES}
    found["council_a1"] = type(found["admin"]).objects.get(pk=council_a1.user_id)
    return found


def allowed(found, ask):
    return {role for role, user in found.items() if ask(user)}


def works_project(city, status):
    """A project in `status` whose contractor and supervisor hold their grants."""
    project = project_at(city, status)
    organization_grant(organization=city.contractor_org, perm="projects.report_progress", obj=project)
    organization_grant(organization=city.contractor_org, perm="projects.view_project", obj=project)
    organization_grant(organization=city.supervisor_org, perm="projects.supervise_project", obj=project)
    return project


@pytest.mark.django_db
@pytest.mark.parametrize("status", ALL)
def test_budget_actions(city, council_a1, status):
    project = project_at(city, status)
    found = users(city, council_a1)
    plan_adopted = status == S.PLAN_ADOPTED
    assert allowed(found, lambda u: dp.can_draft_budget(u, project, None)) == (STREET_A if plan_adopted else set())
    assert allowed(found, lambda u: dp.is_budget_approver(u, project)) == APPROVERS
    for budget_status in Budget.Status.values:
        budget = Budget(project=project, total=Decimal("1.00"), status=budget_status)
        draft = budget_status == Budget.Status.DRAFT
        assert allowed(found, lambda u: dp.can_draft_budget(u, project, budget)) == (
            STREET_A if plan_adopted and draft else set()
        )
        assert allowed(found, lambda u: dp.can_approve_budget(u, budget)) == (
            APPROVERS if plan_adopted and draft else set()
        )
        approved = budget_status == Budget.Status.APPROVED
        assert allowed(found, lambda u: dp.can_publish_budget(u, budget)) == (
            APPROVERS if plan_adopted and approved else set()
        )


@pytest.mark.django_db
@pytest.mark.parametrize("status", ALL)
def test_ledger_and_voucher(city, council_a1, status):
    project = project_at(city, status)
    found = users(city, council_a1)
    published = Budget(project=project, total=Decimal("1.00"), status=Budget.Status.PUBLISHED)
    keeps_ledger = status in dp.LEDGER_STATUSES
    assert allowed(found, lambda u: dp.can_record_ledger(u, project, published)) == (
        STREET_A if keeps_ledger else set()
    )
    for status_of_budget in (Budget.Status.DRAFT, Budget.Status.APPROVED):
        unpublished = Budget(project=project, total=Decimal("1.00"), status=status_of_budget)
        assert allowed(found, lambda u: dp.can_record_ledger(u, project, unpublished)) == set()
    assert allowed(found, lambda u: dp.can_record_ledger(u, project, None)) == set()
    assert allowed(found, lambda u: dp.can_view_voucher(u, project)) == STREET_A | {"bureau"}
    income, reversal = {"seq": 1, "kind": "income"}, {"seq": 2, "kind": "reversal"}
    assert allowed(found, lambda u: dp.can_reverse_entry(u, project, published, income, set())) == (
        STREET_A if keeps_ledger else set()
    )
    assert allowed(found, lambda u: dp.can_reverse_entry(u, project, published, income, {1})) == set()
    assert allowed(found, lambda u: dp.can_reverse_entry(u, project, published, reversal, set())) == set()


@pytest.mark.django_db
@pytest.mark.parametrize("status", ALL)
def test_progress_award_and_acceptance(city, council_a1, status):
    project = works_project(city, status)
    found = users(city, council_a1)
    works = status in (S.CONTRACTED, S.UNDER_CONSTRUCTION)
    assert allowed(found, lambda u: dp.can_post_progress(u, project)) == ({"contractor"} if works else set())
    assert allowed(found, lambda u: dp.can_manage_milestones(u, project)) == ({"contractor"} if works else set())
    assert allowed(found, lambda u: dp.may_see_works_desk(u, project)) == {"contractor", "supervisor"}
    awardable = status in (S.BUDGET_APPROVED, S.CONTRACTED, S.UNDER_CONSTRUCTION)
    assert allowed(found, lambda u: pp.can_award(u, project)) == (APPROVERS if awardable else set())
    building = status == S.UNDER_CONSTRUCTION
    # nothing to sign until the contractor files the completion report
    assert allowed(found, lambda u: pp.acceptance_roles(u, project)) == set()
    assert allowed(found, lambda u: pp.can_file_completion_report(u, project)) == (
        {"contractor"} if building else set()
    )
    CompletionReport.objects.create(
        project=project, number=1, scope_done="完工", organization=city.contractor_org, filed_by=city.contractor
    )
    project = Project.objects.get(pk=project.pk)  # the filed report is read once per project object
    for role, who in [
        ("contractor", "contractor"),
        ("supervisor", "supervisor"),
        ("street", "street_a_manager"),
        ("council", "council_a1"),
        ("designer", None),  # no design firm at this table
    ]:
        assert allowed(found, lambda u: pp.can_sign_acceptance(u, project, role)) == (
            {who} if building and who else set()
        )
    assert allowed(found, lambda u: pp.can_file_completion_report(u, project)) == set()  # one report at a time


@pytest.mark.django_db
def test_another_projects_contractor_gets_404_and_wrong_roles_403(client, city, contracted):
    code = contracted.project.code
    other = f.staff(f.organization("contractor", "别家施工"), "other_contractor")
    client.force_login(other)
    assert client.post(reverse("disclosure:progress", args=[code]), {"percent": 10}).status_code == 404
    assert client.post(reverse("disclosure:ledger", args=[code]), {"kind": "income"}).status_code == 404
    client.force_login(city.owner_a1.user)  # sees the project (owner of a1) but may not post
    assert client.post(reverse("disclosure:progress", args=[code]), {"percent": 10}).status_code == 403
    assert client.post(reverse("disclosure:ledger", args=[code]), {"kind": "income"}).status_code == 403
    assert client.get(reverse("projects:award", args=[code])).status_code == 403
    client.force_login(city.street_b_staff)
    assert client.get(reverse("disclosure:budget", args=[code])).status_code == 404
    assert client.post(reverse("projects:acceptance_sign", args=[code]), {"role": "street"}).status_code == 404
    assert client.get(reverse("projects:acceptance", args=[code])).status_code == 404
    assert client.get(reverse("projects:completion_report", args=[code])).status_code == 404
    client.logout()
    assert client.post(reverse("disclosure:ledger", args=[code]), {"kind": "income"}).status_code == 403
    assert client.get(reverse("disclosure:ledger", args=[code])).status_code == 200  # reading is public
