"""Completion acceptance as 《建设工程质量管理条例》 art. 16 has it (issue 20 item 2): the contractor
files a completion report (竣工报告) with each plan item's final quantity and cost; the contractor,
the designer (when a design firm was at the table), the supervisor, the street office as the
owner's representative and a council representative sign it. A refusal lists defects with
deadlines (the punch list, 整改项); once the contractor has marked them all fixed it files the next
report, which everyone signs again. The last agreement completes the project."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Date
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.errors import errors_for
from core.files import check_upload
from core.photos import document_without_metadata
from stakeholders.audit import by_actor
from stakeholders.models import CouncilMember, Membership, Notification, Organization, User
from stakeholders.selectors import street_office_user_ids
from stakeholders.services import notify, organization_grant

from .. import permissions
from ..after_build import adopted_items, adopted_management
from ..models import (
    AcceptanceSignature,
    Award,
    CompletionLine,
    CompletionReport,
    Defect,
    PlanDesigner,
    PlanItem,
    Project,
    ProjectEvent,
)
from ..revision import project_touch
from .lifecycle import project_transition
from .renewal import term_end

ACCEPTANCE_ERRORS = {
    "not_allowed": _("You cannot sign this project's completion acceptance."),
    "already_signed": _("The %(role)s has already signed this acceptance."),
    "report_not_allowed": _(
        "Only the contractor files the completion report, while the works are under way, when no report waits "
        "for signatures and every defect of the last refusal is marked fixed."
    ),
    "no_plan": _("The project has no adopted plan to report against."),
    "scope_required": _("Say what was done: the scope as built."),
    "line_missing": _("Give the final quantity and cost of every item of the plan."),
    "quantity_range": _("Enter a quantity from 0 to 9,999,999,999.99."),
    "cost_range": _("Enter a cost from ¥0.00 to ¥999,999,999,999.99."),
    "gaps": _(
        "Not everything is finished: %(gaps)s. Finish it first, or write down why acceptance should go ahead "
        "anyway — the reason will be public."
    ),
    "contractor_cannot_refuse": _("The contractor confirms its own report; it does not refuse it."),
    "defects_required": _("List at least one defect to fix, each with the date it must be fixed by."),
    "defects_with_agree": _("You listed defects: choose “refuse” so they go to the contractor as a punch list."),
    "defect_description": _("Say what must be fixed (up to 500 characters)."),
    "defect_due": _("The fix-by date must be from today to one year ahead."),
    "defect_item": _("That item is not in the adopted plan."),
    "works_changed": _(
        "Since the report was filed the works show unfinished items or milestones (%(gaps)s): the contractor "
        "must file a new report."
    ),
    "fix_not_allowed": _("Only the contractor marks a defect fixed, once, while the works are open."),
    "fix_note_required": _("Say how the defect was fixed."),
}
_error = errors_for(ACCEPTANCE_ERRORS)

MAX_QUANTITY = Decimal("9999999999.99")
MAX_COST = Decimal("999999999999.99")
MAX_DEFECTS = 20
DEFECT_HORIZON = timedelta(days=365)


@dataclass(frozen=True)
class Gap:
    """Something not finished when the report is filed: a plan item below 100 % or a milestone
    not met. Stored as codes on the report; the pages draw them as words."""

    kind: str  # "item" | "milestone"
    id: int
    title: str
    state: str  # the item's percent, or the milestone's status code
    due: str = ""  # the milestone's planned date (ISO)

    def as_json(self) -> dict:
        return {"kind": self.kind, "id": self.id, "title": self.title, "state": self.state, "due": self.due}


# What is unfinished (each callable answers a list of Gap for a project): apps that own the works'
# records register theirs — disclosure: the items' progress and the milestones.
COMPLETION_GAPS: list = []


def completion_gaps(project: Project) -> list[Gap]:
    return [gap for check in COMPLETION_GAPS for gap in check(project)]


def gap_words(gaps: list) -> str:
    """One line naming what is unfinished, for messages (the pages draw the stored gaps themselves)."""
    words = []
    for gap in gaps:
        gap = gap if isinstance(gap, Gap) else Gap(**gap)
        if gap.kind == "item":
            words.append(str(_("“%(title)s” at %(percent)s%%") % {"title": gap.title, "percent": gap.state}))
        else:
            words.append(str(_("milestone “%(title)s” not met") % {"title": gap.title}))
    return "；".join(words)


def _adopted_items(project: Project) -> list[PlanItem]:
    return list(adopted_items(project))


def _signer_user_ids(project: Project) -> set[int]:
    """Everyone who may sign: the awarded firms' and design firms' staff, the street office, the council."""
    organizations = set(
        Award.objects.filter(project=project, ended_at__isnull=True).values_list("organization_id", flat=True)
    ) | set(
        PlanDesigner.objects.filter(project=project, organization__kind=Organization.Kind.DESIGNER).values_list(
            "organization_id", flat=True
        )
    )
    staff = set(Membership.objects.filter(organization_id__in=organizations).values_list("user_id", flat=True))
    council = set(
        CouncilMember.objects.filter(council__estate_id=project.estate_id, ended_on__isnull=True).values_list(
            "resident__user_id", flat=True
        )
    )
    return staff | council | street_office_user_ids(project.estate.community.street_id)


def _clean_lines(items: list[PlanItem], lines: dict) -> list[CompletionLine]:
    """`lines`: {plan item id: (final quantity, final cost, note)} — one for every item."""
    clean = []
    for item in items:
        quantity, cost, note = lines.get(item.pk, (None, None, ""))
        if quantity is None or cost is None:
            raise _error("line_missing", f"item_{item.pk}_quantity" if quantity is None else f"item_{item.pk}_cost")
        if not Decimal("0") <= quantity <= MAX_QUANTITY:
            raise _error("quantity_range", f"item_{item.pk}_quantity")
        if not Decimal("0") <= cost <= MAX_COST:
            raise _error("cost_range", f"item_{item.pk}_cost")
        clean.append(
            CompletionLine(
                plan_item=item,
                final_quantity=quantity.quantize(Decimal("0.01")),
                final_cost=cost.quantize(Decimal("0.01")),
                note=(note or "").strip()[:300],
            )
        )
    return clean


@by_actor
@transaction.atomic
def completion_report_file(
    *, project: Project, actor: User, scope_done: str, lines: dict, exception: str = "", document=None
) -> CompletionReport:
    """The contractor files the (next) completion report. Every adopted item needs its final
    quantity and cost; unfinished items or unmet milestones need a written, public exception."""
    locked = Project.objects.select_for_update().select_related("estate__community").get(pk=project.pk)
    if not permissions.can_file_completion_report(actor, locked):
        raise PermissionDenied(ACCEPTANCE_ERRORS["report_not_allowed"])
    items = _adopted_items(locked)
    if not items:
        raise _error("no_plan")
    scope_done = (scope_done or "").strip()
    if not scope_done:
        raise _error("scope_required", "scope_done")
    clean = _clean_lines(items, lines)
    gaps = completion_gaps(locked)
    exception = (exception or "").strip()
    if gaps and not exception:
        raise _error("gaps", "exception", gaps=gap_words(gaps))
    report = CompletionReport(
        project=locked,
        number=(CompletionReport.objects.filter(project=locked).aggregate(n=Max("number"))["n"] or 0) + 1,
        scope_done=scope_done[:4000],
        gaps=[gap.as_json() for gap in gaps],
        exception=exception[:2000] if gaps else "",
        organization=Award.objects.get(project=locked, role=Award.Role.CONTRACTOR, ended_at__isnull=True).organization,
        filed_by=actor,
    )
    if document:
        try:
            checked = check_upload(document)
        except ValidationError as error:
            raise ValidationError({"document": error}) from None
        report.document_content_type = checked.content_type
        report.document.save("report", document_without_metadata(document, checked.content_type), save=False)
    report.save()
    for line in clean:
        line.report = report
    CompletionLine.objects.bulk_create(clean)
    notify(
        users=_signer_user_ids(locked) - {actor.pk},
        kind=Notification.Kind.COMPLETION_FILED,
        url=reverse("projects:acceptance", args=[locked.code]),
        key=f"completion-filed:{report.pk}",
        estate=locked.estate.name,
        number=report.number,
    )
    project_touch(project=locked)
    return report


def _clean_defects(defects, items: list[PlanItem], today: Date) -> list[Defect]:
    """`defects`: (description, due_on, plan item or None) — rows left empty are skipped."""
    item_ids = {item.pk for item in items}
    clean = []
    for index, (description, due_on, plan_item) in enumerate(defects):
        description = (description or "").strip()
        if not description and due_on is None:
            continue
        if not description or len(description) > 500:
            raise _error("defect_description", f"defect_{index}_description")
        if due_on is None or not today <= due_on <= today + DEFECT_HORIZON:
            raise _error("defect_due", f"defect_{index}_due_on")
        if plan_item is not None and plan_item.pk not in item_ids:
            raise _error("defect_item", f"defect_{index}_plan_item")
        clean.append(Defect(description=description, due_on=due_on, plan_item=plan_item))
    return clean[:MAX_DEFECTS]


@by_actor
@transaction.atomic
def acceptance_sign(
    *,
    project: Project,
    role: str,
    actor: User,
    opinion: str = "",
    decision: str = AcceptanceSignature.Decision.AGREE,
    defects=(),
) -> AcceptanceSignature:
    """Sign the filed completion report in `role`: agree, or refuse listing the defects (which
    returns the report to the contractor as a punch list). When every required role has agreed,
    the project is completed today."""
    locked = Project.objects.select_for_update().select_related("estate__community").get(pk=project.pk)
    report = permissions.filed_report(locked)
    if report is not None and role in report.signed_roles:
        raise ValidationError(
            ACCEPTANCE_ERRORS["already_signed"],
            code="already_signed",
            params={"role": AcceptanceSignature.Role(role).label},
        )
    if not permissions.can_sign_acceptance(actor, locked, role):
        raise PermissionDenied(ACCEPTANCE_ERRORS["not_allowed"])
    signed_before = report.signed_roles
    report = CompletionReport.objects.select_for_update().get(pk=report.pk)
    refuse = decision == AcceptanceSignature.Decision.REFUSE
    clean = _clean_defects(defects, _adopted_items(locked), timezone.localdate())
    if refuse and not permissions.can_refuse_acceptance(role):
        raise _error("contractor_cannot_refuse", "decision")
    if refuse and not clean:
        raise _error("defects_required", "defect_0_description")
    if not refuse and clean:
        raise _error("defects_with_agree", "decision")
    if not refuse and not report.exception and (gaps := completion_gaps(locked)):
        raise _error("works_changed", gaps=gap_words(gaps))
    signature = AcceptanceSignature.objects.create(
        project=locked,
        report=report,
        role=role,
        decision=decision,
        signed_by=actor,
        opinion=(opinion or "").strip()[:2000],
    )
    now = timezone.now()
    if refuse:
        for defect in clean:
            defect.report, defect.signature = report, signature
        Defect.objects.bulk_create(clean)
        report.status, report.closed_at = CompletionReport.Status.RETURNED, now
        report.save(update_fields=["status", "closed_at"])
        notify(
            users=Membership.objects.filter(organization_id=report.organization_id).values_list("user_id", flat=True),
            kind=Notification.Kind.ACCEPTANCE_REFUSED,
            url=reverse("projects:acceptance", args=[locked.code]),
            key=f"acceptance-refused:{signature.pk}",
            estate=locked.estate.name,
            role=str(AcceptanceSignature.Role(role).label),
            count=len(clean),
            due=min(d.due_on for d in clean).isoformat(),
        )
    elif set(permissions.required_acceptance_roles(locked)) <= signed_before | {role}:
        report.status, report.closed_at = CompletionReport.Status.ACCEPTED, now
        report.save(update_fields=["status", "closed_at"])
        locked.completed_on = timezone.localdate()
        locked.save(update_fields=["completed_on"])
        project_transition(project=locked, to=Project.Status.COMPLETED, actor=actor, by_service=True)
        _hand_over(locked, actor)
    project_touch(project=locked)
    return signature


def _hand_over(project: Project, actor: User) -> Award | None:
    """At acceptance the estate goes to the manager the owners voted for (the adopted plan's
    management section): its staff get the project and its management ledger. A section without a
    firm (the community, the owners, or a firm still to be chosen) hands over to no one here."""
    management = adopted_management(project)
    firm = management.organization if management is not None else None
    if firm is None or not firm.is_active:
        return None
    award = Award.objects.create(
        project=project,
        role=Award.Role.MANAGER,
        organization=firm,
        awarded_by=actor,
        term_ends=term_end(timezone.localdate(), management.contract_years or settings.MANAGER_DEFAULT_TERM_YEARS),
    )
    for perm in (permissions.VIEW, permissions.MANAGE):
        organization_grant(organization=firm, perm=perm, obj=project)
    with translation.override(settings.LANGUAGE_CODE):
        note = str(_("Handed over to %(name)s, the manager the owners voted for with the plan.") % {"name": firm.name})
    ProjectEvent.objects.create(
        project=project, actor=actor, from_status=project.status, to_status=project.status, note=note
    )
    return award


@by_actor
@transaction.atomic
def defect_fix(*, defect: Defect, actor: User, note: str) -> Defect:
    """The contractor marks a defect of the punch list fixed, saying how (public with the defect)."""
    locked = Defect.objects.select_for_update(of=("self",)).select_related("report__project__estate").get(pk=defect.pk)
    if not permissions.can_fix_defect(actor, locked):
        raise PermissionDenied(ACCEPTANCE_ERRORS["fix_not_allowed"])
    note = (note or "").strip()
    if not note:
        raise _error("fix_note_required", "note")
    locked.fixed_at, locked.fixed_by, locked.fix_note = timezone.now(), actor, note[:1000]
    locked.save(update_fields=["fixed_at", "fixed_by", "fix_note"])
    project_touch(project=locked.report.project)
    return locked


def defects_overdue_notify(now=None) -> int:
    """The beat task: tell the contractor and the signer who raised it, once per defect, that a
    defect's fix-by date passed without the fix. Returns how many defects were reported."""
    now = now or timezone.now()
    reported = 0
    due = Defect.objects.filter(
        fixed_at__isnull=True, overdue_notified_at__isnull=True, due_on__lt=timezone.localdate(now)
    )
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            defect = (
                Defect.objects.select_for_update(of=("self",), skip_locked=True)
                .select_related("report__project__estate", "signature")
                .filter(pk=pk, fixed_at__isnull=True, overdue_notified_at__isnull=True)
                .first()
            )
            if defect is None:
                continue
            project = defect.report.project
            staff = Membership.objects.filter(organization_id=defect.report.organization_id)
            notify(
                users=[*staff.values_list("user_id", flat=True), defect.signature.signed_by_id],
                kind=Notification.Kind.DEFECT_OVERDUE,
                url=reverse("projects:acceptance", args=[project.code]) + f"#defect-{defect.pk}",
                key=f"defect-overdue:{defect.pk}",
                estate=project.estate.name,
                due=defect.due_on.isoformat(),
                defect=defect.description[:60],
            )
            defect.overdue_notified_at = now
            defect.save(update_fields=["overdue_notified_at"])
            reported += 1
    return reported
