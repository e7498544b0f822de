"""Open data (architecture §6): the projects CSV and an OC4IDS 0.9 project package. Both are built from
the same selectors as the public pages, so they show the same figures — and no personal data."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone, translation

from feedback.selectors import satisfaction_by_project
from projects.canonical import money
from projects.models import Award, Bid, FundingSource, Project, Tender
from stakeholders.models import Organization

from .ledger import MANAGEMENT_CATEGORIES
from .models import Budget, LedgerEntry, Milestone
from .selectors import public_projects

CSV_COLUMNS = ["code", "estate", "street", "status", "budget", "income", "expense", "progress_percent", "satisfaction"]


def project_rows():
    """The header, then one row per public project (streamed from a server-side cursor)."""
    yield CSV_COLUMNS
    satisfaction = satisfaction_by_project()
    for p in public_projects().iterator(chunk_size=500):
        yield [
            p.code,
            p.estate.name,
            p.estate.community.street.name,
            p.status,
            money(p.budget_total) if p.budget_total is not None else "",
            money(p.income),
            money(p.spent),
            "" if p.progress is None else p.progress,
            money(satisfaction[p.pk]) if p.pk in satisfaction else "",  # overall 1–5, latest closed survey
        ]


# --- OC4IDS ---------------------------------------------------------------------------------------

S = Project.Status
OC4IDS_STATUS = {
    S.ACCEPTED: "preparation",
    S.PLANNING: "preparation",
    S.PLAN_VOTING: "preparation",
    S.PLAN_ADOPTED: "preparation",
    S.BUDGET_APPROVED: "preparation",
    S.CONTRACTED: "implementation",
    S.UNDER_CONSTRUCTION: "implementation",
    S.COMPLETED: "completion",
    S.MAINTAINED: "maintenance",
    S.REJECTED: "cancelled",
}
PROCESS_STATUS = {S.CONTRACTED: "active", S.UNDER_CONSTRUCTION: "active", S.COMPLETED: "closed", S.MAINTAINED: "closed"}


def _value(amount) -> dict:
    return {"amount": float(Decimal(amount)), "currency": "CNY"}


def _datetime(value) -> str:
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    return timezone.make_aware(datetime.combine(value, time())).isoformat()


def _org(organization: Organization, roles: list[str]) -> dict:
    return {"id": f"org-{organization.pk}", "name": organization.name, "roles": roles}


def _add_party(parties: list[dict], organization: Organization, roles: list[str]) -> None:
    """One party per organization, its roles merged (a supplier was a tenderer too)."""
    for party in parties:
        if party["id"] == f"org-{organization.pk}":
            party["roles"] += [r for r in roles if r not in party["roles"]]
            return
    parties.append(_org(organization, roles))


# OCDS method codelist: an invited tender is selective; a direct award (直接发包) is direct.
METHODS = {Tender.Method.OPEN: "open", Tender.Method.INVITED: "selective", Tender.Method.DIRECT: "direct"}


def _tender(tender: Tender | None, office: Organization | None) -> dict | None:
    """The contracting process's `tender` block, from the procurement record the award came from."""
    if tender is None:
        return None
    bidders = [b.organization for b in tender.bids.all()]
    details = str(tender.get_method_display())
    if tender.direct_reason:
        details += f"：{tender.get_direct_reason_display()}"
    block = {
        "procurementMethod": METHODS[tender.method],
        "procurementMethodDetails": details,
        "datePublished": _datetime(tender.published_on),
        "numberOfTenderers": len(bidders),
    }
    if tender.ceiling:
        block["costEstimate"] = _value(tender.ceiling)
    if bidders:
        block["tenderers"] = [_ref(o) for o in bidders]
    if office is not None:
        block["procuringEntity"] = _ref(office)
    return block


def _ref(organization: Organization) -> dict:
    return {"id": f"org-{organization.pk}", "name": organization.name}


