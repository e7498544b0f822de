"""`seed_demo --scale nanning`, part two: 514 projects in every stage on the generated estates, with
published budgets, awards (and their guardian grants), hash-chained ledgers, progress, complaints
and closed surveys — bulk inserts, for benchmarks and the oversight pages at city scale.

The rows are what the services would have written (ledger chains are computed with the same
disclosure.ledger functions and verify), but inserted in bulk: going through the services one by
one would take hours for a million ledger entries."""

from __future__ import annotations

import random
import secrets
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.utils import timezone

from disclosure import ledger
from disclosure.models import Budget, BudgetLine, LedgerCheckpoint, LedgerEntry, ProgressUpdate
from disclosure.services import ledger_totals_refresh
from feedback.models import Complaint, Invitation, Response, Survey
from feedback.services import contractor_ratings_recompute
from projects.models import Award, Project, ProjectEvent, ProjectGroupObjectPermission
from stakeholders.models import Estate, Household, Organization, Resident, User

S = Project.Status
# 514 projects (Nanning's 2019–2021 programme), spread over every stage.
STAGES = [
    (S.PETITIONING, 10),
    (S.SUBMITTED, 10),
    (S.ACCEPTED, 24),
    (S.REJECTED, 10),
    (S.PLANNING, 50),
    (S.PLAN_VOTING, 20),
    (S.PLAN_ADOPTED, 30),
    (S.BUDGET_APPROVED, 30),
    (S.CONTRACTED, 40),
    (S.UNDER_CONSTRUCTION, 120),
    (S.COMPLETED, 140),
    (S.MAINTAINED, 30),
]
BUDGETED = {S.BUDGET_APPROVED, S.CONTRACTED, S.UNDER_CONSTRUCTION, S.COMPLETED, S.MAINTAINED}
AWARDED = {S.CONTRACTED, S.UNDER_CONSTRUCTION, S.COMPLETED, S.MAINTAINED}
BUILT = {S.UNDER_CONSTRUCTION, S.COMPLETED, S.MAINTAINED}
DONE = {S.COMPLETED, S.MAINTAINED}
CONTRACTORS, SUPERVISORS = 30, 10
SOURCES = [("central_subsidy", 45), ("local_finance", 35), ("utility", 8), ("residents", 8), ("social_capital", 4)]


def _orgs(kind: str, n: int, label: str) -> list[Organization]:
    existing = list(Organization.objects.filter(kind=kind, name__startswith=f"南宁{label}"))
    if len(existing) >= n:
        return existing[:n]
    groups = Group.objects.bulk_create([Group(name=f"org:{kind}:南宁{label}{i:02d}") for i in range(len(existing), n)])
    Organization.objects.bulk_create(
        [Organization(kind=kind, name=f"南宁{label}{i:02d}", group=g) for i, g in zip(range(len(existing), n), groups)]
    )
    return list(Organization.objects.filter(kind=kind, name__startswith=f"南宁{label}").order_by("name"))


