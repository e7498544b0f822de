"""The home page's role dashboards: what each role sees, and the figures behind them (reads across
the apps; portal may import them all).

`build(viewer)` takes the person's Viewer (stakeholders/viewer.py: memberships, estates, roles, read
once per request) and hands it down to each block, so no block re-derives who the person is. Every
block runs a fixed number of queries, whatever the number of estates, claims or projects: grouping
and counting happen in the database, lists are cut to a few rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.selectors import dashboard_blocks as approval_blocks
from disclosure.models import Budget, BudgetLine, LedgerEntry, Milestone, ProgressUpdate
from disclosure.selectors import home_figures, projects_with_money
from disclosure.utilities import dashboard_blocks as utility_blocks
from feedback import selectors as feedback_selectors
from feedback import willingness
from feedback.lifecycle import OPEN_STATUSES, overdue_q
from feedback.models import Complaint
from projects import selectors as project_selectors
from projects.models import Award, FundingSource, Need, PlanVersion, Project, Vote, Voter
from stakeholders import council_selectors, selectors
from stakeholders import party as stakeholder_party
from stakeholders.models import Building, Delivery, Estate, Household, Organization, Ownership, Residence
from stakeholders.permissions import RESENDABLE
from stakeholders.viewer import Viewer, viewer_of

LIST = 8  # rows of each "waiting for you" list
PROGRESS_BUCKETS = [(0, 24), (25, 49), (50, 74), (75, 99), (100, 100)]


@dataclass
class Chart:
    """A chart and the table beside it: labels and one or more series of numbers."""

    id: str
    kind: str  # bar | doughnut
    labels: list[str]
    series: list[tuple[str, list]]  # (label, values)
    horizontal: bool = False
    unit: str = "count"  # count (whole-number ticks) | money (¥, thousands separators) | rating

    def data(self) -> dict:
        return {
            "type": self.kind,
            "horizontal": self.horizontal,
            "unit": self.unit,
            "labels": [str(x) for x in self.labels],
            "series": [{"label": str(name), "data": [float(v) for v in values]} for name, values in self.series],
        }

    @property
    def data_id(self) -> str:
        return f"{self.id}-data"

    @property
    def rows(self):
        return [(label, [values[i] for _n, values in self.series]) for i, label in enumerate(self.labels)]


def _status_chart(projects, chart_id: str, title) -> Chart:
    counts = dict(projects.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    labels = [s for s in Project.Status.values if counts.get(s)]
    return Chart(
        chart_id,
        "bar",
        [Project.Status(s).label for s in labels],
        [(title, [counts[s] for s in labels])],
        horizontal=True,
    )


def _complaint_times(complaints) -> dict:
    hours = ExpressionWrapper(F("acknowledged_at") - F("filed_at"), output_field=DurationField())
    days = ExpressionWrapper(F("resolved_at") - F("filed_at"), output_field=DurationField())
    figures = complaints.aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        acknowledged=Count("id", filter=Q(acknowledged_at__isnull=False)),
        acknowledged_on_time=Count("id", filter=Q(acknowledged_at__lte=F("acknowledge_due"))),
        resolved=Count("id", filter=Q(resolved_at__isnull=False)),
        resolved_on_time=Count("id", filter=Q(resolved_at__lte=F("resolve_due"))),
        escalated=Count("id", filter=Q(escalated_at__isnull=False)),
        ack=Avg(hours),
        resolve=Avg(days),
    )
    figures["ack_hours"] = round(figures.pop("ack").total_seconds() / 3600, 1) if figures["ack"] else None
    figures["resolve_days"] = round(figures.pop("resolve").total_seconds() / 86400, 1) if figures["resolve"] else None
    for key in ("acknowledged", "resolved"):
        done = figures[key]
        figures[f"{key}_on_time_percent"] = round(100 * figures[f"{key}_on_time"] / done) if done else None
    return figures


@dataclass
class CityOverview:
    projects: int = 0
    by_status: Chart | None = None
    by_street: Chart | None = None
    by_source: Chart | None = None
    progress: Chart | None = None
    contractors: Chart | None = None
    complaints: dict = field(default_factory=dict)
    budget_total: Decimal = Decimal("0")
    received: Decimal = Decimal("0")


def city_overview() -> CityOverview:
    """The bureau's city (7 queries)."""

    projects = Project.objects.all()
    overview = CityOverview(projects=projects.count())
    overview.by_status = _status_chart(projects, "chart-city-status", _("Projects"))
    streets = list(
        projects.order_by()
        .values("estate__community__street__name")
        .annotate(n=Count("id"))
        .order_by("-n", "estate__community__street__name")[:15]
    )
    overview.by_street = Chart(
        "chart-city-streets",
        "bar",
        [s["estate__community__street__name"] for s in streets],
        [(_("Projects"), [s["n"] for s in streets])],
        horizontal=True,
    )
    budgeted = dict(
        BudgetLine.objects.filter(budget__status=Budget.Status.PUBLISHED)
        .order_by()
        .values_list("source")
        .annotate(s=Sum("amount"))
        .values_list("source", "s")
    )
    received = dict(
        LedgerEntry.objects.filter(kind=LedgerEntry.Kind.INCOME)
        .order_by()
        .values_list("category")
        .annotate(s=Sum("amount"))
        .values_list("category", "s")
    )
    sources = [s for s in FundingSource.values if budgeted.get(s) or received.get(s)]
    overview.by_source = Chart(
        "chart-city-sources",
        "bar",
        [FundingSource(s).label for s in sources],
        [
            (_("Budgeted (¥)"), [budgeted.get(s) or Decimal("0") for s in sources]),
            (_("Received (¥)"), [received.get(s) or Decimal("0") for s in sources]),
        ],
        horizontal=True,
        unit="money",
    )
    overview.budget_total = sum(budgeted.values(), Decimal("0"))
    overview.received = sum(received.values(), Decimal("0"))
    latest = (
        ProgressUpdate.objects.filter(project=OuterRef("pk"))
        .order_by("-posted_at", "-id")
        .values("project_percent")[:1]
    )
    percents = projects.annotate(p=Subquery(latest)).filter(p__isnull=False).order_by().values("p")
    buckets = percents.aggregate(
        **{f"b{lo}": Count("pk", filter=Q(p__gte=lo, p__lte=hi)) for lo, hi in PROGRESS_BUCKETS}
    )
    overview.progress = Chart(
        "chart-city-progress",
        "bar",
        [f"{lo}–{hi}%" if lo != hi else f"{lo}%" for lo, hi in PROGRESS_BUCKETS],
        [(_("Projects"), [buckets[f"b{lo}"] for lo, _hi in PROGRESS_BUCKETS])],
    )
    rated = list(
        Organization.objects.filter(kind=Organization.Kind.CONTRACTOR, rating_overall__isnull=False)
        .order_by(F("rating_overall").desc(), "name")
        .values_list("name", "rating_overall", "rating_responses")[:12]
    )
    overview.contractors = Chart(
        "chart-city-contractors",
        "bar",
        [name for name, _r, _n in rated],
        [(_("Residents' rating (1–5)"), [r for _n, r, _c in rated])],
        horizontal=True,
        unit="rating",
    )
    overview.complaints = _complaint_times(Complaint.objects.all())
    return overview


