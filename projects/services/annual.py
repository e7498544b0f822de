"""年度项目库 and 负面清单 (issue 22 item 3): the bureau opens a year's plan; street offices propose
their accepted projects; the bureau confirms (the project then knows its plan year, on its public
timeline) or declines with a reason. The negative list says what renovation money may not pay for;
it is checked on every plan item added, and again on a proposal and its confirmation."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.errors import errors_for
from stakeholders.audit import by_actor
from stakeholders.models import Notification, User
from stakeholders.selectors import street_office_user_ids
from stakeholders.services import notify

from .. import permissions
from ..models import AnnualPlan, CatalogItem, ExcludedSpending, PlanEntry, PlanItem, PlanVersion, Project, ProjectEvent
from ..revision import project_touch

ANNUAL_ERRORS = {
    "not_allowed": _("The year's plan is kept by the housing bureau; street offices propose their own estates."),
    "year_range": _("Open a plan for this year, the next two, or last year."),
    "year_exists": _("The plan for %(year)s is already open."),
    "closed": _("The plan for %(year)s is closed: it takes no more proposals."),
    "not_proposable": _(
        "Only a project accepted and not yet under construction can be proposed (this one is “%(status)s”)."
    ),
    "already_planned": _("This project is already in the plan for %(year)s."),
    "already_proposed": _("This project is already proposed for %(year)s."),
    "decided": _("This proposal was already answered (it is now “%(status)s”). Reload the page."),
    "answer_required": _("Say why the bureau declines it: the street office reads it."),
    "excluded": _(
        "“%(item)s” is on the negative list (负面清单): %(name)s — %(reason)s Renovation money may not pay for it."
    ),
    "excluded_items": _("The plan has items on the negative list (负面清单): %(items)s. Change the plan first."),
    "name_required": _("Name what may not be paid for."),
    "reason_required": _("Give the rule or reason, so a street office understands the refusal."),
    "name_exists": _("The negative list already has “%(name)s”."),
}
_error = errors_for(ANNUAL_ERRORS)


# --- the negative list ---------------------------------------------------------------------------


def excluded_by(catalog_item: CatalogItem, description: str, rules=None) -> ExcludedSpending | None:
    """The negative-list entry a plan item falls under: by its catalog item, or a word in its description."""
    text = description or ""
    for rule in rules if rules is not None else _rules():
        if any(i.pk == catalog_item.pk for i in rule.items.all()) or any(w in text for w in rule.words()):
            return rule
    return None


def _rules():
    return list(ExcludedSpending.objects.filter(is_active=True).prefetch_related("items"))


def check_spending(catalog_item: CatalogItem, description: str) -> dict[str, ValidationError]:
    """For plan_item_add: the error on the field that matched, or nothing."""
    rule = excluded_by(catalog_item, description)
    if rule is None:
        return {}
    field = "catalog_item" if any(i.pk == catalog_item.pk for i in rule.items.all()) else "description"
    return {
        field: ValidationError(
            ANNUAL_ERRORS["excluded"],
            code="excluded",
            params={"item": description or catalog_item.name, "name": rule.name, "reason": rule.reason},
        )
    }


def excluded_items(project: Project) -> list[tuple[PlanItem, ExcludedSpending]]:
    """The items of the project's latest plan version that the negative list refuses."""
    version = PlanVersion.objects.filter(project=project).order_by("-number").first()
    if version is None:
        return []
    rules = _rules()
    found = []
    for item in version.items.select_related("catalog_item"):
        if (rule := excluded_by(item.catalog_item, item.description, rules)) is not None:
            found.append((item, rule))
    return found


def _check_plan(project: Project) -> None:
    if found := excluded_items(project):
        raise _error("excluded_items", items="；".join(f"{item.description}（{rule.name}）" for item, rule in found))


@by_actor
@transaction.atomic
def exclusion_save(
    *, actor: User, name: str, reason: str, keywords: str = "", items=(), exclusion=None, is_active=True
) -> ExcludedSpending:
    if not permissions.can_keep_negative_list(actor):
        raise PermissionDenied(ANNUAL_ERRORS["not_allowed"])
    name, reason = (name or "").strip(), (reason or "").strip()
    if not name:
        raise _error("name_required", "name")
    if not reason:
        raise _error("reason_required", "reason")
    rule = exclusion or ExcludedSpending()
    rule.name, rule.reason, rule.keywords, rule.is_active = name, reason, (keywords or "").strip(), is_active
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError:
        raise _error("name_exists", "name", name=name) from None
    rule.items.set(items)
    return rule


# --- the year's plan ------------------------------------------------------------------------------


