"""Willingness and needs surveys before a project (意愿调查, issue 18 item 1): who opens one for which
estates in which state, the letters (a notice to each voting owner, a printed QR letter for the
rest), answering by link / from the home page / on paper — once —, the results per estate (exact
rates, hidden below the threshold, public only when closed, never a name), the petition page and
the bureau's dashboard, closing early, hostile input and the query budgets."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from feedback import permissions, services, tokens
from feedback import willingness as reads
from feedback.models import WillingnessAnswer, WillingnessInvitation, WillingnessSurvey
from feedback.tasks import dispatch_surveys
from projects import services as project_services
from projects.models import CatalogItem, Project
from stakeholders.models import Notification
from stakeholders.notifications import LocmemSmsBackend

from .conftest import bulk_estate


def items(*codes):
    qs = CatalogItem.objects.order_by("position")
    return list(qs.filter(code__in=codes) if codes else qs.exclude(klass="other"))


def open_survey(city, estates=None, *, actor=None, days=14, codes=()):
    return services.willingness_open(
        actor=actor or city.street_a_staff,
        title="2027年老旧小区改造意愿调查",
        estates=estates or [city.estate_a1],
        items=items(*codes),
        closes_on=timezone.localdate() + timedelta(days=days),
    )


def link(invitation) -> str:
    return services.willingness_answer_path(invitation)


YES = {"willing": "yes", "contribute": "yes", "take_part": "yes"}


def answer_all(survey, rows):
    """rows: (willing, take_part, contribute, item codes) per household, in invitation order, on paper."""
    invitations = list(WillingnessInvitation.objects.filter(survey=survey).order_by("pk"))
    by_code = {i.code: i.pk for i in CatalogItem.objects.all()}
    staff = survey.opened_by
    for invitation, (willing, take_part, contribute, codes) in zip(invitations, rows):
        services.willingness_record_paper(
            invitation=invitation,
            actor=staff,
            answers={
                "willing": willing,
                "take_part": take_part,
                "contribute": contribute,
                "items": [by_code[c] for c in codes],
            },
        )


# --- who opens a survey, for which estates, in which state ---------------------------------------

ROLES = [
    "admin",
    "bureau",
    "street_a_staff",
    "street_b_staff",
    "comm_a1_staff",
    "comm_a2_staff",
    "contractor",
    "owner_a1",
    "plain_resident",
]
OPENERS = {"admin", "street_a_staff", "comm_a1_staff"}
STATES = [None, "petitioning", "submitted", "rejected", "accepted", "planning", "under_construction", "completed"]
BLOCKING = {"accepted", "planning", "under_construction"}


def user_of(city, role):
    value = getattr(city, role)
    return getattr(value, "user", value)


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
def test_who_opens_a_survey_of_estate_a1_in_each_project_state(city, state):
    if state:
        project = project_services.project_create(estate=city.estate_a1, title="甲一改造", actor=None)
        Project.objects.filter(pk=project.pk).update(status=state)
    statuses = set(Project.objects.filter(estate=city.estate_a1).values_list("status", flat=True))
    for role in ROLES:
        user = user_of(city, role)
        expected = role in OPENERS and state not in BLOCKING
        allowed = permissions.can_open_willingness_survey(user, city.estate_a1, project_statuses=statuses)
        assert allowed is expected, (role, state)
        if expected:
            survey = open_survey(city, actor=user)
            assert survey.households == 6
            survey.delete()
        else:
            with pytest.raises(ValidationError) as refused:
                open_survey(city, actor=user)
            assert refused.value.error_dict["estates"][0].code == "not_allowed_estate"


@pytest.mark.django_db
def test_one_open_survey_per_estate_one_street_and_a_community_asks_its_own(city):
    first = open_survey(city, [city.estate_a1, city.estate_a2])
    with pytest.raises(ValidationError) as busy:
        open_survey(city, [city.estate_a1b, city.estate_a1])
    assert busy.value.error_dict["estates"][0].code == "already_asking"
    assert "甲一小区" in busy.value.error_dict["estates"][0].messages[0]
    with pytest.raises(ValidationError) as streets:
        open_survey(city, [city.estate_a1b, city.estate_b1], actor=city.admin)
    assert streets.value.error_dict["estates"][0].code == "one_street"
    # The community committee asks its own community's estate; it is recorded as the asker.
    mine = open_survey(city, [city.estate_a1b], actor=city.comm_a1_staff)
    assert mine.community == city.comm_a1 and first.community is None
    # Once the first survey is closed, estate a1 can be asked again.
    services.willingness_close(survey=first, actor=city.street_a_staff)
    assert open_survey(city, [city.estate_a1]).households == 6


@pytest.mark.django_db
def test_the_form_offers_the_estates_it_may_ask_with_a_last_day_the_phone_shows(city, client):
    client.force_login(city.street_a_staff)
    page = client.get(reverse("feedback:willingness_new")).content.decode()
    # An <input type="date"> shows its value only in ISO form (it was empty in another format).
    assert f'value="{(timezone.localdate() + timedelta(days=21)).isoformat()}"' in page
    assert "甲一小区" in page and "乙一小区" not in page


@pytest.mark.django_db
def test_the_last_day_is_between_3_and_90_days_and_at_least_one_estate_and_item(city):
    for days in (0, 2, 91):
        with pytest.raises(ValidationError) as bad:
            open_survey(city, days=days)
        assert bad.value.error_dict["closes_on"][0].code == "closes_on"
    with pytest.raises(ValidationError) as none:
        services.willingness_open(
            actor=city.street_a_staff, title="x", estates=[city.estate_a1], items=[], closes_on=timezone.localdate()
        )
    assert none.value.error_dict["items"][0].code == "no_items"
    survey = open_survey(city, days=3)
    assert survey.last_day == timezone.localdate() + timedelta(days=3)
    assert WillingnessSurvey.objects.count() == 1


# --- letters -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_voting_owners_are_told_with_a_link_the_rest_get_a_letter_and_reruns_send_nothing(
    city, settings, django_capture_on_commit_callbacks
):
    settings.SURVEY_BATCH_SIZE = 40
    built = bulk_estate(city, 100, with_accounts=70)
    with django_capture_on_commit_callbacks(execute=True):  # the letters go out on commit (eager Celery)
        survey = open_survey(city, [built.estate])
    assert survey.households == 100
    told = Notification.objects.filter(kind=Notification.Kind.WILLINGNESS_INVITED)
    assert told.count() == 70 and len(LocmemSmsBackend.outbox) == 70
    sms = LocmemSmsBackend.outbox[0]["text"]
    assert "/feedback/willingness/answer/" in sms and built.estate.name in sms
    assert survey.last_day.strftime("%Y-%m-%d") in sms
    rows = WillingnessInvitation.objects.filter(survey=survey)
    assert rows.filter(delivery="message").count() == 70 and rows.filter(delivery="print").count() == 30
    assert not rows.filter(sent_at__isnull=True).exists()
    # The beat's sweep finds nothing left, and a batch sent again adds nothing.
    assert services.willingness_unsent() == []
    assert dispatch_surveys.apply().get()["willingness"] == []
    assert services.willingness_send_letters(survey_id=survey.pk) == {"batches": 0, "sent": 0}
    assert told.count() == 70 and len(LocmemSmsBackend.outbox) == 70


@pytest.mark.django_db
def test_letters_left_unsent_by_a_lost_task_are_sent_by_the_beat(city):
    survey = open_survey(city)  # its on-commit task never runs here: as if the broker had been down
    assert services.willingness_unsent() == [survey.pk]
    dispatch_surveys.apply()
    assert services.willingness_unsent() == []
    assert Notification.objects.filter(kind="willingness_invited", user=city.owner_a1.user).count() == 1


@pytest.mark.django_db
def test_printed_letters_carry_a_qr_code_for_households_without_an_account(
    city, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        survey = open_survey(city)
    url = reverse("feedback:willingness_print", args=[survey.pk])
    client.force_login(city.comm_a1_staff)
    page = client.get(url)
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="letter"') == 5  # owner_a1 is messaged instead
    assert "<svg" in page.content.decode() and "/feedback/willingness/answer/" in page.content.decode()
    assert client.get(url + "?all=1").content.decode().count('data-testid="letter"') == 6
    for role, status in (("comm_a2_staff", 403), ("owner_a1", 403), ("bureau", 403)):
        client.force_login(user_of(city, role))
        assert client.get(url).status_code == status, role


# --- answering -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_letter_link_answers_once_without_signing_in(client, city):
    survey = open_survey(city, codes=("elevator", "roof"))
    invitation = WillingnessInvitation.objects.filter(survey=survey).order_by("pk").last()
    url = link(invitation)
    page = client.get(url)
    assert page.status_code == 200 and "加装电梯" in page.content.decode()
    elevator = CatalogItem.objects.get(code="elevator")
    done = client.post(url, {**YES, "items": [elevator.pk], "text": "希望早点装电梯"})
    assert done.status_code == 200 and 'data-testid="willingness-thanks"' in done.content.decode()
    answer = WillingnessAnswer.objects.get(invitation=invitation)
    assert (answer.willing, answer.take_part, answer.contribute, answer.channel) == ("yes", True, "yes", "online")
    assert list(answer.items.values_list("code", flat=True)) == ["elevator"]
    again = client.post(url, {**YES})
    assert again.status_code == 410 and 'data-code="already_answered"' in again.content.decode()
    assert WillingnessAnswer.objects.count() == 1


@pytest.mark.django_db
def test_forged_or_foreign_tokens_and_hostile_input_get_a_clear_4xx(client, city):
    survey = open_survey(city)
    invitation = WillingnessInvitation.objects.filter(survey=survey).first()
    good = tokens.make_token(invitation, salt=tokens.WILLINGNESS_SALT)
    satisfaction_style = tokens.make_token(invitation)  # the satisfaction survey's salt
    for token in (good[:-2] + "xx", satisfaction_style, "nonsense"):
        page = client.get(reverse("feedback:willingness_answer", args=[invitation.pk, token]))
        assert page.status_code == 404 and 'data-code="forged"' in page.content.decode()
    url = link(invitation)
    bad = client.post(url, {"willing": "yes\x00", "take_part": "yes", "contribute": "yes", "items": ["9" * 40]})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "请选择" in body or "invalid-feedback" in body
    nul = client.post(url, {**YES, "text": "坏\x00字"})
    assert nul.status_code == 400
    unknown_item = client.post(url, {**YES, "items": [CatalogItem.objects.get(code="other").pk]})
    assert unknown_item.status_code == 400  # not one of the items this survey asks about
    assert not WillingnessAnswer.objects.exists()


@pytest.mark.django_db
def test_the_voting_owner_answers_from_the_home_page_and_no_one_else_can(client, city):
    survey = open_survey(city)
    mine = WillingnessInvitation.objects.get(survey=survey, household=city.homes_a1[0])
    client.force_login(city.owner_a1.user)
    home = client.get("/")
    assert 'data-testid="willingness-invitations"' in home.content.decode()
    url = reverse("feedback:willingness_mine", args=[mine.pk])
    assert client.post(url, {"willing": "unsure", "take_part": "no", "contribute": "unsure"}).status_code == 200
    assert 'data-testid="willingness-invitations"' not in client.get("/").content.decode()
    other = WillingnessInvitation.objects.get(survey=survey, household=city.homes_a1[2])
    assert client.get(reverse("feedback:willingness_mine", args=[other.pk])).status_code == 404
    client.force_login(city.claimant_a1.user)  # pending claim: not the voting owner
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_paper_answers_by_the_offices_that_asked_while_open_and_closing_early(client, city):
    survey = open_survey(city)
    url = reverse("feedback:willingness_paper", args=[survey.pk])
    invitation = WillingnessInvitation.objects.get(survey=survey, household=city.homes_a1[3])
    roles_open = {"admin": 200, "street_a_staff": 200, "comm_a1_staff": 200, "comm_a2_staff": 403, "bureau": 403}
    for role, status in roles_open.items():
        client.force_login(user_of(city, role))
        assert client.get(url).status_code == status, role
    client.force_login(city.comm_a1_staff)
    posted = client.post(url, {"invitation": invitation.pk, "willing": "no", "take_part": "no", "contribute": "no"})
    assert posted.status_code == 302
    assert WillingnessAnswer.objects.get(invitation=invitation).channel == "paper"
    twice = client.post(url, {"invitation": invitation.pk, "willing": "no", "take_part": "no", "contribute": "no"})
    assert twice.status_code == 400  # no longer in the list of unanswered households
    # Closing: only the office that opened it (the street office here), while open.
    close = reverse("feedback:willingness_close", args=[survey.pk])
    for role, status in (("comm_a1_staff", 403), ("bureau", 403), ("owner_a1", 403)):
        client.force_login(user_of(city, role))
        assert client.post(close).status_code == status, role
    client.force_login(city.street_a_staff)
    assert client.post(close).status_code == 302
    survey.refresh_from_db()
    assert survey.status == "closed" and permissions.willingness_is_closed(survey)
    assert client.post(close).status_code == 403  # closed already
    client.force_login(city.comm_a1_staff)
    assert client.get(url).status_code == 403  # no paper answers after closing
    with pytest.raises(ValidationError) as late:
        services.willingness_answer_by_link(
            invitation_id=invitation.pk + 1,
            token=tokens.make_token(
                WillingnessInvitation.objects.get(pk=invitation.pk + 1), salt=tokens.WILLINGNESS_SALT
            ),
            answers=YES,
        )
    assert late.value.code == "closed"


# --- results -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_results_per_estate_are_exact_hidden_below_five_and_public_only_when_closed(client, city, settings):
    settings.SURVEY_MIN_RESPONSES = 5
    survey = open_survey(city, [city.estate_a1, city.estate_a2], codes=("elevator", "roof", "parking"))
    rows_a1 = [
        ("yes", True, "yes", ["elevator", "parking"]),
        ("yes", False, "unsure", ["elevator"]),
        ("yes", True, "no", ["roof"]),
        ("no", False, "no", []),
        ("unsure", False, "yes", ["elevator"]),
    ]
    a1 = list(WillingnessInvitation.objects.filter(survey=survey, estate=city.estate_a1).order_by("pk"))
    a2 = list(WillingnessInvitation.objects.filter(survey=survey, estate=city.estate_a2).order_by("pk"))
    by_code = {i.code: i.pk for i in CatalogItem.objects.all()}
    for invitation, (willing, take_part, contribute, codes) in zip(a1, rows_a1):
        services.willingness_record_paper(
            invitation=invitation,
            actor=city.street_a_staff,
            answers={
                "willing": willing,
                "take_part": take_part,
                "contribute": contribute,
                "items": [by_code[c] for c in codes],
            },
            text="一楼太潮" if willing == "no" else "",
        )
    services.willingness_record_paper(invitation=a2[0], actor=city.street_a_staff, answers=YES)

    public = reverse("feedback:willingness", args=[survey.pk])
    running = client.get(public).content.decode()
    assert 'data-testid="willingness-running"' in running and "willing-rate" not in running
    client.force_login(city.bureau)  # the bureau follows the counts while it runs
    live = client.get(public).content.decode()
    assert 'data-testid="willingness-result-' in live and "一楼太潮" in live
    client.logout()

    services.willingness_close(survey=survey, actor=city.street_a_staff)
    survey = reads.survey_of(survey.pk)
    results = {r.estate.pk: r for r in reads.estate_results(survey)}
    r1, r2 = results[city.estate_a1.pk], results[city.estate_a2.pk]
    assert (r1.households, r1.answered, r1.answer_rate) == (6, 5, 83)
    assert (r1.willing_rate, r1.unwilling_rate, r1.take_part_rate, r1.contribute_rate) == (60, 20, 40, 40)
    # The most asked first; equal counts in the catalog's order (屋面 before 停车).
    assert [(item.code, n, p) for item, n, p in r1.items] == [("elevator", 3, 60), ("roof", 1, 20), ("parking", 1, 20)]
    assert r1.shown and not r2.shown and (r2.households, r2.answered) == (4, 1)
    total = reads.summed([r1, r2])
    assert (total.households, total.answered, total.willing) == (10, 6, 4)

    page = client.get(public).content.decode()  # anonymous, closed: the rates, no names, no words
    assert 'data-testid="willing-rate">60%' in page and 'data-testid="willingness-hidden"' in page
    assert "一楼太潮" not in page
    for resident in (city.owner_a1, city.claimant_a1):
        assert resident.name not in page and (resident.phone or "-") not in page
    assert str(city.homes_a1[0].room) not in page.replace(str(survey.pk), "")


@pytest.mark.django_db
def test_the_petition_page_and_the_bureau_dashboard_show_the_results(client, city, owners, settings):
    settings.SURVEY_MIN_RESPONSES = 3
    survey = open_survey(city, codes=("elevator",))
    answer_all(survey, [("yes", True, "yes", ["elevator"])] * 3 + [("no", False, "no", [])])
    ended = timezone.now() - timedelta(minutes=1)
    WillingnessSurvey.objects.filter(pk=survey.pk).update(opened_at=ended - timedelta(days=14), closes_at=ended)
    client.force_login(city.owner_a1.user)
    form = client.get(reverse("projects:petition_start")).content.decode()
    assert 'data-testid="estate-willingness"' in form and 'data-testid="willing-rate">75%' in form
    petition = project_services.petition_start(resident=city.owner_a1, estate=city.estate_a1, reason="屋顶漏水")
    page = client.get(petition.project.get_absolute_url()).content.decode()
    assert 'data-testid="willing-rate">75%' in page and 'data-testid="take-part-rate">75%' in page
    client.force_login(city.bureau)
    home = client.get("/").content.decode()
    assert 'data-testid="city-willingness"' in home
    totals = reads.city_totals()["total"]
    assert (totals.households, totals.answered, totals.willing_rate, totals.estates_asked) == (6, 4, 75, 1)
    assert "75%" in home.split('data-testid="city-willingness"')[1][:600]


# --- query budgets --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_query_budgets_of_the_list_results_and_answer_pages_stay_flat(client, city, django_assert_max_num_queries):
    small = open_survey(city, [city.estate_a1, city.estate_a2])
    answer_all(small, [("yes", True, "yes", ["elevator"])] * 4)
    services.willingness_close(survey=small, actor=city.street_a_staff)
    big = bulk_estate(city, 300, community=city.comm_a2)
    large = open_survey(city, [big.estate, city.estate_a1b])
    answer_all(large, [("yes", False, "unsure", ["elevator", "parking"])] * 60)
    services.willingness_close(survey=large, actor=city.street_a_staff)
    invitation = WillingnessInvitation.objects.filter(survey=large, answer__isnull=True).first()
    client.force_login(city.street_a_staff)
    for url, budget in (
        (reverse("feedback:willingness_list"), 8),
        (reverse("feedback:willingness", args=[small.pk]), 13),
        (reverse("feedback:willingness", args=[large.pk]), 13),
    ):
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200
    client.logout()
    with django_assert_max_num_queries(8):
        assert client.get(reverse("feedback:willingness", args=[large.pk])).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(link(invitation)).status_code == 410  # closed: a clear page, not a form


@pytest.mark.django_db
def test_query_budgets_of_the_desk_pages_stay_flat_from_10_to_300_households(
    client, city, django_assert_max_num_queries
):
    small = open_survey(city, [city.estate_a1])
    big = bulk_estate(city, 300, community=city.comm_a2, with_accounts=20)
    large = open_survey(city, [big.estate], actor=city.street_a_staff)
    answer_all(large, [("yes", True, "yes", ["elevator"])] * 30)
    client.force_login(city.street_a_staff)
    for survey in (small, large):
        for name, budget in (("willingness_print", 10), ("willingness_paper", 10)):
            with django_assert_max_num_queries(budget):
                assert client.get(reverse(f"feedback:{name}", args=[survey.pk])).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("feedback:willingness_new")).status_code == 200
    mine = WillingnessInvitation.objects.get(survey=small, household=city.homes_a1[0])
    client.force_login(city.owner_a1.user)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("feedback:willingness_mine", args=[mine.pk])).status_code == 200
