"""feedback/services.py's survey functions: when surveys open, one invitation per household, the
batched fan-out (exactly one message each, whatever re-runs or crashes), reminders, closing,
answering by link / as owner / on paper, results under the privacy threshold, ratings."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from feedback import selectors, services, tokens
from feedback.models import Invitation, Response, Survey
from feedback.tasks import dispatch_surveys, send_survey_batch
from stakeholders.models import Delivery, Notification, Organization, User
from stakeholders.notifications import LocmemSmsBackend
from tests import factories as f

from .conftest import answers, bulk_estate, completed_project


def run_dispatch(now=None) -> services.DispatchPlan:
    """What beat's dispatch_surveys does, with the batches sent in this process."""
    plan = services.surveys_dispatch(now=now)
    for survey_id, kind, first_id, last_id in plan.batches:
        services.survey_send_and_deliver(survey_id=survey_id, kind=kind, first_id=first_id, last_id=last_id, now=now)
    return plan


def link_of(invitation) -> str:
    return services.answer_path(invitation)


@pytest.mark.django_db
def test_surveys_open_n_days_after_completion_and_a_year_later(city):
    early = completed_project(city, f.EstateFactory(community=city.comm_a1), days_ago=29)
    due = completed_project(city, f.EstateFactory(community=city.comm_a1), days_ago=30)
    old = completed_project(city, f.EstateFactory(community=city.comm_a2), days_ago=366)
    assert sorted((p.pk, k, y) for p, k, y in services.surveys_due()) == sorted(
        [(due.pk, "completion", 0), (old.pk, "completion", 0), (old.pk, "follow_up", 0)]
    )
    plan = services.surveys_dispatch()
    assert len(plan.opened) == 3 and services.surveys_due() == []
    assert not Survey.objects.filter(project=early).exists()
    assert set(Survey.objects.filter(project=old).values_list("kind", flat=True)) == {"completion", "follow_up"}


@pytest.mark.django_db
def test_fan_out_to_1000_households_sends_exactly_1000_messages_and_reruns_add_none(city, settings):
    settings.SURVEY_BATCH_SIZE = 250
    built = bulk_estate(city, 1000)
    project = completed_project(city, built.estate)
    plan = run_dispatch()
    survey = Survey.objects.get(project=project)
    assert plan.opened == [survey.pk] and len(plan.batches) == 4  # batches, not one task per household
    assert survey.households == Invitation.objects.filter(survey=survey).count() == 1000
    assert Notification.objects.filter(kind=Notification.Kind.SURVEY_INVITED).count() == 1000
    assert Delivery.objects.filter(kind=Notification.Kind.SURVEY_INVITED, status=Delivery.Status.SENT).count() == 1000
    outbox = LocmemSmsBackend.outbox
    assert len(outbox) == 1000 and len({m["key"] for m in outbox}) == 1000
    assert len({m["to"] for m in outbox}) == 1000
    assert "/feedback/answer/" in outbox[0]["text"] and built.estate.name in outbox[0]["text"]

    again = run_dispatch()
    assert again.opened == [] and again.batches == []
    assert Invitation.objects.filter(survey=survey).count() == 1000
    assert len(LocmemSmsBackend.outbox) == 1000
    # Even a batch sent again by hand (a duplicated task) finds nothing to do.
    first = Invitation.objects.filter(survey=survey).order_by("pk").first().pk
    assert services.survey_send_and_deliver(
        survey_id=survey.pk, kind="invite", first_id=first, last_id=first + 999
    ) == {"sent": 0, "failed": 0, "skipped": 0}
    assert len(LocmemSmsBackend.outbox) == 1000


class GatewayDiesAfter:
    """A gateway stand-in whose process dies after accepting `limit` messages: the message that
    kills it was accepted (the worst case: it reached the phone, but the portal never heard back)."""

    limit = 0
    accepted: list[dict] = []

    def send(self, *, to, text, key):
        GatewayDiesAfter.accepted.append({"to": to, "key": key})
        if len(GatewayDiesAfter.accepted) == GatewayDiesAfter.limit:
            raise SystemExit("worker killed")


