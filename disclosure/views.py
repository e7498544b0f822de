"""Public pages: no sign-in, no personal data."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects import published
from projects import selectors as project_selectors
from projects.canonical import canonical_json, money
from projects.models import Ballot, Vote
from projects.services import receipt_hash
from stakeholders import selectors
from stakeholders.care import visitor_chose_care

from .forms import ReceiptForm

ESTATES_PER_PAGE = 50


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


# --- votes: results anyone can check (architecture §6) ---------------------------------------------------

VOTES_PER_PAGE = 50


def _json(document: dict, *, cache_seconds: int = 300) -> HttpResponse:
    """Canonical JSON (the bytes a verifier hashes), cacheable: a closed vote never changes."""
    response = HttpResponse(canonical_json(document), content_type="application/json; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={cache_seconds}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _public_vote(code: str) -> Vote:
    """A vote that has opened (drafts are not public yet)."""
    return get_object_or_404(
        Vote.objects.exclude(status=Vote.Status.DRAFT).select_related("project__estate__community__street"), code=code
    )


def votes_json(request):
    return _json(published.votes_index(), cache_seconds=60)


def vote_json(request, code: str):
    vote = _public_vote(code)
    if vote.status != Vote.Status.CLOSED:
        raise Http404(_("Results are published when the vote closes."))
    return _json(published.vote_document(vote))


def votes(request):
    page = Paginator(published.closed_votes().select_related("project__estate"), VOTES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "disclosure/votes.html", {"page": page, "votes": page.object_list, "page_query": ""})


CHECK_TEXTS = {
    ("quorum_owners", "any"): gettext_lazy("Owners who took part: %(have)s of %(of)s. At least two thirds of all owners must take part."),
    ("quorum_area", "any"): gettext_lazy("Area that took part: %(have)s of %(of)s m². At least two thirds of the total area must take part."),
    ("agree_owners", "special"): gettext_lazy("Owners who agreed: %(have)s of the %(of)s who took part. A special matter needs at least three quarters."),
    ("agree_owners", "ordinary"): gettext_lazy("Owners who agreed: %(have)s of the %(of)s who took part. An ordinary matter needs more than half."),
    ("agree_area", "special"): gettext_lazy("Area that agreed: %(have)s of the %(of)s m² that took part. A special matter needs at least three quarters."),
    ("agree_area", "ordinary"): gettext_lazy("Area that agreed: %(have)s of the %(of)s m² that took part. An ordinary matter needs more than half."),
}


def _explained(document: dict) -> list[tuple[bool, str]]:
    """Each threshold of Civil Code art. 278 in plain words, with whether it was met."""
    lines = []
    for check in published.checks(document):
        kind = "any" if check.name.startswith("quorum") else document["matter"]
        have, of = (money(check.have), money(check.of)) if check.name.endswith("area") else (check.have, check.of)
        lines.append((check.met, str(CHECK_TEXTS[(check.name, kind)]) % {"have": have, "of": of}))
    return lines


def vote(request, code: str):
    vote = _public_vote(code)
    context = {"vote": vote}
    if vote.status == Vote.Status.CLOSED:
        document = published.vote_document(vote)
        context.update(document=document, checks=_explained(document))
    else:
        context["turnout"] = project_selectors.turnout(vote)
    return render(request, "disclosure/vote.html", context)


def vote_receipt(request, code: str):
    """A voter types the receipt code they were shown once and sees how their ballot was recorded."""
    vote = _public_vote(code)
    form = ReceiptForm(request.GET or None)
    ballot = None
    if form.is_bound and form.is_valid():
        ballot = Ballot.objects.filter(vote=vote, receipt_hash=receipt_hash(form.cleaned_data["receipt"])).first()
        if ballot is None:
            form.add_error("receipt", _("No ballot of this vote has this receipt code. Check the code (letters and digits, e.g. ABCD-EFGH-JKMN)."))
    return render(
        request, "disclosure/receipt.html", {"vote": vote, "form": form, "ballot": ballot},
        status=404 if form.is_bound and ballot is None else 200,
    )


# --- projects: the money and the works in the open (architecture §5) -------------------------------------

import csv  # noqa: E402
import io  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.conf import settings  # noqa: E402
from django.contrib import messages  # noqa: E402
from django.contrib.auth.decorators import login_required  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.exceptions import PermissionDenied, ValidationError  # noqa: E402
from django.db.models import Sum  # noqa: E402
from django.http import FileResponse, StreamingHttpResponse  # noqa: E402
from django.shortcuts import redirect  # noqa: E402
from django.middleware.csrf import get_token  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402
from django.utils.safestring import mark_safe  # noqa: E402
from django.views.decorators.http import require_POST  # noqa: E402

from projects.models import Project  # noqa: E402
from projects.revision import CITY_REVISION_KEY, fragment_key, near_cache, public_page_key, whole_page_key  # noqa: E402
from projects.views import _form_errors  # noqa: E402
from stakeholders.files import private_file_response  # noqa: E402

from feedback import selectors as feedback_selectors  # noqa: E402

from . import ledger, opendata, permissions, services  # noqa: E402
from . import selectors as pub  # noqa: E402
from .forms import (  # noqa: E402
    BudgetForm,
    LedgerEntryForm,
    MilestoneForm,
    MilestoneStatusForm,
    ProgressForm,
    PublishForm,
    ReverseForm,
)
from .models import Budget, LedgerEntry, Milestone  # noqa: E402

PROJECTS_PER_PAGE = 30
LEDGER_PER_PAGE = 100


def _cached(key: str, build) -> str:
    """A rendered fragment from the cache (Redis in production), built on a miss. Keys carry the
    language and the data's revision, so a changed project is never served stale."""
    key = fragment_key(translation.get_language(), key)
    html = cache.get(key)
    if html is None:
        html = build()
        cache.set(key, html, settings.DISCLOSURE_CACHE_SECONDS)
    return html


