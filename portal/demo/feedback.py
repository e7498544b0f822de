"""The residents' voice in the demo city, through the real services (then dated back, as the rest of
the demo is):

- 解放路纺织厂宿舍 (completed FANGZHI_AGO days ago): its satisfaction survey opened 30 days after
  completion, invited every household (the owners with an account by SMS and in-app, the others
  on printed letters), reminded, and closed with 26 answers — public results, and a rating for
  绿城建筑 (contractor2) that the award picker sorts by; its one-year follow-up survey opened three
  days ago (invitations sent, a few paper answers in, the owners' own still open to answer);
- 古城路粮食局宿舍 (under construction): complaints in every state — one overdue and escalated to
  the street office, one acknowledged, one being dealt with, one resolved (its filer may still
  reopen it), one closed, a fund-use question for the street office, one for the committee;
- willingness surveys before a project (portal/demo/willingness.py): one closed, one running.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from disclosure import services as disclosure
from disclosure.models import Inspection
from feedback import services as voice
from feedback.models import Complaint, ComplaintUpdate, Invitation, Response, Survey
from projects.models import PlanItem, PlanVersion, Project
from stakeholders.models import CouncilMember, Delivery, Membership, Notification, Organization, Ownership, User

from .completed import FANGZHI_AGO
from .steps import _site_photo
from .willingness import seed_willingness


def _ago(days: float):
    return timezone.now() - timedelta(days=days)


# --- the closed survey ------------------------------------------------------------------------------------

# (overall, quality, schedule, communication, conduct, transparency, text): 26 households' answers.
ANSWERS = [
    (5, 5, 4, 5, 4, 5, "屋面不漏了，水压也稳了，感谢施工队和社区。"),
    (5, 5, 5, 5, 5, 5, ""),
    (4, 4, 3, 4, 4, 5, "供水改造停水比通知的时间长了半天。"),
    (4, 5, 4, 4, 3, 4, "施工期间楼下材料堆放有点乱。"),
    (5, 4, 4, 5, 5, 5, ""),
    (4, 4, 4, 4, 4, 4, ""),
    (3, 3, 2, 4, 3, 4, "楼道工程拖了一个多月才完工。"),
    (5, 5, 5, 4, 5, 5, ""),
    (4, 4, 4, 5, 4, 5, "账目每笔都能查到，放心。"),
    (4, 5, 3, 4, 4, 4, ""),
    (5, 5, 4, 5, 5, 4, ""),
    (2, 2, 3, 3, 2, 3, "三楼窗户更换后关不严，报修两次才修好。"),
    (4, 4, 4, 4, 4, 4, ""),
    (5, 5, 5, 5, 4, 5, ""),
    (4, 4, 3, 4, 4, 4, ""),
    (3, 4, 2, 3, 3, 4, ""),
    (5, 5, 4, 5, 5, 5, "老人上下楼有扶手方便多了。"),
    (4, 4, 4, 3, 4, 4, ""),
    (4, 3, 4, 4, 4, 5, ""),
    (5, 5, 5, 5, 5, 5, ""),
    (4, 4, 3, 4, 3, 4, ""),
    (4, 5, 4, 4, 4, 4, ""),
    (5, 4, 4, 5, 4, 5, ""),
    (3, 3, 3, 3, 4, 3, "希望保修期内有专人负责报修。"),
    (4, 4, 4, 4, 4, 4, ""),
    (5, 5, 4, 4, 5, 5, ""),
]


def _survey_fangzhi(report) -> None:
    project = Project.objects.filter(estate__code="jiefang-fangzhi", status=Project.Status.COMPLETED).first()
    if project is None or Survey.objects.filter(project=project, kind=Survey.Kind.COMPLETION).exists():
        return
    opened = _ago(FANGZHI_AGO - 30)
    survey = voice.survey_open(project=project, kind=Survey.Kind.COMPLETION, now=opened)
    ids = list(survey.invitations.order_by("pk").values_list("pk", flat=True))
    voice.survey_send_batch(survey_id=survey.pk, kind=voice.INVITE, first_id=ids[0], last_id=ids[-1], now=opened)
    reminded = survey.remind_at
    voice.survey_send_batch(survey_id=survey.pk, kind=voice.REMIND, first_id=ids[0], last_id=ids[-1], now=reminded)
    Delivery.objects.filter(key__startswith=f"survey{survey.pk}:").update(created_at=opened)
    Notification.objects.filter(key__startswith=f"survey{survey.pk}:").update(
        created_at=opened, read_at=opened + timedelta(hours=5)
    )

    owners = dict(
        Ownership.objects.filter(household__building__estate=project.estate, is_voting_owner=True).values_list(
            "household_id", "resident__user_id"
        )
    )
    clerk = User.objects.get(username="jiefang_staff")
    invitations = list(Invitation.objects.filter(survey=survey).select_related("survey").order_by("pk"))
    online = [i for i in invitations if i.household_id in owners]
    paper = [i for i in invitations if i.household_id not in owners]
    chosen = (online + paper)[: len(ANSWERS)]
    for n, (invitation, row) in enumerate(zip(chosen, ANSWERS)):
        *scores, text = row
        given = dict(zip(Response.QUESTIONS, scores))
        when = opened + timedelta(days=1 + n * 0.7)
        if invitation.household_id in owners:
            owner = User.objects.get(pk=owners[invitation.household_id])
            response = voice.response_submit_as_owner(
                invitation=invitation, actor=owner, answers=given, text=text, now=when
            )
        else:
            response = voice.response_record_paper(
                invitation=invitation, actor=clerk, answers=given, text=text, now=when
            )
        Response.objects.filter(pk=response.pk).update(submitted_at=when)
    voice.survey_close(survey=survey, now=survey.closes_at)
    report.add("rated contractors", Organization.objects.filter(rating_overall__isnull=False).count())
    report.add("satisfaction surveys")
    report.add("survey answers", len(chosen))
    _follow_up_fangzhi(report, project, paper_clerk=clerk, owners=owners)


def _follow_up_fangzhi(report, project: Project, *, paper_clerk: User, owners: dict) -> None:
    """The one-year follow-up, opened when the periodic job would have opened it (three days ago):
    invitations sent, three paper answers entered; every owner with an account can still answer."""
    opened = timezone.now() - timedelta(days=FANGZHI_AGO - settings.SURVEY_FOLLOW_UP_DAYS)
    survey = voice.survey_open(project=project, kind=Survey.Kind.FOLLOW_UP, now=opened)
    ids = list(survey.invitations.order_by("pk").values_list("pk", flat=True))
    voice.survey_send_batch(survey_id=survey.pk, kind=voice.INVITE, first_id=ids[0], last_id=ids[-1], now=opened)
    Delivery.objects.filter(key__startswith=f"survey{survey.pk}:").update(created_at=opened)
    Notification.objects.filter(key__startswith=f"survey{survey.pk}:").update(created_at=opened)
    paper = [i for i in survey.invitations.select_related("survey").order_by("pk") if i.household_id not in owners][:3]
    for n, (invitation, row) in enumerate(zip(paper, ANSWERS[:3])):
        *scores, text = row
        when = opened + timedelta(hours=6 + n * 5)
        response = voice.response_record_paper(
            invitation=invitation,
            actor=paper_clerk,
            # the follow-up also rates the estate's manager (邕江物业, handed the estate at acceptance)
            answers={**dict(zip(Response.QUESTIONS, scores)), "management": min(5, scores[0] + 1)},
            text=text,
            now=when,
        )
        Response.objects.filter(pk=response.pk).update(submitted_at=when)
    report.add("satisfaction surveys")
    report.add("survey answers", len(paper))


# --- complaints in every state -----------------------------------------------------------------------------


def _back(complaint: Complaint, days: float) -> None:
    """Date the complaint and its steps `days` earlier (deadlines move with it)."""
    delta = timedelta(days=days)
    Complaint.objects.filter(pk=complaint.pk).update(
        filed_at=F("filed_at") - delta,
        acknowledge_due=F("acknowledge_due") - delta,
        resolve_due=F("resolve_due") - delta,
    )
    ComplaintUpdate.objects.filter(complaint=complaint).update(at=F("at") - delta)


def _step(complaint: Complaint, to: str, actor: User, note: str, *, days_ago: float) -> Complaint:
    complaint = voice.complaint_transition(
        complaint=Complaint.objects.get(pk=complaint.pk), to=to, actor=User.objects.get(pk=actor.pk), note=note
    )
    when = _ago(days_ago)
    latest = ComplaintUpdate.objects.filter(complaint=complaint).order_by("-id").first()
    ComplaintUpdate.objects.filter(pk=latest.pk).update(at=when)
    fields = {
        "acknowledged": ["acknowledged_at"],
        "in_progress": ["acknowledged_at"],
        "resolved": ["resolved_at"],
        "closed": ["closed_at"],
    }[to]
    Complaint.objects.filter(pk=complaint.pk, **{f"{fields[0]}__gt": when}).update(**{f: when for f in fields})
    return complaint


def _complaints_liangshi(report) -> None:
    project = Project.objects.filter(estate__code="gucheng-liangshi", status=Project.Status.UNDER_CONSTRUCTION).first()
    if project is None or Complaint.objects.filter(project=project).exists():
        return
    residents = list(
        Ownership.objects.filter(household__building__estate=project.estate, status=Ownership.Status.VERIFIED)
        .select_related("resident__user")
        .order_by("resident__phone")
    )
    filers = [User.objects.get(pk=o.resident.user_id) for o in residents[:4]]
    contractor, supervisor = User.objects.get(username="contractor"), User.objects.get(username="supervisor")
    committee = User.objects.get(username="gucheng_staff")

    def file(filer, category, text, location, days_ago):
        c = voice.complaint_file(project=project, actor=filer, category=category, text=text, location=location)
        _back(c, days_ago)
        return Complaint.objects.get(pk=c.pk)

    overdue = file(
        filers[0], "quality", "2栋外墙新刷的真石漆已经起皮脱落，下雨后更明显，担心掉下来砸到人。", "2栋北面", 3.5
    )
    noise = file(filers[1], "nuisance", "晚上九点多还在切割钢管，噪音很大，家里有高考生。", "3栋和4栋之间", 2)
    _step(noise, "acknowledged", contractor, "收到，已要求班组晚上八点后停止切割作业。", days_ago=1.8)
    safety = file(filers[2], "safety", "1栋单元门口的脚手架底部没有围挡，小孩在下面玩。", "1栋1单元门口", 4)
    _step(safety, "acknowledged", supervisor, "监理已到现场核实。", days_ago=3.8)
    _step(safety, "in_progress", contractor, "正在加装围挡和警示带，今天下班前完成。", days_ago=3.5)
    schedule = file(filers[3], "schedule", "屋面施工说两周完成，现在一个月了还没收尾，雨天楼顶住户漏水。", "3栋顶楼", 9)
    _step(schedule, "acknowledged", contractor, "已安排增加人手。", days_ago=8)
    _step(schedule, "resolved", contractor, "3栋屋面已完工并通过闭水试验，顶楼住户家中已上门查看。", days_ago=2)
    closed = file(filers[0], "quality", "楼道新装的声控灯有几盏不亮。", "2栋2单元", 25)
    _step(closed, "acknowledged", contractor, "收到。", days_ago=24)
    _step(closed, "resolved", contractor, "已更换不亮的灯具4盏。", days_ago=22)
    _step(closed, "closed", filers[0], "确认已修好，谢谢。", days_ago=21)
    # Money and misconduct go to the discipline-inspection office (issue 21 item 3), not the street
    # office: one resident reported anonymously; the office took it on and answered.
    tip, _code = voice.integrity_file(
        kind="fund_use",
        street=project.estate.community.street,
        project=project,
        text="账上有一笔“材料款”比同类报价高不少，能否公开一下采购比价？",
    )
    inspector = User.objects.get(username="inspection")
    voice.integrity_acknowledge(report=tip, actor=inspector)
    voice.integrity_answer(
        report=tip,
        actor=inspector,
        answer="已调取该笔材料款的采购记录和比价单：三家报价中选了最低价，单价高是因为使用了加厚管材。比价单已要求街道在台账凭证中补充公开。",
    )
    report.add("integrity reports", 1)
    other = file(filers[2], "other", "施工后快递柜被移到了小区最里面，老人取件不方便。", "小区大门", 1)
    _step(other, "acknowledged", committee, "社区已联系物业，下周协调快递柜位置。", days_ago=0.5)
    escalated = voice.complaints_escalate_overdue()
    ComplaintUpdate.objects.filter(complaint_id__in=escalated, author__isnull=True).update(at=_ago(1.5))
    Complaint.objects.filter(pk__in=escalated).update(escalated_at=_ago(1.5))
    report.add("complaints", Complaint.objects.filter(project=project).count())
    assert escalated == [overdue.pk], escalated


def _as_sent_back_then(started) -> None:
    """The demo's e-mails and SMS describe the past: record them as sent (before the commit, so
    the sending task that follows finds nothing to send and nobody is texted by a seed)."""
    Delivery.objects.filter(status=Delivery.Status.PENDING, created_at__gte=started).update(
        status=Delivery.Status.SENT, sent_at=F("created_at")
    )
    Delivery.objects.filter(status=Delivery.Status.PENDING, key__startswith="survey").update(
        status=Delivery.Status.SENT, sent_at=F("created_at")
    )


def _inspections_liangshi(report) -> None:
    """The council of 粮食局宿舍 supervises its works: two inspection notes by its chair, one the
    contractor answered in time, one still waiting (due in a few days)."""
    project = Project.objects.filter(estate__code="gucheng-liangshi", status=Project.Status.UNDER_CONSTRUCTION).first()
    if project is None or Inspection.objects.filter(project=project).exists():
        return
    seat = CouncilMember.objects.filter(council__estate=project.estate, ended_on__isnull=True).order_by("role", "id")
    chair = seat.select_related("resident__user").first()
    contractor = (
        Membership.objects.filter(
            organization__awards__project=project,
            organization__awards__role="contractor",
            organization__awards__ended_at__isnull=True,
        )
        .select_related("user")
        .first()
    )
    if chair is None or contractor is None:
        return
    first = disclosure.inspection_post(
        project=project,
        actor=chair.resident.user,
        findings="2栋屋面新铺的防水卷材在东北角有约1米长的翘边，雨后檐口有积水。",
        location="2栋屋面东北角",
        photos=[_site_photo(41, done=0.6)],
    )
    Inspection.objects.filter(pk=first.pk).update(
        posted_at=timezone.now() - timedelta(days=9), answer_due=timezone.now() - timedelta(days=2)
    )
    first.refresh_from_db()
    disclosure.inspection_answer(
        inspection=first,
        actor=contractor.user,
        answer="已于次日重新热熔粘贴翘边部位并做闭水试验48小时，无渗漏；檐口排水口已疏通。",
    )
    Inspection.objects.filter(pk=first.pk).update(answered_at=timezone.now() - timedelta(days=7))
    second = disclosure.inspection_post(
        project=project,
        actor=chair.resident.user,
        findings="1栋楼道堆放的管材没有围挡，晚上没有警示灯，老人经过容易绊倒。",
        location="1栋1单元楼道口",
    )
    Inspection.objects.filter(pk=second.pk).update(
        posted_at=timezone.now() - timedelta(days=2), answer_due=timezone.now() + timedelta(days=5)
    )
    report.add("inspection notes", 2)


def _warranty_fangzhi(report) -> None:
    """After acceptance: an owner of 解放路纺织厂宿舍 complains that a renovated item leaks — inside
    its warranty, so it went to the builder (contractor2), who acknowledged it (issue 20)."""
    project = Project.objects.filter(estate__code="jiefang-fangzhi", status=Project.Status.COMPLETED).first()
    if project is None or Complaint.objects.filter(project=project, warranty_until__isnull=False).exists():
        return
    item = (
        PlanItem.objects.filter(version__project=project, version__status=PlanVersion.Status.ADOPTED)
        .order_by("-warranty_months", "id")
        .first()
    )
    owner = (
        Ownership.objects.filter(household__building__estate=project.estate, status=Ownership.Status.VERIFIED)
        .select_related("resident")
        .order_by("resident__phone")
        .first()
    )
    if item is None or owner is None:
        return
    filer = User.objects.get(pk=owner.resident.user_id)
    text = "改造后的屋面在下雨后又开始漏水，2栋顶楼卧室天花板发霉。"
    complaint = voice.complaint_file(
        project=project, actor=filer, category="quality", text=text, location="2栋顶楼", plan_item=item
    )
    _back(complaint, 6)
    _step(
        complaint,
        "acknowledged",
        User.objects.get(username="contractor2"),
        "保修期内，已安排人员上门查看。",
        days_ago=5,
    )
    report.add("warranty complaints")


def seed_feedback(report) -> None:
    for stage in (_survey_fangzhi, _complaints_liangshi, _inspections_liangshi, _warranty_fangzhi, seed_willingness):
        started = timezone.now()
        with transaction.atomic():
            stage(report)
            _as_sent_back_then(started)
