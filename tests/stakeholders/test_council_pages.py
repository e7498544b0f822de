"""The council's pages: the desk (community committee, street office), recording an election through
the form, filing it, the certificate and its public check page, the public council page and
councils.json — errors next to fields, 404 outside scope and 403 for the wrong role, query budgets."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from stakeholders import councils
from stakeholders.models import CouncilElection
from tests import factories as f
from tests.stakeholders.test_councils import owners, record  # noqa: F401


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def election_form(owners, **overrides):  # noqa: F811
    today = timezone.localdate()
    data = {
        "kind": "full",
        "held_on": str(today - timedelta(days=1)),
        "place": "甲一社区活动室",
        "turnout": "4",
        "term_ends": str(today + timedelta(days=3 * 365)),
        "candidate_1": str(owners[0].pk),
        "votes_1": "4",
        "elected_1": "on",
        "candidate_2": str(owners[1].pk),
        "votes_2": "3",
        "elected_2": "on",
        "candidate_3": str(owners[2].pk),
        "votes_3": "1",
        "chair": str(owners[0].pk),
        "tally_scan": f.proof_file("计票单.png"),
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_the_committee_records_through_the_form_and_the_street_office_files(city, owners):  # noqa: F811
    staff = client_for(city.comm_a1_staff)
    url = reverse("stakeholders:council_election_new", args=[city.estate_a1.code])
    bad = staff.post(url, election_form(owners, turnout="99", place="活动室"))
    assert bad.status_code == 400 and "多于有投票权的" in bad.content.decode()
    assert 'value="活动室"' in bad.content.decode()  # what was typed stays
    missing_votes = staff.post(url, election_form(owners, votes_2=""))
    assert missing_votes.status_code == 400 and 'id="id_votes_2_error"' in missing_votes.content.decode()
    done = staff.post(url, election_form(owners))
    election = CouncilElection.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("stakeholders:council_election", args=[election.pk])
    page = staff.get(done["Location"]).content.decode()
    assert "待备案" in page and 'data-testid="file-election"' not in page  # the committee does not file
    street = client_for(city.street_a_staff)
    assert 'data-testid="file-election"' in street.get(done["Location"]).content.decode()
    filed = street.post(reverse("stakeholders:council_election_file", args=[election.pk]))
    assert filed.status_code == 302
    desk = street.get(reverse("stakeholders:council_desk", args=[city.estate_a1.code])).content.decode()
    assert "已在街道办备案" in desk and owners[0].name in desk
    assert street.get(reverse("stakeholders:council_election_tally", args=[election.pk])).status_code == 200


@pytest.mark.django_db
def test_the_desk_is_404_outside_scope_and_403_for_the_wrong_role(city, owners):  # noqa: F811
    url = reverse("stakeholders:council_desk", args=[city.estate_a1.code])
    assert client_for(city.comm_a2_staff).get(url).status_code == 404
    assert client_for(city.street_b_staff).get(url).status_code == 404
    assert client_for(city.owner_a1.user).get(url).status_code == 403
    assert client_for(city.contractor).get(url).status_code == 403
    new = reverse("stakeholders:council_election_new", args=[city.estate_a1.code])
    assert client_for(city.street_a_staff).get(new).status_code == 403  # the street office files, not records
    election = record(city, owners)
    assert (
        client_for(city.comm_b1_staff).get(reverse("stakeholders:council_election", args=[election.pk])).status_code
        == 404
    )
    assert (
        client_for(city.owner_a1.user)
        .post(reverse("stakeholders:council_election_file", args=[election.pk]))
        .status_code
        == 404
    )


@pytest.mark.django_db
def test_certificate_qr_and_public_pages_show_no_names(city, owners, client, django_assert_max_num_queries):  # noqa: F811
    council = councils.council_election_file(election=record(city, owners), actor=city.street_a_staff)
    chair = council.seats_active().get(role="chair")
    own = client_for(owners[0].user)
    assert "我的代表证书" in own.get("/").content.decode()
    printed = own.get(reverse("stakeholders:council_certificate", args=[chair.certificate_code]))
    html = printed.content.decode()
    assert printed.status_code == 200 and owners[0].name in html and "<svg" in html and "certificate-a4" in html
    assert (
        "certificate-a5"
        in own.get(
            reverse("stakeholders:council_certificate", args=[chair.certificate_code]) + "?size=a5"
        ).content.decode()
    )
    assert (
        client_for(owners[3].user)
        .get(reverse("stakeholders:council_certificate", args=[chair.certificate_code]))
        .status_code
        == 404
    )
    check = reverse("disclosure:council_certificate", args=[chair.certificate_code])
    with django_assert_max_num_queries(3):
        answer = client.get(check).content.decode()
    assert 'data-valid="true"' in answer and owners[0].masked_name in answer and owners[0].name not in answer
    # The council with its counts, seats, meetings; its history (elections, seats given up).
    with django_assert_max_num_queries(6):
        public = client.get(reverse("disclosure:council", args=[city.estate_a1.code])).content.decode()
    assert "2 位代表，其中党员 2 位" in public and owners[1].masked_name in public
    assert all(o.name not in public for o in owners)
    with django_assert_max_num_queries(3):
        listed = client.get(reverse("disclosure:councils")).content.decode()
    assert city.estate_a1.name in listed
    with django_assert_max_num_queries(3):
        document = json.loads(client.get(reverse("disclosure:councils_json")).content)
    (entry,) = document["councils"]
    assert entry | {"url": None} == {
        "estate": city.estate_a1.name,
        "street": city.street_a.name,
        "status": "filed",
        "filed_on": str(timezone.localdate()),
        "term_ends": str(council.term_ends),
        "representatives": 2,
        "party_members": 2,
        "meetings": 0,
        "url": None,
    }
    assert entry["url"].endswith(f"/disclosure/councils/{city.estate_a1.code}/")
    # A representative who resigned: the check page says the certificate no longer holds.
    councils.council_seat_end(seat=chair, actor=owners[0].user)
    assert 'data-valid="false"' in client.get(check).content.decode()
    assert client.get(reverse("disclosure:council_certificate", args=["NOSUCHCODE"])).status_code == 404
    member = council.seats_active().get()
    councils.council_convert(council=council, actor=city.street_a_staff, on=timezone.localdate(), reference="业备1号")
    converted = client.get(reverse("disclosure:council_certificate", args=[member.certificate_code])).content.decode()
    assert 'data-valid="false"' in converted and "转为业主委员会" in converted


@pytest.mark.django_db
def test_desk_and_form_keep_their_query_budgets(city, owners, django_assert_max_num_queries):  # noqa: F811
    councils.council_election_file(election=record(city, owners), actor=city.street_a_staff)
    staff = client_for(city.comm_a1_staff)
    with django_assert_max_num_queries(12):
        assert staff.get(reverse("stakeholders:council_desk", args=[city.estate_a1.code])).status_code == 200
    with django_assert_max_num_queries(12):
        assert staff.get(reverse("stakeholders:council_election_new", args=[city.estate_a1.code])).status_code == 200


@pytest.mark.django_db
def test_the_city_sees_councils_per_street_and_exports_them_without_names(city, owners):  # noqa: F811
    from tests.portal.test_reports import read_csv

    councils.council_election_file(election=record(city, owners), actor=city.street_a_staff)
    home = client_for(city.bureau).get("/").content.decode()
    start = home.index('data-testid="city-councils"')
    block = home[start : home.index("</ul>", start)]
    assert city.street_a.name in block and "在任 1" in block and "代表 2 位，其中党员 2 位" in block
    rows = read_csv(client_for(city.bureau).get(reverse("report_csv", args=["councils"])))
    assert rows[0][:3] == ["街道", "小区", "状态"]
    assert rows[1][:3] == [city.street_a.name, city.estate_a1.name, "已在街道办备案"] and rows[1][5:7] == ["2", "2"]
    assert all(o.name not in ",".join(sum(rows, [])) for o in owners)
    # A street office exports its own street only.
    other = read_csv(client_for(city.street_b_staff).get(reverse("report_csv", args=["councils"])))
    assert len(other) == 1  # the header alone


@pytest.mark.django_db
def test_a_meeting_is_called_from_the_council_page_and_its_minutes_are_public(
    city,
    owners,
    client,
    django_assert_max_num_queries,  # noqa: F811
):
    from stakeholders.models import CouncilMeeting

    council = councils.council_election_file(election=record(city, owners), actor=city.street_a_staff)
    page_url = reverse("disclosure:council", args=[city.estate_a1.code])
    chair = client_for(owners[0].user)
    assert 'data-testid="call-meeting"' in chair.get(page_url).content.decode()
    assert 'data-testid="call-meeting"' not in client.get(page_url).content.decode()  # the public: no action
    new = reverse("stakeholders:council_meeting_new", args=[city.estate_a1.code])
    when = timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    bad = chair.post(new, {"held_at": "2001-01-01T10:00", "place": "活动室", "agenda": "讨论方案"})
    assert (
        bad.status_code == 400
        and 'id="id_held_at_error"' in bad.content.decode()
        and "讨论方案" in bad.content.decode()
    )
    assert (
        chair.post(new, {"held_at": when, "place": "甲一社区活动室", "agenda": "讨论屋面防水方案"})["Location"]
        == page_url
    )
    assert client_for(city.owner_b1.user).get(new).status_code == 403
    assert client_for(city.comm_b1_staff).get(new).status_code == 404
    meeting = CouncilMeeting.objects.get()
    CouncilMeeting.objects.filter(pk=meeting.pk).update(held_at=timezone.now() - timedelta(hours=1))
    record_url = reverse("stakeholders:council_meeting_record", args=[meeting.pk])
    done = chair.post(record_url, {"attendance": "23", "minutes": "各楼栋代表发言。", "decisions": "同意方案二。"})
    assert done["Location"] == page_url
    with django_assert_max_num_queries(5):
        public = client.get(page_url).content.decode()
    assert "讨论屋面防水方案" in public and "23 人参加" in public and "同意方案二" in public
    assert json.loads(client.get(reverse("disclosure:councils_json")).content)["councils"][0]["meetings"] == 1
    assert client_for(city.owner_b1.user).post(record_url, {"attendance": "1", "minutes": "x"}).status_code == 404
    assert council.pk
