"""Procurement on the record (招标投标, issue 21 item 1): the street office records the tender notice,
the bids as opened, the evaluation committee and its scores; the evaluation ranks the bids; the
award (works.project_award) then picks its winner from the ranking. A flagged organization (rated
low on two or more projects) is awarded only with a public reason the housing bureau approves.

The rules are the law's: 20 days from the notice to the bids (招标投标法 art. 24), at least three
bids (art. 28), a committee of five or more, an odd number (art. 37), a bid over the maximum price
rejected (实施条例 art. 51), and a direct award only on a legal ground — below the value that must
be tendered (《必须招标的工程项目规定》 art. 5) only when the maximum price is below it."""

from __future__ import annotations

from datetime import date as Date
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.errors import errors_for
from stakeholders.audit import by_actor
from stakeholders.listings import negative_entry
from stakeholders.models import Membership, Notification, Organization, User
from stakeholders.selectors import street_office_user_ids
from stakeholders.services import notify

from .. import permissions
from ..models import (
    Award,
    Bid,
    BidScore,
    CommitteeSeat,
    FlaggedAward,
    Project,
    ProjectEvent,
    Tender,
    TenderCriterion,
    points_text,
)
from ..revision import project_touch

TENDER_ERRORS = {
    "not_allowed": _("Only the street office keeps the procurement record, while the works may be awarded."),
    "running": _("A %(role)s tender is already under way: award it or end it first."),
    "bids_due_required": _("Give the day the bids are due."),
    "too_soon": _(
        "Bids may be due no sooner than %(days)s days after the notice (招标投标法 art. 24): %(date)s at the earliest."
    ),
    "published_future": _("The notice must already be published: give today or an earlier day."),
    "criteria_required": _("Give the evaluation criteria and their points (they add up to 100)."),
    "criteria_total": _("The criteria's points add up to %(total)s, not 100."),
    "criteria_duplicate": _("Each criterion has its own name."),
    "reason_required": _("Choose the legal reason for a direct award."),
    "details_required": _("Explain the reason (and for another case, cite the rule that allows it)."),
    "below_threshold_ceiling": _("For a direct award below the value that must be tendered, give the maximum price."),
    "above_threshold": _(
        "¥%(limit)s or more must be tendered (《必须招标的工程项目规定》 art. 5): choose an open or invited tender, "
        "or another legal reason."
    ),
    "not_open": _("The tender is no longer taking bids or scores (it is “%(status)s”)."),
    "bids_not_due": _("Bids are opened when they are due, on %(date)s."),
    "wrong_kind": _("Only a %(kind)s may bid for this."),
    "inactive": _("%(name)s is no longer active in the portal."),
    "negative_listed": _("%(name)s is on the housing bureau's negative list (%(reason)s): it may not bid."),
    "already_bid": _("%(name)s's bid is already recorded."),
    "one_direct_offer": _("A direct award has one offer: it is already recorded."),
    "on_committee": _("%(name)s sits on the evaluation committee: a bidder may not."),
    "is_bidder": _("%(name)s bid in this tender: it may not sit on the committee."),
    "members_range": _("Give from 1 to 50 members (0 takes the organization off)."),
    "rejected_bid": _("This bid was rejected: it is not scored."),
    "score_range": _("%(name)s: give from 0 to %(points)s points."),
    "score_missing": _("Give the points for every criterion."),
    "reject_reason_required": _("Say why the bid is rejected: the bidder and the public will read it."),
    "committee_size": _("The committee has %(n)s members: it needs five or more, an odd number (art. 37)."),
    "too_few_bids": _(
        "%(n)s valid bids: a tender needs at least three (art. 28). End it as failed (流标) and tender again."
    ),
    "not_scored": _("%(name)s's bid is not scored yet."),
    "direct_offer_missing": _("Record the offer of the organization awarded directly."),
    "evaluated_date": _("The evaluation day must be between the bids' day and today."),
    "fail_reason_required": _("Say why the tender ends without an award: it is public."),
    "ask_not_allowed": _("Only the street office's approver asks the bureau, once the tender is evaluated."),
    "not_flagged": _("%(name)s is not flagged: it may be awarded without the bureau."),
    "not_ranked": _("Only a valid, ranked bid may be awarded."),
    "ask_reason_required": _("Write why this organization all the same: it is public, beside the award."),
    "already_asked": _("The bureau has not decided on the last request yet."),
    "decide_not_allowed": _("Only the housing bureau decides on awarding a flagged organization."),
    "already_decided": _("The bureau already decided on this request."),
    "refusal_note_required": _("Say why the bureau refuses: the street office reads it."),
}
_error = errors_for(TENDER_ERRORS)