# A cached whole page carries this instead of the CSRF token; each visitor's own token replaces it.
CSRF_PLACEHOLDER = "__portal-csrf-token__"


def _same_for_everyone(request) -> bool:
    """A visitor without a session or pending messages sees exactly what every such visitor sees
    (in their language): the whole page may come from the cache."""
    return (
        request.method == "GET" and settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES
        and not visitor_chose_care(request)  # 关怀模式 pages are their own
    )


def _revision(key: str, read) -> str:
    """A public revision from the cache; on a miss from the database (`read`), kept for
    DISCLOSURE_REVISION_SECONDS. project_touch deletes it, so a change shows on the next visit
    (at worst after DISCLOSURE_REVISION_SECONDS, for a reader that raced the commit)."""
    value = cache.get(key)
    if value is None:
        value = read()
        cache.set(key, value, settings.DISCLOSURE_REVISION_SECONDS)
    return value


def _whole_page(request, key: str, render_page) -> HttpResponse:
    key = whole_page_key(translation.get_language(), key)
    html = cache.get(key)
    if html is None:
        html = render_page({"csrf_token": CSRF_PLACEHOLDER})
        cache.set(key, html, settings.DISCLOSURE_CACHE_SECONDS)
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))


def _city_revision() -> str:
    """Changes whenever any project's public revision does (revisions only grow)."""
    def read() -> str:
        figures = Project.objects.aggregate(rev=Sum("public_revision"))
        return str(figures["rev"] or 0)

    return _revision(CITY_REVISION_KEY, read)


