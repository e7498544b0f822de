"""The plan (三上三下): versions, items and their funding split, publication for comment, comments and
the drafters' answers, and the owners' final vote (after PLAN_COMMENT_DAYS, with every comment answered)."""

from __future__ import annotations

import copy
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from stakeholders.audit import by_actor
from stakeholders.models import Notification, Ownership, User
from stakeholders.services import notify

from .. import after_build, permissions, shares
from ..models import (
    CatalogItem,
    FundingSource,
    Need,
    PlanComment,
    PlanItem,
    PlanItemFunding,
    PlanVersion,
    Project,
    Vote,
)
from .annual import check_spending
from .lifecycle import project_transition
from .votes import vote_create, vote_open

PLAN_ERRORS = {
    "not_allowed": _("You may not change this plan."),
    "version_busy": _("A version of the plan is already being drafted or voted on."),
    "funding_sum": _("The funding lines add up to %(sum)s yuan, but the item costs %(cost)s yuan. Make them equal."),
    "empty_plan": _("Add at least one item before publishing the plan."),
    "comment_required": _("Write your comment first."),
    "state_changed": _("This plan version changed a moment ago (it is now “%(now)s”). Reload the page."),
    "not_published": _("Comments are taken only while a version is published for comment."),
    "answer_not_allowed": _("The plan's drafters answer its comments, once each, while the plan is being made."),
    "response_required": _("Choose whether the comment is adopted, partly adopted or not adopted."),
    "reason_required": _("Say why: the resident and everyone else will read it."),
    "already_answered": _("This comment is already answered."),
    "comment_period": _(
        "Residents comment on a published version for at least %(days)s days: it can be put to the vote from %(from)s."
    ),
    "comments_unanswered": _("Answer every comment on the plan before the vote: %(n)s still waiting."),
}


def _lock_version(version: PlanVersion, expected: str, actor: User, may) -> PlanVersion:
    """The version as it is now, locked; permissions are decided on it, never on what the caller
    loaded. Someone who could have acted in the `expected` state but finds it moved on (a double
    click, a second tab) is told so; anyone else is refused."""
    locked = PlanVersion.objects.select_for_update(of=("self",)).select_related("project__estate").get(pk=version.pk)
    if locked.status != expected:
        as_expected = copy.copy(locked)
        as_expected.status = expected
        if may(actor, as_expected):
            raise ValidationError(
                PLAN_ERRORS["state_changed"], code="state_changed", params={"now": locked.get_status_display()}
            )
        raise PermissionDenied(PLAN_ERRORS["not_allowed"])
    if not may(actor, locked):
        raise PermissionDenied(PLAN_ERRORS["not_allowed"])
    return locked


@by_actor
@transaction.atomic
def plan_version_start(*, project: Project, actor: User) -> PlanVersion:
    """Version 1, or the next revision: it starts as a copy of the latest version's items (a
    published version stops taking comments)."""
    locked_project = Project.objects.select_for_update().get(pk=project.pk)  # serializes two drafters
    versions = list(PlanVersion.objects.filter(project=locked_project).order_by("number"))
    live = next(
        (
            v
            for v in versions
            if v.status in (PlanVersion.Status.DRAFT, PlanVersion.Status.PUBLISHED, PlanVersion.Status.VOTING)
        ),
        None,
    )
    if live is not None and live.status != PlanVersion.Status.PUBLISHED:
        raise ValidationError(PLAN_ERRORS["version_busy"], code="version_busy")
    if not permissions.can_start_plan_version(actor, locked_project, live):
        raise PermissionDenied(PLAN_ERRORS["not_allowed"])
    previous = versions[-1] if versions else None
    if live is not None:
        live.status = PlanVersion.Status.SUPERSEDED
        live.save(update_fields=["status"])
    version = PlanVersion.objects.create(
        project=locked_project,
        number=(previous.number + 1) if previous else 1,
        drafted_by=actor,
        summary=previous.summary if previous else "",
    )
    if previous is not None:
        for item in previous.items.prefetch_related("funding"):
            copy = PlanItem.objects.create(
                version=version,
                catalog_item_id=item.catalog_item_id,
                description=item.description,
                quantity=item.quantity,
                unit=item.unit,
                estimated_cost=item.estimated_cost,
                share_scope=item.share_scope,
                share_building_id=item.share_building_id,
                share_entrance=item.share_entrance,
                share_method=item.share_method,
                share_coefficients=item.share_coefficients,
                share_agreement=item.share_agreement,
                share_weights=item.share_weights,
                compensation_per_household=item.compensation_per_household,
                compensation_floors=item.compensation_floors,
                maintainer=item.maintainer,
                maintainer_organization_id=item.maintainer_organization_id,
                warranty_months=item.warranty_months,
            )
            PlanItemFunding.objects.bulk_create(
                [PlanItemFunding(item=copy, source=line.source, amount=line.amount) for line in item.funding.all()]
            )
            Need.objects.filter(plan_item=item).update(plan_item=copy)  # needs follow their item
        after_build.copy_management(previous, version)
    return version


