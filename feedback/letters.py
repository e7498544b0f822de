"""The letters of a willingness survey (意愿调查): a notice to each household's voting owner (in-app,
and SMS or e-mail as they prefer, with a sign-in-free link), the rest marked for a printed QR
letter — in batches, each notice keyed, so a re-run or a re-delivered task sends nothing twice.
Below the services and the tasks (both import it)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone

from stakeholders.models import Notification, Ownership
from stakeholders.notifications import Notice
from stakeholders.services import deliveries_send, notify_each

from . import permissions, tokens
from .models import Invitation, WillingnessInvitation, WillingnessSurvey


def voting_owner_users(household_ids) -> dict[int, int]:
    """household id → the user id of its verified voting owner (households without one: absent)."""
    return dict(
        Ownership.objects.filter(household_id__in=list(household_ids), is_voting_owner=True).values_list(
            "household_id", "resident__user_id"
        )
    )


def willingness_batch_id(survey_id: int, first_id: int, last_id: int) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"portal:willingness:{survey_id}:{first_id}-{last_id}")


def willingness_answer_path(invitation: WillingnessInvitation) -> str:
    token = tokens.make_token(invitation, salt=tokens.WILLINGNESS_SALT)
    return reverse("feedback:willingness_answer", args=[invitation.pk, token])


def willingness_unsent_chunks(survey_id: int) -> list[tuple[int, int]]:
    ids = list(
        WillingnessInvitation.objects.filter(survey_id=survey_id, sent_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    size = settings.SURVEY_BATCH_SIZE
    return [(ids[i], ids[min(i + size, len(ids)) - 1]) for i in range(0, len(ids), size)]


@transaction.atomic
def willingness_send_batch(*, survey_id: int, first_id: int, last_id: int, now=None) -> uuid.UUID:
    """Notices for the invitations first_id..last_id not yet sent (voting owners: in-app, and SMS or
    e-mail as each prefers, with the sign-in-free link), the rest marked for printing — one
    transaction, each notice keyed, rows another worker holds skipped."""
    now = now or timezone.now()
    batch = willingness_batch_id(survey_id, first_id, last_id)
    survey = WillingnessSurvey.objects.get(pk=survey_id)
    if not permissions.willingness_accepts_answers(survey, now):
        return batch
    rows = list(
        WillingnessInvitation.objects.filter(survey=survey, pk__gte=first_id, pk__lte=last_id, sent_at__isnull=True)
        .select_related("estate")
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("pk")
    )
    owners = voting_owner_users(r.household_id for r in rows)
    closes = formats.date_format(survey.last_day, "Y-m-d")
    notify_each(
        notices=[
            Notice(
                user_id=owners[r.household_id],
                kind=Notification.Kind.WILLINGNESS_INVITED,
                params={"estate": r.estate.name, "closes": closes},
                url=reverse("feedback:willingness_mine", args=[r.pk]),
                external_url=willingness_answer_path(r),
                key=f"willingness{survey.pk}:{r.pk}",
            )
            for r in rows
            if r.household_id in owners
        ],
        send=False,
        batch=batch,
    )
    for pks, delivery in (
        ([r.pk for r in rows if r.household_id in owners], Invitation.Delivery.MESSAGE),
        ([r.pk for r in rows if r.household_id not in owners], Invitation.Delivery.PRINT),
    ):
        if pks:
            WillingnessInvitation.objects.filter(pk__in=pks).update(sent_at=now, delivery=delivery)
    return batch


def willingness_send_letters(*, survey_id: int, now=None) -> dict[str, int]:
    """Every batch still unsent, each written in its own transaction and then delivered."""
    sent = {"batches": 0, "sent": 0}
    for first_id, last_id in willingness_unsent_chunks(survey_id):
        batch = willingness_send_batch(survey_id=survey_id, first_id=first_id, last_id=last_id, now=now)
        sent["batches"] += 1
        sent["sent"] += deliveries_send(batch=batch).get("sent", 0)
    return sent
