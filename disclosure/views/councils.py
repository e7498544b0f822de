"""The residents' councils in public (no names): the list, an estate's council with its roster
(masked) and Party-member count, councils.json, and the check page a certificate's QR opens."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from stakeholders import councils, permissions
from stakeholders.models import Council

from .cache import _json


def _status(council, today) -> tuple[str, str]:
    status = council.status_on(today)
    return status, Council.Status(status).label


@require_safe
def council_list(request):
    today = timezone.localdate()
    rows = [(c, *_status(c, today)) for c in councils.public_councils()]
    return render(request, "disclosure/councils.html", {"rows": rows})


@require_safe
def council(request, code: str):
    found = councils.public_council(code)
    if found is None:
        raise Http404
    status, label = _status(found, timezone.localdate())
    context = {
        "council": found,
        "status": status,
        "status_label": label,
        "now": timezone.now(),
        # Shown to the representatives and the committee; the page stays the same for everyone else.
        "can_call": request.user.is_authenticated and permissions.can_schedule_council_meeting(request.user, found),
    }
    return render(request, "disclosure/council.html", context)


@require_safe
def councils_json(request):
    """Public contract (issue 17): canonical JSON, codes not labels, no names."""
    today = timezone.localdate()
    return _json(
        {
            "councils": [
                {
                    "estate": c.estate.name,
                    "street": c.estate.community.street.name,
                    "status": c.status_on(today),
                    "filed_on": c.filed_on.isoformat() if c.filed_on else None,
                    "term_ends": c.term_ends.isoformat() if c.term_ends else None,
                    "representatives": c.representatives,
                    "party_members": c.party_members,
                    "meetings": c.meetings_held,
                    "url": request.build_absolute_uri(reverse("disclosure:council", args=[c.estate.code])),
                }
                for c in councils.public_councils()
            ]
        },
        cache_seconds=300,
    )


@require_safe
def council_certificate(request, code: str):
    """What a certificate's QR code opens: is this person a filed representative, until when."""
    seat = councils.seat_by_certificate(code[:16])
    if seat is None or seat.council.filed_on is None:
        raise Http404
    state = councils.certificate_state(seat, timezone.localdate())
    context = {"seat": seat, "council": seat.council, "valid": state == "valid", "state": state}
    return render(request, "disclosure/council_certificate.html", context)
