"""Reads, already scoped to what the user may see, with a fixed number of queries. disclosure reads
the public figures from here (public_complaint_stats, survey_results, satisfaction_by_project);
nothing here returns a resident's name, phone or unit to a public caller."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from projects.models import Award, PlanItem, PlanManagement, PlanVersion, Project, ProjectGroupObjectPermission
from stakeholders import permissions as stakeholder_permissions
from stakeholders.models import Organization, Ownership

from .lifecycle import COMPLAINT_PROJECT_STATUSES, CONFIDENTIAL_ROUTES, OPEN_STATUSES, overdue_q
from .models import Complaint, ComplaintUpdate, IntegrityReport, Invitation, Response, Survey

R = Complaint.Route


def _works_project_ids(user):
    """Projects whose works the user's organization holds (the awarded contractor's and supervisor's
    guardian grants, which always go to the organization's group): a subquery, no lookups."""
    return ProjectGroupObjectPermission.objects.filter(
        group__user=user,
        permission__content_type__app_label="projects",
        permission__codename__in=["report_progress", "supervise_project"],
    ).values("content_object_id")


def complaints_visible_to(user) -> QuerySet[Complaint]:
    """Every complaint the user may open (the same rule as permissions.can_view_complaint, as one
    filter: no per-row checks)."""
    qs = Complaint.objects.select_related("project__estate__community", "agency", "filed_by", "plan_item")
    if not user.is_authenticated:
        return qs.none()
    if stakeholder_permissions.is_platform_admin(user) or stakeholder_permissions.is_bureau_staff(user):
        return qs
    resident = stakeholder_permissions.resident_profile(user)
    visible = Q(project__estate__community__street_id__in=stakeholder_permissions.street_ids_staffed(user))
    visible |= Q(project__estate__community_id__in=stakeholder_permissions.community_ids_staffed(user)) & ~Q(
        route__in=CONFIDENTIAL_ROUTES
    )
    if resident is not None:
        visible |= Q(filed_by=resident)
        supervised = stakeholder_permissions.serving_council_estate_ids(user)
        if supervised:  # permissions.is_complaint_supervisor as a filter
            visible |= Q(project__estate_id__in=supervised) & ~Q(route__in=CONFIDENTIAL_ROUTES)
    if stakeholder_permissions.is_contractor_staff(user) or stakeholder_permissions.is_supervisor_staff(user):
        visible |= Q(route=R.WORKS, project__in=_works_project_ids(user))
    organizations = [m.organization_id for m in stakeholder_permissions.memberships(user)]
    if organizations:  # permissions._maintains: the firm or utility maintaining a renovated item
        visible |= Q(route=R.MAINTAINER, agency_id__in=organizations)
    return qs.filter(visible)


def complaint_list(
    user, *, status: str = "", project_code: str = "", overdue: bool = False, mine: bool = False, now=None
):
    qs = complaints_visible_to(user)
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status in Complaint.Status.values:
        qs = qs.filter(status=status)
    if project_code:
        qs = qs.filter(project__code=project_code)
    if overdue:
        qs = qs.filter(overdue_q(now or timezone.now()))
    if mine:
        resident = stakeholder_permissions.resident_profile(user)
        qs = qs.filter(filed_by=resident) if resident else qs.none()
    return qs.annotate(photo_count=Count("photos", distinct=True)).order_by("-filed_at", "-id")


def complaint_updates(complaint: Complaint, *, show_filer: bool = True):
    """The complaint's history. Without `show_filer` (a council representative reading it): the
    answerers' steps and the portal's, and the filer's status changes without their words."""
    updates = (
        ComplaintUpdate.objects.filter(complaint=complaint)
        .select_related("author__resident", "organization")
        .order_by("at", "id")
    )
    if show_filer:
        return updates
    return updates.filter(Q(organization__isnull=False) | Q(author__isnull=True) | ~Q(to_status=F("from_status")))


def complaint_photos(complaint: Complaint):
    return list(complaint.photos.order_by("id"))


def projects_open_for_complaints(user) -> list[Project]:
    """The projects of the estates where the user holds a claim, that take complaints now."""

    return list(
        Project.objects.filter(
            estate_id__in=stakeholder_permissions.claimed_estate_ids(user), status__in=COMPLAINT_PROJECT_STATUSES
        )
        .select_related("estate")
        .order_by("estate__name", "-created_at")
    )