@transaction.atomic
def fill_projects_to_city_scale(report, *, projects: int = 514, ledger_entries: int = 40) -> None:
    """Projects on the generated estates until there are `projects` of them (idempotent)."""
    have = Project.objects.filter(estate__code__startswith="nn-e").count()
    if have >= projects:
        return
    rng = random.Random(514)
    clerk = User.objects.filter(is_superuser=True).order_by("pk").first()
    contractors = _orgs(Organization.Kind.CONTRACTOR, CONTRACTORS, "建工")
    supervisors = _orgs(Organization.Kind.SUPERVISOR, SUPERVISORS, "监理")
    offices = {o.street_id: o for o in Organization.objects.filter(kind=Organization.Kind.STREET_OFFICE)}
    taken = set(Project.objects.values_list("estate_id", flat=True))
    estates = [
        e
        for e in Estate.objects.filter(code__startswith="nn-e").select_related("community").order_by("code")
        if e.pk not in taken
    ]
    # Stages interleaved in proportion, so a smaller city (a test's) still has every stage.
    order = sorted(((k + 0.5) / n, status) for status, n in STAGES for k in range(n))
    plan = [status for _position, status in order][have:projects]
    now, today = timezone.now(), timezone.localdate()
    rows = []
    for estate, status in zip(estates, plan):
        age = rng.randint(60, 900)
        rows.append(
            Project(
                code=f"{estate.code}-{(today - timedelta(days=age)).year}",
                estate=estate,
                title=f"{estate.name}综合改造",
                status=status,
                completed_on=today - timedelta(days=rng.randint(35, 500)) if status in DONE else None,
            )
        )
    created = Project.objects.bulk_create(rows, batch_size=1000)
    created = list(Project.objects.filter(code__in=[p.code for p in created]).select_related("estate__community"))
    back = {p.pk: now - timedelta(days=rng.randint(120, 900)) for p in created}
    for p in created:
        p.created_at, p.status_changed_at = back[p.pk], back[p.pk] + timedelta(days=30)
    Project.objects.bulk_update(created, ["created_at", "status_changed_at"], batch_size=1000)
    ProjectEvent.objects.bulk_create(
        [ProjectEvent(project=p, from_status="", to_status=S.PETITIONING) for p in created]
        + [
            ProjectEvent(project=p, from_status=S.PETITIONING, to_status=p.status, note="（批量生成的城市规模数据）")
            for p in created
            if p.status != S.PETITIONING
        ],
        batch_size=2000,
    )
    perms = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label="projects",
            codename__in=["view_project", "change_project", "report_progress", "supervise_project"],
        )
    }
    grants, awards, budgets = [], [], []
    for k, p in enumerate(created):
        office = offices[p.estate.community.street_id]
        grants += [
            ProjectGroupObjectPermission(group_id=office.group_id, permission=perms[c], content_object=p)
            for c in ("view_project", "change_project")
        ]
        if p.status in AWARDED:
            builder, supervisor = contractors[k % len(contractors)], supervisors[k % len(supervisors)]
            awards += [
                Award(
                    project=p, role=Award.Role.CONTRACTOR, organization=builder, contract_amount=Decimal("900000.00")
                ),
                Award(project=p, role=Award.Role.SUPERVISOR, organization=supervisor),
            ]
            grants += [
                ProjectGroupObjectPermission(group_id=builder.group_id, permission=perms[c], content_object=p)
                for c in ("view_project", "report_progress")
            ]
            grants += [
                ProjectGroupObjectPermission(group_id=supervisor.group_id, permission=perms[c], content_object=p)
                for c in ("view_project", "supervise_project")
            ]
        if p.status in BUDGETED:
            budgets.append(
                Budget(
                    project=p,
                    total=Decimal(rng.randint(40, 300) * 10000),
                    status=Budget.Status.PUBLISHED,
                    approved_at=back[p.pk] + timedelta(days=200),
                    published_at=back[p.pk] + timedelta(days=202),
                )
            )
    ProjectGroupObjectPermission.objects.bulk_create(grants, batch_size=5000)
    Award.objects.bulk_create(awards, batch_size=2000)
    Budget.objects.bulk_create(budgets, batch_size=2000)
    budgets = list(Budget.objects.filter(project__in=created))
    lines = []
    for b in budgets:
        left = b.total
        for n, (source, share) in enumerate(SOURCES):
            amount = left if n == len(SOURCES) - 1 else (b.total * share / 100).quantize(Decimal("0.01"))
            left -= amount
            lines.append(BudgetLine(budget=b, source=source, amount=amount))
    BudgetLine.objects.bulk_create(lines, batch_size=5000)
    report.add("projects", len(created))
    report.add("budgets", len(budgets))
    report.add("awards", len(awards))

    by_project = {b.project_id: b for b in budgets}
    builder_of = {a.project_id: a.organization_id for a in awards if a.role == Award.Role.CONTRACTOR}
    entries = _ledgers(created, by_project, ledger_entries, clerk, rng)
    ledger_totals_refresh(project_ids=[p.pk for p in created])  # what each entry's service would have added up
    report.add("ledger entries", entries)
    updates = [
        ProgressUpdate(
            project=p, percent=pc, project_percent=pc, posted_by=clerk, organization_id=builder_of[p.pk], text=""
        )
        for p in created
        if p.status in BUILT
        for pc in ([100] if p.status in DONE else [rng.randint(5, 95)])
    ]
    ProgressUpdate.objects.bulk_create(updates, batch_size=2000)
    report.add("progress updates", len(updates))
    report.add("complaints", _complaints(created, builder_of, offices, rng))
    report.add("survey answers", _surveys(created, rng))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (
                Project,
                ProjectEvent,
                ProjectGroupObjectPermission,
                Award,
                Budget,
                BudgetLine,
                LedgerEntry,
                ProgressUpdate,
                Complaint,
                Survey,
                Invitation,
                Response,
            ):
                cursor.execute(f"ANALYZE {model._meta.db_table}")