def oc4ids_package(uri: str) -> dict:
    """All public projects as an OC4IDS project package (schema 0.9)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _package(uri)


def _package(uri: str) -> dict:
    projects = list(
        public_projects().prefetch_related(
            Prefetch(
                "budget", queryset=Budget.objects.filter(status=Budget.Status.PUBLISHED).prefetch_related("lines")
            ),
            Prefetch(
                "awards",
                queryset=Award.objects.filter(ended_at__isnull=True).select_related("organization", "bid"),
                to_attr="current_awards",
            ),
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "id"), to_attr="milestone_list"),
            # The procurement record behind each current award (OC4IDS summary.tender, issue 21).
            Prefetch(
                "tenders",
                queryset=Tender.objects.filter(status=Tender.Status.AWARDED).prefetch_related(
                    Prefetch("bids", queryset=Bid.objects.select_related("organization").order_by("id"))
                ),
                to_attr="awarded_tenders",
            ),
        )
    )
    offices = {o.street_id: o for o in Organization.objects.filter(kind=Organization.Kind.STREET_OFFICE)}
    expenses = defaultdict(list)
    for entry in (
        LedgerEntry.objects.filter(
            project__in=[p.pk for p in projects], kind=LedgerEntry.Kind.EXPENSE, reversed_by__isnull=True
        )
        .exclude(category__in=MANAGEMENT_CATEGORIES)  # the management ledger is not the project's money
        .order_by("project_id", "seq")
        .values("project_id", "seq", "date", "amount", "counterparty")
    ):
        expenses[entry["project_id"]].append(entry)
    return {
        "uri": uri,
        "version": "0.9",
        "publishedDate": timezone.localtime().isoformat(),
        "publisher": {"name": "城镇老旧小区改造公开平台 Old Estate Renovation Portal"},
        "projects": [_project(p, offices.get(p.estate.community.street_id), expenses[p.pk]) for p in projects],
    }


def _project(p: Project, office: Organization | None, expenses: list[dict]) -> dict:
    estate = p.estate
    doc = {
        "id": p.code,
        "updated": _datetime(_updated(p)),
        "language": "zh",
        "title": p.title,
        "description": f"{estate.name}（{estate.community.street.name}）城镇老旧小区改造",
        "status": OC4IDS_STATUS[p.status],
        "type": "rehabilitation",
        "sector": ["socialHousing"],
        "locations": [_location(estate)],
        "parties": [],
    }
    if office is not None:
        doc["publicAuthority"] = _ref(office)
        doc["parties"].append(_org(office, ["publicAuthority", "buyer", "procuringEntity", "payer"]))
    budget = getattr(p, "budget", None) if _has_budget(p) else None
    if budget is not None:
        doc["budget"] = {
            "amount": _value(budget.total),
            "approvalDate": _datetime(budget.approved_at or budget.published_at),
            "budgetBreakdowns": [
                {
                    "id": "funding-sources",
                    "description": "资金来源 Funding sources",
                    "budgetBreakdown": [
                        {
                            "id": line.source,
                            "description": str(FundingSource(line.source).label),
                            "amount": _value(line.amount),
                        }
                        for line in budget.lines.all()
                    ],
                }
            ],
        }
    awards = {a.role: a for a in p.current_awards}
    contractor, supervisor = awards.get(Award.Role.CONTRACTOR), awards.get(Award.Role.SUPERVISOR)
    tenders = {t.pk: t for t in p.awarded_tenders}
    tender_of = {role: tenders.get(a.bid.tender_id) if a.bid_id else None for role, a in awards.items()}
    if contractor:
        _add_party(doc["parties"], contractor.organization, ["supplier", "payee"])
    if supervisor:
        _add_party(doc["parties"], supervisor.organization, ["independentMonitor"])
    for tender in tender_of.values():
        for bid in tender.bids.all() if tender else ():
            _add_party(doc["parties"], bid.organization, ["tenderer"])
    if not doc["parties"]:
        del doc["parties"]
    milestones = [
        {
            k: v
            for k, v in {
                "id": f"m-{m.pk}",
                "title": m.title,
                "type": m.type,
                "status": m.status,
                "dueDate": _datetime(m.due_date),
                "dateMet": _datetime(m.date_met) if m.date_met else None,
                "description": m.description or None,
            }.items()
            if v is not None
        }
        for m in p.milestone_list
    ]
    if milestones:
        doc["milestones"] = milestones
    processes = [
        _process(p, role, award, tender_of.get(role), office, expenses, milestones)
        for role, award in ((Award.Role.CONTRACTOR, contractor), (Award.Role.SUPERVISOR, supervisor))
        if award is not None
    ]
    if processes:
        doc["contractingProcesses"] = processes
    if p.completed_on:
        doc["completion"] = {
            "endDate": _datetime(p.completed_on),
            "finalValue": _value(sum((e["amount"] for e in expenses), Decimal("0"))),
        }
    return doc


PROCESS_TITLES = {Award.Role.CONTRACTOR: ("works", "施工"), Award.Role.SUPERVISOR: ("supervision", "监理")}


def _process(p: Project, role: str, award: Award, tender, office, expenses: list[dict], milestones: list[dict]) -> dict:
    """One contracting process: the works (with the ledger's payments and the milestones) or their
    supervision, each with the tender it was awarded from."""
    slug, title = PROCESS_TITLES[role]
    summary = {
        "title": f"{p.title} {title}",
        "status": PROCESS_STATUS.get(p.status, "pre-award"),
        "suppliers": [_ref(award.organization)],
    }
    if award.contract_amount:
        summary["contractValue"] = _value(award.contract_amount)
    if role == Award.Role.CONTRACTOR:
        transactions = [
            {
                "id": f"{p.code}-{e['seq']}",
                "date": _datetime(e["date"]),
                "value": _value(e["amount"]),
                **({"payer": _ref(office)} if office else {}),
                "payee": {"name": e["counterparty"]},
            }
            for e in expenses
        ]
        if transactions:
            summary["transactions"] = transactions
        if milestones:
            summary["milestones"] = [{"id": m["id"], "title": m["title"], "type": m["type"]} for m in milestones]
    if (block := _tender(tender, office)) is not None:
        summary["tender"] = block
    return {"id": f"{p.code}-{slug}", "summary": summary}


def _updated(p: Project) -> datetime:
    """When the project-level information last changed: its status, its published budget, its
    current awards (the parties) or a milestone. Ledger entries change the contracting process,
    which OC4IDS says does not update the project. From the prefetched rows: no extra query."""
    moments = [p.status_changed_at]
    if _has_budget(p):
        moments.append(p.budget.published_at)
    moments += [a.awarded_at for a in p.current_awards]
    moments += [m.updated_at for m in p.milestone_list]
    return max(m for m in moments if m is not None)


def _has_budget(p: Project) -> bool:
    try:
        p.budget  # noqa: B018 - reading the reverse one-to-one is the question
    except Budget.DoesNotExist:
        return False
    return True


def _location(estate) -> dict:
    location = {"id": "1", "description": f"{estate.name} {estate.address}".strip()}
    lat, lng = estate.latitude, estate.longitude
    if lat is not None and lng is not None:
        location["geometry"] = {"type": "Point", "coordinates": [float(lng), float(lat)]}
    return location
