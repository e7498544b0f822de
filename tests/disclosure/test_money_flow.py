"""Budget → award → ledger → progress → acceptance through the services, and what each refuses."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from disclosure import services
from disclosure.models import Budget, LedgerEntry
from projects import services as project_services
from projects.models import Award, Project
from tests.factories import procure

from .conftest import award, expense, file_report, finish, income, publish_budget


@pytest.mark.django_db
def test_budget_lines_must_add_up_and_publication_moves_the_project(city, adopted):
    with pytest.raises(ValidationError) as error:
        services.budget_save_draft(
            project=adopted.project,
            actor=city.street_a_staff,
            total=Decimal("100000.00"),
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
    # a replacement is chosen on the record too: without a tender of its own, it is refused
    with pytest.raises(ValidationError) as error:
        project_services.project_award(
            project=published.project, actor=city.street_a_manager, contractor=other, reason="逾期未进场"
        )
    assert error.value.error_dict["contractor"][0].code == "no_tender"
    f.procure(published.project, city.street_a_staff, "contractor", other)
    project_services.project_award(
        project=published.project, actor=city.street_a_manager, contractor=other, reason="逾期未进场"
    )
    from django.contrib.auth import get_user_model

    fresh = get_user_model().objects.get(pk=city.contractor.pk)
    assert not fresh.has_perm("projects.report_progress", published.project)
    assert Award.objects.filter(project=published.project, role="contractor").count() == 2


@pytest.mark.django_db
def test_choosing_the_awarded_contractor_again_beside_a_new_supervisor_keeps_it(city, published):
    """Field test: the already-awarded contractor chosen again together with a supervisor refused the
    whole form. The unchanged choice is kept; only the supervisor is awarded."""
    procure(published.project, city.street_a_staff, "contractor", city.contractor_org)
    procure(published.project, city.street_a_staff, "supervisor", city.supervisor_org, Decimal("8000.00"))
    project_services.project_award(
        project=published.project,
        actor=city.street_a_manager,
        contractor=city.contractor_org,
        contract_amount=Decimal("95000.00"),
    )
    made = project_services.project_award(
        project=published.project,
        actor=city.street_a_manager,
        contractor=city.contractor_org,
        supervisor=city.supervisor_org,
    )
    assert [a.role for a in made] == ["supervisor"]
    assert Award.objects.filter(project=published.project, role="contractor").count() == 1
    published.project.refresh_from_db()
    assert published.project.status == Project.Status.CONTRACTED
    # the same contractor alone is still refused, with the reason
    with pytest.raises(ValidationError) as error:
        project_services.project_award(
            project=published.project, actor=city.street_a_manager, contractor=city.contractor_org
        )
    assert error.value.error_dict["contractor"][0].code == "same_organization"


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
            project=contracted.project,
            actor=city.contractor,
            date=first.date,
            kind="income",
            amount=Decimal("1.00"),
            counterparty="x",
            source="donation",
        )


from datetime import timedelta  # noqa: E402

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.utils import timezone  # noqa: E402

from disclosure.models import Milestone, ProgressPhoto, ProgressUpdate  # noqa: E402
from projects.models import AcceptanceSignature  # noqa: E402
from tests.projects.test_hearings import client_for  # noqa: E402
from tests.stakeholders.test_services import _race, codes  # noqa: E402

from .test_public_pages import photo_upload, progress  # noqa: E402


@pytest.mark.django_db
def test_bad_budget_input_is_refused(city, adopted):
    draft = lambda **kw: services.budget_save_draft(project=adopted.project, actor=city.street_a_staff, **kw)  # noqa: E731
    with pytest.raises(ValidationError) as error:
        draft(total=Decimal("0"), lines={"central_subsidy": Decimal("1")})
    assert codes(error.value) == {"total_positive"}
    with pytest.raises(ValidationError) as error:
        draft(total=Decimal("10"), lines={"central_subsidy": Decimal("-10"), "donation": Decimal("20")})
    assert codes(error.value) == {"line_positive"}
    with pytest.raises(ValidationError) as error:
        draft(total=Decimal("10"), lines={})
    assert codes(error.value) == {"no_lines"}
    with pytest.raises(PermissionDenied):
        services.budget_save_draft(
            project=adopted.project, actor=city.street_b_staff, total=Decimal("1"), lines={"donation": Decimal("1")}
        )
    # The owners voted for ¥10,000 of their own (the plan's residents' lines): not more, not less,
    # not moved to another line, and no compensation fund the plan does not have.
    for lines in (
        {"donation": Decimal("10")},
        {"donation": Decimal("10"), "residents": Decimal("10000.01")},
        {"donation": Decimal("10"), "residents": Decimal("9000"), "compensation": Decimal("1000")},
    ):
        with pytest.raises(ValidationError) as error:
            draft(total=sum(lines.values()), lines=lines)
        assert codes(error.value) == {"owners_line"}
    assert not Budget.objects.exists()


@pytest.mark.django_db
def test_an_off_plan_owners_line_is_refused_next_to_it_keeping_what_was_typed(city, adopted):
    page = client_for(city.street_a_staff)
    url = reverse("disclosure:budget", args=[adopted.project.code])
    form = {"action": "draft", "total": "100000.00", "fund_central_subsidy": "50000.00"}
    form |= {"fund_local_finance": "42000.00", "fund_residents": "8000.00"}
    refused = page.post(url, form)
    assert refused.status_code == 400 and not Budget.objects.exists()
    html = refused.content.decode()
    field = html[html.index('name="fund_residents"') :]
    assert 'value="8000.00"' in field[:200] and 'value="42000.00"' in html
    assert "“居民自筹”必须是¥10,000.00" in html.replace(" ", "")


@pytest.mark.django_db
def test_no_ledger_before_the_budget_is_published(city, adopted):
    budget = services.budget_save_draft(
        project=adopted.project,
        actor=city.street_a_staff,
        total=Decimal("10010"),
        lines={"donation": Decimal("10"), "residents": Decimal("10000")},
    )
    with pytest.raises(PermissionDenied):
        income(city, adopted)
    services.budget_approve(budget=budget, actor=city.street_a_manager)
    with pytest.raises(PermissionDenied):
        income(city, adopted)
    assert not LedgerEntry.objects.exists()


@pytest.mark.django_db
def test_bad_ledger_input_is_refused(city, contracted):
    cases = [
        (dict(kind="income", amount=Decimal("0"), source="donation"), "amount_positive"),
        (dict(kind="income", amount=Decimal("-5"), source="donation"), "amount_positive"),
        (dict(kind="income", amount=Decimal("5"), source=""), "source_required"),
        (dict(kind="expense", amount=Decimal("5")), "item_required"),
        (dict(kind="reversal", amount=Decimal("5")), "bad_kind"),
        (
            dict(kind="income", amount=Decimal("5"), source="donation", date=timezone.localdate() + timedelta(days=1)),
            "future_date",
        ),
        (dict(kind="income", amount=Decimal("5"), source="donation", counterparty=" "), "counterparty_required"),
        (
            dict(
                kind="income",
                amount=Decimal("5"),
                source="donation",
                voucher=SimpleUploadedFile("v.pdf", b"hello", content_type="application/pdf"),
            ),
            "bad_type",
        ),
    ]
    for kwargs, code in cases:
        kwargs = {"date": timezone.localdate(), "counterparty": "某单位", **kwargs}
        with pytest.raises(ValidationError) as error:
            services.ledger_record(project=contracted.project, actor=city.street_a_staff, **kwargs)
        assert codes(error.value) == {code}, kwargs
    from tests.disclosure.conftest import adopted_project

    foreign_item = adopted_project(city).roof  # an item of another project's plan
    with pytest.raises(ValidationError) as error:
        expense(city, contracted, item=foreign_item)
    assert codes(error.value) == {"item_not_in_plan"}
    assert not LedgerEntry.objects.exists()


@pytest.mark.django_db
def test_progress_rules_and_first_post_starts_the_works(city, contracted):
    assert contracted.project.status == Project.Status.CONTRACTED
    with pytest.raises(ValidationError) as error:
        progress(city, contracted, 101)
    assert codes(error.value) == {"percent_range"}
    first = progress(city, contracted, 40, item=contracted.roof, text="拆除旧防水层")
    contracted.project.refresh_from_db()
    assert contracted.project.status == Project.Status.UNDER_CONSTRUCTION
    assert first.project_percent == 24  # 40% of the ¥60,000 item of ¥100,000 planned
    with pytest.raises(ValidationError) as error:
        progress(city, contracted, 30, item=contracted.roof)
    assert codes(error.value) == {"backwards_needs_note"}
    assert "40%" in error.value.messages[0]
    back = progress(city, contracted, 30, item=contracted.roof, text="返工：一处防水层不合格")
    assert back.percent == 30
    overall = progress(city, contracted, 50)
    assert overall.project_percent == 50


@pytest.mark.django_db
def test_bad_photos_save_nothing(city, contracted, settings):
    text_file = SimpleUploadedFile("site.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        progress(city, contracted, 10, text="进场", photos=[photo_upload(), text_file])
    assert codes(error.value) == {"bad_image_type"}
    settings.PHOTO_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as error:
        progress(city, contracted, 10, text="进场", photos=[photo_upload()])
    assert codes(error.value) == {"too_large"}
    settings.PHOTO_MAX_BYTES = 8 * 1024 * 1024
    settings.PROGRESS_PHOTOS_MAX = 1
    with pytest.raises(ValidationError) as error:
        progress(city, contracted, 10, text="进场", photos=[photo_upload(), photo_upload()])
    assert codes(error.value) == {"too_many_photos"}
    assert not ProgressUpdate.objects.exists() and not ProgressPhoto.objects.exists()
    contracted.project.refresh_from_db()
    assert contracted.project.status == Project.Status.CONTRACTED


@pytest.mark.django_db
def test_milestones(city, contracted):
    milestone = services.milestone_add(
        project=contracted.project, actor=city.contractor, title="进场", due_date=timezone.localdate()
    )
    with pytest.raises(ValidationError) as error:
        services.milestone_update(milestone=milestone, actor=city.contractor, status="met")
    assert codes(error.value) == {"date_met_required"}
    services.milestone_update(milestone=milestone, actor=city.contractor, status="met", date_met=timezone.localdate())
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.MET
    with pytest.raises(PermissionDenied):
        services.milestone_add(
            project=contracted.project, actor=city.supervisor, title="x", due_date=timezone.localdate()
        )


@pytest.mark.django_db
def test_acceptance_completes_the_project_after_the_four_signatures(city, council_a1, contracted):
    finish(city, contracted)
    project = contracted.project
    council_user = council_a1.user
    with pytest.raises(PermissionDenied):  # nothing to sign before the completion report
        project_services.acceptance_sign(project=project, role="supervisor", actor=city.supervisor)
    file_report(city, contracted)
    project_services.acceptance_sign(project=project, role="supervisor", actor=city.supervisor, opinion="质量合格")
    with pytest.raises(ValidationError) as error:
        project_services.acceptance_sign(project=project, role="supervisor", actor=city.supervisor)
    assert codes(error.value) == {"already_signed"}
    with pytest.raises(PermissionDenied):
        project_services.acceptance_sign(project=project, role="council", actor=city.street_a_manager)
    project_services.acceptance_sign(project=project, role="street", actor=city.street_a_manager)
    project_services.acceptance_sign(project=project, role="council", actor=council_user)
    project.refresh_from_db()
    assert project.status == Project.Status.UNDER_CONSTRUCTION  # the contractor has not signed yet
    project_services.acceptance_sign(project=project, role="contractor", actor=city.contractor)
    project.refresh_from_db()
    assert project.status == Project.Status.COMPLETED
    assert project.completed_on == timezone.localdate()
    assert AcceptanceSignature.objects.filter(project=project).count() == 4


@pytest.mark.django_db(transaction=True)
def test_double_approval_gives_one_result_and_a_clear_answer(city, adopted):
    budget = services.budget_save_draft(
        project=adopted.project,
        actor=city.street_a_staff,
        total=Decimal("10010"),
        lines={"donation": Decimal("10"), "residents": Decimal("10000")},
    )
    results = _race(4, lambda i: services.budget_approve(budget=budget, actor=city.street_a_manager))
    assert sum(isinstance(r, Budget) for r in results) == 1
    assert all(codes(r) == {"state_changed"} for r in results if not isinstance(r, Budget))
    budget.refresh_from_db()
    results = _race(4, lambda i: services.budget_publish(budget=budget, actor=city.street_a_manager))
    assert sum(isinstance(r, Budget) for r in results) == 1
    assert all(isinstance(r, ValidationError) for r in results if not isinstance(r, Budget)), results
    assert adopted.project.events.filter(to_status=Project.Status.BUDGET_APPROVED).count() == 1


@pytest.mark.django_db
def test_residents_share_by_area(client, city, published):
    from stakeholders.models import Household

    homes = city.homes_a1
    estate_area = sum(h.area_m2 for h in Household.objects.filter(building__estate=city.estate_a1))
    mine = Household.objects.get(pk=homes[0].pk)
    client.force_login(city.owner_a1.user)
    html = client.get(reverse("disclosure:budget", args=[published.project.code])).content.decode()
    # The lighting item's ¥10,000 residents' part, by area over the estate (the default method),
    # floored to the fen (a leftover fen would go to the largest remainders, possibly this one).
    exact = Decimal("10000.00") * mine.area_m2 / estate_area
    floored = exact.quantize(Decimal("0.01"), rounding="ROUND_FLOOR")
    assert 'data-testid="household-share"' in html
    assert f"{floored:,.2f}" in html or f"{floored + Decimal('0.01'):,.2f}" in html
    assert "《民法典》第二百八十三条" in html
    client.force_login(city.owner_b1.user)  # not an owner here: the project is not in their scope
    assert client.get(reverse("disclosure:budget", args=[published.project.code])).status_code == 404


@pytest.mark.django_db
def test_reversal_dates_and_overall_progress_stands(city, contracted):
    spent = expense(city, contracted)
    for day, code in [
        (timezone.localdate() + timedelta(days=1), "future_date"),
        (spent.date - timedelta(days=1), "before_reversed"),
    ]:
        with pytest.raises(ValidationError) as error:
            services.ledger_reverse(entry=spent, actor=city.street_a_staff, memo="x", date=day)
        assert codes(error.value) == {code}
    overall = progress(city, contracted, 50)
    item = progress(city, contracted, 10, item=contracted.roof, text="屋面开工")
    assert (overall.project_percent, item.project_percent) == (50, 50)  # the stated 50% stands
    later = progress(city, contracted, 100, item=contracted.roof, text="屋面完成")
    assert later.project_percent == 60  # ¥60,000 of ¥100,000 done overtakes it


@pytest.mark.parametrize(
    "typed, message",
    [
        ("12345678901234.00", "金额不能超过 999,999,999,999.99 元。"),
        ("-5", "金额必须大于 0 元。"),
        ("12.345", "金额最多保留两位小数（到分），例如 1280.50。"),
        ("十二块", "请输入以元为单位的金额，例如 1280.50。"),
    ],
)
def test_money_fields_say_what_is_wrong_in_plain_words(typed, message):
    """Field test: "确认总共不超过 14 个数字." and "确保该值大于或等于0。" on money fields."""
    from disclosure.forms import LedgerEntryForm

    form = LedgerEntryForm(
        {"kind": "income", "date": "2026-11-02", "amount": typed, "counterparty": "x", "source": "donation"}
    )
    assert not form.is_valid()
    assert form.errors["amount"] == [message]


def test_budget_lines_say_negative_amounts_in_plain_words():
    from projects.forms import money_field

    field = money_field("预算")
    with pytest.raises(ValidationError) as error:
        field.clean("-1")
    assert error.value.messages == ["金额不能为负数。"]