def _ledgers(projects, budgets, per_project: int, clerk, rng) -> int:
    """Hash-chained ledgers (the chain verifies: same functions as ledger_record)."""
    written = 0
    batch: list[LedgerEntry] = []
    heads: list[LedgerCheckpoint] = []
    for p in projects:
        budget = budgets.get(p.pk)
        if budget is None:
            continue
        prev, day = ledger.ZERO_HASH, timezone.localdate() - timedelta(days=per_project + 30)
        for seq in range(1, per_project + 1):
            kind = "income" if seq % 4 == 1 else "expense"
            amount = Decimal(rng.randint(1000, 90000)) + Decimal(rng.randint(0, 99)) / 100
            category = SOURCES[seq % len(SOURCES)][0] if kind == "income" else "roof"
            counterparty = "南宁市财政局" if kind == "income" else "施工单位"
            document = ledger.entry_document(
                project=p.code,
                seq=seq,
                date=day,
                kind=kind,
                amount=amount,
                counterparty=counterparty,
                category=category,
                memo="",
                reverses=None,
                prev_hash=prev,
            )
            prev = ledger.entry_hash(document)
            batch.append(
                LedgerEntry(
                    project=p,
                    seq=seq,
                    date=day,
                    kind=kind,
                    amount=amount,
                    counterparty=counterparty,
                    category=category,
                    prev_hash=document["prev_hash"],
                    hash=prev,
                    recorded_by=clerk,
                )
            )
            day += timedelta(days=1) if seq % 3 == 0 else timedelta(0)
            if len(batch) >= 20000:
                LedgerEntry.objects.bulk_create(batch, batch_size=5000)
                written += len(batch)
                batch = []
        if per_project:
            heads.append(LedgerCheckpoint(project=p, seq=per_project, hash=prev, at=timezone.now()))
    LedgerEntry.objects.bulk_create(batch, batch_size=5000)
    LedgerCheckpoint.objects.bulk_create(heads, batch_size=5000)  # each ledger's head, as ledger_record leaves it
    return written + len(batch)


def _complaints(projects, builder_of, offices, rng) -> int:
    """A few complaints on every project under construction, in every state."""

    # One stand-in filer for the generated complaints (not a demo account: its lists would fill up).
    user, _created = User.objects.get_or_create(
        username="nn-scale-resident", defaults={"password": make_password(None)}
    )
    filer, _created = Resident.objects.get_or_create(user=user, defaults={"name": "城市规模数据"})
    now = timezone.now()
    rows = []
    states = [
        Complaint.Status.SUBMITTED,
        Complaint.Status.ACKNOWLEDGED,
        Complaint.Status.IN_PROGRESS,
        Complaint.Status.RESOLVED,
        Complaint.Status.CLOSED,
    ]
    for p in projects:
        if p.status not in BUILT or filer is None:
            continue
        for n in range(4):
            filed = now - timedelta(hours=rng.randint(2, 2000))
            status = states[(p.pk + n) % len(states)]
            acknowledged = filed + timedelta(hours=rng.randint(1, 80)) if status != Complaint.Status.SUBMITTED else None
            resolved = (
                acknowledged + timedelta(days=rng.randint(1, 20))
                if status in (Complaint.Status.RESOLVED, Complaint.Status.CLOSED)
                else None
            )
            rows.append(
                Complaint(
                    project=p,
                    filed_by=filer,
                    category="quality",
                    route=Complaint.Route.WORKS,
                    agency_id=builder_of[p.pk],
                    text="（城市规模数据）",
                    status=status,
                    filed_at=filed,
                    acknowledge_due=filed + timedelta(hours=48),
                    resolve_due=filed + timedelta(days=15),
                    acknowledged_at=acknowledged,
                    resolved_at=resolved,
                    closed_at=resolved + timedelta(days=14) if status == Complaint.Status.CLOSED else None,
                )
            )
    Complaint.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _surveys(projects, rng) -> int:
    """A closed completion survey with invitations for every household of each completed project,
    and answers from about a third of them; contractor ratings recomputed."""

    now = timezone.now()
    done = [p for p in projects if p.status in DONE]
    homes: dict[int, list[int]] = {}
    for pk, estate_id in Household.objects.filter(building__estate__projects__in=done).values_list(
        "pk", "building__estate_id"
    ):
        homes.setdefault(estate_id, []).append(pk)
    Survey.objects.bulk_create(
        [
            Survey(
                project=p,
                kind=Survey.Kind.COMPLETION,
                status=Survey.Status.CLOSED,
                opened_at=now - timedelta(days=60),
                remind_at=now - timedelta(days=53),
                closes_at=now - timedelta(days=39),
                closed_at=now - timedelta(days=39),
                households=len(homes.get(p.estate_id, [])),
            )
            for p in done
        ]
    )
    surveys = {s.project_id: s for s in Survey.objects.filter(project__in=done)}
    invitations = []
    for p in done:
        invitations += [
            Invitation(
                survey=surveys[p.pk],
                household_id=h,
                nonce=secrets.token_hex(8),
                delivery=Invitation.Delivery.PRINT,
                sent_at=now - timedelta(days=60),
            )
            for h in homes.get(p.estate_id, [])
        ]
    Invitation.objects.bulk_create(invitations, batch_size=5000)
    answered = [i for i in Invitation.objects.filter(survey__in=surveys.values()).order_by("pk") if rng.random() < 0.33]
    Response.objects.bulk_create(
        [
            Response(
                invitation=i,
                survey_id=i.survey_id,
                channel=Response.Channel.PAPER,
                **{q: min(5, max(1, round(rng.gauss(4.0, 0.8)))) for q in Response.QUESTIONS},
            )
            for i in answered
        ],
        batch_size=5000,
    )
    contractor_ratings_recompute()
    return len(answered)
