"""The residents' councils in public (no names): the list, an estate's council with its roster
(masked) and Party-member count, its history and meetings, councils.json, the check page a
certificate's QR opens, and the deliberation rules the housing bureau publishes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.forms import form_errors
from core.replica import replica_ok
from stakeholders import council_selectors, councils, permissions
from stakeholders.council_forms import RulesForm
from stakeholders.models import Council

from .cache import _json


def _status(council, today) -> tuple[str, str]:
    status = council.status_on(today)
    return status, Council.Status(status).label


@replica_ok
@require_safe
def council_list(request):
    today = timezone.localdate()
    rows = [(c, *_status(c, today)) for c in council_selectors.public_councils()]
    return render(request, "disclosure/councils.html", {"rows": rows})


@replica_ok
@require_safe
def council(request, code: str):
    found = council_selectors.public_council(code)
    if found is None:
        raise Http404
    status, label = _status(found, timezone.localdate())
    # Meeting documents may carry names: listed for the estate's residents and staff only.
    may_open = request.user.is_authenticated and permissions.can_view_meeting_attachments(request.user, found.estate)
    if may_open:
        files = council_selectors.meeting_attachments(found)
        for meeting in found.meeting_list:
            meeting.files = files.get(meeting.pk, [])
    context = {
        "council": found,
        "status": status,
        "status_label": label,
        "now": timezone.now(),
        "history": council_selectors.council_history(found),
        "may_open": may_open,
        # Shown to the representatives and the committee; the page stays the same for everyone else.
        "can_call": request.user.is_authenticated and permissions.can_schedule_council_meeting(request.user, found),
    }
    return render(request, "disclosure/council.html", context)


@replica_ok
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
                for c in council_selectors.public_councils()
            ]
        },
        cache_seconds=300,
    )


@require_safe
def council_certificate(request, code: str):
    """What a certificate's QR code opens: is this person a filed representative, until when."""
    seat = council_selectors.seat_by_certificate(code[:16])
    if seat is None or seat.council.filed_on is None:
        raise Http404
    state = council_selectors.certificate_state(seat, timezone.localdate())
    context = {"seat": seat, "council": seat.council, "valid": state == "valid", "state": state}
    return render(request, "disclosure/council_certificate.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def rules(request):
    """The councils' deliberation rules (议事规则): public; the housing bureau publishes new versions."""
    can_edit = request.user.is_authenticated and permissions.can_publish_deliberation_rules(request.user)
    versions = council_selectors.rules_versions()
    form = None
    if can_edit:
        form = RulesForm(request.POST or None, initial={"text": versions[0].text if versions else ""})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("The housing bureau publishes the deliberation rules."))
        if form.is_valid():
            try:
                councils.deliberation_rules_publish(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("The new version of the rules is published."))
                return redirect("disclosure:council_rules")
    return render(
        request,
        "disclosure/council_rules.html",
        {"current": versions[0] if versions else None, "earlier": versions[1:], "form": form},
        status=400 if form is not None and form.errors else 200,
    )