NOTICE_DAYS = 20  # 招标投标法 art. 24: at least 20 days from the tender documents to the bids' deadline
MIN_BIDS = 3  # art. 28: fewer than three bidders, the tender is held again
COMMITTEE_MIN = 5  # art. 37: five or more, an odd number
# 《必须招标的工程项目规定》 (2018) art. 5: works of ¥4 million or more, and supervision of ¥1 million
# or more, must be tendered.
TENDER_THRESHOLDS = {Award.Role.CONTRACTOR: Decimal("4000000"), Award.Role.SUPERVISOR: Decimal("1000000")}
ROLE_KINDS = {Award.Role.CONTRACTOR: Organization.Kind.CONTRACTOR, Award.Role.SUPERVISOR: Organization.Kind.SUPERVISOR}


def _event(project: Project, actor: User, note) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        ProjectEvent.objects.create(
            project=project, actor=actor, from_status=project.status, to_status=project.status, note=str(note)
        )


def _locked_project(project: Project, actor: User) -> Project:
    locked = Project.objects.select_for_update().select_related("estate__community").get(pk=project.pk)
    if not permissions.can_keep_tender_record(actor, locked):
        raise PermissionDenied(TENDER_ERRORS["not_allowed"])
    return locked


def _locked_open_tender(tender: Tender, actor: User) -> Tender:
    locked = Tender.objects.select_for_update().get(pk=tender.pk)
    locked.project = _locked_project(tender.project, actor)
    if locked.status != Tender.Status.OPEN:
        raise _error("not_open", status=locked.get_status_display())
    return locked


@by_actor
@transaction.atomic
def tender_open(  # noqa: C901 - each method's rules in turn
    *,
    project: Project,
    actor: User,
    role: str,
    method: str,
    requirements: str,
    published_on: Date,
    bids_due: Date | None = None,
    ceiling: Decimal | None = None,
    direct_reason: str = "",
    direct_details: str = "",
    criteria: list[tuple[str, Decimal]] = (),
) -> Tender:
    """Record the tender notice (招标公告, or the invitation, or the direct award's grounds)."""
    locked = _locked_project(project, actor)
    if Tender.objects.filter(
        project=locked, role=role, status__in=[Tender.Status.OPEN, Tender.Status.EVALUATED]
    ).exists():
        raise _error("running", "role", role=Award.Role(role).label)
    if published_on > timezone.localdate():
        raise _error("published_future", "published_on")
    M = Tender.Method
    direct_details = (direct_details or "").strip()
    if method == M.DIRECT:
        if not direct_reason:
            raise _error("reason_required", "direct_reason")
        if not direct_details:
            raise _error("details_required", "direct_details")
        if direct_reason == Tender.DirectReason.BELOW_THRESHOLD:
            if ceiling is None:
                raise _error("below_threshold_ceiling", "ceiling")
            if ceiling >= TENDER_THRESHOLDS[role]:
                raise _error("above_threshold", "direct_reason", limit=f"{TENDER_THRESHOLDS[role]:,.2f}")
        bids_due, criteria = None, []
    else:
        direct_reason, direct_details = "", ""
        if bids_due is None:
            raise _error("bids_due_required", "bids_due")
        if bids_due < published_on + timedelta(days=NOTICE_DAYS):
            earliest = published_on + timedelta(days=NOTICE_DAYS)
            raise _error("too_soon", "bids_due", days=NOTICE_DAYS, date=earliest.isoformat())
        names = [name.strip() for name, _points in criteria]
        if not criteria or not all(names):
            raise _error("criteria_required", "criteria")
        if len(set(names)) != len(names):
            raise _error("criteria_duplicate", "criteria")
        total = sum((points for _name, points in criteria), Decimal("0"))
        if total != 100 or any(points <= 0 for _name, points in criteria):
            raise _error("criteria_total", "criteria", total=points_text(total))
    try:
        with transaction.atomic():
            tender = Tender.objects.create(
                project=locked,
                role=role,
                method=method,
                direct_reason=direct_reason,
                direct_details=direct_details,
                requirements=requirements.strip(),
                ceiling=ceiling,
                published_on=published_on,
                bids_due=bids_due,
                created_by=actor,
            )
    except IntegrityError:  # the same notice sent twice at once: the first stands
        raise _error("running", "role", role=Award.Role(role).label) from None
    TenderCriterion.objects.bulk_create(
        [
            TenderCriterion(tender=tender, name=name.strip(), points=points, position=i)
            for i, (name, points) in enumerate(criteria)
        ]
    )
    _event(
        locked,
        actor,
        _("Procurement of the %(role)s: %(method)s, notice of %(date)s")
        % {"role": tender.get_role_display(), "method": tender.get_method_display(), "date": published_on.isoformat()},
    )
    project_touch(project=locked)
    return tender