@by_actor
@transaction.atomic
def plan_version_edit(*, version: PlanVersion, actor: User, summary: str) -> PlanVersion:
    locked = _lock_version(version, PlanVersion.Status.DRAFT, actor, permissions.can_edit_plan_version)
    locked.summary = (summary or "").strip()
    locked.full_clean()
    locked.save(update_fields=["summary"])
    return locked


@by_actor
@transaction.atomic
def plan_item_add(
    *,
    version: PlanVersion,
    actor: User,
    catalog_item: CatalogItem,
    description: str,
    quantity: Decimal,
    unit: str,
    estimated_cost: Decimal,
    funding: dict[str, Decimal],
    share_scope: str = PlanItem.ShareScope.ESTATE,
    share_building=None,
    share_entrance: str = "",
    share_method: str = PlanItem.ShareMethod.AREA,
    share_coefficients: dict | None = None,
    compensation_per_household: Decimal | None = None,
    compensation_floors: list[int] | None = None,
    share_agreement: str = "",
    share_weights: dict | None = None,
    maintainer: str = PlanItem.Maintainer.MANAGER,
    maintainer_organization=None,
    warranty_months: int | None = None,
) -> PlanItem:
    """An item with its funding split; the lines must add up to the cost exactly. Included needs
    for the same catalog item are linked to it. Its residents' part is shared by `share_scope`
    (the estate, a building, an entrance) by `share_method` (projects/shares.py); the agreed method
    takes the owners' decision in words and each household's weight as typed (`share_weights`)."""
    locked = _lock_version(version, PlanVersion.Status.DRAFT, actor, permissions.can_edit_plan_version)
    sharing = {
        "share_scope": share_scope,
        "share_building": share_building if share_scope != PlanItem.ShareScope.ESTATE else None,
        "share_entrance": (share_entrance or "").strip() if share_scope == PlanItem.ShareScope.ENTRANCE else "",
        "share_method": share_method,
        "share_coefficients": {k: str(v) for k, v in (share_coefficients or {}).items()} or None,
        "compensation_per_household": compensation_per_household or None,
        "compensation_floors": sorted(set(compensation_floors))
        if compensation_per_household and compensation_floors
        else None,
    }
    problems, agreed = shares.check_sharing(
        locked.project.estate_id,
        scope=share_scope,
        building=sharing["share_building"],
        entrance=sharing["share_entrance"],
        method=share_method,
        coefficients=share_coefficients,
        compensation=compensation_per_household,
        compensation_floors=compensation_floors,
        compensation_line=Decimal(funding.get(FundingSource.COMPENSATION) or 0),
        agreement=share_agreement,
        weights=share_weights,
    )
    after, warranty_months = after_build.check_after_build(
        catalog_item, maintainer, maintainer_organization, warranty_months
    )
    excluded = check_spending(catalog_item, description)  # the negative list (负面清单, issue 22)
    if problems or after or excluded:
        raise ValidationError(problems | after | excluded)
    sharing["share_weights"] = agreed
    sharing["share_agreement"] = (share_agreement or "").strip() if agreed else ""
    lines = {source: Decimal(amount) for source, amount in funding.items() if amount}
    total = sum(lines.values(), Decimal("0"))
    if total != Decimal(estimated_cost):
        raise ValidationError(
            {
                "estimated_cost": ValidationError(
                    PLAN_ERRORS["funding_sum"],
                    code="funding_sum",
                    params={"sum": f"{total:,.2f}", "cost": f"{Decimal(estimated_cost):,.2f}"},
                )
            }
        )
    item = PlanItem(
        version=locked,
        catalog_item=catalog_item,
        description=(description or "").strip(),
        quantity=quantity,
        unit=(unit or "").strip(),
        estimated_cost=estimated_cost,
        maintainer=maintainer,
        maintainer_organization=maintainer_organization,
        warranty_months=warranty_months,
        **sharing,
    )
    item.full_clean()
    item.save()
    PlanItemFunding.objects.bulk_create(
        [PlanItemFunding(item=item, source=s, amount=a) for s, a in sorted(lines.items())]
    )
    Need.objects.filter(
        project_id=locked.project_id, catalog_item=catalog_item, status=Need.Status.INCLUDED, plan_item__isnull=True
    ).update(plan_item=item)
    return item


@by_actor
@transaction.atomic
def plan_item_remove(*, item: PlanItem, actor: User) -> None:
    _lock_version(item.version, PlanVersion.Status.DRAFT, actor, permissions.can_edit_plan_version)
    item.delete()