def index(request):
    street = request.GET.get("street", "")
    status = request.GET.get("status", "")
    status = status if status in pub.PUBLIC_STATUSES else ""
    q = request.GET.get("q", "").strip()[:100]
    try:
        year = int(request.GET.get("year", "") or 0) or None
    except ValueError:
        year = None
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

    key = f"index:{_city_revision()}:{query}:{page_number}"
    if _same_for_everyone(request):
        return _whole_page(request, key, lambda extra: render_to_string(
            "disclosure/index.html", {"body": _cached(key, build), **extra}, request=request))
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
    check = ledger.verify_chain(documents)
    items = pub.adopted_plan_items(project)
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
        "check": check,
        "updates": updates,
        # The newest post carries the project's current percent (the same order as current_progress).
        "progress": updates[0].project_percent if updates else None,
        "milestones": pub.milestones(project),
        "awards": pub.current_awards(project),
        "signatures": pub.acceptance_signatures(project),
        "votes": pub.closed_votes(project),
        "complaints": feedback_selectors.public_complaint_stats(project),
        "surveys": [feedback_selectors.survey_results(s) for s in surveys if s.status == "closed"],
        "open_survey": next((s for s in surveys if s.status == "open"), None),
        "min_responses": settings.SURVEY_MIN_RESPONSES,
        "chart": {
            "sources": {"labels": [str(label) for _s, label, _a in sources], "values": [float(a) for *_x, a in sources]},
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
    from django.utils.html import format_html
    from django.utils.http import urlencode

    from feedback import permissions as voice_permissions

    if not user.is_authenticated:
        target = reverse("feedback:complaint_file", args=[project.code])
        return format_html('<a href="{}?{}">{}</a>', reverse("login"), urlencode({"next": target}),
                           _("Residents of this estate: sign in to report a problem"))
    if voice_permissions.can_file_complaint(user, project):
        return format_html('<a href="{}" data-testid="report-problem">{}</a>',
                           reverse("feedback:complaint_file", args=[project.code]), _("Report a problem"))
    return ""


def _project_page(request, project: Project, extra: dict | None = None) -> str:
    body = _cached(f"project:{project.pk}:{project.public_revision}", lambda: _project_body(project))
    body = mark_safe(str(body).replace(COMPLAINT_ACTION_MARKER, _complaint_action(request.user, project), 1))
    return render_to_string("disclosure/project.html", {"project": project, "body": body, **(extra or {})}, request=request)


def project(request, code: str):
    """Anonymous visitors get the whole page from the cache in one round trip and no query (kept
    DISCLOSURE_REVISION_SECONDS, deleted by project_touch); signed-in users the cached body inside
    their own header."""
    if _same_for_everyone(request):
        key = public_page_key(code, translation.get_language())
        near = near_cache()
        html = near.get(key) if near is not None else None
        if html is None:
            html = cache.get(key)
            if html is None:
                html = _project_page(request, _public_project_or_404(code), {"csrf_token": CSRF_PLACEHOLDER})
                cache.set(key, html, settings.DISCLOSURE_REVISION_SECONDS)
            if near is not None:
                near.set(key, html)
        return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))
    return HttpResponse(_project_page(request, _public_project_or_404(code)))


def ledger_json(request, code: str):
    project = _public_project_or_404(code)
    return _json(ledger.ledger_document(project.code, pub.ledger_documents(project)), cache_seconds=60)


# --- the ledger page: public, with the street office's desk ------------------------------------------


def _acting_project(request, code: str) -> Project:
    """For actions: the project as the signed-in user may see it (404 outside their scope)."""
    if not request.user.is_authenticated:
        raise PermissionDenied(_("Sign in first."))
    return get_object_or_404(project_selectors.projects_visible_to(request.user), code=code)


def ledger_page(request, code: str):
    project = _public_project_or_404(code)
    budget = pub.budget_of(project)
    can_record = permissions.can_record_ledger(request.user, project, budget)
    items = pub.adopted_plan_items(project)
    form = LedgerEntryForm(items=items) if can_record else None
    status = 200
    if request.method == "POST":
        project = _acting_project(request, code)
        budget = pub.budget_of(project)
        if not permissions.can_record_ledger(request.user, project, budget):
            raise PermissionDenied(services.LEDGER_ERRORS["not_allowed"])
        form = LedgerEntryForm(request.POST, request.FILES, items=items)
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = services.ledger_record(
                    project=project, actor=request.user, date=data["date"], kind=data["kind"], amount=data["amount"],
                    counterparty=data["counterparty"], source=data["source"], plan_item=data["plan_item"],
                    memo=data["memo"], voucher=data["voucher"],
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("Entry %(seq)s recorded and published.") % {"seq": entry.seq})
                return redirect("disclosure:ledger", code=project.code)
        status = 400
    documents = pub.ledger_documents(project)
    rows = pub.with_running_totals(documents)
    page = Paginator(list(reversed(rows)), LEDGER_PER_PAGE).get_page(request.GET.get("page"))
    reversed_seqs = {d["reverses"] for d in documents if d["reverses"]}
    sees_vouchers = permissions.can_view_voucher(request.user, project)
    context = {
        "project": project,
        "page": page,
        "rows": page.object_list,
        "totals": ledger.totals(documents),
        "check": ledger.verify_chain(documents),
        "form": form,
        "reversible": {
            row["seq"] for row in page.object_list
            if permissions.can_reverse_entry(request.user, project, budget, row, reversed_seqs)
        },
        "can_view_vouchers": sees_vouchers,
        "vouchers": pub.seqs_with_voucher(project) if sees_vouchers else set(),
        "page_query": "",
    }
    return render(request, "disclosure/ledger.html", context, status=status)