@by_actor
@transaction.atomic
def bid_record(*, tender: Tender, actor: User, organization: Organization, amount: Decimal) -> Bid:
    """Record a bid as opened (开标). Over the maximum price it is rejected at once (art. 51 (5))."""
    locked = _locked_open_tender(tender, actor)
    if locked.method != Tender.Method.DIRECT and locked.bids_due and timezone.localdate() < locked.bids_due:
        raise _error("bids_not_due", date=locked.bids_due.isoformat())
    if locked.method == Tender.Method.DIRECT and locked.bids.exists():
        raise _error("one_direct_offer", "organization")
    kind = ROLE_KINDS[locked.role]
    if organization.kind != kind:
        raise _error("wrong_kind", "organization", kind=Organization.Kind(kind).label)
    if not organization.is_active:
        raise _error("inactive", "organization", name=organization.name)
    if (entry := negative_entry(organization)) is not None:
        raise _error("negative_listed", "organization", name=organization.name, reason=entry.reason)
    if locked.seats.filter(organization=organization).exists():
        raise _error("on_committee", "organization", name=organization.name)
    rejected = ""
    if locked.ceiling is not None and amount > locked.ceiling:
        rejected = str(_("over the maximum bid price (art. 51 (5))"))
    try:
        with transaction.atomic():
            bid = Bid.objects.create(tender=locked, organization=organization, amount=amount, rejected_reason=rejected)
    except IntegrityError:
        raise _error("already_bid", "organization", name=organization.name) from None
    project_touch(project=locked.project)
    return bid


@by_actor
@transaction.atomic
def bid_reject(*, bid: Bid, actor: User, reason: str) -> Bid:
    """Reject a bid that fails the notice's qualifications (否决投标), with the reason."""
    tender = _locked_open_tender(bid.tender, actor)
    reason = (reason or "").strip()
    if not reason:
        raise _error("reject_reason_required", "reason")
    locked = Bid.objects.select_for_update().get(pk=bid.pk, tender=tender)
    locked.rejected_reason = reason[:500]
    locked.total = None
    locked.save(update_fields=["rejected_reason", "total"])
    locked.scores.all().delete()
    project_touch(project=tender.project)
    return locked


@by_actor
@transaction.atomic
def committee_seat_set(*, tender: Tender, actor: User, organization: Organization, members: int) -> None:
    """How many members `organization` sent to the committee (0 takes it off)."""
    locked = _locked_open_tender(tender, actor)
    if not 0 <= members <= 50:
        raise _error("members_range", "members")
    if locked.bids.filter(organization=organization).exists():
        raise _error("is_bidder", "organization", name=organization.name)
    if members == 0:
        CommitteeSeat.objects.filter(tender=locked, organization=organization).delete()
    else:
        CommitteeSeat.objects.update_or_create(tender=locked, organization=organization, defaults={"members": members})
    project_touch(project=locked.project)


@by_actor
@transaction.atomic
def bid_score(*, bid: Bid, actor: User, points: dict[int, Decimal]) -> Bid:
    """The committee's points for one bid, one number per criterion (0 to the criterion's points)."""
    tender = _locked_open_tender(bid.tender, actor)
    locked = Bid.objects.select_for_update().select_related("organization").get(pk=bid.pk, tender=tender)
    if locked.rejected_reason:
        raise _error("rejected_bid")
    criteria = list(tender.criteria.all())
    for criterion in criteria:
        given = points.get(criterion.pk)
        if given is None:
            raise _error("score_missing", f"c{criterion.pk}")
        if not Decimal("0") <= given <= criterion.points:
            raise _error("score_range", f"c{criterion.pk}", name=criterion.name, points=points_text(criterion.points))
    BidScore.objects.filter(bid=locked).delete()
    BidScore.objects.bulk_create([BidScore(bid=locked, criterion=c, points=points[c.pk]) for c in criteria])
    locked.total = sum((points[c.pk] for c in criteria), Decimal("0"))
    locked.save(update_fields=["total"])
    project_touch(project=tender.project)
    return locked


@by_actor
@transaction.atomic
def tender_evaluate(*, tender: Tender, actor: User, evaluated_on: Date) -> Tender:
    """Close the evaluation: rank the valid bids (the score, then the lower price, then who bid first).
    A direct award's one offer is its winner."""
    locked = _locked_open_tender(tender, actor)
    bids = list(locked.bids.select_related("organization").order_by("id"))
    valid = [b for b in bids if not b.rejected_reason]
    start = locked.bids_due or locked.published_on
    if not start <= evaluated_on <= timezone.localdate():
        raise _error("evaluated_date", "evaluated_on")
    if locked.method == Tender.Method.DIRECT:
        if not valid:
            raise _error("direct_offer_missing")
        ranked = valid[:1]
    else:
        members = sum(s.members for s in locked.seats.all())
        if members < COMMITTEE_MIN or members % 2 == 0:
            raise _error("committee_size", n=members)
        if len(valid) < MIN_BIDS:
            raise _error("too_few_bids", n=len(valid))
        if (unscored := next((b for b in valid if b.total is None), None)) is not None:
            raise _error("not_scored", name=unscored.organization.name)
        ranked = sorted(valid, key=lambda b: (-b.total, b.amount, b.pk))
    for rank, bid in enumerate(ranked, start=1):
        bid.rank = rank
    Bid.objects.bulk_update(ranked, ["rank"])
    locked.status = Tender.Status.EVALUATED
    locked.evaluated_on = evaluated_on
    locked.save(update_fields=["status", "evaluated_on"])
    project_touch(project=locked.project)
    return locked


