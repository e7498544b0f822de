"""Vote results anyone can check (architecture §6): the list, one result explained, the JSON, a receipt
check."""

from __future__ import annotations

from collections import Counter

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from core.replica import replica_ok
from core.throttle import page_throttle
from projects import published
from projects import selectors as project_selectors
from projects.canonical import money
from projects.models import Ballot, Vote
from projects.services import receipt_hash

from ..forms import ReceiptForm
from .cache import _json

VOTES_PER_PAGE = 50


def _public_vote(code: str) -> Vote:
    """A vote that has opened (drafts are not public yet)."""
    return get_object_or_404(
        Vote.objects.exclude(status=Vote.Status.DRAFT).select_related("project__estate__community__street"), code=code
    )


@replica_ok
@require_safe
def votes_json(request):
    return _json(published.votes_index(), cache_seconds=60)


@replica_ok
@require_safe
def vote_json(request, code: str):
    vote = _public_vote(code)
    if vote.status != Vote.Status.CLOSED:
        raise Http404(_("Results are published when the vote closes."))
    return _json(published.vote_document(vote))


@replica_ok
@require_safe
def votes(request):
    page = Paginator(published.closed_votes().select_related("project__estate"), VOTES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "disclosure/votes.html", {"page": page, "votes": page.object_list, "page_query": ""})


CHECK_TEXTS = {
    ("quorum_owners", "any"): gettext_lazy(
        "Owners who took part: %(have)s of %(of)s. At least two thirds of all owners must take part."
    ),
    ("quorum_area", "any"): gettext_lazy(
        "Area that took part: %(have)s of %(of)s m². At least two thirds of the total area must take part."
    ),
    ("agree_owners", "special"): gettext_lazy(
        "Owners who agreed: %(have)s of the %(of)s who took part. A special matter needs at least three quarters."
    ),
    ("agree_owners", "ordinary"): gettext_lazy(
        "Owners who agreed: %(have)s of the %(of)s who took part. An ordinary matter needs more than half."
    ),
    ("agree_area", "special"): gettext_lazy(
        "Area that agreed: %(have)s of the %(of)s m² that took part. A special matter needs at least three quarters."
    ),
    ("agree_area", "ordinary"): gettext_lazy(
        "Area that agreed: %(have)s of the %(of)s m² that took part. An ordinary matter needs more than half."
    ),
}


def _explained(document: dict) -> list[tuple[bool, str]]:
    """Each threshold of Civil Code art. 278 in plain words, with whether it was met."""
    lines = []
    for check in published.checks(document):
        kind = "any" if check.name.startswith("quorum") else document["matter"]
        have, of = (money(check.have), money(check.of)) if check.name.endswith("area") else (check.have, check.of)
        lines.append((check.met, str(CHECK_TEXTS[(check.name, kind)]) % {"have": have, "of": of}))
    return lines


@replica_ok
@require_safe
def vote(request, code: str):
    vote = _public_vote(code)
    context = {"vote": vote}
    if vote.status == Vote.Status.CLOSED:
        document = published.vote_document(vote)
        channels = Counter(b["channel"] for b in document["ballots"])
        context.update(
            document=document,
            checks=_explained(document),
            channels=[(label, channels.get(code, 0)) for code, label in Ballot.Channel.choices],
        )
    else:
        context["turnout"] = project_selectors.turnout(vote)
    return render(request, "disclosure/vote.html", context)


@require_safe
@page_throttle("receipt_check", when=lambda request: "receipt" in request.GET)
def vote_receipt(request, code: str):
    """A voter types the receipt code they were shown once and sees how their ballot was recorded."""
    vote = _public_vote(code)
    form = ReceiptForm(request.GET or None)
    ballot = None
    if form.is_bound and form.is_valid():
        ballot = Ballot.objects.filter(vote=vote, receipt_hash=receipt_hash(form.cleaned_data["receipt"])).first()
        if ballot is None:
            form.add_error(
                "receipt",
                _(
                    "No ballot of this vote has this receipt code. Check the code (letters and digits, e.g. "
                    "ABCD-EFGH-JKMN)."
                ),
            )
    return render(
        request,
        "disclosure/receipt.html",
        {"vote": vote, "form": form, "ballot": ballot},
        status=404 if form.is_bound and ballot is None else 200,
    )
