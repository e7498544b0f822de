"""The housing bureau's whitelist and negative list (白名单、负面清单, issue 21 item 2) in public, with
the bureau's form to add and remove entries on the same page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import form_errors
from stakeholders import listings
from stakeholders import permissions as stakeholder_permissions
from stakeholders.models import OrganizationListing

from ..forms import ListingForm


@require_http_methods(["GET", "HEAD", "POST"])
def organization_lists(request):
    manages = request.user.is_authenticated and stakeholder_permissions.can_manage_listings(request.user)
    form = ListingForm() if manages else None
    status = 200
    if request.method == "POST":
        if not manages:
            raise PermissionDenied(listings.LISTING_ERRORS["not_allowed"])
        if request.POST.get("action") == "remove":
            entry = get_object_or_404(OrganizationListing, pk=request.POST.get("entry") or 0)
            try:
                listings.listing_remove(entry=entry, actor=request.user, reason=request.POST.get("reason", ""))
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The entry is removed; it stays in the record with why."))
            return redirect("disclosure:organization_lists")
        form = ListingForm(request.POST)
        if form.is_valid():
            try:
                listings.listing_add(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("Listed. It is public now."))
                return redirect("disclosure:organization_lists")
        status = 400
    today = timezone.localdate()
    entries = list(listings.public_listings())
    for entry in entries:
        entry.running = entry.runs_on(today)
    context = {"entries": entries, "form": form, "manages": manages}
    return render(request, "disclosure/organization_lists.html", context, status=status)
