"""The public vote documents of architecture §6, built from the stored ballots (never retyped). An
outside verifier recomputes `ballots_digest` and the tally from `ballots` alone."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from . import rules
from .canonical import H, money
from .models import Vote


def _iso(value) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _figures(f: rules.Figures) -> dict:
    return {"owners": f.owners, "area": money(f.area)}


def vote_document(vote: Vote) -> dict:
    """`/disclosure/votes/<code>.json`; only for closed votes (callers check)."""
    ballots = sorted(
        (
            {"receipt": receipt, "choice": choice, "area": money(area), "channel": channel}
            for receipt, choice, area, channel in vote.ballots.values_list("receipt_hash", "choice", "area", "channel")
        ),
        key=lambda b: b["receipt"],
    )
    electorate = rules.Figures(vote.electorate_owners, Decimal(vote.electorate_area))
    tally = rules.tally(
        rules.Matter(vote.matter), electorate, [(rules.Choice(b["choice"]), Decimal(b["area"])) for b in ballots]
    )
    return {
        "vote": vote.code,
        "project": vote.project.code,
        "title": vote.title,
        "matter": vote.matter,
        "scope": vote.scope,
        "opened_at": _iso(vote.opened_at),
        "closed_at": _iso(vote.closed_at),
        "electorate": _figures(electorate),
        "ballots": ballots,
        "ballots_digest": H(ballots),
        "tally": {
            "participants": _figures(tally.participants),
            "agree": _figures(tally.agree),
            "disagree": _figures(tally.disagree),
            "abstain": _figures(tally.abstain),
        },
        "quorum_met": tally.quorum_met,
        "result": tally.result.value,
    }


def closed_votes() -> QuerySet[Vote]:
    return Vote.objects.filter(status=Vote.Status.CLOSED).select_related("project").order_by("-closed_at", "-id")


def votes_index() -> dict:
    """`/disclosure/votes.json`: every closed vote."""
    return {
        "votes": [
            {
                "vote": code,
                "project": project_code,
                "title": title,
                "closed_at": _iso(closed_at),
                "url": reverse("disclosure:vote_json", args=[code]),
            }
            for code, project_code, title, closed_at in closed_votes().values_list(
                "code", "project__code", "title", "closed_at"
            )
        ]
    }


def checks(document: dict) -> list[rules.Check]:
    """The four thresholds of architecture §4 recomputed from the document, for the human result page."""

    def figures(d: dict) -> rules.Figures:
        return rules.Figures(d["owners"], Decimal(d["area"]))

    tally = document["tally"]
    return rules.quorum_checks(
        figures(document["electorate"]), figures(tally["participants"])
    ) + rules.agreement_checks(
        rules.Matter(document["matter"]), figures(tally["participants"]), figures(tally["agree"])
    )