@dataclass
class StreetDesk:
    petitions: list = field(default_factory=list)
    plans: list = field(default_factory=list)
    budgets: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    by_status: Chart | None = None
    money: Chart | None = None
    money_rows: list = field(default_factory=list)
    complaints: dict = field(default_factory=dict)


def street_desk(viewer: Viewer) -> StreetDesk:
    """What waits for a street office, and its projects at a glance (7 queries)."""

    streets = viewer.street_ids
    projects = Project.objects.filter(estate__community__street_id__in=streets)
    desk = StreetDesk()
    desk.petitions = list(
        projects.filter(status=Project.Status.SUBMITTED).select_related("estate").order_by("status_changed_at")[:LIST]
    )
    desk.plans = list(
        PlanVersion.objects.filter(
            project__in=projects, status=PlanVersion.Status.DRAFT, project__status=Project.Status.PLANNING
        )
        .select_related("project__estate")
        .order_by("created_at")[:LIST]
    )
    # Every adopted plan waits for its budget: to draft (none yet — the field test's "nothing to do"
    # while a budget waited to be drafted), to approve, to publish. One query, the budget joined.
    desk.budgets = []
    for project in (
        projects.filter(status=Project.Status.PLAN_ADOPTED)
        .select_related("estate", "budget")
        .order_by("status_changed_at")[:LIST]
    ):
        budget = getattr(project, "budget", None)
        step = (
            _("to draft")
            if budget is None
            else (_("to approve") if budget.status == Budget.Status.DRAFT else _("to publish"))
        )
        desk.budgets.append((project, step))
    now = timezone.now()
    complaints = Complaint.objects.filter(project__in=projects)
    desk.overdue = list(
        complaints.filter(overdue_q(now)).select_related("project__estate").order_by("acknowledge_due")[:LIST]
    )
    desk.by_status = _status_chart(projects, "chart-street-status", _("Projects"))
    money = list(
        projects_with_money(projects.filter(budget__status=Budget.Status.PUBLISHED))
        .select_related("estate")
        .order_by("-budget_total")[:12]
    )
    desk.money_rows = money
    desk.money = Chart(
        "chart-street-money",
        "bar",
        [p.estate.name for p in money],
        [
            (_("Budget (¥)"), [p.budget_total or 0 for p in money]),
            (_("Spent (¥)"), [p.spent or 0 for p in money]),
        ],
        horizontal=True,
        unit="money",
    )
    desk.complaints = _complaint_times(complaints)
    return desk