def complaint_counts(user, *, now=None) -> dict[str, int]:
    """For dashboards: the user's open and overdue complaints (one query)."""
    now = now or timezone.now()
    return complaints_visible_to(user).aggregate(
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("id", filter=overdue_q(now)),
    )


# --- public complaint figures (no text, no names) -----------------------------------------------------


@dataclass
class ComplaintStats:
    total: int = 0
    by_status: list[tuple[str, str, int]] = field(default_factory=list)  # (code, label, count)
    median_acknowledge_hours: Decimal | None = None
    median_resolve_days: Decimal | None = None


def maintained_by(organization_ids: list[int]) -> list[dict]:
    """For a property firm's or a utility's staff (issue 20): the projects whose adopted plan names
    their organization — to manage the estate after the works, or to maintain some of its items —
    with the complaints routed to them still open (three queries)."""
    adopted = PlanVersion.Status.ADOPTED
    manages = set(
        PlanManagement.objects.filter(organization_id__in=organization_ids, version__status=adopted).values_list(
            "version__project_id", flat=True
        )
    )
    items = dict(
        PlanItem.objects.filter(maintainer_organization_id__in=organization_ids, version__status=adopted)
        .values("version__project_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("version__project_id", "n")
    )
    projects = Project.objects.filter(pk__in=manages | set(items)).select_related("estate").order_by("estate__name")
    open_here = dict(
        Complaint.objects.filter(
            agency_id__in=organization_ids, route=R.MAINTAINER, status__in=OPEN_STATUSES, project__in=projects
        )
        .values("project_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("project_id", "n")
    )
    return [
        {"project": p, "manages": p.pk in manages, "items": items.get(p.pk, 0), "open": open_here.get(p.pk, 0)}
        for p in projects
    ]


def warranty_complaint_counts(organization) -> dict[str, int]:
    """The contractor's public record after the build (issue 20): complaints about items it built
    that came to it inside their warranty — how many, how many resolved, how many still open."""
    rows = dict(
        Complaint.objects.filter(agency=organization, route=R.WORKS, warranty_until__isnull=False)
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("status", "n")
    )
    done = rows.get(Complaint.Status.RESOLVED, 0) + rows.get(Complaint.Status.CLOSED, 0)
    return {"total": sum(rows.values()), "resolved": done, "open": sum(rows.values()) - done}


def public_complaint_stats(project: Project) -> ComplaintStats:
    """Counts by status and the median times to acknowledge and to resolve (one query)."""
    rows = list(
        Complaint.objects.filter(project=project).values_list("status", "filed_at", "acknowledged_at", "resolved_at")
    )
    counts = {code: 0 for code in Complaint.Status.values}
    acknowledge, resolve = [], []
    for status, filed, acknowledged, resolved in rows:
        counts[status] += 1
        if acknowledged:
            acknowledge.append((acknowledged - filed).total_seconds() / 3600)
        if resolved:
            resolve.append((resolved - filed).total_seconds() / 86400)
    return ComplaintStats(
        total=len(rows),
        by_status=[(code, Complaint.Status(code).label, counts[code]) for code in Complaint.Status.values],
        median_acknowledge_hours=Decimal(str(round(statistics.median(acknowledge), 1))) if acknowledge else None,
        median_resolve_days=Decimal(str(round(statistics.median(resolve), 1))) if resolve else None,
    )


# --- surveys ----------------------------------------------------------------------------------------


@dataclass
class QuestionResult:
    code: str
    label: str
    average: Decimal | None
    counts: list[int]  # answers scoring 1..5

    @property
    def shares(self) -> list[int]:
        total = sum(self.counts)
        return [round(100 * c / total) if total else 0 for c in self.counts]


@dataclass
class SurveyResults:
    survey: Survey
    responses: int
    households: int
    shown: bool  # at least SURVEY_MIN_RESPONSES answers (privacy)
    questions: list[QuestionResult] = field(default_factory=list)
    texts: list[tuple] = field(default_factory=list)  # (submitted_at, text), street office and bureau only

    @property
    def overall(self) -> Decimal | None:
        return self.questions[0].average if self.questions else None

    @property
    def turnout_percent(self) -> int:
        return round(100 * self.responses / self.households) if self.households else 0


def _result_aggregates(prefix: str = "") -> dict:
    """Count of answers and of each score 1–5 of each question (over Response, or via `prefix`)."""
    aggregates = {"n": Count(f"{prefix}id")}
    for q in Response.QUESTIONS + ("management",):
        for score in range(1, 6):
            aggregates[f"{q}_{score}"] = Count(f"{prefix}id", filter=Q(**{f"{prefix}{q}": score}))
    return aggregates


def survey_results(survey: Survey, *, with_text: bool = False) -> SurveyResults:
    """Averages and the 1–5 distribution of each question (one aggregate query), hidden below
    SURVEY_MIN_RESPONSES answers; free text (one more query) only when asked for."""
    figures = getattr(survey, "result_figures", None)  # surveys_of_project counted them already
    if figures is None:
        figures = Response.objects.filter(survey=survey).aggregate(**_result_aggregates())
    n = figures["n"]
    result = SurveyResults(
        survey=survey, responses=n, households=survey.households, shown=n >= settings.SURVEY_MIN_RESPONSES
    )
    if result.shown:
        for q in survey.questions:
            counts = [figures[f"{q}_{s}"] for s in range(1, 6)]
            total = sum(s * c for s, c in zip(range(1, 6), counts))
            average = (Decimal(total) / Decimal(n)).quantize(Decimal("0.01"))
            result.questions.append(
                QuestionResult(
                    code=q, label=str(Response._meta.get_field(q).verbose_name), average=average, counts=counts
                )
            )
    if with_text:
        result.texts = list(
            Response.objects.filter(survey=survey)
            .exclude(text="")
            .order_by("submitted_at", "id")
            .values_list("submitted_at", "text")
        )
    return result


def satisfaction_by_project(project_ids=None) -> dict[int, Decimal]:
    """Overall average of each project's latest closed survey with enough answers (open data)."""
    qs = Survey.objects.filter(status=Survey.Status.CLOSED)
    if project_ids is not None:
        qs = qs.filter(project_id__in=project_ids)
    rows = (
        Response.objects.filter(survey__in=qs)
        .values("survey_id", "survey__project_id", "survey__opened_at")
        .annotate(n=Count("id"), total=Sum("overall"))
        .order_by("survey__opened_at")
    )
    result = {}
    for row in rows:
        if row["n"] >= settings.SURVEY_MIN_RESPONSES:
            result[row["survey__project_id"]] = (Decimal(row["total"]) / Decimal(row["n"])).quantize(Decimal("0.01"))
    return result


def surveys_of_project(project: Project) -> list[Survey]:
    """The project's surveys with their answer counts (one query, whatever the number of surveys):
    survey_results reads the counts from them."""
    aggregates = _result_aggregates("responses__")
    surveys = list(
        Survey.objects.filter(project=project)
        .annotate(**{f"rf_{k}": v for k, v in aggregates.items()})
        .order_by("opened_at")
    )
    for survey in surveys:
        survey.project = project  # already loaded
        survey.result_figures = {k: getattr(survey, f"rf_{k}") for k in aggregates}
    return surveys


def survey_desk_figures(survey: Survey) -> dict[str, int]:
    """Invited, sent, to print, answered online and on paper (one query)."""
    D = Invitation.Delivery
    figures = survey.invitations.aggregate(
        invited=Count("id"),
        messaged=Count("id", filter=Q(delivery=D.MESSAGE)),
        to_print=Count("id", filter=Q(delivery=D.PRINT)),
        unsent=Count("id", filter=Q(sent_at__isnull=True)),
        reminded=Count("id", filter=Q(reminded_at__isnull=False)),
        answered=Count("id", filter=Q(response__isnull=False)),
    )
    by_channel = dict(survey.responses.values_list("channel").annotate(n=Count("id")).values_list("channel", "n"))
    return {**figures, "online": by_channel.get("online", 0), "paper": by_channel.get("paper", 0)}


def invitations_to_print(survey: Survey, *, only_without_account: bool = True, unit: str = "", building: str = ""):
    """Unanswered invitations with their household (for the committee's printed letters)."""
    qs = (
        survey.invitations.filter(response__isnull=True)
        .select_related("household__building__estate")
        .order_by("household__building__number", "household__unit", "household__floor", "household__room")
    )
    if only_without_account:
        qs = qs.exclude(delivery=Invitation.Delivery.MESSAGE)
    if building:
        qs = qs.filter(household__building__number=building)
    if unit:
        qs = qs.filter(household__unit=unit)
    return qs


def unanswered_invitations(survey: Survey, query: str = ""):
    """For the paper desk: invitations still unanswered, searchable by building / room."""
    qs = (
        survey.invitations.filter(response__isnull=True)
        .select_related("household__building")
        .order_by("household__building__number", "household__unit", "household__floor", "household__room")
    )
    if query:
        qs = qs.filter(Q(household__room__icontains=query) | Q(household__building__number=query))
    return qs


def invitations_for(user, *, now=None):
    """Open, unanswered invitations of households whose voting owner is the user (their dashboard)."""
    now = now or timezone.now()
    return (
        Invitation.objects.filter(
            survey__status=Survey.Status.OPEN,
            survey__closes_at__gt=now,
            response__isnull=True,
            household__ownerships__is_voting_owner=True,
            household__ownerships__resident__user=user,
        )
        .select_related("survey__project__estate", "household__building")
        .order_by("survey__closes_at", "id")
    )


def invitation_of_owner(user, pk: int) -> Invitation | None:
    """An invitation of one of the user's households as voting owner (else None: 404)."""
    return (
        Invitation.objects.filter(
            pk=pk, household__ownerships__is_voting_owner=True, household__ownerships__resident__user=user
        )
        .select_related("survey__project__estate", "household__building")
        .first()
    )


def has_response(invitation: Invitation) -> bool:
    return Response.objects.filter(invitation=invitation).exists()


def voting_owner_user_id(invitation: Invitation) -> int | None:
    return (
        Ownership.objects.filter(household_id=invitation.household_id, is_voting_owner=True)
        .values_list("resident__user_id", flat=True)
        .first()
    )


def surveys_visible_to(user) -> QuerySet[Survey]:
    """Surveys whose desk the user may open: the estate's committee and street office, the bureau."""
    qs = Survey.objects.select_related("project__estate__community__street")
    if not user.is_authenticated:
        return qs.none()
    if stakeholder_permissions.is_platform_admin(user) or stakeholder_permissions.is_bureau_staff(user):
        return qs
    return qs.filter(
        Q(project__estate__community_id__in=stakeholder_permissions.community_ids_staffed(user))
        | Q(project__estate__community__street_id__in=stakeholder_permissions.street_ids_staffed(user))
    )


def effective_routes(project) -> dict[str, str]:
    """Where a new complaint of each route would go on this project today: the works to the street
    office while no contractor is awarded, the committee's to it while the community has none in the
    portal (the same rule as services.complaint_route, read in two queries)."""

    R = Complaint.Route
    has_contractor = Award.objects.filter(project=project, role=Award.Role.CONTRACTOR, ended_at__isnull=True).exists()
    has_committee = Organization.objects.filter(
        kind=Organization.Kind.COMMUNITY_COMMITTEE, community_id=project.estate.community_id
    ).exists()
    return {
        R.WORKS: R.WORKS if has_contractor else R.STREET,
        R.COMMUNITY: R.COMMUNITY if has_committee else R.STREET,
        R.STREET: R.STREET,
    }


def integrity_counts_by_street() -> tuple[list[dict], dict]:
    """Integrity and fund-use reports per street, in public (issue 21 item 3): how many were
    opened, answered, closed and late — counts only, never the content — and the city's totals.
    One query."""
    S = IntegrityReport.Status
    rows = list(
        IntegrityReport.objects.values("street__name")
        .annotate(
            opened=Count("id"),
            answered=Count("id", filter=Q(status__in=(S.ANSWERED, S.CLOSED))),
            closed=Count("id", filter=Q(status=S.CLOSED)),
            late=Count("id", filter=Q(escalated_at__isnull=False)),
        )
        .order_by("street__name")
    )
    return rows, {k: sum(r[k] for r in rows) for k in ("opened", "answered", "closed", "late")}


def integrity_open_counts() -> dict:
    """For the inspection office's and the bureau's home page: reports not yet answered, and late."""
    S = IntegrityReport.Status
    return IntegrityReport.objects.filter(status__in=(S.SUBMITTED, S.ACKNOWLEDGED)).aggregate(
        open=Count("id"), late=Count("id", filter=Q(escalated_at__isnull=False))
    )