@by_actor
@transaction.atomic
def tender_fail(*, tender: Tender, actor: User, reason: str) -> Tender:
    """End the tender without an award (流标: too few bids, all rejected, the winner gone), in public."""
    locked = Tender.objects.select_for_update().get(pk=tender.pk)
    locked.project = _locked_project(tender.project, actor)
    if locked.status not in (Tender.Status.OPEN, Tender.Status.EVALUATED):
        raise _error("not_open", status=locked.get_status_display())
    reason = (reason or "").strip()
    if not reason:
        raise _error("fail_reason_required", "reason")
    locked.status = Tender.Status.FAILED
    locked.status_reason = reason
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "status_reason", "closed_at"])
    _event(
        locked.project,
        actor,
        _("The %(role)s tender ended without an award: %(reason)s")
        % {"role": locked.get_role_display(), "reason": reason},
    )
    project_touch(project=locked.project)
    return locked


def _bureau_user_ids() -> set[int]:
    return set(
        Membership.objects.filter(
            organization__kind=Organization.Kind.HOUSING_BUREAU, organization__is_active=True
        ).values_list("user_id", flat=True)
    )


def _flag_params(bid: Bid) -> dict:
    project = bid.tender.project
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "organization": bid.organization.name,
            "role": str(bid.tender.get_role_display()),
            "estate": project.estate.name,
        }


@by_actor
@transaction.atomic
def flagged_award_ask(*, bid: Bid, actor: User, reason: str) -> FlaggedAward:
    """Ask the housing bureau to approve awarding a flagged organization, with a public reason."""
    tender = Tender.objects.select_for_update().select_related("project__estate__community").get(pk=bid.tender_id)
    if not permissions.can_ask_flagged_award(actor, tender):
        raise PermissionDenied(TENDER_ERRORS["ask_not_allowed"])
    locked = Bid.objects.select_for_update().select_related("organization").get(pk=bid.pk, tender=tender)
    locked.tender = tender
    if locked.rank is None:
        raise _error("not_ranked")
    if not locked.organization.flagged:
        raise _error("not_flagged", name=locked.organization.name)
    reason = (reason or "").strip()
    if not reason:
        raise _error("ask_reason_required", "reason")
    if FlaggedAward.objects.filter(bid=locked, approved__isnull=True).exists():
        raise _error("already_asked")
    request = FlaggedAward.objects.create(bid=locked, reason=reason, requested_by=actor)
    notify(
        users=_bureau_user_ids(),
        kind=Notification.Kind.FLAGGED_AWARD_ASKED,
        url=reverse("projects:tender", args=[tender.project.code, tender.pk]),
        key=f"flagged-award:{request.pk}:asked",
        **_flag_params(locked),
    )
    project_touch(project=tender.project)
    return request


@by_actor
@transaction.atomic
def flagged_award_decide(*, request: FlaggedAward, actor: User, approve: bool, note: str = "") -> FlaggedAward:
    """The bureau approves or refuses it; the street office is told."""
    locked = FlaggedAward.objects.select_for_update().select_related("bid__organization").get(pk=request.pk)
    tender = Tender.objects.select_related("project__estate__community").get(pk=locked.bid.tender_id)
    if not permissions.can_decide_flagged_award(actor, tender):
        raise PermissionDenied(TENDER_ERRORS["decide_not_allowed"])
    if locked.approved is not None:
        raise _error("already_decided")
    note = (note or "").strip()
    if not approve and not note:
        raise _error("refusal_note_required", "note")
    locked.approved = approve
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.save(update_fields=["approved", "decided_by", "decided_at", "decision_note"])
    locked.bid.tender = tender
    notify(
        users=street_office_user_ids(tender.project.estate.community.street_id) | {locked.requested_by_id},
        kind=Notification.Kind.FLAGGED_AWARD_DECIDED,
        url=reverse("projects:tender", args=[tender.project.code, tender.pk]),
        key=f"flagged-award:{locked.pk}:decided",
        decision="approved" if approve else "refused",
        **_flag_params(locked.bid),
    )
    project_touch(project=tender.project)
    return locked
