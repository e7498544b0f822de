"""The councils report (issue 17): each estate's council with its status and counts — no names."""

from __future__ import annotations

from django.utils import timezone

from stakeholders import council_selectors
from stakeholders.models import Council

from .base import Filters, _label


def _councils(filters: Filters):
    """Every council the public sees, in scope (the project status filter does not apply)."""
    qs = council_selectors.public_councils()
    if filters.streets is not None:
        qs = qs.filter(estate__community__street_id__in=filters.streets)
    if filters.street:
        qs = qs.filter(estate__community__street_id=filters.street)
    if filters.date_from:
        qs = qs.filter(filed_on__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(filed_on__lte=filters.date_to)
    return qs


def _council_row(c) -> list:
    return [
        c.estate.community.street.name,
        c.estate.name,
        _label(Council.Status.choices, c.status_on(timezone.localdate())),
        c.filed_on,
        c.term_ends,
        c.representatives,
        c.party_members,
        c.converted_on,
    ]
