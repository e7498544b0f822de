"""Budget → award → ledger → progress → acceptance through the services, and what each refuses."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from disclosure import services
from disclosure.models import Budget, LedgerEntry
from projects import services as project_services
from projects.models import Award, Project

from .conftest import award, expense, income, publish_budget


@pytest.mark.django_db
def test_budget_lines_must_add_up_and_publication_moves_the_project(city, adopted):
    with pytest.raises(ValidationError) as error:
        services.budget_save_draft(
            project=adopted.project, actor=city.street_a_staff, total=Decimal("100000.00"),
            lines={"central_subsidy": Decimal("40000.00"), "local_finance": Decimal("50000.00")},
        )
    assert error.value.code == "lines_mismatch"
    assert "10,000.00" in error.value.messages[0]
    assert not Budget.objects.exists()
    publish_budget(city, adopted)
    assert adopted.project.status == Project.Status.BUDGET_APPROVED
    assert adopted.budget.lines.count() == 3


@pytest.mark.django_db
def test_award_grants_and_replacement_revokes(city, published):
    award(city, published)
    assert published.project.status == Project.Status.CONTRACTED
    assert city.contractor.has_perm("projects.report_progress", published.project)
    from tests import factories as f

    other = f.organization("contractor", "另一施工公司")
    with pytest.raises(ValidationError) as error:
        project_services.project_award(project=published.project, actor=city.street_a_manager, contractor=other)
    assert error.value.error_dict["reason"][0].code == "reason_required"
    project_services.project_award(project=published.project, actor=city.street_a_manager, contractor=other, reason="逾期未进场")
    from django.contrib.auth import get_user_model

    fresh = get_user_model().objects.get(pk=city.contractor.pk)
    assert not fresh.has_perm("projects.report_progress", published.project)
    assert Award.objects.filter(project=published.project, role="contractor").count() == 2


@pytest.mark.django_db
def test_ledger_chain_and_reversal(city, contracted):
    first = income(city, contracted)
    second = expense(city, contracted)
    reversal = services.ledger_reverse(entry=second, actor=city.street_a_staff, memo="金额录错")
    assert [e.seq for e in LedgerEntry.objects.chain(contracted.project.pk)] == [1, 2, 3]
    assert second.prev_hash == first.hash and reversal.prev_hash == second.hash
    with pytest.raises(ValidationError):
        services.ledger_reverse(entry=second, actor=city.street_a_staff, memo="again")
    with pytest.raises(PermissionDenied):
        income(city, contracted) if False else services.ledger_record(
            project=contracted.project, actor=city.contractor, date=first.date, kind="income",
            amount=Decimal("1.00"), counterparty="x", source="donation",
        )