def contractor_work(viewer: Viewer) -> dict:
    """The projects the user's organization holds the works of, with what is due (3 queries)."""
    orgs = [m.organization_id for m in viewer.memberships]
    awards = list(
        Award.objects.filter(organization_id__in=orgs, ended_at__isnull=True)
        .select_related("project__estate")
        .order_by("project__estate__name")
    )
    project_ids = [a.project_id for a in awards]
    soon = timezone.localdate() + timedelta(days=14)
    due = list(
        Milestone.objects.filter(project_id__in=project_ids, status=Milestone.Status.SCHEDULED, due_date__lte=soon)
        .select_related("project__estate")
        .order_by("due_date")[:LIST]
    )
    open_complaints = dict(
        Complaint.objects.filter(project_id__in=project_ids, route=Complaint.Route.WORKS, status__in=OPEN_STATUSES)
        .order_by()
        .values_list("project_id")
        .annotate(n=Count("id"))
        .values_list("project_id", "n")
    )
    today = timezone.localdate()
    return {
        "awards": [(a, open_complaints.get(a.project_id, 0)) for a in awards],
        "milestones": [(m, m.due_date < today) for m in due],
    }


def resident_work(viewer: Viewer) -> dict:
    """Open votes the user has not voted in yet, their needs and their open complaints (3 queries)."""
    resident = viewer.resident
    if resident is None:
        return {}
    now = timezone.now()
    votes = list(
        Voter.objects.filter(
            resident=resident, vote__status=Vote.Status.OPEN, vote__closes_at__gt=now, ballot__isnull=True
        )
        .select_related("vote__project__estate")
        .order_by("vote__closes_at")[:LIST]
    )
    needs = list(
        Need.objects.filter(filed_by=resident)
        .select_related("catalog_item", "project__estate")
        .order_by("-created_at")[:LIST]
    )
    complaints = list(
        Complaint.objects.filter(filed_by=resident, status__in=OPEN_STATUSES)
        .select_related("project__estate")
        .order_by("-filed_at")[:LIST]
    )
    # Votes of the owner's estates that opened before their claim was verified: the electorate was
    # fixed at opening (architecture §4), so they are not in it — the home page says so (one query).
    ownership = "project__estate__buildings__households__ownerships__"
    missed = list(
        Vote.objects.filter(
            status=Vote.Status.OPEN,
            closes_at__gt=now,
            **{
                f"{ownership}resident": resident,
                f"{ownership}status": Ownership.Status.VERIFIED,
                f"{ownership}is_voting_owner": True,
                "opened_at__lt": F(f"{ownership}reviewed_at"),
            },
        )
        .exclude(voters__resident=resident)
        .select_related("project__estate")
        .distinct()
        .order_by("closes_at")[:LIST]
    )
    return {"votes": [v.vote for v in votes], "needs": needs, "complaints": complaints, "missed_votes": missed}


