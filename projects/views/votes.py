"""Vote pages: casting a ballot (post/redirect/get), votes by hand, the paper-ballot desk and its
scans."""

from __future__ import annotations

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
from django.views.decorators.http import require_http_methods, require_safe

from core.files import private_file_response
from core.forms import form_errors
from core.params import bounded_int

from .. import permissions, proxies, selectors, services
from ..forms import (
    BallotForm,
    PaperBallotForm,
    VoteForm,
)
from ..models import Ballot, Vote, Voter

VOTERS_PER_PAGE = 50


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
                _ballot, receipt = services.ballot_cast(
                    vote=vote, actor=request.user, choice=form.cleaned_data["choice"]
                )
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
        # 委托投票: the owners whose ballots this person may cast, and the proxies this owner gave.
        "proxied": [
            (a, v, permissions.can_cast_by_proxy(request.user, vote, v, a, now) and not hasattr(v, "ballot"))
            for a, v in proxies.held_for(request.user, vote)
        ],
        "given": [a for a in proxies.given_by(voter.resident) if permissions.proxy_covers(a, vote)] if voter else [],
        "proxy_receipt": request.session.pop(f"proxy-receipt:{vote.code}", None) if request.method == "GET" else None,
    }
    response = render(request, "projects/vote.html", context, status=status)
    if receipt:
        patch_cache_control(response, private=True, no_store=True)  # the back button never shows it again
    return response


@login_required
@require_http_methods(["GET", "POST"])
def vote_new(request, code: str):
    project = get_object_or_404(selectors.projects_visible_to(request.user), code=code)
    if not permissions.can_manage_votes(request.user, project):
        raise PermissionDenied(services.VOTE_ERRORS["not_allowed"])
    buildings = list(project.estate.buildings.order_by("number"))
    form = VoteForm(
        request.POST or None,
        buildings=buildings,
        initial={"scope": Vote.Scope.ESTATE},  # no matter preselected
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        building = next((b for b in buildings if b.pk == data["building"]), None)
        try:
            vote = services.vote_create(
                project=project,
                purpose=Vote.Purpose.OTHER,
                title=data["title"],
                matter=data["matter"],
                decides=data["decides"],
                scope=data["scope"],
                building=building,
                unit=data["unit"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                actor=request.user,
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request, _("Vote created as a draft. Check it, then open it: the electorate is fixed at that moment.")
            )
            return redirect("projects:vote", vote.code)
    return render(
        request, "projects/vote_form.html", {"project": project, "form": form}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["POST"])
def vote_manage(request, code: str):
    vote = get_object_or_404(selectors.votes_visible_to(request.user), code=code)
    action = request.POST.get("action")
    try:
        if action == "open":
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
        posted = Voter.objects.filter(vote=vote, pk=bounded_int(request.POST.get("voter")) or 0).first()
        authorization = proxies.in_force_by_owner(vote, [getattr(posted, "resident_id", None)]).get(
            getattr(posted, "resident_id", None)
        )
        form = PaperBallotForm(request.POST, request.FILES, proxy=authorization)
        if form.is_valid():
            if posted is None:
                raise Http404
            voter, fields = posted, form.cleaned_data
            try:
                if fields.get("by_proxy"):
                    _ballot, receipt = services.ballot_record_paper_by_proxy(
                        vote=vote,
                        voter=voter,
                        authorization=authorization,
                        choice=fields["choice"],
                        scan=fields["scan"],
                        actor=request.user,
                    )
                else:
                    _ballot, receipt = services.ballot_record_paper(
                        vote=vote, voter=voter, choice=fields["choice"], scan=fields["scan"], actor=request.user
                    )
            except ValidationError as error:
                form_errors(form, error)
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
    voters_here = list(page.object_list)
    in_force = proxies.in_force_by_owner(vote, [v.resident_id for v in voters_here if not hasattr(v, "ballot")])
    rows = [
        (
            voter,
            form
            if failed_voter == voter.pk
            else PaperBallotForm(initial={"voter": voter.pk}, proxy=in_force.get(voter.resident_id)),
        )
        for voter in voters_here
    ]
    for voter, row_form in rows:
        row_form.auto_id = f"id_v{voter.pk}_%s"
    context = {
        "vote": vote,
        "page": page,
        "rows": rows,
        "query": query,
        "can_record": can_record,
        "receipt": receipt,
        "recorded": recorded,
        "turnout": selectors.turnout(vote),
        "form": form,
        "page_query": f"q={query}" if query else "",
        "can_record_proxy": permissions.can_record_proxy(request.user, vote.project.estate),
    }
    return render(request, "projects/paper_ballots.html", context, status=status)


@require_safe
@login_required
def ballot_scan(request, code: str, pk: int):
    vote = get_object_or_404(selectors.votes_visible_to(request.user), code=code)
    ballot = get_object_or_404(Ballot.objects.filter(vote=vote).exclude(scan=""), pk=pk)
    if not permissions.can_view_ballot_scan(request.user, ballot):
        raise PermissionDenied(services.VOTE_ERRORS["not_allowed"])
    return private_file_response(
        ballot.scan, content_type=ballot.scan_content_type, download_name=f"ballot-{ballot.pk}"
    )