@by_actor
@transaction.atomic
def annual_plan_open(*, actor: User, year: int, note: str = "") -> AnnualPlan:
    if not permissions.can_open_year(actor):
        raise PermissionDenied(ANNUAL_ERRORS["not_allowed"])
    this_year = timezone.localdate().year
    if not this_year - 1 <= year <= this_year + 2:
        raise _error("year_range", "year")
    try:
        with transaction.atomic():
            return AnnualPlan.objects.create(year=year, note=(note or "").strip(), opened_by=actor)
    except IntegrityError:
        raise _error("year_exists", "year", year=year) from None


@by_actor
@transaction.atomic
def annual_plan_close(*, plan: AnnualPlan, actor: User) -> AnnualPlan:
    locked = AnnualPlan.objects.select_for_update().get(pk=plan.pk)
    if not permissions.can_close_year(actor, locked):
        raise PermissionDenied(ANNUAL_ERRORS["not_allowed"])
    locked.status = AnnualPlan.Status.CLOSED
    locked.save(update_fields=["status"])
    return locked


@by_actor
@transaction.atomic
def plan_entry_propose(*, plan: AnnualPlan, project: Project, actor: User, reason: str = "") -> PlanEntry:
    """The street office proposes one of its accepted projects for the year."""
    locked_plan = AnnualPlan.objects.select_for_update().get(pk=plan.pk)
    locked = Project.objects.select_for_update().select_related("estate__community").get(pk=project.pk)
    if not permissions.can_propose(actor, locked_plan, locked):
        if not permissions.proposes_for(actor, locked):
            raise PermissionDenied(ANNUAL_ERRORS["not_allowed"])
        if locked_plan.status != AnnualPlan.Status.OPEN:
            raise _error("closed", year=locked_plan.year)
        if locked.plan_year is not None:
            raise _error("already_planned", "project", year=locked.plan_year)
        raise _error("not_proposable", "project", status=locked.get_status_display())
    _check_plan(locked)
    live = PlanEntry.objects.filter(project=locked).exclude(status=PlanEntry.Status.DECLINED).first()
    if live is not None:
        raise _error("already_proposed", "project", year=live.plan.year)
    try:
        with transaction.atomic():
            return PlanEntry.objects.create(
                plan=locked_plan, project=locked, reason=(reason or "").strip(), proposed_by=actor
            )
    except IntegrityError:  # proposed twice at once: the first stands
        raise _error("already_proposed", "project", year=locked_plan.year) from None


@by_actor
@transaction.atomic
def plan_entry_withdraw(*, entry: PlanEntry, actor: User) -> None:
    locked = PlanEntry.objects.select_for_update().select_related("project__estate__community").get(pk=entry.pk)
    if not permissions.can_withdraw_entry(actor, locked):
        raise PermissionDenied(ANNUAL_ERRORS["not_allowed"])
    locked.delete()


@by_actor
@transaction.atomic
def plan_entry_decide(*, entry: PlanEntry, actor: User, confirm: bool, answer: str = "") -> PlanEntry:
    """The bureau confirms the project in the year's plan (it knows its plan year from now), or
    declines it with a reason; the street office is told."""
    locked = (
        PlanEntry.objects.select_for_update(of=("self",))
        .select_related("plan", "project__estate__community")
        .get(pk=entry.pk)
    )
    if not permissions.can_decide_entry(actor, locked):
        if permissions.keeps_the_plan(actor):
            raise _error("decided", status=locked.get_status_display())
        raise PermissionDenied(ANNUAL_ERRORS["not_allowed"])
    answer = (answer or "").strip()
    if not confirm and not answer:
        raise _error("answer_required", "answer")
    project = Project.objects.select_for_update().get(pk=locked.project_id)
    if confirm:
        _check_plan(project)
        project.plan_year = locked.plan.year
        project.save(update_fields=["plan_year"])
        with translation.override(settings.LANGUAGE_CODE):
            note = str(_("Included in the city's renovation plan for %(year)s (纳入年度改造计划).")) % {
                "year": locked.plan.year
            }
        ProjectEvent.objects.create(
            project=project, actor=actor, from_status=project.status, to_status=project.status, note=note
        )
        project_touch(project=project)
    locked.status = PlanEntry.Status.CONFIRMED if confirm else PlanEntry.Status.DECLINED
    locked.answer, locked.decided_by, locked.decided_at = answer, actor, timezone.now()
    locked.save(update_fields=["status", "answer", "decided_by", "decided_at"])
    notify(
        users=street_office_user_ids(locked.project.estate.community.street_id),
        kind=Notification.Kind.PLAN_YEAR_DECIDED,
        url=reverse("projects:annual_plan", args=[locked.plan.year]),
        key=f"plan-entry:{locked.pk}:decided",
        estate=locked.project.estate.name,
        year=locked.plan.year,
        decision="confirmed" if confirm else "declined",
    )
    return locked