class HealthyGateway:
    def send(self, *, to, text, key):
        GatewayDiesAfter.accepted.append({"to": to, "key": key})


@pytest.mark.django_db
def test_a_batch_redelivered_after_a_crash_sends_nothing_twice(city, settings):
    settings.SURVEY_BATCH_SIZE = 100
    built = bulk_estate(city, 100)
    completed_project(city, built.estate)
    plan = services.surveys_dispatch()
    ((survey_id, kind, first_id, last_id),) = plan.batches
    GatewayDiesAfter.accepted, GatewayDiesAfter.limit = [], 37
    settings.SMS_BACKEND = "tests.feedback.test_surveys.GatewayDiesAfter"
    with pytest.raises(SystemExit):
        send_survey_batch.apply(args=(survey_id, kind, first_id, last_id), throw=True)
    assert len(GatewayDiesAfter.accepted) == 37
    # The broker re-delivers the unacknowledged task (acks_late) to a healthy worker.
    settings.SMS_BACKEND = "tests.feedback.test_surveys.HealthyGateway"
    result = send_survey_batch.apply(args=(survey_id, kind, first_id, last_id), throw=True).get()
    assert result == {"sent": 63, "failed": 0, "skipped": 0}
    keys = [m["key"] for m in GatewayDiesAfter.accepted]
    assert len(keys) == 100 == len(set(keys))  # every household once, none twice
    assert Notification.objects.filter(kind=Notification.Kind.SURVEY_INVITED).count() == 100
    # The one message in flight at the crash stays `sending`; the sweep marks it `unknown`, never resends.
    stuck = Delivery.objects.get(status=Delivery.Status.SENDING)
    assert stuck.key == keys[36]
    from stakeholders.services import deliveries_sweep

    Delivery.objects.filter(pk=stuck.pk).update(claimed_at=timezone.now() - timedelta(hours=1))
    assert deliveries_sweep()["unknown"] == 1
    send_survey_batch.apply(args=(survey_id, kind, first_id, last_id), throw=True)
    assert len(GatewayDiesAfter.accepted) == 100
    assert dispatch_surveys.apply(throw=True).get()["batches"] == 0


@pytest.mark.django_db
def test_households_without_an_account_are_to_print(city, surveyed):
    run_dispatch()
    deliveries = dict(
        Invitation.objects.filter(survey=surveyed.survey)
        .values_list("delivery")
        .annotate(n=models_count())
        .values_list("delivery", "n")
    )
    assert deliveries == {"message": 8, "print": 4}
    assert len(LocmemSmsBackend.outbox) == 8


def models_count():
    from django.db.models import Count

    return Count("id")


@pytest.mark.django_db
def test_reminders_once_to_those_who_have_not_answered_then_close(city, surveyed):
    run_dispatch()
    survey = surveyed.survey
    answered = Invitation.objects.filter(survey=survey, delivery="message").order_by("pk").first()
    services.response_submit_by_link(invitation_id=answered.pk, token=tokens.make_token(answered), answers=answers(5))
    assert run_dispatch().batches == []  # before remind_at: nothing
    later = survey.remind_at + timedelta(minutes=1)
    LocmemSmsBackend.outbox.clear()
    run_dispatch(now=later)
    assert Notification.objects.filter(kind=Notification.Kind.SURVEY_REMINDER).count() == 7
    assert len(LocmemSmsBackend.outbox) == 7
    run_dispatch(now=later + timedelta(days=1))
    assert Notification.objects.filter(kind=Notification.Kind.SURVEY_REMINDER).count() == 7
    plan = run_dispatch(now=survey.closes_at)
    survey.refresh_from_db()
    assert plan.closed == [survey.pk] and survey.status == "closed"


