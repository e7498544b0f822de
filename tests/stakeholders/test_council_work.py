"""The council works in the open (issue 17, items 1, 3, 4): the deliberation rules the housing bureau
publishes, meeting documents residents can open, the council's public history, and the notices of a
filing, a return and the Party branch's answer."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from stakeholders import council_selectors, councils, party, permissions
from stakeholders.models import CouncilMeeting, DeliberationRules, MeetingAttachment, Notification
from tests import factories as f
from tests.stakeholders.test_councils import owners, record  # noqa: F401
from tests.stakeholders.test_party import branches, claimant  # noqa: F401


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, allowed",
    [("admin", True), ("bureau", True), ("street_a_manager", False), ("comm_a1_staff", False), ("owner", False)],
)
def test_who_publishes_the_deliberation_rules(city, role, allowed):
    user = city.owner_a1.user if role == "owner" else getattr(city, role)
    assert permissions.can_publish_deliberation_rules(user) is allowed
    if allowed:
        published = councils.deliberation_rules_publish(actor=user, text="第一条\n\n 第二条 \n", note="初版")
        assert published.rules == ["第一条", "第二条"]
    else:
        with pytest.raises(PermissionDenied):
            councils.deliberation_rules_publish(actor=user, text="第一条")


@pytest.mark.django_db
def test_the_rules_page_states_the_rules_and_keeps_earlier_versions(city, client, django_assert_max_num_queries):
    url = reverse("disclosure:council_rules")
    assert "住建局尚未发布议事规则" in client.get(url).content.decode()
    bureau = client_for(city.bureau)
    bad = bureau.post(url, {"text": "  \n ", "note": "修订"})
    assert (
        bad.status_code == 400 and "请写下议事规则，每行一条" in bad.content.decode() and "修订" in bad.content.decode()
    )
    assert bureau.post(url, {"text": "议题会前公布\n过半数代表出席", "note": ""}).status_code == 302
    assert bureau.post(url, {"text": "议题会前三天公布\n过半数代表出席\n决定公示七天", "note": "增加公示"})
    assert DeliberationRules.objects.count() == 2
    with django_assert_max_num_queries(2):
        page = client.get(url).content.decode()
    assert "<li>决定公示七天</li>" in page and "增加公示" in page and "1 个早期版本" in page
    assert 'data-testid="rules-form"' not in page
    assert client_for(city.street_a_staff).post(url, {"text": "改一下"}).status_code == 403
    with pytest.raises(ValidationError):
        councils.deliberation_rules_publish(actor=city.bureau, text="\n")


@pytest.mark.django_db
def test_meeting_documents_open_to_the_estates_residents_not_the_public(city, owners, client):  # noqa: F811
    council = councils.council_election_file(election=record(city, owners), actor=city.street_a_staff)
    chair = owners[0].user
    meeting = councils.council_meeting_schedule(
        council=council, actor=chair, held_at=timezone.now() + timedelta(days=1), place="活动室", agenda="方案"
    )
    CouncilMeeting.objects.filter(pk=meeting.pk).update(held_at=timezone.now() - timedelta(hours=2))
    record_url = reverse("stakeholders:council_meeting_record", args=[meeting.pk])
    too_many = client_for(chair).post(
        record_url,
        {
            "attendance": "12",
            "minutes": "讨论了方案。",
            "attachments": [f.proof_file(f"签到表{i}.png") for i in range(4)],
        },
    )
    assert too_many.status_code == 400 and "每次会议最多 3 个附件" in too_many.content.decode()
    assert "讨论了方案。" in too_many.content.decode()  # what was typed stays
    done = client_for(chair).post(
        record_url, {"attendance": "12", "minutes": "讨论了方案。", "attachments": [f.proof_file("签到表.png")]}
    )
    assert done.status_code == 302
    attachment = MeetingAttachment.objects.get()
    assert attachment.title == "签到表.png" and attachment.uploaded_by == chair
    file_url = reverse("stakeholders:council_meeting_attachment", args=[attachment.pk])
    page_url = reverse("disclosure:council", args=[city.estate_a1.code])
    public = client.get(page_url).content.decode()
    assert "1 个附件" in public and file_url not in public and "本小区居民登录后可查看" in public
    for user in (city.claimant_a1.user, city.comm_a1_staff, city.street_a_staff, chair):
        assert file_url in client_for(user).get(page_url).content.decode()
        assert client_for(user).get(file_url).status_code == 200
    for user in (city.owner_b1.user, city.comm_b1_staff, city.contractor):
        assert client_for(user).get(file_url).status_code == 404
    assert client.get(file_url).status_code == 302  # to sign in


@pytest.mark.django_db
def test_the_public_history_tells_each_step_without_names(city, owners, client):  # noqa: F811
    returned = record(city, owners)
    councils.council_election_return(election=returned, actor=city.street_a_staff, reason="计票单缺签字")
    council = councils.council_election_file(election=record(city, owners), actor=city.street_a_staff)
    seat = council.seats_active().get(resident=owners[1])
    councils.council_seat_end(seat=seat, actor=owners[1].user)
    council = councils.council_convert(
        council=council, actor=city.street_a_staff, on=timezone.localdate(), reference="业备1号"
    )
    steps = [s.kind for s in council_selectors.council_history(council)]
    assert steps == ["converted", "resigned", "elected", "returned"]
    page = client.get(reverse("disclosure:council", args=[city.estate_a1.code])).content.decode()
    assert "选举在街道办备案：2 位代表就任" in page and "一位代表辞去议事会职务" in page
    assert "街道办将一次选举退回社区居委会" in page and "计票单缺签字" not in page
    assert all(o.name not in page for o in owners)


@pytest.mark.django_db
def test_filing_returning_and_the_party_answer_are_notified(city, owners, branches, claimant):  # noqa: F811
    returned = record(city, owners)
    councils.council_election_return(election=returned, actor=city.street_a_staff, reason="计票单缺签字")
    back = Notification.objects.get(kind="council_returned")
    assert back.user == city.comm_a1_staff and "计票单缺签字" in back.text
    councils.council_election_file(election=record(city, owners), actor=city.street_a_staff)
    filed = Notification.objects.filter(kind="council_filed")
    assert {n.user for n in filed} == {city.comm_a1_staff, owners[0].user, owners[1].user}  # not the loser
    assert "甲一小区" in filed[0].text
    party.party_claim_decide(resident=claimant, actor=branches["a1"], confirm=False, reason="未找到组织关系")
    told = Notification.objects.get(kind="party_decided", user=claimant.user)
    assert "甲一社区党支部对您的党员身份作出答复：未确认" in told.text
    home = client_for(claimant.user).get("/").content.decode()
    assert 'data-testid="my-party-claim"' in home and "未找到组织关系" in home
