"""Willingness and needs surveys (意愿调查) before a project: opening one for a few estates (its
letters then go out from feedback/letters.py), answers by link, from the home page or on paper,
and closing early (issue 18 item 1)."""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import errors_for
from core.tasks import enqueue
from projects.models import CatalogItem, Project
from stakeholders import permissions as stakeholder_permissions
from stakeholders.audit import by_actor
from stakeholders.models import Estate, Household, User

from .. import permissions, tokens
from ..letters import voting_owner_users
from ..models import Response, WillingnessAnswer, WillingnessInvitation, WillingnessSurvey
from ..willingness_tasks import send_willingness_letters

WILLINGNESS_MIN_DAYS, WILLINGNESS_MAX_DAYS = 3, 90

WILLINGNESS_ERRORS = {
    "no_estates": _("Choose at least one estate."),
    "no_items": _("Choose at least one renovation item to ask about."),
    "not_allowed_estate": _(
        "You cannot ask the households of %(estate)s: it is not in your street or community, or its "
        "renovation is already under way."
    ),
    "already_asking": _("%(estate)s is already being asked in another open survey (%(survey)s)."),
    "one_street": _("A survey asks the estates of one street."),
    "one_community": _("A community committee asks the estates of its own community."),
    "closes_on": _("The survey must stay open between %(min)s and %(max)s days."),
    "closed": _("This survey is closed; answers are no longer taken."),
    "already_answered": _("This household has already answered. Thank you!"),
    "not_allowed": _("You may not answer for this household."),
    "willing_required": _("Say whether you want your estate renovated."),
    "contribute_required": _("Say whether you would contribute to the cost."),
    "item_unknown": _("Choose the items from the list."),
    "forged": _(
        "This survey link is not valid. Check that it was copied completely, or ask your community committee "
        "for a new one."
    ),
    "expired": _(
        "This survey link has expired. Ask your community committee for a new one if the survey is still open."
    ),
}


_error = errors_for(WILLINGNESS_ERRORS)


@by_actor
@transaction.atomic
def willingness_open(
    *, actor: User, title: str, estates: list[Estate], items: list[CatalogItem], closes_on, now=None
) -> WillingnessSurvey:
    """Open a survey of every household of `estates` (one street), asking about `items`. Decided on
    the locked estate rows: the actor's office covers each, no renovation is under way there, and no
    other open survey asks it (two clerks opening one at once get one survey and a clear answer)."""
    now = now or timezone.now()
    if not estates:
        raise _error("no_estates", "estates")
    if not items:
        raise _error("no_items", "items")
    locked = list(
        Estate.objects.select_for_update(of=("self",))
        .select_related("community")
        .filter(pk__in=[e.pk for e in estates])
        .order_by("pk")
    )
    if len({e.community.street_id for e in locked}) != 1:
        raise _error("one_street", "estates")
    statuses: dict[int, set[str]] = {}
    renovations = Project.objects.filter(estate__in=locked, kind=Project.Kind.RENOVATION)  # (not an elevator's)
    for estate_id, status in renovations.values_list("estate_id", "status"):
        statuses.setdefault(estate_id, set()).add(status)
    for estate in locked:
        if not permissions.can_open_willingness_survey(actor, estate, project_statuses=statuses.get(estate.pk, ())):
            raise _error("not_allowed_estate", "estates", estate=estate.name)
    busy = (
        WillingnessSurvey.objects.filter(estates__in=locked, status=WillingnessSurvey.Status.OPEN, closes_at__gt=now)
        .values_list("title", "estates__name")
        .first()
    )
    if busy:
        raise _error("already_asking", "estates", estate=busy[1], survey=busy[0])
    today = timezone.localdate(now)
    days = (closes_on - today).days if closes_on else 0
    if not WILLINGNESS_MIN_DAYS <= days <= WILLINGNESS_MAX_DAYS:
        raise _error("closes_on", "closes_on", min=WILLINGNESS_MIN_DAYS, max=WILLINGNESS_MAX_DAYS)
    # Opened by the street office (or an admin) for any of its estates; by a community committee
    # for its own community's (then the committee closes it and its desk).
    communities = {e.community_id for e in locked}
    by_community = not (
        stakeholder_permissions.is_platform_admin(actor) or stakeholder_permissions.is_street_staff(actor, locked[0])
    )
    if by_community and len(communities) != 1:
        raise _error("one_community", "estates")
    survey = WillingnessSurvey(
        title=(title or "").strip()[:120] or str(_("Renovation willingness survey")),
        street_id=locked[0].community.street_id,
        community_id=next(iter(communities)) if by_community else None,
        opened_by=actor,
        opened_at=now,
        # Open through the whole of its last day (Asia/Shanghai).
        closes_at=timezone.make_aware(datetime.combine(closes_on + timedelta(days=1), time.min)),
    )
    survey.full_clean(exclude=["opened_by"])
    survey.save()
    survey.estates.set(locked)
    survey.items.set(items)
    households = Household.objects.filter(building__estate__in=locked).values_list("pk", "building__estate_id")
    WillingnessInvitation.objects.bulk_create(
        [
            WillingnessInvitation(survey=survey, household_id=pk, estate_id=estate_id, nonce=secrets.token_hex(8))
            for pk, estate_id in households.order_by("pk")
        ],
        batch_size=2000,
    )
    survey.households = WillingnessInvitation.objects.filter(survey=survey).count()
    survey.save(update_fields=["households"])
    survey_id = survey.pk
    # If the broker is down, the 15-minute beat (dispatch_surveys → willingness_unsent) sends them.
    transaction.on_commit(lambda: enqueue(send_willingness_letters, survey_id))
    return survey