@by_actor
@transaction.atomic
def plan_version_publish(*, version: PlanVersion, actor: User) -> PlanVersion:
    """The street approver publishes the draft for comment; the estate's owners are told."""
    locked = _lock_version(version, PlanVersion.Status.DRAFT, actor, permissions.can_publish_plan_version)
    if not locked.items.exists():
        raise ValidationError(PLAN_ERRORS["empty_plan"], code="empty_plan")
    locked.status, locked.published_at = PlanVersion.Status.PUBLISHED, timezone.now()
    locked.save(update_fields=["status", "published_at"])
    owners = Ownership.objects.verified().filter(household__building__estate_id=locked.project.estate_id)
    notify(
        users=owners.values_list("resident__user_id", flat=True),
        kind=Notification.Kind.PLAN_PUBLISHED,
        url=reverse("projects:plan", args=[locked.project.code, locked.number]),
        number=locked.number,
        estate=locked.project.estate.name,
    )
    return locked


@by_actor
@transaction.atomic
def plan_comment_add(*, version: PlanVersion, actor: User, text: str) -> PlanComment:
    version = PlanVersion.objects.select_related("project__estate").get(pk=version.pk)  # as it is now
    if not permissions.can_comment_plan(actor, version):
        raise ValidationError(PLAN_ERRORS["not_published"], code="not_published")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ValidationError(PLAN_ERRORS["comment_required"], code="comment_required")})
    comment = PlanComment(version=version, author=actor, text=text)
    comment.full_clean()
    comment.save()
    return comment


def vote_possible_from(version: PlanVersion):
    """When a published version has been open for comment long enough to go to the vote."""
    return version.published_at + timedelta(days=settings.PLAN_COMMENT_DAYS)


@by_actor
@transaction.atomic
def plan_comment_answer(*, comment: PlanComment, actor: User, response: str, reason: str) -> PlanComment:
    """The drafters answer a comment — adopted, partly adopted, not adopted — with a reason (public);
    the resident who wrote it is told."""
    locked = (
        PlanComment.objects.select_for_update(of=("self",))
        .select_related("version__project__estate__community")
        .get(pk=comment.pk)
    )
    if locked.response:
        raise ValidationError(PLAN_ERRORS["already_answered"], code="already_answered")
    if not permissions.can_answer_plan_comment(actor, locked):
        raise PermissionDenied(PLAN_ERRORS["answer_not_allowed"])
    if response not in PlanComment.Response.values:
        raise ValidationError({"response": ValidationError(PLAN_ERRORS["response_required"], code="response_required")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(PLAN_ERRORS["reason_required"], code="reason_required")})
    locked.response, locked.reason = response, reason[:1000]
    locked.answered_by, locked.answered_at = actor, timezone.now()
    locked.save(update_fields=["response", "reason", "answered_by", "answered_at"])
    version = locked.version
    notify(
        users=[locked.author_id],
        kind=Notification.Kind.PLAN_ANSWERED,
        url=reverse("projects:plan", args=[version.project.code, version.number]) + f"#comment-{locked.pk}",
        key=f"plan-answered:{locked.pk}",
        number=version.number,
        estate=version.project.estate.name,
        response=response,
    )
    return locked


@by_actor
@transaction.atomic
def plan_vote_call(*, version: PlanVersion, actor: User) -> Vote:
    """The street approver puts the published version to the owners as a special matter (改建 and
    fund raising: Civil Code art. 278 items 6–8); the project moves to plan_voting."""
    locked = _lock_version(version, PlanVersion.Status.PUBLISHED, actor, permissions.can_call_plan_vote)
    project = locked.project
    now = timezone.now()
    opens = vote_possible_from(locked)
    if now < opens:
        raise ValidationError(
            PLAN_ERRORS["comment_period"],
            code="comment_period",
            params={"days": settings.PLAN_COMMENT_DAYS, "from": timezone.localtime(opens).strftime("%Y-%m-%d %H:%M")},
        )
    after_build.check_management(locked)
    waiting = PlanComment.objects.filter(version__project=project, response="").count()
    if waiting:
        raise ValidationError(PLAN_ERRORS["comments_unanswered"], code="comments_unanswered", params={"n": waiting})
    with translation.override(settings.LANGUAGE_CODE):
        title = str(
            _("Renovation plan of %(estate)s, version %(number)s")
            % {"estate": project.estate.name, "number": locked.number}
        )
    vote = vote_create(
        project=project,
        purpose=Vote.Purpose.PLAN,
        title=title,
        matter=Vote.Matter.SPECIAL,
        opens_at=now,
        closes_at=now + timedelta(days=settings.PLAN_VOTE_DAYS),
        actor=actor,
        plan_version=locked,
        # An elevator's plan is voted on by its entrance.
        **(
            {"scope": Vote.Scope.UNIT, "building": project.building, "unit": project.entrance, "decides": "elevator"}
            if project.kind == Project.Kind.ELEVATOR
            else {}
        ),
    )
    vote = vote_open(vote=vote, actor=actor)
    locked.status = PlanVersion.Status.VOTING
    locked.save(update_fields=["status"])
    project_transition(project=project, to=Project.Status.PLAN_VOTING, actor=actor, by_service=True)
    return vote
