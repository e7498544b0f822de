"""Reads for the public pages and open data: a fixed number of queries whatever the size of the
ledger or the number of progress posts, and never a resident's personal data."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear

from feedback.models import Response
from projects import shares
from projects.after_build import adopted_items
from projects.lifecycle import PUBLIC_STATUSES  # noqa: F401  (what the public sees; re-exported)
from projects.models import (
    Award,
    FundingSource,
    PlanItem,
    PlanItemFunding,
    Project,
    Vote,
)
from stakeholders.models import Organization, Ownership

from . import inspections as inspection_reads
from . import ledger
from .categories import ledger_category_label, ledger_category_labels  # noqa: F401
from .ledger import MAINTENANCE_PAID, MANAGEMENT_CATEGORIES, is_management
from .models import Budget, LedgerCheckpoint, LedgerEntry, Milestone, ProgressPhoto, ProgressUpdate, SharePayment

S = Project.Status
MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)
LEDGER_ON_PAGE = 20
PROGRESS_ON_PAGE = 30


def ledger_net(kind: str):
    """The net amount of one kind over ledger rows: entries of that kind minus reversals of them."""
    return Coalesce(
        Sum(
            Case(
                When(kind=kind, then=F("amount")),
                When(kind=LedgerEntry.Kind.REVERSAL, reverses__kind=kind, then=-F("amount")),
                default=ZERO,
                output_field=MONEY,
            )
        ),
        ZERO,
        output_field=MONEY,
    )


def projects_with_money(qs):
    """Projects annotated with their published budget, net income and spending (the ledger's
    totals, kept on the budget row by each entry) and latest progress percent."""
    latest_progress = (
        ProgressUpdate.objects.filter(project=OuterRef("pk"))
        .order_by("-posted_at", "-id")
        .values("project_percent")[:1]
    )
    return qs.annotate(
        budget_total=Subquery(
            Budget.objects.filter(project=OuterRef("pk"), status=Budget.Status.PUBLISHED).values("total")[:1],
            output_field=MONEY,
        ),
        income=Coalesce(F("budget__ledger_income"), ZERO, output_field=MONEY),
        spent=Coalesce(F("budget__ledger_spent"), ZERO, output_field=MONEY),
        progress=Subquery(latest_progress),
    )


def public_projects(*, street: str = "", status: str = "", year: int | None = None, q: str = ""):
    """Projects as the public index lists them, with budget, income, spent and progress."""
    qs = projects_with_money(
        Project.objects.filter(status__in=PUBLIC_STATUSES).select_related("estate__community__street")
    ).annotate(year=ExtractYear("created_at"))
    if street:
        qs = qs.filter(estate__community__street__code=street)
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(created_at__year=year)
    if q:
        qs = qs.filter(
            Q(title__icontains=q)
            | Q(estate__name__icontains=q)
            | Q(code__icontains=q)
            | Q(estate__address__icontains=q)
        )
    return qs.order_by("-status_changed_at", "-id")


def city_totals(projects) -> dict:
    """Totals over the filtered projects: count, published budgets, income, spent — from the budget
    rows (the ledger's totals live there), so a city of a million entries adds up a few hundred."""
    ids = projects.order_by().values("pk")
    money = Budget.objects.filter(project__in=ids).aggregate(
        total=Sum("total", filter=Q(status=Budget.Status.PUBLISHED)),
        income=Sum("ledger_income"),
        spent=Sum("ledger_spent"),
    )
    return {
        "count": projects.count(),
        "budget": money["total"] or Decimal("0.00"),
        "income": money["income"] or Decimal("0.00"),
        "spent": money["spent"] or Decimal("0.00"),
    }


def public_years() -> list[int]:
    return sorted(
        {d.year for d in Project.objects.filter(status__in=PUBLIC_STATUSES).dates("created_at", "year")}, reverse=True
    )


# --- one project -------------------------------------------------------------------------------------


def public_project(code: str) -> Project | None:
    """A published project, with its ledger's last published head (heads.chain_check) and its
    inspection notes' counts in the same query."""
    head = LedgerCheckpoint.objects.filter(project=OuterRef("pk")).order_by("-seq")
    return (
        Project.objects.filter(status__in=PUBLIC_STATUSES, code=code)
        .select_related("estate__community__street")
        .annotate(ledger_head_seq=Subquery(head.values("seq")[:1]), ledger_head_hash=Subquery(head.values("hash")[:1]))
        .annotate(**inspection_reads.count_annotations())
        .first()
    )


def published_budget(project: Project) -> Budget | None:
    return Budget.objects.filter(project=project, status=Budget.Status.PUBLISHED).prefetch_related("lines").first()


def budget_of(project: Project) -> Budget | None:
    """The budget in any state (for the street office's desk)."""
    return Budget.objects.filter(project=project).prefetch_related("lines").select_related("approved_by").first()


def adopted_plan_items(project: Project) -> list[PlanItem]:
    return list(adopted_items(project).select_related("maintainer_organization"))


def budget_prefill(project: Project, budget: Budget | None) -> dict:
    """What the budget form starts from: the budget as drafted, or else the adopted plan's total
    and its funding split summed per source (form field names fund_<source>)."""
    if budget is not None:
        return {"total": budget.total, **{f"fund_{line.source}": line.amount for line in budget.lines.all()}}

    items = adopted_plan_items(project)
    initial = {"total": sum((i.estimated_cost for i in items), Decimal("0.00"))}
    for source, amount in (
        PlanItemFunding.objects.filter(item__in=items)
        .values("source")
        .annotate(s=Sum("amount"))
        .values_list("source", "s")
    ):
        initial[f"fund_{source}"] = amount
    return initial


def ledger_rows(project: Project):
    """The project's entries as rows (dicts) in seq order — what `entry_documents` publishes; the
    API pages through them with a cursor on seq."""
    return (
        LedgerEntry.objects.chain(project.pk)
        .annotate(reverses_seq=F("reverses__seq"))
        .values(
            "seq",
            "date",
            "kind",
            "amount",
            "counterparty",
            "category",
            "memo",
            "reverses_seq",
            "prev_hash",
            "hash",
            "plan_item_id",
        )
    )


def ledger_documents(project: Project, *, item_of_seq: dict | None = None) -> list[dict]:
    """Every entry as published (architecture §6), in seq order, from one query. Given a dict,
    `item_of_seq` is filled with seq → plan item id (for plan vs spent, without a second query)."""
    return entry_documents(project, ledger_rows(project), item_of_seq=item_of_seq)


def entry_documents(project: Project, rows, *, item_of_seq: dict | None = None) -> list[dict]:
    """Rows of `ledger_rows` (all, a page, or one) as published documents."""
    documents = []
    for row in rows:
        if item_of_seq is not None and row["plan_item_id"]:
            item_of_seq[row["seq"]] = row["plan_item_id"]
        document = ledger.entry_document(
            project=project.code,
            seq=row["seq"],
            date=row["date"],
            kind=row["kind"],
            amount=row["amount"],
            counterparty=row["counterparty"],
            category=row["category"],
            memo=row["memo"],
            reverses=row["reverses_seq"],
            prev_hash=row["prev_hash"],
        )
        document["hash"] = row["hash"]
        documents.append(document)
    return documents


def with_running_totals(documents: list[dict]) -> list[dict]:
    """Each entry with the income, expense and balance after it (reversals netted) — of the
    renovation money, or for a management entry (`management`) of the management ledger."""
    kinds = {d["seq"]: d["kind"] for d in documents}
    running = {False: [Decimal("0"), Decimal("0")], True: [Decimal("0"), Decimal("0")]}
    rows = []
    for d in documents:
        amount = Decimal(d["amount"])
        counts_as = kinds.get(d["reverses"]) if d["kind"] == "reversal" else d["kind"]
        sign = -1 if d["kind"] == "reversal" else 1
        part = running[is_management(d)]
        if counts_as == "income":
            part[0] += sign * amount
        elif counts_as == "expense":
            part[1] += sign * amount
        rows.append(
            {
                **d,
                "amount_value": amount,
                "income": part[0],
                "expense": part[1],
                "balance": part[0] - part[1],
                "counts_as": counts_as,
                "management": is_management(d),
                "category_label": ledger_category_label(d["category"]),
            }
        )
    return rows


@dataclass
class ItemMoney:
    item: PlanItem
    planned: Decimal
    spent: Decimal = Decimal("0.00")
    percent: int | None = None

    @property
    def spent_share(self) -> int:
        return int(self.spent * 100 / self.planned) if self.planned else 0


def items_plan_vs_spent(
    items: list[PlanItem], documents: list[dict], project: Project, item_of_seq: dict | None = None
) -> list[ItemMoney]:
    """Planned cost and net spending per plan item, from the ledger (the entries' item ids from
    ledger_documents, or one extra query) and each item's latest reported percent."""
    by_item = {item.pk: ItemMoney(item=item, planned=item.estimated_cost) for item in items}
    if item_of_seq is None:
        item_of_seq = dict(
            LedgerEntry.objects.filter(project=project, plan_item__isnull=False).values_list("seq", "plan_item_id")
        )
    rows = with_running_totals(documents)
    for row in rows:
        item_id = item_of_seq.get(row["seq"])
        if item_id in by_item and row["counts_as"] == "expense":
            by_item[item_id].spent += (-1 if row["kind"] == "reversal" else 1) * row["amount_value"]
    seen = set()
    for item_id, percent in (
        ProgressUpdate.objects.filter(project=project, plan_item__isnull=False)
        .order_by("plan_item_id", "-posted_at", "-id")
        .values_list("plan_item_id", "percent")
    ):
        if item_id not in seen and item_id in by_item:
            by_item[item_id].percent = percent
            seen.add(item_id)
    return list(by_item.values())


def maintenance_expenses(project: Project) -> list[LedgerEntry]:
    """The management ledger's upkeep and maintenance-fund expenses, newest first (what paid for work)."""
    return list(
        LedgerEntry.objects.filter(project=project, kind=LedgerEntry.Kind.EXPENSE, category__in=MAINTENANCE_PAID)
        .exclude(reversed_by__isnull=False)
        .order_by("-seq")
    )


def seqs_with_voucher(project: Project, *, management_only: bool = False) -> set[int]:
    entries = LedgerEntry.objects.filter(project=project).exclude(voucher="")
    if management_only:
        entries = entries.filter(category__in=MANAGEMENT_CATEGORIES)
    return set(entries.values_list("seq", flat=True))


def public_photo(pk: int) -> ProgressPhoto | None:
    return ProgressPhoto.objects.filter(pk=pk, update__project__status__in=PUBLIC_STATUSES).first()


def progress_updates(project: Project, limit: int | None = PROGRESS_ON_PAGE):
    qs = (
        ProgressUpdate.objects.filter(project=project)
        .select_related("plan_item__catalog_item", "organization")
        .prefetch_related("photos")
        .order_by("-posted_at", "-id")
    )
    return qs[:limit] if limit else qs


def current_progress(project: Project) -> int | None:
    return (
        ProgressUpdate.objects.filter(project=project)
        .order_by("-posted_at", "-id")
        .values_list("project_percent", flat=True)
        .first()
    )


def milestones(project: Project):
    return Milestone.objects.filter(project=project).order_by("due_date", "id")


def current_awards(project: Project) -> dict[str, Award]:
    return {
        a.role: a
        for a in Award.objects.filter(project=project, ended_at__isnull=True).select_related(
            "organization", "bid__tender"
        )
    }


def closed_votes(project: Project):
    return Vote.objects.filter(project=project, status=Vote.Status.CLOSED).order_by("closed_at", "id")


def public_events(project: Project):
    """The timeline without who clicked (residents may have): status, time and note only."""
    events = list(project.events.order_by("at", "id").values("from_status", "to_status", "at", "note"))
    for event in events:
        event["label"] = Project.Status(event["to_status"]).label
    return events


def sources_of(budget: Budget | None) -> list[tuple[str, str, Decimal]]:
    if budget is None:
        return []
    return [(line.source, FundingSource(line.source).label, line.amount) for line in budget.lines.all()]


# --- residents' shares (issue 19: projects/shares.py) -----------------------------------------------------


def residents_share(user, project: Project, budget: Budget | None) -> list[shares.HouseholdFigure] | None:
    """Once the budget is published: what the adopted plan's residents' parts mean for each of the
    user's households in the estate — per item, by its scope and method, and in total."""
    if budget is None or not user.is_authenticated:
        return None
    owned = list(
        Ownership.objects.verified()
        .filter(resident__user=user, household__building__estate_id=project.estate_id)
        .values_list("household_id", flat=True)
    )
    if not owned:
        return None
    items = list(adopted_items(project).select_related("share_building").prefetch_related("funding"))
    return shares.figures(shares.estate_shares(items, project.estate_id), owned) or None


def payments_of_owner(user, project: Project) -> list:
    """The payments and exemptions recorded for the user's verified households here (receipts)."""
    if not user.is_authenticated:
        return []
    mine = Ownership.objects.verified().filter(resident__user=user).values("household_id")
    return list(SharePayment.objects.filter(project=project, household_id__in=mine).order_by("paid_on", "id"))


def home_figures(user, estate_ids: list[int]) -> list[dict]:
    """For the owner's home page: each project of their estates whose budget is published, with
    what their households owe under its shares and what they paid (one query when there is none)."""
    projects = list(
        Project.objects.filter(estate_id__in=estate_ids, budget__status=Budget.Status.PUBLISHED).select_related(
            "estate", "budget"
        )
    )
    rows = []
    for project in projects:
        figures = residents_share(user, project, project.budget) or []
        paid = sum(
            (p.amount for p in payments_of_owner(user, project) if p.kind == SharePayment.Kind.PAYMENT), Decimal("0.00")
        )
        if figures:
            rows.append({"project": project, "due": sum((f.total for f in figures), Decimal("0.00")), "paid": paid})
    return rows


# --- contractors ------------------------------------------------------------------------------------------


def public_contractors():
    """Contractors that have built at least one public project, best rated first (unrated last)."""

    return (
        Organization.objects.filter(kind=Organization.Kind.CONTRACTOR, awards__project__status__in=PUBLIC_STATUSES)
        .annotate(project_count=Count("awards__project", distinct=True))
        .order_by(F("rating_overall").desc(nulls_last=True), "name")
    )


def public_contractor(pk: int):
    """A builder's or a supervisor's public page (their rating, projects, flags)."""
    return Organization.objects.filter(
        kind__in=(Organization.Kind.CONTRACTOR, Organization.Kind.SUPERVISOR), pk=pk
    ).first()


def contractor_projects(organization) -> list[Project]:
    """The public projects the organization was awarded (current or replaced), newest first."""
    return list(
        Project.objects.filter(
            status__in=PUBLIC_STATUSES,
            awards__organization=organization,
            awards__role=Award.Role.SUPERVISOR
            if organization.kind == Organization.Kind.SUPERVISOR
            else Award.Role.CONTRACTOR,
        )
        .select_related("estate__community__street")
        .distinct()
        .order_by("-created_at", "-id")
    )


def rating_details(organization) -> list[tuple[str, str]]:
    """(question label, average) from the figures feedback wrote onto the organization."""

    return [
        (str(Response._meta.get_field(q).verbose_name), organization.rating_details[q])
        for q in Response.QUESTIONS + ("management",)
        if q in (organization.rating_details or {})
    ]
