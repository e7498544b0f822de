"""The public index, the estates, a project's page (whole from the cache for anonymous visitors), its
ledger JSON, and the contractors' ratings."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core import params
from core.replica import cache_seconds, replica_ok
from feedback import permissions as voice_permissions
from feedback import selectors as feedback_selectors
from projects import after_build
from projects.lifecycle import AFTER_ADOPTION
from projects.models import Project
from projects.revision import near_cache, public_page_key
from stakeholders import listings, selectors

from .. import heads, ledger
from .. import inspections as inspection_reads
from .. import selectors as pub
from ..managers import public_community_keepers, public_managers
from .cache import CSRF_PLACEHOLDER, _cached, _city_revision, _json, _same_for_everyone, _whole_page

ESTATES_PER_PAGE = 50


@replica_ok
@require_safe
def estates(request):
    streets = list(selectors.streets_with_estates())
    street_code = request.GET.get("street", "")
    estates = selectors.public_estates().order_by(
        "community__street__district", "community__street__name", "name", "pk"
    )
    if street_code:
        estates = estates.filter(community__street__code=street_code)
    page = Paginator(estates, ESTATES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "disclosure/estates.html",
        {
            "page": page,
            "estates": page.object_list,
            "streets": streets,
            "street_code": street_code,
            "page_query": urlencode({"street": street_code}),
        },
    )


PROJECTS_PER_PAGE = 30
LEDGER_PER_PAGE = 100
CODE_MAX_LENGTH = Project._meta.get_field("code").max_length


@replica_ok
@require_safe
def index(request):
    street = params.text(request.GET.get("street"), max_length=40)
    status = request.GET.get("status", "")
    status = status if status in pub.PUBLIC_STATUSES else ""
    q = params.text(request.GET.get("q"), max_length=100)
    year = params.bounded_int(request.GET.get("year"), low=1949, high=2200)
    page_number = request.GET.get("page", "1")
    query = urlencode({k: v for k, v in {"street": street, "status": status, "year": year or "", "q": q}.items() if v})

    def build() -> str:
        projects = pub.public_projects(street=street, status=status, year=year, q=q)
        page = Paginator(projects, PROJECTS_PER_PAGE).get_page(page_number)
        return render_to_string(
            "disclosure/_index_body.html",
            {
                "page": page,
                "projects": page.object_list,
                "totals": pub.city_totals(projects),
                "streets": list(selectors.streets_with_estates()),
                "statuses": [(s, Project.Status(s).label) for s in pub.PUBLIC_STATUSES],
                "years": pub.public_years(),
                "street_code": street,
                "status": status,
                "year": year,
                "q": q,
                "page_query": query,
            },
        )

    # The filters people type go into the key as a digest: bounded, whatever was sent.
    digest = hashlib.sha256(f"{query}|{page_number}".encode()).hexdigest()[:32]
    key = f"index:{_city_revision()}:{digest}"
    if _same_for_everyone(request):
        return _whole_page(
            request,
            key,
            lambda extra: render_to_string(
                "disclosure/index.html", {"body": _cached(key, build), **extra}, request=request
            ),
        )
    return render(request, "disclosure/index.html", {"body": _cached(key, build)})


def _public_project_or_404(code: str) -> Project:
    project = pub.public_project(code)
    if project is None:
        raise Http404(_("No published project has this code."))
    return project


def _project_body(project: Project) -> str:
    budget = pub.published_budget(project)
    item_of_seq: dict[int, int] = {}
    documents = pub.ledger_documents(project, item_of_seq=item_of_seq)
    check = heads.chain_check(project, documents, budget)
    items = after_build.with_warranty(pub.adopted_plan_items(project), project.completed_on)  # 保修至 (issue 20)
    item_money = pub.items_plan_vs_spent(items, documents, project, item_of_seq)
    updates = list(pub.progress_updates(project))
    surveys = feedback_selectors.surveys_of_project(project)
    rows = pub.with_running_totals(documents)
    sources = pub.sources_of(budget)
    context = {
        "project": project,
        "complaint_action_marker": mark_safe(COMPLAINT_ACTION_MARKER),
        "events": pub.public_events(project),
        "budget": budget,
        "sources": sources,
        "item_money": item_money,
        "plan_total": sum((i.planned for i in item_money), Decimal("0")),
        "ledger_rows": list(reversed(rows))[: pub.LEDGER_ON_PAGE],
        "ledger_count": len(rows),
        "totals": ledger.totals(documents),
        "management_totals": ledger.totals(documents, management=True)
        if any(ledger.is_management(d) for d in documents)
        else None,
        "check": check,
        "updates": updates,
        # The newest post carries the project's current percent (the same order as current_progress).
        "progress": updates[0].project_percent if updates else None,
        "milestones": pub.milestones(project),
        "awards": pub.current_awards(project),
        # The procurement record and the departments' approvals: links, no query of their own (each
        # award names its tender; each approval decision is on the timeline).
        "after_adoption": project.status in AFTER_ADOPTION,
        "inspections": inspection_reads.inspection_counts(project),
        "objections": inspection_reads.objection_counts(project),
        "acceptance_reports": after_build.acceptance_record(project),
        "warranties": items if project.completed_on else [],
        "votes": pub.closed_votes(project),
        "complaints": feedback_selectors.public_complaint_stats(project),
        "surveys": [feedback_selectors.survey_results(s) for s in surveys if s.status == "closed"],
        "open_survey": next((s for s in surveys if s.status == "open"), None),
        "min_responses": settings.SURVEY_MIN_RESPONSES,
        "chart": {
            "sources": {
                "labels": [str(label) for _s, label, _a in sources],
                "values": [float(a) for *_x, a in sources],
            },
            "items": {
                "labels": [i.item.catalog_item.name for i in item_money],
                "planned": [float(i.planned) for i in item_money],
                "spent": [float(i.spent) for i in item_money],
            },
        },
    }
    return render_to_string("disclosure/_project_body.html", context)


# The cached body is the same for everyone; the one action in it that depends on the viewer (report a
# problem: residents of the estate only) is put in per viewer where this marker stands.
COMPLAINT_ACTION_MARKER = "<!--portal:complaint-action-->"


def _complaint_action(user, project: Project) -> str:
    """Residents of the estate get the link; anonymous visitors a sign-in link for residents; staff,
    contractors and residents of other estates nothing (they could only land on a 403)."""

    if not user.is_authenticated:
        target = reverse("feedback:complaint_file", args=[project.code])
        return format_html(
            '<a href="{}?{}">{}</a>',
            reverse("login"),
            urlencode({"next": target}),
            _("Residents of this estate: sign in to report a problem"),
        )
    if voice_permissions.can_file_complaint(user, project):
        return format_html(
            '<a href="{}" data-testid="report-problem">{}</a>',
            reverse("feedback:complaint_file", args=[project.code]),
            _("Report a problem"),
        )
    return ""


def _project_page(request, project: Project, extra: dict | None = None) -> str:
    body = _cached(f"project:{project.pk}:{project.public_revision}", lambda: _project_body(project))
    body = mark_safe(str(body).replace(COMPLAINT_ACTION_MARKER, _complaint_action(request.user, project), 1))
    return render_to_string(
        "disclosure/project.html", {"project": project, "body": body, **(extra or {})}, request=request
    )


@replica_ok
@require_safe
def project(request, code: str):
    """Anonymous visitors get the whole page from the cache in one round trip and no query (kept
    DISCLOSURE_REVISION_SECONDS, deleted by project_touch); signed-in users the cached body inside
    their own header."""
    if len(code) > CODE_MAX_LENGTH:  # no project has such a code: no cache key is built from it
        raise Http404(_("No published project has this code."))
    if _same_for_everyone(request):
        key = public_page_key(code, translation.get_language())
        near = near_cache()
        html = near.get(key) if near is not None else None
        if html is None:
            html = cache.get(key)
            if html is None:
                html = _project_page(request, _public_project_or_404(code), {"csrf_token": CSRF_PLACEHOLDER})
                cache.set(key, html, cache_seconds(settings.DISCLOSURE_REVISION_SECONDS))
            if near is not None:
                near.set(key, html)
        return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))
    return HttpResponse(_project_page(request, _public_project_or_404(code)))


@replica_ok
@require_safe
def ledger_json(request, code: str):
    project = _public_project_or_404(code)
    return _json(ledger.ledger_document(project.code, pub.ledger_documents(project)), cache_seconds=60)


@replica_ok
@require_safe
def contractors(request):
    page = Paginator(pub.public_contractors(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "disclosure/contractors.html",
        {
            "page": page,
            "organizations": page.object_list,
            "page_query": "",
            "min_responses": settings.SURVEY_MIN_RESPONSES,
        },
    )


@replica_ok
@require_safe
def managers(request):
    """The estates' managers after the works, with their estates and ratings (issue 20 item 5)."""
    return render(
        request,
        "disclosure/managers.html",
        {
            "organizations": public_managers(),
            "committees": public_community_keepers(),
            "min_responses": settings.SURVEY_MIN_RESPONSES,
        },
    )


@replica_ok
@require_safe
def integrity_counts(request):
    """Integrity and fund-use reports per street: opened, answered, closed — no content (issue 21)."""
    rows, totals = feedback_selectors.integrity_counts_by_street()
    return render(request, "disclosure/integrity.html", {"rows": rows, "totals": totals})


@replica_ok
@require_safe
def contractor(request, pk: int):
    organization = pub.public_contractor(pk)
    if organization is None:
        raise Http404(_("No contractor has this number."))
    projects = pub.contractor_projects(organization)
    satisfaction = feedback_selectors.satisfaction_by_project([p.pk for p in projects])
    return render(
        request,
        "disclosure/contractor.html",
        {
            "organization": organization,
            "projects": [(p, satisfaction.get(p.pk)) for p in projects],
            "details": pub.rating_details(organization),
            "inspections": inspection_reads.contractor_inspection_record(organization),
            "warranty": feedback_selectors.warranty_complaint_counts(organization),
            "min_responses": settings.SURVEY_MIN_RESPONSES,
            "flag_below": settings.RATING_FLAG_BELOW,
            "listings": listings.entries_of(organization),
        },
    )