def _act_and_report(request, form, act, success, back):
    """A small POST form that calls one service: the outcome (or the errors) as a message."""
    if form.is_valid():
        try:
            result = act(form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, success(result))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return back


@require_POST
def ledger_reverse(request, code: str, seq: int):
    project = _acting_project(request, code)
    entry = get_object_or_404(LedgerEntry.objects.select_related("project"), project=project, seq=seq)
    if not permissions.can_record_ledger(request.user, project, pub.budget_of(project)):
        raise PermissionDenied(services.LEDGER_ERRORS["not_allowed"])
    return _act_and_report(
        request, ReverseForm(request.POST),
        lambda data: services.ledger_reverse(entry=entry, actor=request.user, memo=data["memo"]),
        lambda reversal: _("Entry %(seq)s reverses entry %(target)s.") % {"seq": reversal.seq, "target": entry.seq},
        redirect("disclosure:ledger", code=project.code),
    )


def ledger_voucher(request, code: str, seq: int):
    return voucher_response(request.user, _acting_project(request, code), seq)


def voucher_response(user, project: Project, seq: int):
    """An entry's private voucher, for the street office (the page and the API)."""
    if not permissions.can_view_voucher(user, project):
        raise PermissionDenied(_("Vouchers are kept by the street office."))
    entry = get_object_or_404(LedgerEntry, project=project, seq=seq)
    if not entry.voucher:
        raise Http404
    return private_file_response(entry.voucher, content_type=entry.voucher_content_type, download_name=f"{project.code}-{seq}")


# --- budget desk (street office) --------------------------------------------------------------------


@login_required
def budget(request, code: str):
    project = get_object_or_404(project_selectors.projects_visible_to(request.user), code=code)
    budget = pub.budget_of(project)
    can_draft = permissions.can_draft_budget(request.user, project, budget)
    can_approve = budget is not None and permissions.can_approve_budget(request.user, budget)
    can_publish = budget is not None and permissions.can_publish_budget(request.user, budget)
    form = BudgetForm(initial=pub.budget_prefill(project, budget)) if can_draft else None
    publish_form = PublishForm() if can_publish else None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "draft":
                if not can_draft:
                    raise PermissionDenied(services.BUDGET_ERRORS["not_allowed"])
                form = BudgetForm(request.POST)
                if form.is_valid():
                    services.budget_save_draft(project=project, actor=request.user, total=form.cleaned_data["total"], lines=form.funding())
                    messages.success(request, _("Budget draft saved."))
                    return redirect("disclosure:budget", code=code)
                status = 400
            elif action == "approve":
                if budget is None or not can_approve:
                    raise PermissionDenied(services.BUDGET_ERRORS["not_allowed"])
                services.budget_approve(budget=budget, actor=request.user)
                messages.success(request, _("Budget approved. Publish it to start the public notice."))
                return redirect("disclosure:budget", code=code)
            elif action == "publish":
                if budget is None or not can_publish:
                    raise PermissionDenied(services.BUDGET_ERRORS["not_allowed"])
                publish_form = PublishForm(request.POST)
                if publish_form.is_valid():
                    services.budget_publish(budget=budget, actor=request.user, notice_days=publish_form.cleaned_data["notice_days"])
                    messages.success(request, _("Budget published (公示). The project may now be contracted."))
                    return redirect("disclosure:budget", code=code)
                status = 400
            else:
                raise PermissionDenied(services.BUDGET_ERRORS["not_allowed"])
        except ValidationError as error:
            if action == "draft" and form is not None:
                _form_errors(form, error)
            elif action == "publish" and publish_form is not None:
                _form_errors(publish_form, error)
            else:
                messages.error(request, " ".join(error.messages))
            status = 400
    context = {
        "project": project,
        "budget": budget,
        "sources": pub.sources_of(budget),
        "form": form,
        "publish_form": publish_form,
        "can_approve": can_approve,
        "share": pub.residents_share(request.user, project, budget if budget and budget.status == Budget.Status.PUBLISHED else None),
    }
    return render(request, "disclosure/budget.html", context, status=status)


# --- progress and milestones (contractor) --------------------------------------------------------------