def resident_block(viewer: Viewer) -> dict:
    user = viewer.user
    claims = list(selectors.ownerships_of_user(user))
    lived = list(selectors.residences_of_user(user).exclude(status=Residence.Status.ENDED))
    estates = selectors.estates_lived_in(claims, lived)
    has_verified = any(c.status == Ownership.Status.VERIFIED for c in claims)
    return {
        "invitations": list(project_selectors.invitations_for(user)),
        "petitionable": project_selectors.petitionable_estates(user) if has_verified else [],
        "council_needed": project_selectors.estates_awaiting_council(user) if has_verified else [],
        "claims": claims,
        "residences": lived,
        "estates": estates,
        "has_verified": has_verified,
        "figures": home_figures(user, [e.pk for e in estates]) if has_verified else [],
        "elevator_entrances": project_selectors.elevator_entrances(user) if has_verified else [],
        "surveys": list(feedback_selectors.invitations_for(user)),
        "willingness": list(willingness.open_invitations_for(user)),
        # The resident's own Party membership claim and the branch's answer (already loaded).
        "profile": viewer.resident,
        # Seats on a residents' council, with the certificate to print (no query unless a member).
        "seats": council_selectors.seats_of(user) if viewer.council_estate_ids else [],
        # 关怀模式's simple home: the estate's renovation, for the "money and progress" tile (one query).
        "care_projects": list(project_selectors.public_projects_of_estates([e.pk for e in estates]))
        if getattr(user, "care_mode", False)
        else [],
    }


def _with_projects(estates: list[Estate]) -> list[Estate]:
    """Each estate with `project_code`: its newest project's, for the link on its name (one query)."""
    latest = {}
    for estate_id, code in project_selectors.project_codes_of_estates([e.pk for e in estates]):
        latest.setdefault(estate_id, code)
    for estate in estates:
        estate.project_code = latest.get(estate.pk)
    return estates


def community_block(viewer: Viewer) -> dict:
    estates = _with_projects(list(selectors.estates_for_community_staff(viewer.user)))
    return {
        "estates": estates,
        "pending": sum(e.pending_count for e in estates),
        # The paper-ballot desk of every open vote in their estates (one query).
        "open_votes": list(project_selectors.open_votes_of_estates([e.pk for e in estates])),
    }


def street_block(viewer: Viewer) -> dict:
    estates = _with_projects(list(selectors.estates_for_street_staff(viewer.user)))
    return {
        "estates": estates,
        "households": sum(e.household_count for e in estates),
        "verified": sum(e.verified_count for e in estates),
        "pending": sum(e.pending_count for e in estates),
    }


def city_block() -> dict:
    """Bureau and admin: city totals in four queries (plain counts, cheap at city scale)."""
    totals = {
        "estates": Estate.objects.count(),
        "buildings": Building.objects.count(),
        "households": Household.objects.count(),
    }
    ownership = Ownership.objects.aggregate(
        verified=Count("id", filter=Q(status=Ownership.Status.VERIFIED)),
        pending=Count("id", filter=Q(status=Ownership.Status.PENDING)),
    )
    return {**totals, **ownership}


def build(viewer) -> dict:
    """The dashboard of one person (their Viewer; a user is taken to theirs)."""
    viewer = viewer_of(viewer)
    user = viewer.user
    roles = viewer.roles
    context: dict = {"roles": roles, "organizations": [m.organization for m in viewer.memberships]}
    if "resident" in roles:
        context["resident"] = {**resident_block(viewer), "work": resident_work(viewer)}
    if "community" in roles:
        context["community"] = community_block(viewer)
    if "party_branch" in roles:
        context["party_branch"] = {"pending": stakeholder_party.pending_count(user)}
    if "inspection" in roles or "bureau" in roles:  # integrity reports (issue 21 item 3): one query
        context["integrity"] = feedback_selectors.integrity_open_counts()
    if "street" in roles:
        context["street"] = street_block(viewer)
        context["street_desk"] = street_desk(viewer)
    if "bureau" in roles or "admin" in roles:
        context["city"] = city_block()
        context["overview"] = city_overview()
        context["city_councils"] = council_selectors.councils_by_street()
        context["city_willingness"] = willingness.city_totals()  # 意愿调查 over the city (3 queries)
    if "admin" in roles:
        # Messages stopped mid-call or failed every attempt: the admin checks and resends them (an action).
        context["deliveries_to_check"] = Delivery.objects.filter(status__in=RESENDABLE).count()
    if "contractor" in roles or "supervisor" in roles:
        context["works"] = contractor_work(viewer)
    context.update(approval_blocks(user, roles) | utility_blocks(user))  # 并联审批, flagged awards, utilities' shares
    if "partner" in roles:  # property firms and utilities: what they manage or maintain (issue 20)
        context["maintained"] = feedback_selectors.maintained_by([m.organization_id for m in viewer.memberships])
    if roles:  # complaints the user filed or must answer, open and overdue (one query)
        context["complaints"] = feedback_selectors.complaint_counts(user)
    context["charts"] = [
        c
        for block in (context.get("street_desk"), context.get("overview"))
        if block
        for c in vars(block).values()
        if isinstance(c, Chart) and c.labels
    ]
    return context
