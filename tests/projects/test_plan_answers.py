"""Deliberation that changes the plan (issue 18, items 3 and 4): every comment answered (adopted /
partly / not, with a reason), the next version's change list against the previous one, the comment
period before the vote, and published versions readable by everyone (tenants, claimants, the public)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from projects import permissions, services
from projects.models import PlanComment, PlanVersion, Project
from projects.plan_changes import changes_from_previous
from projects.selectors import plan_items
from stakeholders.models import Notification
from tests import factories as f
from tests.projects.conftest import council_a1, owners, project_at  # noqa: F401
from tests.projects.test_needs_plan import add_item, comment_period_over
from tests.stakeholders.test_services import codes

S = Project.Status


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def published(city, owners):  # noqa: F811
    project = project_at(city, S.PLANNING)
    v1 = services.plan_version_start(project=project, actor=city.comm_a1_staff)
    add_item(v1, city.comm_a1_staff)
    add_item(v1, city.comm_a1_staff, "lighting", "30000.00")
    services.plan_version_publish(version=v1, actor=city.street_a_manager)
    comment = services.plan_comment_add(version=v1, actor=owners[1].user, text="建议增加无障碍扶手")
    return project, v1, comment


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, allowed",
    [
        ("comm_a1_staff", True),
        ("council", True),
        ("admin", True),
        ("street_a_manager", False),
        ("comm_a2_staff", False),
        ("author", False),
        ("owner_a1", False),
        ("contractor", False),
    ],
)
@pytest.mark.parametrize("state", ["published", "superseded", "voting", "project_not_planning"])
def test_who_answers_a_comment_in_which_state(city, owners, council_a1, published, role, allowed, state):  # noqa: F811
    project, v1, comment = published
    if state == "superseded":
        services.plan_version_start(project=project, actor=city.comm_a1_staff)
    elif state == "voting":
        PlanVersion.objects.filter(pk=v1.pk).update(status=PlanVersion.Status.VOTING)
    elif state == "project_not_planning":
        Project.objects.filter(pk=project.pk).update(status=S.PLAN_VOTING)
    comment = PlanComment.objects.select_related("version__project__estate").get(pk=comment.pk)
    user = {
        "council": council_a1.user,
        "author": owners[1].user,
        "owner_a1": city.owner_a1.user,
    }.get(role) or getattr(city, role)
    ok = allowed and state in ("published", "superseded")
    assert permissions.can_answer_plan_comment(user, comment) is ok
    if ok:
        services.plan_comment_answer(comment=comment, actor=user, response="partly", reason="部分楼栋先做")
        assert PlanComment.objects.get(pk=comment.pk).response == "partly"
    else:
        with pytest.raises(PermissionDenied):
            services.plan_comment_answer(comment=comment, actor=user, response="adopted", reason="好")


@pytest.mark.django_db
def test_the_answer_needs_a_choice_and_a_reason_and_is_given_once(city, owners, published):  # noqa: F811
    _project, _v1, comment = published
    with pytest.raises(ValidationError) as no_choice:
        services.plan_comment_answer(comment=comment, actor=city.comm_a1_staff, response="maybe", reason="看看")
    assert codes(no_choice.value) == {"response_required"}
    with pytest.raises(ValidationError) as no_reason:
        services.plan_comment_answer(comment=comment, actor=city.comm_a1_staff, response="not_adopted", reason=" ")
    assert codes(no_reason.value) == {"reason_required"}
    services.plan_comment_answer(comment=comment, actor=city.comm_a1_staff, response="not_adopted", reason="超出预算")
    told = Notification.objects.get(kind="plan_answered")
    assert told.user == owners[1].user and "不采纳" in told.text and "第1稿" in told.text
    with pytest.raises(ValidationError) as twice:
        services.plan_comment_answer(comment=comment, actor=city.comm_a1_staff, response="adopted", reason="改主意")
    assert codes(twice.value) == {"already_answered"}


@pytest.mark.django_db
def test_the_vote_waits_for_the_comment_period_and_every_answer(city, owners, published, settings):  # noqa: F811
    project, v1, comment = published
    f.management(v1)
    with pytest.raises(ValidationError) as early:
        services.plan_vote_call(version=v1, actor=city.street_a_manager)
    assert codes(early.value) == {"comment_period"}
    assert f"至少 {settings.PLAN_COMMENT_DAYS} 天" in early.value.messages[0]
    comment_period_over(v1)
    with pytest.raises(ValidationError) as unanswered:
        services.plan_vote_call(version=v1, actor=city.street_a_manager)
    assert codes(unanswered.value) == {"comments_unanswered"} and "还有 1 条" in unanswered.value.messages[0]
    services.plan_comment_answer(comment=comment, actor=city.comm_a1_staff, response="adopted", reason="已加入")
    assert services.plan_vote_call(version=v1, actor=city.street_a_manager).purpose == "plan"
    settings.PLAN_COMMENT_DAYS = 30  # a city's own, longer period
    assert services.vote_possible_from(v1) == v1.published_at + timedelta(days=30)


@pytest.mark.django_db
def test_the_next_version_lists_what_changed_and_the_answers(city, owners, published, client):  # noqa: F811
    project, v1, comment = published
    v2 = services.plan_version_start(project=project, actor=city.comm_a1_staff)
    services.plan_comment_answer(comment=comment, actor=city.comm_a1_staff, response="adopted", reason="第二稿增加扶手")
    roof, light = sorted(v2.items.all(), key=lambda i: i.catalog_item.code != "roof")
    services.plan_item_remove(item=light, actor=city.comm_a1_staff)
    add_item(v2, city.comm_a1_staff, "barrier-free", "36000.00")
    add_item(v2, city.comm_a1_staff, "lighting", "25000.00")  # same item, cheaper: "changed"
    changes = changes_from_previous(v2, list(plan_items(v2)))
    kinds = sorted((c.kind, c.name, c.delta) for c in changes.items)
    assert [k for k, *_ in kinds] == ["added", "changed"]
    assert {c.delta for c in changes.items} == {Decimal("36000.00"), Decimal("-5000.00")}
    assert (changes.total_before, changes.total_after, changes.delta) == (
        Decimal("150000.00"),
        Decimal("181000.00"),
        Decimal("31000.00"),
    )
    services.plan_version_publish(version=v2, actor=city.street_a_manager)
    page = client.get(reverse("projects:plan", args=[project.code, 2])).content.decode()  # anonymous
    assert 'data-testid="plan-changes"' in page and "+36,000.00" in page and "-5,000.00" in page
    assert '(+<span class="num">31,000.00</span>' in page
    assert "第二稿增加扶手" in page and "建议增加无障碍扶手" in page
    assert owners[1].name not in page and owners[1].masked_name in page  # authors appear masked
    assert roof.pk  # the roof, copied unchanged, is not listed


@pytest.mark.django_db
def test_published_versions_are_readable_by_everyone_drafts_are_not(
    city,
    owners,
    published,
    client,
    django_assert_max_num_queries,  # noqa: F811
):
    project, v1, comment = published
    url = reverse("projects:plan", args=[project.code, 1])
    # The version, items, comments, changes, answers, designers and drawings, counts.
    with django_assert_max_num_queries(14):
        anonymous = client.get(url)
    assert anonymous.status_code == 200
    html = anonymous.content.decode()
    assert "建议增加无障碍扶手" in html and 'data-testid="comment-form"' not in html
    assert 'data-testid="plan-readers-note"' in html and 'data-testid="comment-countdown"' in html
    for reader in (city.claimant_a1.user, city.plain_resident.user, city.owner_b1.user, city.contractor):
        page = client_for(reader).get(url)
        assert page.status_code == 200 and 'data-testid="comment-form"' not in page.content.decode()
    assert 'data-testid="comment-form"' in client_for(city.owner_a1.user).get(url).content.decode()
    staff = client_for(city.comm_a1_staff)
    assert 'data-testid="answer-form"' in staff.get(url).content.decode()
    bad = staff.post(url, {"action": "answer", "comment": comment.pk, f"c{comment.pk}-response": "adopted"})
    assert bad.status_code == 400 and "请说明理由" in bad.content.decode()
    done = staff.post(
        url,
        {
            "action": "answer",
            "comment": comment.pk,
            f"c{comment.pk}-response": "adopted",
            f"c{comment.pk}-reason": "加",
        },
    )
    assert done.status_code == 302
    assert client.post(url, {"action": "comment", "text": "匿名"}).status_code == 302  # to sign in
    v2 = services.plan_version_start(project=project, actor=city.comm_a1_staff)
    draft = reverse("projects:plan", args=[project.code, v2.number])
    assert client.get(draft).status_code == 404
    assert client_for(city.owner_b1.user).get(draft).status_code == 404
    assert client_for(city.owner_a1.user).get(draft).status_code == 200  # owners of the estate see the draft
