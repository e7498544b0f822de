"""Account views: thin — parse input, ask permissions.py, call one service, render or redirect."""

from __future__ import annotations

import logging
import mimetypes
from urllib.parse import urlencode

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.files import PRIVATE_FILE_SALT, private_file_response, private_storage
from core.forms import form_errors

from . import permissions, registration, residences, selectors, services
from .care import CARE_COOKIE, CARE_COOKIE_AGE
from .forms import ClaimForm, NotificationPreferencesForm, RejectForm, SignUpForm, SignUpStartForm, VerifyForm
from .models import Delivery, Ownership
from .text import mask_phone

REVIEWS_PER_PAGE = 50


SIGNUP_SESSION_KEY = "signup_identifier"


@require_http_methods(["GET", "POST"])
def signup(request):
    """Registration, step 1: the phone or e-mail; a code is sent to it (or, if it has an account, a
    message saying so — the page answers the same either way)."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpStartForm(request.POST or None, initial={"identifier": request.session.get(SIGNUP_SESSION_KEY, "")})
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.registration_code_send(
                identifier=form.cleaned_data["identifier"], requested_from=get_client_ip_address(request)
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            request.session[SIGNUP_SESSION_KEY] = sent.identifier
            messages.info(
                request,
                _("We sent a message to %(to)s. Enter the 6-digit code from it below (valid %(minutes)s minutes).")
                % {"to": sent.shown, "minutes": sent.minutes},
            )
            return redirect("stakeholders:signup_confirm")
    return render(request, "stakeholders/signup.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def signup_confirm(request):
    """Registration, step 2: the code, a name and a password; the account is made and signed in."""
    if request.user.is_authenticated:
        return redirect("home")
    identifier = request.session.get(SIGNUP_SESSION_KEY)
    if not identifier:
        return redirect("stakeholders:signup")
    form = SignUpForm(request.POST or None, identifier=identifier)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.resident_register(
                name=form.cleaned_data["name"],
                identifier=identifier,
                code=form.cleaned_data["code"],
                password=form.cleaned_data["password1"],
                is_party_member=form.cleaned_data["is_party_member"],
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            login(request, user, backend="stakeholders.backends.IdentifierBackend")
            request.session.pop(SIGNUP_SESSION_KEY, None)
            messages.success(request, _("Welcome! Next, claim your household so you can take part in decisions."))
            return redirect("stakeholders:claim_create")
    kind, value = services.parse_identifier(identifier)
    context = {"form": form, "shown": registration.shown(kind, value), "identifier": identifier}
    return render(request, "stakeholders/signup_confirm.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def claim_create(request):
    if not permissions.may_claim_households(request.user):
        raise PermissionDenied(_("Only residents can claim a household. Register a resident account to do so."))
    if request.method == "POST":
        form = ClaimForm(request.POST, request.FILES)
        if form.is_valid():
            fields = form.cleaned_data
            try:
                if fields["relation"] == "owner":
                    services.ownership_claim(
                        resident=request.user.resident, household=fields["household"], proof=fields["proof"]
                    )
                    done = _(
                        "Your claim was sent to the community committee. You will see the result on your home page."
                    )
                else:
                    residences.residence_declare(
                        resident=request.user.resident,
                        household=fields["household"],
                        relation=fields["relation"],
                        proof=fields["proof"],
                    )
                    done = _(
                        "Saved: you can now file and support needs, sign in at hearings and report problems for "
                        "your estate. The community committee may check it."
                    )
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, done)
                return redirect("home")
    else:
        form = ClaimForm(selection=request.GET.dict())
    template = (
        "stakeholders/_claim_places.html"
        if request.headers.get("HX-Request") == "true"
        else "stakeholders/claim_form.html"
    )
    return render(request, template, {"form": form}, status=400 if form.errors else 200)


@require_safe
@login_required
def claim_proof(request, pk: int):
    ownership = get_object_or_404(selectors.ownerships_visible(request.user), pk=pk)
    if not permissions.can_view_ownership_proof(request.user, ownership):
        raise PermissionDenied
    return private_file_response(
        ownership.proof,
        content_type=ownership.proof_content_type,
        download_name=f"proof-{ownership.pk}{_extension(ownership.proof.name)}",
    )


def _extension(name: str) -> str:
    return name[name.rfind(".") :] if "." in name else ""


@require_safe
@login_required
def private_file_for_admin(request, token: str):
    """A private file by its signed stored name, for platform admins only (the admin's links)."""

    if not permissions.can_open_any_private_file(request.user):
        raise Http404
    try:
        name = signing.loads(token, salt=PRIVATE_FILE_SALT)
    except signing.BadSignature:
        raise Http404 from None
    storage = private_storage()
    if not isinstance(name, str) or not storage.exists(name):
        raise Http404
    logging.getLogger("portal.private_files").info("admin %s opened private file %s", request.user.pk, name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return private_file_response(storage.open(name), content_type=content_type, download_name=name.rsplit("/", 1)[-1])


@require_safe
@login_required
def review_list(request):
    if not permissions.may_review_ownerships(request.user):
        raise PermissionDenied(_("Only community committee staff verify ownership claims."))
    status = request.GET.get("status", Ownership.Status.PENDING)
    if status not in Ownership.Status.values:
        status = Ownership.Status.PENDING
    # Oldest first: claims are handled in the order residents sent them.
    claims = selectors.ownerships_for_review(request.user).filter(status=status).order_by("submitted_at", "id")
    page = Paginator(claims, REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "stakeholders/review_list.html",
        {
            "claims": page.object_list,
            "page": page,
            "page_query": urlencode({"status": status}),
            "status": status,
            "statuses": Ownership.Status.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request, pk: int):
    if not permissions.may_review_ownerships(request.user):
        raise PermissionDenied(_("Only community committee staff verify ownership claims."))
    ownership = get_object_or_404(selectors.ownerships_for_review(request.user), pk=pk)
    verify_form, reject_form = VerifyForm(), RejectForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "verify":
                verify_form = VerifyForm(request.POST)
                if verify_form.is_valid():
                    voting = False if verify_form.cleaned_data["co_owner"] else None
                    services.ownership_verify(ownership=ownership, actor=request.user, voting=voting)
                    messages.success(request, _("Claim verified."))
                    return redirect("stakeholders:review_list")
            elif action == "reject":
                reject_form = RejectForm(request.POST)
                if reject_form.is_valid():
                    services.ownership_reject(
                        ownership=ownership, actor=request.user, reason=reject_form.cleaned_data["reason"]
                    )
                    messages.success(request, _("Claim rejected; the resident will see your reason."))
                    return redirect("stakeholders:review_list")
        except ValidationError as error:
            form_errors(reject_form if action == "reject" else verify_form, error)
    other_claims = list(
        selectors.ownerships_for_review(request.user).filter(household=ownership.household).exclude(pk=ownership.pk)
    )
    context = {
        "claim": ownership,
        "has_voting_owner": any(o.is_voting_owner for o in other_claims),
        "verify_form": verify_form,
        "reject_form": reject_form,
        "can_review": permissions.can_verify_ownership(request.user, ownership),
        "other_claims": other_claims,
    }
    failed = verify_form.errors or reject_form.errors
    return render(request, "stakeholders/review_detail.html", context, status=400 if failed else 200)


NOTIFICATIONS_PER_PAGE = 30


@login_required
@require_http_methods(["GET", "POST"])
def notification_list(request):
    if request.method == "POST":
        services.notifications_mark_read(user=request.user)
        messages.success(request, _("All notifications marked as read."))
        return redirect("stakeholders:notifications")
    page = Paginator(selectors.notifications_of(request.user), NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "stakeholders/notifications.html", {"page": page, "notifications": page.object_list, "page_query": ""}
    )


@require_safe
@login_required
def notification_open(request, pk: int):
    """Follow a notification's link, marking it read (only one's own: others' are 404)."""
    notification = get_object_or_404(selectors.notifications_of(request.user), pk=pk)
    services.notifications_mark_read(user=request.user, pk=notification.pk)
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("stakeholders:notifications")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    """Which notices also come by e-mail or SMS (each to the address the portal has)."""

    preference = selectors.notification_preference(request.user)
    resident = permissions.resident_profile(request.user)
    available = {
        channel
        for channel, address in (
            (Delivery.Channel.EMAIL, request.user.email),
            (Delivery.Channel.SMS, resident.phone if resident is not None else ""),
        )
        if address
    }
    form = NotificationPreferencesForm(request.POST or None, preference=preference, available=available)
    if request.method == "POST" and form.is_valid():
        services.notification_preferences_save(user=request.user, channels=form.channels())
        messages.success(request, _("Your notification settings are saved."))
        return redirect("stakeholders:notification_settings")
    return render(
        request,
        "stakeholders/notification_settings.html",
        {
            "form": form,
            "email": request.user.email,
            "phone": mask_phone(resident.phone) if resident is not None and resident.phone else "",
        },
    )


@require_http_methods(["POST"])
def care_mode(request):
    """The header's 关怀模式 switch: on the account when signed in, in a cookie in any case (so the
    sign-in page keeps it too); back to the page the person was on."""

    on = request.POST.get("on") == "1"
    if request.user.is_authenticated:
        services.user_set_care_mode(user=request.user, on=on)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = redirect(target)
    response.set_cookie(
        CARE_COOKIE,
        "1" if on else "0",
        max_age=CARE_COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    return response