# --- the link: forged, reused, expired, another household's ------------------------------------------------


@pytest.mark.django_db
def test_link_answers_once_without_signing_in(client, city, surveyed):
    invitation = Invitation.objects.filter(survey=surveyed.survey).order_by("pk").first()
    url = link_of(invitation)
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="survey-form"' in page.content.decode()
    response = client.post(url, {**answers(4), "text": "施工队很负责"})
    assert response.status_code == 200 and 'data-testid="survey-thanks"' in response.content.decode()
    stored = Response.objects.get(invitation=invitation)
    assert (stored.overall, stored.channel, stored.entered_by) == (4, "online", None)
    again = client.post(url, answers(1))  # reused
    assert again.status_code == 410 and 'data-code="already_answered"' in again.content.decode()
    assert Response.objects.filter(invitation=invitation).get().overall == 4


@pytest.mark.django_db
def test_forged_and_other_household_tokens_are_refused(client, city, surveyed):
    a, b = Invitation.objects.filter(survey=surveyed.survey).order_by("pk")[:2]
    token_a = tokens.make_token(a)
    forged = token_a[:-3] + ("AAA" if not token_a.endswith("AAA") else "BBB")
    for url in (
        reverse("feedback:answer", args=[a.pk, forged]),
        reverse("feedback:answer", args=[b.pk, token_a]),  # a's valid token on b's invitation
        reverse("feedback:answer", args=[a.pk, "garbage"]),
    ):
        response = client.get(url)
        assert response.status_code == 404 and 'data-code="forged"' in response.content.decode(), url
        assert client.post(url, answers(5)).status_code == 404
    # A correctly signed token with a wrong nonce (e.g. after the nonce was rotated) fails too.
    from django.core import signing

    wrong_nonce = signing.TimestampSigner(salt=tokens.SALT, algorithm="sha256").sign(f"{a.pk}-0000000000000000")
    assert client.get(reverse("feedback:answer", args=[a.pk, wrong_nonce])).status_code == 404
    assert Response.objects.count() == 0


@pytest.mark.django_db
def test_expired_links_and_closed_surveys_are_refused(client, city, surveyed, settings):
    invitation = Invitation.objects.filter(survey=surveyed.survey).order_by("pk").first()
    url = link_of(invitation)
    settings.SURVEY_LINK_MAX_AGE_DAYS = 0
    import time

    time.sleep(1.1)
    response = client.get(url)
    assert response.status_code == 410 and 'data-code="expired"' in response.content.decode()
    settings.SURVEY_LINK_MAX_AGE_DAYS = 60
    services.survey_close(survey=surveyed.survey)
    response = client.post(url, answers(5))
    assert response.status_code == 410 and 'data-code="closed"' in response.content.decode()
    assert Response.objects.count() == 0


