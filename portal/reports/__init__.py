"""Report exports (/reports/): what each contains, for whom, streamed from the database.

Each report is a scoped, filtered queryset read with `.iterator()` (a server-side cursor on
PostgreSQL), turned into rows of typed values: the CSV writer formats them (UTF-8 with BOM, money
with two decimals), the XLSX job writes them natively. Memory stays constant whatever the number
of rows. Scope comes from portal/permissions.py: the bureau and admins see the city, street staff
their own streets only. Residents' names, phones, units and Party membership are in no report;
complaints carry no text; votes only their tallies.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from feedback.models import Response

from .base import CHUNK, MONEY, ZERO, Filters, Report, _label, _label_in_sql, _local, _money  # noqa: F401
from .councils import _council_row, _councils
from .queries import (
    _complaint_row,
    _complaints,
    _contractor_row,
    _contractors,
    _funding,
    _funding_row,
    _ledger,
    _ledger_row,
    _progress,
    _progress_row,
    _project_row,
    _projects,
    _survey_row,
    _surveys,
    _vote_row,
    _votes,
)

QUESTION_HEADERS = [(f"avg_{q}", Response._meta.get_field(q).verbose_name) for q in Response.QUESTIONS]

REPORTS: dict[str, Report] = {
    r.code: r
    for r in [
        Report(
            "projects",
            _("Projects summary"),
            _("One row per project: status, budget, money in and out, progress, contractor."),
            [
                ("code", _("code")),
                ("title", _("title")),
                ("estate", _("estate")),
                ("street", _("street")),
                ("status", _("status")),
                ("created", _("created on")),
                ("budget", _("budget (CNY)")),
                ("income", _("received (CNY)")),
                ("expense", _("spent (CNY)")),
                ("balance", _("balance (CNY)")),
                ("progress_percent", _("progress (%)")),
                ("contractor", _("contractor")),
                ("completed_on", _("completed on")),
            ],
            _projects,
            _project_row,
            "",
            "created_at",
        ),
        Report(
            "ledger",
            _("Ledger entries"),
            _("Every entry of every ledger in scope, as published (with its hash)."),
            [
                ("project", _("project")),
                ("seq", _("number")),
                ("date", _("date")),
                ("kind", _("kind")),
                ("amount", _("amount (CNY)")),
                ("counterparty", _("paid by / paid to")),
                ("category", _("category")),
                ("memo", _("memo")),
                ("reverses", _("reverses entry")),
                ("hash", _("hash")),
            ],
            _ledger,
            _ledger_row,
            "project__",
            "date",
            copyable=True,
        ),
        Report(
            "funding",
            _("Funding sources"),
            _("Each published budget's lines by source, with what has been received."),
            [
                ("project", _("project")),
                ("estate", _("estate")),
                ("street", _("street")),
                ("source_name", _("funding source")),
                ("budgeted", _("budgeted (CNY)")),
                ("received", _("received (CNY)")),
            ],
            _funding,
            _funding_row,
            "budget__project__",
            "budget__published_at",
        ),
        Report(
            "progress",
            _("Progress"),
            _("Every progress post: item, percent, the project's percent after it."),
            [
                ("project", _("project")),
                ("posted_at", _("posted at")),
                ("item", _("plan item")),
                ("description", _("what the item covers")),
                ("percent", _("percent complete")),
                ("project_percent", _("project percent complete")),
                ("contractor", _("contractor")),
                ("text", _("what was done")),
            ],
            _progress,
            _progress_row,
            "project__",
            "posted_at",
        ),
        Report(
            "votes",
            _("Votes (tallies)"),
            _("Closed votes with the electorate and the tallies by choice; no ballots."),
            [
                ("vote", _("vote")),
                ("project", _("project")),
                ("title", _("title")),
                ("purpose", _("purpose")),
                ("matter", _("matter")),
                ("scope", _("scope")),
                ("opened_at", _("opened at")),
                ("closed_at", _("closed at")),
                ("electorate_owners", _("owners in the electorate")),
                ("electorate_area", _("area of the electorate (m²)")),
                ("participants_owners", _("owners who took part")),
                ("participants_area", _("area that took part (m²)")),
                ("agree_owners", _("owners who agreed")),
                ("agree_area", _("area that agreed (m²)")),
                ("disagree_owners", _("owners who disagreed")),
                ("disagree_area", _("area that disagreed (m²)")),
                ("abstain_owners", _("owners who abstained")),
                ("abstain_area", _("area that abstained (m²)")),
                ("result", _("result")),
            ],
            _votes,
            _vote_row,
            "project__",
            "closed_at",
        ),
        Report(
            "complaints",
            _("Complaints and deadlines"),
            _("Each complaint's route, status and deadlines; never its text or its filer."),
            [
                ("id", _("number")),
                ("project", _("project")),
                ("estate", _("estate")),
                ("street", _("street")),
                ("category", _("category")),
                ("route", _("routed to")),
                ("agency", _("organization")),
                ("status", _("status")),
                ("filed_at", _("filed at")),
                ("acknowledge_due", _("acknowledge by")),
                ("acknowledged_at", _("acknowledged at")),
                ("acknowledged_on_time", _("acknowledged in time")),
                ("resolve_due", _("resolve by")),
                ("resolved_at", _("resolved at")),
                ("resolved_on_time", _("resolved in time")),
                ("closed_at", _("closed at")),
                ("escalated_at", _("escalated at")),
                ("escalation", _("escalated because")),
            ],
            _complaints,
            _complaint_row,
            "project__",
            "filed_at",
        ),
        Report(
            "surveys",
            _("Survey results by project"),
            _("Each survey's answers and averages (blank below the privacy threshold)."),
            [
                ("project", _("project")),
                ("estate", _("estate")),
                ("street", _("street")),
                ("contractor", _("contractor")),
                ("kind", _("kind")),
                ("status", _("status")),
                ("opened_at", _("opened at")),
                ("closed_at", _("closed at")),
                ("households", _("households invited")),
                ("responses", _("answers")),
                *QUESTION_HEADERS,
            ],
            _surveys,
            _survey_row,
            "project__",
            "opened_at",
        ),
        Report(
            "contractors",
            _("Survey results by contractor"),
            _("Each contractor with projects in scope and its residents' rating."),
            [
                ("contractor", _("contractor")),
                ("credit_code", _("unified social credit code")),
                ("projects", _("number of projects")),
                ("rating", _("rating (1–5)")),
                ("answers", _("answers")),
                ("rated_projects", _("projects rated")),
                *QUESTION_HEADERS,
            ],
            _contractors,
            _contractor_row,
            "",
            "created_at",
            scoped_by_queryset=True,
        ),
        Report(
            "councils",
            _("Residents' councils"),
            _(
                "Each estate's council (老友议事会): status, filing, term, representatives and "
                "Party members (counts, no names)."
            ),
            [
                ("street", _("street")),
                ("estate", _("estate")),
                ("status", _("status")),
                ("filed_on", _("filed on")),
                ("term_ends", _("term ends")),
                ("representatives", _("representatives")),
                ("party_members", _("of whom Party members")),
                ("converted_on", _("became an owners' committee on")),
            ],
            _councils,
            _council_row,
            "",
            "filed_on",
            scoped_by_queryset=True,
        ),
    ]
}
