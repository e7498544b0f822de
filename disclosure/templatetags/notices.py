"""`{% load notices %}{% notice_windows project %}`: the project's public notices (公示) — the plan
vote result's and the budget's — with their windows and objection counts, for the project page's
timeline. A template tag, because projects sits below disclosure in the house."""

from django import template
from django.db.models import Count, Q
from django.utils import timezone

from disclosure import notices, permissions
from disclosure.models import Budget, Objection
from projects.models import Project

register = template.Library()
# Before planning there is no plan vote and no budget: nothing to read.
_S = Project.Status
BEFORE_ANY_NOTICE = frozenset({_S.PETITIONING, _S.SUBMITTED, _S.ACCEPTED, _S.REJECTED})


@register.inclusion_tag("disclosure/_notice_windows.html")
def notice_windows(project):
    """At most four queries (none before planning): the plan vote, the budget, their objections."""
    now, windows = timezone.now(), []
    if project.status in BEFORE_ANY_NOTICE:
        return {"windows": windows, "project": project}
    vote = notices.last_plan_vote(project)
    if vote is not None:
        ends = permissions.vote_notice_ends(vote)
        windows.append(
            {
                "kind": "result",
                "start": timezone.localdate(vote.closed_at),
                "end": timezone.localdate(ends),
                "running": permissions.vote_notice_running(vote, now),
                **_counts(Objection.objects.filter(vote=vote)),
            }
        )
    budget = Budget.objects.filter(project=project, status=Budget.Status.PUBLISHED).first()
    if budget is not None and budget.published_at is not None:
        windows.append(
            {
                "kind": "budget",
                "start": timezone.localdate(budget.published_at),
                "end": budget.notice_ends_on,
                "running": permissions.notice_running(budget, timezone.localdate(now)),
                **_counts(Objection.objects.filter(budget=budget)),
            }
        )
    return {"windows": windows, "project": project}


def _counts(objections) -> dict:
    return objections.aggregate(total=Count("id"), waiting=Count("id", filter=Q(answered_at__isnull=True)))


@register.simple_tag(takes_context=True)
def may_see_collection(context, project) -> bool:
    """Whether the viewer sees the collection desk of the project (its link is shown only to them)."""
    return permissions.may_see_collection_desk(context["request"].user, project)