def progress_page(request, code: str):
    project = _public_project_or_404(code)
    can_post = permissions.can_post_progress(request.user, project)
    items = pub.adopted_plan_items(project)
    form = ProgressForm(items=items) if can_post else None
    milestone_form = MilestoneForm() if can_post else None
    status = 200
    if request.method == "POST":
        project = _acting_project(request, code)
        if not permissions.can_post_progress(request.user, project):
            raise PermissionDenied(services.PROGRESS_ERRORS["not_allowed"])
        if request.POST.get("action") == "milestone":
            milestone_form = MilestoneForm(request.POST)
            if milestone_form.is_valid():
                try:
                    services.milestone_add(project=project, actor=request.user, **milestone_form.cleaned_data)
                except ValidationError as error:
                    _form_errors(milestone_form, error)
                else:
                    messages.success(request, _("Milestone added."))
                    return redirect("disclosure:progress", code=code)
        else:
            form = ProgressForm(request.POST, request.FILES, items=items)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.progress_post(
                        project=project, actor=request.user, percent=data["percent"], text=data["text"],
                        plan_item=data["plan_item"], photos=data["photos"],
                    )
                except ValidationError as error:
                    _form_errors(form, error)
                else:
                    messages.success(request, _("Progress posted. It is public now."))
                    return redirect("disclosure:progress", code=code)
        status = 400
    page = Paginator(pub.progress_updates(project, limit=None), 20).get_page(request.GET.get("page"))
    context = {
        "project": project,
        "page": page,
        "updates": page.object_list,
        "progress": pub.current_progress(project),
        "milestones": pub.milestones(project),
        "form": form,
        "milestone_form": milestone_form,
        "status_form": MilestoneStatusForm() if can_post else None,
        "page_query": "",
    }
    return render(request, "disclosure/progress.html", context, status=status)


@require_POST
def milestone_update(request, code: str, pk: int):
    project = _acting_project(request, code)
    milestone = get_object_or_404(Milestone, project=project, pk=pk)
    if not permissions.can_manage_milestones(request.user, project):
        raise PermissionDenied(services.PROGRESS_ERRORS["not_allowed"])
    return _act_and_report(
        request, MilestoneStatusForm(request.POST),
        lambda data: services.milestone_update(milestone=milestone, actor=request.user, **data),
        lambda _milestone: _("Milestone updated."),
        redirect("disclosure:progress", code=code),
    )


def photo(request, pk: int, size: str):
    """A public progress photo (metadata stripped when stored). Photos never change, so they are
    cached for a year by browsers and proxies."""
    if size not in ("thumb", "full"):
        raise Http404
    photo = pub.public_photo(pk)
    if photo is None:
        raise Http404
    field = photo.thumb if size == "thumb" else photo.image
    etag = f'"{photo.pk}-{size}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = FileResponse(field.open("rb"), content_type=photo.photo_content_type)
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- open data (architecture §6) -----------------------------------------------------------------------------


def opendata_projects_csv(request):
    """Every public project, one row each; UTF-8 with a BOM so Excel shows the Chinese names."""
    rows = opendata.project_rows()

    def stream():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        yield "\ufeff"
        for row in rows:
            writer.writerow(row)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="projects.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def opendata_oc4ids(request):
    return _json(opendata.oc4ids_package(request.build_absolute_uri(reverse("disclosure:oc4ids"))), cache_seconds=300)


# --- contractors: the residents' ratings that follow them to the next bid ------------------------------


def contractors(request):
    page = Paginator(pub.public_contractors(), 50).get_page(request.GET.get("page"))
    return render(request, "disclosure/contractors.html", {
        "page": page, "organizations": page.object_list, "page_query": "", "min_responses": settings.SURVEY_MIN_RESPONSES,
    })


def contractor(request, pk: int):
    organization = pub.public_contractor(pk)
    if organization is None:
        raise Http404(_("No contractor has this number."))
    projects = pub.contractor_projects(organization)
    satisfaction = feedback_selectors.satisfaction_by_project([p.pk for p in projects])
    return render(request, "disclosure/contractor.html", {
        "organization": organization,
        "projects": [(p, satisfaction.get(p.pk)) for p in projects],
        "details": pub.rating_details(organization),
        "min_responses": settings.SURVEY_MIN_RESPONSES,
    })