@pytest.mark.django_db
def test_owner_answers_from_the_dashboard_and_not_for_others(client, city, surveyed):
    run_dispatch()
    mine, theirs = Invitation.objects.filter(survey=surveyed.survey, delivery="message").order_by("pk")[:2]
    owner = User.objects.get(pk=surveyed.residents[0].user_id)
    client.force_login(owner)
    home = client.get("/").content.decode()
    assert reverse("feedback:my_invitation", args=[mine.pk]) in home
    assert client.get(reverse("feedback:my_invitation", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("feedback:my_invitation", args=[mine.pk]), answers(3)).status_code == 200
    assert Response.objects.get(invitation=mine).entered_by == owner
    assert reverse("feedback:my_invitation", args=[mine.pk]) not in client.get("/").content.decode()
    # The link of the same household now says it has answered.
    assert client.get(link_of(mine)).status_code == 410


@pytest.mark.django_db
def test_bad_answers_keep_what_was_chosen(client, city, surveyed):
    invitation = Invitation.objects.filter(survey=surveyed.survey).order_by("pk").first()
    response = client.post(link_of(invitation), {"overall": "5", "quality": "9", "text": "整体不错"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "请选择 1 到 5 分。" in html
    import re

    assert re.search(r'name="overall" value="5"[^>]*checked', html)  # the chosen score is kept
    assert not re.search(r'name="quality" value="\d"[^>]*checked', html)
    assert "整体不错" in html
    assert Response.objects.count() == 0


@pytest.mark.django_db
def test_paper_answers_once_per_household(client, city, surveyed):
    run_dispatch()
    survey = surveyed.survey
    printed = Invitation.objects.filter(survey=survey, delivery="print").order_by("pk").first()
    client.force_login(city.comm_a1_staff)
    url = reverse("feedback:survey_paper", args=[survey.pk])
    assert client.post(url, {"invitation": printed.pk, **answers(2)}).status_code == 302
    stored = Response.objects.get(invitation=printed)
    assert (stored.channel, stored.entered_by_id) == ("paper", city.comm_a1_staff.pk)
    again = client.post(url, {"invitation": printed.pk, **answers(5)})
    assert again.status_code == 400 and Response.objects.filter(invitation=printed).count() == 1
    # A household that answered online cannot be entered on paper, and vice versa.
    online = Invitation.objects.filter(survey=survey, delivery="message").order_by("pk").first()
    services.response_submit_by_link(invitation_id=online.pk, token=tokens.make_token(online), answers=answers(4))
    assert client.post(url, {"invitation": online.pk, **answers(1)}).status_code == 400
    assert client.get(link_of(printed)).status_code == 410
    client.force_login(city.street_a_staff)
    assert client.get(url).status_code == 403  # the street office reads results, the committee enters
    client.force_login(city.comm_b1_staff)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_printed_invitations_have_a_link_and_a_qr_code(client, city, surveyed):
    run_dispatch()
    client.force_login(city.comm_a1_staff)
    response = client.get(reverse("feedback:survey_print", args=[surveyed.survey.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="letter"') == 4  # the households without an account
    assert html.count("<svg") >= 4 and "/feedback/answer/" in html
    everyone = client.get(reverse("feedback:survey_print", args=[surveyed.survey.pk]) + "?all=1").content.decode()
    assert everyone.count('data-testid="letter"') == 12
    # The printed link works.
    import re

    path = re.search(r"http://[^/]+(/feedback/answer/[^<\s]+)", html).group(1)
    assert client.get(path).status_code == 200


# --- results and ratings ------------------------------------------------------------------------------------


def answer_n(survey, n, score=4, **override):
    for invitation in Invitation.objects.filter(survey=survey).order_by("pk")[:n]:
        services.response_submit_by_link(
            invitation_id=invitation.pk,
            token=tokens.make_token(invitation),
            answers=answers(score, **override),
            text=f"意见{invitation.pk}",
        )


@pytest.mark.django_db
def test_results_hidden_below_five_answers(client, city, surveyed):
    answer_n(surveyed.survey, 4, score=5)
    services.survey_close(survey=surveyed.survey)
    results = selectors.survey_results(surveyed.survey)
    assert results.responses == 4 and not results.shown and results.questions == []
    cache.clear()
    html = client.get(reverse("disclosure:project", args=[surveyed.project.code])).content.decode()
    assert 'data-testid="results-hidden"' in html and 'data-testid="average-overall"' not in html
    assert Organization.objects.get(pk=city.contractor_org.pk).rating_overall is None


@pytest.mark.django_db
def test_results_after_close_are_public_without_text(client, city, surveyed):
    answer_n(surveyed.survey, 3, score=5)
    for invitation in Invitation.objects.filter(survey=surveyed.survey).order_by("pk")[3:6]:
        services.response_submit_by_link(
            invitation_id=invitation.pk,
            token=tokens.make_token(invitation),
            answers=answers(2, schedule=1),
            text="工期拖了两个月",
        )
    cache.clear()
    code = surveyed.project.code
    assert (
        'data-testid="average-overall"' not in client.get(reverse("disclosure:project", args=[code])).content.decode()
    )  # open: hidden
    services.survey_close(survey=surveyed.survey)
    results = selectors.survey_results(surveyed.survey)
    assert results.shown and results.overall == Decimal("3.50")
    schedule = next(q for q in results.questions if q.code == "schedule")
    assert schedule.counts == [3, 0, 0, 0, 3] and schedule.average == Decimal("3.00")
    cache.clear()
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    caches["near"].clear()
    with CaptureQueriesContext(connection) as cold:  # a closed survey's results cost no extra query
        html = client.get(reverse("disclosure:project", args=[code])).content.decode()
    assert len(cold.captured_queries) <= 15
    assert 'data-testid="average-overall">3.50<' in html
    assert "工期拖了两个月" not in html and "意见" not in html
    client.force_login(city.street_a_staff)
    desk = client.get(reverse("feedback:survey", args=[surveyed.survey.pk])).content.decode()
    assert "工期拖了两个月" in desk
    client.force_login(city.comm_a1_staff)
    assert "工期拖了两个月" not in client.get(reverse("feedback:survey", args=[surveyed.survey.pk])).content.decode()
    client.force_login(city.bureau)
    assert "工期拖了两个月" in client.get(reverse("feedback:survey", args=[surveyed.survey.pk])).content.decode()


@pytest.mark.django_db
def test_ratings_recomputed_after_close_and_sort_the_award_picker(client, city, surveyed):
    rival = f.organization("contractor", "对手施工公司")
    second = bulk_estate(city, 10)
    other_project = completed_project(city, second.estate, contractor=rival)
    other_survey = services.survey_open(project=other_project, kind="completion")
    answer_n(surveyed.survey, 6, score=3)
    answer_n(other_survey, 5, score=5)
    assert Organization.objects.get(pk=city.contractor_org.pk).rating_overall is None  # not before close
    services.survey_close(survey=surveyed.survey)
    services.survey_close(survey=other_survey)
    ours, theirs = Organization.objects.get(pk=city.contractor_org.pk), Organization.objects.get(pk=rival.pk)
    assert (ours.rating_overall, ours.rating_responses, ours.rating_projects) == (Decimal("3.00"), 6, 1)
    assert (theirs.rating_overall, theirs.rating_responses) == (Decimal("5.00"), 5)
    assert ours.rating_details["quality"] == "3.00"
    # A second project of ours: the rating is over every answer.
    third = bulk_estate(city, 6)
    project3 = completed_project(city, third.estate)
    survey3 = services.survey_open(project=project3, kind="completion")
    answer_n(survey3, 6, score=5)
    services.survey_close(survey=survey3)
    ours.refresh_from_db()
    assert (ours.rating_overall, ours.rating_responses, ours.rating_projects) == (Decimal("4.00"), 12, 2)
    from projects.selectors import award_candidates

    assert [o.name for o in award_candidates("contractor")][:2] == ["对手施工公司", ours.name]
    page = client.get(reverse("disclosure:contractor", args=[ours.pk])).content.decode()
    assert 'data-testid="rating-overall">4.00<' in page
    assert "对手施工公司" in client.get(reverse("disclosure:contractors")).content.decode()


@pytest.mark.django_db
def test_send_due_surveys_command(city, capsys):
    built = bulk_estate(city, 5)
    completed_project(city, built.estate)
    call_command("send_due_surveys")
    out = capsys.readouterr().out
    assert "opened 1 survey(s)" in out and "5 message(s) sent" in out
    call_command("send_due_surveys")
    assert "opened 0 survey(s)" in capsys.readouterr().out
    assert len(LocmemSmsBackend.outbox) == 5


@pytest.mark.django_db
def test_survey_pages_query_budgets_stay_flat(client, city, django_assert_max_num_queries):
    def counts(survey):
        inv = Invitation.objects.filter(survey=survey, response__isnull=True).order_by("pk").first()
        measured = {}
        for who, url in [
            (None, link_of(inv)),
            (city.comm_a1_staff, reverse("feedback:survey", args=[survey.pk])),
            (city.comm_a1_staff, reverse("feedback:survey_print", args=[survey.pk]) + "?all=1"),
            (city.comm_a1_staff, reverse("feedback:survey_paper", args=[survey.pk])),
            (city.street_a_staff, reverse("feedback:survey", args=[survey.pk])),
            (city.comm_a1_staff, reverse("feedback:surveys")),
        ]:
            client.logout()
            if who:
                client.force_login(who)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200, url
            measured[url] = len(ctx.captured_queries)
        return measured

    small = bulk_estate(city, 10)
    s1 = services.survey_open(project=completed_project(city, small.estate), kind="completion")
    answer_n(s1, 3)
    big = bulk_estate(city, 100)
    s10 = services.survey_open(project=completed_project(city, big.estate), kind="completion")
    answer_n(s10, 30)
    a, b = counts(s1), counts(s10)
    assert list(a.values()) == list(b.values()), (a, b)
    for n in b.values():
        assert n <= 12


@pytest.mark.django_db
def test_open_data_csv_carries_the_satisfaction(client, city, surveyed):
    import csv
    import io

    answer_n(surveyed.survey, 5, score=4)
    answer_n(surveyed.survey, 0)
    services.survey_close(survey=surveyed.survey)
    body = b"".join(client.get("/disclosure/opendata/projects.csv").streaming_content).decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(body)) if r["code"] == surveyed.project.code)
    assert row["satisfaction"] == "4.00"


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_answers_for_one_household_at_once_store_one(city):
    import threading

    from django.core.exceptions import ValidationError
    from django.db import connection as conn

    built = bulk_estate(city, 3)
    survey = services.survey_open(project=completed_project(city, built.estate), kind="completion")
    invitation = Invitation.objects.filter(survey=survey).order_by("pk").first()
    token, outcomes, barrier = tokens.make_token(invitation), [], threading.Barrier(4)

    def submit(score):
        try:
            barrier.wait()
            services.response_submit_by_link(invitation_id=invitation.pk, token=token, answers=answers(score))
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error.code)
        finally:
            conn.close()

    threads = [threading.Thread(target=submit, args=(s,)) for s in (1, 2, 4, 5)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(outcomes) == ["already_answered"] * 3 + ["ok"]
    assert Response.objects.filter(invitation=invitation).count() == 1


@pytest.mark.django_db
def test_contractor_pages_query_budgets_stay_flat(client, city):
    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def grow(n):
        for _ in range(n):
            built = bulk_estate(city, 5)
            survey = services.survey_open(project=completed_project(city, built.estate), kind="completion")
            answer_n(survey, 5)
            services.survey_close(survey=survey)
            f.organization("contractor")

    grow(1)
    urls = [reverse("disclosure:contractors"), reverse("disclosure:contractor", args=[city.contractor_org.pk])]
    small = [count(u) for u in urls]
    grow(5)
    assert [count(u) for u in urls] == small
    assert max(small) <= 6


@pytest.mark.django_db
def test_guessing_survey_links_is_rate_limited_per_address(city, surveyed, settings):
    from django.test import Client

    invitation = Invitation.objects.filter(survey=surveyed.survey).first()
    guesser = Client(REMOTE_ADDR="10.0.6.1")
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["survey_link"].split("/")[0])
    for n in range(limit):
        assert guesser.get(reverse("feedback:answer", args=[invitation.pk, f"guess{n}"])).status_code == 404
    stopped = guesser.get(reverse("feedback:answer", args=[invitation.pk, tokens.make_token(invitation)]))
    assert stopped.status_code == 429 and int(stopped["Retry-After"]) > 0
    household = Client(REMOTE_ADDR="10.0.6.2")
    assert (
        household.get(reverse("feedback:answer", args=[invitation.pk, tokens.make_token(invitation)])).status_code
        == 200
    )


@pytest.mark.django_db
def test_a_yearly_follow_up_opens_each_year_after_the_first(city, settings):
    """From the second year after acceptance a follow-up opens every year (issue 20 item 5): of
    the year the estate is in, once, even if the job runs every hour; a missed year is not opened
    later; each is its own survey with its own invitations."""
    period = settings.SURVEY_FOLLOW_UP_DAYS
    one = completed_project(city, f.EstateFactory(community=city.comm_a1), days_ago=period + 10)
    two = completed_project(city, f.EstateFactory(community=city.comm_a1), days_ago=2 * period + 1)
    four = completed_project(city, f.EstateFactory(community=city.comm_a2), days_ago=4 * period + 3)
    f.households(f.BuildingFactory(estate=two.estate, number="1"), 3)
    due = {(p.pk, k, y) for p, k, y in services.surveys_due()}
    assert (two.pk, "yearly", 2) in due and (four.pk, "yearly", 4) in due
    assert not any(k == "yearly" and p == one.pk for p, k, _y in due)  # still in its first year
    assert not any(k == "yearly" and y == 3 for _p, k, y in due)  # no back-filling a missed year
    services.surveys_dispatch()
    services.surveys_dispatch()  # the hourly job again: nothing more
    yearly = Survey.objects.get(project=two, kind="yearly")
    assert yearly.year == 2 and yearly.households == 3 and yearly.title == "验收后第 2 年回访"
    assert Survey.objects.filter(kind="yearly").count() == 2 and services.surveys_due() == []
    # A year later the next one opens beside it.
    later = timezone.now() + timedelta(days=period)
    assert {(p.pk, y) for p, k, y in services.surveys_due(now=later) if k == "yearly"} == {
        (one.pk, 2),
        (two.pk, 3),
        (four.pk, 5),
    }


@pytest.mark.django_db
def test_supervisors_are_rated_too_and_low_ratings_on_two_projects_flag(client, city, settings):
    """Issue 21 item 2: the completion survey rates the supervisor (监理) as well as the builder; an
    organization rated below RATING_FLAG_BELOW on RATING_FLAG_PROJECTS projects is flagged."""
    from projects.models import Award

    settings.RATING_FLAG_BELOW, settings.RATING_FLAG_PROJECTS = Decimal("3.0"), 2
    surveys = []
    for n, score in ((6, 2), (6, 2), (6, 4)):
        built = bulk_estate(city, n)
        project = completed_project(city, built.estate)
        Award.objects.create(project=project, role=Award.Role.SUPERVISOR, organization=city.supervisor_org)
        survey = services.survey_open(project=project, kind="completion")
        answer_n(survey, n, score=score)
        surveys.append(survey)
    services.survey_close(survey=surveys[0])
    supervisor = Organization.objects.get(pk=city.supervisor_org.pk)
    assert (
        supervisor.rating_overall == Decimal("2.00") and supervisor.low_rated_projects == 1 and not supervisor.flagged
    )
    for survey in surveys[1:]:
        services.survey_close(survey=survey)
    supervisor.refresh_from_db()
    builder = Organization.objects.get(pk=city.contractor_org.pk)
    assert (supervisor.rating_overall, supervisor.rating_projects) == (Decimal("2.67"), 3)
    assert supervisor.flagged and builder.flagged and builder.low_rated_projects == 2
    page = client.get(reverse("disclosure:contractor", args=[supervisor.pk])).content.decode()
    assert 'data-testid="flagged"' in page and supervisor.name in page and "低于 3.0 分" in page
    from projects.selectors import award_candidates

    assert all(o.flagged for o in award_candidates("supervisor") if o.pk == supervisor.pk)
