"""Willingness surveys in the demo city (意愿调查, issue 18), through the real services, then dated:

- 新竹街道 asked 园湖南路住宅区 and 新竹路供电局宿舍 two and a half months ago (closed): answers online
  from the owners with an account and on paper from the rest — public rates per estate (园湖南路:
  87 % want it, 36 % would take part, close to what Nanning found), shown on the petition pages;
- 解放路社区 is asking 解放路北小区 now (open): letters sent, a few paper answers in, and the demo
  owner 13807710025 can answer from the home page.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from feedback import services as voice
from feedback.models import WillingnessAnswer, WillingnessInvitation, WillingnessSurvey
from projects.models import CatalogItem
from stakeholders.models import Delivery, Estate, Notification, Ownership, User

ASKED = [
    "elevator",
    "roof",
    "exterior-wall",
    "stairwell",
    "parking",
    "charging",
    "barrier-free",
    "security",
    "greening",
]
WORDS = [
    "楼道太暗，晚上老人下楼不安全。",
    "希望加装电梯，我住六楼，膝盖不好。",
    "一楼住户不同意装电梯，担心采光。",
    "电动车充电排队，希望多装几个充电桩。",
    "屋顶每到雨季就漏水。",
]


def _answers(n: int, *, willing_of_20: int, part_of_25: int, pay_of_5: int) -> list[dict]:
    """n answers with the given shares (willing in 20ths, taking part in 25ths, paying in 5ths),
    spread evenly, and the items they ask for rotating through ASKED."""
    items = {c.code: c.pk for c in CatalogItem.objects.filter(code__in=ASKED)}
    rows = []
    for i in range(n):
        position = i % 20
        willing = "yes" if position < willing_of_20 else ("no" if position < willing_of_20 + 2 else "unsure")
        chosen = [ASKED[(i + k) % len(ASKED)] for k in range(1 + i % 3)]
        if i % 4 == 0:
            chosen.insert(0, "roof")
        rows.append(
            {
                "willing": willing,
                "take_part": (i * 7) % 25 < part_of_25,
                "contribute": "yes" if (i * 3) % 5 < pay_of_5 else ("unsure" if i % 2 else "no"),
                "items": sorted({items[c] for c in chosen}),
            }
        )
    return rows


def _answer(survey, estate: Estate, rows: list[dict], *, clerk: User, start, skip_user_ids=()) -> int:
    owners = dict(
        Ownership.objects.filter(household__building__estate=estate, is_voting_owner=True).values_list(
            "household_id", "resident__user_id"
        )
    )
    invitations = list(
        WillingnessInvitation.objects.filter(survey=survey, estate=estate).select_related("survey").order_by("pk")
    )
    invitations = [i for i in invitations if owners.get(i.household_id) not in skip_user_ids]
    for n, (invitation, row) in enumerate(zip(invitations, rows)):
        when = start + timedelta(hours=5 + n * 9)
        text = WORDS[n % len(WORDS)] if n % 6 == 0 else ""
        if invitation.household_id in owners:
            owner = User.objects.get(pk=owners[invitation.household_id])
            answer = voice.willingness_answer_as_owner(
                invitation=invitation, actor=owner, answers=row, text=text, now=when
            )
        else:
            answer = voice.willingness_record_paper(
                invitation=invitation, actor=clerk, answers=row, text=text, now=when
            )
        WillingnessAnswer.objects.filter(pk=answer.pk).update(submitted_at=when)
    return min(len(invitations), len(rows))


def _send(survey, opened) -> None:
    for first_id, last_id in voice.willingness_unsent_chunks(survey.pk):
        voice.willingness_send_batch(survey_id=survey.pk, first_id=first_id, last_id=last_id, now=opened)
    # The demo's messages describe the past: recorded as sent then (nobody is texted by a seed).
    Delivery.objects.filter(key__startswith=f"willingness{survey.pk}:").update(
        created_at=opened, sent_at=opened, status=Delivery.Status.SENT
    )
    Notification.objects.filter(key__startswith=f"willingness{survey.pk}:").update(created_at=opened)


def seed_willingness(report) -> None:
    if WillingnessSurvey.objects.exists():
        return
    items = list(CatalogItem.objects.filter(code__in=ASKED).order_by("position"))
    now = timezone.now()
    with transaction.atomic():
        yuanhu, gongdian = Estate.objects.get(code="yuanhu-nan"), Estate.objects.get(code="xinzhu-gongdian")
        opened = now - timedelta(days=75)
        street = User.objects.get(username="street_staff")
        closed = voice.willingness_open(
            actor=street,
            title="新竹街道2027年老旧小区改造意愿调查",
            estates=[yuanhu, gongdian],
            items=items,
            closes_on=timezone.localdate(opened) + timedelta(days=30),
            now=opened,
        )
        _send(closed, opened)
        n = _answer(
            closed,
            yuanhu,
            _answers(39, willing_of_20=17, part_of_25=9, pay_of_5=2),
            clerk=User.objects.get(username="community_staff"),
            start=opened,
        )
        n += _answer(
            closed,
            gongdian,
            _answers(41, willing_of_20=13, part_of_25=5, pay_of_5=1),
            clerk=User.objects.get(username="gucheng_staff"),
            start=opened,
        )
        report.add("willingness surveys")
        report.add("willingness answers", n)

        north = Estate.objects.get(code="jiefang-bei")
        opened = now - timedelta(days=2)
        community = User.objects.get(username="jiefang_staff")
        running = voice.willingness_open(
            actor=community,
            title="解放路北小区改造：您愿意吗？最想改什么？",
            estates=[north],
            items=items,
            closes_on=timezone.localdate() + timedelta(days=19),
            now=opened,
        )
        _send(running, opened)
        demo_owner = User.objects.filter(username="13807710025").values_list("pk", flat=True)
        report.add("willingness surveys")
        report.add(
            "willingness answers",
            _answer(
                running,
                north,
                _answers(7, willing_of_20=18, part_of_25=10, pay_of_5=2),
                clerk=community,
                start=opened,
                skip_user_ids=set(demo_owner),
            ),
        )
