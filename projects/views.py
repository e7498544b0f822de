from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import permissions, selectors, services
from .lifecycle import BUDGET_PUBLISHED_STATUSES, PLAN_ADOPTED_STATUSES
from stakeholders.files import private_file_response

from .forms import (
    BallotForm,
    CommentForm,
    InviteForm,
    NeedForm,
    PaperBallotForm,
    PetitionForm,
    PlanItemForm,
    SummaryForm,
    TransitionForm,
    TriageForm,
    VoteForm,
)
from .models import Ballot, Need, PlanItem, Project, Sponsorship, Vote, Voter

PROJECTS_PER_PAGE = 50
NEEDS_PER_PAGE = 30
VOTERS_PER_PAGE = 50


def _form_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the fields it names (or on top of the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def project_list(request):
    projects = selectors.projects_visible_to(request.user).order_by("-status_changed_at", "-id")
    page = Paginator(projects, PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "projects/list.html", {"projects": page.object_list, "page": page, "page_query": ""})


@login_required
@require_http_methods(["GET", "POST"])
def project_detail(request, code: str):
    project = get_object_or_404(selectors.projects_visible_to(request.user), code=code)
    failed = None
    if request.method == "POST":
        form = TransitionForm(request.POST)
        if form.is_valid():
            to = form.cleaned_data["to"]
            if to not in Project.Status.values or not permissions.can_transition(request.user, project, to):
                raise PermissionDenied(services.ERRORS["not_allowed"])
            try:
                services.project_transition(
                    project=project, to=to, actor=request.user, note=form.cleaned_data["note"]
                )
            except ValidationError as error:
                _form_errors(form, error)
                failed = (to, form)
            else:
                messages.success(request, _("Status changed to “%(status)s”.") % {"status": Project.Status(to).label})
                return redirect(project)
    transitions = []
    for to in permissions.available_transitions(request.user, project):
        form = failed[1] if failed and failed[0] == to else TransitionForm(initial={"to": to})
        form.auto_id = f"id_{to}_%s"  # one form per transition on the page: distinct field ids
        transitions.append((Project.Status(to), form))
    context = _detail_context(request.user, project, transitions=transitions, failed=failed)
    return render(request, "projects/detail.html", context, status=400 if failed else 200)


NEEDS_ON_PROJECT_PAGE = 5


def _detail_context(user, project, **extra) -> dict:
    versions = list(selectors.plan_versions(project))
    live = selectors.live_plan_version(versions)
    needs = selectors.needs_ranked(project, user)
    return {
        "project": project,
        "events": selectors.project_events(project),
        "transitions": [],
        "votes": selectors.votes_of_project(project),
        "top_needs": needs[:NEEDS_ON_PROJECT_PAGE],
        "needs_open": project.status in permissions.NEEDS_OPEN_STATUSES,
        "can_file_need": permissions.can_file_need(user, project),
        "plan_versions": versions,
        "can_start_plan_version": permissions.can_start_plan_version(user, project, live),
        "live_plan": live,
        "can_manage_votes": permissions.can_manage_votes(user, project),
        **_works_context(user, project),
        **_petition_context(user, project),
        **extra,
    }


def _works_context(user, project) -> dict:
    """Award, acceptance and links to the money and works pages (disclosure)."""
    from .forms import AcceptanceForm
    from .models import AcceptanceSignature

    signed = list(selectors.acceptance_of(project))
    signed_roles = {s.role for s in signed}
    return {
        "can_award": permissions.can_award(user, project),
        "current_awards": [a for a in selectors.awards_of(project) if a.ended_at is None],
        "acceptance": signed,
        "acceptance_roles": [(AcceptanceSignature.Role(r), r in signed_roles) for r in AcceptanceSignature.Role.values],
        "acceptance_forms": [
            (AcceptanceSignature.Role(role), AcceptanceForm(initial={"role": role}, auto_id=f"id_accept_{role}_%s"))
            for role in permissions.acceptance_roles(user, project) if role not in signed_roles
        ],
        "money_stage": project.status in PLAN_ADOPTED_STATUSES,
        "works_pages": project.status in BUDGET_PUBLISHED_STATUSES,
    }


def _petition_context(user, project, invite_form=None) -> dict:
    petition = selectors.petition_of(project)
    if petition is None:
        return {"petition": None}
    shortfalls = selectors.petition_shortfalls(petition)
    mine = next((s for s in petition.sponsorships.all() if s.resident.user_id == user.pk), None)
    return {
        "petition": petition,
        "can_submit": permissions.can_submit_petition(user, petition, complete=not shortfalls),
        "settings_vote_days": settings.WILLINGNESS_VOTE_DAYS,
        "sponsorships": [s for s in petition.sponsorships.all() if s.status != Sponsorship.Status.DECLINED],
        "checklist": [
            (code, services.PETITION_ERRORS[code], code not in shortfalls) for code in ("sponsors", "households", "party_member")
        ],
        "petition_complete": not shortfalls,
        "can_invite": permissions.can_invite_sponsors(user, petition),
        "invite_form": invite_form or InviteForm(),
        "my_sponsorship": mine,
        "can_withdraw": mine is not None and permissions.can_withdraw_sponsorship(user, mine),
        "can_answer": mine is not None and permissions.can_answer_invitation(user, mine),
    }


@login_required
@require_http_methods(["GET", "POST"])
def petition_start(request):
    estates = selectors.petitionable_estates(request.user)
    if not estates:
        raise PermissionDenied(services.PETITION_ERRORS["cannot_start"])
    form = PetitionForm(request.POST or None, estates=estates, initial={"estate": request.GET.get("estate")})
    if request.method == "POST" and form.is_valid():
        estate = next(e for e in estates if e.pk == form.cleaned_data["estate"])
        try:
            petition = services.petition_start(
                resident=request.user.resident, estate=estate, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Petition started. Invite at least two neighbours from other households to sign."))
            return redirect(petition.project)
    return render(request, "projects/petition_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["POST"])
def petition_invite(request, code: str):
    project = get_object_or_404(selectors.projects_visible_to(request.user), code=code)
    petition = selectors.petition_of(project)
    if petition is None or not permissions.can_invite_sponsors(request.user, petition):
        raise PermissionDenied(services.PETITION_ERRORS["cannot_invite"])
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.sponsor_invite(petition=petition, actor=request.user, phone=form.cleaned_data["phone"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Invitation sent. It counts once your neighbour confirms."))
            return redirect(project)
    context = _detail_context(request.user, project)
    context.update(_petition_context(request.user, project, invite_form=form))
    return render(request, "projects/detail.html", context, status=400)


@login_required
@require_http_methods(["POST"])
def sponsorship_answer(request, pk: int):
    sponsorship = get_object_or_404(
        Sponsorship.objects.filter(resident__user=request.user).select_related("petition__project"), pk=pk
    )
    action = request.POST.get("action")
    try:
        if action == "withdraw":
            services.sponsor_withdraw(sponsorship=sponsorship, actor=request.user)
            messages.success(request, _("Your signature was withdrawn."))
        else:
            confirm = action == "confirm"
            services.sponsor_answer(sponsorship=sponsorship, actor=request.user, confirm=confirm)
            messages.success(request, _("You signed the petition.") if confirm else _("You declined the invitation."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(sponsorship.petition.project)


@login_required
@require_http_methods(["GET", "POST"])
def vote_detail(request, code: str):
    vote = selectors.vote_visible_to(request.user, code, related=("project__estate__community__street",))
    if vote is None:
        raise Http404
    voter = selectors.voter_of(request.user, vote)
    form, receipt, status = BallotForm(), None, 200
    receipt_key = f"ballot-receipt:{vote.code}"
    if request.method == "POST":
        form = BallotForm(request.POST)
        if form.is_valid():
            try:
                _ballot, receipt = services.ballot_cast(vote=vote, actor=request.user, choice=form.cleaned_data["choice"])
            except ValidationError as error:
                form.add_error(None, error)
                status = 409 if error.code == "already_voted" else 400
            else:
                # Post/redirect/get: the receipt waits in the session for the one GET that shows it,
                # so a refresh neither re-posts the ballot nor shows the form again.
                request.session[receipt_key] = receipt
                return redirect(reverse("projects:vote", args=[vote.code]) + "#receipt")
        else:
            status = 400
    else:
        receipt = request.session.pop(receipt_key, None)
    now = timezone.now()
    context = {
        "vote": vote,
        "voter": voter,
        "form": form,
        "receipt": receipt,  # shown once, in this response only
        "can_cast": permissions.can_cast_ballot_now(request.user, vote, voter, now),
        "turnout": selectors.turnout(vote),
        "can_open": permissions.can_open_vote(request.user, vote),
        "can_close": permissions.can_close_vote_now(request.user, vote, now),
        "may_see_paper": permissions.may_see_paper_ballots(request.user, vote),
    }
    response = render(request, "projects/vote.html", context, status=status)
    if receipt:
        patch_cache_control(response, private=True, no_store=True)  # the back button never shows it again
    return response


@login_required
@require_http_methods(["POST"])
def petition_submit(request, code: str):
    project = get_object_or_404(selectors.projects_visible_to(request.user), code=code)
    petition = selectors.petition_of(project)
    if petition is None:
        raise Http404
    try:
        vote = services.petition_submit(petition=petition, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(project)
    messages.success(request, _("The willingness vote is open. Every owner of the estate can now vote."))
    return redirect("projects:vote", vote.code)


# --- votes: by hand, and paper ballots ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def vote_new(request, code: str):
    project = get_object_or_404(selectors.projects_visible_to(request.user), code=code)
    if not permissions.can_manage_votes(request.user, project):
        raise PermissionDenied(services.VOTE_ERRORS["not_allowed"])
    buildings = list(project.estate.buildings.order_by("number"))
    form = VoteForm(request.POST or None, buildings=buildings, initial={"matter": Vote.Matter.ORDINARY, "scope": Vote.Scope.ESTATE})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        building = next((b for b in buildings if b.pk == data["building"]), None)
        try:
            vote = services.vote_create(
                project=project, purpose=Vote.Purpose.OTHER, title=data["title"], matter=data["matter"],
                scope=data["scope"], building=building, unit=data["unit"], opens_at=data["opens_at"],
                closes_at=data["closes_at"], actor=request.user,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Vote created as a draft. Check it, then open it: the electorate is fixed at that moment."))
            return redirect("projects:vote", vote.code)
    return render(request, "projects/vote_form.html", {"project": project, "form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["POST"])
def vote_manage(request, code: str):
    vote = get_object_or_404(selectors.votes_visible_to(request.user), code=code)
    action = request.POST.get("action")
    try:
        if action == "open":
            if not permissions.can_open_vote(request.user, vote):
                raise PermissionDenied(services.VOTE_ERRORS["not_allowed"])
            services.vote_open(vote=vote, actor=request.user)
            messages.success(request, _("The vote is open; its electorate is fixed."))
        elif action == "close":
            services.vote_close_now(vote=vote, actor=request.user)
            messages.success(request, _("The vote is counted and its result published."))
        else:
            raise PermissionDenied(services.VOTE_ERRORS["not_allowed"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("projects:vote", vote.code)


@login_required
@require_http_methods(["GET", "POST"])
def paper_ballots(request, code: str):
    """Community staff enter signed paper ballots: the voter list with units, a search, one form."""
    vote = get_object_or_404(selectors.votes_visible_to(request.user), code=code)
    if not permissions.may_see_paper_ballots(request.user, vote):
        raise PermissionDenied(services.VOTE_ERRORS["not_allowed"])
    can_record = permissions.can_record_paper_ballot(request.user, vote, timezone.now())
    form, receipt, status, recorded = None, None, 200, None
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied(services.VOTE_ERRORS["not_open"])
        form = PaperBallotForm(request.POST, request.FILES)
        if form.is_valid():
            voter = get_object_or_404(Voter.objects.filter(vote=vote), pk=form.cleaned_data["voter"])
            try:
                _ballot, receipt = services.ballot_record_paper(
                    vote=vote, voter=voter, choice=form.cleaned_data["choice"], scan=form.cleaned_data["scan"],
                    actor=request.user,
                )
            except ValidationError as error:
                _form_errors(form, error)
                status = 409 if getattr(error, "code", None) == "paper_already_voted" else 400
            else:
                status, recorded = 201, voter
        else:
            status = 400
    query = request.GET.get("q", "").strip()
    voters = selectors.voters_for_paper(vote, query)
    page = Paginator(voters, VOTERS_PER_PAGE).get_page(request.GET.get("page"))
    failed_voter = None
    if form is not None and form.errors:
        try:
            failed_voter = int(form.data.get("voter"))
        except (TypeError, ValueError):
            pass
    rows = [
        (voter, form if failed_voter == voter.pk else PaperBallotForm(initial={"voter": voter.pk}))
        for voter in page.object_list
    ]
    for voter, row_form in rows:
        row_form.auto_id = f"id_v{voter.pk}_%s"
    context = {
        "vote": vote, "page": page, "rows": rows, "query": query, "can_record": can_record, "receipt": receipt,
        "recorded": recorded, "turnout": selectors.turnout(vote), "form": form,
        "page_query": f"q={query}" if query else "",
    }
    return render(request, "projects/paper_ballots.html", context, status=status)


@login_required
def ballot_scan(request, code: str, pk: int):
    vote = get_object_or_404(selectors.votes_visible_to(request.user), code=code)
    ballot = get_object_or_404(Ballot.objects.filter(vote=vote, channel=Ballot.Channel.PAPER).exclude(scan=""), pk=pk)
    if not permissions.can_view_ballot_scan(request.user, ballot):
        raise PermissionDenied(services.VOTE_ERRORS["not_allowed"])
    return private_file_response(ballot.scan, content_type=ballot.scan_content_type, download_name=f"ballot-{ballot.pk}")


# --- needs (点单) -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def needs(request, code: str):
    project = get_object_or_404(selectors.projects_visible_to(request.user), code=code)
    can_file = permissions.can_file_need(request.user, project)
    form, status = None, 200
    if request.method == "POST":
        if not can_file:
            raise PermissionDenied(services.NEED_ERRORS["cannot_file"])
        form = NeedForm(request.POST, request.FILES, catalog=selectors.catalog())
        if form.is_valid():
            try:
                services.need_file(
                    project=project, actor=request.user, catalog_item=form.cleaned_data["catalog_item"],
                    text=form.cleaned_data["text"], photo=form.cleaned_data["photo"],
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("Your need is filed. Neighbours can now support it."))
                return redirect("projects:needs", project.code)
        status = 400
    return _render_needs(request, project, form=form if form is not None else NeedForm(catalog=selectors.catalog()), status=status)


def _render_needs(request, project, *, form=None, triage_failed=None, status=200):
    page = Paginator(selectors.needs_ranked(project, request.user), NEEDS_PER_PAGE).get_page(request.GET.get("page"))
    can_triage = permissions.can_triage_needs(request.user, project)
    plan_items = selectors.draft_plan_items(project)
    rows = []
    for need in page.object_list:
        need.project = project  # loaded once for the permission checks below
        triage = None
        if can_triage and need.status == Need.Status.OPEN:
            triage = triage_failed[1] if triage_failed and triage_failed[0] == need.pk else TriageForm(plan_items=plan_items)
            triage.auto_id = f"id_n{need.pk}_%s"
        rows.append((need, triage, permissions.can_support_need(request.user, need) and not need.supported_by_me))
    context = {
        "project": project, "page": page, "rows": rows, "form": form, "page_query": "",
        "can_file": permissions.can_file_need(request.user, project), "can_triage": can_triage,
    }
    return render(request, "projects/needs.html", context, status=status)


def _need_in_scope(request, pk: int) -> Need:
    return get_object_or_404(
        Need.objects.filter(project__in=selectors.projects_visible_to(request.user)).select_related("project__estate"), pk=pk
    )


@login_required
@require_http_methods(["POST"])
def need_support(request, pk: int):
    need = _need_in_scope(request, pk)
    try:
        services.need_support(need=need, actor=request.user)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(request, _("You support this need."))
    return redirect(f"{reverse('projects:needs', args=[need.project.code])}#need-{need.pk}")


@login_required
@require_http_methods(["POST"])
def need_triage(request, pk: int):
    need = _need_in_scope(request, pk)
    if not permissions.can_triage_needs(request.user, need.project):
        raise PermissionDenied(services.NEED_ERRORS["cannot_triage"])
    plan_items = selectors.draft_plan_items(need.project)
    form = TriageForm(request.POST, plan_items=plan_items)
    if form.is_valid():
        item = next((i for i in plan_items if i.pk == form.cleaned_data["plan_item"]), None)
        try:
            services.need_triage(
                need=need, actor=request.user, include=form.cleaned_data["decision"] == "include",
                reason=form.cleaned_data["reason"], plan_item=item,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Answer saved; the owner who filed the need is notified."))
            return redirect(f"{reverse('projects:needs', args=[need.project.code])}#need-{need.pk}")
    return _render_needs(request, need.project, form=NeedForm(catalog=selectors.catalog()), triage_failed=(need.pk, form), status=400)


@login_required
def need_photo(request, pk: int):
    need = _need_in_scope(request, pk)
    if not need.photo:
        raise Http404
    return private_file_response(need.photo, content_type=need.photo_content_type, download_name=f"need-{need.pk}")


# --- the plan (三上三下) ---------------------------------------------------------------------------


@login_required
@require_http_methods(["POST"])
def plan_start(request, code: str):
    project = get_object_or_404(selectors.projects_visible_to(request.user), code=code)
    try:
        version = services.plan_version_start(project=project, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(project)
    messages.success(request, _("Version %(n)s of the plan is started.") % {"n": version.number})
    return redirect("projects:plan", project.code, version.number)


@login_required
@require_http_methods(["GET", "POST"])
def plan_version(request, code: str, number: int):
    project = get_object_or_404(selectors.projects_visible_to(request.user), code=code)
    version = get_object_or_404(selectors.plan_versions(project).select_related("project__estate"), number=number)
    user = request.user
    can_edit = permissions.can_edit_plan_version(user, version)
    to_plan = list(selectors.needs_to_plan(project)) if can_edit else []
    from_need = next((n for n in to_plan if str(n.pk) == request.GET.get("from_need")), None)
    forms_ = {
        "summary": SummaryForm(initial={"summary": version.summary}),
        "item": PlanItemForm(
            catalog=selectors.catalog(),
            initial={"catalog_item": from_need.catalog_item_id, "description": from_need.text[:300]} if from_need else None,
        ),
        "comment": CommentForm(),
    }
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "summary":
                forms_["summary"] = form = SummaryForm(request.POST)
                if form.is_valid():
                    services.plan_version_edit(version=version, actor=user, summary=form.cleaned_data["summary"])
                    messages.success(request, _("Summary saved."))
                    return redirect("projects:plan", code, number)
            elif action == "add_item":
                forms_["item"] = form = PlanItemForm(request.POST, catalog=selectors.catalog())
                if form.is_valid():
                    data = form.cleaned_data
                    services.plan_item_add(
                        version=version, actor=user, catalog_item=data["catalog_item"], description=data["description"],
                        quantity=data["quantity"], unit=data["unit"], estimated_cost=data["estimated_cost"],
                        funding=form.funding(),
                    )
                    messages.success(request, _("Item added."))
                    return redirect("projects:plan", code, number)
            elif action == "remove_item":
                item = get_object_or_404(PlanItem.objects.filter(version=version), pk=request.POST.get("item"))
                services.plan_item_remove(item=item, actor=user)
                messages.success(request, _("Item removed."))
                return redirect("projects:plan", code, number)
            elif action == "comment":
                forms_["comment"] = form = CommentForm(request.POST)
                if form.is_valid():
                    services.plan_comment_add(version=version, actor=user, text=form.cleaned_data["text"])
                    messages.success(request, _("Thank you: your comment is published with the plan."))
                    return redirect(f"{reverse('projects:plan', args=[code, number])}#comments")
            elif action == "publish":
                services.plan_version_publish(version=version, actor=user)
                messages.success(request, _("Published for comment; the estate's owners are notified."))
                return redirect("projects:plan", code, number)
            elif action == "vote":
                vote = services.plan_vote_call(version=version, actor=user)
                messages.success(request, _("The owners' vote on this version is open."))
                return redirect("projects:vote", vote.code)
            else:
                raise PermissionDenied(services.PLAN_ERRORS["not_allowed"])
        except ValidationError as error:
            target = forms_.get({"add_item": "item", "summary": "summary", "comment": "comment"}.get(action, ""))
            if target is not None:
                _form_errors(target, error)
            else:
                messages.error(request, " ".join(error.messages))
                return redirect("projects:plan", code, number)
        status = 400
    items = list(selectors.plan_items(version))
    context = {
        "project": project, "version": version, "items": items, "totals": selectors.plan_totals(items),
        "comments": selectors.plan_comments(version), "forms": forms_,
        "can_edit": can_edit,
        "needs_to_plan": to_plan,
        "from_need": from_need,
        "can_publish": permissions.can_publish_plan_version(user, version),
        "can_comment": permissions.can_comment_plan(user, version),
        "can_call_vote": permissions.can_call_plan_vote(user, version),
        "versions": selectors.plan_versions(project),
        "votes": version.votes.order_by("-opens_at"),
    }
    return render(request, "projects/plan.html", context, status=status)


# --- award and completion acceptance -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def award(request, code: str):
    from stakeholders.models import Organization

    from .forms import AwardForm

    project = get_object_or_404(selectors.projects_visible_to(request.user), code=code)
    if not permissions.can_award(request.user, project):
        raise PermissionDenied(services.AWARD_ERRORS["not_allowed"])
    contractors = list(selectors.award_candidates(Organization.Kind.CONTRACTOR))
    supervisors = list(selectors.award_candidates(Organization.Kind.SUPERVISOR))

    def queryset(orgs):
        return Organization.objects.filter(pk__in=[o.pk for o in orgs]).order_by("name")

    current = {a.role: a for a in selectors.awards_of(project) if a.ended_at is None}
    form = AwardForm(
        request.POST or None, contractors=queryset(contractors), supervisors=queryset(supervisors), current_roles=set(current),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.project_award(
                project=project, actor=request.user, contractor=data["contractor"], supervisor=data["supervisor"],
                contract_amount=data["contract_amount"], reason=data["reason"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Award saved. The organizations can now work on this project."))
            return redirect(project)
    return render(
        request, "projects/award.html",
        {"project": project, "form": form, "contractors": contractors, "supervisors": supervisors,
         "current": current, "history": selectors.awards_of(project)},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["POST"])
def acceptance_sign(request, code: str):
    from .forms import AcceptanceForm

    project = get_object_or_404(selectors.projects_visible_to(request.user), code=code)
    form = AcceptanceForm(request.POST)
    if not form.is_valid() or not permissions.can_sign_acceptance(request.user, project, form.cleaned_data["role"]):
        raise PermissionDenied(services.ACCEPTANCE_ERRORS["not_allowed"])
    try:
        services.acceptance_sign(project=project, role=form.cleaned_data["role"], actor=request.user, opinion=form.cleaned_data["opinion"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your signature on the completion acceptance is recorded."))
    return redirect(project)