def willingness_unsent(*, now=None) -> list[int]:
    """Open surveys with invitations not yet sent (a lost task, a broker that was down)."""
    now = now or timezone.now()
    return list(
        WillingnessSurvey.objects.filter(
            status=WillingnessSurvey.Status.OPEN, closes_at__gt=now, invitations__sent_at__isnull=True
        )
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@by_actor
@transaction.atomic
def willingness_close(*, survey: WillingnessSurvey, actor: User, now=None) -> WillingnessSurvey:
    """The opening office ends the survey before its last day (decided on the locked row)."""
    now = now or timezone.now()
    locked = WillingnessSurvey.objects.select_for_update().prefetch_related("estates").get(pk=survey.pk)
    if not permissions.can_close_willingness(actor, locked, now):
        raise PermissionDenied(_("Only the office that opened the survey closes it, while it is open."))
    locked.status = WillingnessSurvey.Status.CLOSED
    locked.closed_at = now
    locked.save(update_fields=["status", "closed_at"])
    return locked


def _clean(survey: WillingnessSurvey, answers: dict) -> dict:
    errors = {}
    willing = answers.get("willing")
    if willing not in WillingnessAnswer.Willing.values:
        errors["willing"] = _error("willing_required")
    contribute = answers.get("contribute")
    if contribute not in WillingnessAnswer.Contribute.values:
        errors["contribute"] = _error("contribute_required")
    allowed = {item.pk: item for item in survey.items.all()}
    try:
        chosen = {int(pk) for pk in answers.get("items") or ()}
    except (TypeError, ValueError):
        chosen = {-1}
    if not chosen <= allowed.keys():
        errors["items"] = _error("item_unknown")
    if errors:
        raise ValidationError(errors)
    return {
        "willing": willing,
        "contribute": contribute,
        "take_part": bool(answers.get("take_part")),
        "items": [allowed[pk] for pk in sorted(chosen)],
    }


def _store(*, invitation, answers: dict, text: str, channel: str, entered_by, now=None) -> WillingnessAnswer:
    locked = WillingnessInvitation.objects.select_for_update().select_related("survey").get(pk=invitation.pk)
    if not permissions.willingness_accepts_answers(locked.survey, now):
        raise _error("closed")
    if WillingnessAnswer.objects.filter(invitation=locked).exists():
        raise _error("already_answered")
    cleaned = _clean(locked.survey, answers)
    answer = WillingnessAnswer(
        invitation=locked,
        survey=locked.survey,
        estate_id=locked.estate_id,
        willing=cleaned["willing"],
        contribute=cleaned["contribute"],
        take_part=cleaned["take_part"],
        text=(text or "").strip(),
        channel=channel,
        entered_by=entered_by,
    )
    answer.full_clean(exclude=["invitation", "survey", "estate"])
    try:
        with transaction.atomic():
            answer.save()
    except IntegrityError:  # the same household's answer sent twice at once
        raise _error("already_answered") from None
    answer.items.set(cleaned["items"])
    return answer


def willingness_invitation_by_token(*, invitation_id: int, token: str) -> WillingnessInvitation:
    try:
        nonce = tokens.read_token(token, invitation_id=invitation_id, salt=tokens.WILLINGNESS_SALT)
    except tokens.BadToken as bad:
        raise _error(bad.code) from None
    invitation = (
        WillingnessInvitation.objects.select_related("survey", "estate", "household__building")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not secrets.compare_digest(invitation.nonce, nonce):
        raise _error("forged")
    return invitation


@by_actor
@transaction.atomic
def willingness_answer_by_link(
    *, invitation_id: int, token: str, answers: dict, text: str = "", actor: User | None = None, now=None
) -> WillingnessAnswer:
    invitation = willingness_invitation_by_token(invitation_id=invitation_id, token=token)
    user = actor if actor is not None and actor.is_authenticated else None
    return _store(
        invitation=invitation, answers=answers, text=text, channel=Response.Channel.ONLINE, entered_by=user, now=now
    )


@by_actor
@transaction.atomic
def willingness_answer_as_owner(
    *, invitation: WillingnessInvitation, actor: User, answers: dict, text: str = "", now=None
) -> WillingnessAnswer:
    owner = voting_owner_users([invitation.household_id]).get(invitation.household_id)
    answered = WillingnessAnswer.objects.filter(invitation=invitation).exists()
    if not permissions.can_answer_willingness_as_owner(
        actor, invitation, answered=answered, voting_owner_user_id=owner, now=now
    ):
        if answered:
            raise _error("already_answered")
        if owner == actor.pk:
            raise _error("closed")
        raise PermissionDenied(WILLINGNESS_ERRORS["not_allowed"])
    return _store(
        invitation=invitation, answers=answers, text=text, channel=Response.Channel.ONLINE, entered_by=actor, now=now
    )


@by_actor
@transaction.atomic
def willingness_record_paper(
    *, invitation: WillingnessInvitation, actor: User, answers: dict, text: str = "", now=None
) -> WillingnessAnswer:
    """Community or street staff enter a household's signed paper answer — its only answer."""
    if not permissions.can_record_willingness_paper(actor, invitation.survey, now):
        raise PermissionDenied(WILLINGNESS_ERRORS["not_allowed"])
    return _store(
        invitation=invitation, answers=answers, text=text, channel=Response.Channel.PAPER, entered_by=actor, now=now
    )
